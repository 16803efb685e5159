//! What can happen now: the events the relation accepts in one state, and
//! the next writes of one run of an action.
//!
//! The two traps it avoids are named in [`enabled`]'s docs.

use crate::machine::explore::all_events;
use crate::machine::relation::{apply, fails_here, Event};
use crate::machine::state::ServerState;
use crate::rules::outcome::FailurePoint;
use crate::wire::action::Action;
use crate::wire::vm::VmState;

/// Every event [`apply`] accepts in `state`, in [`all_events`] order, with
/// the state it leads to; the [`Event::Write`] of the API edge that
/// [`Event::Accept`] already takes is left out (trap 1 below). No
/// allocation: a filter over [`all_events`].
///
/// Every harness (a property test, a fuzz target, a fake Nova) starts here.
/// Two traps catch a harness written by hand against [`Action::edges`]:
///
/// 1. **The first write re-accepts the action.** An action's API edge (the
///    first write, `edges()[i]` with `api`) is what [`Event::Accept`]
///    takes. Sending it again as [`Event::Write`] after the accept is a new
///    request, checked against the precondition again: refused for most
///    actions, and *accepted* for the pre-empters (delete while deleting
///    is a second delete, not the first one's progress). [`enabled`] lists
///    the accept once and never the duplicate write; [`Run::next_writes`]
///    yields only the writes after the API's.
/// 2. **Which writes apply depends on the starting vm_state.** A
///    [`ServerState`] does not remember where an action started, so
///    [`apply`] accepts a write if the action *could* be there from *some*
///    start. One run of an action must keep to the writes for the vm_state
///    it started from (a rebuild of a stopped server is powered off at the
///    end, so the relation takes that power-off write in any active server
///    without a task; a rebuild of an active server never makes it). [`Run`] keeps the start and
///    yields only those.
///
/// Both are tested by name: `trap_first_write_reaccepts` and
/// `trap_writes_depend_on_start` (tests/integration/enabled.rs).
///
/// Other events can still lead to the same state (`Accept(ResetState)` and
/// `ResetState(Active)`, two failure ends that leave the same pair): they
/// are different requests or failures, listed as such.
///
/// # Examples
///
/// ```
/// use nova_states::machine::enabled;
/// use nova_states::{Action, Event, PowerState, ServerState, VmState};
///
/// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
/// let now: Vec<(Event, ServerState)> = enabled(active).collect();
/// assert!(now.iter().any(|(e, _)| *e == Event::Accept(Action::Stop)));
/// // start is refused for an active server.
/// assert!(!now.iter().any(|(e, _)| *e == Event::Accept(Action::Start)));
/// // Each pair is a step apply takes.
/// assert!(now.iter().all(|(e, next)| nova_states::apply(active, *e) == Ok(*next)));
/// ```
pub fn enabled(state: ServerState) -> impl Iterator<Item = (Event, ServerState)> {
    all_events()
        .filter(|event| !is_accept_duplicate(*event))
        .filter_map(move |event| apply(state, event).ok().map(|next| (event, next)))
}

/// Whether `event` is the write of the API edge that [`Event::Accept`]
/// takes (the same step under another name).
fn is_accept_duplicate(event: Event) -> bool {
    match event {
        Event::Write { action, edge } => {
            action.edges().iter().position(|e| e.api) == Some(usize::from(edge))
        }
        _ => false,
    }
}

/// One run of an action: the action and the vm_state it started from.
///
/// What a fake Nova or a harness keeps beside the [`ServerState`] while an
/// action is in flight (trap 2 of [`enabled`]).
///
/// # Examples
///
/// ```
/// use nova_states::machine::Run;
/// use nova_states::{apply, Action, Event, PowerState, ServerState, VmState};
///
/// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
/// let run = Run { action: Action::Stop, start: active.vm };
/// let mut state = apply(active, Event::Accept(run.action)).unwrap();
/// // Follow the run's own writes to its end.
/// while let Some((_, next)) = run.next_writes(state).next() {
///     state = next;
/// }
/// assert_eq!(state.vm, VmState::Stopped);
/// assert_eq!(state.task, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Run {
    /// The action.
    pub action: Action,
    /// The vm_state it started from.
    pub start: VmState,
}

impl Run {
    /// The writes this run can make next in `state`, after its API write:
    /// each edge that is not the API's, starts from `state`'s task_state,
    /// belongs to [`start`](Run::start) and finds the run in flight here,
    /// with the state it leads to (always accepted by [`apply`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::Run;
    /// use nova_states::{apply, Action, Event, PowerState, ServerState, TaskState, VmState};
    ///
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// let run = Run { action: Action::Snapshot, start: VmState::Active };
    /// let pending = apply(active, Event::Accept(Action::Snapshot)).unwrap();
    /// let next: Vec<_> = run.next_writes(pending).map(|(_, s)| s.task).collect();
    /// assert_eq!(next, [Some(TaskState::ImageSnapshot)]);
    /// ```
    pub fn next_writes(self, state: ServerState) -> impl Iterator<Item = (Event, ServerState)> {
        let Run { action, start } = self;
        let in_flight = action.in_flight_from(start, state.vm, state.task);
        action
            .edges()
            .iter()
            .enumerate()
            .filter(move |(_, e)| {
                in_flight && !e.api && e.from == state.task && e.starts.contains(start)
            })
            .filter_map(move |(i, _)| {
                let event = Event::Write {
                    action,
                    edge: u8::try_from(i).ok()?,
                };
                apply(state, event).ok().map(|next| (event, next))
            })
    }

    /// The failures this run can meet in `state` after its API write: each
    /// end of each failure point of the action for [`start`](Run::start)
    /// where the run can be now, with the state it leaves.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::Run;
    /// use nova_states::{apply, Action, Event, PowerState, ServerState, VmState};
    ///
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// let run = Run { action: Action::Snapshot, start: VmState::Active };
    /// let pending = apply(active, Event::Accept(Action::Snapshot)).unwrap();
    /// // A snapshot never fails into error.
    /// assert!(run.failures(pending).all(|(_, s)| s.vm == VmState::Active));
    /// assert!(run.failures(pending).count() > 0);
    /// ```
    pub fn failures(self, state: ServerState) -> impl Iterator<Item = (Event, ServerState)> {
        let Run { action, start } = self;
        action
            .failure_phases()
            .iter()
            .enumerate()
            .filter(move |(_, row)| {
                !matches!(row.at, FailurePoint::Api)
                    && row.starts.contains(start)
                    && action.in_flight_from(start, state.vm, row.at.task())
                    && fails_here(action, row, state)
            })
            .flat_map(move |(p, row)| {
                (0..row.ends.len()).filter_map(move |e| {
                    let event = Event::Fail {
                        action,
                        phase: u8::try_from(p).ok()?,
                        end: u8::try_from(e).ok()?,
                    };
                    apply(state, event).ok().map(|next| (event, next))
                })
            })
    }

    /// Whether the run can still make a write or meet a failure in
    /// `state` (false once it has ended, or when it is stuck there).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::Run;
    /// use nova_states::{apply, Action, Event, PowerState, ServerState, VmState};
    ///
    /// let active = ServerState { vm: VmState::Active, task: None, power: PowerState::Running };
    /// let run = Run { action: Action::Stop, start: VmState::Active };
    /// let off = apply(active, Event::Accept(Action::Stop)).unwrap();
    /// assert!(run.continues_in(off));
    /// assert!(!run.continues_in(active));
    /// ```
    pub fn continues_in(self, state: ServerState) -> bool {
        self.next_writes(state).next().is_some() || self.failures(state).next().is_some()
    }
}
