//! One action's random run (success, failure, restart, delete), polled
//! with random gaps, into the waiter: it never says done before the end,
//! never failed on a run that succeeds, and is final at the end of a
//! complete run (unless a failure left a task nothing finishes).

use nova_states::machine::{WaitProgress, WaitReason, Waiter};
use nova_states::Pair;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::wait_paths::{firsts, starts, steps, versions, End};

/// A run from draws: each draw picks the next step among those possible;
/// `None` when the run does not end within the draws.
fn run(pick: usize, version: usize, draws: &[usize]) -> Option<(Waiter, Vec<Pair>, End)> {
    let all: Vec<_> = starts().collect();
    let (action, start) = *all.get(pick % all.len())?;
    let vs = versions(action, start);
    let version = *vs.get(version % vs.len())?;
    let firsts = firsts(action, start, version);
    let (first, ends) = *firsts.get(draws.first()? % firsts.len().max(1))?;
    let mut pairs = vec![first];
    if ends {
        return Some((Waiter::at(action, start, version), pairs, End::Success));
    }
    for draw in draws.iter().skip(1) {
        let at = *pairs.last()?;
        let next = steps(action, start, version, at, pairs.len() == 1);
        let (pair, end) = *next.get(draw % next.len().max(1))?;
        pairs.push(pair);
        if let Some(end) = end {
            return Some((Waiter::at(action, start, version), pairs, end));
        }
        if pair.task == Some(nova_states::TaskState::Deleting)
            && !action.in_flight_from(start, pair.vm, pair.task)
        {
            pairs.push(Pair {
                vm: nova_states::VmState::Deleted,
                task: None,
            });
            return Some((Waiter::at(action, start, version), pairs, End::Deleted));
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/proptest_waiter.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Random runs polled with random gaps (the last observation kept).
    #[test]
    fn waiter_random_runs_with_random_gaps(
        pick in any::<usize>(),
        version in any::<usize>(),
        draws in prop::collection::vec(any::<usize>(), 1..24),
        gaps in prop::collection::vec(any::<bool>(), 24),
    ) {
        let Some((mut w, pairs, end)) = run(pick, version, &draws) else {
            return Ok(());
        };
        let last = pairs.len() - 1;
        let mut answer = None;
        for (i, pair) in pairs.iter().enumerate() {
            if i != last && gaps.get(i).copied().unwrap_or(false) {
                continue;
            }
            let a = w.observe(pair.vm, pair.task);
            prop_assert_ne!(a.progress, WaitProgress::Impossible, "{:?} at {}", pairs, i);
            if a.progress == WaitProgress::Done {
                prop_assert_eq!(i, last, "done before the end: {:?}", pairs);
                let noted = matches!(a.reason, WaitReason::Ended { fault_possible: true, .. });
                prop_assert!(end == End::Success || noted, "{:?} {:?}", pairs, a);
            }
            if end == End::Success {
                prop_assert_ne!(a.progress, WaitProgress::Failed, "{:?}", pairs);
            }
            answer = Some(a);
        }
        let a = answer.expect("the last observation is kept");
        let stalled = a.progress == WaitProgress::InProgress && end == End::Failure && w.may_stall();
        prop_assert!(a.progress.is_final() || stalled, "{:?} {:?} {:?}", pairs, end, a);
    }
}
