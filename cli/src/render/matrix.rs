//! The acceptance matrix (docs/matrix.md): for every (vm_state,
//! task_state) pair a server can be in, which actions Nova accepts, and
//! the HTTP status it answers for those its state check refuses. Computed
//! from [`Action::check`] and [`Action::refusal_status`]; no fact of its
//! own.

use core::fmt::{self, Write};

use nova_states::{Action, Pair, TaskState, VmState};

use crate::render::docs::md_header;

/// One family of actions: a table of its own, as the rows are grouped in
/// the library (src/rules/actions/*.rs), each action with the short label
/// its column uses.
pub struct Family {
    /// The section title.
    pub title: &'static str,
    /// The row files in the library.
    pub files: &'static [&'static str],
    /// The actions, with their column labels.
    pub actions: &'static [(Action, &'static str)],
}

/// Every action that has a server (all but `create`), by family.
pub const FAMILIES: &[Family] = &[
    Family {
        title: "Lifecycle",
        files: &["src/rules/actions/lifecycle.rs"],
        actions: &[
            (Action::Delete, "del"),
            (Action::SoftDelete, "sdel"),
            (Action::ForceDelete, "fdel"),
            (Action::Restore, "rstr"),
            (Action::ResetState, "reset"),
        ],
    },
    Family {
        title: "Power",
        files: &["src/rules/actions/power.rs", "src/rules/actions/guest.rs"],
        actions: &[
            (Action::Stop, "stop"),
            (Action::Start, "start"),
            (Action::RebootSoft, "rbt"),
            (Action::RebootHard, "hrbt"),
            (Action::Pause, "pause"),
            (Action::Unpause, "unpa"),
            (Action::Suspend, "susp"),
            (Action::Resume, "resm"),
            (Action::Rescue, "resc"),
            (Action::Unrescue, "unre"),
            (Action::TriggerCrashDump, "dump"),
        ],
    },
    Family {
        title: "Image",
        files: &["src/rules/actions/image.rs"],
        actions: &[
            (Action::Snapshot, "snap"),
            (Action::SnapshotVolumeBacked, "vsnap"),
            (Action::Backup, "bkup"),
            (Action::Shelve, "shlv"),
            (Action::ShelveOffload, "offl"),
            (Action::Unshelve, "unsh"),
        ],
    },
    Family {
        title: "Migration",
        files: &[
            "src/rules/actions/resize.rs",
            "src/rules/actions/rebuild.rs",
            "src/rules/actions/live.rs",
        ],
        actions: &[
            (Action::Resize, "rsz"),
            (Action::Migrate, "migr"),
            (Action::ConfirmResize, "conf"),
            (Action::RevertResize, "rvrt"),
            (Action::Rebuild, "rbld"),
            (Action::Evacuate, "evac"),
            (Action::LiveMigrate, "live"),
            (Action::LiveMigrateForceComplete, "lmfc"),
            (Action::LiveMigrateAbort, "lmab"),
        ],
    },
    Family {
        title: "Attach",
        files: &["src/rules/actions/attach.rs"],
        actions: &[
            (Action::SetAdminPassword, "pass"),
            (Action::GetVncConsole, "vnc"),
            (Action::GetSpiceConsole, "spice"),
            (Action::GetSerialConsole, "ser"),
            (Action::GetMksConsole, "mks"),
            (Action::AttachVolume, "+vol"),
            (Action::DetachVolume, "-vol"),
            (Action::SwapVolume, "swap"),
            (Action::AttachInterface, "+if"),
            (Action::DetachInterface, "-if"),
            (Action::UpdateInstanceMetadata, "md"),
            (Action::DeleteInstanceMetadata, "-md"),
            (Action::VolumeSnapshotCreate, "+avs"),
            (Action::VolumeSnapshotDelete, "-avs"),
        ],
    },
];

/// The pairs the tables have a row for: every pair a server can be in
/// ([`Pair::is_possible`]) but `deleted`, which the API no longer serves.
pub fn rows() -> impl Iterator<Item = Pair> {
    (0..Pair::COUNT)
        .filter_map(Pair::from_index)
        .filter(|p| p.is_possible() && p.vm != VmState::Deleted)
}

/// Whether a server in this pair has launched (`launched_at` set): every
/// pair but those in `building`. `launched_at` is written when the build
/// ends, with `vm_state` active (nova/compute/manager.py:2224-2237, saved at
/// 2817-2820), and only the build writes `building`.
pub fn launched(pair: Pair) -> bool {
    pair.vm != VmState::Building
}

/// What a cell says: `✓` when the state check accepts the action, else
/// the HTTP status Nova answers.
pub fn cell(action: Action, pair: Pair) -> String {
    match action.check(pair.vm, pair.task, launched(pair)) {
        Ok(()) => "✓".to_owned(),
        Err(_) => action
            .refusal_status()
            .map_or_else(|| "refused".to_owned(), |code| code.to_string()),
    }
}

/// Every action with a column, in column order.
fn columns() -> impl Iterator<Item = Action> {
    FAMILIES
        .iter()
        .flat_map(|f| f.actions.iter().map(|(a, _)| *a))
}

/// Writes `names` as a comma-separated list of code spans.
fn list(out: &mut dyn Write, names: impl Iterator<Item = Action>) -> fmt::Result {
    let mut first = true;
    for action in names {
        if !first {
            out.write_str(", ")?;
        }
        first = false;
        write!(out, "`{action}`")?;
    }
    if first {
        out.write_str("—")?;
    }
    Ok(())
}

fn anchor(title: &str) -> String {
    title.to_ascii_lowercase().replace(' ', "-")
}

/// Writes docs/matrix.md.
///
/// # Errors
/// Only those of `out`.
pub fn matrix_md(out: &mut dyn Write) -> fmt::Result {
    md_header(out, "Matrix: what each state accepts")?;
    let possible = (0..Pair::COUNT)
        .filter_map(Pair::from_index)
        .filter(|p| p.is_possible())
        .count();
    write!(
        out,
        "One row per (vm_state, task_state) pair a server can be in ({possible} pairs, \
         `Pair::is_possible`, less `deleted`: {} rows) and one column per action on a server \
         ({} columns, every action but `create`). A cell is **✓** when Nova's state check \
         accepts the action, else the HTTP status Nova answers when the check refuses it:\n\n\
         - **409**: the usual refusal, `Cannot '<action>' instance <id> while it is in \
         <field> <value>` (`raise_http_conflict_for_instance_invalid_state`, \
         nova/api/openstack/common.py:330-346);\n\
         - **500**: the SPICE, serial and MKS consoles, whose handlers do not catch the refusal, \
         so `expected_errors` turns it into an internal error (nova/api/openstack/wsgi.py:808-813);\n\
         - **400**: the assisted volume snapshots (assisted_volume_snapshots.py:57-63, 92-98).\n\n\
         Each action's status is `Action::refusal_status`; its row in src/rules/actions/ cites \
         the controller line. The library computes any cell: `Action::check(vm, task, launched)` \
         and `Action::allowed`.\n\n",
        rows().count(),
        columns().count()
    )?;
    out.write_str(
        "**`launched_at`.** The rows are for a server that has launched (`launched_at` set: it \
         booted once), except those in `building`, which has not: `launched_at` is written when \
         the build ends, together with `vm_state` active (nova/compute/manager.py:2224-2237, \
         saved at 2817-2820). A server that never launched, such as one whose build failed and \
         is now in `error`, is refused with the same status every action that needs \
         `launched_at`, i.e. all but ",
    )?;
    list(
        out,
        columns().filter(|a| !a.precondition().must_have_launched),
    )?;
    out.write_str(
        ".\n\n**Beyond the state.** The cells are the state check only. Nova looks the server \
         up, checks the policy and the microversion, and `@check_instance_lock` before the \
         state: each family table ends with a **locked** row (the answer to a non-admin when \
         the server is locked, in any state) and each action lists its microversion rules (those that \
         change the answer); `409*` is the lock caught as an invalid state (`Instance <id> is \
         in an invalid state for '<action>'`), `-` not guarded; [preflight.md](preflight.md) has the order, the roles and every \
         rule, and `rules::Request::preflight` answers a whole request. `deleted` has \
         no row: a deleted server is gone for the API, whose lookup answers 404 \
         (nova/api/openstack/common.py:466-471).\n\n\
         **One request, two actions.** `DELETE /servers/{id}` is `soft_delete` when \
         `reclaim_instance_interval` > 0, else `delete`; `createImage` is \
         `snapshot_volume_backed` for a volume-backed server; `reboot` carries its type. The \
         console columns are the 2.1-2.5 server actions (MKS has none: it is \
         `POST /servers/{id}/remote-consoles`); since microversion 2.6 every console, VNC \
         included, is asked for through that request, which answers 500 to a refusal \
         (remote_consoles.py:167-186).\n\n",
    )?;
    out.write_str("Contents: [from each vm_state](#from-each-vm_state)")?;
    for family in FAMILIES {
        write!(out, ", [{}](#{})", family.title, anchor(family.title))?;
    }
    out.write_str(".\n\n")?;
    from_each_vm_state(out)?;
    for family in FAMILIES {
        family_table(out, family)?;
    }
    Ok(())
}

/// Per vm_state, what a server with no task accepts.
fn from_each_vm_state(out: &mut dyn Write) -> fmt::Result {
    out.write_str(
        "## From each vm_state\n\n\
         What a server accepts when no task runs (`task_state` null; launched, except in \
         `building`). While a task runs, less: see the tables below.\n\n\
         | vm_state | status | you can |\n|---|---|---|\n",
    )?;
    for vm in VmState::ALL {
        let pair = Pair { vm, task: None };
        if vm == VmState::Deleted || !pair.is_possible() {
            continue;
        }
        write!(out, "| `{vm}` | `{}` | ", nova_states::status(vm, None))?;
        let allowed = Action::allowed(vm, None, launched(pair));
        list(out, columns().filter(|a| allowed.contains(*a)))?;
        out.write_str(" |\n")?;
    }
    out.write_str("\n")
}

fn family_table(out: &mut dyn Write, family: &Family) -> fmt::Result {
    write!(
        out,
        "## {}\n\nThe rows of `{}`.\n\n| column | action | request | refused with | locked | microversions |\n|---|---|---|---|---|---|\n",
        family.title,
        family.files.join("`, `")
    )?;
    for (action, label) in family.actions {
        write!(out, "| {label} | `{action}` | `{}`", action.http())?;
        if let Some(rest) = action.rest() {
            write!(out, " `{rest}`")?;
        }
        match action.refusal_status() {
            Some(code) => write!(out, " | {code} |")?,
            None => write!(out, " | never refused by state |")?,
        }
        writeln!(
            out,
            " {} | {} |",
            lock_cell(*action),
            microversion_cell(*action)
        )?;
    }
    out.write_str("\n| vm_state | task_state | status |")?;
    for (_, label) in family.actions {
        write!(out, " {label} |")?;
    }
    out.write_str("\n|---|---|---|")?;
    for _ in family.actions {
        out.write_str(":-:|")?;
    }
    out.write_str("\n")?;
    for pair in rows() {
        write!(
            out,
            "| `{}` | `{}` | `{}` |",
            pair.vm,
            TaskState::name_or_null(pair.task),
            nova_states::status(pair.vm, pair.task)
        )?;
        for (action, _) in family.actions {
            write!(out, " {} |", cell(*action, pair))?;
        }
        out.write_str("\n")?;
    }
    out.write_str("| **locked** | any | (a non-admin) |")?;
    for (action, _) in family.actions {
        write!(out, " {} |", lock_cell(*action))?;
    }
    out.write_str("\n\n")
}

/// What a locked server answers a non-admin, before the state is checked:
/// 409 (worded `is locked`, or `409*`: as an invalid state), or `-`, not
/// guarded (nova/compute/api.py:245-251).
fn lock_cell(action: Action) -> &'static str {
    match action.lock().guarded {
        Some(nova_states::rules::LockWording::IsLocked) => "409",
        Some(nova_states::rules::LockWording::InvalidState) => "409*",
        None => "-",
    }
}

/// The microversion rules that concern the action.
fn microversion_cell(action: Action) -> String {
    let mut notes: Vec<String> = Vec::new();
    let v = action.versions();
    if v.since != nova_states::Microversion::MIN {
        notes.push(format!("{}+", v.since));
    }
    if let Some(until) = v.until {
        notes.push(format!("until {until}"));
    }
    for rule in nova_states::rules::MICROVERSION_RULES {
        if rule.actions.contains(&action)
            && !notes.iter().any(|n| n.contains(&rule.version.to_string()))
        {
            notes.push(rule.version.to_string());
        }
    }
    if notes.is_empty() {
        "-".into()
    } else {
        notes.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_with_a_server_has_one_column() {
        for action in Action::ALL {
            let columns = FAMILIES
                .iter()
                .flat_map(|f| f.actions.iter())
                .filter(|(a, _)| *a == action)
                .count();
            let expected = usize::from(action != Action::Create);
            assert_eq!(columns, expected, "{action}");
        }
        let mut labels: Vec<&str> = FAMILIES
            .iter()
            .flat_map(|f| f.actions.iter().map(|(_, l)| *l))
            .collect();
        let all = labels.len();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), all, "column labels are unique");
    }

    #[test]
    fn every_refusal_has_a_status() {
        for pair in rows() {
            for family in FAMILIES {
                for (action, _) in family.actions {
                    assert_ne!(cell(*action, pair), "refused", "{action} {pair:?}");
                }
            }
        }
        // The deleted pair is the one possible pair without a row.
        let possible = (0..Pair::COUNT)
            .filter_map(Pair::from_index)
            .filter(|p| p.is_possible())
            .count();
        assert_eq!(rows().count(), possible - 1);
    }

    #[test]
    fn family_files_hold_their_rows() {
        // Each family names a row file of the library, which declares the
        // row of every action of the family (`const SNAPSHOT: ActionSpec`).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for family in FAMILIES {
            let text: String = family
                .files
                .iter()
                .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
                .collect();
            for (action, _) in family.actions {
                let name = format!("const {}: ActionSpec", action.as_str().to_ascii_uppercase());
                assert!(
                    text.contains(&name),
                    "{:?} should hold {action}",
                    family.files
                );
            }
        }
    }
}
