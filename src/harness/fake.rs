//! A model checker for fakes: given what a fake Nova did (the requests it
//! accepted or refused, the states it reported after), say whether Nova
//! could have done the same, and where it first could not.
//!
//! [`FakeChecker`] keeps the set of states Nova could be in (a bitmap, no
//! allocation). Between two steps Nova may move on its own: an action's
//! later writes, failures, power syncs, compute restarts (not a request:
//! accepts, API writes and reset-state need one). A request narrows the
//! set to the states that answer the same way and takes the accepted ones
//! through the action's API write (or its API failures); a report narrows
//! it to the state reported, if Nova can be there.
//!
//! The check uses the relation, which does not remember where an action
//! started (the second trap of [`enabled`](crate::machine::enabled)): it
//! can pass a fake that mixes two starts' writes. It never fails a fake
//! Nova could match.
//!
//! # Examples
//!
//! Nova moves on its own between two steps, so a request is checked
//! against every state it could have reached; a fake diverges when no such
//! state answers as it did:
//!
//! ```
//! use nova_states::harness::fake::{Divergence, FakeChecker, FakeStep};
//! use nova_states::{Action, PowerState, ServerState, TaskState, VmState};
//!
//! let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
//! let pending = ServerState { task: Some(TaskState::ImageSnapshotPending), ..active };
//! let mut nova = FakeChecker::new(active);
//! nova.step(FakeStep::Request { action: Action::Snapshot, accepted: true })?;
//! nova.step(FakeStep::Reported(pending))?;
//! // An active server never becomes resized without a resize request.
//! let err = nova
//!     .step(FakeStep::Request { action: Action::ConfirmResize, accepted: true })
//!     .unwrap_err();
//! assert!(matches!(err, Divergence::NovaRefuses { step: 2, .. }));
//! assert!(err.to_string().contains("Nova refuses"));
//! # Ok::<(), Divergence>(())
//! ```

use crate::machine::explore::{all_events, StateSet};
use crate::machine::relation::{apply, Event};
use crate::machine::state::ServerState;
use crate::rules::outcome::FailurePoint;
use crate::rules::rejection::Rejection;
use crate::wire::action::Action;
use crate::wire::vm::VmState;

/// One thing a fake did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeStep {
    /// It answered a request for `action`: accepted (2xx) or refused by
    /// state (409 or 400).
    Request {
        /// The action requested.
        action: Action,
        /// Whether the fake accepted it.
        accepted: bool,
    },
    /// It reported this state (a GET /servers/{id}).
    Reported(ServerState),
}

/// Which moves Nova may make on its own between two steps of a fake.
///
/// # Examples
///
/// ```
/// use nova_states::harness::fake::Moves;
/// // A fake without failures, power syncs or restarts: only the actions'
/// // own writes.
/// assert!(!Moves::WRITES.failures && Moves::ALL.restarts);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moves {
    /// Failures of an action in flight (after its API call).
    pub failures: bool,
    /// Power syncs.
    pub power_sync: bool,
    /// Compute restarts (and, with `failures`, their own failures).
    pub restarts: bool,
}

impl Moves {
    /// Everything Nova can do on its own.
    pub const ALL: Moves = Moves {
        failures: true,
        power_sync: true,
        restarts: true,
    };
    /// Only the actions' own writes: what a fake that never fails, never
    /// restarts and has no hypervisor of its own can be held to.
    pub const WRITES: Moves = Moves {
        failures: false,
        power_sync: false,
        restarts: false,
    };
}

/// Where a fake first did what Nova cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Divergence {
    /// The fake accepted a request Nova refuses in every state it could be
    /// in.
    #[error("step {step}: the fake accepted {action}, Nova refuses it: {rejection}")]
    NovaRefuses {
        /// The step's index.
        step: usize,
        /// The action.
        action: Action,
        /// Nova's refusal in one of the states it could be in.
        rejection: Rejection,
    },
    /// The fake refused a request Nova accepts in every state it could be
    /// in.
    #[error("step {step}: the fake refused {action}, Nova accepts it in {state}")]
    NovaAccepts {
        /// The step's index.
        step: usize,
        /// The action.
        action: Action,
        /// One state Nova could be in.
        state: ServerState,
    },
    /// The fake reported a state Nova cannot reach from where it was
    /// without another request.
    #[error("step {step}: the fake reported {reported}, Nova cannot get there from {from} without a request")]
    Unreachable {
        /// The step's index.
        step: usize,
        /// The state reported.
        reported: ServerState,
        /// One state Nova could have been in before (the last report, or
        /// the start).
        from: ServerState,
    },
}

/// The checker: the states Nova could be in after the steps so far.
///
/// # Examples
///
/// ```
/// use nova_states::harness::fake::{FakeChecker, FakeStep};
/// use nova_states::{Action, PowerState, ServerState, VmState};
///
/// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
/// let stopped = ServerState { vm: VmState::Stopped, task: None, power: PowerState::Shutdown };
/// let mut nova = FakeChecker::new(active);
/// nova.step(FakeStep::Request { action: Action::Start, accepted: false }).unwrap();
/// nova.step(FakeStep::Request { action: Action::Stop, accepted: true }).unwrap();
/// // The stop runs to its end on its own.
/// nova.step(FakeStep::Reported(stopped)).unwrap();
/// assert!(nova.possible().contains(stopped));
/// ```
#[derive(Debug, Clone)]
pub struct FakeChecker {
    moves: Moves,
    possible: StateSet,
    last: ServerState,
    steps: usize,
}

impl FakeChecker {
    /// A checker for a server known to be in `start`, Nova free to make
    /// every move of its own ([`Moves::ALL`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fake::FakeChecker;
    /// use nova_states::ServerState;
    /// let nova = FakeChecker::new(ServerState::BUILD_REQUEST);
    /// assert_eq!(nova.possible().len(), 1);
    /// ```
    pub fn new(start: ServerState) -> FakeChecker {
        FakeChecker::with_moves(start, Moves::ALL)
    }

    /// A checker for a server known to be in `start`, Nova making only
    /// `moves` on its own.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fake::{FakeChecker, FakeStep, Moves};
    /// use nova_states::{Action, PowerState, ServerState, VmState};
    ///
    /// let stopped = ServerState { vm: VmState::Stopped, task: None, power: PowerState::Shutdown };
    /// let stop = FakeStep::Request { action: Action::Stop, accepted: true };
    /// // A restart that fails could have put the server in error, which accepts a stop...
    /// assert!(FakeChecker::new(stopped).step(stop).is_ok());
    /// // ...but a fake without restarts or failures cannot say so.
    /// assert!(FakeChecker::with_moves(stopped, Moves::WRITES).step(stop).is_err());
    /// ```
    pub fn with_moves(start: ServerState, moves: Moves) -> FakeChecker {
        let mut possible = StateSet::EMPTY;
        possible.insert(start);
        FakeChecker {
            moves,
            possible,
            last: start,
            steps: 0,
        }
    }

    /// The states Nova could be in now (before it moves on its own).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fake::FakeChecker;
    /// use nova_states::ServerState;
    /// let nova = FakeChecker::new(ServerState::BUILD_REQUEST);
    /// assert!(nova.possible().contains(ServerState::BUILD_REQUEST));
    /// ```
    pub fn possible(&self) -> &StateSet {
        &self.possible
    }

    /// Checks one step.
    ///
    /// # Errors
    ///
    /// The [`Divergence`] when Nova could not have done it; the checker
    /// then stays where it was.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fake::{FakeChecker, FakeStep};
    /// use nova_states::{Action, PowerState, ServerState, VmState};
    ///
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// let mut nova = FakeChecker::new(active);
    /// // Nova accepts a delete in every state it can be in: refusing it diverges.
    /// assert!(nova.step(FakeStep::Request { action: Action::Delete, accepted: false }).is_err());
    /// ```
    pub fn step(&mut self, step: FakeStep) -> Result<(), Divergence> {
        let index = self.steps;
        let moved = on_its_own(&self.possible, self.moves);
        let next = match step {
            FakeStep::Reported(reported) => {
                if !moved.contains(reported) {
                    return Err(Divergence::Unreachable {
                        step: index,
                        reported,
                        from: self.last,
                    });
                }
                self.last = reported;
                let mut one = StateSet::EMPTY;
                one.insert(reported);
                one
            }
            FakeStep::Request { action, accepted } => {
                let mut answer = StateSet::EMPTY;
                let mut refusal: Option<Rejection> = None;
                let mut acceptor: Option<ServerState> = None;
                for state in moved.iter() {
                    let nova_accepts =
                        state.vm != VmState::Deleted && action.accepts(state.vm, state.task, true);
                    if !nova_accepts {
                        if refusal.is_none() {
                            refusal = action.check(state.vm, state.task, true).err();
                        }
                        if !accepted {
                            answer.insert(state);
                        }
                        continue;
                    }
                    acceptor.get_or_insert(state);
                    if accepted {
                        for event in api_events(action) {
                            if let Ok(after) = apply(state, event) {
                                answer.insert(after);
                            }
                        }
                    }
                }
                if answer.is_empty() {
                    return Err(match (accepted, refusal, acceptor) {
                        (true, Some(rejection), _) => Divergence::NovaRefuses {
                            step: index,
                            action,
                            rejection,
                        },
                        (_, _, state) => Divergence::NovaAccepts {
                            step: index,
                            action,
                            state: state.unwrap_or(self.last),
                        },
                    });
                }
                answer
            }
        };
        self.possible = next;
        self.steps += 1;
        Ok(())
    }
}

/// A request's own events: its accept, each API write, each API failure.
fn api_events(action: Action) -> impl Iterator<Item = Event> {
    all_events().filter(move |event| match *event {
        Event::Accept(a) => a == action,
        Event::Write { action: a, edge } => {
            a == action && a.edges().get(usize::from(edge)).is_some_and(|e| e.api)
        }
        Event::Fail {
            action: a, phase, ..
        } => {
            a == action
                && a.failure_phases()
                    .get(usize::from(phase))
                    .is_some_and(|p| matches!(p.at, FailurePoint::Api))
        }
        _ => false,
    })
}

/// Whether Nova makes `event` without a request, within `moves`.
fn own_move(event: Event, moves: Moves) -> bool {
    match event {
        Event::Accept(_) | Event::ResetState(_) => false,
        Event::Write { action, edge } => action
            .edges()
            .get(usize::from(edge))
            .is_some_and(|e| !e.api),
        Event::Fail { action, phase, .. } => action
            .failure_phases()
            .get(usize::from(phase))
            .is_some_and(|p| moves.failures && !matches!(p.at, FailurePoint::Api)),
        Event::PowerObserved(_) => moves.power_sync,
        Event::ComputeRestart(_) => moves.restarts,
        Event::ComputeRestartFails(_) => moves.restarts && moves.failures,
    }
}

/// Every state Nova can reach from `from` on its own (zero or more moves).
///
/// Breadth-first: each state's moves are tried once, when it is first
/// reached (the fuzz target `fake` runs this at every step of a fake).
fn on_its_own(from: &StateSet, moves: Moves) -> StateSet {
    let mut set = from.clone();
    let mut frontier = from.clone();
    while !frontier.is_empty() {
        let mut next = StateSet::EMPTY;
        for state in frontier.iter() {
            for event in all_events().filter(|e| own_move(*e, moves)) {
                if let Ok(after) = apply(state, event) {
                    if set.insert(after) {
                        next.insert(after);
                    }
                }
            }
        }
        frontier = next;
    }
    set
}
