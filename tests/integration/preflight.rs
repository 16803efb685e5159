//! Pre-flight: tempest's lock and state negative tests as named tests, the
//! order of Nova's checks, and every microversion rule at the version
//! before and at the version.
//!
//! tempest @ fa340b1f5fff8f57a018be206644c81b6d36b3d4; Nova @ NOVA_COMMIT.

use nova_states::rules::{
    HostStatus, LockWording, MigrationStatus, PolicyDefault, RefusedBy, Request, Role,
};
use nova_states::{Action, Microversion, TaskState, VmState};

fn req(action: Action, vm: VmState) -> Request {
    Request::new(action, vm, None)
}

fn at(mut r: Request, minor: u16) -> Request {
    r.microversion = Microversion::new(2, minor);
    r
}

fn refused_by(r: &Request) -> Option<(u16, RefusedBy)> {
    r.preflight().err().map(|e| (e.status, e.by))
}

// --- tempest -----------------------------------------------------------------

/// tempest/api/compute/servers/test_server_actions.py:385-405
/// (test_lock_unlock_server): a locked ACTIVE server cannot be stopped by
/// its (non-admin) owner: Conflict; unlocked, it stops and starts.
#[test]
fn tempest_test_lock_unlock_server() {
    let mut stop = req(Action::Stop, VmState::Active);
    stop.server.locked = true;
    assert_eq!(refused_by(&stop), Some((409, RefusedBy::Lock)));
    stop.server.locked = false;
    assert_eq!(stop.preflight().map(|a| a.status), Ok(202));
    assert!(req(Action::Start, VmState::Stopped).preflight().is_ok());
}

/// test_servers_negative.py:173-183 (test_pause_paused_server): Conflict.
#[test]
fn tempest_test_pause_paused_server() {
    assert_eq!(
        refused_by(&req(Action::Pause, VmState::Paused)),
        Some((409, RefusedBy::State))
    );
}

/// test_servers_negative.py:185-191, 193-198 (test_rebuild_deleted_server,
/// test_reboot_deleted_server): NotFound.
#[test]
fn tempest_test_rebuild_and_reboot_deleted_server() {
    for action in [Action::Rebuild, Action::RebootSoft] {
        let r = req(action, VmState::Deleted);
        assert_eq!(refused_by(&r), Some((404, RefusedBy::NotFound)));
        let message = r.preflight().unwrap_err().message("u").to_string();
        assert_eq!(message, "Instance u could not be found.");
    }
}

/// test_servers_negative.py:399-406 (test_unpause_server_invalid_state),
/// 419-430 (test_suspend_server_invalid_state), 443-448
/// (test_resume_server_invalid_state): Conflict.
#[test]
fn tempest_test_pause_suspend_resume_invalid_state() {
    assert_eq!(
        refused_by(&req(Action::Unpause, VmState::Active)),
        Some((409, RefusedBy::State))
    );
    assert_eq!(
        refused_by(&req(Action::Suspend, VmState::Suspended)),
        Some((409, RefusedBy::State))
    );
    assert_eq!(
        refused_by(&req(Action::Resume, VmState::Active)),
        Some((409, RefusedBy::State))
    );
}

/// test_servers_negative.py:494-520 (test_shelve_shelved_server) and
/// 534-540 (test_unshelve_server_invalid_state): Conflict.
#[test]
fn tempest_test_shelve_shelved_and_unshelve_active() {
    for vm in [VmState::Shelved, VmState::ShelvedOffloaded] {
        assert_eq!(
            refused_by(&req(Action::Shelve, vm)),
            Some((409, RefusedBy::State))
        );
    }
    assert_eq!(
        refused_by(&req(Action::Unshelve, VmState::Active)),
        Some((409, RefusedBy::State))
    );
}

/// tempest's admin test_servers_negative.py:77 (test_restore_server_invalid_state),
/// :147 (test_migrate_server_invalid_state), :112 (test_reset_state_server_invalid_state
/// refuses a bad body, which this model does not read; reset_state checks no state).
#[test]
fn tempest_admin_invalid_states() {
    let mut restore = req(Action::Restore, VmState::Active);
    restore.caller = Role::Admin;
    assert_eq!(refused_by(&restore), Some((409, RefusedBy::State)));
    let mut migrate = req(Action::Migrate, VmState::Suspended);
    migrate.caller = Role::Admin;
    assert_eq!(refused_by(&migrate), Some((409, RefusedBy::State)));
}

// --- order and locks -----------------------------------------------------------

#[test]
fn the_lock_answers_before_the_state() {
    let mut r = req(Action::Start, VmState::Active);
    r.server.locked = true;
    let refused = r.preflight().unwrap_err();
    assert_eq!(refused.by, RefusedBy::Lock);
    assert_eq!(refused.message("u").to_string(), "Instance u is locked");
}

#[test]
fn not_found_answers_before_policy_and_policy_before_lock() {
    let mut r = req(Action::Evacuate, VmState::Deleted);
    assert_eq!(refused_by(&r), Some((404, RefusedBy::NotFound)));
    r.server.vm_state = Some(VmState::Active);
    r.server.locked = true;
    let refused = r.preflight().unwrap_err();
    assert_eq!((refused.status, refused.by), (403, RefusedBy::Policy));
    assert_eq!(
        refused.message("u").to_string(),
        "Policy doesn't allow os_compute_api:os-evacuate to be performed."
    );
}

#[test]
fn a_deleted_server_is_404_for_every_action_but_create() {
    for action in Action::ALL {
        let mut r = req(action, VmState::Deleted);
        r.caller = Role::Admin;
        let answer = r.preflight();
        if action == Action::Create {
            continue;
        }
        assert_eq!(
            answer.err().map(|e| (e.status, e.by)),
            Some((404, RefusedBy::NotFound)),
            "{action}"
        );
    }
}

#[test]
fn lock_guarded_actions_and_their_wording() {
    let unguarded = [
        Action::Create,
        Action::ResetState,
        Action::Snapshot,
        Action::SnapshotVolumeBacked,
        Action::Backup,
        Action::Evacuate,
        Action::GetVncConsole,
        Action::GetSpiceConsole,
        Action::GetSerialConsole,
        Action::GetMksConsole,
        Action::VolumeSnapshotCreate,
        Action::VolumeSnapshotDelete,
    ];
    let generic = [
        Action::Restore,
        Action::SetAdminPassword,
        Action::LiveMigrateAbort,
    ];
    for action in Action::ALL {
        let expected = if unguarded.contains(&action) {
            None
        } else if generic.contains(&action) {
            Some(LockWording::InvalidState)
        } else {
            Some(LockWording::IsLocked)
        };
        assert_eq!(action.lock().guarded, expected, "{action}");
    }
    let mut r = req(Action::Restore, VmState::SoftDeleted);
    r.server.locked = true;
    assert_eq!(
        r.preflight().unwrap_err().message("u").to_string(),
        "Instance u is in an invalid state for 'restore'"
    );
}

#[test]
fn only_admins_bypass_the_lock() {
    for caller in Role::ALL {
        let mut r = req(Action::Pause, VmState::Active);
        r.server.locked = true;
        r.caller = caller;
        let bypass = r.preflight().is_ok();
        assert_eq!(bypass, caller == Role::Admin, "{caller}");
    }
}

#[test]
fn roles_by_default_policy() {
    assert_eq!(
        Action::Migrate.policy().default,
        PolicyDefault::ProjectManagerOrAdmin
    );
    assert_eq!(Action::ShelveOffload.policy().default, PolicyDefault::Admin);
    assert_eq!(
        Action::SwapVolume.policy().default,
        PolicyDefault::ServiceOrAdmin
    );
    let mut r = req(Action::LiveMigrate, VmState::Active);
    assert_eq!(refused_by(&r), Some((403, RefusedBy::Policy)));
    r.caller = Role::Manager;
    assert!(r.preflight().is_ok());
    r.facts.target_host = true;
    assert_eq!(refused_by(&r), Some((403, RefusedBy::Policy)));
    let mut reader = req(Action::Stop, VmState::Active);
    reader.caller = Role::Reader;
    assert_eq!(refused_by(&reader), Some((403, RefusedBy::Policy)));
}

#[test]
fn host_checks() {
    let mut stop = req(Action::Stop, VmState::Active);
    stop.server.host_status = Some(HostStatus::None);
    let refused = stop.preflight().unwrap_err();
    assert_eq!((refused.status, refused.by), (409, RefusedBy::Host));
    assert_eq!(refused.message("u").to_string(), "Instance u is not ready");
    let mut resize = req(Action::Resize, VmState::Active);
    resize.server.host_status = Some(HostStatus::Down);
    let refused = resize.preflight().unwrap_err();
    assert_eq!(
        refused.message("u").to_string(),
        "Service is unavailable at this time."
    );
    resize.server.host_status = Some(HostStatus::Maintenance);
    assert!(resize.preflight().is_ok());
    // resize checks the state before the host: a wrong state answers first.
    let mut resize = req(Action::Resize, VmState::Paused);
    resize.server.host_status = Some(HostStatus::Down);
    assert_eq!(refused_by(&resize), Some((409, RefusedBy::State)));
}

#[test]
fn a_down_cell_server_is_500() {
    let mut r = req(Action::Stop, VmState::Active);
    r.server.vm_state = None;
    assert_eq!(refused_by(&r), Some((500, RefusedBy::Cell)));
}

// --- microversions: before and at ----------------------------------------------

#[test]
fn v2_17_trigger_crash_dump_is_routed() {
    let r = req(Action::TriggerCrashDump, VmState::Active);
    assert_eq!(refused_by(&at(r, 16)), Some((404, RefusedBy::NotFound)));
    assert!(at(r, 17).preflight().is_ok());
}

#[test]
fn v2_20_volumes_of_shelved_servers() {
    for action in [Action::AttachVolume, Action::DetachVolume] {
        for vm in [VmState::Shelved, VmState::ShelvedOffloaded] {
            let r = req(action, vm);
            let refused = at(r, 19).preflight().unwrap_err();
            assert_eq!((refused.status, refused.by), (409, RefusedBy::Microversion));
            assert_eq!(
                refused.message("u").to_string(),
                format!("Cannot '{action}' instance u while it is in vm_state {vm}")
            );
            assert!(at(r, 20).preflight().is_ok(), "{action} {vm}");
        }
    }
}

#[test]
fn v2_22_force_complete_needs_active_migrating() {
    let mut r = req(Action::LiveMigrateForceComplete, VmState::Active);
    r.caller = Role::Manager;
    r.server.task_state = Some(TaskState::Migrating);
    assert_eq!(refused_by(&at(r, 21)), Some((404, RefusedBy::NotFound)));
    assert!(at(r, 22).preflight().is_ok());
    r.server.vm_state = Some(VmState::Paused);
    assert_eq!(refused_by(&at(r, 22)), Some((409, RefusedBy::State)));
}

#[test]
fn v2_24_and_v2_65_abort_by_migration_status() {
    let mut r = req(Action::LiveMigrateAbort, VmState::Active);
    r.caller = Role::Manager;
    r.server.task_state = Some(TaskState::Migrating);
    assert_eq!(refused_by(&at(r, 23)), Some((404, RefusedBy::NotFound)));
    assert!(at(r, 24).preflight().is_ok());
    r.facts.migration = Some(MigrationStatus::Queued);
    let refused = at(r, 64).preflight().unwrap_err();
    assert_eq!((refused.status, refused.by), (400, RefusedBy::Microversion));
    assert_eq!(
        refused.message("u").to_string(),
        "Migration {migration_id} state of instance u is queued. Cannot abort live migration \
         while the migration is in this state."
    );
    assert!(at(r, 65).preflight().is_ok());
}

#[test]
fn v2_77_and_v2_91_unshelve_to_a_zone_or_host() {
    let mut r = req(Action::Unshelve, VmState::Shelved);
    r.facts.availability_zone = true;
    assert!(at(r, 76).preflight().is_ok());
    let refused = at(r, 77).preflight().unwrap_err();
    assert_eq!((refused.status, refused.by), (409, RefusedBy::Request));
    r.server.vm_state = Some(VmState::ShelvedOffloaded);
    assert!(at(r, 77).preflight().is_ok());
    let mut h = req(Action::Unshelve, VmState::Shelved);
    h.facts.target_host = true;
    h.caller = Role::Admin;
    assert!(at(h, 90).preflight().is_ok());
    assert_eq!(refused_by(&at(h, 91)), Some((409, RefusedBy::Request)));
    h.server.vm_state = Some(VmState::ShelvedOffloaded);
    assert!(at(h, 91).preflight().is_ok());
    h.caller = Role::Member;
    assert_eq!(refused_by(&at(h, 91)), Some((403, RefusedBy::Policy)));
}

#[test]
fn v2_87_rescue_volume_backed() {
    let mut r = req(Action::Rescue, VmState::Active);
    r.facts.volume_backed = true;
    assert_eq!(refused_by(&at(r, 86)), Some((400, RefusedBy::Microversion)));
    assert!(at(r, 87).preflight().is_ok());
}

#[test]
fn v2_93_rebuild_volume_backed() {
    let mut r = req(Action::Rebuild, VmState::Active);
    r.facts.volume_backed = true;
    assert_eq!(refused_by(&at(r, 92)), Some((400, RefusedBy::Microversion)));
    assert!(at(r, 93).preflight().is_ok());
    r.facts.same_image = true;
    assert!(at(r, 92).preflight().is_ok());
}

#[test]
fn v2_6_consoles_move_to_remote_consoles() {
    let r = req(Action::GetVncConsole, VmState::Active);
    assert!(at(r, 5).preflight().is_ok());
    assert_eq!(refused_by(&at(r, 6)), Some((404, RefusedBy::NotFound)));
    let mks = req(Action::GetMksConsole, VmState::Active);
    assert_eq!(refused_by(&at(mks, 5)), Some((404, RefusedBy::NotFound)));
    // Routed from 2.6, but the body's schema takes protocol mks from 2.8.
    assert_eq!(
        refused_by(&at(mks, 6)),
        Some((400, RefusedBy::Microversion))
    );
}

/// nova/api/openstack/compute/schemas/remote_consoles.py:82-113: the
/// create_v26 schema (2.6-2.7) has no `mks` protocol; create_v28 adds it.
/// The schema answers before the lookup and the state check.
#[test]
fn v2_8_mks_consoles() {
    let mks = req(Action::GetMksConsole, VmState::Active);
    let refused = at(mks, 7).preflight().unwrap_err();
    assert_eq!((refused.status, refused.by), (400, RefusedBy::Microversion));
    assert_eq!(
        refused.message("u").to_string(),
        "Invalid input for field/attribute protocol. Value: mks. \
         'mks' is not one of ['vnc', 'spice', 'serial', 'rdp']"
    );
    assert!(at(mks, 8).preflight().is_ok());
    // Before the lookup: a deleted server gets the 400 at 2.7, the 404 at 2.8.
    let gone = req(Action::GetMksConsole, VmState::Deleted);
    assert_eq!(
        refused_by(&at(gone, 7)),
        Some((400, RefusedBy::Microversion))
    );
    assert_eq!(refused_by(&at(gone, 8)), Some((404, RefusedBy::NotFound)));
    // The other protocols are not concerned.
    let vnc = req(Action::GetVncConsole, VmState::Active);
    assert!(at(vnc, 5).preflight().is_ok());
}

/// servers.py:216-226: an unknown `?status=` is an empty list before 2.38,
/// 400 from 2.38; a known one filters at both.
#[test]
fn v2_38_invalid_status_query() {
    use nova_states::rules::{status_query, StatusQuery};
    assert_eq!(
        status_query("NOPE", Microversion::new(2, 37)),
        StatusQuery::EmptyList
    );
    assert_eq!(
        status_query("NOPE", Microversion::new(2, 38)),
        StatusQuery::BadRequest
    );
    for minor in [37, 38] {
        assert_eq!(
            status_query("SHUTOFF", Microversion::new(2, minor)),
            StatusQuery::Filters(nova_states::ServerStatus::Shutoff)
        );
    }
}

/// servers.py:168-169, 500-506: Nova shows a server in a down cell
/// (status UNKNOWN, no states) only from 2.69. The document Nova's own
/// sample gives (tests/data/corpus) is an error read at 2.68 and a down-cell
/// server at 2.69; an action on it is 500 at both (the lookup of an action
/// never passes cell_down_support, compute/api.py:3007-3012).
#[test]
fn v2_69_down_cell_documents() {
    use nova_states::read::Shape;
    use nova_states::{Inconsistency, ServerDocument};
    let text = crate::support::corpus_file("nova-v2.69-server-get-down-cell.json");
    let doc: ServerDocument = serde_json::from_str(&text).unwrap();
    let (v68, v69) = (Microversion::new(2, 68), Microversion::new(2, 69));
    let before = Err(Inconsistency::DownCellBefore269 { microversion: v68 });
    assert_eq!(doc.assess_at(v68).map(|a| a.shape), before);
    assert_eq!(doc.server_at(v68), before.map(|_: Shape| None));
    let err = doc.server_at(v68).unwrap_err().to_string();
    assert!(
        err.contains("microversion 2.68") && err.contains("2.69"),
        "{err}"
    );
    assert_eq!(doc.assess_at(v69).map(|a| a.shape), Ok(Shape::DownCell));
    let server = doc.server_at(v69).unwrap().unwrap();
    assert_eq!(server.vm_state, None);
    for minor in [68, 69] {
        let mut r = req(Action::Stop, VmState::Active);
        r.server = server;
        assert_eq!(refused_by(&at(r, minor)), Some((500, RefusedBy::Cell)));
    }
    // A document with its states is read the same at every microversion.
    let full = crate::support::corpus_file("nova-v2.1-server-get.json");
    let full: ServerDocument = serde_json::from_str(&full).unwrap();
    assert_eq!(full.server_at(v68), Ok(full.server()));
    assert_eq!(full.assess_at(Microversion::MIN), full.assess());
}

/// evacuate.py:111-122, manager.py:4077-4086, 4253-4257: from 2.95 an
/// evacuated active server ends stopped; before, active. Stopped and error
/// starts are not concerned. The request is accepted at both.
#[test]
fn v2_95_evacuate_ends_stopped() {
    use nova_states::machine::{WaitProgress, Waiter};
    let (v94, v95) = (Microversion::new(2, 94), Microversion::new(2, 95));
    let ends = |start, v| {
        Action::Evacuate
            .outcome_at(start, v)
            .iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(ends(VmState::Active, v94), [VmState::Active]);
    assert_eq!(ends(VmState::Active, v95), [VmState::Stopped]);
    // Without a microversion, every microversion's ends.
    let any: Vec<_> = Action::Evacuate.outcome(VmState::Active).iter().collect();
    assert_eq!(any, [VmState::Active, VmState::Stopped]);
    for start in [VmState::Stopped, VmState::Error] {
        assert_eq!(ends(start, v94), ends(start, v95), "{start}");
        assert_eq!(
            Action::Evacuate.outcome_at(start, v95),
            Action::Evacuate.outcome(start)
        );
    }
    // No other action's ends depend on the microversion.
    for action in Action::ALL {
        for start in VmState::ALL {
            if action != Action::Evacuate {
                assert_eq!(
                    action.outcome_at(start, Microversion::MIN),
                    action.outcome(start),
                    "{action} {start}"
                );
            }
        }
    }
    // The waiter ends where outcome_at says.
    for (v, end, middle) in [
        (v94, VmState::Active, None),
        (v95, VmState::Stopped, Some(VmState::Active)),
    ] {
        let mut w = Waiter::at(Action::Evacuate, VmState::Active, v);
        if let Some(vm) = middle {
            assert_eq!(w.observe(vm, None).progress, WaitProgress::InProgress);
        }
        assert_eq!(w.observe(end, None).progress, WaitProgress::Done, "{v}");
    }
    let r = req(Action::Evacuate, VmState::Active);
    let mut admin = r;
    admin.caller = Role::Admin;
    assert!(at(admin, 94).preflight().is_ok() && at(admin, 95).preflight().is_ok());
}

/// Issue #15 item 4: every microversion rule that changes which requests
/// are accepted has a test here named after its version (`v2_<minor>`),
/// at the version before and at the version. The rules about which fields
/// a document shows (2.9 locked, 2.16 host_status, 2.73 locked_reason)
/// change no answer.
#[test]
fn every_microversion_rule_has_its_test() {
    let source = include_str!("preflight.rs");
    let tests: Vec<&str> = source
        .lines()
        .filter_map(|l| l.strip_prefix("fn v2_"))
        .collect();
    for rule in nova_states::rules::MICROVERSION_RULES {
        let minor = rule.version.minor;
        if [9, 16, 73].contains(&minor) {
            assert!(rule.actions.is_empty() && rule.change.starts_with("documents show"));
            continue;
        }
        let name = format!("{minor}_");
        let named = format!("_v2_{minor}_");
        assert!(
            tests
                .iter()
                .any(|t| t.starts_with(&name) || t.contains(&named)),
            "no test v2_{minor}_... for the rule {:?}",
            rule.change
        );
    }
}

#[test]
fn create_image_of_a_volume_backed_server() {
    let mut r = req(Action::Snapshot, VmState::Active);
    r.facts.volume_backed = true;
    assert_eq!(
        r.preflight().map(|a| a.action),
        Ok(Action::SnapshotVolumeBacked)
    );
}

#[test]
fn rest_words_parse() {
    for (word, action) in [
        ("os-stop", Action::Stop),
        ("os-start", Action::Start),
        ("createImage", Action::Snapshot),
        ("createBackup", Action::Backup),
        ("rebuild", Action::Rebuild),
        ("resize", Action::Resize),
        ("confirmResize", Action::ConfirmResize),
        ("revertResize", Action::RevertResize),
        ("os-migrateLive", Action::LiveMigrate),
        ("changePassword", Action::SetAdminPassword),
        ("forceDelete", Action::ForceDelete),
        ("shelveOffload", Action::ShelveOffload),
        ("os-resetState", Action::ResetState),
        ("reboot:soft", Action::RebootSoft),
        ("reboot:HARD", Action::RebootHard),
    ] {
        assert_eq!(Action::parse_request(word), Ok(action), "{word}");
    }
    for action in Action::ALL {
        assert_eq!(Action::parse_request(action.as_str()), Ok(action));
        if let Some(word) = action.rest() {
            if word != "reboot" && action != Action::SnapshotVolumeBacked {
                assert_eq!(Action::parse_request(word), Ok(action), "{word}");
            }
        }
        assert!(["GET", "POST", "PUT", "DELETE"].contains(&action.method()));
        assert!(action.path().starts_with('/'));
    }
}

#[test]
fn microversion_parse() {
    assert_eq!("2.20".parse::<Microversion>(), Ok(Microversion::new(2, 20)));
    assert!("2.0".parse::<Microversion>().is_err());
    assert!("3.1".parse::<Microversion>().is_err());
    assert!("2.1a".parse::<Microversion>().is_err());
    assert!(Microversion::new(2, 9) < Microversion::new(2, 10));
}
