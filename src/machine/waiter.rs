//! "Is my operation done, failed, or still running?": a [`Waiter`] for one
//! action the caller started, fed one observation at a time (the rules are
//! on [`Waiter`]).

use crate::machine::flight::{self, PairBits};
use crate::machine::state::{Pair, ServerState};
use crate::machine::wait::WaitFor;
use crate::rules::compute::{restart_decision, restart_failure, retried_as};
use crate::rules::outcome::{Driver, Mechanism};
use crate::wire::action::Action;
use crate::wire::microversion::Microversion;
use crate::wire::power::PowerState;
use crate::wire::set::VmStateSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The four answers of a [`Waiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitProgress {
    /// The action can still be running.
    InProgress,
    /// The server is in a state the action's success leaves.
    Done,
    /// The action failed (or a restart or a delete cut it short).
    Failed,
    /// This observation cannot happen during or after this action.
    Impossible,
}

impl WaitProgress {
    /// The lower-case name (`in_progress`, `done`, `failed`, `impossible`).
    ///
    /// ```
    /// use nova_states::machine::WaitProgress;
    /// assert_eq!(WaitProgress::InProgress.as_str(), "in_progress");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            WaitProgress::InProgress => "in_progress",
            WaitProgress::Done => "done",
            WaitProgress::Failed => "failed",
            WaitProgress::Impossible => "impossible",
        }
    }

    /// Whether the answer is final (done or failed).
    ///
    /// ```
    /// use nova_states::machine::WaitProgress;
    /// assert!(WaitProgress::Failed.is_final() && !WaitProgress::InProgress.is_final());
    /// ```
    pub const fn is_final(self) -> bool {
        matches!(self, WaitProgress::Done | WaitProgress::Failed)
    }
}

/// Why a [`Waiter`] answered as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitReason {
    /// In flight at this task_state (`None`: a moment with no task in the
    /// middle of the action, such as a stopped server's rebuild at
    /// (active, null) before it is powered off).
    Phase(Option<TaskState>),
    /// Ended in this vm_state, the action's success end. `fault_possible`:
    /// a failure can leave this very state too (see [`Waiter`]); the
    /// server is in the success state, and a fault may be recorded.
    Ended {
        /// The vm_state.
        vm: VmState,
        /// Whether a failure can leave the same state.
        fault_possible: bool,
    },
    /// A failure of the action left this state, by this mechanism (the
    /// first failure row that leaves it).
    Failure(Mechanism),
    /// A compute restart in the middle of the action left this state.
    ComputeRestart,
    /// A compute restart retried the action as this one (a soft reboot as
    /// hard: [`crate::rules::retried_as`]), in flight here; Nova carries on.
    Retried(Action),
    /// A delete pre-empted the action.
    Deleted,
    /// Neither the action nor its failures, a restart or a delete leave it.
    Unexplained,
}

impl core::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WaitReason::Phase(Some(task)) => write!(f, "in flight at task_state {task}"),
            WaitReason::Phase(None) => {
                f.write_str("in flight between two tasks (task_state null, more writes follow)")
            }
            WaitReason::Ended {
                vm,
                fault_possible: false,
            } => write!(f, "ended in {vm}"),
            WaitReason::Ended {
                vm,
                fault_possible: true,
            } => write!(
                f,
                "ended in {vm}, the success state; a failure can leave it too: check fault"
            ),
            WaitReason::Failure(mechanism) => f.write_str(mechanism.describe()),
            WaitReason::ComputeRestart => f.write_str("a compute restart cut the action short"),
            WaitReason::Retried(next) => {
                write!(f, "a compute restart retried it as {next}, in flight here")
            }
            WaitReason::Deleted => f.write_str("a delete pre-empted the action"),
            WaitReason::Unexplained => {
                f.write_str("neither the action, its failures, a restart nor a delete leave this")
            }
        }
    }
}

/// One answer: the verdict and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitAnswer {
    /// The verdict.
    pub progress: WaitProgress,
    /// Why.
    pub reason: WaitReason,
}

/// Follows one action the caller started, one observation at a time, with
/// O(1) state and no allocation.
///
/// The answer for an observation is read from the same facts as
/// [`WaitFor`](crate::WaitFor): the compile-time walk of the action's
/// writes ([`Action::in_flight_from`], [`Action::outcome`]), its failure
/// rows ([`Action::failure_phases`], [`Action::can_fail_to`]), the compute
/// restart's recovery ([`restart_decision`](crate::rules::restart_decision),
/// [`restart_failure`](crate::rules::restart_failure)) and a
/// delete that pre-empts the task. In that order:
///
/// 1. A success end of the action (task_state null, a vm_state the action
///    ends in from its start): [`WaitProgress::Done`]. When a failure can
///    leave the same state (a final save that fails and whose dirty fields
///    the revert writes, a reboot that failed with the guest running, a
///    snapshot whose task was cleared), the state *is* the success state and
///    the reason says a fault may be recorded
///    ([`WaitReason::Ended`] with `fault_possible`): look at `fault` or at
///    the image.
/// 2. A state the action is in flight at (including the moments with no
///    task in the middle of it: a rebuild or evacuate of a stopped server
///    passes through (active, null) before powering off):
///    [`WaitProgress::InProgress`]. A task a failure left set with nothing
///    to finish it looks the same: [`Waiter::may_stall`] says whether that
///    can happen.
/// 3. A state only a failure of the action, a compute restart in its middle,
///    or a delete that pre-empted it leaves: [`WaitProgress::Failed`].
/// 4. Anything else: [`WaitProgress::Impossible`], and the waiter does not
///    move.
///
/// Once [`WaitProgress::Done`] or [`WaitProgress::Failed`], the waiter
/// stays there: what follows is another operation's doing. Each
/// observation is judged by its own (vm_state, task_state) against the
/// start, so gaps between polls change nothing.
///
/// ```
/// use nova_states::machine::{WaitProgress, Waiter};
/// use nova_states::{Action, TaskState, VmState};
/// let mut w = Waiter::new(Action::Stop, VmState::Active);
/// let a = w.observe(VmState::Active, Some(TaskState::PoweringOff));
/// assert_eq!(a.progress, WaitProgress::InProgress);
/// let a = w.observe(VmState::Stopped, None);
/// assert_eq!(a.progress, WaitProgress::Done);
/// // Done stays: a later start is another operation.
/// assert_eq!(w.observe(VmState::Active, None).progress, WaitProgress::Done);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Waiter {
    action: Action,
    start: VmState,
    ends: VmStateSet,
    /// The ends a failure (or a restart) can leave too.
    fault_ends: VmStateSet,
    /// Whether the action accepts `start` at all.
    accepted: bool,
    last: Option<WaitAnswer>,
    /// Entries into a capture task seen so far (saturating).
    captures: u8,
    /// The previous observation's task slot ([`TaskState::slot`]).
    prev_slot: u8,
    /// Per [`Driver::ALL`] index: the image no longer depends on the guest.
    safe: u8,
    /// Per [`Driver::ALL`] index: whether the action captures a disk there
    /// ([`Action::disk_capture`]).
    capturing: u8,
    /// The task slot whose entries are counted: the first driver's
    /// `during` (libvirt's standard path, where the occurrence matters), or
    /// `NO_SLOT`.
    count_slot: u8,
    /// Per [`Driver::ALL`] index: the task slot of the capture's
    /// `safe_from`, or `NO_SLOT`.
    safe_slot: [u8; 3],
    /// Per [`Driver::ALL`] index: the entries needed before `safe_from`
    /// counts (0 when the first one does: occurrence at most 1).
    need: [u8; 3],
}

/// No task slot (slots are below 43: 42 task states and null).
const NO_SLOT: u8 = u8::MAX;

/// A task's slot as a byte.
fn slot_byte(task: Option<TaskState>) -> u8 {
    u8::try_from(flight::slot_i(task)).unwrap_or(NO_SLOT)
}

impl Waiter {
    /// A waiter for `action` started from `start`, at the API's default
    /// microversion (2.1, what Nova assumes when the request names none).
    ///
    /// ```
    /// use nova_states::machine::{WaitProgress, Waiter};
    /// use nova_states::{Action, VmState};
    /// let mut w = Waiter::new(Action::Evacuate, VmState::Active);
    /// assert_eq!(w.observe(VmState::Active, None).progress, WaitProgress::Done);
    /// ```
    pub fn new(action: Action, start: VmState) -> Waiter {
        Waiter::at(action, start, Microversion::MIN)
    }

    /// A waiter for `action` started from `start` at `version`, done at
    /// [`Action::outcome_at`]: evacuate at 2.95 or later stops an active
    /// server at the end (its target_state), so (active, null) is then a
    /// moment in its middle.
    ///
    /// ```
    /// use nova_states::machine::{WaitProgress, Waiter};
    /// use nova_states::{Action, Microversion, VmState};
    /// let mut w = Waiter::at(Action::Evacuate, VmState::Active, Microversion::new(2, 95));
    /// assert_eq!(w.observe(VmState::Active, None).progress, WaitProgress::InProgress);
    /// assert_eq!(w.observe(VmState::Stopped, None).progress, WaitProgress::Done);
    /// ```
    pub fn at(action: Action, start: VmState, version: Microversion) -> Waiter {
        let ends = action.outcome_at(start, version);
        let mut waiter = Waiter {
            action,
            start,
            ends,
            fault_ends: VmStateSet::EMPTY,
            accepted: action.starts().contains(start),
            last: None,
            captures: 0,
            prev_slot: slot_byte(None),
            safe: 0,
            capturing: 0,
            count_slot: NO_SLOT,
            safe_slot: [NO_SLOT; 3],
            need: [0; 3],
        };
        let slots = waiter.safe_slot.iter_mut().zip(waiter.need.iter_mut());
        for (i, ((safe_slot, need), driver)) in slots.zip(Driver::ALL).enumerate() {
            let Some(capture) = action.disk_capture(driver) else {
                continue;
            };
            waiter.capturing |= 1 << i;
            if i == 0 {
                waiter.count_slot = slot_byte(Some(capture.during));
            }
            *safe_slot = capture.safe_from.map_or(NO_SLOT, |t| slot_byte(Some(t)));
            *need = if capture.occurrence <= 1 {
                0
            } else {
                capture.occurrence
            };
        }
        for vm in ends.iter() {
            // A failure (or a compute restart) can leave (vm, null) too.
            if fail_code(action, start, Pair { vm, task: None }) != NO_FAILURE {
                waiter.fault_ends = waiter.fault_ends.with(vm);
            }
        }
        waiter
    }

    /// The action.
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, VmState};
    /// assert_eq!(Waiter::new(Action::Stop, VmState::Active).action(), Action::Stop);
    /// ```
    pub const fn action(&self) -> Action {
        self.action
    }

    /// The vm_state the action started from.
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, VmState};
    /// assert_eq!(Waiter::new(Action::Stop, VmState::Active).start(), VmState::Active);
    /// ```
    pub const fn start(&self) -> VmState {
        self.start
    }

    /// The vm_states the action ends in from its start (at the waiter's
    /// microversion).
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, VmState};
    /// let w = Waiter::new(Action::Rebuild, VmState::Stopped);
    /// assert_eq!(w.ends().iter().collect::<Vec<_>>(), [VmState::Stopped]);
    /// ```
    pub const fn ends(&self) -> VmStateSet {
        self.ends
    }

    /// The last answer that was not [`WaitProgress::Impossible`], if any.
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, VmState};
    /// assert_eq!(Waiter::new(Action::Stop, VmState::Active).last(), None);
    /// ```
    pub const fn last(&self) -> Option<WaitAnswer> {
        self.last
    }

    /// Whether a failure can leave a task set that nothing will finish
    /// (then [`WaitProgress::InProgress`] can last for ever: do not wait
    /// without a deadline).
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, VmState};
    /// assert!(Waiter::new(Action::Evacuate, VmState::Active).may_stall());
    /// ```
    pub fn may_stall(&self) -> bool {
        WaitFor::new(self.action, self.start).may_stall
    }

    /// Judges one observation (power_state and status are not needed: the
    /// pair decides), by the rules on [`Waiter`].
    ///
    /// ```
    /// use nova_states::machine::{WaitProgress, WaitReason, Waiter};
    /// use nova_states::{Action, TaskState, VmState};
    /// // A failed unshelve keeps its task under ERROR: failed, not running.
    /// let mut w = Waiter::new(Action::Unshelve, VmState::ShelvedOffloaded);
    /// let a = w.observe(VmState::Error, Some(TaskState::Unshelving));
    /// assert_eq!(a.progress, WaitProgress::Failed);
    /// assert!(matches!(a.reason, WaitReason::Failure(_)));
    /// ```
    pub fn observe(&mut self, vm: VmState, task: Option<TaskState>) -> WaitAnswer {
        if let Some(last) = self.last {
            if last.progress.is_final() {
                return last;
            }
        }
        let answer = self.judge(Pair { vm, task });
        if answer.progress != WaitProgress::Impossible {
            self.track_capture(task, answer.progress);
            self.last = Some(answer);
        }
        answer
    }

    /// What `pair` means for the action, without moving the waiter.
    ///
    /// ```
    /// use nova_states::machine::{WaitProgress, Waiter};
    /// use nova_states::{Action, Pair, VmState};
    /// // A failed stop shows ACTIVE again, task null.
    /// let w = Waiter::new(Action::Stop, VmState::Active);
    /// let a = w.judge(Pair { vm: VmState::Active, task: None });
    /// assert_eq!(a.progress, WaitProgress::Failed);
    /// ```
    #[inline]
    pub fn judge(&self, pair: Pair) -> WaitAnswer {
        let (action, start) = (self.action, self.start);
        let answer = |progress, reason| WaitAnswer { progress, reason };
        if !self.accepted {
            return answer(WaitProgress::Impossible, WaitReason::Unexplained);
        }
        if pair.task.is_none() && self.ends.contains(pair.vm) {
            let fault_possible = self.fault_ends.contains(pair.vm);
            return answer(
                WaitProgress::Done,
                WaitReason::Ended {
                    vm: pair.vm,
                    fault_possible,
                },
            );
        }
        if action.in_flight_from(start, pair.vm, pair.task) {
            return answer(WaitProgress::InProgress, WaitReason::Phase(pair.task));
        }
        // A compute restart may have retried the action as another (a soft
        // reboot as hard, `retried_as`): in flight there, it goes on.
        // (At the default microversion: no action a restart retries into has
        // microversion-dependent ends; `retried_as` is a hard reboot only.)
        let retried = retried_as(action).map(|next| (next, Waiter::new(next, start).judge(pair)));
        if let Some((
            next,
            WaitAnswer {
                progress: WaitProgress::InProgress,
                ..
            },
        )) = retried
        {
            return answer(WaitProgress::InProgress, WaitReason::Retried(next));
        }
        match fail_code(action, start, pair) {
            NO_FAILURE => {}
            RESTART => return answer(WaitProgress::Failed, WaitReason::ComputeRestart),
            row => {
                let row = action.failure_phases().get(usize::from(row) - 1);
                if let Some(row) = row {
                    return answer(WaitProgress::Failed, WaitReason::Failure(row.mechanism));
                }
            }
        }
        let deleting = matches!(
            pair.task,
            Some(TaskState::Deleting | TaskState::SoftDeleting)
        ) || matches!(pair.vm, VmState::Deleted | VmState::SoftDeleted);
        if deleting {
            return answer(WaitProgress::Failed, WaitReason::Deleted);
        }
        // What only the retried action explains (its failures, its end).
        match retried {
            Some((_, other)) if other.progress != WaitProgress::Impossible => other,
            _ => answer(WaitProgress::Impossible, WaitReason::Unexplained),
        }
    }

    #[inline]
    fn track_capture(&mut self, task: Option<TaskState>, progress: WaitProgress) {
        if self.capturing == 0 {
            return;
        }
        let slot = slot_byte(task);
        if slot == self.count_slot && self.prev_slot != slot {
            // Count entries once (the first driver's `during` is the one
            // whose occurrence matters, libvirt's standard path).
            self.captures = self.captures.saturating_add(1);
        }
        let mut reached = 0u8;
        for (i, (safe_slot, need)) in self.safe_slot.iter().zip(self.need).enumerate() {
            if *safe_slot == slot && self.captures >= need {
                reached |= 1 << i;
            }
        }
        if progress == WaitProgress::Done {
            reached = self.capturing;
        }
        self.safe |= reached & self.capturing;
        self.prev_slot = slot;
    }

    /// For an image-taking action (snapshot, backup, shelve): whether, from
    /// the observations so far, guest writes no longer affect the image on
    /// `driver`'s path (`None` for other actions). Conservative across
    /// gaps: when polls skip the capture's round, it says `false` until
    /// the action is done.
    ///
    /// ```
    /// use nova_states::machine::Waiter;
    /// use nova_states::{Action, Driver, TaskState, VmState};
    /// let mut w = Waiter::new(Action::Snapshot, VmState::Active);
    /// w.observe(VmState::Active, Some(TaskState::ImagePendingUpload));
    /// w.observe(VmState::Active, Some(TaskState::ImageUploading));
    /// assert_eq!(w.image_settled(Driver::VMware), Some(true));
    /// // RBD direct snapshot reads the disk during the upload itself.
    /// assert_eq!(w.image_settled(Driver::LibvirtRbdDirect), Some(false));
    /// assert_eq!(Waiter::new(Action::Stop, VmState::Active).image_settled(Driver::VMware), None);
    /// ```
    pub fn image_settled(&self, driver: Driver) -> Option<bool> {
        self.action.disk_capture(driver)?;
        let i = Driver::ALL.iter().position(|d| *d == driver)?;
        Some(self.safe & (1u8 << i) != 0)
    }
}

/// `fail_code`: no failure, restart or delete of the action leaves the pair.
const NO_FAILURE: u8 = 0;
/// `fail_code`: a compute restart in the middle of the action leaves it.
const RESTART: u8 = u8::MAX;

// Every action's failure rows are numbered from 1 below `RESTART`.
#[allow(clippy::indexing_slicing)]
const _: () = {
    let mut a = 0;
    while a < Action::COUNT {
        assert!(Action::ALL[a].failure_phases().len() < RESTART as usize);
        a += 1;
    }
};

/// The pairs a compute restart (its recovery, or that recovery failing)
/// leaves from `pair`, for every power_state and every driver state.
#[allow(clippy::indexing_slicing)]
const fn restart_from_c(pair: Pair) -> PairBits {
    let mut bits = [0u64; Pair::COUNT.div_ceil(64)];
    let mut p = 0;
    while p < PowerState::COUNT {
        let state = ServerState {
            vm: pair.vm,
            task: pair.task,
            power: PowerState::ALL[p],
        };
        let mut d = 0;
        while d < PowerState::COUNT {
            let driver = PowerState::ALL[d];
            let (_, after) = restart_decision(state, driver);
            let i = flight::pair_i(Pair {
                vm: after.vm,
                task: after.task,
            });
            bits[i / 64] |= 1 << (i % 64);
            if let Some(failed) = restart_failure(state, driver) {
                let i = flight::pair_i(Pair {
                    vm: failed.vm,
                    task: failed.task,
                });
                bits[i / 64] |= 1 << (i % 64);
            }
            d += 1;
        }
        p += 1;
    }
    bits
}

/// `restart_from_c` of every pair some action can be in flight at (the
/// others are never asked), at compile time only.
#[allow(clippy::indexing_slicing)]
const RESTART_FROM: &[PairBits; Pair::COUNT] = &{
    let mut table = [[0u64; Pair::COUNT.div_ceil(64)]; Pair::COUNT];
    let mut i = 0;
    while i < Pair::COUNT {
        if flight::in_flight_somewhere_c(i) {
            table[i] = restart_from_c(flight::pair_c(i));
        }
        i += 1;
    }
    table
};

/// Per pair, what a waiter for `action` from `start` says where the pair is
/// neither a success end nor in flight: the first failure row that leaves
/// it (its number plus one), else `RESTART` when a compute restart in the
/// middle of the action leaves it, else `NO_FAILURE`; and the pairs that
/// are not `NO_FAILURE`, as a bit set.
#[allow(clippy::indexing_slicing)]
const fn fail_codes_c(action: Action, start: VmState) -> ([u8; Pair::COUNT], PairBits) {
    let (mut codes, failures, _) = flight::failure_rows_c(action, start);
    let mut restart = [0u64; Pair::COUNT.div_ceil(64)];
    let mut v = 0;
    while v < VmState::COUNT {
        let mut mask = flight::mid_c(action, start, VmState::ALL[v]);
        while mask != 0 {
            let i = v * (TaskState::COUNT + 1) + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let mut w = 0;
            while w < restart.len() {
                restart[w] |= RESTART_FROM[i][w];
                w += 1;
            }
        }
        v += 1;
    }
    let mut all = failures;
    let mut w = 0;
    while w < restart.len() {
        let mut bits = restart[w] & !failures[w];
        all[w] |= bits;
        while bits != 0 {
            codes[w * 64 + bits.trailing_zeros() as usize] = RESTART;
            bits &= bits - 1;
        }
        w += 1;
    }
    (codes, all)
}

/// The pairs some (action, start) answers `fail_codes_c` for, numbered
/// from 1 in pair order (0: none), and how many there are plus one: the
/// columns of `FAIL`.
#[allow(clippy::indexing_slicing)]
const FAIL_COLUMN_C: ([u8; Pair::COUNT], usize) = {
    let mut any = [0u64; Pair::COUNT.div_ceil(64)];
    let mut a = 0;
    while a < Action::COUNT {
        let mut s = 0;
        while s < VmState::COUNT {
            let (_, pairs) = fail_codes_c(Action::ALL[a], VmState::ALL[s]);
            let mut w = 0;
            while w < any.len() {
                any[w] |= pairs[w];
                w += 1;
            }
            s += 1;
        }
        a += 1;
    }
    let mut column = [0u8; Pair::COUNT];
    let mut n = 0;
    let mut i = 0;
    while i < Pair::COUNT {
        if any[i / 64] & (1 << (i % 64)) != 0 {
            n += 1;
            column[i] = n as u8;
        }
        i += 1;
    }
    (column, n + 1)
};
const _: () = assert!(FAIL_COLUMN_C.1 <= 256);
static FAIL_COLUMN: [u8; Pair::COUNT] = FAIL_COLUMN_C.0;

/// The (action, start) pairs the action accepts, numbered from 1 (0: not
/// accepted: a waiter then answers impossible without asking `FAIL`), and
/// how many there are plus one: the rows of `FAIL`.
#[allow(clippy::indexing_slicing)]
const FAIL_ROW_C: ([[u16; VmState::COUNT]; Action::COUNT], usize) = {
    let mut rows = [[0u16; VmState::COUNT]; Action::COUNT];
    let mut n = 0;
    let mut a = 0;
    while a < Action::COUNT {
        let starts = Action::ALL[a].starts();
        let mut s = 0;
        while s < VmState::COUNT {
            if starts.contains(VmState::ALL[s]) {
                n += 1;
                rows[a][s] = n as u16;
            }
            s += 1;
        }
        a += 1;
    }
    (rows, n + 1)
};
static FAIL_ROW: [[u16; VmState::COUNT]; Action::COUNT] = FAIL_ROW_C.0;

/// `FAIL[FAIL_ROW[action][start]][FAIL_COLUMN[pair]]`: `fail_codes_c`
/// (column 0 is every other pair, row 0 every start the action does not
/// accept: `NO_FAILURE`).
#[allow(clippy::indexing_slicing)]
static FAIL: [[u8; FAIL_COLUMN_C.1]; FAIL_ROW_C.1] = {
    let mut table = [[NO_FAILURE; FAIL_COLUMN_C.1]; FAIL_ROW_C.1];
    let mut a = 0;
    while a < Action::COUNT {
        let mut s = 0;
        while s < VmState::COUNT {
            let row = FAIL_ROW_C.0[a][s] as usize;
            if row != 0 {
                let (codes, pairs) = fail_codes_c(Action::ALL[a], VmState::ALL[s]);
                let mut w = 0;
                while w < pairs.len() {
                    let mut bits = pairs[w];
                    while bits != 0 {
                        let i = w * 64 + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        table[row][FAIL_COLUMN_C.0[i] as usize] = codes[i];
                    }
                    w += 1;
                }
            }
            s += 1;
        }
        a += 1;
    }
    table
};

/// `fail_codes_c(action, start)[pair]`, from the table (`NO_FAILURE` for a
/// start the action does not accept).
#[inline]
fn fail_code(action: Action, start: VmState, pair: Pair) -> u8 {
    let row = FAIL_ROW
        .get(flight::action_i(action))
        .and_then(|rows| rows.get(flight::vm_i(start)))
        .copied()
        .unwrap_or(0);
    let column = FAIL_COLUMN.get(pair.index()).copied().unwrap_or(0);
    FAIL.get(usize::from(row))
        .and_then(|row| row.get(usize::from(column)))
        .copied()
        .unwrap_or(NO_FAILURE)
}

/// The derivation the table replaces, kept as it was, and a test that
/// compares every answer with it.
#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::wire::set::VmStateSet;

    /// The old run-time judge, beside the waiter's own fields.
    struct Slow(Waiter);

    impl Slow {
        fn judge(&self, pair: Pair) -> WaitAnswer {
            let waiter = &self.0;
            let (action, start) = (waiter.action, waiter.start);
            let answer = |progress, reason| WaitAnswer { progress, reason };
            if !waiter.accepted {
                return answer(WaitProgress::Impossible, WaitReason::Unexplained);
            }
            if pair.task.is_none() && waiter.ends.contains(pair.vm) {
                let fault_possible = waiter.fault_ends.contains(pair.vm);
                return answer(
                    WaitProgress::Done,
                    WaitReason::Ended {
                        vm: pair.vm,
                        fault_possible,
                    },
                );
            }
            if action.in_flight_from(start, pair.vm, pair.task) {
                return answer(WaitProgress::InProgress, WaitReason::Phase(pair.task));
            }
            let retried =
                retried_as(action).map(|next| (next, Slow(Waiter::new(next, start)).judge(pair)));
            if let Some((
                next,
                WaitAnswer {
                    progress: WaitProgress::InProgress,
                    ..
                },
            )) = retried
            {
                return answer(WaitProgress::InProgress, WaitReason::Retried(next));
            }
            let failure = action
                .failure_ends(start)
                .find(|(p, _)| *p == pair)
                .map(|(_, row)| row.mechanism);
            if let Some(mechanism) = failure {
                return answer(WaitProgress::Failed, WaitReason::Failure(mechanism));
            }
            if self.restart_leaves(pair) {
                return answer(WaitProgress::Failed, WaitReason::ComputeRestart);
            }
            let deleting = matches!(
                pair.task,
                Some(TaskState::Deleting | TaskState::SoftDeleting)
            ) || matches!(pair.vm, VmState::Deleted | VmState::SoftDeleted);
            if deleting {
                return answer(WaitProgress::Failed, WaitReason::Deleted);
            }
            match retried {
                Some((_, other)) if other.progress != WaitProgress::Impossible => other,
                _ => answer(WaitProgress::Impossible, WaitReason::Unexplained),
            }
        }

        /// Whether a compute restart while the action is in flight (its own
        /// recovery, or that recovery failing) leaves `pair`.
        fn restart_leaves(&self, pair: Pair) -> bool {
            let (action, start) = (self.0.action, self.0.start);
            VmState::ALL.iter().any(|vm| {
                TaskState::ALL_OR_NULL.iter().any(|task| {
                    action.in_flight_from(start, *vm, *task)
                        && PowerState::ALL.iter().any(|power| {
                            let state = ServerState {
                                vm: *vm,
                                task: *task,
                                power: *power,
                            };
                            PowerState::ALL.iter().any(|driver| {
                                let (_, after) = restart_decision(state, *driver);
                                let failed = restart_failure(state, *driver);
                                (after.vm, after.task) == (pair.vm, pair.task)
                                    || failed
                                        .is_some_and(|s| (s.vm, s.task) == (pair.vm, pair.task))
                            })
                        })
                })
            })
        }
    }

    /// The old way of filling `fault_ends` and `may_stall`.
    fn fault_ends_by_walking(waiter: Waiter) -> VmStateSet {
        let slow = Slow(waiter);
        waiter
            .ends
            .iter()
            .filter(|vm| {
                let pair = Pair {
                    vm: *vm,
                    task: None,
                };
                waiter.action.can_fail_to(waiter.start, pair) || slow.restart_leaves(pair)
            })
            .fold(VmStateSet::EMPTY, VmStateSet::with)
    }

    #[test]
    fn judge_table_matches_the_derivation_for_every_input() {
        for action in Action::ALL {
            for start in VmState::ALL {
                for version in [Microversion::MIN, Microversion::new(2, 95)] {
                    let waiter = Waiter::at(action, start, version);
                    assert_eq!(waiter.fault_ends, fault_ends_by_walking(waiter));
                    assert_eq!(
                        waiter.may_stall(),
                        action.failure_ends(start).any(|(_, row)| row.may_stall())
                    );
                    let slow = Slow(waiter);
                    for pair in (0..Pair::COUNT).filter_map(Pair::from_index) {
                        assert_eq!(
                            waiter.judge(pair),
                            slow.judge(pair),
                            "{action:?} {start:?} {version:?} {pair:?}"
                        );
                    }
                }
            }
        }
    }

    /// The old capture tracking, on its own fields.
    struct OldTrack {
        captures: u8,
        prev_task: Option<TaskState>,
        safe: u8,
        capture: [Option<(TaskState, u8, Option<TaskState>)>; 3],
    }

    impl OldTrack {
        fn new(action: Action) -> OldTrack {
            let mut track = OldTrack {
                captures: 0,
                prev_task: None,
                safe: 0,
                capture: [None; 3],
            };
            for (slot, driver) in track.capture.iter_mut().zip(Driver::ALL) {
                *slot = action
                    .disk_capture(driver)
                    .map(|c| (c.during, c.occurrence, c.safe_from));
            }
            track
        }

        fn track(&mut self, task: Option<TaskState>, progress: WaitProgress) {
            if self.capture == [None; 3] {
                return;
            }
            for (i, capture) in self.capture.iter().enumerate() {
                let Some((during, occurrence, safe_from)) = *capture else {
                    continue;
                };
                let bit = 1u8 << i;
                let entered = task == Some(during) && self.prev_task != task;
                if entered && i == 0 {
                    // Count entries once (the first driver's `during` is the
                    // one whose occurrence matters, libvirt's standard path).
                    self.captures = self.captures.saturating_add(1);
                }
                let reached = match safe_from {
                    Some(safe) => {
                        task == Some(safe) && (occurrence <= 1 || self.captures >= occurrence)
                    }
                    None => false,
                };
                if reached || progress == WaitProgress::Done {
                    self.safe |= bit;
                }
            }
            self.prev_task = task;
        }
    }

    #[test]
    fn capture_tracking_matches_the_old_one_on_every_short_poll_sequence() {
        for action in Action::ALL {
            if Driver::ALL
                .iter()
                .all(|d| action.disk_capture(*d).is_none())
            {
                continue;
            }
            for start in action.starts().iter() {
                let pairs: std::vec::Vec<Pair> = (0..Pair::COUNT)
                    .filter_map(Pair::from_index)
                    .filter(|p| {
                        action.in_flight_from(start, p.vm, p.task)
                            || (p.task.is_none()
                                && (p.vm == start || action.outcome(start).contains(p.vm)))
                    })
                    .collect();
                let n = pairs.len();
                for code in 0..n.pow(4) {
                    let mut waiter = Waiter::new(action, start);
                    let mut old = OldTrack::new(action);
                    let mut rest = code;
                    for _ in 0..4 {
                        let Some(&pair) = pairs.get(rest % n) else {
                            continue;
                        };
                        rest /= n;
                        let was_final = waiter.last().is_some_and(|l| l.progress.is_final());
                        let answer = waiter.observe(pair.vm, pair.task);
                        if !was_final && answer.progress != WaitProgress::Impossible {
                            old.track(pair.task, answer.progress);
                        }
                        for (i, driver) in Driver::ALL.into_iter().enumerate() {
                            let expected = action
                                .disk_capture(driver)
                                .map(|_| old.safe & (1 << i) != 0);
                            assert_eq!(
                                waiter.image_settled(driver),
                                expected,
                                "{action:?} {start:?} {code} {driver:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// The tables' size, printed for docs/performance.md.
    #[test]
    fn table_sizes() {
        let bytes = core::mem::size_of_val(&FAIL)
            + core::mem::size_of_val(&FAIL_COLUMN)
            + core::mem::size_of_val(&FAIL_ROW);
        std::println!(
            "waiter tables: {bytes} bytes ({} rows, {} columns)",
            FAIL_ROW_C.1,
            FAIL_COLUMN_C.1
        );
        assert!(bytes < 64 * 1024);
    }
}
