//! What an action needs of the server's state: the
//! `@check_instance_state` / `@reject_instance_state` decorator of its
//! method, as the rows in [`crate::rules::actions`] declare it. Its own
//! module, so that the rule table ([`crate::rules::spec`]) and the refusal
//! it produces ([`crate::rules::rejection`]) both stand on it.

use crate::wire::set::{TaskFilter, VmStateSet};
use crate::wire::vm::VmState;

/// What an action needs of the server's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Precondition {
    /// Accepted vm_states (empty for `create`: there is no server yet).
    pub vm_states: VmStateSet,
    /// Accepted task states.
    pub task_states: TaskFilter,
    /// Whether `launched_at` must be set (the server booted once).
    pub must_have_launched: bool,
    /// Where Nova declares it (path:line at the pinned commit).
    pub source: &'static str,
}

pub(crate) const fn pre(
    vm_states: &[VmState],
    task_states: TaskFilter,
    must_have_launched: bool,
    source: &'static str,
) -> Precondition {
    Precondition {
        vm_states: VmStateSet::from_slice(vm_states),
        task_states,
        must_have_launched,
        source,
    }
}

pub(crate) const fn any_vm(
    task_states: TaskFilter,
    must_have_launched: bool,
    source: &'static str,
) -> Precondition {
    Precondition {
        vm_states: VmStateSet::FULL,
        task_states,
        must_have_launched,
        source,
    }
}
