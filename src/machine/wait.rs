//! What a client should wait for after starting an action: the statuses
//! that mean "still in progress", "done" and "failed", derived from the
//! action's edges and failure effects (never hand-listed).

use crate::rules::outcome::FailureEffect;
use crate::rules::projection::status;
use crate::wire::action::Action;
use crate::wire::set::StatusSet;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The statuses to watch after starting an action from a vm_state.
///
/// A status can be in more than one set: then the status alone does not
/// tell, and the client must look at `task_state` (null once the action has
/// ended) and at `fault`. [`WaitFor::ambiguous`] lists them.
///
/// ```
/// use nova_states::{Action, ServerStatus, VmState, WaitFor};
/// // Resize: ACTIVE again means it failed and was rolled back.
/// let w = WaitFor::new(Action::Resize, VmState::Active);
/// assert!(w.done.contains(ServerStatus::VerifyResize));
/// assert!(!w.done.contains(ServerStatus::Active));
/// assert!(w.failed.contains(ServerStatus::Active));
/// // Stop from ERROR: ERROR is also what you see while it runs.
/// let w = WaitFor::new(Action::Stop, VmState::Error);
/// assert!(w.in_progress.contains(ServerStatus::Error));
/// assert!(w.done.contains(ServerStatus::Shutoff));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitFor {
    /// The action.
    pub action: Action,
    /// The vm_state it started from.
    pub start: VmState,
    /// Statuses shown while a task of the action is in flight.
    pub in_progress: StatusSet,
    /// Statuses of the end states (task_state null).
    pub done: StatusSet,
    /// Statuses a failure leaves (task_state null, or vm_state error).
    pub failed: StatusSet,
}

impl WaitFor {
    /// Derives the sets for `action` started from `start` (all empty when
    /// the action does not accept `start`).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, ServerStatus, VmState, WaitFor};
    ///
    /// // Shelve ends in either of two statuses.
    /// let w = WaitFor::new(Action::Shelve, VmState::Active);
    /// assert!(w.done.contains(ServerStatus::Shelved));
    /// assert!(w.done.contains(ServerStatus::ShelvedOffloaded));
    /// // Unshelve does not start from active: nothing to wait for.
    /// let w = WaitFor::new(Action::Unshelve, VmState::Active);
    /// assert!(w.in_progress.is_empty() && w.done.is_empty());
    /// ```
    pub fn new(action: Action, start: VmState) -> WaitFor {
        let mut in_progress = StatusSet::EMPTY;
        let mut failed = StatusSet::EMPTY;
        for vm in VmState::ALL {
            for task in TaskState::ALL_OR_NULL {
                if !action.in_flight_from(start, vm, task) {
                    continue;
                }
                in_progress = in_progress.with(status(vm, task));
                for effect in action.failures().effects {
                    let left = match effect {
                        FailureEffect::ClearTask => Some(status(vm, None)),
                        FailureEffect::Error => Some(ServerStatus::Error),
                        FailureEffect::ErrorKeepTask => Some(status(VmState::Error, task)),
                        FailureEffect::LooksLikeSuccess => Some(ServerStatus::Active),
                        FailureEffect::NoWrite => None,
                    };
                    if let Some(left) = left {
                        failed = failed.with(left);
                    }
                }
            }
        }
        let ends = action.outcome(start);
        let done = ends.iter().map(|vm| status(vm, None)).collect();
        if !ends.is_empty() && action.failures().effects.contains(&FailureEffect::NoWrite) {
            // The request itself fails; the state stays as it was.
            failed = failed.with(status(start, None));
        }
        WaitFor {
            action,
            start,
            in_progress,
            done,
            failed,
        }
    }

    /// Statuses in more than one set: check task_state (and fault) too.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, ServerStatus, VmState, WaitFor};
    ///
    /// // A stop from ERROR shows ERROR while it runs and after it fails.
    /// let w = WaitFor::new(Action::Stop, VmState::Error);
    /// assert_eq!(w.ambiguous().iter().collect::<Vec<_>>(), [ServerStatus::Error]);
    /// // A resize's statuses tell on their own.
    /// assert!(WaitFor::new(Action::Resize, VmState::Active).ambiguous().is_empty());
    /// ```
    pub fn ambiguous(&self) -> StatusSet {
        self.done
            .intersection(self.failed)
            .union(self.done.intersection(self.in_progress))
            .union(self.failed.intersection(self.in_progress))
    }
}
