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

use crate::machine::distance::{explain, Explanation};
use crate::machine::flight;
use crate::machine::state::Pair;
use crate::rules::projection::status;
use crate::wire::action::Action;
use crate::wire::error::write_list;
use crate::wire::power::PowerState;
use crate::wire::set::{ActionSet, VmStateSet};
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
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Observation, Pair, TaskState, VmState};
    ///
    /// let obs = Observation {
    ///     vm: VmState::Active,
    ///     task: Some(TaskState::Rebooting),
    ///     power: None,
    ///     status: None,
    /// };
    /// assert_eq!(obs.pair(), Pair { vm: VmState::Active, task: Some(TaskState::Rebooting) });
    /// ```
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
    /// An observation without vm_state (`openstack server list`) none of
    /// whose candidate vm_states follows from the previous observation
    /// (see [`Validator::observe_candidates`]).
    ///
    /// ```
    /// use nova_states::{TaskState, Violation, VmState, VmStateSet};
    /// let v = Violation::NoCandidateFits {
    ///     candidates: VmStateSet::from_slice(&[VmState::Active, VmState::Stopped]),
    ///     task: Some(TaskState::Rebuilding),
    /// };
    /// assert_eq!(v.to_string(),
    ///     "no vm_state that can show this status (active, stopped) with task_state rebuilding follows from the previous observation");
    /// ```
    #[error(
        "no vm_state that can show this status ({}) with task_state {} follows from the previous observation",
        VmNames(*candidates), TaskState::name_or_null(*task)
    )]
    NoCandidateFits {
        /// The vm_states that show the observed status with this task.
        candidates: VmStateSet,
        /// The task_state.
        task: Option<TaskState>,
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

/// A set of vm_states written as `a, b, c`.
struct VmNames(VmStateSet);

impl core::fmt::Display for VmNames {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write_list(f, &mut self.0.iter().map(VmState::as_str))
    }
}

/// Where [`Validator::observe_candidates`] placed an observation whose
/// vm_state was one of several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placed {
    /// Exactly one candidate follows: the observation was taken with it.
    One(VmState, Step),
    /// Several candidates follow: the observation is legal, but where the
    /// server is cannot be told, so the validator stays where it was and
    /// checks the next observation from there, as across a gap.
    Several {
        /// The candidates that follow.
        candidates: VmStateSet,
        /// The operations in flight at any of them with this task_state.
        in_flight: ActionSet,
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
    /// The operation the caller said it started, and its start vm_state.
    told: Option<(Action, VmState)>,
}

impl Default for Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Validator {
    /// A validator that has seen nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Validator;
    ///
    /// let v = Validator::new();
    /// assert!(v.current().is_empty());
    /// assert_eq!(v.start(), None);
    /// assert_eq!(v, Validator::default());
    /// ```
    pub const fn new() -> Validator {
        Validator {
            prev: None,
            current: ActionSet::EMPTY,
            start: None,
            seen: 0,
            told: None,
        }
    }

    /// Tells the validator the operation the caller started, from which
    /// vm_state: while that operation can be in flight at an observation
    /// (from that start), the validator keeps it in flight, even where
    /// another start would end it. A stopped server's rebuild passes
    /// through (active, null) before it is powered off: told, the validator
    /// does not end the rebuild there.
    ///
    /// ```
    /// use nova_states::{Action, Observation, StepKind, TaskState, Validator, VmState};
    /// let obs = |vm, task| Observation { vm, task, power: None, status: None };
    /// let mut v = Validator::new();
    /// v.started(Action::Rebuild, VmState::Stopped);
    /// v.observe(obs(VmState::Stopped, Some(TaskState::RebuildSpawning)))?;
    /// let step = v.observe(obs(VmState::Active, None))?;
    /// assert_eq!(step.kind, StepKind::Progress);
    /// assert_eq!(v.current().iter().collect::<Vec<_>>(), [Action::Rebuild]);
    /// let step = v.observe(obs(VmState::Stopped, None))?;
    /// assert_eq!(step.kind, StepKind::Ended);
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub fn started(&mut self, action: Action, from: VmState) {
        self.told = Some((action, from));
        if self.prev.is_none() {
            self.start = Some(from);
        }
    }

    /// The told operation, when it can be in flight at `pair`.
    fn told_in_flight(&self, pair: Pair) -> Option<Action> {
        let (action, from) = self.told?;
        action
            .in_flight_from(from, pair.vm, pair.task)
            .then_some(action)
    }

    /// The operations believed in flight now.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, Observation, TaskState, Validator, VmState};
    ///
    /// let obs = |task| Observation { vm: VmState::Stopped, task, power: None, status: None };
    /// let mut v = Validator::new();
    /// v.observe(obs(None))?;
    /// v.observe(obs(Some(TaskState::PoweringOn)))?;
    /// assert_eq!(v.current().iter().collect::<Vec<_>>(), [Action::Start]);
    /// v.observe(Observation { vm: VmState::Active, ..obs(None) })?;
    /// assert!(v.current().is_empty()); // it ended
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub const fn current(&self) -> ActionSet {
        self.current
    }

    /// The (vm_state, task_state) pair of the last observation taken, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Observation, Pair, Validator, VmState};
    ///
    /// let mut v = Validator::new();
    /// assert_eq!(v.last(), None);
    /// v.observe(Observation { vm: VmState::Stopped, task: None, power: None, status: None })?;
    /// assert_eq!(v.last(), Some(Pair { vm: VmState::Stopped, task: None }));
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub const fn last(&self) -> Option<Pair> {
        self.prev
    }

    /// The fewest operations that lead from the last observation to `to`,
    /// and which ones ([`explain`](crate::machine::explain) from
    /// [`last`](Self::last) with [`current`](Self::current) in flight).
    /// Call it before [`observe`](Self::observe) takes `to`. `None` before
    /// any observation, or when nothing leads to `to`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Observation, Pair, TaskState, Validator, VmState};
    ///
    /// let obs = |task| Observation { vm: VmState::Active, task, power: None, status: None };
    /// let mut v = Validator::new();
    /// v.observe(obs(None))?;
    /// v.observe(obs(Some(TaskState::ImageUploading)))?;
    /// // A second snapshot began after the first ended: two operations.
    /// let next = Pair { vm: VmState::Active, task: Some(TaskState::ImageSnapshot) };
    /// assert_eq!(v.explain(next).map(|e| e.len()), Some(2));
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub fn explain(&self, to: Pair) -> Option<Explanation> {
        explain(self.prev?, self.current, to)
    }

    /// The vm_state the operation in flight started from, when seen.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Observation, TaskState, Validator, VmState};
    ///
    /// let obs = |task| Observation { vm: VmState::Stopped, task, power: None, status: None };
    /// let mut v = Validator::new();
    /// v.observe(obs(None))?;
    /// assert_eq!(v.start(), None); // nothing in flight
    /// v.observe(obs(Some(TaskState::PoweringOn)))?;
    /// assert_eq!(v.start(), Some(VmState::Stopped));
    /// # Ok::<(), nova_states::Violation>(())
    /// ```
    pub const fn start(&self) -> Option<VmState> {
        self.start
    }

    /// Takes one observation.
    ///
    /// # Errors
    /// The first [`Violation`] the observation shows. The validator then
    /// keeps its previous position, so a caller may report and go on.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Observation, ServerStatus, StepKind, Validator, Violation, VmState};
    ///
    /// let mut v = Validator::new();
    /// let active = Observation {
    ///     vm: VmState::Active,
    ///     task: None,
    ///     power: None,
    ///     status: Some(ServerStatus::Active),
    /// };
    /// assert_eq!(v.observe(active)?.kind, StepKind::First);
    /// assert_eq!(v.observe(active)?.kind, StepKind::Unchanged);
    /// // A status Nova would not show for these states.
    /// let wrong = Observation { status: Some(ServerStatus::Shutoff), ..active };
    /// assert!(matches!(
    ///     v.observe(wrong),
    ///     Err(Violation::StatusMismatch { reported: ServerStatus::Shutoff, .. })
    /// ));
    /// # Ok::<(), Violation>(())
    /// ```
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
            if let Some(action) = self.told_in_flight(pair) {
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY.with(action);
                self.start = self.told.map(|(_, from)| from);
                self.seen += 1;
                return Ok(self.step(index, StepKind::First, pair, true));
            }
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
        if let Some(action) = self.told_in_flight(pair) {
            if self.current.contains(action) && (pair.task.is_none() || prev.task.is_none()) {
                // The told operation goes on through a moment with no task.
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY.with(action);
                return Ok(self.step(index, StepKind::Progress, pair, false));
            }
        }
        if let Some((action, _)) = self.told {
            if pair.task.is_none() && self.current.contains(action) && ends_at(action, prev, pair) {
                // The told operation ended (its last task maybe unseen).
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY;
                self.start = None;
                self.told = None;
                return Ok(Step {
                    index,
                    kind: StepKind::Ended,
                    operations: ActionSet::EMPTY.with(action),
                    phase: None,
                    new_operation: false,
                });
            }
        }
        match (prev.task, pair.task) {
            (_, Some(_)) => {
                let here = pair.in_flight();
                let continuing = members(self.current.intersection(here))
                    .filter(|a| a.continues(prev, pair))
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
                // (the task is null here: one row of the table).
                let ended = self.current.intersection(flight::ended_at(prev, pair.vm));
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

    /// Takes an observation whose vm_state is not reported but is one of
    /// `candidates` (a row of `openstack server list --long`: see
    /// [`ServerDocument::vm_state_candidates`](crate::ServerDocument::vm_state_candidates)).
    ///
    /// Every candidate is tried from where the validator stands. When one
    /// follows, the observation is taken with it; when several do, none is
    /// chosen ([`Placed::Several`]): the validator does not move, and the
    /// next observation is checked from the last placed one, as across a
    /// gap (polling skips states anyway). Nothing is pretended: a vm_state
    /// is never picked among several. Since polls skip states, most
    /// candidates are reachable from most places: expect [`Placed::Several`]
    /// wherever the status itself is ambiguous (`REBUILD`, `RESIZE`,
    /// `MIGRATING`), with the operations in flight for every candidate.
    ///
    /// # Errors
    /// When no candidate follows: the one candidate's [`Violation`], or
    /// [`Violation::NoCandidateFits`] for several (or none).
    ///
    /// ```
    /// use nova_states::read::Placed;
    /// use nova_states::{Action, ServerStatus, TaskState, Validator, VmState};
    /// let mut v = Validator::new();
    /// // SHUTOFF with no task: only stopped shows it.
    /// let vms = ServerStatus::Shutoff.vm_states_with(None);
    /// assert!(matches!(v.observe_candidates(vms, None, None, Some(ServerStatus::Shutoff)),
    ///                  Ok(Placed::One(VmState::Stopped, _))));
    /// // REBUILD with rebuilding: active, stopped or error all follow; a
    /// // rebuild is in flight whichever it is.
    /// let task = Some(TaskState::Rebuilding);
    /// let vms = ServerStatus::Rebuild.vm_states_with(task);
    /// let Ok(Placed::Several { candidates, in_flight }) =
    ///     v.observe_candidates(vms, task, None, Some(ServerStatus::Rebuild)) else { panic!() };
    /// assert_eq!(candidates.len(), 3);
    /// assert!(in_flight.contains(Action::Rebuild));
    /// // The validator did not move: it is still at stopped.
    /// assert!(matches!(v.observe_candidates(ServerStatus::Shutoff.vm_states_with(None), None, None, None),
    ///                  Ok(Placed::One(VmState::Stopped, _))));
    /// ```
    pub fn observe_candidates(
        &mut self,
        candidates: VmStateSet,
        task: Option<TaskState>,
        power: Option<PowerState>,
        status: Option<ServerStatus>,
    ) -> Result<Placed, Violation> {
        let mut fits = VmStateSet::EMPTY;
        let mut chosen: Option<(VmState, Validator, Step)> = None;
        let mut refused: Option<Violation> = None;
        for vm in candidates.iter() {
            let mut trial = *self;
            match trial.observe(Observation {
                vm,
                task,
                power,
                status,
            }) {
                Ok(step) => {
                    fits = fits.with(vm);
                    if chosen.is_none() {
                        chosen = Some((vm, trial, step));
                    }
                }
                Err(violation) => {
                    refused.get_or_insert(violation);
                }
            }
        }
        match (fits.len(), chosen) {
            (1, Some((vm, trial, step))) => {
                *self = trial;
                Ok(Placed::One(vm, step))
            }
            (0, _) | (_, None) => Err(match refused {
                Some(violation) if candidates.len() == 1 => violation,
                _ => Violation::NoCandidateFits { candidates, task },
            }),
            _ => Ok(Placed::Several {
                candidates: fits,
                in_flight: fits.iter().fold(ActionSet::EMPTY, |set, vm| {
                    set.union(Pair { vm, task }.in_flight())
                }),
            }),
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
        let mut only = members(self.current);
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
    if to.task.is_none() {
        return flight::leaving(start, to.vm).contains(action);
    }
    action.can_fail_to(start, to)
}

/// Whether `action`, in flight at `from` (from some start), can end at `to`.
fn ends_at(action: Action, from: Pair, to: Pair) -> bool {
    if to.task.is_none() {
        return flight::ended_at(from, to.vm).contains(action);
    }
    VmState::ALL.iter().any(|start| {
        action.in_flight_from(*start, from.vm, from.task) && can_leave(action, *start, to)
    })
}

/// The operations `from` accepts that, run to their end or to one of
/// their failures, leave `to`.
fn completing(from: Pair, to: Pair) -> ActionSet {
    if to.task.is_none() {
        return flight::accepted_at(from).intersection(flight::leaving(from.vm, to.vm));
    }
    Action::ALL
        .iter()
        .filter(|a| a.accepts(from.vm, from.task, true) && can_leave(**a, from.vm, to))
        .fold(ActionSet::EMPTY, |set, a| set.with(*a))
}

/// Of `candidates`, those the previous pair could have started.
fn accepted_from(prev: Pair, candidates: ActionSet) -> ActionSet {
    candidates.intersection(flight::accepted_at(prev))
}

/// The actions of a set, lowest first, by their bits (a set's own iterator
/// asks every action in turn).
fn members(set: ActionSet) -> impl Iterator<Item = Action> {
    let mut bits = set.bits();
    core::iter::from_fn(move || {
        let at = bits.trailing_zeros() as usize;
        bits &= bits.wrapping_sub(1);
        Action::ALL.get(at).copied()
    })
}
