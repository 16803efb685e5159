//! Validating a polled sequence of observations.
//!
//! Polling skips states, so a step from one observation to the next is
//! legal when the new (vm_state, task_state) pair is reachable from the
//! previous one through the relation ([`crate::apply`]) without an admin's
//! reset-state; a step that only reset-state explains (to active or error
//! with no task) is reported as [`Action::ResetState`]. Reachability is a
//! table generated from the relation (`src/reach_table.rs`, see
//! [`crate::export::write_reach_table`]), so each step costs a few
//! instructions, allocates nothing and needs no I/O.
//!
//! The validator also names the operation(s) that explain each step and the
//! phase reached, and flags what Nova never produces: a vm × task pair
//! outside the reachable set, a reported status that is not the projection,
//! a step nothing explains (a deleted server coming back).

use crate::reach_table::{POSSIBLE, REACH};
use crate::{status, Action, ActionSet, Driver, PowerState, ServerStatus, TaskState, VmState};

/// A (vm_state, task_state) pair, the part of a state the validator tracks
/// (power_state moves with the hypervisor between polls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pair {
    /// The vm_state.
    pub vm: VmState,
    /// The task_state.
    pub task: Option<TaskState>,
}

impl Pair {
    /// How many pairs there are (12 × 43).
    pub const COUNT: usize = VmState::COUNT * (TaskState::COUNT + 1);

    /// A dense index in `0..COUNT`.
    pub const fn index(self) -> usize {
        let task = match self.task {
            Some(task) => task.index() + 1,
            None => 0,
        };
        self.vm.index() * (TaskState::COUNT + 1) + task
    }

    /// The pair at a dense index.
    pub fn from_index(index: usize) -> Option<Pair> {
        let vm = *VmState::ALL.get(index / (TaskState::COUNT + 1))?;
        let task = *TaskState::ALL_OR_NULL.get(index % (TaskState::COUNT + 1))?;
        Some(Pair { vm, task })
    }

    /// Whether Nova can produce the pair: it is reachable from a fresh build.
    pub fn is_possible(self) -> bool {
        bit(&POSSIBLE, self.index())
    }

    /// Whether `to` is reachable from `self` in zero or more steps of the
    /// relation (any power states).
    pub fn reaches(self, to: Pair) -> bool {
        REACH
            .get(self.index())
            .is_some_and(|row| bit(row, to.index()))
    }
}

fn bit(words: &[u64], index: usize) -> bool {
    words
        .get(index / 64)
        .is_some_and(|w| w & (1 << (index % 64)) != 0)
}

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
            self.accept(pair, in_flight_at(pair), true);
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
                let here = in_flight_at(pair);
                let continuing = self
                    .current
                    .iter()
                    .filter(|a| here.contains(*a) && continues(*a, prev, pair))
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
                let ended = self.current;
                self.prev = Some(pair);
                self.current = ActionSet::EMPTY;
                self.start = None;
                Ok(Step {
                    index,
                    kind: StepKind::Ended,
                    operations: ended,
                    phase: None,
                    new_operation: false,
                })
            }
            (None, None) => {
                // Whole operations between polls: those accepted at prev
                // that can end in this vm_state.
                let ops = Action::ALL
                    .iter()
                    .filter(|a| {
                        a.accepts(prev.vm, None, true) && a.outcome(prev.vm).contains(pair.vm)
                    })
                    .fold(ActionSet::EMPTY, |set, a| set.with(*a));
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
            (Some(action), None, Some(task)) => phase_of(action, task),
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

/// Whether `action`, in flight at `from`, can reach `to` through its own
/// writes (without ending and starting again). Bounded work: a walk over the
/// action's few edges with a 516-bit visited set.
pub fn continues(action: Action, from: Pair, to: Pair) -> bool {
    let mut seen = [0u64; Pair::COUNT.div_ceil(64)];
    let mark = |p: Pair, seen: &mut [u64]| -> bool {
        let i = p.index();
        match seen.get_mut(i / 64) {
            Some(w) if *w & (1 << (i % 64)) == 0 => {
                *w |= 1 << (i % 64);
                true
            }
            _ => false,
        }
    };
    mark(from, &mut seen);
    let mut changed = true;
    while changed {
        changed = false;
        for index in 0..Pair::COUNT {
            if !bit(&seen, index) {
                continue;
            }
            let Some(at) = Pair::from_index(index) else {
                continue;
            };
            for edge in action
                .edges()
                .iter()
                .filter(|e| !e.api && !e.end && e.from == at.task)
            {
                let next = Pair {
                    vm: edge.vm.unwrap_or(at.vm),
                    task: edge.to,
                };
                if action.in_flight(next.vm, next.task) && mark(next, &mut seen) {
                    changed = true;
                }
            }
        }
    }
    from == to || bit(&seen, to.index())
}

/// The actions that can be in flight at a pair. A null task_state means
/// nothing is in flight, except for a server still `building` (the build
/// passes through a moment with no task between scheduling and networking,
/// nova/compute/manager.py:2479-2482).
pub fn in_flight_at(pair: Pair) -> ActionSet {
    if pair.task.is_none() && pair.vm != VmState::Building {
        return ActionSet::EMPTY;
    }
    Action::ALL
        .iter()
        .filter(|a| a.in_flight(pair.vm, pair.task))
        .fold(ActionSet::EMPTY, |set, a| set.with(*a))
}

/// Of `candidates`, those the previous pair could have started.
fn accepted_from(prev: Pair, candidates: ActionSet) -> ActionSet {
    candidates
        .iter()
        .filter(|a| a.accepts(prev.vm, prev.task, true))
        .fold(ActionSet::EMPTY, |set, a| set.with(a))
}

/// Phase n of m of `task` in `action`'s main path.
pub fn phase_of(action: Action, task: TaskState) -> Option<(u8, u8)> {
    let total = action.phases().count();
    let n = action.phases().position(|t| t == task)?;
    Some((u8::try_from(n + 1).ok()?, u8::try_from(total).ok()?))
}

/// When, in a polled image-taking operation, the guest disk was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptureWindow {
    /// The last observation at which the capture had not finished yet.
    pub not_yet: Option<usize>,
    /// The first observation at which it certainly has.
    pub by: Option<usize>,
}

/// Tracks, along a sequence, when the disk of an image-taking operation
/// (snapshot, backup, shelve) was captured, for one driver path.
///
/// libvirt's standard path captures in its second `image_pending_upload`;
/// its first round is a failed direct-snapshot attempt that lasts no longer
/// than one RPC-free call, so polls practically never see it: this tracker
/// takes the first `image_uploading` after an `image_pending_upload` as the
/// capture's end on that path (and says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureTracker {
    driver: Driver,
    window: CaptureWindow,
    active: Option<Action>,
}

impl CaptureTracker {
    /// A tracker for `driver`.
    pub const fn new(driver: Driver) -> CaptureTracker {
        CaptureTracker {
            driver,
            window: CaptureWindow {
                not_yet: None,
                by: None,
            },
            active: None,
        }
    }

    /// Feeds the observation at `index` and the validator's step for it.
    pub fn feed(&mut self, index: usize, obs: &Observation, step: &Step) {
        let capture = step
            .operations
            .iter()
            .find_map(|a| a.disk_capture(self.driver).map(|c| (a, c)));
        match (obs.task, capture) {
            (Some(task), Some((action, c))) => {
                if self.active != Some(action) {
                    self.active = Some(action);
                    self.window = CaptureWindow {
                        not_yet: None,
                        by: None,
                    };
                }
                if self.window.by.is_none() {
                    if Some(task) == c.safe_from {
                        self.window.by = Some(index);
                    } else {
                        self.window.not_yet = Some(index);
                    }
                }
            }
            (None, _) if self.active.is_some() && step.kind == StepKind::Ended => {
                if self.window.by.is_none() {
                    self.window.by = Some(index);
                }
                self.active = None;
            }
            _ => {}
        }
    }

    /// The window found so far for the last image-taking operation.
    pub const fn window(&self) -> CaptureWindow {
        self.window
    }
}
