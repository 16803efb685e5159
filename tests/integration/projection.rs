//! The projection against Nova's own, cell by cell, and its reverses (the
//! status table printed from it is tested with the renderers, cli/tests).

use nova_states::rules::{default_status, status_from_raw};
use nova_states::{status, ListFilter, ServerStatus, TaskState, VmState};

use crate::support::{cells, golden_rows};

const PROJECTION: &str = include_str!("../golden/projection.tsv");
const LIST_FILTER: &str = include_str!("../golden/list_filter.tsv");

fn task_or_null(name: &str) -> Option<TaskState> {
    (name != "null").then(|| name.parse().unwrap())
}

#[test]
fn golden_header_names_the_pinned_commit() {
    assert!(PROJECTION
        .lines()
        .take(5)
        .any(|l| l.contains(nova_states::NOVA_COMMIT)));
    assert!(LIST_FILTER
        .lines()
        .take(5)
        .any(|l| l.contains(nova_states::NOVA_COMMIT)));
}

#[test]
fn all_516_cells_match_novas_status_from_state() {
    let mut seen = std::collections::HashSet::new();
    for row in golden_rows(PROJECTION) {
        let [vm, task, expected] = row[..] else {
            panic!("{row:?}")
        };
        let vm_state: VmState = vm.parse().unwrap();
        let task_state = task_or_null(task);
        let expected: ServerStatus = expected.parse().unwrap();
        assert_eq!(status(vm_state, task_state), expected, "{vm} / {task}");
        // The raw variant agrees on every known pair.
        let raw_task = (task != "null").then_some(task);
        assert_eq!(
            status_from_raw(Some(vm), raw_task),
            expected,
            "raw {vm} / {task}"
        );
        assert!(seen.insert((vm_state, task_state)), "duplicate cell");
    }
    assert_eq!(seen.len(), 516);
    assert_eq!(VmState::COUNT * TaskState::ALL_OR_NULL.len(), 516);
}

#[test]
fn raw_projection_treats_unknown_values_as_nova_does() {
    for vm in VmState::ALL {
        // Unknown task: the vm_state's default, like task_map.get(task, default).
        assert_eq!(
            status_from_raw(Some(vm.as_str()), Some("future_task")),
            default_status(vm)
        );
        assert_eq!(status_from_raw(Some(vm.as_str()), None), default_status(vm));
        // Aliases are not Nova's keys.
        assert_eq!(
            status_from_raw(Some(vm.as_str()), Some("powering_off")),
            default_status(vm)
        );
    }
    for unknown in ["", "ACTIVE", "build", "soft_deleted", "hibernated"] {
        assert_eq!(status_from_raw(Some(unknown), None), ServerStatus::Unknown);
        assert_eq!(
            status_from_raw(Some(unknown), Some("rebooting")),
            ServerStatus::Unknown
        );
    }
    assert_eq!(status_from_raw(None, None), ServerStatus::Unknown);
}

#[test]
fn every_status_but_unknown_has_a_preimage_that_projects_back() {
    let mut covered = 0;
    for s in ServerStatus::ALL {
        let pairs: Vec<_> = s.preimage().collect();
        if s == ServerStatus::Unknown {
            assert!(pairs.is_empty());
            continue;
        }
        assert!(!pairs.is_empty(), "{s} has no preimage");
        for (vm, task) in &pairs {
            assert_eq!(status(*vm, *task), s);
        }
        covered += pairs.len();
    }
    // The preimages partition the 516 cells.
    assert_eq!(covered, 516);
}

#[test]
fn preimages_match_the_golden_table() {
    for s in ServerStatus::ALL {
        let golden: Vec<(VmState, Option<TaskState>)> = golden_rows(PROJECTION)
            .filter(|r| r[2] == s.as_str())
            .map(|r| (r[0].parse().unwrap(), task_or_null(r[1])))
            .collect();
        assert_eq!(s.preimage().collect::<Vec<_>>(), golden, "{s}");
    }
}

#[test]
fn list_filter_matches_novas_for_every_status_and_pair() {
    let mut count = 0;
    for row in golden_rows(LIST_FILTER) {
        let [query, vms, tasks] = row[..] else {
            panic!("{row:?}")
        };
        let statuses: Vec<ServerStatus> = query.split(',').map(|s| s.parse().unwrap()).collect();
        let filter = ListFilter::for_statuses(&statuses);
        let mut got_vms: Vec<&str> = filter.vm_states.iter().map(VmState::as_str).collect();
        got_vms.sort_unstable();
        let want_vms: Vec<&str> = if vms == "-" {
            vec![]
        } else {
            vms.split(',').collect()
        };
        assert_eq!(got_vms, want_vms, "{query}");
        match tasks {
            "rejected" => assert!(filter.is_rejected(), "{query}"),
            "none" => assert_eq!(filter.task_states, None, "{query}"),
            list => {
                assert!(!filter.is_rejected());
                let mut got: Vec<&str> = filter
                    .task_states
                    .unwrap()
                    .iter()
                    .map(TaskState::as_str)
                    .collect();
                got.sort_unstable();
                assert_eq!(got, list.split(',').collect::<Vec<_>>(), "{query}");
            }
        }
        count += 1;
    }
    assert_eq!(count, 20 + 190);
}

#[test]
fn the_list_filter_trap_is_real() {
    // ?status=ACTIVE returns servers that show other statuses...
    let active = ServerStatus::Active.list_filter();
    let extra: Vec<ServerStatus> = cells()
        .into_iter()
        .filter(|(vm, t)| active.matches(*vm, *t))
        .map(|(vm, t)| status(vm, t))
        .filter(|s| *s != ServerStatus::Active)
        .collect();
    for shown in [
        ServerStatus::Reboot,
        ServerStatus::HardReboot,
        ServerStatus::Resize,
        ServerStatus::Rebuild,
        ServerStatus::Migrating,
        ServerStatus::Password,
    ] {
        assert!(extra.contains(&shown), "{shown}");
    }
    // ...while a status with a task filter returns exactly its preimage.
    for s in [
        ServerStatus::Reboot,
        ServerStatus::Rebuild,
        ServerStatus::Migrating,
    ] {
        let f = s.list_filter();
        for vm in VmState::ALL {
            for t in TaskState::ALL_OR_NULL {
                assert_eq!(f.matches(vm, t), status(vm, t) == s, "{s} {vm} {t:?}");
            }
        }
    }
    // Asking for REBOOT and SHUTOFF together drops the task filter entirely.
    let both = ListFilter::for_statuses(&[ServerStatus::Reboot, ServerStatus::Shutoff]);
    assert!(both.matches(VmState::Active, None));
}
