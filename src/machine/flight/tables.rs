//! Compile-time views of the walks and the failure rows, for the hot paths
//! (`Pair::in_flight`, `Action::continues`, the validator's step, `WaitFor`
//! and the waiter). Each is computed by a `const fn` from the same walks and
//! rows the slow derivations read, so nothing is listed twice; the unit
//! tests of the parent module compare every entry with those derivations.
//! Every index below is bounded by a loop over a fixed-size array and is
//! evaluated at compile time: an out-of-range one would fail the build.

use super::*;

/// Positions by discriminant: the same as `index()` for these enums
/// (checked below), and cheap at compile time, where `index()` is a chain
/// of comparisons.
pub(crate) const fn action_i(action: Action) -> usize {
    action as usize
}

/// See `action_i`.
pub(crate) const fn vm_i(vm: VmState) -> usize {
    vm as usize
}

/// [`TaskState::slot`] by discriminant (see `action_i`).
pub(crate) const fn slot_i(task: Option<TaskState>) -> usize {
    match task {
        Some(task) => task as usize + 1,
        None => 0,
    }
}

/// [`Pair::index`] by discriminant (see `action_i`).
pub(crate) const fn pair_i(pair: Pair) -> usize {
    vm_i(pair.vm) * (TaskState::COUNT + 1) + slot_i(pair.task)
}

/// `task_bit` by discriminant.
const fn task_bit_c(task: Option<TaskState>) -> u64 {
    1 << slot_i(task)
}

#[allow(clippy::indexing_slicing)]
const _: () = {
    let mut i = 0;
    while i < Action::COUNT {
        assert!(action_i(Action::ALL[i]) == i);
        i += 1;
    }
    let mut i = 0;
    while i < VmState::COUNT {
        assert!(vm_i(VmState::ALL[i]) == i);
        i += 1;
    }
    let mut i = 0;
    while i < TaskState::COUNT + 1 {
        assert!(slot_i(TaskState::ALL_OR_NULL[i]) == i);
        i += 1;
    }
};

/// Whether two task fields are the same (`==` is not `const`).
pub(crate) const fn same_task(a: Option<TaskState>, b: Option<TaskState>) -> bool {
    slot_i(a) == slot_i(b)
}

/// The pair at a dense index (compile time: the index is in range).
#[allow(clippy::indexing_slicing)]
pub(crate) const fn pair_c(index: usize) -> Pair {
    Pair {
        vm: VmState::ALL[index / (TaskState::COUNT + 1)],
        task: TaskState::ALL_OR_NULL[index % (TaskState::COUNT + 1)],
    }
}

/// `walk.mid(start, vm)`, at compile time.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn mid_c(action: Action, start: VmState, vm: VmState) -> u64 {
    WALKS_REF[action_i(action)].mid[vm_i(start)][vm_i(vm)]
}

/// The walks by reference (one promoted value, not a copy per use).
const WALKS_REF: &[Walk; Action::COUNT] = &WALKS_C;

/// [`Action::in_flight_from`], at compile time.
pub(crate) const fn in_flight_from_c(
    action: Action,
    start: VmState,
    vm: VmState,
    task: Option<TaskState>,
) -> bool {
    mid_c(action, start, vm) & task_bit_c(task) != 0
}

/// [`Action::outcome`], at compile time.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn outcome_c(action: Action, start: VmState) -> VmStateSet {
    if !action.starts().contains(start) {
        return VmStateSet::EMPTY;
    }
    WALKS_REF[action_i(action)].ends[vm_i(start)]
}

/// Every start's task mask at `vm` together.
#[allow(clippy::indexing_slicing)]
const fn any_start_c(action: Action, vm: VmState) -> u64 {
    let mut mask = 0;
    let mut s = 0;
    while s < VmState::COUNT {
        mask |= mid_c(action, VmState::ALL[s], vm);
        s += 1;
    }
    mask
}

/// `ANY_START[action][vm]`: the task mask of the states the action can be
/// in flight at from some start ([`Action::in_flight`]).
#[allow(clippy::indexing_slicing)]
const ANY_START_C: [[u64; VmState::COUNT]; Action::COUNT] = {
    let mut table = [[0; VmState::COUNT]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let mut v = 0;
        while v < VmState::COUNT {
            table[a][v] = any_start_c(Action::ALL[a], VmState::ALL[v]);
            v += 1;
        }
        a += 1;
    }
    table
};
pub(super) static ANY_START: [[u64; VmState::COUNT]; Action::COUNT] = ANY_START_C;

/// [`Pair::in_flight`] by asking every action.
#[allow(clippy::indexing_slicing)]
const fn in_flight_at_c(pair: Pair) -> ActionSet {
    let mut set = ActionSet::EMPTY;
    if pair.task.is_none() && !matches!(pair.vm, VmState::Building) {
        return set;
    }
    let mut a = 0;
    while a < Action::COUNT {
        if ANY_START_C[a][vm_i(pair.vm)] & task_bit_c(pair.task) != 0 {
            set = set.with(Action::ALL[a]);
        }
        a += 1;
    }
    set
}

/// `IN_FLIGHT[pair]`: [`Pair::in_flight`].
#[allow(clippy::indexing_slicing)]
pub(super) static IN_FLIGHT: [ActionSet; Pair::COUNT] = {
    let mut table = [ActionSet::EMPTY; Pair::COUNT];
    let mut i = 0;
    while i < Pair::COUNT {
        table[i] = in_flight_at_c(pair_c(i));
        i += 1;
    }
    table
};

/// How many pairs an action can be in flight at (from any start), at most.
#[allow(clippy::indexing_slicing)]
pub(super) const MAX_FLIGHT: usize = {
    let mut max = 0;
    let mut a = 0;
    while a < Action::COUNT {
        let mut n = 0;
        let mut v = 0;
        while v < VmState::COUNT {
            n += ANY_START_C[a][v].count_ones() as usize;
            v += 1;
        }
        if n > max {
            max = n;
        }
        a += 1;
    }
    max
};
// The closure of one pair is a `u64` over the action's in-flight pairs.
const _: () = assert!(MAX_FLIGHT <= 64);

/// `FLIGHT_OFFSET[action][vm]`: the local number (below) of the action's
/// first in-flight pair at `vm`. An action's in-flight pairs are numbered
/// `0..n` in pair order; a pair's number is its row's offset plus the
/// in-flight tasks before it in the row.
#[allow(clippy::indexing_slicing)]
const FLIGHT_OFFSET_C: [[u8; VmState::COUNT]; Action::COUNT] = {
    let mut table = [[0; VmState::COUNT]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let mut n = 0;
        let mut v = 0;
        while v < VmState::COUNT {
            table[a][v] = n as u8;
            n += ANY_START_C[a][v].count_ones();
            v += 1;
        }
        a += 1;
    }
    table
};
pub(super) static FLIGHT_OFFSET: [[u8; VmState::COUNT]; Action::COUNT] = FLIGHT_OFFSET_C;

/// The local number of `pair` among `action`'s in-flight pairs, if it is one.
#[allow(clippy::indexing_slicing)]
const fn local_c(action: Action, pair: Pair) -> Option<u32> {
    let row = ANY_START_C[action_i(action)][vm_i(pair.vm)];
    let bit = task_bit_c(pair.task);
    if row & bit == 0 {
        return None;
    }
    let offset = FLIGHT_OFFSET_C[action_i(action)][vm_i(pair.vm)] as u32;
    Some(offset + (row & (bit - 1)).count_ones())
}

/// The same at run time, from the static tables.
pub(super) fn local(action: Action, pair: Pair) -> Option<u32> {
    let row = ANY_START
        .get(action_i(action))
        .and_then(|rows| rows.get(vm_i(pair.vm)))
        .copied()
        .unwrap_or(0);
    let bit = task_bit(pair.task);
    if row & bit == 0 {
        return None;
    }
    let offset = FLIGHT_OFFSET
        .get(action_i(action))
        .and_then(|rows| rows.get(vm_i(pair.vm)))
        .copied()
        .unwrap_or(0);
    Some(u32::from(offset) + (row & (bit - 1)).count_ones())
}

/// The pairs `action`'s own writes lead to from `from` (one step), as
/// local numbers (see `FLIGHT_OFFSET_C`): the step of [`Action::continues`].
#[allow(clippy::indexing_slicing)]
const fn continue_step_c(action: Action, from: Pair) -> u64 {
    let mut next = 0u64;
    let mut rest = action.edges();
    while let [edge, tail @ ..] = rest {
        rest = tail;
        if edge.api || edge.end || !same_task(edge.from, from.task) {
            continue;
        }
        let mut starts_here = false;
        let mut s = 0;
        while s < VmState::COUNT {
            let start = VmState::ALL[s];
            if edge.starts.contains(start) && in_flight_from_c(action, start, from.vm, from.task) {
                starts_here = true;
            }
            s += 1;
        }
        if !starts_here {
            continue;
        }
        let to = Pair {
            vm: match edge.vm {
                Some(vm) => vm,
                None => from.vm,
            },
            task: edge.to,
        };
        if let Some(n) = local_c(action, to) {
            next |= 1 << n;
        }
    }
    next
}

/// `CLOSURE[action][n]`: the local numbers `action`'s own writes reach
/// from its in-flight pair number `n` ([`Action::continues`]).
#[allow(clippy::indexing_slicing)]
pub(super) static CLOSURE: [[u64; MAX_FLIGHT]; Action::COUNT] = {
    let mut table = [[0; MAX_FLIGHT]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let action = Action::ALL[a];
        // The in-flight pairs, by local number, and each one's single step.
        let mut pairs = [0usize; MAX_FLIGHT];
        let mut step = [0u64; MAX_FLIGHT];
        let mut n = 0;
        let mut i = 0;
        while i < Pair::COUNT {
            if let Some(k) = local_c(action, pair_c(i)) {
                pairs[k as usize] = i;
                n += 1;
            }
            i += 1;
        }
        let mut k = 0;
        while k < n {
            step[k] = continue_step_c(action, pair_c(pairs[k]));
            k += 1;
        }
        let mut from = 0;
        while from < n {
            let mut seen = 1u64 << from;
            let mut changed = true;
            while changed {
                changed = false;
                let mut k = 0;
                while k < n {
                    if seen & (1 << k) != 0 && step[k] & !seen != 0 {
                        seen |= step[k];
                        changed = true;
                    }
                    k += 1;
                }
            }
            table[a][from] = seen;
            from += 1;
        }
        a += 1;
    }
    table
};

/// [`Action::can_fail_to`], at compile time (the same cases in the same order).
#[allow(clippy::indexing_slicing)]
pub(crate) const fn can_fail_to_c(action: Action, start: VmState, to: Pair) -> bool {
    if !action.starts().contains(start) {
        return false;
    }
    let mut rows = action.failure_phases();
    while let [row, rows_tail @ ..] = rows {
        rows = rows_tail;
        if !row.starts.contains(start) {
            continue;
        }
        let mut ends = row.ends;
        while let [end, ends_tail @ ..] = ends {
            ends = ends_tail;
            if !same_task(end.task, to.task) {
                continue;
            }
            let hit = match (end.vm, row.at) {
                (EndVm::Start, FailurePoint::Api) => vm_i(to.vm) == vm_i(start),
                (EndVm::Is(vm), FailurePoint::Api) => vm_i(vm) == vm_i(to.vm),
                (EndVm::Start, at) => in_flight_from_c(action, start, to.vm, at.task()),
                (EndVm::Is(vm), at) => {
                    let mut any = false;
                    let mut v = 0;
                    while v < VmState::COUNT {
                        any |= in_flight_from_c(action, start, VmState::ALL[v], at.task());
                        v += 1;
                    }
                    vm_i(vm) == vm_i(to.vm) && any
                }
            };
            if hit {
                return true;
            }
        }
    }
    false
}

/// Whether `action` started from `start` can be left at `to`: its success
/// end (task null), or one of its failure ends.
pub(crate) const fn can_leave_c(action: Action, start: VmState, to: Pair) -> bool {
    (to.task.is_none() && outcome_c(action, start).contains(to.vm))
        || can_fail_to_c(action, start, to)
}

/// The pairs some action can be in flight at, numbered from 1 in pair
/// order (0: none); the rows of `ENDED`.
#[allow(clippy::indexing_slicing)]
pub(super) const FLIGHT_ROW_C: ([u8; Pair::COUNT], usize) = {
    let mut table = [0u8; Pair::COUNT];
    let mut n = 0;
    let mut i = 0;
    while i < Pair::COUNT {
        let pair = pair_c(i);
        let mut a = 0;
        let mut any = false;
        while a < Action::COUNT {
            any |= ANY_START_C[a][vm_i(pair.vm)] & task_bit_c(pair.task) != 0;
            a += 1;
        }
        if any {
            n += 1;
            table[i] = n as u8;
        }
        i += 1;
    }
    (table, n + 1)
};
const _: () = assert!(FLIGHT_ROW_C.1 <= 256);

/// Whether some action can be in flight at the pair with dense index `i`.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn in_flight_somewhere_c(i: usize) -> bool {
    FLIGHT_ROW_C.0[i] != 0
}
pub(super) static FLIGHT_ROW: [u8; Pair::COUNT] = FLIGHT_ROW_C.0;

/// `LEAVE_VM[action][start]`: the vm_states `action` started from `start`
/// can be left at with no task, by its success end or one of its failures.
#[allow(clippy::indexing_slicing)]
const LEAVE_VM_C: [[VmStateSet; VmState::COUNT]; Action::COUNT] = {
    let mut table = [[VmStateSet::EMPTY; VmState::COUNT]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let mut s = 0;
        while s < VmState::COUNT {
            let mut v = 0;
            while v < VmState::COUNT {
                let to = Pair {
                    vm: VmState::ALL[v],
                    task: None,
                };
                if can_leave_c(Action::ALL[a], VmState::ALL[s], to) {
                    table[a][s] = table[a][s].with(VmState::ALL[v]);
                }
                v += 1;
            }
            s += 1;
        }
        a += 1;
    }
    table
};

/// `ENDED[FLIGHT_ROW[from]][vm]`: the actions that, in flight at `from`
/// from some start, can be left at (vm, null): by success or by one of
/// their failures.
#[allow(clippy::indexing_slicing)]
pub(super) static ENDED: [[ActionSet; VmState::COUNT]; FLIGHT_ROW_C.1] = {
    let mut table = [[ActionSet::EMPTY; VmState::COUNT]; FLIGHT_ROW_C.1];
    let mut i = 0;
    while i < Pair::COUNT {
        let row = FLIGHT_ROW_C.0[i] as usize;
        if row != 0 {
            let from = pair_c(i);
            let mut a = 0;
            while a < Action::COUNT {
                let action = Action::ALL[a];
                let mut leaves = VmStateSet::EMPTY;
                let mut s = 0;
                while s < VmState::COUNT {
                    if in_flight_from_c(action, VmState::ALL[s], from.vm, from.task) {
                        leaves = leaves.union(LEAVE_VM_C[a][s]);
                    }
                    s += 1;
                }
                let mut v = 0;
                while v < VmState::COUNT {
                    if leaves.contains(VmState::ALL[v]) {
                        table[row][v] = table[row][v].with(action);
                    }
                    v += 1;
                }
                a += 1;
            }
        }
        i += 1;
    }
    table
};

/// `LEAVES[start][vm]`: the actions that, started from `start`, can be left
/// at (vm, null): their success end or one of their failures.
#[allow(clippy::indexing_slicing)]
pub(super) static LEAVES: [[ActionSet; VmState::COUNT]; VmState::COUNT] = {
    let mut table = [[ActionSet::EMPTY; VmState::COUNT]; VmState::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        let mut s = 0;
        while s < VmState::COUNT {
            let mut v = 0;
            while v < VmState::COUNT {
                if LEAVE_VM_C[a][s].contains(VmState::ALL[v]) {
                    table[s][v] = table[s][v].with(Action::ALL[a]);
                }
                v += 1;
            }
            s += 1;
        }
        a += 1;
    }
    table
};

/// `ACCEPTS[pair]`: every action (create included) the pair accepts, for
/// a launched server.
#[allow(clippy::indexing_slicing)]
pub(super) static ACCEPTS: [ActionSet; Pair::COUNT] = {
    let mut table = [ActionSet::EMPTY; Pair::COUNT];
    let mut i = 0;
    while i < Pair::COUNT {
        let pair = pair_c(i);
        let mut a = 0;
        while a < Action::COUNT {
            if Action::ALL[a].accepts(pair.vm, pair.task, true) {
                table[i] = table[i].with(Action::ALL[a]);
            }
            a += 1;
        }
        i += 1;
    }
    table
};

/// The main path's phases of `action` by task slot: `(n, m)`, or `(0, 0)`
/// for a task that is not one of them ([`Action::phase_of`]).
#[allow(clippy::indexing_slicing)]
const fn phases_c(action: Action) -> [(u8, u8); TaskState::COUNT + 1] {
    let mut table = [(0u8, 0u8); TaskState::COUNT + 1];
    let edges = action.edges();
    let mut total = 0u8;
    let mut i = 0;
    while i < edges.len() {
        let edge = edges[i];
        if let Some(task) = edge.to {
            let mut first = 0;
            while !same_task(edges[first].to, Some(task)) {
                first += 1;
            }
            if first == i && !matches!(edge.branch, Branch::Reschedule) {
                total += 1;
                table[TaskState::slot(Some(task))] = (total, 0);
            }
        }
        i += 1;
    }
    let mut t = 0;
    while t < TaskState::COUNT + 1 {
        if table[t].0 != 0 {
            table[t].1 = total;
        }
        t += 1;
    }
    table
}

/// `PHASES[action][task slot]`, see `phases_c`.
#[allow(clippy::indexing_slicing)]
pub(super) static PHASES: [[(u8, u8); TaskState::COUNT + 1]; Action::COUNT] = {
    let mut table = [[(0, 0); TaskState::COUNT + 1]; Action::COUNT];
    let mut a = 0;
    while a < Action::COUNT {
        table[a] = phases_c(Action::ALL[a]);
        a += 1;
    }
    table
};

/// A bit set over pairs (bit [`Pair::index`]).
pub(crate) type PairBits = [u64; Pair::COUNT.div_ceil(64)];

/// The failure ends of `action` started from `start` ([`Action::failure_ends`]),
/// at compile time: per pair, the number of the first failure row that
/// leaves it, plus one (0: none), in the order `failure_ends` yields them;
/// the same pairs as a bit set; and whether any end comes from a row that
/// may stall ([`FailurePhase::may_stall`]).
#[allow(clippy::indexing_slicing)]
pub(crate) const fn failure_rows_c(
    action: Action,
    start: VmState,
) -> ([u8; Pair::COUNT], PairBits, bool) {
    let mut first = [0u8; Pair::COUNT];
    let mut set = [0u64; Pair::COUNT.div_ceil(64)];
    let mut may_stall = false;
    if !action.starts().contains(start) {
        return (first, set, may_stall);
    }
    let rows = action.failure_phases();
    let mut r = 0;
    while r < rows.len() {
        let row = &rows[r];
        r += 1;
        if !row.starts.contains(start) {
            continue;
        }
        let mut v = 0;
        while v < VmState::COUNT {
            let vm = VmState::ALL[v];
            v += 1;
            let here = match row.at {
                FailurePoint::Api => vm_i(vm) == vm_i(start),
                FailurePoint::At(task) => in_flight_from_c(action, start, vm, Some(task)),
                FailurePoint::NoTask => in_flight_from_c(action, start, vm, None),
            };
            if !here {
                continue;
            }
            let mut ends = row.ends;
            while let [end, tail @ ..] = ends {
                ends = tail;
                let i = pair_i(Pair {
                    vm: end.vm_from(vm),
                    task: end.task,
                });
                may_stall |= row.may_stall();
                if first[i] == 0 {
                    first[i] = r as u8;
                    set[i / 64] |= 1 << (i % 64);
                }
            }
        }
    }
    (first, set, may_stall)
}

/// The actions that, in flight at `from` (from some start), can be left at
/// (`vm`, null) by their success or one of their failures.
#[inline]
pub(crate) fn ended_at(from: Pair, vm: VmState) -> ActionSet {
    let row = FLIGHT_ROW.get(from.index()).copied().unwrap_or(0);
    ENDED
        .get(usize::from(row))
        .and_then(|row| row.get(vm_i(vm)))
        .copied()
        .unwrap_or(ActionSet::EMPTY)
}

/// The actions that, started from `start`, can be left at (`vm`, null).
#[inline]
pub(crate) fn leaving(start: VmState, vm: VmState) -> ActionSet {
    LEAVES
        .get(vm_i(start))
        .and_then(|row| row.get(vm_i(vm)))
        .copied()
        .unwrap_or(ActionSet::EMPTY)
}

/// Every action (create included) `pair` accepts, for a launched server.
#[inline]
pub(crate) fn accepted_at(pair: Pair) -> ActionSet {
    ACCEPTS
        .get(pair.index())
        .copied()
        .unwrap_or(ActionSet::EMPTY)
}
