//! The fewest operations behind a step (`machine::distance`), checked
//! against the relation itself: a brute-force search over every reachable
//! `ServerState`, event by event through `apply`, counting operations by
//! the rules the module docs state, for every pair of possible pairs and
//! every run that may be in flight at the first; every explanation is
//! replayed through `apply` and `Run`. Then the cases by name.

use std::collections::VecDeque;

use nova_states::machine::{
    enabled, explain, min_operations, reachable_from_build, Operation, Origin, Run, RunEnd,
};
use nova_states::rules::FailurePoint;
use nova_states::{
    apply, Action, ActionSet, Event, Pair, PowerState, ServerState, TaskState, Validator, VmState,
};

/// What may go on at a node of the search.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// Before any operation, or after one ended: these actions (in flight
    /// at the state) may write, counted once.
    Free(ActionSet),
    /// This run is counted: its own writes and failures are free.
    Running(Action, VmState),
}

const RUNNING_BASE: usize = 1 + Action::COUNT;

fn ctx_slots() -> usize {
    RUNNING_BASE + Action::COUNT * VmState::COUNT
}

/// A small dense key for the ctx: `Free` with nothing, all in flight or
/// one action; `Running` per (action, start).
fn ctx_key(ctx: Ctx) -> usize {
    match ctx {
        Ctx::Free(set) if set.is_empty() => 0,
        Ctx::Free(set) if set.len() == 1 => 1 + set.iter().next().unwrap().index(),
        // "Any": every action in flight at the state (after a power sync or
        // a compute restart, the only way to more than one).
        Ctx::Free(_) => ctx_slots(),
        Ctx::Running(a, v) => RUNNING_BASE + a.index() * VmState::COUNT + v.index(),
    }
}

fn pair(s: ServerState) -> Pair {
    Pair {
        vm: s.vm,
        task: s.task,
    }
}

/// The starts `v` for which `event` is one of `Run { action, start: v }`'s
/// own writes or failures in `state`.
fn run_starts(action: Action, state: ServerState, event: Event) -> Vec<VmState> {
    VmState::ALL
        .into_iter()
        .filter(|v| {
            let run = Run { action, start: *v };
            run.next_writes(state).any(|(e, _)| e == event)
                || run.failures(state).any(|(e, _)| e == event)
        })
        .collect()
}

/// One event the relation takes in a state, sorted by how it counts.
#[derive(Clone)]
enum Move {
    /// An admin reset-state (the event, or os-resetState's own writes).
    Reset,
    /// A new request: a new run from this state's vm_state.
    Request(Action),
    /// A failure in the API: a whole operation.
    ApiFailure,
    /// One of a run's own writes (`fails`: one of its failures), for these starts.
    Own {
        action: Action,
        starts: Vec<VmState>,
        fails: bool,
    },
    /// A power observation or a compute restart (`fails`: its own failure),
    /// and what is in flight where it leaves the server.
    Compute { fails: bool, then: ActionSet },
}

/// The steps from a node: (cost, next state, next ctx).
fn moves(
    state: ServerState,
    ctx: Ctx,
    plain: bool,
    events: &[(Move, ServerState)],
    out: &mut Vec<(u8, ServerState, Ctx)>,
) {
    out.clear();
    let nothing = Ctx::Free(ActionSet::EMPTY);
    for (m, next) in events {
        let next = *next;
        match m {
            Move::Reset if !plain => out.push((1, next, nothing)),
            Move::Reset => {}
            Move::Request(action) => out.push((1, next, Ctx::Running(*action, state.vm))),
            Move::ApiFailure if !plain => out.push((1, next, nothing)),
            Move::ApiFailure => {}
            Move::Own { fails: true, .. } if plain => {}
            Move::Own {
                action,
                starts,
                fails,
            } => {
                for v in starts {
                    let after = if *fails {
                        nothing
                    } else {
                        Ctx::Running(*action, *v)
                    };
                    match ctx {
                        Ctx::Running(a, start) if a == *action && start == *v => {
                            out.push((0, next, after));
                        }
                        Ctx::Free(set) if set.contains(*action) => out.push((1, next, after)),
                        _ => {}
                    }
                }
            }
            Move::Compute { fails: true, .. } if plain => {}
            Move::Compute { then, .. } => out.push((1, next, Ctx::Free(*then))),
        }
    }
}

/// What one event is, for counting.
fn classify(state: ServerState, event: Event, next: ServerState) -> Move {
    let then = pair(next).in_flight();
    match event {
        Event::Accept(Action::ResetState)
        | Event::Write {
            action: Action::ResetState,
            ..
        }
        | Event::ResetState(_) => Move::Reset,
        Event::Accept(action) => Move::Request(action),
        // An API write after the first is a second request of the action.
        Event::Write { action, edge } if action.edges()[usize::from(edge)].api => {
            Move::Request(action)
        }
        Event::Write { action, .. } => Move::Own {
            action,
            starts: run_starts(action, state, event),
            fails: false,
        },
        Event::Fail { action, phase, .. } => {
            let row = &action.failure_phases()[usize::from(phase)];
            if matches!(row.at, FailurePoint::Api) {
                Move::ApiFailure
            } else {
                Move::Own {
                    action,
                    starts: run_starts(action, state, event),
                    fails: true,
                }
            }
        }
        Event::PowerObserved(_) => Move::Compute { fails: false, then },
        // A restart that errors out a build or a rebuild is a failure too.
        Event::ComputeRestart(_) => Move::Compute {
            fails: next.vm == VmState::Error && state.vm != VmState::Error,
            then,
        },
        Event::ComputeRestartFails(_) => Move::Compute { fails: true, then },
    }
}

struct Search {
    states: Vec<ServerState>,
    /// Dense index of each reachable state.
    dense: Vec<usize>,
    events: Vec<Vec<(Move, ServerState)>>,
}

impl Search {
    fn new() -> Search {
        let states: Vec<ServerState> = reachable_from_build().iter().collect();
        let mut dense = vec![usize::MAX; ServerState::COUNT];
        let mut events = Vec::new();
        for (i, s) in states.iter().enumerate() {
            dense[s.index()] = i;
            events.push(enabled(*s).map(|(e, n)| (classify(*s, e, n), n)).collect());
        }
        Search {
            states,
            dense,
            events,
        }
    }

    /// Fewest operations from every reachable state with pair `from`, with
    /// `carry` in flight, to every pair (0-1 breadth-first search).
    fn distances(&self, from: Pair, carry: ActionSet, plain: bool) -> Vec<Option<u8>> {
        let slots = ctx_slots() + 1;
        let mut dist = vec![u8::MAX; self.states.len() * slots];
        let mut queue = VecDeque::new();
        for s in self.states.iter().filter(|s| pair(**s) == from) {
            dist[self.dense[s.index()] * slots + ctx_key(Ctx::Free(carry))] = 0;
            queue.push_back((*s, Ctx::Free(carry), 0u8));
        }
        let mut best = vec![None; Pair::COUNT];
        let mut out = Vec::new();
        while let Some((s, ctx, d)) = queue.pop_front() {
            let i = self.dense[s.index()];
            if dist[i * slots + ctx_key(ctx)] < d {
                continue;
            }
            let b: &mut Option<u8> = &mut best[pair(s).index()];
            if b.map_or(true, |b| d < b) {
                *b = Some(d);
            }
            moves(s, ctx, plain, &self.events[i], &mut out);
            for &(cost, next, nctx) in &out {
                let key = self.dense[next.index()] * slots + ctx_key(nctx);
                if d + cost < dist[key] {
                    dist[key] = d + cost;
                    if cost == 0 {
                        queue.push_front((next, nctx, d));
                    } else {
                        queue.push_back((next, nctx, d + 1));
                    }
                }
            }
        }
        best
    }
}

fn possible() -> Vec<Pair> {
    (0..Pair::COUNT)
        .filter_map(Pair::from_index)
        .filter(|p| p.is_possible())
        .collect()
}

/// The pair-level transitions do not depend on the power state the server
/// had: what the distances being over pairs rests on.
#[test]
fn pair_transitions_ignore_the_power_state_held() {
    for state in reachable_from_build().iter() {
        for power in PowerState::ALL {
            let other = ServerState { power, ..state };
            for (event, next) in enabled(state) {
                let there = apply(other, event).map(pair);
                assert_eq!(there, Ok(pair(next)), "{state} vs {other}, {event:?}");
            }
        }
    }
}

/// Replays `ops` from every reachable state with pair `from`: each
/// operation must be performable, event by event through `apply` and the
/// run's own writes, from where the previous left the server, and the last
/// must leave `to`.
fn replay(states: &[ServerState], from: Pair, in_flight: ActionSet, ops: &[Operation], to: Pair) {
    let mut at: Vec<ServerState> = states
        .iter()
        .copied()
        .filter(|s| pair(*s) == from)
        .collect();
    let mut previous: Option<Operation> = None;
    for (i, op) in ops.iter().enumerate() {
        let mut next_states = Vec::new();
        for s in &at {
            next_states.extend(perform(*s, *op, i == 0, in_flight, previous));
        }
        next_states.sort();
        next_states.dedup();
        assert!(
            !next_states.is_empty(),
            "{from:?} -> {to:?}: operation {i} ({op}) cannot be performed: {ops:?}"
        );
        at = next_states;
        previous = Some(*op);
    }
    assert!(
        at.iter().any(|s| pair(*s) == to),
        "{from:?} -> {to:?}: {ops:?} does not end there"
    );
}

/// The states `op` can leave, performed from `s`.
fn perform(
    s: ServerState,
    op: Operation,
    first: bool,
    in_flight: ActionSet,
    previous: Option<Operation>,
) -> Vec<ServerState> {
    let ok = |e: Event| apply(s, e).ok().filter(|n| pair(*n) == op.to());
    match op {
        Operation::PowerSync { observed, .. } => {
            ok(Event::PowerObserved(observed)).into_iter().collect()
        }
        Operation::ComputeRestart {
            driver,
            fails,
            errored,
            ..
        } => {
            assert_eq!(
                errored,
                fails || (op.to().vm == VmState::Error && s.vm != VmState::Error)
            );
            ok(if fails {
                Event::ComputeRestartFails(driver)
            } else {
                Event::ComputeRestart(driver)
            })
            .into_iter()
            .collect()
        }
        Operation::ResetState(vm) => ok(Event::ResetState(vm)).into_iter().collect(),
        Operation::Action {
            action,
            origin,
            end,
            to,
        } => {
            // (state, run) pairs to go on from, after the operation's first step.
            let mut runs: Vec<(ServerState, Run, bool)> = Vec::new();
            let mut out = Vec::new();
            match origin {
                Origin::Accepted => {
                    if let Ok(n) = apply(s, Event::Accept(action)) {
                        let done = action.edges().iter().find(|e| e.api).is_some_and(|e| e.end);
                        if pair(n) == to
                            && (done == matches!(end, RunEnd::Succeeded))
                            && !matches!(end, RunEnd::Failed { .. })
                        {
                            out.push(n);
                        }
                        if !done {
                            runs.push((
                                n,
                                Run {
                                    action,
                                    start: s.vm,
                                },
                                true,
                            ));
                        }
                    }
                    if let RunEnd::Failed { phase } = end {
                        let row = &action.failure_phases()[usize::from(phase)];
                        if matches!(row.at, FailurePoint::Api) {
                            for e in 0..row.ends.len() {
                                let event = Event::Fail {
                                    action,
                                    phase,
                                    end: e as u8,
                                };
                                out.extend(ok(event));
                            }
                        }
                    }
                }
                Origin::InFlight | Origin::HandedOver => {
                    let allowed = match origin {
                        Origin::InFlight => first && in_flight.contains(action),
                        _ => matches!(
                            previous,
                            Some(Operation::PowerSync { .. } | Operation::ComputeRestart { .. })
                        ),
                    };
                    assert!(allowed, "{op} is not allowed here");
                    for v in VmState::ALL {
                        if action.in_flight_from(v, s.vm, s.task) {
                            runs.push((s, Run { action, start: v }, false));
                        }
                    }
                }
            }
            // Follow each run's own writes; at least one for a run in flight.
            let mut seen = Vec::new();
            while let Some((state, run, _)) = runs.pop() {
                if seen.contains(&(state, run)) {
                    continue;
                }
                seen.push((state, run));
                for (event, n) in run.next_writes(state) {
                    let Event::Write { edge, .. } = event else {
                        unreachable!()
                    };
                    let done = action.edges()[usize::from(edge)].end;
                    let fits = match end {
                        RunEnd::Succeeded => done,
                        RunEnd::Unfinished => !done,
                        RunEnd::Failed { .. } => false,
                    };
                    if fits && pair(n) == to {
                        out.push(n);
                    }
                    if !done {
                        runs.push((n, run, true));
                    }
                }
                if let RunEnd::Failed { phase } = end {
                    for (event, n) in run.failures(state) {
                        if matches!(event, Event::Fail { phase: p, .. } if p == phase)
                            && pair(n) == to
                        {
                            out.push(n);
                        }
                    }
                }
            }
            out
        }
    }
}

/// Every entry of the table, and every explanation, against the search.
#[test]
fn distance_matches_brute_force() {
    let search = Search::new();
    let pairs = possible();
    let mut checked = 0;
    let mut longest = 0;
    for from in &pairs {
        let carries = std::iter::once(None).chain(from.in_flight().iter().map(Some));
        for carry in carries {
            let in_flight = carry.map_or(ActionSet::EMPTY, |a| ActionSet::EMPTY.with(a));
            let full = search.distances(*from, in_flight, false);
            let plain = search.distances(*from, in_flight, true);
            for to in &pairs {
                let expected = full[to.index()];
                assert_eq!(
                    min_operations(*from, in_flight, *to),
                    expected,
                    "{from:?} ({carry:?}) -> {to:?}"
                );
                let why = explain(*from, in_flight, *to);
                assert_eq!(why.map(|w| w.len()), expected, "{from:?} -> {to:?}");
                let Some(why) = why else { continue };
                assert_eq!(
                    why.plain(),
                    plain[to.index()],
                    "{from:?} ({carry:?}) -> {to:?}"
                );
                let ops: Vec<Operation> = why.operations().collect();
                assert_eq!(ops.len(), usize::from(why.len()));
                // Only a failure or a reset: the explanation holds one.
                if why.plain().is_none() {
                    assert!(ops.iter().any(|op| op.is_failure_or_reset()), "{ops:?}");
                }
                assert!(why.plain().map_or(true, |p| p >= why.len()));
                replay(&search.states, *from, in_flight, &ops, *to);
                longest = longest.max(ops.len());
                checked += 1;
            }
        }
    }
    assert!(checked > 147 * 147, "{checked}");
    assert!((3..nova_states::machine::MAX_OPERATIONS).contains(&longest));
}

fn at(vm: VmState, task: Option<TaskState>) -> Pair {
    Pair { vm, task }
}

/// The case: a resize seen migrating, then the server shelved and
/// offloaded 3 s later: the resize did not end there (no resize ends
/// shelved_offloaded); it failed back to active and a shelve ran.
#[test]
fn resize_migrating_then_shelved_offloaded_is_a_rolled_back_resize_then_a_shelve() {
    let migrating = at(VmState::Active, Some(TaskState::ResizeMigrating));
    let offloaded = at(VmState::ShelvedOffloaded, None);
    let in_flight = ActionSet::EMPTY.with(Action::Resize);
    assert!(!Action::Resize
        .outcome(VmState::Active)
        .contains(VmState::ShelvedOffloaded));
    let why = explain(migrating, in_flight, offloaded).unwrap();
    let ops: Vec<Operation> = why.operations().collect();
    assert_eq!(ops.len(), 2, "{ops:?}");
    let Operation::Action {
        action: Action::Resize,
        origin: Origin::InFlight,
        end: RunEnd::Failed { phase },
        to,
    } = ops[0]
    else {
        panic!("{ops:?}")
    };
    let row = &Action::Resize.failure_phases()[usize::from(phase)];
    assert_eq!(row.at, FailurePoint::At(TaskState::ResizeMigrating));
    assert_eq!(to, at(VmState::Active, None));
    assert!(matches!(
        ops[1],
        Operation::Action {
            action: Action::Shelve,
            origin: Origin::Accepted,
            end: RunEnd::Succeeded,
            to,
        } if to == offloaded
    ));
    // Never "resize ended": no single operation explains it.
    assert!(ops.iter().all(|op| !matches!(
        op,
        Operation::Action {
            action: Action::Resize,
            end: RunEnd::Succeeded,
            ..
        }
    )));
    // Without a failure it takes as many: an evacuate, which Nova accepts in
    // any task_state (`task_state=None` at nova/compute/api.py:5707-5708),
    // then the shelve; the run in flight is preferred.
    assert_eq!(why.plain(), Some(2));
    assert!(!why.only_by_failure_or_reset());

    // Then (active, image_snapshot): an unshelve, then a snapshot.
    let snapshot = at(VmState::Active, Some(TaskState::ImageSnapshot));
    let why = explain(offloaded, ActionSet::EMPTY, snapshot).unwrap();
    let ops: Vec<Operation> = why.operations().collect();
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(matches!(
        ops[0],
        Operation::Action {
            action: Action::Unshelve,
            end: RunEnd::Succeeded,
            ..
        }
    ));
    assert!(matches!(
        ops[1],
        Operation::Action {
            action: Action::Snapshot,
            end: RunEnd::Unfinished,
            ..
        }
    ));
}

/// The case: uploading, then image_snapshot 3 s later: one snapshot
/// ended and another began: 2 operations.
#[test]
fn snapshot_restarting_between_two_polls_takes_two_operations() {
    let uploading = at(VmState::Active, Some(TaskState::ImageUploading));
    let snapshot = at(VmState::Active, Some(TaskState::ImageSnapshot));
    let mut v = Validator::new();
    let obs = |task| nova_states::Observation {
        vm: VmState::Active,
        task,
        power: None,
        status: None,
    };
    v.observe(obs(None)).unwrap();
    v.observe(obs(Some(TaskState::ImageSnapshot))).unwrap();
    v.observe(obs(Some(TaskState::ImageUploading))).unwrap();
    let why = v.explain(snapshot).unwrap();
    v.observe(obs(Some(TaskState::ImageSnapshot))).unwrap();
    assert_eq!(why.len(), 2);
    assert_eq!(min_operations(uploading, v.current(), snapshot), Some(2));
    let ops: Vec<Operation> = why.operations().collect();
    assert!(matches!(
        ops[0],
        Operation::Action {
            action: Action::Snapshot,
            origin: Origin::InFlight,
            end: RunEnd::Succeeded,
            ..
        }
    ));
    assert!(matches!(
        ops[1],
        Operation::Action {
            action: Action::Snapshot,
            origin: Origin::Accepted,
            ..
        }
    ));
    // The next upload is the same snapshot going on: one write, one operation.
    let next = v.explain(uploading).unwrap();
    assert_eq!(next.len(), 1);
    assert!(next.is_obvious());
}

/// A step only a failure or an admin reset explains is told apart.
#[test]
fn error_from_an_active_server_is_only_a_failure_or_a_reset() {
    let active = at(VmState::Active, None);
    let error = at(VmState::Error, None);
    let why = explain(active, ActionSet::EMPTY, error).unwrap();
    assert_eq!(why.len(), 1);
    assert!(why.only_by_failure_or_reset());
    assert!(why.operations().all(|op| op.is_failure_or_reset()));
    // A deleted server comes back by nothing.
    assert_eq!(
        explain(at(VmState::Deleted, None), ActionSet::EMPTY, active),
        None
    );
}
