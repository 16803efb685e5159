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
        bits::set(&mut self.0, state.index())
    }

    /// Whether the set holds `state`.
    pub fn contains(&self, state: ServerState) -> bool {
        bits::get(&self.0, state.index())
    }

    /// How many states the set holds.
    pub fn len(&self) -> usize {
        bits::count(&self.0)
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
