//! Small public accessors that the other tests reach only indirectly.
//!
//! Each test here was written to kill a mutant that cargo-mutants found
//! surviving (docs/testing.md lists them); each asserts what the function
//! is documented to return, computed independently where it can be.

use nova_states::{
    export, status, Action, ActionSet, Field, Observation, Pair, ParseError, ServerDocument,
    ServerState, ServerStatus, StateSet, TaskFilter, TaskState, Validator, VmState, ALLOW_REBOOT,
    NOVA_COMMIT,
};
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::Deserialize;

/// A polled observation with only the two state fields.
fn obs(vm: VmState, task: Option<TaskState>) -> Observation {
    Observation {
        vm,
        task,
        power: None,
        status: None,
    }
}

#[test]
fn task_filter_len_and_emptiness() {
    let none = TaskFilter::of(&[], false);
    assert!(none.is_empty());
    assert_eq!(none.len(), 0);
    assert_eq!(none.iter().count(), 0);

    let only_null = TaskFilter::of(&[], true);
    assert!(!only_null.is_empty());
    assert_eq!(only_null.len(), 1);

    let two = TaskFilter::of(&[TaskState::Pausing, TaskState::Unpausing], false);
    assert!(!two.is_empty());
    assert_eq!(two.len(), 2);

    // task_states.py:120-121: three reboot tasks, five other pre-emptable ones, and null.
    assert!(!ALLOW_REBOOT.is_empty());
    assert_eq!(ALLOW_REBOOT.len(), 9);
    assert_eq!(ALLOW_REBOOT.len(), ALLOW_REBOOT.iter().count());
    assert!(ALLOW_REBOOT.iter().any(|t| t.is_none()));
}

#[test]
fn action_set_algebra() {
    let one = ActionSet::EMPTY.with(Action::Pause);
    // Adding twice keeps it (a toggle would remove it).
    let twice = one.with(Action::Pause);
    assert_eq!(twice, one);
    assert!(twice.contains(Action::Pause));
    assert_eq!(twice.len(), 1);

    let two = one.with(Action::Unpause);
    assert_eq!(two.len(), 2);
    assert!(!two.is_empty());
    assert!(ActionSet::EMPTY.is_empty());
    assert_eq!(ActionSet::EMPTY.len(), 0);
    assert_eq!(
        two.iter().collect::<Vec<_>>(),
        [Action::Pause, Action::Unpause]
    );

    let all = Action::ALL.iter().fold(ActionSet::EMPTY, |s, a| s.with(*a));
    assert_eq!(all.len(), Action::ALL.len());
    assert_eq!(all.iter().count(), Action::ALL.len());

    assert_eq!(format!("{two:?}"), "{Pause, Unpause}");
    assert_eq!(format!("{:?}", ActionSet::EMPTY), "{}");
}

#[test]
fn rejection_lists_every_allowed_state() {
    // rebuild: @check_instance_state(vm_state=[ACTIVE, STOPPED, ERROR]) (golden table).
    let r = Action::Rebuild
        .check(VmState::Paused, None, true)
        .unwrap_err();
    assert_eq!(
        r.to_string(),
        "instance in vm_state paused: cannot rebuild while the instance is in this state \
         (allowed: active, stopped, error)"
    );
    // resize: task_state=[None] only.
    let r = Action::Resize
        .check(VmState::Active, Some(TaskState::Pausing), true)
        .unwrap_err();
    assert_eq!(
        r.to_string(),
        "instance in task_state pausing: cannot resize while the instance is in this state \
         (allowed: null)"
    );
}

#[test]
fn document_keys_are_the_api_keys() {
    // The keys of the server document (api-ref, servers.inc; extended_status.py).
    let keys = [
        (Field::VmState, "OS-EXT-STS:vm_state"),
        (Field::TaskState, "OS-EXT-STS:task_state"),
        (Field::PowerState, "OS-EXT-STS:power_state"),
        (Field::Status, "status"),
        (Field::Action, "action"),
    ];
    for (field, key) in keys {
        assert_eq!(field.document_key(), key, "{field:?}");
    }
    // And the reader takes each of the four state keys under that name.
    let doc: ServerDocument = serde_json::from_str(&format!(
        r#"{{"{}": "active", "{}": null, "{}": 1, "{}": "ACTIVE"}}"#,
        Field::VmState.document_key(),
        Field::TaskState.document_key(),
        Field::PowerState.document_key(),
        Field::Status.document_key(),
    ))
    .unwrap();
    assert_eq!(doc.vm_state.value(), Some(VmState::Active));
}

#[test]
fn found_reports_empty_input_and_debugs_as_it_displays() {
    let ParseError::Unknown { found, .. } = "".parse::<VmState>().unwrap_err() else {
        panic!("not Unknown")
    };
    assert!(found.is_empty());
    assert_eq!(found.len(), 0);
    let ParseError::Unknown { found, .. } = "actve".parse::<VmState>().unwrap_err() else {
        panic!("not Unknown")
    };
    assert!(!found.is_empty());
    assert_eq!(found.len(), 5);
    assert_eq!(format!("{found:?}"), format!("{found}"));
    assert_eq!(format!("{found:?}"), "\"actve\"");
}

#[test]
#[cfg_attr(miri, ignore)] // every pair or state: skipped with the exhaustive checks
fn status_table_agrees_with_the_projection() {
    let mut text = String::new();
    export::write_status_table(&mut text).unwrap();
    assert!(
        text.lines().next().unwrap().contains(&NOVA_COMMIT[..12]),
        "{text}"
    );
    // Rebuild (vm, task) -> status from the table alone, then compare every
    // pair with the projection.
    let mut default: Option<(VmState, ServerStatus)> = None;
    let mut explicit = Vec::new();
    for line in text.lines().skip(4) {
        let vm_col = line.get(..18).unwrap().trim();
        let status_col = line.get(19..36).unwrap().trim();
        let tasks = line.get(37..).unwrap();
        let s: ServerStatus = status_col.parse().unwrap();
        if !vm_col.is_empty() {
            assert_eq!(tasks, "null, or any task not listed below", "{line}");
            default = Some((vm_col.parse().unwrap(), s));
            let (vm, s) = default.unwrap();
            explicit.push((vm, None, s));
        } else {
            let (vm, _) = default.unwrap();
            for t in tasks.split(", ") {
                let t: TaskState = t.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
                explicit.push((vm, Some(t), s));
            }
        }
    }
    for vm in VmState::ALL {
        let default = explicit
            .iter()
            .find(|(v, t, _)| *v == vm && t.is_none())
            .map(|(_, _, s)| *s)
            .unwrap_or_else(|| panic!("no row for {vm}"));
        for task in TaskState::ALL_OR_NULL {
            let listed: Vec<_> = explicit
                .iter()
                .filter(|(v, t, _)| *v == vm && t.is_some() && *t == task)
                .collect();
            assert!(listed.len() <= 1, "{vm} {task:?} listed twice");
            let from_table = listed.first().map_or(default, |(_, _, s)| *s);
            assert_eq!(from_table, status(vm, task), "{vm} {task:?}");
        }
    }
}

#[test]
fn a_non_string_key_names_what_was_expected() {
    // serde_json keys are always strings; serde's own map deserializer can
    // hand the reader an integer key, which must be refused, saying what
    // the reader expected.
    let map = MapDeserializer::<_, ValueError>::new([(1u8, "x")].into_iter());
    let err = ServerDocument::deserialize(map).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: integer `1`, expected a field name"
    );
}

#[test]
#[cfg_attr(miri, ignore)] // every pair or state: skipped with the exhaustive checks
fn state_set_insert_reports_newness_and_counts() {
    let mut set = StateSet::EMPTY;
    assert!(set.is_empty());
    assert_eq!(set.len(), 0);
    assert_eq!(format!("{set:?}"), "StateSet(0 states)");
    // States in different 64-bit words and at the ends of the index range.
    let all: Vec<ServerState> = ServerState::all().collect();
    let picks = [
        all[0],
        all[1],
        all[63],
        all[64],
        all[65],
        all[all.len() - 1],
    ];
    for (n, s) in picks.iter().enumerate() {
        assert!(!set.contains(*s), "{s:?} before insert");
        assert!(set.insert(*s), "{s:?} is new");
        assert!(!set.insert(*s), "{s:?} is not new twice");
        assert!(set.contains(*s));
        assert_eq!(set.len(), n + 1);
        assert!(!set.is_empty());
    }
    assert_eq!(set.iter().collect::<Vec<_>>(), picks);
    assert_eq!(format!("{set:?}"), "StateSet(6 states)");
    // Inserting one state adds exactly that one.
    for s in &all {
        let mut one = StateSet::EMPTY;
        one.insert(*s);
        assert!(one.contains(*s) && one.len() == 1, "{s:?}");
    }
}

#[test]
fn validator_numbers_steps_and_remembers_the_start() {
    let mut v = Validator::new();
    assert_eq!(v.start(), None);
    let steps = [
        obs(VmState::Active, None),
        obs(VmState::Active, Some(TaskState::ImageSnapshot)),
        obs(VmState::Active, Some(TaskState::ImageUploading)),
        obs(VmState::Active, None),
        obs(VmState::Active, Some(TaskState::PoweringOff)),
    ];
    let mut starts = Vec::new();
    for (i, o) in steps.into_iter().enumerate() {
        let step = v.observe(o).unwrap();
        assert_eq!(step.index, i, "{o:?}");
        starts.push(v.start());
    }
    // The snapshot started from active; its end forgets it; the stop
    // started from active again.
    assert_eq!(
        starts,
        [
            None,
            Some(VmState::Active),
            Some(VmState::Active),
            None,
            Some(VmState::Active)
        ]
    );
    // Seen first in the middle of an operation: its start is unknown.
    let mut v = Validator::new();
    v.observe(obs(VmState::Active, Some(TaskState::ImageUploading)))
        .unwrap();
    assert_eq!(v.start(), None);
    let step = v
        .observe(obs(VmState::Active, Some(TaskState::ImageUploading)))
        .unwrap();
    assert_eq!(step.index, 1);
}

#[test]
fn validator_start_of_an_operation_seen_after_another() {
    let mut v = Validator::new();
    v.observe(obs(VmState::Active, None)).unwrap();
    v.observe(obs(VmState::Active, Some(TaskState::ImageSnapshot)))
        .unwrap();
    assert_eq!(v.start(), Some(VmState::Active));
    // The snapshot ended and a stop began between two polls: the stop is a
    // new operation whose starting vm_state was not seen.
    let step = v
        .observe(obs(VmState::Active, Some(TaskState::PoweringOff)))
        .unwrap();
    assert!(step.new_operation);
    assert_eq!(v.start(), None);
}

/// Why the validator's reset-state branch (`StepKind::Jumped` naming
/// `ResetState`) never fires today: every possible pair of a server that
/// still exists reaches (active, null) and (error, null) through the
/// relation itself, so reset-state's targets are never unreachable. The
/// mutants in that branch are equivalent while this holds (docs/testing.md).
#[test]
#[cfg_attr(miri, ignore)] // thousands of walks: minutes under miri
fn reset_state_targets_are_reachable_without_reset() {
    for vm in [VmState::Active, VmState::Error] {
        let target = Pair { vm, task: None };
        for p in (0..Pair::COUNT).filter_map(Pair::from_index) {
            if p.is_possible() && p.vm != VmState::Deleted {
                assert!(p.reaches(target), "{p:?} does not reach {target:?}");
            }
        }
    }
}

/// `continues(a, from, to)` against a walk of `apply`: from `from` (any
/// power_state), the action's own compute-side writes, staying where the
/// action can be in flight.
#[test]
#[cfg_attr(miri, ignore)] // thousands of walks: minutes under miri
fn continues_is_a_walk_of_the_actions_own_writes() {
    use nova_states::{apply, continues, Event, PowerState};
    let pairs: Vec<Pair> = (0..Pair::COUNT).filter_map(Pair::from_index).collect();
    let mut compared = 0;
    for action in Action::ALL {
        let in_flight: Vec<Pair> = pairs
            .iter()
            .copied()
            .filter(|p| action.in_flight(p.vm, p.task))
            .collect();
        for from in &in_flight {
            let mut seen = vec![*from];
            let mut frontier: Vec<ServerState> = PowerState::ALL
                .into_iter()
                .map(|power| ServerState {
                    vm: from.vm,
                    task: from.task,
                    power,
                })
                .collect();
            let mut visited = frontier.clone();
            while let Some(s) = frontier.pop() {
                for (i, e) in action.edges().iter().enumerate() {
                    if e.api {
                        continue;
                    }
                    let write = Event::Write {
                        action,
                        edge: i as u8,
                    };
                    let Ok(next) = apply(s, write) else { continue };
                    let p = Pair {
                        vm: next.vm,
                        task: next.task,
                    };
                    // End writes leave task null where the action is not
                    // in flight; a mid-chain null write (rebuild of a
                    // stopped server) is in flight and counts.
                    if !action.in_flight(p.vm, p.task) {
                        continue;
                    }
                    if !seen.contains(&p) {
                        seen.push(p);
                    }
                    if !visited.contains(&next) {
                        visited.push(next);
                        frontier.push(next);
                    }
                }
            }
            // Every pair the action can be in flight at, and a few it cannot.
            let others = [
                Pair {
                    vm: VmState::Active,
                    task: None,
                },
                Pair {
                    vm: VmState::Deleted,
                    task: Some(TaskState::Deleting),
                },
            ];
            for to in in_flight.iter().chain(others.iter()) {
                assert_eq!(
                    continues(action, *from, *to),
                    seen.contains(to),
                    "{action}: {from:?} -> {to:?}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}

#[test]
fn a_new_operation_is_the_one_the_previous_state_could_start() {
    let first_op = |from: Observation, to: Observation| {
        let mut v = Validator::new();
        v.observe(from).unwrap();
        let step = v.observe(to).unwrap();
        assert!(step.new_operation);
        step.operations.iter().collect::<Vec<_>>()
    };
    // migrating is also where live_migrate_abort is in flight, but only
    // live-migrate starts from an idle active server.
    assert_eq!(
        first_op(
            obs(VmState::Active, None),
            obs(VmState::Active, Some(TaskState::Migrating))
        ),
        [Action::LiveMigrate]
    );
    // shelving_offloading: shelve from active, shelve_offload from shelved.
    assert_eq!(
        first_op(
            obs(VmState::Active, None),
            obs(VmState::Shelved, Some(TaskState::ShelvingOffloading))
        ),
        [Action::Shelve]
    );
    assert_eq!(
        first_op(
            obs(VmState::Shelved, None),
            obs(VmState::Shelved, Some(TaskState::ShelvingOffloading))
        ),
        [Action::ShelveOffload]
    );
}

#[test]
fn capture_tracker_ignores_operations_without_a_capture() {
    use nova_states::{CaptureTracker, CaptureWindow, Driver};
    let none = CaptureWindow {
        not_yet: None,
        by: None,
    };
    for driver in Driver::ALL {
        let mut v = Validator::new();
        let mut t = CaptureTracker::new(driver);
        for (i, o) in [
            obs(VmState::Active, None),
            obs(VmState::Active, Some(TaskState::PoweringOff)),
            obs(VmState::Stopped, None),
            obs(VmState::Stopped, None),
        ]
        .into_iter()
        .enumerate()
        {
            let step = v.observe(o).unwrap();
            t.feed(i, &o, &step);
            assert_eq!(
                t.window(),
                none,
                "a stop captures no disk ({driver:?}, step {i})"
            );
        }
    }
}
