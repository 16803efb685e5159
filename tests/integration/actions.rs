//! Actions against Nova: preconditions cell by cell, tempest's negative
//! cases, messages, chains as paths of the relation, outcomes and waits,
//! the power sync and restart recovery; and the small set types the
//! preconditions are made of (`TaskFilter`, `ALLOW_REBOOT`, `ActionSet`).

use nova_states::machine::{all_events, reachable_from_build};
use nova_states::rules::{
    restart_decision, restart_failure, sync_decision, FailurePoint, RestartDecision, SyncDecision,
    ALLOW_REBOOT,
};
use nova_states::{
    apply, Action, ActionSet, Event, Pair, PowerState, RejectedField, ServerState, ServerStatus,
    TaskFilter, TaskState, TransitionError, VmState, WaitFor,
};

use crate::support::{golden_rows, state};

const PRECONDITIONS: &str = include_str!("../golden/preconditions.tsv");

fn names<T: Copy>(
    all: &[T],
    pick: impl Fn(&T) -> bool,
    name: fn(T) -> &'static str,
) -> Vec<&'static str> {
    all.iter().filter(|x| pick(x)).map(|x| name(*x)).collect()
}

#[test]
fn every_action_cell_matches_novas_decorators() {
    let mut rows = 0;
    let mut cells = 0;
    for row in golden_rows(PRECONDITIONS) {
        let [action, _method, vms, tasks, launched] = row[..] else {
            panic!("{row:?}")
        };
        let action: Action = action.parse().unwrap();
        let vm_ok = |vm: VmState| vms == "*" || vms.split(',').any(|v| v == vm.as_str());
        let task_ok = |task: Option<TaskState>| {
            let name = TaskState::name_or_null(task);
            match tasks.split_at(1) {
                ("*", _) => true,
                ("=", list) => list.split(',').any(|t| t == name),
                ("!", list) => !list.split(',').any(|t| t == name),
                _ => panic!("{tasks}"),
            }
        };
        let needs_launch = launched == "true";
        for vm in VmState::ALL {
            for task in TaskState::ALL_OR_NULL {
                for was_launched in [false, true] {
                    let expected = vm_ok(vm) && task_ok(task) && (was_launched || !needs_launch);
                    assert_eq!(
                        action.accepts(vm, task, was_launched),
                        expected,
                        "{action} {vm} {task:?} launched={was_launched}"
                    );
                    // Nova's check order: vm_state, then task_state, then launched_at.
                    if let Err(r) = action.check(vm, task, was_launched) {
                        let field = if !vm_ok(vm) {
                            RejectedField::VmState
                        } else if !task_ok(task) {
                            RejectedField::TaskState
                        } else {
                            RejectedField::LaunchedAt
                        };
                        assert_eq!(r.field, field);
                    }
                    cells += 1;
                }
            }
        }
        rows += 1;
    }
    // Every action but create and reset_state (no decorator) has a row.
    assert_eq!(rows, Action::COUNT - 2);
    assert_eq!(cells, rows * 12 * 43 * 2);
}

#[test]
fn create_and_reset_state_check_no_state() {
    for vm in VmState::ALL {
        for task in TaskState::ALL_OR_NULL {
            assert!(Action::ResetState.accepts(vm, task, false));
        }
    }
    assert!(Action::Create.precondition().vm_states.is_empty());
}

fn refused(action: Action, vm: VmState, task: Option<TaskState>) -> RejectedField {
    action.check(vm, task, true).unwrap_err().field
}

// tempest's negative cases (tempest/api/compute/servers/test_servers_negative.py
// and friends): each is a 409 from Nova.
#[test]
fn tempest_pause_paused_server() {
    assert_eq!(
        refused(Action::Pause, VmState::Paused, None),
        RejectedField::VmState
    );
}

#[test]
fn tempest_resume_active_server() {
    assert_eq!(
        refused(Action::Resume, VmState::Active, None),
        RejectedField::VmState
    );
}

#[test]
fn tempest_rescued_server_refuses_hard_reboot_rebuild_and_volume_attach() {
    for action in [Action::RebootHard, Action::Rebuild, Action::AttachVolume] {
        assert_eq!(
            refused(action, VmState::Rescued, None),
            RejectedField::VmState,
            "{action}"
        );
    }
}

#[test]
fn tempest_second_snapshot_while_one_runs() {
    let mut s = apply(
        state(VmState::Active, None),
        Event::Accept(Action::Snapshot),
    )
    .unwrap();
    for step in 1..Action::Snapshot.edges().len() {
        let r = apply(s, Event::Accept(Action::Snapshot));
        assert!(matches!(r, Err(TransitionError::Rejected(_))), "{s}");
        if let Ok(next) = apply(
            s,
            Event::Write {
                action: Action::Snapshot,
                edge: step as u8,
            },
        ) {
            s = next;
        }
    }
    for task in [
        TaskState::ImageSnapshot,
        TaskState::ImagePendingUpload,
        TaskState::ImageUploading,
    ] {
        let r = Action::Snapshot
            .check(VmState::Active, Some(task), true)
            .unwrap_err();
        assert_eq!(
            r.conflict_message("c2d5da0a").to_string(),
            format!("Cannot 'createImage' instance c2d5da0a while it is in task_state {task}")
        );
    }
}

#[test]
fn tempest_cold_and_live_migration_of_suspended_server() {
    assert_eq!(
        refused(Action::Migrate, VmState::Suspended, None),
        RejectedField::VmState
    );
    assert_eq!(
        refused(Action::LiveMigrate, VmState::Suspended, None),
        RejectedField::VmState
    );
}

#[test]
fn tempest_restore_active_server() {
    assert_eq!(
        refused(Action::Restore, VmState::Active, None),
        RejectedField::VmState
    );
}

#[test]
fn messages_are_novas() {
    let r = Action::RebootSoft
        .check(VmState::Stopped, None, true)
        .unwrap_err();
    assert_eq!(
        r.nova_message("u-1").to_string(),
        "Instance u-1 in vm_state stopped. Cannot _soft_reboot while the instance is in this state."
    );
    assert_eq!(
        r.conflict_message("u-1").to_string(),
        "Cannot 'reboot' instance u-1 while it is in vm_state stopped"
    );
    assert_eq!(
        r.to_string(),
        "instance in vm_state stopped: cannot _soft_reboot while the instance is in this state (allowed: active)"
    );
    // Null found: Nova's message says None, the 409 falls back to its generic text.
    let r = Action::LiveMigrateAbort
        .check(VmState::Active, None, true)
        .unwrap_err();
    assert_eq!(r.field, RejectedField::TaskState);
    assert_eq!(
        r.nova_message("u-1").to_string(),
        "Instance u-1 in task_state None. Cannot live_migrate_abort while the instance is in this state."
    );
    assert_eq!(
        r.conflict_message("u-1").to_string(),
        "Instance u-1 is in an invalid state for 'abort live migration'"
    );
    let r = Action::Start
        .check(VmState::Stopped, None, false)
        .unwrap_err();
    assert_eq!(r.field, RejectedField::LaunchedAt);
    assert_eq!(
        r.conflict_message("u-1").to_string(),
        "Instance u-1 is in an invalid state for 'start'"
    );
}

/// Whether the state check can refuse the action at all (some vm_state,
/// task_state and launched_at it does not accept).
fn ever_refused(action: Action) -> bool {
    VmState::ALL.into_iter().any(|vm| {
        TaskState::ALL_OR_NULL.into_iter().any(|task| {
            [false, true]
                .into_iter()
                .any(|l| !action.accepts(vm, task, l))
        })
    })
}

#[test]
fn refusal_status_follows_the_controllers() {
    use Action as A;
    for action in Action::ALL {
        let status = action.refusal_status();
        // A status exactly where the check can refuse (create checks nothing).
        assert_eq!(
            status.is_some(),
            action != A::Create && ever_refused(action),
            "{action}: {status:?}"
        );
        match (action.conflict_action(), status) {
            // raise_http_conflict_for_instance_invalid_state is a 409
            // (nova/api/openstack/common.py:346).
            (Some(_), Some(code)) => assert_eq!(code, 409, "{action}"),
            // delete: the controller maps 409, the check never refuses.
            (Some(_), None) => assert_eq!(action, A::Delete),
            // Not through the conflict helper: the consoles the handlers do
            // not catch (500, wsgi.py:808-813), the assisted volume
            // snapshots (400, assisted_volume_snapshots.py:57-63, 92-98).
            (None, Some(code)) => {
                let expected = match action {
                    A::GetSpiceConsole | A::GetSerialConsole | A::GetMksConsole => 500,
                    A::VolumeSnapshotCreate | A::VolumeSnapshotDelete => 400,
                    _ => panic!("{action}: {code} without a conflict word"),
                };
                assert_eq!(code, expected, "{action}");
            }
            (None, None) => assert!(
                matches!(action, A::Create | A::ForceDelete | A::ResetState),
                "{action}"
            ),
        }
    }
    // The 409s are the many; the rest are these five.
    let not_409: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| matches!(a.refusal_status(), Some(code) if code != 409))
        .collect();
    assert_eq!(
        not_409,
        [
            A::GetSpiceConsole,
            A::GetSerialConsole,
            A::GetMksConsole,
            A::VolumeSnapshotCreate,
            A::VolumeSnapshotDelete
        ]
    );
    // soft_delete is refused only for a server that never launched, with
    // the 409 delete's controller maps.
    assert!(Action::SoftDelete
        .check(VmState::Active, None, false)
        .is_err());
    assert_eq!(Action::SoftDelete.refusal_status(), Some(409));
}

#[test]
fn what_can_i_do_now() {
    let now = Action::allowed(VmState::Active, Some(TaskState::ImageUploading), true);
    let got: Vec<_> = now.iter().map(Action::as_str).collect();
    assert_eq!(
        got,
        [
            "soft_delete",
            "delete",
            "force_delete",
            "get_vnc_console",
            "get_spice_console",
            "get_serial_console",
            "get_mks_console",
            "delete_instance_metadata",
            "update_instance_metadata",
            "evacuate",
            "reset_state"
        ]
    );
    // Hard reboot pre-empts a soft reboot, but not a hard one past its first phase.
    assert!(
        Action::allowed(VmState::Active, Some(TaskState::RebootStarted), true)
            .contains(Action::RebootHard)
    );
    assert!(
        !Action::allowed(VmState::Active, Some(TaskState::RebootStartedHard), true)
            .contains(Action::RebootHard)
    );
    // Error accepts exactly what Nova accepts from error.
    let from_error: Vec<_> = Action::allowed(VmState::Error, None, true)
        .iter()
        .map(Action::as_str)
        .collect();
    assert_eq!(
        from_error,
        names(
            &Action::ALL,
            |a| a.precondition().vm_states.contains(VmState::Error)
                && *a != Action::LiveMigrateForceComplete
                && *a != Action::LiveMigrateAbort,
            Action::as_str
        )
    );
}

#[test]
fn first_writes_and_chains() {
    assert_eq!(
        Action::Snapshot.sets_task_state(),
        Some(TaskState::ImageSnapshotPending)
    );
    assert_eq!(
        Action::Backup.sets_task_state(),
        Some(TaskState::ImageBackup)
    );
    assert_eq!(Action::Stop.sets_task_state(), Some(TaskState::PoweringOff));
    assert_eq!(Action::ConfirmResize.sets_task_state(), None);
    assert_eq!(Action::SnapshotVolumeBacked.edges().len(), 0);
    // resize_confirming is never written by any action.
    for action in Action::ALL {
        for edge in action.edges() {
            assert_ne!(edge.to, Some(TaskState::ResizeConfirming), "{action}");
        }
    }
    // Backup never passes through image_snapshot.
    assert!(Action::Backup
        .edges()
        .iter()
        .all(|e| e.to != Some(TaskState::ImageSnapshot)));
    // libvirt's second round exists.
    assert!(Action::Snapshot
        .edges()
        .iter()
        .any(|e| e.from == Some(TaskState::ImageUploading)
            && e.to == Some(TaskState::ImagePendingUpload)));
}

#[test]
fn outcomes() {
    use VmState as V;
    let ends = |a: Action, s: V| a.outcome(s).iter().collect::<Vec<_>>();
    assert_eq!(ends(Action::Resume, V::Suspended), [V::Active]);
    assert_eq!(ends(Action::Rebuild, V::Stopped), [V::Stopped]);
    assert_eq!(ends(Action::Rebuild, V::Active), [V::Active]);
    assert_eq!(ends(Action::Rebuild, V::Error), [V::Active]);
    for s in [V::Stopped, V::Paused, V::Suspended, V::Error, V::Active] {
        assert_eq!(ends(Action::RebootHard, s), [V::Active], "{s}");
    }
    assert_eq!(
        ends(Action::Shelve, V::Stopped),
        [V::Shelved, V::ShelvedOffloaded]
    );
    assert_eq!(ends(Action::Unshelve, V::ShelvedOffloaded), [V::Active]);
    assert_eq!(
        ends(Action::RevertResize, V::Resized),
        [V::Active, V::Stopped]
    );
    assert_eq!(ends(Action::Resize, V::Stopped), [V::Resized]);
    assert_eq!(ends(Action::Evacuate, V::Active), [V::Active, V::Stopped]);
    assert_eq!(ends(Action::Unrescue, V::Rescued), [V::Active]);
    assert_eq!(ends(Action::AttachVolume, V::Shelved), [V::Shelved]);
    assert!(Action::Pause.outcome(V::Stopped).is_empty());
}

/// Every write of every action, from every start it accepts, is a path of
/// the relation: walking Write events from the accepted state reaches every
/// edge and ends only in the outcome's vm_states with task_state null.
#[test]
fn every_chain_is_a_path_in_the_relation() {
    for action in Action::ALL {
        for start in action.starts().iter() {
            if start == VmState::Deleted {
                // The row is gone: the API answers 404 (TransitionError::Gone).
                assert_eq!(
                    apply(state(start, None), Event::Accept(action)),
                    Err(TransitionError::Gone)
                );
                continue;
            }
            let first = if action == Action::Create {
                vec![ServerState::BUILD_REQUEST]
            } else {
                let s = state(start, None);
                if !action.accepts(start, None, true) {
                    continue;
                }
                action
                    .edges()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.api && e.starts.contains(start))
                    .map(|(i, _)| {
                        apply(
                            s,
                            Event::Write {
                                action,
                                edge: i as u8,
                            },
                        )
                        .unwrap()
                    })
                    .chain(action.edges().iter().all(|e| !e.api).then_some(s))
                    .collect()
            };
            let mut frontier = first.clone();
            let mut seen = first;
            let mut used = vec![false; action.edges().len()];
            let mut ends = nova_states::VmStateSet::EMPTY;
            for (i, e) in action.edges().iter().enumerate() {
                if e.api && e.starts.contains(start) {
                    used[i] = true;
                    if e.end {
                        ends = ends.with(e.vm.unwrap_or(start));
                    }
                }
            }
            while let Some(s) = frontier.pop() {
                for (i, e) in action.edges().iter().enumerate() {
                    if e.api || !e.starts.contains(start) {
                        continue;
                    }
                    if let Ok(next) = apply(
                        s,
                        Event::Write {
                            action,
                            edge: i as u8,
                        },
                    ) {
                        if !action.in_flight_from(start, s.vm, s.task) {
                            continue;
                        }
                        used[i] = true;
                        if e.end {
                            assert_eq!(next.task, None, "{action}: an end leaves a task");
                            ends = ends.with(next.vm);
                        } else if !seen.contains(&next) {
                            seen.push(next);
                            frontier.push(next);
                        }
                    }
                }
            }
            if action.edges().is_empty() {
                continue;
            }
            assert_eq!(ends, action.outcome(start), "{action} from {start}");
            for (i, e) in action.edges().iter().enumerate() {
                if e.starts.contains(start) {
                    assert!(
                        used[i],
                        "{action} from {start}: edge {i} ({e:?}) unreachable"
                    );
                }
            }
        }
    }
}

/// `in_flight_from` is exactly the set of (vm_state, task_state) pairs the
/// action's writes reach from a start before an end write, found by walking
/// `apply` (not by consulting `in_flight_from`, as the path test above does).
#[test]
fn in_flight_from_is_exactly_what_the_writes_reach() {
    for action in Action::ALL {
        // The power sync's force_stop runs stop's writes from stopped and
        // paused too (api.py:2854-2859), beside the starts stop accepts.
        let mut startable = action.starts();
        if action == Action::Stop {
            startable = startable.with(VmState::Stopped).with(VmState::Paused);
        }
        for start in VmState::ALL {
            if start == VmState::Deleted {
                // The walk counts deleted as a start of the delete family
                // while the API answers 404 (apply: Gone); pinned by
                // every_chain_is_a_path_in_the_relation.
                continue;
            }
            let mut reached = std::collections::BTreeSet::new();
            if startable.contains(start) {
                for power in PowerState::ALL {
                    let at = |vm, task| ServerState { vm, task, power };
                    let mut frontier: Vec<ServerState> = if action == Action::Create {
                        vec![ServerState::BUILD_REQUEST]
                    } else if action.edges().is_empty() {
                        // No task: nothing is ever in flight.
                        Vec::new()
                    } else if action.edges().iter().all(|e| !e.api) {
                        TaskState::ALL_OR_NULL
                            .into_iter()
                            .filter(|t| action.precondition().task_states.contains(*t))
                            .map(|t| at(start, t))
                            .collect()
                    } else {
                        action
                            .edges()
                            .iter()
                            .enumerate()
                            .filter(|(_, e)| e.api && e.starts.contains(start) && !e.end)
                            .filter_map(|(i, _)| {
                                let write = Event::Write {
                                    action,
                                    edge: i as u8,
                                };
                                apply(at(start, None), write).ok()
                            })
                            // force_stop: the power sync writes powering-off
                            // where the API would refuse stop.
                            .chain(
                                PowerState::ALL
                                    .into_iter()
                                    .filter(|_| action == Action::Stop)
                                    .filter_map(|p| {
                                        apply(at(start, None), Event::PowerObserved(p)).ok()
                                    })
                                    .filter(|s| s.task == Some(TaskState::PoweringOff)),
                            )
                            .collect()
                    };
                    let mut seen: Vec<ServerState> = frontier.clone();
                    while let Some(s) = frontier.pop() {
                        reached.insert((s.vm.index(), s.task.map(TaskState::index)));
                        for (i, e) in action.edges().iter().enumerate() {
                            if e.api || e.end || !e.starts.contains(start) {
                                continue;
                            }
                            let write = Event::Write {
                                action,
                                edge: i as u8,
                            };
                            if let Ok(next) = apply(s, write) {
                                if !seen.contains(&next) {
                                    seen.push(next);
                                    frontier.push(next);
                                }
                            }
                        }
                    }
                }
            }
            for vm in VmState::ALL {
                for task in TaskState::ALL_OR_NULL {
                    let walked = reached.contains(&(vm.index(), task.map(TaskState::index)));
                    assert_eq!(
                        action.in_flight_from(start, vm, task),
                        walked,
                        "{action} from {start} at ({vm}, {task:?})"
                    );
                }
            }
        }
    }
}

#[test]
fn waits_clients_get_wrong() {
    // ACTIVE after a resize that silently failed is not success.
    let w = WaitFor::new(Action::Resize, VmState::Active);
    assert!(w.failed.contains(ServerStatus::Active) && !w.done.contains(ServerStatus::Active));
    // ERROR while a hard reboot, stop or rescue runs from ERROR is not failure.
    for action in [Action::RebootHard, Action::Stop, Action::Rescue] {
        let w = WaitFor::new(action, VmState::Error);
        assert!(w.in_progress.contains(ServerStatus::Error), "{action}");
        assert!(!w.done.contains(ServerStatus::Error), "{action}");
    }
    // Shelve has two ends.
    let w = WaitFor::new(Action::Shelve, VmState::Active);
    assert!(
        w.done.contains(ServerStatus::Shelved) && w.done.contains(ServerStatus::ShelvedOffloaded)
    );
    // A snapshot shows ACTIVE throughout: only task_state tells.
    let w = WaitFor::new(Action::Snapshot, VmState::Active);
    assert!(w.ambiguous().contains(ServerStatus::Active));
}

#[test]
fn power_sync_decisions() {
    use PowerState as P;
    use SyncDecision as D;
    assert_eq!(
        sync_decision(
            VmState::Active,
            Some(TaskState::ImageUploading),
            P::Shutdown
        ),
        D::SkipTaskInFlight
    );
    assert_eq!(sync_decision(VmState::Active, None, P::Shutdown), D::Stop);
    assert_eq!(sync_decision(VmState::Active, None, P::Paused), D::LogOnly);
    assert_eq!(
        sync_decision(VmState::Stopped, None, P::Running),
        D::ForceStop
    );
    assert_eq!(
        sync_decision(VmState::Paused, None, P::Crashed),
        D::ForceStop
    );
    assert_eq!(
        sync_decision(VmState::Suspended, None, P::Running),
        D::Nothing
    );
    let s = apply(
        state(VmState::Stopped, None),
        Event::PowerObserved(P::Running),
    )
    .unwrap();
    assert_eq!(
        (s.vm, s.task),
        (VmState::Stopped, Some(TaskState::PoweringOff))
    );
    // A task in flight: not even power_state is updated.
    let busy = state(VmState::Active, Some(TaskState::Pausing));
    assert_eq!(
        apply(busy, Event::PowerObserved(P::Shutdown)).unwrap(),
        busy
    );
}

#[test]
fn restart_recovery_decisions() {
    use PowerState as P;
    use RestartDecision as R;
    let d = |vm, task, p| restart_decision(state(vm, task), p);
    assert_eq!(
        d(VmState::Building, Some(TaskState::Spawning), P::Running).0,
        R::BuildToError
    );
    assert_eq!(
        d(VmState::Active, Some(TaskState::ImageUploading), P::Running),
        (R::ClearTask, state(VmState::Active, None))
    );
    // image_backup and shelving are not cleared.
    assert_eq!(
        d(VmState::Active, Some(TaskState::ImageBackup), P::Running).0,
        R::Nothing
    );
    assert_eq!(
        d(VmState::Active, Some(TaskState::Shelving), P::Shutdown).0,
        R::Nothing
    );
    // A building server being deleted becomes error (the building check comes first).
    assert_eq!(
        d(VmState::Building, Some(TaskState::Deleting), P::NoState).0,
        R::BuildToError
    );
    assert_eq!(
        d(VmState::Error, Some(TaskState::PoweringOff), P::Running).0,
        R::Skip
    );
    let (r, s) = d(VmState::Active, Some(TaskState::Rebooting), P::Shutdown);
    assert_eq!(
        (r, s.task),
        (R::RetryReboot, Some(TaskState::RebootPendingHard))
    );
    assert_eq!(
        d(VmState::Active, Some(TaskState::Pausing), P::Running).0,
        R::ToActive
    );
}

/// `_init_instance` and `_retry_reboot` (nova/compute/manager.py:1011-1271,
/// 1295-1317 @ 00a030403f67) and `get_reboot_type` (compute/utils.py:1060-1066)
/// restated branch by branch, without the crate's tables: the vm_state and
/// task_state each leaves, and which branch decided.
fn init_instance(
    vm: VmState,
    task: Option<TaskState>,
    driver: PowerState,
) -> (RestartDecision, VmState, Option<TaskState>) {
    use RestartDecision as R;
    use TaskState as T;
    let is = |t: Option<TaskState>, set: &[TaskState]| t.is_some_and(|t| set.contains(&t));
    if vm == VmState::SoftDeleted
        || (vm == VmState::Error && !is(task, &[T::ResizeMigrating, T::Deleting]))
    {
        return (R::Skip, vm, task);
    }
    if vm == VmState::Deleted {
        return (R::CompleteDeletion, vm, task);
    }
    if vm == VmState::Building
        || is(
            task,
            &[
                T::Scheduling,
                T::BlockDeviceMapping,
                T::Networking,
                T::Spawning,
            ],
        )
    {
        return (R::BuildToError, VmState::Error, None);
    }
    if matches!(vm, VmState::Active | VmState::Stopped)
        && is(
            task,
            &[
                T::Rebuilding,
                T::RebuildBlockDeviceMapping,
                T::RebuildSpawning,
            ],
        )
    {
        return (R::RebuildToError, VmState::Error, None);
    }
    let mut task = task;
    let mut cleared = false;
    if vm != VmState::Error
        && is(
            task,
            &[
                T::ImageSnapshotPending,
                T::ImagePendingUpload,
                T::ImageUploading,
                T::ImageSnapshot,
            ],
        )
    {
        task = None;
        cleared = true;
    }
    if vm != VmState::Error && task == Some(T::ResizePrep) {
        task = None;
        cleared = true;
    }
    if task == Some(T::Deleting) {
        return (R::Rerun, vm, task);
    }
    let running = driver == PowerState::Running;
    let soft_states = [T::Rebooting, T::RebootPending, T::RebootStarted];
    let hard = !running || !is(task, &soft_states);
    let allow_hard = [
        VmState::Active,
        VmState::Stopped,
        VmState::Paused,
        VmState::Suspended,
        VmState::Error,
    ];
    let pending_soft = task == Some(T::RebootPending) && vm == VmState::Active;
    let pending_hard = task == Some(T::RebootPendingHard) && allow_hard.contains(&vm);
    let started_not_running = is(
        task,
        &[
            T::Rebooting,
            T::RebootingHard,
            T::RebootStarted,
            T::RebootStartedHard,
        ],
    ) && !running;
    if pending_soft || pending_hard || started_not_running {
        if is(task, &soft_states) && hard {
            task = Some(T::RebootPendingHard);
        }
        return (R::RetryReboot, vm, task);
    } else if running
        && is(
            task,
            &[
                T::RebootStarted,
                T::RebootStartedHard,
                T::RebootingHard,
                T::Rebooting,
                T::Pausing,
                T::Unpausing,
            ],
        )
    {
        return (R::ToActive, VmState::Active, None);
    } else if driver == PowerState::Paused && task == Some(T::Unpausing) {
        return (R::Rerun, vm, task);
    }
    if is(task, &[T::PoweringOff, T::PoweringOn]) {
        return (R::Rerun, vm, task);
    }
    if is(task, &[T::ResizeMigrating, T::Migrating]) {
        return (R::RevertMigration, vm, None);
    }
    if cleared {
        return (R::ClearTask, vm, None);
    }
    (R::Nothing, vm, task)
}

/// What `_init_instance` leaves when its own handling fails, restated:
/// the VIF plug at the tail (manager.py:1197-1212) under the task as it is
/// then, or a re-run delete failing (1093-1108); nothing for the branches
/// that return before the tail (skipped, deleted, build or rebuild errored
/// out, a retried reboot, stop, start or unpause).
fn init_instance_fails(
    vm: VmState,
    task: Option<TaskState>,
    driver: PowerState,
) -> Option<(VmState, Option<TaskState>)> {
    use RestartDecision as R;
    let (decision, _, after) = init_instance(vm, task, driver);
    match decision {
        R::Nothing | R::ClearTask | R::ToActive => Some((VmState::Error, after)),
        R::RevertMigration => Some((VmState::Error, task)),
        R::Rerun if task == Some(TaskState::Deleting) => Some((VmState::Error, task)),
        R::Skip | R::CompleteDeletion | R::BuildToError | R::RebuildToError | R::Rerun => None,
        R::RetryReboot => None,
    }
}

#[test]
fn restart_failure_agrees_with_init_instance_restated_for_every_state() {
    for s in ServerState::all() {
        for driver in PowerState::ALL {
            let got = restart_failure(s, driver).map(|n| (n.vm, n.task));
            assert_eq!(
                got,
                init_instance_fails(s.vm, s.task, driver),
                "{s:?} with the hypervisor saying {driver:?}"
            );
        }
    }
    // A backup left by a crash stays; the VIF plug failing puts it in
    // error with its task: nothing of Nova's clears that but reset-state
    // or delete.
    let backup = state(VmState::Active, Some(TaskState::ImageBackup));
    assert_eq!(
        restart_decision(backup, PowerState::Running).0,
        RestartDecision::Nothing
    );
    assert_eq!(
        restart_failure(backup, PowerState::Running),
        Some(state(VmState::Error, Some(TaskState::ImageBackup)))
    );
}

#[test]
fn restart_agrees_with_init_instance_restated_for_every_state() {
    let mut checked = 0;
    for s in ServerState::all() {
        for driver in PowerState::ALL {
            let (decision, after) = restart_decision(s, driver);
            let (want, vm, task) = init_instance(s.vm, s.task, driver);
            assert_eq!(
                (decision, after.vm, after.task),
                (want, vm, task),
                "{s:?} with the hypervisor saying {driver:?}"
            );
            // The database's power_state is not what _init_instance writes.
            assert_eq!(after.power, s.power, "{s:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, ServerState::all().count() * PowerState::ALL.len());
}

fn fail(action: Action, phase: u8, end: u8) -> Event {
    Event::Fail { action, phase, end }
}

#[test]
fn failures_follow_the_action() {
    // Resize: the API's write kept (the cast failed), then the conductor
    // finding no host puts the task back.
    let s = apply(state(VmState::Active, None), Event::Accept(Action::Resize)).unwrap();
    let back = apply(s, fail(Action::Resize, 2, 0)).unwrap();
    assert_eq!(back, state(VmState::Active, None));
    // No such row, no such end.
    assert!(matches!(
        apply(s, fail(Action::Resize, 200, 0)),
        Err(TransitionError::NoSuchFailure { .. })
    ));
    assert!(matches!(
        apply(s, fail(Action::Resize, 0, 7)),
        Err(TransitionError::NoSuchFailure { .. })
    ));
    // Pause is not in flight in resize_prep.
    assert!(matches!(
        apply(s, fail(Action::Pause, 1, 0)),
        Err(TransitionError::NotInFlight { .. })
    ));
    // A resize_prep failure is never the ERROR of resize_finish's rows:
    // every end a Fail takes from resize_prep is one of that phase's.
    for e in all_events() {
        if let (
            Event::Fail {
                action: Action::Resize,
                phase,
                ..
            },
            Ok(_),
        ) = (e, apply(s, e))
        {
            let at = Action::Resize.failure_phases()[usize::from(phase)].at;
            assert!(
                matches!(at, FailurePoint::At(TaskState::ResizePrep)),
                "{e:?} applies in {s}"
            );
        }
    }
}

#[test]
fn reachable_from_build_is_sane() {
    let reach = reachable_from_build();
    assert!(reach.contains(ServerState::BUILD_REQUEST));
    assert!(reach.contains(state(VmState::Active, None)));
    for s in reach.iter() {
        assert_ne!(s.status(), ServerStatus::Unknown, "{s}");
    }
    // Never reached: a paused server being resized (Nova refuses it).
    assert!(!reach
        .iter()
        .any(|s| s.vm == VmState::Paused && s.task == Some(TaskState::ResizePrep)));
    // resize_confirming is never reached.
    assert!(!reach
        .iter()
        .any(|s| s.task == Some(TaskState::ResizeConfirming)));
}

#[test]
fn allowed_table_agrees_with_every_check() {
    for vm in VmState::ALL {
        for task in TaskState::ALL_OR_NULL {
            for launched in [false, true] {
                let set = Action::allowed(vm, task, launched);
                for a in Action::ALL {
                    let expected = a != Action::Create && a.accepts(vm, task, launched);
                    assert_eq!(set.contains(a), expected, "{a} {vm} {task:?} {launched}");
                }
            }
        }
    }
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

/// `can_fail_to` is `failure_ends` without the walk: the same answer for
/// every action, start and pair.
#[test]
fn can_fail_to_agrees_with_failure_ends() {
    for action in Action::ALL {
        for start in VmState::ALL {
            let ends: Vec<Pair> = action.failure_ends(start).map(|(p, _)| p).collect();
            for i in 0..Pair::COUNT {
                let Some(to) = Pair::from_index(i) else {
                    continue;
                };
                assert_eq!(
                    action.can_fail_to(start, to),
                    ends.contains(&to),
                    "{action} from {start} to {to:?}"
                );
            }
        }
    }
}
