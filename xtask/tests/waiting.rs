//! What docs/waiting.md states, asserted from the measurement itself: the
//! clients' mistakes it lists are there, the rows are consistent with
//! Nova's preconditions, and wherever a client errs the `Waiter` answers
//! right on the same observations.

use std::sync::OnceLock;

use nova_states::machine::{WaitProgress, WaitReason, Waiter};
use nova_states::{Action, Pair, TaskState, VmState};
use xtask::clients::{Client, Row, ROWS};
use xtask::waiting::wait_paths::End;
use xtask::waiting::{measure_all, run, Case, Measured, Mistake, Verdict};

fn measured() -> &'static [Measured] {
    static ALL: OnceLock<Vec<Measured>> = OnceLock::new();
    ALL.get_or_init(measure_all)
}

fn find(client: Client, action: Action, from: Option<VmState>) -> &'static Measured {
    measured()
        .iter()
        .find(|m| {
            m.row.client == client
                && m.row.action == action
                && match from {
                    Some(vm) => m.row.from.contains(&vm),
                    None => true,
                }
        })
        .unwrap_or_else(|| panic!("no row for {client:?} {action} {from:?}"))
}

fn row(client: Client, action: Action) -> &'static Row {
    find(client, action, None).row
}

fn pair(vm: VmState, task: Option<TaskState>) -> Pair {
    Pair { vm, task }
}

#[test]
fn rows_name_only_start_states_nova_accepts() {
    for row in ROWS {
        let starts = row.starts();
        assert!(!starts.is_empty(), "{row:?} measures nothing");
        for vm in row.from {
            assert!(
                row.action.starts().contains(*vm),
                "{:?} {} from {vm}: Nova refuses it",
                row.client,
                row.action
            );
        }
        assert!(!row.stages.is_empty() && !row.cites.is_empty(), "{row:?}");
    }
}

#[test]
fn every_measured_path_ends_in_a_final_waiter_verdict_or_a_declared_stall() {
    use xtask::waiting::wait_paths::{paths, versions};
    use xtask::waiting::MAX;
    let mut walked = 0;
    for row in ROWS {
        for start in row.starts() {
            for version in versions(row.action, start) {
                let waiter = Waiter::at(row.action, start, version);
                for path in paths(row.action, start, version, MAX) {
                    walked += 1;
                    let mut w = waiter;
                    let mut last = None;
                    for p in &path.pairs {
                        last = Some(w.observe(p.vm, p.task));
                    }
                    let end = last.expect("a path has pairs");
                    let stall = end.progress == WaitProgress::InProgress
                        && path.end == End::Failure
                        && w.may_stall();
                    assert!(
                        end.progress.is_final() || stall,
                        "{:?} {} from {start}: {:?} ends {end:?}",
                        row.client,
                        row.action,
                        path.pairs
                    );
                }
            }
        }
    }
    assert!(walked > 1000, "only {walked} paths");
}

#[test]
fn wherever_a_client_errs_the_waiter_answers_right_on_the_same_polls() {
    let mut checked = 0;
    for m in measured() {
        for mistake in Mistake::ALL {
            for case in m.cases(mistake) {
                checked += 1;
                let (there, end) = (case.waiter_there.progress, case.waiter_end.progress);
                let ok = match mistake {
                    // The client waits for ever; the waiter has concluded.
                    Mistake::Hang => end.is_final(),
                    // Failed, or (a failure left the task set for good)
                    // in progress: never done.
                    Mistake::SuccessOnFailure => {
                        end == WaitProgress::Failed
                            || (end == WaitProgress::InProgress
                                && Waiter::at(m.row.action, case.start, case.version).may_stall())
                    }
                    // Same state as a success: done, with the fault note.
                    Mistake::SuccessOnFault => matches!(
                        case.waiter_end.reason,
                        WaitReason::Ended {
                            fault_possible: true,
                            ..
                        }
                    ),
                    Mistake::FailureOnSuccess => end == WaitProgress::Done,
                    Mistake::EarlySuccess | Mistake::EarlyFailure => {
                        there == WaitProgress::InProgress
                    }
                };
                assert!(
                    ok,
                    "{:?} {} {mistake:?}: {:?} seen {:?}: waiter {:?} / {:?}",
                    m.row.client, m.row.action, case.path, case.seen, there, end
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} cases");
}

/// The first trap of issue #13, measured: a rebuild of a stopped server
/// passes (active, null) before powering off. Clients that wait for ACTIVE
/// succeed there, early; the waiter says in progress. tempest, which waits
/// for SHUTOFF from stopped, does not.
#[test]
fn rebuild_from_stopped_active_null_is_an_early_success_for_clients_waiting_for_active() {
    for client in [Client::Openstacksdk, Client::Ansible, Client::Terraform] {
        let m = find(client, Action::Rebuild, None);
        let early: Vec<&Case> = m
            .cases(Mistake::EarlySuccess)
            .iter()
            .filter(|c| c.start == VmState::Stopped)
            .collect();
        assert!(!early.is_empty(), "{client:?}: no early success");
        for case in early {
            let Verdict::Success(i) = case.verdict else {
                panic!("{case:?}")
            };
            assert_eq!(case.path.pairs[i], pair(VmState::Active, None));
            assert_eq!(case.waiter_there.reason, WaitReason::Phase(None));
        }
    }
    let tempest = find(Client::Tempest, Action::Rebuild, Some(VmState::Stopped));
    assert_eq!(tempest.count(Mistake::EarlySuccess), (0, 0));
}

/// A failed stop shows ACTIVE (task null): a client waiting for SHUTOFF
/// polls until its timeout; the waiter says failed.
#[test]
fn failed_stop_hangs_clients_waiting_for_shutoff_and_the_waiter_says_failed() {
    for client in [
        Client::Tempest,
        Client::Ansible,
        Client::Gophercloud,
        Client::Terraform,
    ] {
        let m = find(client, Action::Stop, None);
        let hit = m.cases(Mistake::Hang).iter().any(|c| {
            c.start == VmState::Active
                && c.path.end == End::Failure
                && c.path.pairs.last() == Some(&pair(VmState::Active, None))
                && c.waiter_end.progress == WaitProgress::Failed
        });
        assert!(hit, "{client:?}: no hang on the failed stop");
    }
}

/// A failed unshelve stays ERROR with task unshelving: tempest fails on
/// ERROR (right); the ansible module, which has no failure status, polls
/// until its timeout.
#[test]
fn failed_unshelve_error_unshelving_hangs_ansible_not_tempest() {
    let end = pair(VmState::Error, Some(TaskState::Unshelving));
    let ansible = find(Client::Ansible, Action::Unshelve, None);
    assert!(ansible.cases(Mistake::Hang).iter().any(
        |c| c.path.pairs.last() == Some(&end) && c.waiter_end.progress == WaitProgress::Failed
    ));
    let tempest = find(Client::Tempest, Action::Unshelve, None);
    assert!(!tempest
        .cases(Mistake::Hang)
        .iter()
        .any(|c| c.path.pairs.last() == Some(&end)));
}

/// Terraform's delete waits with pending ACTIVE and SHUTOFF only: deleting
/// a paused server is an "unexpected state" error although the delete
/// goes through.
#[test]
fn terraform_delete_of_a_paused_server_fails_on_a_success_path() {
    let m = find(Client::Terraform, Action::Delete, None);
    assert!(m
        .cases(Mistake::FailureOnSuccess)
        .iter()
        .any(|c| c.start == VmState::Paused && c.path.end == End::Success));
}

/// openstacksdk's rebuild wait reads status only: a concurrent delete
/// shows ACTIVE (task deleting) and passes for a finished rebuild.
#[test]
fn openstacksdk_rebuild_takes_a_concurrent_delete_for_success() {
    let m = find(Client::Openstacksdk, Action::Rebuild, None);
    assert!(m.cases(Mistake::SuccessOnFailure).iter().any(|c| {
        c.path.end == End::Deleted
            && matches!(c.verdict, Verdict::Success(i)
                if c.path.pairs[i].task == Some(TaskState::Deleting))
    }));
}

/// gophercloud's acceptance tests wait for REBOOT, then ACTIVE: a poll
/// that misses the REBOOT moment waits for ever; one that sees every pair
/// gets through.
#[test]
fn two_stage_waits_hang_only_when_polls_skip_the_first_status() {
    let row = row(Client::Gophercloud, Action::RebootSoft);
    let pairs = [
        pair(VmState::Active, Some(TaskState::Rebooting)),
        pair(VmState::Active, None),
    ];
    assert_eq!(run(row, &pairs, &[0, 1]), Verdict::Success(1));
    assert_eq!(run(row, &pairs, &[1]), Verdict::Hang);
    let m = find(Client::Gophercloud, Action::RebootSoft, None);
    let (always, gaps_only) = m.count(Mistake::Hang);
    assert!(gaps_only > 0, "{always} + {gaps_only}");
}

#[test]
fn some_rows_are_exact_and_the_page_says_so() {
    let exact: Vec<_> = measured().iter().filter(|m| m.exact()).collect();
    assert!(!exact.is_empty());
    let page = xtask::Generated::Waiting.contents().unwrap();
    for m in exact {
        let line = format!("| {} | {} | ", m.row.client.name(), m.row.action.as_str());
        let row_line = page
            .lines()
            .find(|l| l.starts_with(&line) && l.contains("exact"));
        assert!(row_line.is_some(), "{line} not marked exact");
    }
}

/// A compute restart during a soft reboot retries it as a hard reboot
/// (nova/compute/manager.py:1124-1132: task_state reboot_pending_hard, then
/// `reboot_instance(..., 'HARD')`), which ends in (active, null): the
/// reboot goes on and succeeds, and the `Waiter` follows it
/// (`rules::retried_as`) instead of answering failed at the restart.
#[test]
fn waiter_follows_a_soft_reboot_a_restart_retries_as_hard() {
    let mut w = Waiter::new(Action::RebootSoft, VmState::Active);
    w.observe(VmState::Active, Some(TaskState::Rebooting));
    let a = w.observe(VmState::Active, Some(TaskState::RebootPendingHard));
    assert_eq!(a.progress, WaitProgress::InProgress, "{a:?}");
    w.observe(VmState::Active, Some(TaskState::RebootStartedHard));
    assert_eq!(
        w.observe(VmState::Active, None).progress,
        WaitProgress::Done
    );
}

/// tempest's ready_wait needs task_state null beside the status; the
/// ansible module reads the status alone.
#[test]
fn tempest_needs_a_null_task_the_ansible_module_does_not() {
    let busy = [pair(VmState::Active, Some(TaskState::PoweringOff))];
    assert_eq!(
        run(row(Client::Tempest, Action::Start), &busy, &[0]),
        Verdict::Hang
    );
    assert_eq!(
        run(row(Client::Ansible, Action::Start), &busy, &[0]),
        Verdict::Success(0)
    );
}

/// Terraform's pending list: any status outside target and pending is an
/// "unexpected state" error; with no pending list it polls through.
#[test]
fn terraform_pending_list_fails_on_anything_else() {
    let paused = [pair(VmState::Paused, Some(TaskState::Deleting))];
    assert_eq!(
        run(row(Client::Terraform, Action::Delete), &paused, &[0]),
        Verdict::Failure(0)
    );
    let error = [pair(VmState::Error, Some(TaskState::PoweringOff))];
    assert_eq!(
        run(row(Client::Terraform, Action::Stop), &error, &[0]),
        Verdict::Hang
    );
}

/// A concurrent delete during a create: openstacksdk's cloud layer keeps
/// polling through the 404 (until its timeout), tempest's GET raises.
#[test]
fn a_delete_during_create_hangs_openstacksdk_and_fails_tempest() {
    let sdk = find(Client::Openstacksdk, Action::Create, None);
    assert!(sdk
        .cases(Mistake::Hang)
        .iter()
        .any(|c| c.path.end == End::Deleted));
    let tempest = find(Client::Tempest, Action::Create, None);
    assert!(tempest.exact(), "{:?}", tempest.always);
}
