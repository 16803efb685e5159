//! The body of the `events` fuzz target: bytes decoded deterministically
//! into events applied from a fresh build, every invariant of
//! [`oracle`](super::oracle) checked after each step.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/events.rs`, beside
//! `oracle.rs`) and the seed replay of the integration tests, so that the
//! committed seeds run on stable through exactly the code libFuzzer runs.

use nova_states::{apply, Event, ServerState};

use super::oracle::{check_edge, enabled, events_list, reachable};

/// Steps decoded from at most this many bytes (longer inputs are cut).
pub const MAX_EVENT_BYTES: usize = 1024;

/// Decodes `data` into events, applied one by one from
/// [`ServerState::BUILD_REQUEST`], and checks every invariant after each
/// step; the state stays in the reachable set.
///
/// Decoding, deterministic: a byte `b < 0x80` picks the
/// `(b % n)`-th of the `n` events the current state accepts (in
/// [`all_events`](nova_states::machine::all_events) order; never empty, a power
/// observation always applies);
/// a byte `b >= 0x80` and the byte after it (0 if none) pick the
/// `(((b & 0x7f) << 8 | next) % N)`-th of all `N` events, which the state
/// may refuse (the refusal is checked, the state kept).
pub fn events(data: &[u8]) {
    run_events(data);
}

/// [`events`], returning the events decoded (accepted or refused).
pub fn run_events(data: &[u8]) -> Vec<Event> {
    let all = events_list();
    let reach = reachable();
    let mut state = ServerState::BUILD_REQUEST;
    let mut decoded = Vec::new();
    let mut bytes = data.iter().take(MAX_EVENT_BYTES);
    while let Some(&b) = bytes.next() {
        let event = if b < 0x80 {
            let enabled = enabled(state);
            assert!(!enabled.is_empty(), "{state} accepts no event");
            enabled[usize::from(b) % enabled.len()]
        } else {
            let lo = bytes.next().copied().unwrap_or(0);
            all[(usize::from(b & 0x7f) << 8 | usize::from(lo)) % all.len()]
        };
        decoded.push(event);
        let result = apply(state, event);
        check_edge(state, event, &result);
        // apply is a function: the same step gives the same answer.
        assert_eq!(apply(state, event), result, "{state} {event:?}");
        if let Ok(next) = result {
            assert!(
                reach[next.index()],
                "{state} --{event:?}--> {next}: outside the reachable set"
            );
            state = next;
        }
    }
    decoded
}
