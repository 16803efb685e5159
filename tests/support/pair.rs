//! The validator's view of a server: its (vm_state, task_state) pair, and
//! the admin events it does not follow.
//!
//! Shared by the `trace` fuzz body (fuzz_trace.rs, and so the `trace` fuzz
//! target) and the integration tests of the validator.

use nova_states::{Action, Event, Pair, ServerState};

/// The pair of a server state (its power state dropped).
pub fn pair(s: ServerState) -> Pair {
    Pair {
        vm: s.vm,
        task: s.task,
    }
}

/// Whether `event` is part of an admin's reset-state: the validator's
/// reachability leaves these out (a reset explains a jump to active or
/// error from anywhere, and nothing else).
pub fn is_admin_reset(event: Event) -> bool {
    matches!(
        event,
        Event::ResetState(_) | Event::Accept(Action::ResetState)
    ) || matches!(
        event,
        Event::Write {
            action: Action::ResetState,
            ..
        }
    )
}
