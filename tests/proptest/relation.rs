//! Random event sequences, state-machine style, against a small
//! independent reference model.
//!
//! A sequence is a list of `(pick_enabled, index)` draws interpreted from
//! `ServerState::BUILD_REQUEST`: with `pick_enabled` the draw is the
//! `index % n`-th of the `n` events the current state accepts, otherwise
//! the `index % N`-th of all `N` events (which the state may refuse). Any
//! list of draws is a valid run, so proptest's shrinking (shorter lists,
//! smaller indices) always yields a valid, smaller run.
//!
//! After every step the relation's invariants are checked
//! (tests/support/oracle.rs), and in every state visited the library is
//! compared with [`crate::reference`]: a re-statement, from Nova's code as
//! cited in the crate docs, of a dozen actions' preconditions and task
//! chains, the power sync and reset-state. It reads none of the crate's tables
//! (`Action::precondition`, `Action::edges`, `sync_decision`): where it has
//! an opinion, the library must agree both ways (what it accepts and where
//! it leads; and every step it says Nova can take, the library can take).
//!
//! Cases follow `PROPTEST_CASES` (default 256); see docs/testing.md.

use nova_states::machine::all_events;
use nova_states::{apply, Event, PowerState, ServerState, VmState};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::{oracle, reference};

/// Compares the library with the reference in one state, both ways.
fn compare(s: ServerState) {
    for action in reference::ACTIONS {
        // The API's answer.
        let want = reference::accept(action, s);
        let got = apply(s, Event::Accept(action)).ok();
        assert_eq!(got, want, "{action} requested in {s}");
        // The compute side's writes: every one Nova makes, the library
        // makes; every one the library makes, Nova makes (or it is the
        // API's write).
        let nova = reference::writes(action, s);
        let lib: Vec<ServerState> = (0..action.edges().len())
            .filter_map(|i| {
                let edge = u8::try_from(i).ok()?;
                apply(s, Event::Write { action, edge }).ok()
            })
            .collect();
        for next in &nova {
            assert!(
                lib.contains(next),
                "{action} in {s}: Nova writes {next}, the library cannot (it can: {lib:?})"
            );
        }
        for next in &lib {
            assert!(
                nova.contains(next) || want == Some(*next),
                "{action} in {s}: the library writes {next}, Nova does not (Nova: {nova:?})"
            );
        }
        if let Some(task) = s.task {
            if !reference::tasks(action).contains(&task) && want.is_none() {
                assert!(lib.is_empty(), "{action} writes in {s}: {lib:?}");
            }
        }
        // A failure reverting the task.
        if reference::reverts_task_state(action) && !nova.is_empty() {
            let reverted = all_events()
                .filter(|e| matches!(e, Event::Fail { action: a, .. } if *a == action))
                .any(|fail| apply(s, fail) == Ok(ServerState { task: None, ..s }));
            assert!(
                reverted,
                "{action} fails in {s}: no failure reverts the task"
            );
        }
    }
    for p in PowerState::ALL {
        assert_eq!(
            apply(s, Event::PowerObserved(p)),
            Ok(reference::power_sync(s, p)),
            "{s} observed {p}"
        );
    }
    for vm in VmState::ALL {
        assert_eq!(
            apply(s, Event::ResetState(vm)).ok(),
            reference::reset_state(s, vm),
            "{s} reset to {vm}"
        );
    }
}

/// Runs the draws from a fresh build; returns the states visited.
fn run(draws: &[(bool, u16)]) -> Vec<ServerState> {
    let all = oracle::events_list();
    let mut s = ServerState::BUILD_REQUEST;
    let mut visited = vec![s];
    compare(s);
    for &(pick_enabled, index) in draws {
        let event = if pick_enabled {
            let enabled = oracle::enabled(s);
            enabled[usize::from(index) % enabled.len()]
        } else {
            all[usize::from(index) % all.len()]
        };
        let result = apply(s, event);
        oracle::check_edge(s, event, &result);
        if let Ok(next) = result {
            assert!(oracle::reachable()[next.index()], "{next} unreachable");
            if next != s {
                compare(next);
                visited.push(next);
            }
            s = next;
        }
    }
    visited
}

fn draws() -> impl Strategy<Value = Vec<(bool, u16)>> {
    prop::collection::vec((prop::bool::weighted(0.85), any::<u16>()), 0..64)
}

proptest! {
    // Cases follow PROPTEST_CASES; failures are kept in proptest-regressions/.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/proptest_relation.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Random runs keep every invariant and agree with the reference.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn random_runs_agree_with_the_reference(draws in draws()) {
        run(&draws);
    }

    /// The same, started from an active server with a random power state,
    /// so that short runs reach the actions' chains.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn random_runs_from_active(power in prop::sample::select(PowerState::ALL.to_vec()), draws in draws()) {
        let s = ServerState { vm: VmState::Active, task: None, power };
        prop_assert!(oracle::reachable()[s.index()]);
        compare(s);
        let all = oracle::events_list();
        let mut s = s;
        for &(pick_enabled, index) in &draws {
            let event = if pick_enabled {
                let enabled = oracle::enabled(s);
                enabled[usize::from(index) % enabled.len()]
            } else {
                all[usize::from(index) % all.len()]
            };
            let result = apply(s, event);
            oracle::check_edge(s, event, &result);
            if let Ok(next) = result {
                compare(next);
                s = next;
            }
        }
    }
}

/// The reference agrees with the library in every reachable state (the
/// deterministic counterpart of the random runs).
#[test]
#[cfg_attr(miri, ignore)]
fn reference_agrees_in_every_reachable_state() {
    let reach = oracle::reachable();
    let mut n = 0;
    for s in ServerState::all().filter(|s| reach[s.index()]) {
        compare(s);
        n += 1;
    }
    assert!(n > 100);
}

/// The run interpreter itself: no draws stays at the build request; a
/// draw of an enabled event always moves or keeps a legal state.
#[test]
fn empty_run_is_the_build_request() {
    assert_eq!(run(&[]), vec![ServerState::BUILD_REQUEST]);
}
