//! The relation as a whole: every event, every legal edge, and the states
//! reachable from a fresh build.

use core::fmt;

use crate::bits;
use crate::machine::relation::{apply, Event};
use crate::machine::state::ServerState;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::vm::VmState;

/// Every event, in a fixed order: accepts, writes, failures, power
/// observations, reset-states, restarts, restart failures.
///
/// # Examples
///
/// ```
/// use nova_states::machine::all_events;
/// use nova_states::{Action, Event, PowerState};
///
/// let events: Vec<Event> = all_events().collect();
/// assert!(events.contains(&Event::Accept(Action::Snapshot)));
/// assert!(events.contains(&Event::PowerObserved(PowerState::Shutdown)));
/// // create makes a new server: it is no event on an existing one.
/// assert!(!events.contains(&Event::Accept(Action::Create)));
/// ```
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
            .failure_phases()
            .iter()
            .enumerate()
            .flat_map(move |(p, row)| {
                (0..row.ends.len()).filter_map(move |e| {
                    Some(Event::Fail {
                        action,
                        phase: u8::try_from(p).ok()?,
                        end: u8::try_from(e).ok()?,
                    })
                })
            })
    });
    let powers = PowerState::ALL.into_iter().map(Event::PowerObserved);
    let resets = [VmState::Active, VmState::Error]
        .into_iter()
        .map(Event::ResetState);
    let restarts = PowerState::ALL.into_iter().map(Event::ComputeRestart);
    // Last, so that adding them kept every other event's index.
    let restart_failures = PowerState::ALL.into_iter().map(Event::ComputeRestartFails);
    accepts
        .chain(writes)
        .chain(failures)
        .chain(powers)
        .chain(resets)
        .chain(restarts)
        .chain(restart_failures)
}

/// Every legal edge of the relation: each (state, event, next state) that
/// [`apply`] accepts, over every state and every event of [`all_events`].
///
/// # Examples
///
/// ```
/// use nova_states::machine::legal_edges;
/// use nova_states::{apply, Action, Event};
///
/// // Each edge is one step apply takes...
/// let (state, event, next) = legal_edges().next().unwrap();
/// assert_eq!(apply(state, event), Ok(next));
/// // ...and none accepts a snapshot while a task runs.
/// assert!(!legal_edges()
///     .any(|(s, e, _)| e == Event::Accept(Action::Snapshot) && s.task.is_some()));
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::StateSet;
    /// use nova_states::ServerState;
    ///
    /// let mut set = StateSet::EMPTY;
    /// assert!(set.insert(ServerState::BUILD_REQUEST));
    /// assert!(!set.insert(ServerState::BUILD_REQUEST)); // already there
    /// assert_eq!(set.len(), 1);
    /// ```
    pub fn insert(&mut self, state: ServerState) -> bool {
        bits::set(&mut self.0, state.index())
    }

    /// Whether the set holds `state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::StateSet;
    /// use nova_states::{PowerState, ServerState, VmState};
    ///
    /// let mut set = StateSet::EMPTY;
    /// set.insert(ServerState::BUILD_REQUEST);
    /// assert!(set.contains(ServerState::BUILD_REQUEST));
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// assert!(!set.contains(active));
    /// ```
    pub fn contains(&self, state: ServerState) -> bool {
        bits::get(&self.0, state.index())
    }

    /// How many states the set holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::{reachable_from_build, StateSet};
    /// use nova_states::ServerState;
    ///
    /// assert_eq!(StateSet::EMPTY.len(), 0);
    /// // Most of the 3096 (vm, task, power) states are never reached.
    /// let reachable = reachable_from_build();
    /// assert_eq!(reachable.len(), 875);
    /// assert!(reachable.len() < ServerState::COUNT);
    /// ```
    pub fn len(&self) -> usize {
        bits::count(&self.0)
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::StateSet;
    /// use nova_states::ServerState;
    ///
    /// let mut set = StateSet::EMPTY;
    /// assert!(set.is_empty());
    /// set.insert(ServerState::BUILD_REQUEST);
    /// assert!(!set.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The states, in index order.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::StateSet;
    /// use nova_states::{PowerState, ServerState, VmState};
    ///
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// let mut set = StateSet::EMPTY;
    /// set.insert(ServerState::BUILD_REQUEST);
    /// set.insert(active);
    /// // Index order: active comes before building.
    /// let states: Vec<ServerState> = set.iter().collect();
    /// assert_eq!(states, [active, ServerState::BUILD_REQUEST]);
    /// ```
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
///
/// # Examples
///
/// ```
/// use nova_states::machine::reachable_from_build;
/// use nova_states::{Pair, PowerState, ServerState, TaskState, VmState};
///
/// let reachable = reachable_from_build();
/// assert!(reachable.contains(ServerState::BUILD_REQUEST));
/// let uploading = ServerState {
///     vm: VmState::Active,
///     task: Some(TaskState::ImageUploading),
///     power: PowerState::Running,
/// };
/// assert!(reachable.contains(uploading));
/// // Nova never snapshots a server that is still building.
/// let building = ServerState { vm: VmState::Building, ..uploading };
/// assert!(!reachable.contains(building));
/// // Every reachable state is a possible (vm, task) pair.
/// assert!(reachable.iter().all(|s| Pair { vm: s.vm, task: s.task }.is_possible()));
/// ```
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
