//! Where an action can be: the (start vm_state, vm_state, task_state)
//! triples it passes through and the vm_states it ends in, computed at
//! compile time from its row's writes, and the views derived from them.

use crate::machine::state::Pair;
use crate::rules::edge::Branch;
use crate::rules::outcome::{EndVm, FailurePhase, FailurePoint};
use crate::wire::action::Action;
use crate::wire::microversion::Microversion;
use crate::wire::set::ActionSet;
use crate::wire::set::VmStateSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

mod tables;
pub(crate) use tables::*;

/// A task mask's bit for `task`: bit [`TaskState::slot`] (bit 0 is `null`).
const fn task_bit(task: Option<TaskState>) -> u64 {
    1 << slot_i(task)
}

/// The (start vm_state, vm_state, task_state) triples an action can be in,
/// and its end vm_states per start, computed from its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Walk {
    /// `mid[start][vm]`: task mask (see `task_bit`) of in-flight states.
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

// Compile time only, as compute_walk. A constant (not only the static below)
// so the compile-time tables can read it; at run time only the static is
// used, so it is not copied.
#[allow(clippy::indexing_slicing, clippy::large_const_arrays)]
const WALKS_C: [Walk; Action::COUNT] = {
    let mut walks = [NO_WALK; Action::COUNT];
    let mut i = 0;
    while i < Action::COUNT {
        walks[i] = compute_walk(Action::ALL[i]);
        i += 1;
    }
    walks
};

/// The walks at run time (the same value as `WALKS_C`, which the
/// compile-time tables below read).
static WALKS: [Walk; Action::COUNT] = WALKS_C;

const NO_WALK: Walk = Walk {
    mid: [[0; VmState::COUNT]; VmState::COUNT],
    ends: [VmStateSet::EMPTY; VmState::COUNT],
};

impl Walk {
    fn mid(&self, start: VmState, vm: VmState) -> u64 {
        self.mid
            .get(vm_i(start))
            .and_then(|row| row.get(vm_i(vm)))
            .copied()
            .unwrap_or(0)
    }
}

impl Action {
    fn walk(self) -> &'static Walk {
        WALKS.get(action_i(self)).unwrap_or(&NO_WALK)
    }

    /// The vm_states the action can end in when started from `start`
    /// (empty when the action does not accept `start`), at any
    /// microversion: what a validator that does not know the request's
    /// microversion must allow ([`Action::outcome_at`] narrows it to one).
    /// Actions that write no task state leave the vm_state as it was.
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
            .get(vm_i(start))
            .copied()
            .unwrap_or(VmStateSet::EMPTY)
    }

    /// The vm_states the action can end in when started from `start` by a
    /// request at `version`: [`Action::outcome`] narrowed by the row's
    /// microversion rule on its ends ([`Versions::ends`](crate::rules::Versions::ends),
    /// evacuate from 2.95). The request's default, when it names no
    /// microversion, is [`Microversion::MIN`].
    ///
    /// ```
    /// use nova_states::{Action, Microversion, VmState};
    /// let at = |minor| -> Vec<_> {
    ///     Action::Evacuate.outcome_at(VmState::Active, Microversion::new(2, minor)).iter().collect()
    /// };
    /// assert_eq!(at(94), [VmState::Active]);
    /// assert_eq!(at(95), [VmState::Stopped]);
    /// // Every other start, and every other action, as at any microversion.
    /// assert_eq!(
    ///     Action::Evacuate.outcome_at(VmState::Stopped, Microversion::MIN),
    ///     Action::Evacuate.outcome(VmState::Stopped)
    /// );
    /// ```
    pub fn outcome_at(self, start: VmState, version: Microversion) -> VmStateSet {
        let ends = self.outcome(start);
        match self
            .versions()
            .ends
            .and_then(|rule| rule.ends(start, version))
        {
            Some(at) => ends.intersection(at),
            None => ends,
        }
    }

    /// Whether the action, started from some vm_state, can be in flight at
    /// (vm, task) (after its API write and before its end).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    ///
    /// let uploading = Some(TaskState::ImageUploading);
    /// assert!(Action::Snapshot.in_flight(VmState::Active, uploading));
    /// assert!(Action::Snapshot.in_flight(VmState::Paused, uploading));
    /// assert!(!Action::Snapshot.in_flight(VmState::Active, Some(TaskState::ResizePrep)));
    /// // With no task, nothing is in flight.
    /// assert!(!Action::Snapshot.in_flight(VmState::Active, None));
    /// ```
    pub fn in_flight(self, vm: VmState, task: Option<TaskState>) -> bool {
        ANY_START
            .get(action_i(self))
            .and_then(|row| row.get(vm_i(vm)))
            .is_some_and(|mask| mask & task_bit(task) != 0)
    }

    /// Whether the action started from `start` can be in flight at (vm, task).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    ///
    /// // A resize keeps the vm_state it started from while it migrates.
    /// let migrating = Some(TaskState::ResizeMigrating);
    /// assert!(Action::Resize.in_flight_from(VmState::Stopped, VmState::Stopped, migrating));
    /// assert!(!Action::Resize.in_flight_from(VmState::Stopped, VmState::Active, migrating));
    /// ```
    pub fn in_flight_from(self, start: VmState, vm: VmState, task: Option<TaskState>) -> bool {
        self.walk().mid(start, vm) & task_bit(task) != 0
    }

    /// Whether the action, in flight at `from`, can reach `to` through its own
    /// writes, without ending and starting again: whether a poll that saw
    /// `from` and then `to` can be one run of it. Bounded work: a walk over the
    /// action's few edges with a 516-bit visited set.
    ///
    /// ```
    /// use nova_states::{Action, Pair, TaskState, VmState};
    /// let at = |task| Pair { vm: VmState::Active, task: Some(task) };
    /// let snapshot = Action::Snapshot;
    /// assert!(snapshot.continues(at(TaskState::ImageSnapshot), at(TaskState::ImageUploading)));
    /// // Back to the first phase: that is a new snapshot, not the same one.
    /// assert!(!snapshot.continues(at(TaskState::ImageUploading), at(TaskState::ImageSnapshot)));
    /// ```
    pub fn continues(self, from: Pair, to: Pair) -> bool {
        if from == to {
            return true;
        }
        let (Some(from), Some(to)) = (local(self, from), local(self, to)) else {
            return false;
        };
        CLOSURE
            .get(action_i(self))
            .and_then(|row| row.get(from as usize))
            .is_some_and(|reached| reached & (1 << to) != 0)
    }

    /// Every (vm_state, task_state) a failure of the action started from
    /// `start` can leave, with the failure row that leaves it: each row of
    /// [`Action::failure_phases`] for `start`, at every state where the
    /// action can be at that point (the API call: `start` itself, when the
    /// action accepts it). Repeats are possible (two rows can leave the
    /// same pair). Empty when the action does not accept `start`.
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    /// // A snapshot never fails into ERROR.
    /// assert!(Action::Snapshot
    ///     .failure_ends(VmState::Active)
    ///     .all(|(pair, _)| pair.vm == VmState::Active));
    /// // An unshelve of an offloaded server can leave ERROR with its task.
    /// assert!(Action::Unshelve
    ///     .failure_ends(VmState::ShelvedOffloaded)
    ///     .any(|(pair, _)| pair.vm == VmState::Error && pair.task == Some(TaskState::Unshelving)));
    /// ```
    pub fn failure_ends(
        self,
        start: VmState,
    ) -> impl Iterator<Item = (Pair, &'static FailurePhase)> {
        let action = self;
        let accepted = self.starts().contains(start);
        action
            .failure_phases()
            .iter()
            .filter(move |row| accepted && row.starts.contains(start))
            .flat_map(move |row| {
                VmState::ALL
                    .into_iter()
                    .filter(move |vm| match row.at {
                        FailurePoint::Api => *vm == start,
                        FailurePoint::At(task) => action.in_flight_from(start, *vm, Some(task)),
                        FailurePoint::NoTask => action.in_flight_from(start, *vm, None),
                    })
                    .flat_map(move |vm| {
                        row.ends.iter().map(move |end| {
                            let pair = Pair {
                                vm: end.vm_from(vm),
                                task: end.task,
                            };
                            (pair, row)
                        })
                    })
            })
    }

    /// Whether a failure of the action started from `start` can leave
    /// `to`: the same as `self.failure_ends(start).any(|(p, _)| p == to)`,
    /// without walking every end.
    ///
    /// ```
    /// use nova_states::{Action, Pair, TaskState, VmState};
    /// let error = Pair { vm: VmState::Error, task: None };
    /// assert!(Action::Rebuild.can_fail_to(VmState::Active, error));
    /// assert!(!Action::Snapshot.can_fail_to(VmState::Active, error));
    /// ```
    pub fn can_fail_to(self, start: VmState, to: Pair) -> bool {
        if !self.starts().contains(start) {
            return false;
        }
        self.failure_phases().iter().any(|row| {
            row.starts.contains(start)
                && row.ends.iter().any(|end| {
                    end.task == to.task
                        && match (end.vm, row.at) {
                            (EndVm::Start, FailurePoint::Api) => to.vm == start,
                            (EndVm::Is(vm), FailurePoint::Api) => vm == to.vm,
                            (EndVm::Start, at) => self.in_flight_from(start, to.vm, at.task()),
                            (EndVm::Is(vm), at) => {
                                vm == to.vm
                                    && VmState::ALL
                                        .iter()
                                        .any(|v| self.in_flight_from(start, *v, at.task()))
                            }
                        }
                })
        })
    }

    /// The first task_state the API writes, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState};
    ///
    /// assert_eq!(Action::Snapshot.sets_task_state(), Some(TaskState::ImageSnapshotPending));
    /// assert_eq!(Action::Stop.sets_task_state(), Some(TaskState::PoweringOff));
    /// // Attaching a volume writes no task state.
    /// assert_eq!(Action::AttachVolume.sets_task_state(), None);
    /// ```
    pub fn sets_task_state(self) -> Option<TaskState> {
        self.edges().iter().find(|e| e.api).and_then(|e| e.to)
    }

    /// The task states of the main path, in order, for "phase n of m"
    /// (branches and repeated rounds folded in).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState as T};
    ///
    /// let phases: Vec<T> = Action::Snapshot.phases().collect();
    /// assert_eq!(
    ///     phases,
    ///     [T::ImageSnapshotPending, T::ImageSnapshot, T::ImagePendingUpload, T::ImageUploading]
    /// );
    /// let phases: Vec<T> = Action::Backup.phases().collect();
    /// assert_eq!(phases, [T::ImageBackup, T::ImagePendingUpload, T::ImageUploading]);
    /// assert_eq!(Action::AttachVolume.phases().count(), 0);
    /// ```
    pub fn phases(self) -> impl Iterator<Item = TaskState> {
        let edges = self.edges();
        edges.iter().enumerate().filter_map(|(i, e)| {
            let task = e.to?;
            let first = edges.iter().position(|x| x.to == Some(task)) == Some(i);
            (first && e.branch != Branch::Reschedule).then_some(task)
        })
    }

    /// Phase n of m of `task` in `action`'s main path.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState};
    ///
    /// assert_eq!(Action::Snapshot.phase_of(TaskState::ImageUploading), Some((4, 4)));
    /// assert_eq!(Action::Backup.phase_of(TaskState::ImageUploading), Some((3, 3)));
    /// // Not a task of this action.
    /// assert_eq!(Action::Snapshot.phase_of(TaskState::ResizePrep), None);
    /// ```
    pub fn phase_of(self, task: TaskState) -> Option<(u8, u8)> {
        let phase = PHASES
            .get(action_i(self))
            .and_then(|row| row.get(slot_i(Some(task))))
            .copied()?;
        (phase.0 != 0).then_some(phase)
    }
}

impl Pair {
    /// The actions that can be in flight at a pair. A null task_state means
    /// nothing is in flight, except for a server still `building` (the build
    /// passes through a moment with no task between scheduling and networking,
    /// nova/compute/manager.py:2479-2482).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, Pair, TaskState, VmState};
    ///
    /// // image_uploading: a snapshot or a backup (shelve has its own names).
    /// let pair = Pair { vm: VmState::Active, task: Some(TaskState::ImageUploading) };
    /// let running = pair.in_flight();
    /// assert!(running.contains(Action::Snapshot) && running.contains(Action::Backup));
    /// assert!(!running.contains(Action::Shelve));
    /// // No task: nothing in flight.
    /// assert!(Pair { vm: VmState::Active, task: None }.in_flight().is_empty());
    /// ```
    pub fn in_flight(self) -> ActionSet {
        IN_FLIGHT
            .get(self.index())
            .copied()
            .unwrap_or(ActionSet::EMPTY)
    }
}

/// The derivations the tables replace, kept as they were, and tests that
/// compare every entry of every table with them.
#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::bits;

    /// [`Action::in_flight`] by asking every start's walk.
    fn in_flight_by_walking(action: Action, vm: VmState, task: Option<TaskState>) -> bool {
        VmState::ALL
            .iter()
            .any(|start| action.walk().mid(*start, vm) & task_bit(task) != 0)
    }

    /// (It returns the walk's visited set: whether `to` is in it, or is
    /// `from`, is the old `continues(from, to)`.)
    fn continues_by_walking(action: Action, from: Pair) -> [u64; Pair::COUNT.div_ceil(64)] {
        let mut seen = [0u64; Pair::COUNT.div_ceil(64)];
        bits::set(&mut seen, from.index());
        let mut changed = true;
        while changed {
            changed = false;
            for index in 0..Pair::COUNT {
                if !bits::get(&seen, index) {
                    continue;
                }
                let Some(at) = Pair::from_index(index) else {
                    continue;
                };
                for edge in action.edges().iter().filter(|e| {
                    !e.api
                        && !e.end
                        && e.from == at.task
                        && VmState::ALL.iter().any(|start| {
                            e.starts.contains(*start)
                                && action.in_flight_from(*start, at.vm, at.task)
                        })
                }) {
                    let next = Pair {
                        vm: edge.vm.unwrap_or(at.vm),
                        task: edge.to,
                    };
                    if in_flight_by_walking(action, next.vm, next.task)
                        && bits::set(&mut seen, next.index())
                    {
                        changed = true;
                    }
                }
            }
        }
        seen
    }

    /// [`Pair::in_flight`] by asking every action.
    fn pair_in_flight_by_asking(pair: Pair) -> ActionSet {
        if pair.task.is_none() && pair.vm != VmState::Building {
            return ActionSet::EMPTY;
        }
        Action::ALL
            .iter()
            .filter(|a| in_flight_by_walking(**a, pair.vm, pair.task))
            .fold(ActionSet::EMPTY, |set, a| set.with(*a))
    }

    /// [`Action::phase_of`] from [`Action::phases`].
    fn phase_by_counting(action: Action, task: TaskState) -> Option<(u8, u8)> {
        let total = action.phases().count();
        let n = action.phases().position(|t| t == task)?;
        Some((u8::try_from(n + 1).ok()?, u8::try_from(total).ok()?))
    }

    /// Whether `action` started from `start` can be left at `to`.
    fn can_leave_by_asking(action: Action, start: VmState, to: Pair) -> bool {
        (to.task.is_none() && action.outcome(start).contains(to.vm))
            || action.can_fail_to(start, to)
    }

    fn pairs() -> impl Iterator<Item = Pair> {
        (0..Pair::COUNT).filter_map(Pair::from_index)
    }

    #[test]
    fn in_flight_tables_match_the_walks() {
        for action in Action::ALL {
            for pair in pairs() {
                assert_eq!(
                    action.in_flight(pair.vm, pair.task),
                    in_flight_by_walking(action, pair.vm, pair.task),
                    "{action:?} {pair:?}"
                );
            }
        }
        for pair in pairs() {
            assert_eq!(pair.in_flight(), pair_in_flight_by_asking(pair), "{pair:?}");
        }
    }

    #[test]
    fn continues_table_matches_the_walk_for_every_pair_of_pairs() {
        for action in Action::ALL {
            for from in pairs() {
                let seen = continues_by_walking(action, from);
                for to in pairs() {
                    assert_eq!(
                        action.continues(from, to),
                        from == to || bits::get(&seen, to.index()),
                        "{action:?} {from:?} {to:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn phase_table_matches_the_phases() {
        for action in Action::ALL {
            for task in TaskState::ALL {
                assert_eq!(
                    action.phase_of(task),
                    phase_by_counting(action, task),
                    "{action:?} {task:?}"
                );
            }
        }
    }

    #[test]
    fn end_and_accept_tables_match_the_rows() {
        for from in pairs() {
            assert_eq!(
                accepted_at(from),
                Action::ALL
                    .iter()
                    .filter(|a| a.accepts(from.vm, from.task, true))
                    .fold(ActionSet::EMPTY, |set, a| set.with(*a)),
                "{from:?}"
            );
            for vm in VmState::ALL {
                let to = Pair { vm, task: None };
                let ended = Action::ALL
                    .iter()
                    .filter(|a| {
                        VmState::ALL.iter().any(|start| {
                            a.in_flight_from(*start, from.vm, from.task)
                                && can_leave_by_asking(**a, *start, to)
                        })
                    })
                    .fold(ActionSet::EMPTY, |set, a| set.with(*a));
                assert_eq!(ended_at(from, vm), ended, "{from:?} {vm:?}");
            }
        }
        for start in VmState::ALL {
            for vm in VmState::ALL {
                let to = Pair { vm, task: None };
                let leaving_by_asking = Action::ALL
                    .iter()
                    .filter(|a| can_leave_by_asking(**a, start, to))
                    .fold(ActionSet::EMPTY, |set, a| set.with(*a));
                assert_eq!(leaving(start, vm), leaving_by_asking, "{start:?} {vm:?}");
            }
        }
    }

    #[test]
    fn compile_time_failure_and_outcome_match_the_run_time_ones() {
        for action in Action::ALL {
            for start in VmState::ALL {
                assert_eq!(outcome_c(action, start), action.outcome(start));
                for to in pairs() {
                    assert_eq!(
                        can_fail_to_c(action, start, to),
                        action.can_fail_to(start, to),
                        "{action:?} {start:?} {to:?}"
                    );
                    assert_eq!(
                        can_fail_to_c(action, start, to),
                        action.failure_ends(start).any(|(p, _)| p == to),
                        "{action:?} {start:?} {to:?}"
                    );
                }
            }
        }
    }

    /// The tables' size, printed for docs/performance.md
    /// (`cargo test -p nova-states --lib table_sizes -- --nocapture`).
    #[test]
    fn table_sizes() {
        let bytes = core::mem::size_of_val(&ANY_START)
            + core::mem::size_of_val(&IN_FLIGHT)
            + core::mem::size_of_val(&FLIGHT_OFFSET)
            + core::mem::size_of_val(&CLOSURE)
            + core::mem::size_of_val(&FLIGHT_ROW)
            + core::mem::size_of_val(&ENDED)
            + core::mem::size_of_val(&LEAVES)
            + core::mem::size_of_val(&ACCEPTS)
            + core::mem::size_of_val(&PHASES);
        std::println!(
            "flight tables: {bytes} bytes (MAX_FLIGHT {MAX_FLIGHT}, flight rows {})",
            FLIGHT_ROW_C.1
        );
        assert!(bytes < 64 * 1024);
    }
}
