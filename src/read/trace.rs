//! Validating a polled sequence of observations.
//!
//! Polling skips states, so a step from one observation to the next is
//! legal when the new (vm_state, task_state) pair is reachable from the
//! previous one through the relation ([`crate::apply`]) without an admin's
//! reset-state. Reachability is a table generated from the relation
//! (`src/machine/reach_table.rs`, written by `cargo xtask codegen`), so
//! the check costs a few instructions, allocates nothing and needs no I/O.
//!
//! Reachability alone cannot single out an admin's reset-state: a DELETE
//! is accepted in every state and its failure puts the server in error
//! (nova/compute/manager.py:3434-3445), from where it can become active
//! again, so (active, null) and (error, null) are reachable from every
//! pair of a server that exists (docs/invariants.md, "How much the
//! relation says"). So each step is also explained: by the operations in
//! flight before it, ending where the step ends (success, or a failure
//! their rows list), or by one operation the previous state accepts, run
//! to its end or to one of its failures. A step to active or error with no
//! task that no operation explains that way, but reset-state does, is
//! reported as [`Action::ResetState`] ([`StepKind::Jumped`]): one admin
//! reset, or several operations between two polls.
//!
//! The validator also names the operation(s) that explain each step and the
//! phase reached, and flags what Nova never produces: a vm × task pair
//! outside the reachable set, a reported status that is not the projection,
//! a step nothing explains (a deleted server coming back).

use crate::machine::state::Pair;
use crate::rules::projection::status;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::set::ActionSet;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// One polled observation of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Observation {
    /// `OS-EXT-STS:vm_state`.
    pub vm: VmState,
    /// `OS-EXT-STS:task_state`.
    pub task: Option<TaskState>,
    /// `OS-EXT-STS:power_state`, if reported.
    pub power: Option<PowerState>,
    /// `status`, if reported.
    pub status: Option<ServerStatus>,
}

impl Observation {
    /// The (vm_state, task_state) pair.
    pub const fn pair(&self) -> Pair {
        Pair {
            vm: self.vm,
            task: self.task,
        }
    }
}

/// What Nova could not have produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// A vm_state × task_state pair no sequence of Nova operations reaches.
    #[error(
        "vm_state {} with task_state {} is a combination Nova never produces",
        vm, TaskState::name_or_null(*task)
    )]
    ImpossiblePair {
        /// The vm_state.
        vm: VmState,
        /// The task_state.
        task: Option<TaskState>,
    },
    /// The reported status is not what Nova derives.
    #[error("status {reported} does not match the states: Nova would show {derived}")]
    StatusMismatch {
        /// Reported.
        reported: ServerStatus,
        /// Derived.
        derived: ServerStatus,
    },
    /// Nothing leads from the previous observation to this one.
    #[error(
        "no Nova operation leads from {}/{} to {}/{}",
        from.vm, TaskState::name_or_null(from.task), to.vm, TaskState::name_or_null(to.task)
    )]
    Unreachable {
        /// The previous pair.
        from: Pair,
        /// This pair.
        to: Pair,
    },
}

/// What a step means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// The first observation.
    First,
    /// Nothing changed.
    Unchanged,
    /// An operation started or moved to another phase.
    Progress,
    /// The operation in flight ended (task_state back to null).
    Ended,
    /// The vm_state changed with no task seen (a whole operation happened
    /// between two polls, or one that writes no task state).
    Jumped,
}

/// The validator's account of one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// Position in the sequence (0-based).
    pub index: usize,
    /// What the step means.
    pub kind: StepKind,
    /// The operation(s) that explain it: those in flight at this
    /// observation, or, when a task ended, those that were in flight.
    pub operations: ActionSet,
    /// Phase n of m (1-based) of the operation, when exactly one explains
    /// the step and the task is one of its phases.
    pub phase: Option<(u8, u8)>,
    /// Whether this observation starts a new operation.
    pub new_operation: bool,
}

/// Validates a polled sequence, one observation at a time, with constant
/// work per step and no allocation.
///
/// ```
/// use nova_states::{Action, Observation, StepKind, TaskState, Validator, VmState};
/// let obs = |task| Observation { vm: VmState::Active, task, power: None, status: None };
/// let mut v = Validator::new();
/// v.observe(obs(None)).unwrap();
/// let step = v.observe(obs(Some(TaskState::ImageSnapshot))).unwrap();
/// assert!(step.operations.contains(Action::Snapshot));
/// assert_eq!(step.phase, Some((2, 4)));
/// let step = v.observe(obs(Some(TaskState::ImageUploading))).unwrap();
/// assert_eq!(step.operations.iter().collect::<Vec<_>>(), [Action::Snapshot]);
/// assert_eq!(v.observe(obs(None)).unwrap().kind, StepKind::Ended);
/// // A task that does not follow: a deleted server coming back.
/// let mut v = Validator::new();
/// v.observe(Observation { vm: VmState::Deleted, task: None, power: None, status: None }).unwrap();
/// assert!(v.observe(obs(None)).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validator {
    prev: Option<Pair>,
    current: ActionSet,
    start: Option<VmState>,
    seen: usize,
}

impl Default for Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Validator {
    /// A validator that has seen nothing.
    pub const fn new() -> Validator {
        Validator {
            prev: None,
            current: ActionSet::EMPTY,
            start: None,
            seen: 0,
        }
    }

    /// The operations believed in flight now.
    pub const fn current(&self) -> ActionSet {
        self.current
    }

    /// The vm_state the operation in flight started from, when seen.
    pub const fn start(&self) -> Option<VmState> {
        self.start
    }

    /// Takes one observation.
    ///
    /// # Errors
    /// The first [`Violation`] the observation shows. The validator then
    /// keeps its previous position, so a caller may report and go on.
    pub fn observe(&mut self, obs: Observation) -> Result<Step, Violation> {
        let pair = obs.pair();
        if !pair.is_possible() {
            return Err(Violation::ImpossiblePair {
                vm: obs.vm,
                task: obs.task,
            });
        }
        let derived = status(obs.vm, obs.task);
        if let Some(reported) = obs.status {
            // A deleted row shows DELETED whatever its states (views/servers.py:597-599).
            if reported != derived && reported != ServerStatus::Deleted {
                return Err(Violation::StatusMismatch { reported, derived });
            }
        }
        let index = self.seen;
        let Some(prev) = self.prev else {
            self.accept(pair, pair.in_flight(), true);
            self.seen += 1;
            return Ok(self.step(index, StepKind::First, pair, !self.current.is_empty()));
        };
        if !prev.reaches(pair) {
            // An admin's os-resetState reaches active or error (task null)
            // from any server that still exists.
            let reset = pair.task.is_none()
                && matches!(pair.vm, VmState::Active | VmState::Error)
                && prev.vm != VmState::Deleted;
            if !reset {
                return Err(Violation::Unreachable {
                    from: prev,
                    to: pair,
                });
            }
            self.seen += 1;
            self.prev = Some(pair);
            self.current = ActionSet::EMPTY;
            self.start = None;
            return Ok(Step {
                index,
                kind: StepKind::Jumped,
                operations: ActionSet::EMPTY.with(Action::ResetState),
                phase: None,
                new_operation: true,
            });
        }
        self.seen += 1;
        if prev == pair {
            return Ok(self.step(index, StepKind::Unchanged, pair, false));
        }
        match (prev.task, pair.task) {
            (_, Some(_)) => {
                let here = pair.in_flight();
                let continuing = self
                    .current
                    .iter()
                    .filter(|a| here.contains(*a) && a.continues(prev, pair))
                    .fold(ActionSet::EMPTY, |set, a| set.with(a));
                let (ops, new) = if continuing.is_empty() {
                    // A new operation (or the old one ended between polls).
                    let fresh = accepted_from(prev, here);
                    (if fresh.is_empty() { here } else { fresh }, true)
                } else {
                    (continuing, false)
                };
                self.accept(pair, ops, new);
                Ok(self.step(index, StepKind::Progress, pair, new))
            }
            (Some(_), None) => {
                // The operations in flight that can end here (by success or
                // by one of their failures); else one the previous state
                // accepts, run to its end or a failure (a delete that
                // pre-empted the task and failed); else only a reset.
                let ended = self
                    .current
                    .iter()
                    .filter(|a| ends_at(*a, prev, pair))
                    .fold(ActionSet::EMPTY, |set, a| set.with(a));
                let (kind, ops, new) = if !ended.is_empty() {
                    (StepKind::Ended, ended, false)
                } else {
                    let fresh = completing(prev, pair);
                    if fresh == RESET_ONLY {
                        (StepKind::Jumped, fresh, true)
                    } else if fresh.is_empty() {
                        (StepKind::Ended, self.current, false)
                    } else {
                        (StepKind::Ended, fresh, false)
                    }
                };
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY;
                self.start = None;
                Ok(Step {
                    index,
                    kind,
                    operations: ops,
                    phase: None,
                    new_operation: new,
                })
            }
            (None, None) => {
                // Whole operations between polls: those accepted at prev
                // that can end here, by success or by a failure.
                let ops = completing(prev, pair);
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY;
                self.start = None;
                Ok(Step {
                    index,
                    kind: StepKind::Jumped,
                    operations: ops,
                    phase: None,
                    new_operation: true,
                })
            }
        }
    }

    fn accept(&mut self, pair: Pair, ops: ActionSet, new: bool) {
        if new || self.start.is_none() {
            self.start = match self.prev {
                Some(prev) if prev.task.is_none() => Some(prev.vm),
                _ => None,
            };
        }
        self.prev = Some(pair);
        self.current = ops;
    }

    fn step(&self, index: usize, kind: StepKind, pair: Pair, new: bool) -> Step {
        let mut only = self.current.iter();
        let phase = match (only.next(), only.next(), pair.task) {
            (Some(action), None, Some(task)) => action.phase_of(task),
            _ => None,
        };
        Step {
            index,
            kind,
            operations: self.current,
            phase,
            new_operation: new,
        }
    }
}

/// An admin's reset-state alone.
const RESET_ONLY: ActionSet = ActionSet::EMPTY.with(Action::ResetState);

/// Whether `action` started from `start` can be left at `to`: its success
/// end (task null), or one of its failure ends.
fn can_leave(action: Action, start: VmState, to: Pair) -> bool {
    (to.task.is_none() && action.outcome(start).contains(to.vm)) || action.can_fail_to(start, to)
}

/// Whether `action`, in flight at `from` (from some start), can end at `to`.
fn ends_at(action: Action, from: Pair, to: Pair) -> bool {
    VmState::ALL.iter().any(|start| {
        action.in_flight_from(*start, from.vm, from.task) && can_leave(action, *start, to)
    })
}

/// The operations `from` accepts that, run to their end or to one of
/// their failures, leave `to`.
fn completing(from: Pair, to: Pair) -> ActionSet {
    Action::ALL
        .iter()
        .filter(|a| a.accepts(from.vm, from.task, true) && can_leave(**a, from.vm, to))
        .fold(ActionSet::EMPTY, |set, a| set.with(*a))
}

/// Of `candidates`, those the previous pair could have started.
fn accepted_from(prev: Pair, candidates: ActionSet) -> ActionSet {
    candidates
        .iter()
        .filter(|a| a.accepts(prev.vm, prev.task, true))
        .fold(ActionSet::EMPTY, |set, a| set.with(a))
}
