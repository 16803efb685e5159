//! How actions end when they fail, phase by phase ([`FailurePhase`]), and
//! where image-taking actions capture the guest disk ([`DiskCapture`] per
//! [`Driver`]).

use crate::rules::edge::Branch;
use crate::wire::power::PowerState;
use crate::wire::set::VmStateSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// Where in an action a failure happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailurePoint {
    /// In the API request (nova/compute/api.py or the controller), during
    /// or after its first write: the server is in the state the request
    /// found, or the one its first write made.
    Api,
    /// While the server shows this task_state, written by the action.
    At(TaskState),
    /// After the API request, on the conductor or the compute host, while
    /// task_state is still (or again) null: the build between `scheduling`
    /// and `networking` (nova/compute/manager.py:2479-2482), and
    /// `confirm_resize`, which writes no task_state before its end.
    NoTask,
}

impl FailurePoint {
    /// The task_state the server shows when the failure happens (`None`
    /// for [`FailurePoint::Api`] and [`FailurePoint::NoTask`]).
    pub const fn task(self) -> Option<TaskState> {
        match self {
            FailurePoint::At(task) => Some(task),
            FailurePoint::Api | FailurePoint::NoTask => None,
        }
    }
}

/// The vm_state a failure leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndVm {
    /// The vm_state the server has when the failure happens: the vm_state
    /// the action started from, for every chain that keeps it. Where a
    /// chain changes vm_state on the way (shelve's offload, rebuild's and
    /// revert's final stop, the build), the rows name the vm_state instead.
    Start,
    /// This vm_state.
    Is(VmState),
}

/// One (vm_state, task_state) a failure can leave, with the power_state
/// it records, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FailureEnd {
    /// The vm_state left.
    pub vm: EndVm,
    /// The task_state left.
    pub task: Option<TaskState>,
    /// The power_state written with it (`None`: unchanged).
    pub power: Option<PowerState>,
}

impl FailureEnd {
    /// The vm_state left by a failure in vm_state `at`.
    pub const fn vm_from(self, at: VmState) -> VmState {
        match self.vm {
            EndVm::Start => at,
            EndVm::Is(vm) => vm,
        }
    }
}

/// How Nova's code gets from the failure to what it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// The API saved its task_state and then failed (recording the action,
    /// a lookup, the RPC cast or call): nothing undoes the write, and no
    /// worker will finish it. The server stays at the state right after
    /// the API write; the task may never end.
    ApiWriteNotUndone,
    /// `@reverts_task_state` (nova/compute/manager.py:150-189): on any
    /// exception but `UnexpectedTaskStateError`, an unguarded save of
    /// task_state null, vm_state kept.
    RevertsTaskState,
    /// `_error_out_instance_on_exception`, generic branch
    /// (manager.py:11722-11727): vm_state error, task_state kept; the
    /// `@reverts_task_state` around it then clears the task.
    ErrorOut,
    /// `_error_out_instance_on_exception` on `NotImplementedError` or
    /// `InstanceFaultRollback` (manager.py:11707-11721): vm_state the
    /// caller's `instance_state` (default active), task_state null.
    ErrorOutRollback,
    /// `_set_instance_obj_error_state` called directly, or a plain save of
    /// vm_state error: task_state null only when the call cleans it.
    ErrorState,
    /// A save that failed leaves its fields set on the object; the
    /// unguarded save of `@reverts_task_state` then writes them all: the
    /// success state, written by the failure path.
    DirtyFinalSave,
    /// A guarded save raised `UnexpectedTaskStateError` (another request
    /// pre-empted the task); the error-out's unguarded save writes vm_state
    /// error with the task_state the failed save wanted, over the
    /// pre-empter's, and `@reverts_task_state` leaves it.
    DirtyCarry,
    /// The conductor's `scheduler_utils.set_vm_state_and_notify`
    /// (nova/scheduler/utils.py:951-1003): an unguarded save of the
    /// vm_state and task_state the caller passes.
    SetVmStateAndNotify,
    /// The failure handler saves task_state null itself (vm_state kept).
    ClearsTask,
    /// A reboot failed but the guest runs (manager.py:4508-4527): the
    /// fault is recorded and the reboot's end written as on success.
    RebootFailedButRunning,
    /// A guarded save fails because a delete pre-empted the task; the
    /// error-out's unguarded save writes vm_state error and leaves the
    /// delete's task_state.
    ErrorUnderPreempter,
    /// The failure is rescheduled: task_state `scheduling` (build) or
    /// `resize_prep` (resize) again, unguarded, and another host is tried.
    Reschedule,
    /// `_rollback_live_migration` (manager.py:10483-10600): task_state
    /// null with guard `migrating`, vm_state kept.
    LiveMigrationRollback,
    /// The exception is caught and dropped: nothing clears the task, which
    /// may never end.
    Swallowed,
    /// The exception escapes a handler that reverts nothing (a cast with no
    /// `@reverts_task_state`, or an uncaught conductor error): the task
    /// stays and may never end.
    NotReverted,
    /// A step the action runs first completed and is kept: deleting a
    /// `resized` server confirms the resize first (api.py:2581-2582).
    EarlierStepKept,
    /// The failure comes after the write that ends the action: the end
    /// state stays (or the failure handler overwrites it, as the row says).
    AfterEnd,
}

impl Mechanism {
    /// A short description.
    pub const fn describe(self) -> &'static str {
        match self {
            Mechanism::ApiWriteNotUndone => {
                "the API's task_state write is not undone when the request fails after it (no worker will finish the task)"
            }
            Mechanism::RevertsTaskState => "@reverts_task_state: task_state null, vm_state kept",
            Mechanism::ErrorOut => {
                "_error_out_instance_on_exception: vm_state error (task_state then cleared by @reverts_task_state where it wraps the call)"
            }
            Mechanism::ErrorOutRollback => {
                "_error_out_instance_on_exception on NotImplementedError/InstanceFaultRollback: vm_state rolled back, task_state null"
            }
            Mechanism::ErrorState => "_set_instance_obj_error_state (or a plain save of vm_state error)",
            Mechanism::DirtyFinalSave => {
                "the final save fails; @reverts_task_state's unguarded save writes its fields (the success state)"
            }
            Mechanism::DirtyCarry => {
                "a guarded save fails (task pre-empted); the error-out's unguarded save writes vm_state error with the task_state the failed save wanted"
            }
            Mechanism::SetVmStateAndNotify => "conductor: scheduler_utils.set_vm_state_and_notify (unguarded)",
            Mechanism::ClearsTask => "the failure handler saves task_state null itself",
            Mechanism::RebootFailedButRunning => {
                "reboot failed but the guest runs: fault recorded, end state written as on success"
            }
            Mechanism::ErrorUnderPreempter => {
                "a guarded save fails (a delete pre-empted the task); vm_state error is written under the delete's task_state"
            }
            Mechanism::Reschedule => "rescheduled to another host",
            Mechanism::LiveMigrationRollback => "_rollback_live_migration: task_state null, vm_state kept",
            Mechanism::Swallowed => "exception swallowed: the task_state stays set and may never end",
            Mechanism::NotReverted => {
                "exception escapes a handler that reverts nothing: the task_state stays set and may never end"
            }
            Mechanism::EarlierStepKept => "a step run before (the resize confirmed on delete) is kept",
            Mechanism::AfterEnd => "failure after the end write",
        }
    }

    /// A few words for diagram labels.
    pub const fn label(self) -> &'static str {
        match self {
            Mechanism::ApiWriteNotUndone => "API write kept",
            Mechanism::RevertsTaskState => "reverts_task_state",
            Mechanism::ErrorOut => "error_out",
            Mechanism::ErrorOutRollback => "error_out rollback",
            Mechanism::ErrorState => "set error state",
            Mechanism::DirtyFinalSave => "dirty final save",
            Mechanism::DirtyCarry => "dirty carry",
            Mechanism::SetVmStateAndNotify => "set_vm_state_and_notify",
            Mechanism::ClearsTask => "clears task",
            Mechanism::RebootFailedButRunning => "failed, guest running",
            Mechanism::ErrorUnderPreempter => "error under delete",
            Mechanism::Reschedule => "reschedule",
            Mechanism::LiveMigrationRollback => "rollback_live_migration",
            Mechanism::Swallowed => "swallowed",
            Mechanism::NotReverted => "not reverted",
            Mechanism::EarlierStepKept => "confirm kept",
            Mechanism::AfterEnd => "after end",
        }
    }

    /// Whether the mechanism can leave a task that nothing will finish.
    pub const fn may_stall(self) -> bool {
        matches!(
            self,
            Mechanism::ApiWriteNotUndone | Mechanism::Swallowed | Mechanism::NotReverted
        )
    }
}

/// What a failure at one point of an action can leave, with where Nova
/// decides it.
///
/// Two outcomes are not listed, for any action, because the failing
/// action changes nothing: a request the API refuses before writing (the
/// decorator's 409, a quota or lookup error: the state stays as it was),
/// and a write that is pre-empted (a guarded save raises
/// `UnexpectedTaskStateError` because another request's write won; the
/// server keeps what that request wrote, and `@reverts_task_state`
/// deliberately writes nothing, manager.py:157-163). A failure whose own
/// revert also fails (a second database error) leaves what the first
/// write left; such double faults are not listed either. A row destroyed
/// is the model's deleted state (vm_state `deleted`, task_state null).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FailurePhase {
    /// Where the failure happens.
    pub at: FailurePoint,
    /// The vm_states the action started from for which this row holds.
    pub starts: VmStateSet,
    /// The deployment branch, when not every run takes it.
    pub branch: Branch,
    /// Every (vm_state, task_state) the failure can leave.
    pub ends: &'static [FailureEnd],
    /// How.
    pub mechanism: Mechanism,
    /// Where Nova decides it (path:line at the pinned commit).
    pub source: &'static str,
}

/// A failure row: at `at`, ends `ends`, by `mechanism`, decided at `source`.
pub(crate) const fn phase(
    at: FailurePoint,
    ends: &'static [FailureEnd],
    mechanism: Mechanism,
    source: &'static str,
) -> FailurePhase {
    FailurePhase {
        at,
        starts: VmStateSet::FULL,
        branch: Branch::Always,
        ends,
        mechanism,
        source,
    }
}

impl FailurePhase {
    /// Whether this failure can leave a task_state that nothing will
    /// finish: its mechanism leaves one ([`Mechanism::may_stall`]), or an
    /// end keeps a task while nothing goes on (not a reschedule, which
    /// goes on, nor vm_state error under a delete's task, which the delete
    /// finishes).
    pub const fn may_stall(&self) -> bool {
        if self.mechanism.may_stall() {
            return true;
        }
        if matches!(
            self.mechanism,
            Mechanism::Reschedule | Mechanism::ErrorUnderPreempter
        ) {
            return false;
        }
        let mut rest = self.ends;
        while let [end, tail @ ..] = rest {
            if end.task.is_some() {
                return true;
            }
            rest = tail;
        }
        false
    }

    pub(crate) const fn on(self, branch: Branch) -> FailurePhase {
        FailurePhase { branch, ..self }
    }
    pub(crate) const fn for_starts(self, starts: &[VmState]) -> FailurePhase {
        FailurePhase {
            starts: VmStateSet::from_slice(starts),
            ..self
        }
    }
}

/// Task_state null, vm_state as at the failure.
pub(crate) const CLEARED: FailureEnd = FailureEnd {
    vm: EndVm::Start,
    task: None,
    power: None,
};

/// vm_state error, task_state null.
pub(crate) const ERROR: FailureEnd = FailureEnd {
    vm: EndVm::Is(VmState::Error),
    task: None,
    power: None,
};

/// vm_state as at the failure, task_state `task` (left set).
pub(crate) const fn kept(task: TaskState) -> FailureEnd {
    FailureEnd {
        vm: EndVm::Start,
        task: Some(task),
        power: None,
    }
}

/// vm_state error, task_state `task`.
pub(crate) const fn error_with(task: TaskState) -> FailureEnd {
    FailureEnd {
        vm: EndVm::Is(VmState::Error),
        task: Some(task),
        power: None,
    }
}

/// vm_state `vm`, task_state `task`.
pub(crate) const fn ends_as(vm: VmState, task: Option<TaskState>) -> FailureEnd {
    FailureEnd {
        vm: EndVm::Is(vm),
        task,
        power: None,
    }
}

impl FailureEnd {
    pub(crate) const fn power(self, power: PowerState) -> FailureEnd {
        FailureEnd {
            power: Some(power),
            ..self
        }
    }
}

/// Where, in an image-taking action, the guest disk has been captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiskCapture {
    /// The hypervisor driver path.
    pub driver: Driver,
    /// The task_state during which the disk is read.
    pub during: TaskState,
    /// Which occurrence of `during` (libvirt's standard path captures in
    /// the second `image_pending_upload`).
    pub occurrence: u8,
    /// Once this task_state has been seen after the capture, writes inside
    /// the guest no longer affect the image (`None`: only when the task
    /// ends).
    pub safe_from: Option<TaskState>,
    /// Where.
    pub source: &'static str,
}

/// The hypervisor driver paths that capture disks differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Driver {
    /// libvirt with any backend but RBD: two pending_upload/uploading rounds.
    LibvirtStandard,
    /// libvirt with an RBD (Ceph) root disk and direct snapshot.
    LibvirtRbdDirect,
    /// VMware vCenter.
    VMware,
}

impl Driver {
    /// Every driver path.
    pub const ALL: [Driver; 3] = [
        Driver::LibvirtStandard,
        Driver::LibvirtRbdDirect,
        Driver::VMware,
    ];

    /// A short name.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Driver;
    ///
    /// assert_eq!(Driver::VMware.as_str(), "VMware");
    /// assert_eq!(Driver::LibvirtRbdDirect.as_str(), "libvirt RBD direct snapshot");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Driver::LibvirtStandard => "libvirt (non-RBD)",
            Driver::LibvirtRbdDirect => "libvirt RBD direct snapshot",
            Driver::VMware => "VMware",
        }
    }
}

/// Where `driver` captures the guest disk during an image-taking action
/// whose upload phases are `pending` then `uploading` (the task names
/// differ between snapshot/backup and shelve).
pub(crate) const fn capture(
    driver: Driver,
    pending: TaskState,
    uploading: TaskState,
) -> DiskCapture {
    match driver {
        // _live_snapshot / snapshot_extract in the second pending round
        // (libvirt driver.py:3394-3441).
        Driver::LibvirtStandard => DiskCapture {
            driver,
            during: pending,
            occurrence: 2,
            safe_from: Some(uploading),
            source: "nova/virt/libvirt/driver.py:3394-3441",
        },
        // direct_snapshot inside image_uploading (driver.py:3375;
        // imagebackend.py:1218-1251).
        Driver::LibvirtRbdDirect => DiskCapture {
            driver,
            during: uploading,
            occurrence: 1,
            safe_from: None,
            source: "nova/virt/libvirt/driver.py:3371-3380",
        },
        // _create_vm_snapshot between pending_upload and uploading
        // (vmops.py:1009-1016).
        Driver::VMware => DiskCapture {
            driver,
            during: pending,
            occurrence: 1,
            safe_from: Some(uploading),
            source: "nova/virt/vmwareapi/vmops.py:1009-1016",
        },
    }
}
