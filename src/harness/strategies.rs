//! proptest strategies (feature `proptest`, off by default; pulls `std`).
//!
//! - [`any_state`]: any of the 3096 (vm_state, task_state, power_state)
//!   states, possible or not;
//! - [`reachable_state`]: a state Nova can produce (reachable from a fresh
//!   build);
//! - [`legal_events`]: a legal event sequence from
//!   [`ServerState::BUILD_REQUEST`], whose shrinks stay legal;
//! - [`polled`]: a polled trajectory, the states of a legal sequence with
//!   gaps, as a poller sees them.
//!
//! Sequences are decoded from a vector of choices: at each step the
//! choice picks one of the events [`enabled`] lists in the current state.
//! proptest shrinks the choices (fewer, smaller), and every shrunk vector
//! decodes to a legal sequence again: shrinking never leaves the relation.
//!
//! This module links `std` (proptest needs it) and is compiled only with
//! the feature, so the `no_std` core is untouched. proptest 1.x needs a
//! newer compiler than the crate's MSRV (1.81 builds the crate without
//! this feature).

extern crate std;

use std::vec::Vec;

use proptest::collection::vec;
use proptest::prelude::{any, Strategy};
use proptest::sample::select;

use crate::machine::enabled::enabled;
use crate::machine::explore::reachable_from_build;
use crate::machine::relation::Event;
use crate::machine::state::ServerState;

/// Any state, possible or not.
///
/// # Examples
///
/// ```
/// use nova_states::harness::strategies::any_state;
/// use proptest::prelude::*;
///
/// proptest!(|(s in any_state())| {
///     prop_assert!(s.index() < nova_states::ServerState::COUNT);
/// });
/// ```
pub fn any_state() -> impl Strategy<Value = ServerState> {
    (0..ServerState::COUNT).prop_filter_map("in range", ServerState::from_index)
}

/// A state Nova can produce: one of the states reachable from a fresh
/// build ([`reachable_from_build`]).
///
/// # Examples
///
/// ```
/// use nova_states::harness::strategies::reachable_state;
/// use nova_states::Pair;
/// use proptest::prelude::*;
///
/// proptest!(|(s in reachable_state())| {
///     let pair = Pair { vm: s.vm, task: s.task };
///     prop_assert!(pair.is_possible());
/// });
/// ```
pub fn reachable_state() -> impl Strategy<Value = ServerState> {
    let states: Vec<ServerState> = reachable_from_build().iter().collect();
    select(states)
}

/// The legal walk `choices` decode to from a fresh build: at each step
/// the choice picks one of the events [`enabled`] in the current state
/// (never none). Each event with the state it leads to.
///
/// # Examples
///
/// ```
/// use nova_states::harness::strategies::decode_walk;
/// use nova_states::{apply, ServerState};
///
/// let walk = decode_walk(&[3, 1, 4, 1, 5, 9, 2, 6]);
/// let mut state = ServerState::BUILD_REQUEST;
/// for (event, next) in walk {
///     assert_eq!(apply(state, event), Ok(next));
///     state = next;
/// }
/// ```
pub fn decode_walk(choices: &[u32]) -> Vec<(Event, ServerState)> {
    let mut state = ServerState::BUILD_REQUEST;
    let mut walk = Vec::with_capacity(choices.len());
    for &choice in choices {
        let n = enabled(state).count();
        let Some(k) = usize::try_from(choice).ok().and_then(|c| c.checked_rem(n)) else {
            break;
        };
        let Some((event, next)) = enabled(state).nth(k) else {
            break;
        };
        walk.push((event, next));
        state = next;
    }
    walk
}

/// A legal event sequence from [`ServerState::BUILD_REQUEST`], of up to
/// `max_len` events; its shrinks are legal too.
///
/// # Examples
///
/// ```
/// use nova_states::harness::strategies::legal_events;
/// use nova_states::{apply, ServerState};
/// use proptest::prelude::*;
///
/// proptest!(|(events in legal_events(20))| {
///     let mut state = ServerState::BUILD_REQUEST;
///     for e in events {
///         state = apply(state, e).unwrap();
///     }
/// });
/// ```
pub fn legal_events(max_len: usize) -> impl Strategy<Value = Vec<Event>> {
    vec(any::<u32>(), 0..=max_len)
        .prop_map(|choices| decode_walk(&choices).into_iter().map(|(e, _)| e).collect())
}

/// A polled trajectory: the states of a legal sequence of up to `max_len`
/// events from a fresh build, each seen or missed by the poller (a gap),
/// the first always seen. The same state can be seen twice in a row.
///
/// # Examples
///
/// ```
/// use nova_states::harness::strategies::polled;
/// use nova_states::{Observation, Validator};
/// use proptest::prelude::*;
///
/// proptest!(|(states in polled(30))| {
///     let mut v = Validator::new();
///     for s in states {
///         let obs = Observation { vm: s.vm, task: s.task, power: Some(s.power), status: None };
///         prop_assert!(v.observe(obs).is_ok());
///     }
/// });
/// ```
pub fn polled(max_len: usize) -> impl Strategy<Value = Vec<ServerState>> {
    vec((any::<u32>(), any::<bool>()), 0..=max_len).prop_map(|steps| {
        let choices: Vec<u32> = steps.iter().map(|(c, _)| *c).collect();
        let walk = decode_walk(&choices);
        let mut seen = Vec::with_capacity(walk.len() + 1);
        seen.push(ServerState::BUILD_REQUEST);
        seen.extend(
            walk.iter()
                .zip(steps.iter())
                .filter(|(_, (_, kept))| *kept)
                .map(|((_, s), _)| *s),
        );
        seen
    })
}
