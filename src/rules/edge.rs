//! The vocabulary of an action's writes: every task_state write is an
//! [`Edge`] (a compare-and-swap on `expected_task_state` with its [`Guard`],
//! or unguarded), on a deployment [`Branch`], with the vm_state and
//! power_state it writes; and the builders the rows in
//! [`crate::rules::actions`] use to spell them.

use crate::wire::power::PowerState;
use crate::wire::set::{TaskFilter, VmStateSet};
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The compare-and-swap a task_state write uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    /// `instance.save()` or `save(expected_task_state=None)`: no check, the
    /// write lands whatever task_state was there (nova/objects/instance.py:869-870).
    Unguarded,
    /// `save(expected_task_state=[...])`: the write fails with
    /// `UnexpectedTaskStateError` unless the task_state is one of these.
    Expect(TaskFilter),
}

/// The deployment branch a write belongs to, when not every server takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Branch {
    /// Every run.
    Always,
    /// The API finds no compute host and acts locally (host unset or down).
    NoHost,
    /// libvirt without direct snapshot (every backend but RBD): the first
    /// pending_upload/uploading round ends in a failed direct-snapshot
    /// attempt and the driver goes round again (libvirt driver.py:3394).
    LibvirtFallback,
    /// Ironic's own rebuild, which skips `rebuild_block_device_mapping`.
    Ironic,
    /// The server was stopped (or evacuate's target_state is stopped,
    /// microversion 2.95+): it is powered off at the end.
    StopAtEnd,
    /// Shelve with `shelved_offload_time = 0` (the default): offload at once.
    OffloadNow,
    /// Shelve with `shelved_offload_time != 0`: stay shelved on the host.
    OffloadLater,
    /// Shelve of a volume-backed server: offloaded at once, never `shelved`.
    VolumeBacked,
    /// Revert of a resize whose server was stopped before (`old_vm_state`).
    WasStopped,
    /// Revert of a resize whose server was not stopped before.
    WasNotStopped,
    /// Confirm when the stored power_state is SHUTDOWN.
    PowerShutdown,
    /// Confirm when the stored power_state is not SHUTDOWN.
    PowerNotShutdown,
    /// A build or a resize rescheduled to another host after a failure
    /// there.
    Reschedule,
    /// A rebuilt build whose networks were already allocated.
    NetworkAllocated,
    /// A cross-cell resize (its revert finished in one guarded save, the
    /// server not stopped before).
    CrossCell,
    /// Cross-cell resize revert of a server that was stopped before.
    CrossCellWasStopped,
    /// reset_state to `active`.
    ResetActive,
    /// reset_state to `error`.
    ResetError,
}

impl Branch {
    /// A short description.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::Branch;
    /// use nova_states::Action;
    ///
    /// assert_eq!(Branch::OffloadNow.describe(), "shelved_offload_time = 0 (default)");
    /// // Shelve's writes include the default branch that offloads at once.
    /// assert!(Action::Shelve.edges().iter().any(|e| e.branch == Branch::OffloadNow));
    /// ```
    pub const fn describe(self) -> &'static str {
        match self {
            Branch::Always => "always",
            Branch::NoHost => "no compute host (local path in the API)",
            Branch::LibvirtFallback => "libvirt without direct snapshot (non-RBD): second round",
            Branch::Ironic => "Ironic rebuild",
            Branch::StopAtEnd => "stopped server (or evacuate target_state stopped, 2.95+)",
            Branch::OffloadNow => "shelved_offload_time = 0 (default)",
            Branch::OffloadLater => "shelved_offload_time != 0",
            Branch::VolumeBacked => "volume-backed server",
            Branch::WasStopped => "server was stopped before the resize",
            Branch::WasNotStopped => "server was not stopped before the resize",
            Branch::PowerShutdown => "stored power_state is SHUTDOWN",
            Branch::PowerNotShutdown => "stored power_state is not SHUTDOWN",
            Branch::Reschedule => "rescheduled to another host",
            Branch::NetworkAllocated => "reschedule with networks already allocated",
            Branch::CrossCell => "cross-cell resize",
            Branch::CrossCellWasStopped => "cross-cell resize, server was stopped before",
            Branch::ResetActive => "reset to active",
            Branch::ResetError => "reset to error",
        }
    }
}

/// One task_state write on an action's success path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edge {
    /// Whether the API makes this write when it accepts the action (the
    /// first write; its `from` is whatever the precondition allowed).
    pub api: bool,
    /// The task_state before the write on this path.
    pub from: Option<TaskState>,
    /// The task_state written.
    pub to: Option<TaskState>,
    /// The compare-and-swap used.
    pub guard: Guard,
    /// The vm_state written in the same save, if any.
    pub vm: Option<VmState>,
    /// The power_state the hypervisor reports after this write, when the
    /// write records it (`None`: unchanged or not refreshed).
    pub power: Option<PowerState>,
    /// The vm_states the action started from for which this write happens.
    pub starts: VmStateSet,
    /// Whether this write completes the action.
    pub end: bool,
    /// The branch it belongs to.
    pub branch: Branch,
    /// Where Nova makes it.
    pub source: &'static str,
}

pub(crate) const ALL_STARTS: VmStateSet = VmStateSet::FULL;

/// An API write (the first one).
pub(crate) const fn api(
    from: Option<TaskState>,
    to: TaskState,
    guard: Guard,
    source: &'static str,
) -> Edge {
    Edge {
        api: true,
        from,
        to: Some(to),
        guard,
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::Always,
        source,
    }
}

/// A guarded step to another task state.
pub(crate) const fn step(
    from: TaskState,
    to: TaskState,
    guard: &[TaskState],
    source: &'static str,
) -> Edge {
    Edge {
        api: false,
        from: Some(from),
        to: Some(to),
        guard: Guard::Expect(TaskFilter::of(guard, false)),
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::Always,
        source,
    }
}

/// The final write: task_state back to null.
pub(crate) const fn finish(
    from: TaskState,
    guard: Guard,
    vm: Option<VmState>,
    power: Option<PowerState>,
    source: &'static str,
) -> Edge {
    Edge {
        api: false,
        from: Some(from),
        to: None,
        guard,
        vm,
        power,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::Always,
        source,
    }
}

/// The common two-write chain: the API writes `task` with guard `[None]`,
/// the compute host's final save clears it with guard `[task]`, writing
/// `vm` and `power` with it.
pub(crate) const fn one_task(
    task: TaskState,
    api_source: &'static str,
    vm: Option<VmState>,
    power: Option<PowerState>,
    end_source: &'static str,
) -> [Edge; 2] {
    [
        api(None, task, NULL, api_source),
        finish(task, only(task), vm, power, end_source),
    ]
}

impl Edge {
    pub(crate) const fn on(self, branch: Branch) -> Edge {
        Edge { branch, ..self }
    }
    pub(crate) const fn for_starts(self, starts: &[VmState]) -> Edge {
        Edge {
            starts: VmStateSet::from_slice(starts),
            ..self
        }
    }
    pub(crate) const fn not_end(self) -> Edge {
        Edge { end: false, ..self }
    }
    pub(crate) const fn unguarded(self) -> Edge {
        Edge {
            guard: Guard::Unguarded,
            ..self
        }
    }
}

pub(crate) const fn only(task: TaskState) -> Guard {
    Guard::Expect(TaskFilter::of(&[task], false))
}

pub(crate) const NULL: Guard = Guard::Expect(TaskFilter::NULL_ONLY);
pub(crate) const UNGUARDED: Guard = Guard::Unguarded;
