//! The `proptest` feature's strategies produce only what Nova can do:
//! every legal sequence (and every shrink of it, decoded the same way) is
//! checked step by step by the oracle's invariants (Nova's facts restated,
//! tests/support/oracle.rs), its breadth-first reachable set, the golden
//! table of Nova's decorators (tests/golden/preconditions.tsv), and by the
//! trajectory validator; polled trajectories pass the validator.
#![cfg(feature = "proptest")]

use nova_states::harness::strategies::{
    any_state, decode_walk, legal_events, polled, reachable_state,
};
use nova_states::{apply, Observation, ServerState, Validator};
use proptest::prelude::*;

use crate::oracle::{check_edge, reachable, requested};

/// Nova's decorators, evaluated at the pinned commit (one row per action).
const PRECONDITIONS: &str = include_str!("../golden/preconditions.tsv");

/// Whether the golden table lets `action` in at (vm, task); `None` when it
/// has no row for the action (create, reset-state: no state check).
fn golden_accepts(action: nova_states::Action, s: ServerState) -> Option<bool> {
    let task = nova_states::TaskState::name_or_null(s.task);
    PRECONDITIONS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|row| row.first() == Some(&action.as_str()))
        .map(|row| {
            let vm_ok = row[2] == "*" || row[2].split(',').any(|v| v == s.vm.as_str());
            let task_ok = match row[3].split_at(1) {
                ("*", _) => true,
                ("=", list) => list.split(',').any(|t| t == task),
                ("!", list) => !list.split(',').any(|t| t == task),
                _ => panic!("bad task rule {}", row[3]),
            };
            vm_ok && task_ok
        })
}

fn observe(v: &mut Validator, s: ServerState) -> Result<(), TestCaseError> {
    let obs = Observation {
        vm: s.vm,
        task: s.task,
        power: Some(s.power),
        status: Some(s.status()),
    };
    v.observe(obs)
        .map(|_| ())
        .map_err(|e| TestCaseError::fail(format!("{s}: {e}")))
}

proptest! {
    /// A legal sequence: each event applies, keeps every invariant, stays
    /// reachable, and the validator accepts the states gap-free.
    #[test]
    fn strategies_legal_events_are_legal(events in legal_events(60)) {
        let mut state = ServerState::BUILD_REQUEST;
        let mut v = Validator::new();
        observe(&mut v, state)?;
        for event in events {
            let result = apply(state, event);
            check_edge(state, event, &result);
            // An independent walk over the golden table: every request the
            // sequence makes is one Nova's decorators let in.
            if let Some(action) = requested(event) {
                prop_assert_ne!(golden_accepts(action, state), Some(false), "{} in {}", action, state);
            }
            let next = result.map_err(|e| TestCaseError::fail(format!("{state} {event:?}: {e}")))?;
            prop_assert!(reachable()[next.index()], "{state} -> {next}");
            observe(&mut v, next)?;
            state = next;
        }
    }

    /// Shrinking keeps legality: any sub-vector of the choices (what
    /// proptest tries when it shrinks) decodes to a legal walk.
    #[test]
    fn strategies_shrinks_stay_legal(
        choices in proptest::collection::vec(any::<u32>(), 0..40),
        drop in any::<usize>(),
    ) {
        let mut shrunk = choices.clone();
        if !shrunk.is_empty() {
            shrunk.remove(drop % shrunk.len());
        }
        for c in [&choices, &shrunk] {
            let mut state = ServerState::BUILD_REQUEST;
            for (event, next) in decode_walk(c) {
                prop_assert_eq!(apply(state, event), Ok(next));
                state = next;
            }
            prop_assert_eq!(decode_walk(c).len(), c.len());
        }
    }

    /// A polled trajectory starts at the build request and passes the
    /// validator with its gaps.
    #[test]
    fn strategies_polled_passes_the_validator(states in polled(60)) {
        prop_assert_eq!(states.first().copied(), Some(ServerState::BUILD_REQUEST));
        let mut v = Validator::new();
        for s in states {
            prop_assert!(reachable()[s.index()]);
            observe(&mut v, s)?;
        }
    }

    /// reachable_state gives only reachable states; any_state covers the
    /// rest too.
    #[test]
    fn strategies_states(r in reachable_state(), a in any_state()) {
        prop_assert!(reachable()[r.index()]);
        prop_assert_eq!(ServerState::from_index(a.index()), Some(a));
    }
}

/// The golden lookup above reads the table (so the check in
/// `strategies_legal_events_are_legal` is not vacuous).
#[test]
fn strategies_golden_lookup_reads_the_table() {
    let active = ServerState {
        vm: nova_states::VmState::Active,
        task: None,
        power: nova_states::PowerState::Running,
    };
    assert_eq!(
        golden_accepts(nova_states::Action::Stop, active),
        Some(true)
    );
    assert_eq!(
        golden_accepts(nova_states::Action::Start, active),
        Some(false)
    );
}
