//! The waiter: every action, every start vm_state, every path through the
//! relation from the action's first write (success, failure, restart
//! recovery, concurrent delete; at most `MAX` pairs), fed every
//! sub-sequence a poller could see. Then the traps, one named test each.

use nova_states::machine::{WaitAnswer, WaitProgress, WaitReason, Waiter};
use nova_states::{Action, Microversion, Pair, TaskState, VmState};

use crate::support::wait_paths::{paths, starts, versions, End, Path, MAX_PAIRS as MAX};

/// Checks one sub-sequence (`mask` picks the pairs) of `path`.
fn check(waiter: Waiter, path: &Path, mask: u32) -> Result<(), String> {
    let mut w = waiter;
    let last = path.pairs.len() - 1;
    let mut answer: Option<WaitAnswer> = None;
    for (i, pair) in path.pairs.iter().enumerate() {
        if mask & (1 << i) == 0 {
            continue;
        }
        let a = w.observe(pair.vm, pair.task);
        let here = format!("at #{i} {pair:?}: {a:?}");
        if a.progress == WaitProgress::Impossible {
            return Err(format!("impossible {here}"));
        }
        if a.progress == WaitProgress::Done {
            let honest = match a.reason {
                WaitReason::Ended { fault_possible, .. } => {
                    path.end == End::Success || fault_possible
                }
                _ => false,
            };
            // Done only once the end (the success state) is on the screen.
            let ended = path.pairs[..=i].iter().any(|p| {
                p.task.is_none() && w.ends().contains(p.vm) && {
                    let j = path.pairs.iter().position(|q| q == p).unwrap_or(last);
                    j == last
                }
            });
            if !honest || !ended {
                return Err(format!("done before the end {here}"));
            }
        }
        if a.progress == WaitProgress::Failed && path.end == End::Success {
            return Err(format!("failed on a success path {here}"));
        }
        answer = Some(a);
    }
    if mask & (1 << last) != 0 {
        let a = answer.ok_or("no answer")?;
        let stalled =
            a.progress == WaitProgress::InProgress && path.end == End::Failure && w.may_stall();
        if !a.progress.is_final() && !stalled {
            return Err(format!("no final verdict at the end: {a:?}"));
        }
        if path.end != End::Success && a.progress == WaitProgress::Done {
            let ok = matches!(
                a.reason,
                WaitReason::Ended {
                    fault_possible: true,
                    ..
                }
            );
            if !ok {
                return Err(format!("done without a fault note on a failed path: {a:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn waiter_is_exact_on_every_path_and_every_gap() {
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for (action, start) in starts() {
        for version in versions(action, start) {
            let waiter = Waiter::at(action, start, version);
            for path in paths(action, start, version, MAX) {
                let n = path.pairs.len();
                // Every step of the path is one the relation takes.
                for (a, b) in path.pairs.iter().zip(path.pairs.iter().skip(1)) {
                    if !a.reaches(*b) {
                        failures.push(format!(
                            "{action} from {start}: the relation does not reach {b:?} from {a:?}"
                        ));
                    }
                }
                for mask in 1u32..(1 << n) {
                    checked += 1;
                    if let Err(e) = check(waiter, &path, mask) {
                        failures.push(format!(
                            "{action} from {start} at {version}: {:?} ({:?}), mask {mask:b}: {e}",
                            path.pairs, path.end
                        ));
                        break;
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} sequences");
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn feed(w: &mut Waiter, pairs: &[(VmState, Option<TaskState>)]) -> WaitAnswer {
    let mut last = None;
    for (vm, task) in pairs {
        last = Some(w.observe(*vm, *task));
    }
    last.expect("at least one observation")
}

#[test]
fn trap_rebuild_from_stopped_passes_active_null_in_progress() {
    use TaskState as T;
    let mut w = Waiter::new(Action::Rebuild, VmState::Stopped);
    let a = feed(
        &mut w,
        &[
            (VmState::Stopped, Some(T::Rebuilding)),
            (VmState::Stopped, Some(T::RebuildSpawning)),
            (VmState::Active, None),
        ],
    );
    assert_eq!(a.progress, WaitProgress::InProgress);
    assert_eq!(a.reason, WaitReason::Phase(None));
    assert_eq!(
        w.observe(VmState::Active, Some(T::PoweringOff)).progress,
        WaitProgress::InProgress
    );
    assert_eq!(
        w.observe(VmState::Stopped, None).progress,
        WaitProgress::Done
    );
}

#[test]
fn trap_evacuate_from_stopped_passes_active_null_in_progress() {
    let mut w = Waiter::new(Action::Evacuate, VmState::Stopped);
    assert_eq!(
        w.observe(VmState::Active, None).progress,
        WaitProgress::InProgress
    );
    assert_eq!(
        w.observe(VmState::Stopped, None).progress,
        WaitProgress::Done
    );
    // From active at 2.95 (target_state stopped) too.
    let mut w = Waiter::at(Action::Evacuate, VmState::Active, Microversion::new(2, 95));
    assert_eq!(
        w.observe(VmState::Active, None).progress,
        WaitProgress::InProgress
    );
    assert_eq!(
        w.observe(VmState::Stopped, None).progress,
        WaitProgress::Done
    );
    // Before 2.95, active again is the end.
    let mut w = Waiter::at(Action::Evacuate, VmState::Active, Microversion::new(2, 94));
    assert_eq!(
        w.observe(VmState::Active, None).progress,
        WaitProgress::Done
    );
}

#[test]
fn trap_failed_unshelve_stays_error_unshelving_is_failed() {
    let mut w = Waiter::new(Action::Unshelve, VmState::ShelvedOffloaded);
    let a = w.observe(VmState::Error, Some(TaskState::Unshelving));
    assert_eq!(a.progress, WaitProgress::Failed);
    // And stays failed, however long it is polled.
    assert_eq!(w.observe(VmState::Error, Some(TaskState::Unshelving)), a);
}

#[test]
fn trap_failed_stop_shows_active_null_is_failed() {
    let mut w = Waiter::new(Action::Stop, VmState::Active);
    w.observe(VmState::Active, Some(TaskState::PoweringOff));
    let a = w.observe(VmState::Active, None);
    assert_eq!(a.progress, WaitProgress::Failed);
    assert!(matches!(a.reason, WaitReason::Failure(_)));
}

#[test]
fn trap_validator_ended_rebuild_at_active_null_waiter_does_not() {
    use nova_states::{Observation, Validator};
    let obs = |vm, task| Observation {
        vm,
        task,
        power: None,
        status: None,
    };
    let mut v = Validator::new();
    v.started(Action::Rebuild, VmState::Stopped);
    v.observe(obs(VmState::Stopped, Some(TaskState::RebuildSpawning)))
        .unwrap();
    let step = v.observe(obs(VmState::Active, None)).unwrap();
    // Told what was started, the validator keeps the rebuild in flight.
    assert!(step.operations.contains(Action::Rebuild));
    assert_eq!(v.current().iter().collect::<Vec<_>>(), [Action::Rebuild]);
    let mut w = Waiter::new(Action::Rebuild, VmState::Stopped);
    assert_eq!(
        w.observe(VmState::Active, None).progress,
        WaitProgress::InProgress
    );
}

#[test]
fn trap_failure_end_equal_to_success_state_is_done_with_fault_note() {
    // A resize whose final save fails: the revert writes the dirty resized
    // state. The server is in the success state; a fault may be recorded.
    let mut w = Waiter::new(Action::Resize, VmState::Active);
    let a = w.observe(VmState::Resized, None);
    assert_eq!(a.progress, WaitProgress::Done);
    assert_eq!(
        a.reason,
        WaitReason::Ended {
            vm: VmState::Resized,
            fault_possible: true
        }
    );
    // A reboot that failed with the guest running writes the success end.
    let mut w = Waiter::new(Action::RebootHard, VmState::Active);
    let a = w.observe(VmState::Active, None);
    assert_eq!(
        a.reason,
        WaitReason::Ended {
            vm: VmState::Active,
            fault_possible: true
        }
    );
}

#[test]
fn trap_may_stall_rows_stay_in_progress_and_say_so() {
    // Evacuate's API write is not undone when its cast fails: rebuilding
    // stays, and nothing will finish it.
    let mut w = Waiter::new(Action::Evacuate, VmState::Active);
    assert!(w.may_stall());
    let a = w.observe(VmState::Active, Some(TaskState::Rebuilding));
    assert_eq!(a.progress, WaitProgress::InProgress);
}

#[test]
fn waiter_says_impossible_and_does_not_move() {
    let mut w = Waiter::new(Action::Stop, VmState::Active);
    w.observe(VmState::Active, Some(TaskState::PoweringOff));
    let a = w.observe(VmState::Shelved, None);
    assert_eq!(a.progress, WaitProgress::Impossible);
    assert_eq!(w.last().map(|a| a.progress), Some(WaitProgress::InProgress));
    assert_eq!(
        w.observe(VmState::Stopped, None).progress,
        WaitProgress::Done
    );
}

#[test]
fn waiter_concurrent_delete_is_failed() {
    let mut w = Waiter::new(Action::Snapshot, VmState::Active);
    w.observe(VmState::Active, Some(TaskState::ImageUploading));
    let a = w.observe(VmState::Deleted, None);
    assert_eq!(
        (a.progress, a.reason),
        (WaitProgress::Failed, WaitReason::Deleted)
    );
}

#[test]
fn waiter_image_settled_follows_the_driver_paths() {
    use nova_states::Driver;
    use TaskState as T;
    // libvirt's standard path captures in the second pending round.
    let mut w = Waiter::new(Action::Snapshot, VmState::Active);
    for task in [T::ImageSnapshot, T::ImagePendingUpload, T::ImageUploading] {
        w.observe(VmState::Active, Some(task));
    }
    assert_eq!(w.image_settled(Driver::LibvirtStandard), Some(false));
    assert_eq!(w.image_settled(Driver::VMware), Some(true));
    w.observe(VmState::Active, Some(T::ImagePendingUpload));
    w.observe(VmState::Active, Some(T::ImageUploading));
    assert_eq!(w.image_settled(Driver::LibvirtStandard), Some(true));
    assert_eq!(w.image_settled(Driver::LibvirtRbdDirect), Some(false));
    w.observe(VmState::Active, None);
    assert_eq!(w.image_settled(Driver::LibvirtRbdDirect), Some(true));
}

#[test]
fn waiter_agrees_with_wait_for() {
    use nova_states::{status, WaitFor};
    // Every status the waiter answers in progress is one WaitFor lists as
    // in progress; every done status one it lists as done.
    for (action, start) in starts() {
        let w = Waiter::new(action, start);
        let f = WaitFor::new(action, start);
        for vm in VmState::ALL {
            for task in TaskState::ALL_OR_NULL {
                let a = w.judge(Pair { vm, task });
                let s = status(vm, task);
                match a.progress {
                    WaitProgress::InProgress => {
                        assert!(f.in_progress.contains(s), "{action} {start} {vm} {task:?}")
                    }
                    WaitProgress::Done => {
                        assert!(f.done.contains(s), "{action} {start} {vm} {task:?}")
                    }
                    _ => {}
                }
            }
        }
    }
}
