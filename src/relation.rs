//! The transition relation on (vm_state, task_state, power_state).
//!
//! A server's observable state is a [`ServerState`]. [`apply`] takes it
//! through one [`Event`]: an action accepted by the API, one of an action's
//! task_state writes ([`Edge`]), a failure, a hypervisor power observation
//! (what `ComputeManager._sync_instance_power_state` does), an admin
//! reset-state, or a compute restart (what `ComputeManager._init_instance`
//! does with tasks left in flight). It is total on the finite space: every
//! state and event gives a new state or a typed [`TransitionError`].
//!
//! The relation models a server that has launched (`launched_at` set);
//! [`Action::check`] takes `launched` explicitly for the rest.
//!
//! Which (vm_state, task_state) pairs an action can be in, and how it ends
//! from each start vm_state, are computed at compile time from the action's
//! edges ([`Action::in_flight`], [`Action::outcome`]).

use core::fmt;

use crate::{Action, Edge, FailureEffect, PowerState, Rejection, TaskState, VmState, VmStateSet};

/// A server's state: what the three `OS-EXT-STS` fields say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerState {
    /// `OS-EXT-STS:vm_state`.
    pub vm: VmState,
    /// `OS-EXT-STS:task_state`.
    pub task: Option<TaskState>,
    /// `OS-EXT-STS:power_state`.
    pub power: PowerState,
}

impl ServerState {
    /// A server the API just accepted for build: `building`, `scheduling`,
    /// NOSTATE (nova/compute/api.py:1210-1211, 2146-2147).
    pub const BUILD_REQUEST: ServerState = ServerState {
        vm: VmState::Building,
        task: Some(TaskState::Scheduling),
        power: PowerState::NoState,
    };

    /// How many states there are: 12 × 43 × 6.
    pub const COUNT: usize = VmState::COUNT * (TaskState::COUNT + 1) * PowerState::COUNT;

    /// A dense index in `0..COUNT`.
    pub const fn index(self) -> usize {
        let task = match self.task {
            Some(task) => task.index() + 1,
            None => 0,
        };
        (self.vm.index() * (TaskState::COUNT + 1) + task) * PowerState::COUNT + self.power.index()
    }

    /// The state at a dense index, if in range.
    pub fn from_index(index: usize) -> Option<ServerState> {
        let power = *PowerState::ALL.get(index % PowerState::COUNT)?;
        let rest = index / PowerState::COUNT;
        let task = *TaskState::ALL_OR_NULL.get(rest % (TaskState::COUNT + 1))?;
        let vm = *VmState::ALL.get(rest / (TaskState::COUNT + 1))?;
        Some(ServerState { vm, task, power })
    }

    /// Every state, in index order.
    pub fn all() -> impl Iterator<Item = ServerState> {
        (0..Self::COUNT).filter_map(Self::from_index)
    }

    /// The status Nova shows for it.
    pub const fn status(self) -> crate::ServerStatus {
        crate::status(self.vm, self.task)
    }
}

impl fmt::Display for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.vm,
            TaskState::name_or_null(self.task),
            self.power
        )
    }
}

/// One step of the relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The API accepts the action and makes its first write (the action's
    /// first API edge; actions that write no task state change nothing).
    Accept(Action),
    /// One of the action's writes, by index into [`Action::edges`] (an API
    /// edge is checked against the precondition like [`Event::Accept`]).
    Write {
        /// The action in flight.
        action: Action,
        /// Index into its edges.
        edge: u8,
    },
    /// The action in flight fails with this effect.
    Fail {
        /// The action in flight.
        action: Action,
        /// One of [`Action::failures`].
        effect: FailureEffect,
    },
    /// The power sync reads this power state from the hypervisor.
    PowerObserved(PowerState),
    /// An admin's `os-resetState` to this vm_state.
    ResetState(VmState),
    /// The compute service restarts; the hypervisor reports this power state.
    ComputeRestart(PowerState),
}

/// Why an event cannot happen in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TransitionError {
    /// The API refuses the action.
    #[error("{0}")]
    Rejected(Rejection),
    /// `create` makes a new server; it does not apply to an existing one
    /// (start from [`ServerState::BUILD_REQUEST`]).
    #[error("create applies to no existing server: start from ServerState::BUILD_REQUEST")]
    CreateOnServer,
    /// No edge with that index.
    #[error("{action} has no edge {edge}")]
    NoSuchEdge {
        /// The action.
        action: Action,
        /// The index asked for.
        edge: u8,
    },
    /// The write does not follow from this state: the action is not in
    /// flight here, or not at the write's starting task_state.
    #[error("{action} cannot write task_state {} in state {state}: the action is not at that point here", TaskState::name_or_null(*to))]
    NotInFlight {
        /// The action.
        action: Action,
        /// The task_state the write would set.
        to: Option<TaskState>,
        /// The state.
        state: ServerState,
    },
    /// The action cannot fail that way.
    #[error("{action} does not fail with: {}", effect.describe())]
    NoSuchFailure {
        /// The action.
        action: Action,
        /// The effect asked for.
        effect: FailureEffect,
    },
    /// The server is deleted: its row was destroyed at the end of the delete
    /// (nova/compute/manager.py:3399-3403), so the API answers 404 to
    /// anything asked of it.
    #[error("the server is deleted: the API no longer finds it (404)")]
    Gone,
    /// reset-state only accepts `active` and `error`
    /// (nova/api/openstack/compute/schemas/admin_actions.py:35-38).
    #[error("os-resetState accepts only active or error, not {0}")]
    ResetTarget(VmState),
}

/// Bit 42 of a task mask stands for `null`.
const NULL_BIT: u64 = 1 << TaskState::COUNT;

const fn task_bit(task: Option<TaskState>) -> u64 {
    match task {
        Some(task) => 1 << task.index(),
        None => NULL_BIT,
    }
}

/// The (start vm_state, vm_state, task_state) triples an action can be in,
/// and its end vm_states per start, computed from its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    /// `mid[start][vm]`: task mask (bit 42 = null) of in-flight states.
    mid: [[u64; VmState::COUNT]; VmState::COUNT],
    /// `ends[start]`: the vm_states the action can end in.
    ends: [VmStateSet; VmState::COUNT],
}

// Evaluated only at compile time (WALKS): every index is bounded by the
// loops over fixed-size arrays, and an out-of-range one would fail the build.
#[allow(clippy::indexing_slicing)]
const fn compute_walk(action: Action) -> Walk {
    let mut walk = Walk {
        mid: [[0; VmState::COUNT]; VmState::COUNT],
        ends: [VmStateSet::EMPTY; VmState::COUNT],
    };
    let pre = action.precondition();
    let edges = action.edges();
    let mut has_api = false;
    let mut i = 0;
    while i < edges.len() {
        has_api |= edges[i].api;
        i += 1;
    }
    let mut s = 0;
    while s < VmState::COUNT {
        let start = VmState::ALL[s];
        // create has no server to start from: it starts as building. The
        // power sync stops stopped and paused servers through force_stop,
        // which is stop without the state check (api.py:2854-2859,
        // manager.py:11342-11373): the same writes, from those vm_states too.
        let startable = pre.vm_states.contains(start)
            || (matches!(action, Action::Create) && matches!(start, VmState::Building))
            || (matches!(action, Action::Stop)
                && matches!(start, VmState::Stopped | VmState::Paused));
        if !startable {
            s += 1;
            continue;
        }
        if edges.is_empty() {
            walk.ends[s] = walk.ends[s].with(start);
        } else if !has_api {
            // The action's writes start from the states it is accepted in.
            let mut t = 0;
            while t < TaskState::COUNT + 1 {
                let task = TaskState::ALL_OR_NULL[t];
                if pre.task_states.contains(task) {
                    walk.mid[s][s] |= task_bit(task);
                }
                t += 1;
            }
        }
        // The API writes.
        let mut e = 0;
        while e < edges.len() {
            let edge = edges[e];
            if edge.api && edge.starts.contains(start) {
                let vm = match edge.vm {
                    Some(vm) => vm,
                    None => start,
                };
                if edge.end {
                    walk.ends[s] = walk.ends[s].with(vm);
                } else {
                    walk.mid[s][vm.index()] |= task_bit(edge.to);
                }
            }
            e += 1;
        }
        // The rest, to a fixpoint.
        let mut changed = true;
        while changed {
            changed = false;
            let mut e = 0;
            while e < edges.len() {
                let edge = edges[e];
                e += 1;
                if edge.api || !edge.starts.contains(start) {
                    continue;
                }
                let mut v = 0;
                while v < VmState::COUNT {
                    if walk.mid[s][v] & task_bit(edge.from) != 0 {
                        let vm = match edge.vm {
                            Some(vm) => vm,
                            None => VmState::ALL[v],
                        };
                        if edge.end {
                            if !walk.ends[s].contains(vm) {
                                walk.ends[s] = walk.ends[s].with(vm);
                                changed = true;
                            }
                        } else if walk.mid[s][vm.index()] & task_bit(edge.to) == 0 {
                            walk.mid[s][vm.index()] |= task_bit(edge.to);
                            changed = true;
                        }
                    }
                    v += 1;
                }
            }
        }
        s += 1;
    }
    walk
}

// Compile time only, as compute_walk.
#[allow(clippy::indexing_slicing)]
static WALKS: [Walk; Action::COUNT] = {
    let mut walks = [NO_WALK; Action::COUNT];
    let mut i = 0;
    while i < Action::COUNT {
        walks[i] = compute_walk(Action::ALL[i]);
        i += 1;
    }
    walks
};

const NO_WALK: Walk = Walk {
    mid: [[0; VmState::COUNT]; VmState::COUNT],
    ends: [VmStateSet::EMPTY; VmState::COUNT],
};

impl Walk {
    fn mid(&self, start: VmState, vm: VmState) -> u64 {
        self.mid
            .get(start.index())
            .and_then(|row| row.get(vm.index()))
            .copied()
            .unwrap_or(0)
    }
}

impl Action {
    fn walk(self) -> &'static Walk {
        WALKS.get(self.index()).unwrap_or(&NO_WALK)
    }

    /// The vm_states the action can end in when started from `start`
    /// (empty when the action does not accept `start`). Actions that write
    /// no task state leave the vm_state as it was.
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    /// let ends: Vec<_> = Action::Rebuild.outcome(VmState::Stopped).iter().collect();
    /// assert_eq!(ends, [VmState::Stopped]);
    /// let ends: Vec<_> = Action::Shelve.outcome(VmState::Active).iter().collect();
    /// assert_eq!(ends, [VmState::Shelved, VmState::ShelvedOffloaded]);
    /// ```
    pub fn outcome(self, start: VmState) -> VmStateSet {
        if !self.starts().contains(start) {
            return VmStateSet::EMPTY;
        }
        self.walk()
            .ends
            .get(start.index())
            .copied()
            .unwrap_or(VmStateSet::EMPTY)
    }

    /// The vm_states the action can start from (`building` for `create`).
    pub const fn starts(self) -> VmStateSet {
        match self {
            Action::Create => VmStateSet::EMPTY.with(VmState::Building),
            other => other.precondition().vm_states,
        }
    }

    /// Whether the action, started from some vm_state, can be in flight at
    /// (vm, task) (after its API write and before its end).
    pub fn in_flight(self, vm: VmState, task: Option<TaskState>) -> bool {
        VmState::ALL
            .iter()
            .any(|start| self.walk().mid(*start, vm) & task_bit(task) != 0)
    }

    /// Whether the action started from `start` can be in flight at (vm, task).
    pub fn in_flight_from(self, start: VmState, vm: VmState, task: Option<TaskState>) -> bool {
        self.walk().mid(start, vm) & task_bit(task) != 0
    }
}

/// What the power sync decides (nova/compute/manager.py:11247-11381).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncDecision {
    /// A task is in flight: the sync returns before touching anything,
    /// power_state included (manager.py:11276-11286).
    SkipTaskInFlight,
    /// Nothing beyond recording the observed power state (if it changed).
    Nothing,
    /// Logged and ignored (e.g. active but paused, or a deleted server
    /// still running, left to another periodic task).
    LogOnly,
    /// Calls `compute_api.stop()` (active server found shut down, crashed
    /// or suspended): task_state becomes `powering-off`.
    Stop,
    /// Calls `compute_api.force_stop()` (stopped server found running,
    /// paused server found shut down): task_state becomes `powering-off`.
    ForceStop,
}

/// The power sync's decision for a server whose database says (vm, task)
/// when the hypervisor reports `observed`.
pub const fn sync_decision(
    vm: VmState,
    task: Option<TaskState>,
    observed: PowerState,
) -> SyncDecision {
    use PowerState as P;
    if task.is_some() {
        return SyncDecision::SkipTaskInFlight;
    }
    match vm {
        // "we ignore these vm_state for now" (manager.py:11305-11311), and
        // shelved states have no branch at all.
        VmState::Building
        | VmState::Rescued
        | VmState::Resized
        | VmState::Suspended
        | VmState::Error
        | VmState::Shelved
        | VmState::ShelvedOffloaded => SyncDecision::Nothing,
        VmState::Active => match observed {
            P::Running => SyncDecision::Nothing,
            P::Shutdown | P::Crashed | P::Suspended => SyncDecision::Stop, // :11314-11325
            P::Paused | P::NoState => SyncDecision::LogOnly,               // :11326-11341
        },
        VmState::Stopped => match observed {
            P::Running | P::Paused | P::Suspended => SyncDecision::ForceStop, // :11342-11363
            P::NoState | P::Shutdown | P::Crashed => SyncDecision::Nothing,
        },
        VmState::Paused => match observed {
            P::Shutdown | P::Crashed => SyncDecision::ForceStop, // :11364-11373
            P::Running | P::Paused | P::Suspended | P::NoState => SyncDecision::Nothing,
        },
        VmState::SoftDeleted | VmState::Deleted => match observed {
            P::NoState | P::Shutdown => SyncDecision::Nothing,
            P::Running | P::Paused | P::Suspended | P::Crashed => SyncDecision::LogOnly, // :11374-11381
        },
    }
}

/// What a compute restart does with a server left in a state
/// (nova/compute/manager.py:1011-1271, checks in Nova's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartDecision {
    /// Skipped: soft-deleted, or error outside resize_migrating/deleting (:1032-1038).
    Skip,
    /// A deleted row is destroyed (:1040-1047); the state stays deleted.
    CompleteDeletion,
    /// A build left in flight: vm error, task null (:1049-1061).
    BuildToError,
    /// A rebuild left in flight: vm error, task null (:1063-1072).
    RebuildToError,
    /// An image task (not image_backup) or resize_prep: task null (:1074-1091).
    ClearTask,
    /// The delete, stop, start or unpause in flight is run again (:1093-1108, 1157-1195).
    Rerun,
    /// The reboot is retried (:1110-1136); a soft reboot of a stopped guest
    /// becomes hard (`reboot_pending_hard`).
    RetryReboot,
    /// A reboot/pause/unpause of a running guest: vm active, task null (:1141-1156).
    ToActive,
    /// resize_migrating reverted, or migrating reset: task null (:1228-1258).
    RevertMigration,
    /// Nothing (the task, if any, stays: image_backup, shelving*, ... are
    /// not handled).
    Nothing,
}

const fn restart(state: ServerState, driver: PowerState) -> (RestartDecision, ServerState) {
    use RestartDecision as R;
    use TaskState as T;
    let ServerState { vm, task, power } = state;
    let same = state;
    let cleared = ServerState {
        vm,
        task: None,
        power,
    };
    let error = ServerState {
        vm: VmState::Error,
        task: None,
        power,
    };
    match (vm, task) {
        (VmState::SoftDeleted, _) => return (R::Skip, same),
        (VmState::Error, Some(T::ResizeMigrating | T::Deleting)) => {}
        (VmState::Error, _) => return (R::Skip, same),
        (VmState::Deleted, _) => return (R::CompleteDeletion, same),
        _ => {}
    }
    if matches!(vm, VmState::Building)
        || matches!(
            task,
            Some(T::Scheduling | T::BlockDeviceMapping | T::Networking | T::Spawning)
        )
    {
        return (R::BuildToError, error);
    }
    if matches!(vm, VmState::Active | VmState::Stopped)
        && matches!(
            task,
            Some(T::Rebuilding | T::RebuildBlockDeviceMapping | T::RebuildSpawning)
        )
    {
        return (R::RebuildToError, error);
    }
    if !matches!(vm, VmState::Error)
        && matches!(
            task,
            Some(
                T::ImageSnapshotPending
                    | T::ImagePendingUpload
                    | T::ImageUploading
                    | T::ImageSnapshot
                    | T::ResizePrep
            )
        )
    {
        return (R::ClearTask, cleared);
    }
    if matches!(task, Some(T::Deleting)) {
        return (R::Rerun, same);
    }
    let running = matches!(driver, PowerState::Running);
    // _retry_reboot (manager.py:1295-1317).
    let retry = match task {
        Some(T::RebootPending) => matches!(vm, VmState::Active),
        Some(T::RebootPendingHard) => matches!(
            vm,
            VmState::Active
                | VmState::Stopped
                | VmState::Paused
                | VmState::Suspended
                | VmState::Error
        ),
        Some(T::Rebooting | T::RebootingHard | T::RebootStarted | T::RebootStartedHard) => !running,
        _ => false,
    };
    if retry {
        let soft = matches!(
            task,
            Some(T::Rebooting | T::RebootPending | T::RebootStarted)
        );
        if soft && !running {
            // A soft reboot retried as hard (manager.py:1129-1132).
            return (
                R::RetryReboot,
                ServerState {
                    vm,
                    task: Some(T::RebootPendingHard),
                    power,
                },
            );
        }
        return (R::RetryReboot, same);
    }
    if running
        && matches!(
            task,
            Some(
                T::RebootStarted
                    | T::RebootStartedHard
                    | T::RebootingHard
                    | T::Rebooting
                    | T::Pausing
                    | T::Unpausing
            )
        )
    {
        return (
            R::ToActive,
            ServerState {
                vm: VmState::Active,
                task: None,
                power,
            },
        );
    }
    if matches!(driver, PowerState::Paused) && matches!(task, Some(T::Unpausing)) {
        return (R::Rerun, same);
    }
    if matches!(task, Some(T::PoweringOff | T::PoweringOn)) {
        return (R::Rerun, same);
    }
    if matches!(task, Some(T::ResizeMigrating | T::Migrating)) {
        return (R::RevertMigration, cleared);
    }
    (R::Nothing, same)
}

/// What a compute restart decides for a state, given the hypervisor's
/// power state, and the state it leaves.
pub const fn restart_decision(
    state: ServerState,
    driver: PowerState,
) -> (RestartDecision, ServerState) {
    restart(state, driver)
}

/// Takes a state through one event.
///
/// The invariants the relation keeps (one task at a time except Nova's
/// pre-empters, no image-create while any task runs, every reachable state
/// projects to a known status, deleted is terminal, every success ends with
/// no task, writes follow their chain and guards, error accepts only what
/// Nova accepts from error, power observations never change vm_state) are
/// written down with their named tests in `docs/invariants.md` and checked
/// on every edge by `tests/invariants.rs` and the `events` fuzz target.
///
/// # Errors
/// A [`TransitionError`] saying why the event cannot happen here.
///
/// ```
/// use nova_states::{apply, Action, Event, ServerState, TaskState, VmState, PowerState};
/// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
/// let s = apply(active, Event::Accept(Action::Snapshot)).unwrap();
/// assert_eq!(s.task, Some(TaskState::ImageSnapshotPending));
/// // A second snapshot while one runs is refused, as Nova does.
/// assert!(apply(s, Event::Accept(Action::Snapshot)).is_err());
/// ```
pub fn apply(state: ServerState, event: Event) -> Result<ServerState, TransitionError> {
    match event {
        Event::Accept(action) => {
            let edge = action.edges().iter().position(|e| e.api);
            match edge {
                Some(i) => write(state, action, i),
                None => accept_only(state, action),
            }
        }
        Event::Write { action, edge } => write(state, action, usize::from(edge)),
        Event::Fail { action, effect } => fail(state, action, effect),
        Event::PowerObserved(observed) => Ok(observe(state, observed)),
        Event::ResetState(_) if matches!(state.vm, VmState::Deleted) => Err(TransitionError::Gone),
        Event::ResetState(vm) => match vm {
            VmState::Active | VmState::Error => Ok(ServerState {
                vm,
                task: None,
                ..state
            }),
            other => Err(TransitionError::ResetTarget(other)),
        },
        Event::ComputeRestart(driver) => Ok(restart(state, driver).1),
    }
}

fn accept_only(state: ServerState, action: Action) -> Result<ServerState, TransitionError> {
    if matches!(action, Action::Create) {
        return Err(TransitionError::CreateOnServer);
    }
    if matches!(state.vm, VmState::Deleted) {
        return Err(TransitionError::Gone);
    }
    action
        .check(state.vm, state.task, true)
        .map_err(TransitionError::Rejected)?;
    Ok(state)
}

fn write(state: ServerState, action: Action, index: usize) -> Result<ServerState, TransitionError> {
    let Some(edge) = action.edges().get(index).copied() else {
        return Err(TransitionError::NoSuchEdge {
            action,
            edge: u8::try_from(index).unwrap_or(u8::MAX),
        });
    };
    if edge.api {
        accept_only(state, action)?;
        if !edge.starts.contains(state.vm) {
            return Err(not_in_flight(action, &edge, state));
        }
        return Ok(step(state, &edge));
    }
    let reachable = edge.from == state.task
        && VmState::ALL.iter().any(|start| {
            edge.starts.contains(*start) && action.in_flight_from(*start, state.vm, state.task)
        });
    if !reachable {
        return Err(not_in_flight(action, &edge, state));
    }
    Ok(step(state, &edge))
}

fn not_in_flight(action: Action, edge: &Edge, state: ServerState) -> TransitionError {
    TransitionError::NotInFlight {
        action,
        to: edge.to,
        state,
    }
}

fn step(state: ServerState, edge: &Edge) -> ServerState {
    ServerState {
        vm: edge.vm.unwrap_or(state.vm),
        task: edge.to,
        power: edge.power.unwrap_or(state.power),
    }
}

fn fail(
    state: ServerState,
    action: Action,
    effect: FailureEffect,
) -> Result<ServerState, TransitionError> {
    if !action.failures().effects.contains(&effect) {
        return Err(TransitionError::NoSuchFailure { action, effect });
    }
    if matches!(effect, FailureEffect::NoWrite) {
        return accept_only(state, action);
    }
    // Unshelve leaves its task set on error only where the conductor finds
    // the shelved image gone, at `unshelving` (conductor/manager.py:1041-1042).
    let phase_ok = !matches!(effect, FailureEffect::ErrorKeepTask)
        || matches!(state.task, Some(TaskState::Unshelving));
    if !phase_ok || !action.in_flight(state.vm, state.task) {
        return Err(TransitionError::NotInFlight {
            action,
            to: None,
            state,
        });
    }
    Ok(match effect {
        FailureEffect::ClearTask => ServerState {
            task: None,
            ..state
        },
        FailureEffect::Error => ServerState {
            vm: VmState::Error,
            task: None,
            ..state
        },
        FailureEffect::ErrorKeepTask => ServerState {
            vm: VmState::Error,
            ..state
        },
        FailureEffect::LooksLikeSuccess => ServerState {
            vm: VmState::Active,
            task: None,
            power: PowerState::Running,
        },
        FailureEffect::NoWrite => state,
    })
}

fn observe(state: ServerState, observed: PowerState) -> ServerState {
    match sync_decision(state.vm, state.task, observed) {
        SyncDecision::SkipTaskInFlight => state,
        SyncDecision::Nothing | SyncDecision::LogOnly => ServerState {
            power: observed,
            ..state
        },
        // stop/force_stop write powering-off with guard [None] (api.py:2857-2859).
        SyncDecision::Stop | SyncDecision::ForceStop => ServerState {
            task: Some(TaskState::PoweringOff),
            power: observed,
            ..state
        },
    }
}

/// Every event, in a fixed order: accepts, writes, failures, power
/// observations, reset-states, restarts.
pub fn all_events() -> impl Iterator<Item = Event> {
    let accepts = Action::ALL
        .into_iter()
        .filter(|a| !matches!(a, Action::Create))
        .map(Event::Accept);
    let writes = Action::ALL.into_iter().flat_map(|action| {
        (0..action.edges().len()).filter_map(move |i| {
            u8::try_from(i)
                .ok()
                .map(|edge| Event::Write { action, edge })
        })
    });
    let failures = Action::ALL.into_iter().flat_map(|action| {
        action
            .failures()
            .effects
            .iter()
            .map(move |&effect| Event::Fail { action, effect })
    });
    let powers = PowerState::ALL.into_iter().map(Event::PowerObserved);
    let resets = [VmState::Active, VmState::Error]
        .into_iter()
        .map(Event::ResetState);
    let restarts = PowerState::ALL.into_iter().map(Event::ComputeRestart);
    accepts
        .chain(writes)
        .chain(failures)
        .chain(powers)
        .chain(resets)
        .chain(restarts)
}

/// Every legal edge of the relation: each (state, event, next state) that
/// [`apply`] accepts, over every state and every event of [`all_events`].
pub fn legal_edges() -> impl Iterator<Item = (ServerState, Event, ServerState)> {
    ServerState::all().flat_map(|state| {
        all_events()
            .filter_map(move |event| apply(state, event).ok().map(|next| (state, event, next)))
    })
}

/// The set of states reachable from a fresh build
/// ([`ServerState::BUILD_REQUEST`]) through [`apply`], as a bitmap over
/// [`ServerState::index`].
#[derive(Clone, PartialEq, Eq)]
pub struct StateSet([u64; ServerState::COUNT.div_ceil(64)]);

impl StateSet {
    /// The empty set.
    pub const EMPTY: StateSet = StateSet([0; ServerState::COUNT.div_ceil(64)]);

    /// Adds a state; returns whether it was new.
    pub fn insert(&mut self, state: ServerState) -> bool {
        let i = state.index();
        match self.0.get_mut(i / 64) {
            Some(word) => {
                let new = *word & (1 << (i % 64)) == 0;
                *word |= 1 << (i % 64);
                new
            }
            None => false,
        }
    }

    /// Whether the set holds `state`.
    pub fn contains(&self, state: ServerState) -> bool {
        let i = state.index();
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// How many states the set holds.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The states, in index order.
    pub fn iter(&self) -> impl Iterator<Item = ServerState> + '_ {
        ServerState::all().filter(|s| self.contains(*s))
    }
}

impl fmt::Debug for StateSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateSet({} states)", self.len())
    }
}

/// Every state reachable from a fresh build. Computed by a fixpoint over
/// [`all_events`] (no allocation: the set is a bitmap).
pub fn reachable_from_build() -> StateSet {
    let mut set = StateSet::EMPTY;
    set.insert(ServerState::BUILD_REQUEST);
    let mut changed = true;
    while changed {
        changed = false;
        for state in ServerState::all() {
            if !set.contains(state) {
                continue;
            }
            for event in all_events() {
                if let Ok(next) = apply(state, event) {
                    changed |= set.insert(next);
                }
            }
        }
    }
    set
}
