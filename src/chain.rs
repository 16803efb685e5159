//! What each action writes on its way to success: every task_state write
//! (each a compare-and-swap on `expected_task_state`, or unguarded), the
//! vm_state and power_state it ends in, what a failure does, and where the
//! guest disk is captured for image-taking actions.
//!
//! Sources: nova/compute/api.py, nova/compute/manager.py,
//! nova/conductor/manager.py, nova/virt/libvirt/driver.py and
//! nova/virt/vmwareapi/vmops.py @ 00a030403f67, cited per write.

use crate::{Action, PowerState, TaskFilter, TaskState, VmState, VmStateSet};

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
    /// A build rescheduled to another host after a failure there.
    Reschedule,
    /// A rebuilt build whose networks were already allocated.
    NetworkAllocated,
    /// Cross-cell resize revert, finished in one guarded save.
    CrossCell,
    /// reset_state to `active`.
    ResetActive,
    /// reset_state to `error`.
    ResetError,
}

impl Branch {
    /// A short description.
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
            Branch::Reschedule => "build rescheduled",
            Branch::NetworkAllocated => "reschedule with networks already allocated",
            Branch::CrossCell => "cross-cell resize",
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

const ALL_STARTS: VmStateSet = VmStateSet::FULL;

/// An API write (the first one).
const fn api(from: Option<TaskState>, to: TaskState, guard: Guard, source: &'static str) -> Edge {
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
const fn step(from: TaskState, to: TaskState, guard: &[TaskState], source: &'static str) -> Edge {
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
const fn finish(
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
const fn one_task(
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
    const fn on(self, branch: Branch) -> Edge {
        Edge { branch, ..self }
    }
    const fn for_starts(self, starts: &[VmState]) -> Edge {
        Edge {
            starts: VmStateSet::from_slice(starts),
            ..self
        }
    }
    const fn not_end(self) -> Edge {
        Edge { end: false, ..self }
    }
    const fn unguarded(self) -> Edge {
        Edge {
            guard: Guard::Unguarded,
            ..self
        }
    }
}

const fn only(task: TaskState) -> Guard {
    Guard::Expect(TaskFilter::of(&[task], false))
}

const NULL: Guard = Guard::Expect(TaskFilter::NULL_ONLY);
const UNGUARDED: Guard = Guard::Unguarded;

use PowerState as P;
use TaskState as T;
use VmState as V;

// --- The chains ---------------------------------------------------------

const DELETE: &[Edge] = &[
    // _delete: task_state=deleting, plain save (api.py:2802-2804, 2552-2557).
    api(
        None,
        T::Deleting,
        UNGUARDED,
        "nova/compute/api.py:2552-2557",
    ),
    // _delete_instance: vm deleted, task None, power NOSTATE, no guard
    // (manager.py:3388-3394); the local path (no host) does the same in the
    // API (api.py:2769-2774).
    finish(
        T::Deleting,
        UNGUARDED,
        Some(V::Deleted),
        Some(P::NoState),
        "nova/compute/manager.py:3388-3394",
    ),
];

const SOFT_DELETE: &[Edge] = &[
    api(
        None,
        T::SoftDeleting,
        UNGUARDED,
        "nova/compute/api.py:2552-2557",
    ),
    finish(
        T::SoftDeleting,
        only(T::SoftDeleting),
        Some(V::SoftDeleted),
        Some(P::Shutdown),
        "nova/compute/manager.py:3606-3616",
    ),
    // Host down: the API sets soft-delete itself, then destroys the row
    // (api.py:2779-2784, 2752-2753).
    finish(
        T::SoftDeleting,
        UNGUARDED,
        Some(V::SoftDeleted),
        None,
        "nova/compute/api.py:2779-2784",
    )
    .on(Branch::NoHost),
];

const RESTORE: &[Edge] = &[
    api(None, T::Restoring, NULL, "nova/compute/api.py:2830-2833"),
    finish(
        T::Restoring,
        only(T::Restoring),
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:3628-3637",
    ),
    // No host: vm active directly, guard [None] (api.py:2839-2843).
    Edge {
        api: true,
        from: None,
        to: None,
        guard: NULL,
        vm: Some(V::Active),
        power: None,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::NoHost,
        source: "nova/compute/api.py:2839-2843",
    },
];

/// stop_instance's final save: guard [powering-off], plus None when the
/// driver already reports the guest off (manager.py:3477-3498).
const STOP_GUARD: Guard = Guard::Expect(TaskFilter::of(&[T::PoweringOff], true));

const STOP: &[Edge] = &[
    api(None, T::PoweringOff, NULL, "nova/compute/api.py:2857-2859"),
    finish(
        T::PoweringOff,
        STOP_GUARD,
        Some(V::Stopped),
        Some(P::Shutdown),
        "nova/compute/manager.py:3477-3498",
    ),
];

const START: &[Edge] = &one_task(
    T::PoweringOn,
    "nova/compute/api.py:2880-2881",
    Some(V::Active),
    Some(P::Running),
    "nova/compute/manager.py:3552-3565",
);

/// The driver's update_task_state callbacks after the first image task
/// (libvirt driver.py:3369-3442, vmops.py:1009-1016) and the final save
/// (manager.py:4659-4660).
const fn image_chain(first: TaskState) -> [Edge; 4] {
    [
            step(first, T::ImagePendingUpload, &[first], "nova/virt/libvirt/driver.py:3369; nova/virt/vmwareapi/vmops.py:1009"),
            step(T::ImagePendingUpload, T::ImageUploading, &[T::ImagePendingUpload], "nova/virt/libvirt/driver.py:3371-3372, 3441-3442; nova/virt/vmwareapi/vmops.py:1015-1016"),
            step(T::ImageUploading, T::ImagePendingUpload, &[T::ImageUploading], "nova/virt/libvirt/driver.py:3394-3395").on(Branch::LibvirtFallback),
            finish(T::ImageUploading, only(T::ImageUploading), None, None, "nova/compute/manager.py:4659-4660"),
        ]
}

const SNAPSHOT: &[Edge] = &{
    let [a, b, c, d] = image_chain(T::ImageSnapshot);
    [
        api(
            None,
            T::ImageSnapshotPending,
            NULL,
            "nova/compute/api.py:3456-3458",
        ),
        step(
            T::ImageSnapshotPending,
            T::ImageSnapshot,
            &[T::ImageSnapshotPending],
            "nova/compute/manager.py:4589-4591",
        ),
        a,
        b,
        c,
        d,
    ]
};

const BACKUP: &[Edge] = &{
    let [a, b, c, d] = image_chain(T::ImageBackup);
    [
        api(None, T::ImageBackup, NULL, "nova/compute/api.py:3427-3428"),
        a,
        b,
        c,
        d,
    ]
};

const REBOOT_SOFT: &[Edge] = &[
    api(None, T::Rebooting, NULL, "nova/compute/api.py:3650-3652"),
    // soft_reboot_states (task_states.py:124).
    step(
        T::Rebooting,
        T::RebootPending,
        &[T::Rebooting, T::RebootPending, T::RebootStarted],
        "nova/compute/manager.py:4429-4430, 4460-4461",
    ),
    step(
        T::RebootPending,
        T::RebootStarted,
        &[T::RebootPending],
        "nova/compute/manager.py:4483-4488",
    ),
    finish(
        T::RebootStarted,
        UNGUARDED,
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:4533-4539",
    ),
];

const REBOOT_HARD: &[Edge] = &[
    api(
        None,
        T::RebootingHard,
        Guard::Expect(crate::ALLOW_REBOOT),
        "nova/compute/api.py:3663-3664",
    ),
    // hard_reboot_states (task_states.py:125).
    step(
        T::RebootingHard,
        T::RebootPendingHard,
        &[T::RebootingHard, T::RebootPendingHard, T::RebootStartedHard],
        "nova/compute/manager.py:4432-4433, 4460-4461",
    ),
    step(
        T::RebootPendingHard,
        T::RebootStartedHard,
        &[T::RebootPendingHard],
        "nova/compute/manager.py:4486-4488",
    ),
    // vm active from any start state (manager.py:4477-4480).
    finish(
        T::RebootStartedHard,
        UNGUARDED,
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:4533-4539",
    ),
];

/// The compute side of rebuild and evacuate (manager.py:3760-3845,
/// 4159-4161, 4250-4259, 3477-3498).
const fn rebuild_tail(plain_end: &[VmState], stop_starts: &[VmState]) -> [Edge; 8] {
    [
        step(
            T::Rebuilding,
            T::Rebuilding,
            &[T::Rebuilding],
            "nova/compute/manager.py:4159-4161",
        ),
        step(
            T::Rebuilding,
            T::RebuildBlockDeviceMapping,
            &[T::Rebuilding],
            "nova/compute/manager.py:3829-3830",
        ),
        step(
            T::RebuildBlockDeviceMapping,
            T::RebuildSpawning,
            &[T::RebuildBlockDeviceMapping],
            "nova/compute/manager.py:3834-3836",
        ),
        step(
            T::Rebuilding,
            T::RebuildSpawning,
            &[T::Rebuilding],
            "nova/virt/ironic/driver.py:1759-1760",
        )
        .on(Branch::Ironic),
        finish(
            T::RebuildSpawning,
            only(T::RebuildSpawning),
            Some(V::Active),
            Some(P::Running),
            "nova/compute/manager.py:4250-4251",
        )
        .for_starts(plain_end),
        finish(
            T::RebuildSpawning,
            only(T::RebuildSpawning),
            Some(V::Active),
            Some(P::Running),
            "nova/compute/manager.py:4250-4251",
        )
        .for_starts(stop_starts)
        .not_end()
        .on(Branch::StopAtEnd),
        Edge {
            api: false,
            from: None,
            to: Some(T::PoweringOff),
            guard: UNGUARDED,
            vm: Some(V::Active),
            power: None,
            starts: VmStateSet::from_slice(stop_starts),
            end: false,
            branch: Branch::StopAtEnd,
            source: "nova/compute/manager.py:4253-4259",
        },
        finish(
            T::PoweringOff,
            STOP_GUARD,
            Some(V::Stopped),
            Some(P::Shutdown),
            "nova/compute/manager.py:3477-3498",
        )
        .for_starts(stop_starts)
        .on(Branch::StopAtEnd),
    ]
}

const REBUILD: &[Edge] = &{
    let [a, b, c, d, e, f, g, h] = rebuild_tail(&[V::Active, V::Error], &[V::Stopped]);
    [
        api(None, T::Rebuilding, NULL, "nova/compute/api.py:3841-3850"),
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
    ]
};

const EVACUATE: &[Edge] = &{
    // target_state stopped (2.95+) applies unless the server is in error
    // (manager.py:4079-4086; evacuate.py:111-122).
    let [a, b, c, d, e, f, g, h] = rebuild_tail(&[V::Active, V::Error], &[V::Active, V::Stopped]);
    [
        // save(expected_task_state=None): no guard at all (api.py:5735-5736).
        api(
            None,
            T::Rebuilding,
            UNGUARDED,
            "nova/compute/api.py:5735-5736",
        ),
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
    ]
};

const RESIZE: &[Edge] = &[
    api(None, T::ResizePrep, NULL, "nova/compute/api.py:4446-4449"),
    step(
        T::ResizePrep,
        T::ResizeMigrating,
        &[T::ResizePrep],
        "nova/compute/manager.py:6732-6733; nova/conductor/tasks/cross_cell_migrate.py:428,443",
    ),
    step(
        T::ResizeMigrating,
        T::ResizeMigrated,
        &[T::ResizeMigrating],
        "nova/compute/manager.py:6776-6777, 6688-6689",
    ),
    step(
        T::ResizeMigrated,
        T::ResizeFinish,
        &[T::ResizeMigrated],
        "nova/compute/manager.py:6918-6919, 7125-7126",
    ),
    // vm resized; power_state not refreshed (manager.py:6974-6977).
    finish(
        T::ResizeFinish,
        only(T::ResizeFinish),
        Some(V::Resized),
        None,
        "nova/compute/manager.py:6974-6977",
    ),
];

const REVERT_RESIZE: &[Edge] = &[
    api(
        None,
        T::ResizeReverting,
        NULL,
        "nova/compute/api.py:4066-4067",
    ),
    step(
        T::ResizeReverting,
        T::ResizeReverting,
        &[T::ResizeReverting],
        "nova/compute/manager.py:5824, 6124",
    ),
    finish(
        T::ResizeReverting,
        UNGUARDED,
        Some(V::Active),
        None,
        "nova/compute/manager.py:6132-6135",
    )
    .on(Branch::WasNotStopped),
    Edge {
        api: false,
        from: Some(T::ResizeReverting),
        to: Some(T::PoweringOff),
        guard: UNGUARDED,
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::WasStopped,
        source: "nova/compute/manager.py:6136-6138",
    },
    finish(
        T::PoweringOff,
        STOP_GUARD,
        Some(V::Stopped),
        Some(P::Shutdown),
        "nova/compute/manager.py:3477-3498",
    )
    .on(Branch::WasStopped),
    finish(
        T::ResizeReverting,
        only(T::ResizeReverting),
        Some(V::Stopped),
        None,
        "nova/compute/manager.py:5948, 5966-5968",
    )
    .on(Branch::CrossCell),
];

/// _confirm_resize's one save: guard [None, deleting, soft-deleting]
/// (manager.py:5478-5490). Nova writes no task state of its own for
/// confirm; `resize_confirming` is never written anywhere.
const CONFIRM_GUARD: Guard = Guard::Expect(TaskFilter::of(&[T::Deleting, T::SoftDeleting], true));

const CONFIRM_RESIZE: &[Edge] = &[
    Edge {
        api: false,
        from: None,
        to: None,
        guard: CONFIRM_GUARD,
        vm: Some(V::Active),
        power: None,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::PowerNotShutdown,
        source: "nova/compute/manager.py:5478-5490",
    },
    Edge {
        api: false,
        from: None,
        to: None,
        guard: CONFIRM_GUARD,
        vm: Some(V::Stopped),
        power: None,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::PowerShutdown,
        source: "nova/compute/manager.py:5478-5490",
    },
];

/// The guard of shelve's final save (manager.py:7603-7613).
const SHELVE_END_GUARD: &[TaskState] = &[T::Shelving, T::ShelvingImageUploading];
/// The guard of _shelve_offload_instance's save (manager.py:7697-7700).
const OFFLOAD_GUARD: Guard =
    Guard::Expect(TaskFilter::of(&[T::Shelving, T::ShelvingOffloading], false));

const SHELVE: &[Edge] = &[
    api(None, T::Shelving, NULL, "nova/compute/api.py:4553-4561"),
    // The driver's image callbacks, renamed by _shelve_instance (manager.py:7584-7594).
    step(
        T::Shelving,
        T::ShelvingImagePendingUpload,
        &[T::Shelving],
        "nova/compute/manager.py:7584-7594; nova/virt/libvirt/driver.py:3369",
    ),
    step(
        T::ShelvingImagePendingUpload,
        T::ShelvingImageUploading,
        &[T::ShelvingImagePendingUpload],
        "nova/virt/libvirt/driver.py:3371-3372, 3441-3442",
    ),
    step(
        T::ShelvingImageUploading,
        T::ShelvingImagePendingUpload,
        &[T::ShelvingImageUploading],
        "nova/virt/libvirt/driver.py:3394-3395",
    )
    .on(Branch::LibvirtFallback),
    Edge {
        api: false,
        from: Some(T::ShelvingImageUploading),
        to: None,
        guard: Guard::Expect(TaskFilter::of(SHELVE_END_GUARD, false)),
        vm: Some(V::Shelved),
        power: Some(P::Shutdown),
        starts: ALL_STARTS,
        end: true,
        branch: Branch::OffloadLater,
        source: "nova/compute/manager.py:7603-7613",
    },
    Edge {
        api: false,
        from: Some(T::ShelvingImageUploading),
        to: Some(T::ShelvingOffloading),
        guard: Guard::Expect(TaskFilter::of(SHELVE_END_GUARD, false)),
        vm: Some(V::Shelved),
        power: Some(P::Shutdown),
        starts: ALL_STARTS,
        end: false,
        branch: Branch::OffloadNow,
        source: "nova/compute/manager.py:7603-7613",
    },
    finish(
        T::ShelvingOffloading,
        OFFLOAD_GUARD,
        Some(V::ShelvedOffloaded),
        Some(P::Shutdown),
        "nova/compute/manager.py:7692-7700",
    )
    .on(Branch::OffloadNow),
    finish(
        T::Shelving,
        OFFLOAD_GUARD,
        Some(V::ShelvedOffloaded),
        Some(P::Shutdown),
        "nova/compute/api.py:4578-4581; nova/compute/manager.py:7697-7700",
    )
    .on(Branch::VolumeBacked),
];

const SHELVE_OFFLOAD: &[Edge] = &[
    // Also written by the periodic _poll_shelved_instances (manager.py:10998-10999).
    api(
        None,
        T::ShelvingOffloading,
        NULL,
        "nova/compute/api.py:4588-4589",
    ),
    finish(
        T::ShelvingOffloading,
        OFFLOAD_GUARD,
        Some(V::ShelvedOffloaded),
        None,
        "nova/compute/manager.py:7697-7700",
    ),
];

const UNSHELVE: &[Edge] = &[
    api(None, T::Unshelving, NULL, "nova/compute/api.py:4805-4806"),
    step(
        T::Unshelving,
        T::PoweringOn,
        &[T::Unshelving],
        "nova/conductor/manager.py:1026-1027",
    )
    .for_starts(&[V::Shelved]),
    finish(
        T::PoweringOn,
        only(T::PoweringOn),
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:3552-3565",
    )
    .for_starts(&[V::Shelved]),
    step(
        T::Unshelving,
        T::Spawning,
        &[],
        "nova/compute/manager.py:7772-7773",
    )
    .unguarded()
    .for_starts(&[V::ShelvedOffloaded]),
    finish(
        T::Spawning,
        only(T::Spawning),
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:7860-7864",
    )
    .for_starts(&[V::ShelvedOffloaded]),
];

const PAUSE: &[Edge] = &one_task(
    T::Pausing,
    "nova/compute/api.py:4829-4830",
    Some(V::Paused),
    Some(P::Paused),
    "nova/compute/manager.py:7317-7321",
);

const UNPAUSE: &[Edge] = &one_task(
    T::Unpausing,
    "nova/compute/api.py:4838-4839",
    Some(V::Active),
    Some(P::Running),
    "nova/compute/manager.py:7339-7343",
);

const SUSPEND: &[Edge] = &one_task(
    T::Suspending,
    "nova/compute/api.py:4865-4866",
    Some(V::Suspended),
    Some(P::Suspended),
    "nova/compute/manager.py:7484-7487",
);

// vm := system_metadata['old_vm_state'] saved by suspend, which only
// runs from active (manager.py:7476, 7527-7534; api.py:4862).
const RESUME: &[Edge] = &one_task(
    T::Resuming,
    "nova/compute/api.py:4877-4878",
    Some(V::Active),
    Some(P::Running),
    "nova/compute/manager.py:7527-7534",
);

const RESCUE: &[Edge] = &one_task(
    T::Rescuing,
    "nova/compute/api.py:4939-4940",
    Some(V::Rescued),
    Some(P::Running),
    "nova/compute/manager.py:5295-5299",
);

// Always active, even if the server was stopped before the rescue.
const UNRESCUE: &[Edge] = &one_task(
    T::Unrescuing,
    "nova/compute/api.py:4952-4953",
    Some(V::Active),
    Some(P::Running),
    "nova/compute/manager.py:5327-5330",
);

const SET_ADMIN_PASSWORD: &[Edge] = &one_task(
    T::UpdatingPassword,
    "nova/compute/api.py:4968-4969",
    None,
    None,
    "nova/compute/manager.py:5177-5181",
);

// vm_state kept (active or paused); power from the destination.
const LIVE_MIGRATE: &[Edge] = &one_task(
    T::Migrating,
    "nova/compute/api.py:5590-5591",
    None,
    None,
    "nova/compute/manager.py:10350-10376",
);

const LIVE_MIGRATE_ABORT: &[Edge] = &[
    // Cancelled in the queue (manager.py:9947-9949) or rolled back after
    // abortJob (manager.py:10597-10600): vm_state kept.
    finish(
        T::Migrating,
        only(T::Migrating),
        None,
        None,
        "nova/compute/manager.py:9947-9949, 10597-10600",
    ),
];

const CREATE: &[Edge] = &[
    // BuildRequest and then the cell row: building / scheduling / NOSTATE
    // (api.py:1210-1211, 2146-2147; conductor/manager.py:1741).
    Edge {
        api: true,
        from: None,
        to: Some(T::Scheduling),
        guard: UNGUARDED,
        vm: Some(V::Building),
        power: Some(P::NoState),
        starts: ALL_STARTS,
        end: false,
        branch: Branch::Always,
        source: "nova/compute/api.py:2146-2147",
    },
    Edge {
        api: false,
        from: Some(T::Scheduling),
        to: None,
        guard: Guard::Expect(TaskFilter::of(&[T::Scheduling], true)),
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::Always,
        source: "nova/compute/manager.py:2479-2482",
    },
    Edge {
        api: false,
        from: None,
        to: Some(T::Networking),
        guard: NULL,
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::Always,
        source: "nova/compute/manager.py:2057-2059",
    },
    step(
        T::Networking,
        T::BlockDeviceMapping,
        &[],
        "nova/compute/manager.py:2913-2915",
    )
    .unguarded(),
    Edge {
        api: false,
        from: None,
        to: Some(T::BlockDeviceMapping),
        guard: UNGUARDED,
        vm: None,
        power: None,
        starts: ALL_STARTS,
        end: false,
        branch: Branch::NetworkAllocated,
        source: "nova/compute/manager.py:2030-2038, 2913-2915",
    },
    step(
        T::BlockDeviceMapping,
        T::Spawning,
        &[T::BlockDeviceMapping],
        "nova/compute/manager.py:2674-2680",
    ),
    finish(
        T::Spawning,
        only(T::Spawning),
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:2817-2820",
    ),
    step(
        T::Networking,
        T::Scheduling,
        &[],
        "nova/compute/manager.py:2535-2537",
    )
    .unguarded()
    .on(Branch::Reschedule),
    step(
        T::BlockDeviceMapping,
        T::Scheduling,
        &[],
        "nova/compute/manager.py:2535-2537",
    )
    .unguarded()
    .on(Branch::Reschedule),
    step(
        T::Spawning,
        T::Scheduling,
        &[],
        "nova/compute/manager.py:2535-2537",
    )
    .unguarded()
    .on(Branch::Reschedule),
];

const RESET_STATE: &[Edge] = &[
    Edge {
        api: true,
        from: None,
        to: None,
        guard: UNGUARDED,
        vm: Some(V::Active),
        power: None,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::ResetActive,
        source: "nova/api/openstack/compute/admin_actions.py:83-90",
    },
    Edge {
        api: true,
        from: None,
        to: None,
        guard: UNGUARDED,
        vm: Some(V::Error),
        power: None,
        starts: ALL_STARTS,
        end: true,
        branch: Branch::ResetError,
        source: "nova/api/openstack/compute/admin_actions.py:83-90",
    },
];

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

use FailureEffect as F;

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
    pub const fn as_str(self) -> &'static str {
        match self {
            Driver::LibvirtStandard => "libvirt (non-RBD)",
            Driver::LibvirtRbdDirect => "libvirt RBD direct snapshot",
            Driver::VMware => "VMware",
        }
    }
}

impl Action {
    /// Every task_state write on the action's success paths, all branches.
    /// Empty for actions that write no task state.
    pub const fn edges(self) -> &'static [Edge] {
        use Action as A;
        match self {
            A::Delete | A::ForceDelete => DELETE,
            A::SoftDelete => SOFT_DELETE,
            A::Restore => RESTORE,
            A::Stop => STOP,
            A::Start => START,
            A::Backup => BACKUP,
            A::Snapshot => SNAPSHOT,
            A::RebootSoft => REBOOT_SOFT,
            A::RebootHard => REBOOT_HARD,
            A::Rebuild => REBUILD,
            A::Evacuate => EVACUATE,
            A::Resize | A::Migrate => RESIZE,
            A::RevertResize => REVERT_RESIZE,
            A::ConfirmResize => CONFIRM_RESIZE,
            A::Shelve => SHELVE,
            A::ShelveOffload => SHELVE_OFFLOAD,
            A::Unshelve => UNSHELVE,
            A::Pause => PAUSE,
            A::Unpause => UNPAUSE,
            A::Suspend => SUSPEND,
            A::Resume => RESUME,
            A::Rescue => RESCUE,
            A::Unrescue => UNRESCUE,
            A::SetAdminPassword => SET_ADMIN_PASSWORD,
            A::LiveMigrate => LIVE_MIGRATE,
            A::LiveMigrateAbort => LIVE_MIGRATE_ABORT,
            A::Create => CREATE,
            A::ResetState => RESET_STATE,
            // No task_state written (api.py and manager.py at the lines
            // cited on the precondition; e.g. trigger_crash_dump
            // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
            // force_complete manager.py:9844-9865).
            A::TriggerCrashDump
            | A::SnapshotVolumeBacked
            | A::GetVncConsole
            | A::GetSpiceConsole
            | A::GetSerialConsole
            | A::GetMksConsole
            | A::AttachVolume
            | A::DetachVolume
            | A::SwapVolume
            | A::AttachInterface
            | A::DetachInterface
            | A::DeleteInstanceMetadata
            | A::UpdateInstanceMetadata
            | A::LiveMigrateForceComplete
            | A::VolumeSnapshotCreate
            | A::VolumeSnapshotDelete => &[],
        }
    }

    /// The first task_state the API writes, if any.
    pub fn sets_task_state(self) -> Option<TaskState> {
        self.edges().iter().find(|e| e.api).and_then(|e| e.to)
    }

    /// The task states of the main path, in order, for "phase n of m"
    /// (branches and repeated rounds folded in).
    pub fn phases(self) -> impl Iterator<Item = TaskState> {
        let edges = self.edges();
        edges.iter().enumerate().filter_map(|(i, e)| {
            let task = e.to?;
            let first = edges.iter().position(|x| x.to == Some(task)) == Some(i);
            (first && e.branch != Branch::Reschedule).then_some(task)
        })
    }

    /// How a failure of the action ends.
    pub const fn failures(self) -> Failures {
        use Action as A;
        const REVERT: &[FailureEffect] = &[F::ClearTask];
        const REVERT_OR_ERROR: &[FailureEffect] = &[F::ClearTask, F::Error];
        match self {
            A::Stop | A::Start | A::Pause | A::Unpause | A::Restore | A::SoftDelete | A::SetAdminPassword => Failures {
                effects: REVERT,
                source: "nova/compute/manager.py:150-189 (@reverts_task_state)",
            },
            A::Snapshot | A::Backup => Failures {
                effects: REVERT,
                source: "nova/compute/manager.py:4621-4685",
            },
            A::Shelve | A::ShelveOffload => Failures {
                effects: REVERT,
                source: "nova/compute/manager.py:7541, 7626",
            },
            A::Suspend | A::Resume | A::Unrescue | A::Rescue => Failures {
                effects: REVERT_OR_ERROR,
                source: "nova/compute/manager.py:11671-11727 (_error_out_instance_on_exception), 5284-5290",
            },
            A::RebootSoft | A::RebootHard => Failures {
                effects: &[F::ClearTask, F::Error, F::LooksLikeSuccess],
                source: "nova/compute/manager.py:4410-4551",
            },
            A::Delete | A::ForceDelete => Failures {
                effects: &[F::Error],
                source: "nova/compute/manager.py:3440-3445",
            },
            A::Rebuild | A::Evacuate => Failures {
                effects: REVERT_OR_ERROR,
                source: "nova/compute/manager.py:3978-4024; nova/conductor/manager.py:1349-1374",
            },
            A::Resize | A::Migrate => Failures {
                effects: REVERT_OR_ERROR,
                source: "nova/conductor/manager.py:400-440; nova/compute/manager.py:6365-6367, 6723-6724, 7029",
            },
            A::RevertResize | A::ConfirmResize => Failures {
                effects: &[F::Error],
                source: "nova/compute/manager.py:5382, 6001, 6054",
            },
            A::Unshelve => Failures {
                effects: &[F::ClearTask, F::ErrorKeepTask],
                source: "nova/conductor/manager.py:1041-1042, 1149-1165; nova/compute/manager.py:7721",
            },
            A::LiveMigrate => Failures {
                effects: REVERT_OR_ERROR,
                source: "nova/conductor/manager.py:486-543; nova/compute/manager.py:9787-9802, 10597-10600",
            },
            A::Create => Failures {
                effects: &[F::Error],
                source: "nova/conductor/manager.py:1596-1647; nova/compute/manager.py:2521-2578",
            },
            A::TriggerCrashDump
            | A::SnapshotVolumeBacked
            | A::GetVncConsole
            | A::GetSpiceConsole
            | A::GetSerialConsole
            | A::GetMksConsole
            | A::AttachVolume
            | A::DetachVolume
            | A::SwapVolume
            | A::AttachInterface
            | A::DetachInterface
            | A::DeleteInstanceMetadata
            | A::UpdateInstanceMetadata
            | A::LiveMigrateForceComplete
            | A::LiveMigrateAbort
            | A::VolumeSnapshotCreate
            | A::VolumeSnapshotDelete
            | A::ResetState => Failures {
                effects: &[F::NoWrite],
                source: "no task_state is written by these actions",
            },
        }
    }

    /// Where the guest disk has been captured, for image-taking actions
    /// (`None` for the others and for `snapshot_volume_backed`, whose
    /// volume snapshots are taken before the API answers, api.py:3560-3631).
    pub const fn disk_capture(self, driver: Driver) -> Option<DiskCapture> {
        let (pending, uploading) = match self {
            Action::Snapshot | Action::Backup => (T::ImagePendingUpload, T::ImageUploading),
            Action::Shelve => (T::ShelvingImagePendingUpload, T::ShelvingImageUploading),
            _ => return None,
        };
        Some(match driver {
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
        })
    }
}
