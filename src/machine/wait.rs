//! What a client should wait for after starting an action: the statuses
//! that mean "still in progress", "done" and "failed", derived from the
//! action's edges and its failure rows (never hand-listed), and a verdict
//! on an observed (vm_state, task_state).

use crate::machine::flight;
use crate::machine::state::Pair;
use crate::rules::compute::retried_as;
use crate::rules::projection::status;
use crate::wire::action::Action;
use crate::wire::set::StatusSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The statuses to watch after starting an action from a vm_state.
///
/// A status can be in more than one set: then the status alone does not
/// tell, and the client must look at `task_state` (null once the action has
/// ended) and at `fault`. [`WaitFor::ambiguous`] lists them, and
/// [`WaitFor::verdict`] reads the two state fields.
///
/// A failure can also leave the task set with nothing to finish it (the
/// API's write not undone when its cast fails, an exception swallowed):
/// [`WaitFor::may_stall`] says so, and a client should not wait for ever.
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
    /// Statuses a failure can leave (from [`Action::failure_phases`]),
    /// except a task left set where the action can be in flight, which
    /// looks like progress (see `may_stall`).
    pub failed: StatusSet,
    /// Whether a failure can leave a task_state that nothing will finish
    /// (the API's write not undone, an exception swallowed or not
    /// reverted, or vm_state error with the task kept): the task may never
    /// end, and only a new request, reset-state or a compute restart moves
    /// the server on.
    pub may_stall: bool,
}

/// What an observed (vm_state, task_state) says about an action started
/// from a known vm_state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The action can be in flight here (a task that a failure left set
    /// looks the same: see [`WaitFor::may_stall`]).
    InProgress,
    /// One of the action's success ends.
    Done,
    /// Only a failure of the action leaves this.
    Failed,
    /// Both a success end and a failure end: look at `fault`.
    DoneOrFailed,
    /// Neither: another operation moved the server.
    Other,
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
        WAIT_FOR
            .get(flight::action_i(action))
            .and_then(|row| row.get(flight::vm_i(start)))
            .copied()
            .unwrap_or(WaitFor {
                action,
                start,
                in_progress: StatusSet::EMPTY,
                done: StatusSet::EMPTY,
                failed: StatusSet::EMPTY,
                may_stall: false,
            })
    }

    /// Statuses in more than one set: check task_state (and fault) too.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, ServerStatus, VmState, WaitFor};
    ///
    /// // A stop from ERROR shows ERROR while it runs and after it fails;
    /// // and a stop whose final save fails writes the stopped state all the
    /// // same (the failed save's fields stay dirty and the revert writes
    /// // them, nova/objects/instance.py:885-897), so SHUTOFF is no proof of
    /// // success either.
    /// let w = WaitFor::new(Action::Stop, VmState::Error);
    /// assert_eq!(
    ///     w.ambiguous().iter().collect::<Vec<_>>(),
    ///     [ServerStatus::Error, ServerStatus::Shutoff]
    /// );
    /// // A resize whose final save fails shows VERIFY_RESIZE too (the
    /// // revert writes the dirty resized state): only the fault tells.
    /// let resize = WaitFor::new(Action::Resize, VmState::Active);
    /// assert_eq!(resize.ambiguous().iter().collect::<Vec<_>>(), [ServerStatus::VerifyResize]);
    /// ```
    pub fn ambiguous(&self) -> StatusSet {
        self.done
            .intersection(self.failed)
            .union(self.done.intersection(self.in_progress))
            .union(self.failed.intersection(self.in_progress))
    }

    /// What an observed (vm_state, task_state) means for the action. A
    /// task left set by a failure where the action is never in flight (an
    /// unshelve whose image is gone: vm_state error, task_state
    /// `unshelving` kept) is [`Verdict::Failed`], not in progress.
    ///
    /// ```
    /// use nova_states::machine::Verdict;
    /// use nova_states::{Action, TaskState, VmState, WaitFor};
    /// let w = WaitFor::new(Action::Unshelve, VmState::ShelvedOffloaded);
    /// let running = w.verdict(VmState::ShelvedOffloaded, Some(TaskState::Unshelving));
    /// let failed = w.verdict(VmState::Error, Some(TaskState::Unshelving));
    /// assert_eq!((running, failed), (Verdict::InProgress, Verdict::Failed));
    /// assert_eq!(w.verdict(VmState::Active, None), Verdict::DoneOrFailed);
    /// ```
    pub fn verdict(&self, vm: VmState, task: Option<TaskState>) -> Verdict {
        let (action, start) = (self.action, self.start);
        if task.is_some() && action.in_flight_from(start, vm, task) {
            return Verdict::InProgress;
        }
        let done = task.is_none() && action.outcome(start).contains(vm);
        let failed = action.can_fail_to(start, Pair { vm, task });
        match (done, failed) {
            (true, true) => Verdict::DoneOrFailed,
            (true, false) => Verdict::Done,
            (false, true) => Verdict::Failed,
            (false, false) => Verdict::Other,
        }
    }
}

/// [`WaitFor::new`] at compile time: the same derivation, over the walks
/// and the failure rows.
#[allow(clippy::indexing_slicing)]
const fn wait_for_c(action: Action, start: VmState) -> WaitFor {
    let mut in_progress = StatusSet::EMPTY;
    let mut done = StatusSet::EMPTY;
    let ends = flight::outcome_c(action, start);
    let mut v = 0;
    while v < VmState::COUNT {
        let vm = VmState::ALL[v];
        // The in-flight tasks at vm, bit by bit (bit t: task slot t).
        let mut mask = flight::mid_c(action, start, vm);
        // A restart may retry the action as another, which then runs.
        if let Some(retry) = retried_as(action) {
            mask |= flight::mid_c(retry, start, vm);
        }
        while mask != 0 {
            let t = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            in_progress = in_progress.with(status(vm, TaskState::ALL_OR_NULL[t]));
        }
        if ends.contains(vm) {
            done = done.with(status(vm, None));
        }
        v += 1;
    }
    let (_, ends, may_stall) = flight::failure_rows_c(action, start);
    let mut failed = StatusSet::EMPTY;
    let mut w = 0;
    while w < ends.len() {
        let mut bits = ends[w];
        while bits != 0 {
            let pair = flight::pair_c(w * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
            // A task left set where the action can be in flight looks like
            // progress: that is `may_stall`, not a failed status.
            if pair.task.is_none() || !flight::in_flight_from_c(action, start, pair.vm, pair.task) {
                failed = failed.with(status(pair.vm, pair.task));
            }
        }
        w += 1;
    }
    WaitFor {
        action,
        start,
        in_progress,
        done,
        failed,
        may_stall,
    }
}

/// `WAIT_FOR[action][start]`: [`WaitFor::new`], computed at compile time.
#[allow(clippy::indexing_slicing)]
static WAIT_FOR: [[WaitFor; VmState::COUNT]; Action::COUNT] = {
    let empty = WaitFor {
        action: Action::Create,
        start: VmState::Active,
        in_progress: StatusSet::EMPTY,
        done: StatusSet::EMPTY,
        failed: StatusSet::EMPTY,
        may_stall: false,
    };
    let mut table = [[empty; VmState::COUNT]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let mut s = 0;
        while s < VmState::COUNT {
            table[a][s] = wait_for_c(Action::ALL[a], VmState::ALL[s]);
            s += 1;
        }
        a += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    /// [`WaitFor::new`] as it was derived at run time, kept as the oracle.
    fn wait_for_by_walking(action: Action, start: VmState) -> WaitFor {
        let mut in_progress = StatusSet::EMPTY;
        for vm in VmState::ALL {
            for task in TaskState::ALL_OR_NULL {
                let retried = retried_as(action).is_some_and(|r| r.in_flight_from(start, vm, task));
                if action.in_flight_from(start, vm, task) || retried {
                    in_progress = in_progress.with(status(vm, task));
                }
            }
        }
        let mut failed = StatusSet::EMPTY;
        let mut may_stall = false;
        for (pair, row) in action.failure_ends(start) {
            may_stall |= row.may_stall();
            // A task left set where the action can be in flight looks like
            // progress: that is `may_stall`, not a failed status.
            if pair.task.is_none() || !action.in_flight_from(start, pair.vm, pair.task) {
                failed = failed.with(status(pair.vm, pair.task));
            }
        }
        let done = action
            .outcome(start)
            .iter()
            .map(|vm| status(vm, None))
            .collect();
        WaitFor {
            action,
            start,
            in_progress,
            done,
            failed,
            may_stall,
        }
    }

    /// The table's size, printed for docs/performance.md
    /// (`cargo test -p nova-states --lib table_size -- --nocapture`).
    #[test]
    fn wait_for_table_size() {
        let bytes = core::mem::size_of_val(&WAIT_FOR);
        std::println!("WaitFor table: {bytes} bytes");
        assert!(bytes < 16 * 1024);
    }

    #[test]
    fn wait_for_table_matches_the_derivation_for_every_action_and_start() {
        for action in Action::ALL {
            for start in VmState::ALL {
                assert_eq!(
                    WaitFor::new(action, start),
                    wait_for_by_walking(action, start),
                    "{action:?} {start:?}"
                );
            }
        }
    }
}
