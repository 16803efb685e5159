//! How actions end when they fail ([`FailureEffect`], [`Failures`]) and
//! where image-taking actions capture the guest disk ([`DiskCapture`] per
//! [`Driver`]).

use crate::wire::task::TaskState;

/// What a failure leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureEffect {
    /// task_state back to null, vm_state kept (`@reverts_task_state`,
    /// manager.py:150-189, or a rollback to the vm_state at entry).
    ClearTask,
    /// vm_state error, task_state null.
    Error,
    /// vm_state error, task_state left as it was (e.g. unshelve with its
    /// image gone, conductor/manager.py:1041-1042).
    ErrorKeepTask,
    /// The failure is swallowed and the action's end state written anyway
    /// (a reboot that fails while the guest still runs, manager.py:4514-4527).
    LooksLikeSuccess,
    /// The request fails and nothing is written (actions with no task state).
    NoWrite,
}

impl FailureEffect {
    /// A short description.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::FailureEffect;
    /// use nova_states::Action;
    ///
    /// assert_eq!(FailureEffect::ClearTask.describe(), "task_state back to null, vm_state kept");
    /// // A failed stop only clears its task.
    /// assert_eq!(Action::Stop.failures().effects, [FailureEffect::ClearTask]);
    /// ```
    pub const fn describe(self) -> &'static str {
        match self {
            FailureEffect::ClearTask => "task_state back to null, vm_state kept",
            FailureEffect::Error => "vm_state error, task_state null",
            FailureEffect::ErrorKeepTask => "vm_state error, task_state left set",
            FailureEffect::LooksLikeSuccess => "fault recorded, end state written as on success",
            FailureEffect::NoWrite => "request fails, no state written",
        }
    }
}

/// How an action can fail, with where Nova decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Failures {
    /// The possible effects.
    pub effects: &'static [FailureEffect],
    /// Where.
    pub source: &'static str,
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
