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

use crate::machine::state::ServerState;
use crate::rules::compute::{restart_decision, restart_failure, sync_decision, SyncDecision};
use crate::rules::edge::Edge;
use crate::rules::outcome::{FailurePhase, FailurePoint};
use crate::rules::rejection::Rejection;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

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
    /// The action fails at one of its failure points and leaves one of
    /// the states Nova's code leaves there.
    Fail {
        /// The action.
        action: Action,
        /// Index into [`Action::failure_phases`].
        phase: u8,
        /// Index into that phase's `ends`.
        end: u8,
    },
    /// The power sync reads this power state from the hypervisor.
    PowerObserved(PowerState),
    /// An admin's `os-resetState` to this vm_state.
    ResetState(VmState),
    /// The compute service restarts; the hypervisor reports this power state.
    ComputeRestart(PowerState),
    /// The compute service restarts and its own handling of the server
    /// fails ([`restart_failure`](crate::rules::restart_failure): a VIF plug
    /// or guest resume error, a re-run delete failing).
    ComputeRestartFails(PowerState),
}

/// Why an event cannot happen in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
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
    /// The action has no such failure (no phase or no end with that index).
    #[error("{action} has no failure end {end} at failure phase {phase}")]
    NoSuchFailure {
        /// The action.
        action: Action,
        /// The phase index asked for.
        phase: u8,
        /// The end index asked for.
        end: u8,
    },
    /// The server is deleted: its row was destroyed at the end of the delete
    /// (nova/compute/manager.py:3399-3403), so the API answers 404 to
    /// anything asked of it.
    #[error("the server is deleted: the API no longer finds it (404)")]
    Gone,
    /// A compute restart leaves nothing in this state to fail on its own
    /// (it skips the server, finishes a deletion, errors a build or rebuild
    /// out, or hands it to the action it re-runs).
    #[error("a compute restart has nothing of its own to fail in state {0}")]
    RestartCannotFail(ServerState),
    /// reset-state only accepts `active` and `error`
    /// (nova/api/openstack/compute/schemas/admin_actions.py:35-38).
    #[error("os-resetState accepts only active or error, not {0}")]
    ResetTarget(VmState),
}

/// Takes a state through one event.
///
/// The invariants the relation keeps (one task at a time except Nova's
/// pre-empters, no image-create while any task runs, every reachable state
/// projects to a known status, deleted is terminal, every success ends with
/// no task, writes follow their chain and guards, error accepts only what
/// Nova accepts from error, power observations never change vm_state,
/// failures leave only what Nova's code leaves at that point) are
/// written down with their named tests in `docs/invariants.md` and checked
/// on every edge by the integration tests' `relation` module and the
/// `events` fuzz target.
///
/// The relation is that of a server that has launched (`launched_at`
/// set): [`Event::Accept`] and the API writes check the precondition as
/// [`Action::check`] does with `launched = true`, so for a server that
/// never launched (still building, or in error after a failed build) it
/// accepts actions Nova refuses. It knows nothing of locks
/// (`@check_instance_lock`), policy, quotas, hosts or microversions,
/// which Nova checks besides the state (see [`Action::check`]).
///
/// # Errors
/// A [`TransitionError`] saying why the event cannot happen here.
///
/// # Examples
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
        Event::Fail { action, phase, end } => fail(state, action, phase, end),
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
        Event::ComputeRestart(driver) => Ok(restart_decision(state, driver).1),
        Event::ComputeRestartFails(driver) => {
            restart_failure(state, driver).ok_or(TransitionError::RestartCannotFail(state))
        }
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
    phase: u8,
    end: u8,
) -> Result<ServerState, TransitionError> {
    let row = action.failure_phases().get(usize::from(phase));
    let Some((row, left)) = row.and_then(|r| r.ends.get(usize::from(end)).map(|e| (r, e))) else {
        return Err(TransitionError::NoSuchFailure { action, phase, end });
    };
    if matches!(row.at, FailurePoint::Api) {
        accept_only(state, action)?;
        if !row.starts.contains(state.vm) {
            return Err(TransitionError::NotInFlight {
                action,
                to: left.task,
                state,
            });
        }
    } else if !fails_here(action, row, state) {
        return Err(TransitionError::NotInFlight {
            action,
            to: left.task,
            state,
        });
    }
    Ok(ServerState {
        vm: left.vm_from(state.vm),
        task: left.task,
        power: left.power.unwrap_or(state.power),
    })
}

/// Whether `action` can be at `row`'s failure point in `state`: the state
/// shows the point's task_state and the action, started from one of the
/// row's vm_states, can be in flight there.
pub(crate) fn fails_here(action: Action, row: &FailurePhase, state: ServerState) -> bool {
    let task = match row.at {
        FailurePoint::Api => return false,
        FailurePoint::At(task) => Some(task),
        FailurePoint::NoTask => None,
    };
    state.task == task
        && VmState::ALL.iter().any(|start| {
            row.starts.contains(*start) && action.in_flight_from(*start, state.vm, task)
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
