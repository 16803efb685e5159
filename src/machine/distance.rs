//! The fewest operations behind a step: from one polled (vm_state,
//! task_state) pair to the next, which operations, at least, wrote in
//! between, and which ones, in order.
//!
//! Reachability ([`Pair::reaches`]) only says that *some* sequence of
//! Nova's operations leads from one observation to the next; with gaps
//! between polls almost anything does. This module counts them. The
//! distances are a table generated from the relation
//! (`src/machine/distance_table.rs`, written by `cargo xtask codegen` from
//! [`each_operation`] and drift-tested); [`explain`] reads it and names
//! one shortest sequence, allocation-free.
//!
//! # What an operation is
//!
//! A path of the relation ([`apply`](crate::apply) on [`Event`]s) from the
//! earlier pair to the later one is cut into operations, and counted:
//!
//! - **An action run** ([`Operation::Action`]): the API accepts the action
//!   ([`Event::Accept`]), or fails it in the API ([`Event::Fail`] at
//!   [`FailurePoint::Api`](crate::rules::FailurePoint::Api)), and then any
//!   number of that run's own writes and at most one of its failures
//!   ([`Run::next_writes`], [`Run::failures`] for the vm_state the run
//!   started from). A failure ends its operation. A run may stop anywhere:
//!   still in flight at the later poll, or cut short by a pre-empter (a
//!   delete). Runs do not interleave: once another operation starts, the
//!   earlier run writes no more.
//! - **The run in flight at the earlier poll** ([`Origin::InFlight`]): one
//!   of the actions the caller believes in flight there (the validator's
//!   [`current`](crate::Validator::current)), from any vm_state it can have
//!   started from, counts as one operation *if it writes (or fails) in the
//!   gap*, and as none if it does not. Only actions that can be in flight
//!   at the earlier pair ([`Pair::in_flight`]) are considered.
//! - **A power sync** ([`Operation::PowerSync`], [`Event::PowerObserved`])
//!   that changes the pair (its `stop`).
//! - **A compute restart** ([`Operation::ComputeRestart`],
//!   [`Event::ComputeRestart`] or [`Event::ComputeRestartFails`]).
//! - **An admin reset-state** ([`Operation::ResetState`],
//!   [`Event::ResetState`]).
//!
//! After a power sync or a compute restart, an action in flight at the
//! pair it leaves (the stop the sync calls, a reboot or delete the restart
//! re-runs) may go on, as one more operation ([`Origin::HandedOver`]).
//!
//! [`min_operations`] is the least number of operations over every such
//! path (power states are free: the pair's transitions do not depend on
//! the power state the server had, only on what the hypervisor reports);
//! [`Explanation`] lists one shortest path's operations. A path is always
//! real: an operation is named only when its run, from where the previous
//! one left the server, can leave what comes next, so the last one can
//! reach the later observation. Among shortest paths, [`explain`] prefers
//! the run in flight (succeeding or going on, then failing), then accepted
//! runs that succeed or are still running, then power syncs and restarts,
//! then failures, and an admin reset last. So `(active, resize_migrating)`
//! then `(shelved_offloaded, null)` is told as the resize failing at
//! resize_migrating, then a shelve, rather than an evacuate (which Nova
//! accepts in any task_state: `task_state=None` at
//! nova/compute/api.py:5707-5708) then a shelve. A restart that errors out
//! a build or a rebuild counts as a failure.
//!
//! The power sync and the restart are cited where they are declared
//! (`crate::rules::sync_decision`, `crate::rules::restart_decision`); this
//! module adds no fact about Nova.
//!
//! [`Explanation::plain`] says how many operations it takes without any
//! failure (of an action or of a compute restart) or admin reset, if
//! possible at all: a step that [`only_by_failure_or_reset`](Explanation::only_by_failure_or_reset)
//! is one no successful operation explains.
//!
//! The brute-force search that checks every entry of the table and every
//! explanation against the relation, state by state, is
//! `distance_matches_brute_force` in tests/integration/distance.rs.

use core::fmt;

use crate::bits;
use crate::machine::distance_table::{COLUMN, DIST, ROW_BASE};
use crate::machine::enabled::Run;
use crate::machine::relation::{apply, Event};
use crate::machine::state::{Pair, ServerState};
use crate::rules::outcome::FailurePoint;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::set::ActionSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The most operations an [`Explanation`] holds (the table's largest
/// distance is smaller; a test checks it).
pub const MAX_OPERATIONS: usize = 8;

/// Where an action run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The API accepted it between the two polls.
    Accepted,
    /// It was in flight at the earlier poll and wrote in the gap.
    InFlight,
    /// A power sync or compute restart handed it on (the sync's stop, a
    /// restart's re-run).
    HandedOver,
}

/// How an action run stood when the next operation began, or at the later
/// poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunEnd {
    /// Its last write ([`Edge::end`](crate::rules::Edge)) was made.
    Succeeded,
    /// It failed at this failure phase (index into
    /// [`Action::failure_phases`]).
    Failed {
        /// The phase.
        phase: u8,
    },
    /// Still in flight (at the later poll, or when a pre-empter took over).
    Unfinished,
}

/// One operation of an [`Explanation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// An action's run.
    Action {
        /// The action.
        action: Action,
        /// Where it came from.
        origin: Origin,
        /// How it stood at its end.
        end: RunEnd,
        /// The pair it left.
        to: Pair,
    },
    /// The power sync read this power state and stopped the server
    /// (task_state `powering-off`).
    PowerSync {
        /// What the hypervisor reported.
        observed: PowerState,
        /// The pair it left.
        to: Pair,
    },
    /// The compute service restarted.
    ComputeRestart {
        /// What the hypervisor reported.
        driver: PowerState,
        /// Whether the restart's own handling of the server failed.
        fails: bool,
        /// Whether it put the server in error (its own failure, or a build
        /// or rebuild it errors out).
        errored: bool,
        /// The pair it left.
        to: Pair,
    },
    /// An admin's `os-resetState` to this vm_state.
    ResetState(VmState),
}

impl Operation {
    /// The pair the operation left.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::Operation;
    /// use nova_states::{Pair, VmState};
    ///
    /// let reset = Operation::ResetState(VmState::Error);
    /// assert_eq!(reset.to(), Pair { vm: VmState::Error, task: None });
    /// ```
    pub const fn to(&self) -> Pair {
        match *self {
            Operation::Action { to, .. }
            | Operation::PowerSync { to, .. }
            | Operation::ComputeRestart { to, .. } => to,
            Operation::ResetState(vm) => Pair { vm, task: None },
        }
    }

    /// Whether it is a failure (an action's or a compute restart's) or an
    /// admin reset-state: what no successful operation does.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::Operation;
    /// use nova_states::VmState;
    ///
    /// assert!(Operation::ResetState(VmState::Active).is_failure_or_reset());
    /// ```
    pub const fn is_failure_or_reset(&self) -> bool {
        matches!(
            self,
            Operation::Action {
                end: RunEnd::Failed { .. },
                ..
            } | Operation::ComputeRestart { fails: true, .. }
                | Operation::ComputeRestart { errored: true, .. }
                | Operation::ResetState(_)
        )
    }

    /// The preference class [`explain`] picks in (lower first): the run in
    /// flight succeeding or going on, then failing; accepted runs that
    /// succeed or go on; power syncs and restarts; failures; resets.
    const fn class(&self) -> u8 {
        let failure = self.is_failure_or_reset();
        match self {
            Operation::Action {
                origin: Origin::InFlight,
                ..
            } => failure as u8,
            Operation::ResetState(_) => 5,
            _ if failure => 4,
            Operation::Action { .. } => 2,
            Operation::PowerSync { .. } | Operation::ComputeRestart { .. } => 3,
        }
    }
}

impl fmt::Display for Operation {
    /// A short English description: "resize failed at resize_migrating,
    /// leaving active/null", "shelve (ended shelved_offloaded)".
    ///
    /// ```
    /// use nova_states::machine::Operation;
    /// use nova_states::VmState;
    /// assert_eq!(Operation::ResetState(VmState::Error).to_string(), "admin reset-state to error");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pair = |f: &mut fmt::Formatter<'_>, p: Pair| {
            write!(f, "{}/{}", p.vm, TaskState::name_or_null(p.task))
        };
        match *self {
            Operation::Action {
                action,
                origin,
                end,
                to,
            } => {
                let shown = |f: &mut fmt::Formatter<'_>| pair(f, to);
                let handed = match origin {
                    Origin::HandedOver => " (handed on)",
                    _ => "",
                };
                match (origin, end) {
                    (_, RunEnd::Failed { phase }) => {
                        let at = action
                            .failure_phases()
                            .get(usize::from(phase))
                            .map(|row| row.at);
                        match at {
                            Some(FailurePoint::At(task)) => {
                                write!(f, "{action}{handed} failed at {task}")?;
                            }
                            Some(FailurePoint::Api) => write!(f, "{action} failed in the API")?,
                            _ => write!(f, "{action}{handed} failed with no task")?,
                        }
                        f.write_str(", leaving ")?;
                        shown(f)
                    }
                    (Origin::Accepted, RunEnd::Succeeded) => {
                        write!(f, "{action} (ended {}", to.vm)?;
                        match to.task {
                            Some(task) => write!(f, " with {task})"),
                            None => f.write_str(")"),
                        }
                    }
                    (_, RunEnd::Succeeded) => {
                        write!(f, "{action}{handed} ended ({}", to.vm)?;
                        match to.task {
                            Some(task) => write!(f, " with {task})"),
                            None => f.write_str(")"),
                        }
                    }
                    (Origin::Accepted, RunEnd::Unfinished) => {
                        write!(f, "start {action} (now ")?;
                        shown(f)?;
                        f.write_str(")")
                    }
                    (_, RunEnd::Unfinished) => {
                        write!(f, "{action}{handed} went on to ")?;
                        shown(f)
                    }
                }
            }
            Operation::PowerSync { observed, to } => {
                write!(f, "power sync (hypervisor: {observed}) to ")?;
                pair(f, to)
            }
            Operation::ComputeRestart {
                driver, fails, to, ..
            } => {
                write!(f, "compute restart (hypervisor: {driver})")?;
                if fails {
                    f.write_str(" failing")?;
                }
                f.write_str(" to ")?;
                pair(f, to)
            }
            Operation::ResetState(vm) => write!(f, "admin reset-state to {vm}"),
        }
    }
}

/// What may go on from the earlier poll (or after a sync or restart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carry {
    /// No run in flight writes again.
    Nothing,
    /// This action, in flight, may write (once counted).
    One(Action),
    /// Any action in flight at the pair may (after a sync or restart).
    Any,
}

/// Calls `f` with every single operation that can start at `from` given
/// what may go on (`carry`), with the carry after it; stops and returns
/// `true` when `f` does. `plain` leaves out failures and resets. The
/// generator of the distance table and [`explain`] share it; the brute
/// force test does not (it searches [`apply`] event by event).
///
/// # Examples
///
/// ```
/// use nova_states::machine::{each_operation, Carry, Operation};
/// use nova_states::{Action, Pair, TaskState, VmState};
///
/// let active = Pair { vm: VmState::Active, task: None };
/// let mut snapshot = false;
/// each_operation(active, Carry::Nothing, false, &mut |op, _| {
///     snapshot |= matches!(op, Operation::Action { action: Action::Snapshot, .. });
///     false
/// });
/// assert!(snapshot);
/// ```
pub fn each_operation(
    from: Pair,
    carry: Carry,
    plain: bool,
    f: &mut dyn FnMut(Operation, Carry) -> bool,
) -> bool {
    let here = ServerState {
        vm: from.vm,
        task: from.task,
        power: PowerState::NoState,
    };
    let in_flight = match carry {
        Carry::Nothing => ActionSet::EMPTY,
        Carry::One(action) => ActionSet::EMPTY.with(action),
        Carry::Any => from.in_flight(),
    }
    .intersection(from.in_flight());
    let origin = match carry {
        Carry::Any => Origin::HandedOver,
        _ => Origin::InFlight,
    };
    for action in in_flight.iter() {
        for start in VmState::ALL {
            if action.in_flight_from(start, from.vm, from.task)
                && walk(Run { action, start }, here, origin, None, plain, f)
            {
                return true;
            }
        }
    }
    for action in Action::ALL {
        if matches!(action, Action::Create | Action::ResetState) {
            continue;
        }
        let run = Run {
            action,
            start: from.vm,
        };
        if let Ok(accepted) = apply(here, Event::Accept(action)) {
            if walk(run, here, Origin::Accepted, Some(accepted), plain, f) {
                return true;
            }
        }
        if plain {
            continue;
        }
        for (p, row) in action.failure_phases().iter().enumerate() {
            if !matches!(row.at, FailurePoint::Api) {
                continue;
            }
            let Ok(phase) = u8::try_from(p) else { continue };
            for e in 0..row.ends.len() {
                let Ok(end) = u8::try_from(e) else { continue };
                let event = Event::Fail { action, phase, end };
                if let Ok(left) = apply(here, event) {
                    let op = Operation::Action {
                        action,
                        origin: Origin::Accepted,
                        end: RunEnd::Failed { phase },
                        to: pair_of(left),
                    };
                    if f(op, Carry::Nothing) {
                        return true;
                    }
                }
            }
        }
    }
    for observed in PowerState::ALL {
        if let Ok(next) = apply(here, Event::PowerObserved(observed)) {
            let to = pair_of(next);
            // A sync that changes nothing still hands on the run in flight.
            let useful = to != from || !matches!(carry, Carry::Any);
            if useful && f(Operation::PowerSync { observed, to }, Carry::Any) {
                return true;
            }
        }
    }
    for driver in PowerState::ALL {
        for fails in [false, true] {
            if fails && plain {
                continue;
            }
            let event = if fails {
                Event::ComputeRestartFails(driver)
            } else {
                Event::ComputeRestart(driver)
            };
            if let Ok(next) = apply(here, event) {
                let to = pair_of(next);
                let errored = fails || (to.vm == VmState::Error && from.vm != VmState::Error);
                if errored && plain {
                    continue;
                }
                // A restart that changes nothing still hands on what it re-runs.
                let useful = to != from || !matches!(carry, Carry::Any);
                let op = Operation::ComputeRestart {
                    driver,
                    fails,
                    errored,
                    to,
                };
                if useful && f(op, Carry::Any) {
                    return true;
                }
            }
        }
    }
    if !plain {
        for vm in [VmState::Active, VmState::Error] {
            if let Ok(next) = apply(here, Event::ResetState(vm)) {
                if pair_of(next) != from && f(Operation::ResetState(vm), Carry::Nothing) {
                    return true;
                }
            }
        }
    }
    false
}

const PAIR_WORDS: usize = Pair::COUNT.div_ceil(64);

/// One run's operations: every pair its writes reach (from `accepted`, the
/// state after its API write, reported too; or from `from` with at least
/// one write), and every failure on the way.
fn walk(
    run: Run,
    from: ServerState,
    origin: Origin,
    accepted: Option<ServerState>,
    plain: bool,
    f: &mut dyn FnMut(Operation, Carry) -> bool,
) -> bool {
    let action = run.action;
    let report = |f: &mut dyn FnMut(Operation, Carry) -> bool, end, to| {
        f(
            Operation::Action {
                action,
                origin,
                end,
                to,
            },
            Carry::Nothing,
        )
    };
    // Pairs reached with the run still going, and those where it ended.
    let mut going = [0u64; PAIR_WORDS];
    let mut ended = [0u64; PAIR_WORDS];
    let mut pending = [0u64; PAIR_WORDS];
    let first = match accepted {
        Some(state) => {
            let pair = pair_of(state);
            // An API write that ends the action (none today but reset-state).
            let done = action.edges().iter().find(|e| e.api).is_some_and(|e| e.end);
            let end = if done {
                RunEnd::Succeeded
            } else {
                RunEnd::Unfinished
            };
            if report(f, end, pair) {
                return true;
            }
            if done {
                return false;
            }
            bits::set(&mut going, pair.index());
            state
        }
        None => from,
    };
    bits::set(&mut pending, pair_of(first).index());
    while let Some(index) = first_set(&pending) {
        if let Some(w) = pending.get_mut(index / 64) {
            *w &= !(1 << (index % 64));
        }
        let Some(pair) = Pair::from_index(index) else {
            continue;
        };
        let state = ServerState {
            vm: pair.vm,
            task: pair.task,
            power: PowerState::NoState,
        };
        for (event, next) in run.next_writes(state) {
            let to = pair_of(next);
            let done = match event {
                Event::Write { edge, .. } => {
                    action.edges().get(usize::from(edge)).is_some_and(|e| e.end)
                }
                _ => false,
            };
            let (seen, end) = if done {
                (&mut ended, RunEnd::Succeeded)
            } else {
                (&mut going, RunEnd::Unfinished)
            };
            if bits::set(seen, to.index()) {
                if report(f, end, to) {
                    return true;
                }
                if !done {
                    bits::set(&mut pending, to.index());
                }
            }
        }
        if plain {
            continue;
        }
        for (event, next) in run.failures(state) {
            if let Event::Fail { phase, .. } = event {
                if report(f, RunEnd::Failed { phase }, pair_of(next)) {
                    return true;
                }
            }
        }
    }
    false
}

fn first_set(words: &[u64; PAIR_WORDS]) -> Option<usize> {
    words.iter().enumerate().find_map(|(i, w)| {
        (*w != 0).then(|| i * 64 + usize::try_from(w.trailing_zeros()).unwrap_or(0))
    })
}

const fn pair_of(state: ServerState) -> Pair {
    Pair {
        vm: state.vm,
        task: state.task,
    }
}

/// A table entry: the fewest operations, and the fewest without failures
/// or resets (`None`: not reachable that way).
fn entry(from: Pair, carry_row: usize, to: Pair) -> (Option<u8>, Option<u8>) {
    let column = COLUMN.get(to.index()).copied().unwrap_or(u8::MAX);
    let base = ROW_BASE.get(from.index()).copied().unwrap_or(u16::MAX);
    let Some(row) = DIST.get(usize::from(base) + carry_row) else {
        return (None, None);
    };
    let at = usize::from(column) * 2;
    let digit = |i: usize| match row.get(i) {
        Some(c @ b'0'..=b'9') => Some(c - b'0'),
        Some(c @ b'a'..=b'e') => Some(c - b'a' + 10),
        _ => None,
    };
    if base == u16::MAX || column == u8::MAX {
        return (None, None);
    }
    (digit(at), digit(at + 1))
}

/// The distance from (`from`, `carry`) to `to`, full or plain: row 0 of
/// `from` is "nothing goes on", then one row per action of
/// [`Pair::in_flight`], in [`Action`] order.
fn distance(from: Pair, carry: Carry, to: Pair, plain: bool) -> Option<u8> {
    let pick = |e: (Option<u8>, Option<u8>)| if plain { e.1 } else { e.0 };
    let nothing = pick(entry(from, 0, to));
    let wanted = match carry {
        Carry::Nothing => return nothing,
        Carry::One(action) => ActionSet::EMPTY.with(action),
        Carry::Any => ActionSet::FULL,
    };
    from.in_flight()
        .iter()
        .enumerate()
        .filter(|(_, a)| wanted.contains(*a))
        .filter_map(|(row, _)| pick(entry(from, row + 1, to)))
        .fold(nothing, |best, d| Some(best.map_or(d, |b| b.min(d))))
}

/// The fewest operations that lead from `from` to `to`, when the actions of
/// `in_flight` may be in flight at `from` (the validator's
/// [`current`](crate::Validator::current) at the earlier poll; actions not
/// in flight at `from` are ignored). `None` when nothing leads there (or a
/// pair is impossible). Two table reads per candidate; no allocation.
///
/// # Examples
///
/// ```
/// use nova_states::machine::min_operations;
/// use nova_states::{Action, ActionSet, Pair, TaskState, VmState};
///
/// let at = |task| Pair { vm: VmState::Active, task };
/// let uploading = at(Some(TaskState::ImageUploading));
/// let snapshot = at(Some(TaskState::ImageSnapshot));
/// let in_flight = ActionSet::EMPTY.with(Action::Snapshot);
/// // One snapshot ended, another began.
/// assert_eq!(min_operations(uploading, in_flight, snapshot), Some(2));
/// assert_eq!(min_operations(uploading, in_flight, at(None)), Some(1));
/// assert_eq!(min_operations(uploading, in_flight, uploading), Some(0));
/// ```
pub fn min_operations(from: Pair, in_flight: ActionSet, to: Pair) -> Option<u8> {
    let nothing = distance(from, Carry::Nothing, to, false);
    in_flight
        .iter()
        .filter_map(|a| distance(from, Carry::One(a), to, false))
        .fold(nothing, |best, d| Some(best.map_or(d, |b| b.min(d))))
}

/// One shortest sequence of operations behind a step (see the module
/// docs), with the fewest operations without a failure or reset.
///
/// # Examples
///
/// ```
/// use nova_states::machine::{explain, Operation, RunEnd};
/// use nova_states::{Action, ActionSet, Pair, TaskState, VmState};
///
/// let migrating = Pair { vm: VmState::Active, task: Some(TaskState::ResizeMigrating) };
/// let offloaded = Pair { vm: VmState::ShelvedOffloaded, task: None };
/// let why = explain(migrating, ActionSet::EMPTY.with(Action::Resize), offloaded).unwrap();
/// assert_eq!(why.len(), 2);
/// let ops: Vec<Operation> = why.operations().collect();
/// assert!(matches!(ops[0], Operation::Action { action: Action::Resize, end: RunEnd::Failed { .. }, .. }));
/// assert!(matches!(ops[1], Operation::Action { action: Action::Shelve, end: RunEnd::Succeeded, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Explanation {
    operations: [Option<Operation>; MAX_OPERATIONS],
    len: u8,
    plain: Option<u8>,
}

impl Explanation {
    /// The operations, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// assert_eq!(explain(active, ActionSet::EMPTY, active).unwrap().operations().count(), 0);
    /// ```
    pub fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.operations.iter().flatten().copied()
    }

    /// How many operations (the fewest possible).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// let stopped = Pair { vm: VmState::Stopped, task: None };
    /// assert_eq!(explain(active, ActionSet::EMPTY, stopped).unwrap().len(), 1);
    /// ```
    pub const fn len(&self) -> u8 {
        self.len
    }

    /// Whether no operation is needed (the pair did not change).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// assert!(explain(active, ActionSet::EMPTY, active).unwrap().is_empty());
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The fewest operations without a failure or an admin reset (`None`:
    /// only a failure or a reset leads there).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let deleting = Pair { vm: VmState::Active, task: Some(nova_states::TaskState::Deleting) };
    /// let error = Pair { vm: VmState::Error, task: None };
    /// let why = explain(deleting, ActionSet::EMPTY, error).unwrap();
    /// assert_eq!(why.plain(), None);
    /// assert!(why.only_by_failure_or_reset());
    /// ```
    pub const fn plain(&self) -> Option<u8> {
        self.plain
    }

    /// Whether only a failure or an admin reset explains the step.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// let stopped = Pair { vm: VmState::Stopped, task: None };
    /// assert!(!explain(active, ActionSet::EMPTY, stopped).unwrap().only_by_failure_or_reset());
    /// ```
    pub const fn only_by_failure_or_reset(&self) -> bool {
        self.plain.is_none()
    }

    /// Whether it is the obvious continuation: one operation, the run in
    /// flight (or, with nothing in flight, one accepted run that succeeds
    /// or is still running).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::machine::explain;
    /// use nova_states::{ActionSet, Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// let stopped = Pair { vm: VmState::Stopped, task: None };
    /// assert!(explain(active, ActionSet::EMPTY, stopped).unwrap().is_obvious());
    /// ```
    pub fn is_obvious(&self) -> bool {
        let mut ops = self.operations();
        match (ops.next(), ops.next()) {
            (None, _) => true,
            (Some(op), None) => matches!(op.class(), 0 | 2),
            _ => false,
        }
    }
}

/// One shortest explanation of the step from `from` to `to`, with the
/// actions of `in_flight` possibly in flight at `from` (see
/// [`min_operations`] and the module docs). `None` when nothing leads
/// there. Allocation-free; a few walks of the actions' edges per
/// operation.
///
/// # Examples
///
/// ```
/// use nova_states::machine::{explain, Operation, Origin, RunEnd};
/// use nova_states::{Action, ActionSet, Pair, TaskState, VmState};
///
/// let at = |task| Pair { vm: VmState::Active, task: Some(task) };
/// let why = explain(at(TaskState::ImageUploading), ActionSet::EMPTY.with(Action::Snapshot),
///                   at(TaskState::ImageSnapshot)).unwrap();
/// let ops: Vec<Operation> = why.operations().collect();
/// assert!(matches!(ops[0], Operation::Action {
///     action: Action::Snapshot, origin: Origin::InFlight, end: RunEnd::Succeeded, .. }));
/// assert!(matches!(ops[1], Operation::Action {
///     action: Action::Snapshot, origin: Origin::Accepted, end: RunEnd::Unfinished, .. }));
/// ```
pub fn explain(from: Pair, in_flight: ActionSet, to: Pair) -> Option<Explanation> {
    let best = min_operations(from, in_flight, to)?;
    let plain = {
        let nothing = distance(from, Carry::Nothing, to, true);
        in_flight
            .iter()
            .filter_map(|a| distance(from, Carry::One(a), to, true))
            .fold(nothing, |b, d| Some(b.map_or(d, |b| b.min(d))))
    };
    // The run in flight first, then nothing going on.
    let carry = in_flight
        .iter()
        .map(Carry::One)
        .chain([Carry::Nothing])
        .find(|c| distance(from, *c, to, false) == Some(best))?;
    let mut out = Explanation {
        operations: [None; MAX_OPERATIONS],
        len: best,
        plain,
    };
    let (mut at, mut carry) = (from, carry);
    for slot in out.operations.iter_mut().take(usize::from(best)) {
        let left = distance(at, carry, to, false)?.checked_sub(1)?;
        // The first fitting operation of the lowest class: the runs in
        // flight come first, so one of them that succeeds or goes on ends
        // the search.
        let mut chosen: Option<(Operation, Carry)> = None;
        each_operation(at, carry, false, &mut |op, next| {
            let better = chosen.map_or(true, |(c, _)| op.class() < c.class());
            if better && distance(op.to(), next, to, false) == Some(left) {
                chosen = Some((op, next));
                return op.class() == 0;
            }
            false
        });
        let (op, next) = chosen?;
        *slot = Some(op);
        at = op.to();
        carry = next;
    }
    Some(out)
}
