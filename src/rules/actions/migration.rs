//! Moving a server: resize, cold and live migration, rebuild, evacuate.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:3683-4449, 5575-5736).

use super::power::STOP_GUARD;
use super::prelude::*;

/// The compute side of rebuild and evacuate (manager.py:3760-3845,
/// 4159-4161, 4250-4259, 3477-3498).
const fn rebuild_tail(plain_end: &[VmState], stop_starts: &[VmState]) -> [Edge; 7] {
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

/// _confirm_resize's one save: guard [None, deleting, soft-deleting]
/// (manager.py:5478-5490). Nova writes no task state of its own for
/// confirm; `resize_confirming` is never written anywhere.
const CONFIRM_GUARD: Guard = Guard::Expect(TaskFilter::of(&[T::Deleting, T::SoftDeleting], true));

/// Shared by the rows below that name it.
const RESIZE_EDGES: &[Edge] = &[
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
    // vm resized; power_state not refreshed (manager.py:6974-6977); the
    // cross-cell end is written in the target cell (7152-7162).
    finish(
        T::ResizeFinish,
        only(T::ResizeFinish),
        Some(V::Resized),
        None,
        "nova/compute/manager.py:6974-6977; cross-cell 7152-7162",
    ),
    // A prep_resize failure with retry info: resize_prep written again,
    // unguarded, and the conductor picks an alternate host.
    step(
        T::ResizePrep,
        T::ResizePrep,
        &[],
        "nova/compute/manager.py:6432-6434, 6444-6446",
    )
    .unguarded()
    .on(Branch::Reschedule),
];

/// The failures of `resize` and `migrate` (the same `API.resize`,
/// api.py:4290-4292).
const RESIZE_FAILURES: &[FailurePhase] = &[
    phase(Api, &[kept(T::ResizePrep)], M::ApiWriteNotUndone, "nova/compute/api.py:4446-4487"),
    // Conductor: the request spec or the task built outside the try.
    phase(
        At(T::ResizePrep),
        &[kept(T::ResizePrep)],
        M::NotReverted,
        "nova/conductor/manager.py:393-397",
    ),
    // Conductor: NoValidHost (incl. MaxRetriesExceeded), a policy error,
    // or anything else (vm_state read back from the database).
    phase(
        At(T::ResizePrep),
        &[CLEARED],
        M::SetVmStateAndNotify,
        "nova/conductor/manager.py:400-436",
    ),
    // Destination prep_resize: the node lookup outside the error-out.
    phase(
        At(T::ResizePrep),
        &[CLEARED],
        M::RevertsTaskState,
        "nova/compute/manager.py:6356-6360, 150-189",
    ),
    // A claim or other failure with retry info: resize_prep again,
    // unguarded, and the conductor tries an alternate host.
    phase(
        At(T::ResizePrep),
        &[kept(T::ResizePrep)],
        M::Reschedule,
        "nova/compute/manager.py:6399-6409, 6426-6448",
    ),
    // No retry info, the reschedule failing, BuildAbortException, no
    // source host; the source's resize_instance before its first save.
    phase(
        At(T::ResizePrep),
        &[ERROR],
        M::ErrorOut,
        "nova/compute/manager.py:6366-6368, 6391-6398, 6449-6487, 6217-6220, 6722-6730, 11722-11727, 164-175",
    ),
    // InstanceFaultRollback (late anti-affinity, same-host migrate
    // unsupported): instance_state is the vm_state at entry.
    phase(
        At(T::ResizePrep),
        &[CLEARED],
        M::ErrorOutRollback,
        "nova/compute/manager.py:6381-6385, 6224-6233, 6365-6368, 11707-11721",
    ),
    phase(
        At(T::ResizePrep),
        &[error_with(T::ResizeMigrating)],
        M::DirtyCarry,
        "nova/compute/manager.py:6732-6733, 11722-11727, 157-163",
    ),
    // migrate_disk_and_power_off: InstanceFaultRollback (libvirt, before
    // the power-off) or NotImplementedError.
    phase(
        At(T::ResizeMigrating),
        &[CLEARED],
        M::ErrorOutRollback,
        "nova/compute/manager.py:6719-6725, 6746-6750, 11707-11721; nova/virt/libvirt/driver.py:12749-12776",
    ),
    phase(
        At(T::ResizeMigrating),
        &[ERROR],
        M::ErrorOut,
        "nova/compute/manager.py:6746-6756, 11722-11727, 164-175",
    ),
    phase(
        At(T::ResizeMigrating),
        &[error_with(T::ResizeMigrated)],
        M::DirtyCarry,
        "nova/compute/manager.py:6761-6777, 11722-11727, 157-163",
    ),
    // Source: the finish_resize cast; destination: network, allocations.
    phase(
        At(T::ResizeMigrated),
        &[ERROR],
        M::ErrorOut,
        "nova/compute/manager.py:6780-6787, 7029-7033, 6895-6916, 11722-11727, 164-175",
    ),
    // Destination: the BDM swap outside the error-out block.
    phase(
        At(T::ResizeMigrated),
        &[CLEARED],
        M::RevertsTaskState,
        "nova/compute/manager.py:7027, 6981-6986, 150-189",
    ),
    phase(
        At(T::ResizeMigrated),
        &[error_with(T::ResizeFinish)],
        M::DirtyCarry,
        "nova/compute/manager.py:6918-6919, 11722-11727, 157-163",
    ),
    // Volumes, finish_migration, or the end save (its resized/null
    // carried, then vm_state error).
    phase(
        At(T::ResizeFinish),
        &[ERROR],
        M::ErrorOut,
        "nova/compute/manager.py:6932-6966, 6974-6977, 11722-11727, 164-175",
    ),
    // Default instance_state active, even for a stopped server.
    phase(
        At(T::ResizeFinish),
        &[ends_as(V::Active, None)],
        M::ErrorOutRollback,
        "nova/compute/manager.py:7029, 11707-11721",
    ),
    phase(
        At(T::ResizeFinish),
        &[ends_as(V::Resized, None)],
        M::AfterEnd,
        "nova/compute/manager.py:7035-7041, 164-175",
    ),
    // Cross-cell: the conductor's task rolls back (no alternate host).
    phase(
        At(T::ResizePrep),
        &[CLEARED],
        M::SetVmStateAndNotify,
        "nova/conductor/tasks/cross_cell_migrate.py:819-868, 423-443; nova/conductor/manager.py:424-436",
    )
    .on(Branch::CrossCell),
    // Cross-cell source: power-off or snapshot upload, then the conductor.
    phase(
        At(T::ResizeMigrating),
        &[CLEARED],
        M::SetVmStateAndNotify,
        "nova/compute/manager.py:6560-6566, 6617-6650; nova/conductor/manager.py:424-436",
    )
    .on(Branch::CrossCell),
    // Cross-cell source: destroy, volumes, network, with instance_state
    // error (NotImplementedError too).
    phase(
        At(T::ResizeMigrating),
        &[ERROR],
        M::ErrorOut,
        "nova/compute/manager.py:6654-6689",
    )
    .on(Branch::CrossCell),
    // Cross-cell destination fails: error on the source cell's instance.
    phase(
        At(T::ResizeMigrated),
        &[ERROR],
        M::SetVmStateAndNotify,
        "nova/conductor/tasks/cross_cell_migrate.py:526-547, 204-215",
    )
    .on(Branch::CrossCell),
    phase(
        At(T::ResizeFinish),
        &[ERROR],
        M::SetVmStateAndNotify,
        "nova/conductor/tasks/cross_cell_migrate.py:526-547, 204-215",
    )
    .on(Branch::CrossCell),
    // Cross-cell, after the destination finished: the mapping update.
    phase(
        At(T::ResizeMigrated),
        &[CLEARED],
        M::SetVmStateAndNotify,
        "nova/conductor/tasks/cross_cell_migrate.py:568-606; nova/conductor/manager.py:424-436",
    )
    .on(Branch::CrossCell),
];

/// Rebuild and evacuate on the compute host, before the error-out block
/// (image metadata, allocations): `@reverts_task_state`.
const REBUILD_BEFORE_ERROR_OUT: FailurePhase = phase(
    At(T::Rebuilding),
    &[CLEARED],
    M::RevertsTaskState,
    "nova/compute/manager.py:3923-3933, 3961-3962, 150-189",
);

/// `InstanceFaultRollback`/`NotImplementedError` in the error-out block,
/// with `instance_state` the vm_state at entry (the claim failing).
const REBUILD_ROLLBACK: FailurePhase = phase(
    At(T::Rebuilding),
    &[CLEARED],
    M::ErrorOutRollback,
    "nova/compute/manager.py:3967-3969, 3978-4010, 11707-11721",
);

/// The guarded rebuilding → rebuilding save fails (pre-empted).
const REBUILD_AGAIN_CARRIED: FailurePhase = phase(
    At(T::Rebuilding),
    &[error_with(T::Rebuilding)],
    M::DirtyCarry,
    "nova/compute/manager.py:4159-4161, 11722-11727, 157-163",
);

/// The guarded save to rebuild_block_device_mapping fails (pre-empted).
const REBUILD_BDM_CARRIED: FailurePhase = phase(
    At(T::Rebuilding),
    &[error_with(T::RebuildBlockDeviceMapping)],
    M::DirtyCarry,
    "nova/compute/manager.py:3829-3830, 11722-11727, 157-163",
);

/// Attaching the volumes fails.
const REBUILD_BDM_ERROR: FailurePhase = phase(
    At(T::RebuildBlockDeviceMapping),
    &[ERROR],
    M::ErrorOut,
    "nova/compute/manager.py:3832, 11722-11727, 164-175",
);

/// The guarded save to rebuild_spawning fails (pre-empted).
const REBUILD_SPAWNING_CARRIED: FailurePhase = phase(
    At(T::RebuildBlockDeviceMapping),
    &[error_with(T::RebuildSpawning)],
    M::DirtyCarry,
    "nova/compute/manager.py:3834-3836, 11722-11727, 157-163",
);

/// The spawn fails (Ironic's provisioning too), the end save fails (its
/// active/null carried, then vm_state error), or a notification after it.
const REBUILD_SPAWNING_ERROR: FailurePhase = phase(
    At(T::RebuildSpawning),
    &[ERROR],
    M::ErrorOut,
    "nova/compute/manager.py:3838-3843, 4250-4251, 4264-4272, 11722-11727, 164-175; nova/virt/ironic/driver.py:1759-1800",
);

/// The stop run in-process at the end fails: its revert writes (active,
/// null), then the error-out and the revert around the rebuild.
const REBUILD_STOP_ERROR: FailurePhase = phase(
    At(T::PoweringOff),
    &[ERROR],
    M::ErrorOut,
    "nova/compute/manager.py:4253-4260, 3452-3498, 11722-11727, 164-175",
)
.on(Branch::StopAtEnd);

/// `resize`.
pub(crate) const RESIZE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Stopped],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4290-4292",
    ),
    api_method: "resize",
    rest: Some("resize"), // servers.py:1150
    http: SERVER_ACTION,
    conflict_action: Some("resize"), // servers.py:1188-1190
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1149).
    refused_with: Some(409),
    edges: RESIZE_EDGES,
    failure_phases: RESIZE_FAILURES,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4289; nova/api/openstack/compute/servers.py:1181-1187",
    ),
    host: host(
        HostCheck::UpAfterState,
        409,
        "nova/compute/api.py:4291; nova/api/openstack/compute/servers.py:1181-1187",
    ),
    policy: policy(
        "os_compute_api:servers:resize",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:386-387",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1148
    accepted: 202,
};

/// `migrate`: REST cold migration, `API.resize` without a flavor.
pub(crate) const MIGRATE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Stopped],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4290-4292",
    ),
    api_method: "resize",
    rest: Some("migrate"), // migrate_server.py:42
    http: SERVER_ACTION,
    conflict_action: Some("migrate"), // migrate_server.py:75-77
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (migrate_server.py:41).
    refused_with: Some(409),
    edges: RESIZE_EDGES,
    failure_phases: RESIZE_FAILURES,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4289; nova/api/openstack/compute/migrate_server.py:69-74",
    ),
    host: host(
        HostCheck::UpAfterState,
        409,
        "nova/compute/api.py:4291; nova/api/openstack/compute/migrate_server.py:69-74",
    ),
    policy: policy(
        "os_compute_api:os-migrate-server:migrate",
        PolicyDefault::ProjectManagerOrAdmin,
        "nova/policies/migrate_server.py:41-42",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/migrate_server.py:40
    accepted: 202,
};

/// `confirm_resize` (`confirmResize`).
pub(crate) const CONFIRM_RESIZE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Resized],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4112-4113",
    ),
    api_method: "confirm_resize",
    rest: Some("confirmResize"), // servers.py:1082
    http: SERVER_ACTION,
    conflict_action: Some("confirmResize"), // servers.py:1100-1102
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1081).
    refused_with: Some(409),
    edges: &[
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
    ],
    failure_phases: &[
        // No @reverts_task_state on confirm_resize: the error-out leaves the
        // task as it is (null, or a racing delete's).
        phase(
            NoTask,
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:5340-5344, 5382-5411, 5478-5490, 11722-11727",
        ),
        phase(
            NoTask,
            &[error_with(T::Deleting), error_with(T::SoftDeleting)],
            M::ErrorUnderPreempter,
            "nova/compute/manager.py:5382-5384, 11722-11727",
        ),
        // Default instance_state active, even if the guest is off.
        phase(
            NoTask,
            &[ends_as(V::Active, None)],
            M::ErrorOutRollback,
            "nova/compute/manager.py:5382-5384, 11707-11721",
        ),
        phase(
            NoTask,
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/tasks/cross_cell_migrate.py:1057-1078",
        )
        .on(Branch::CrossCell),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4111; nova/api/openstack/compute/servers.py:1095-1099",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:confirm_resize",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:353-354",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1080
    accepted: 204,
};

/// `revert_resize` (`revertResize`).
pub(crate) const REVERT_RESIZE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Resized],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4001-4002",
    ),
    api_method: "revert_resize",
    rest: Some("revertResize"), // servers.py:1106
    http: SERVER_ACTION,
    conflict_action: Some("revertResize"), // servers.py:1124-1126
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1105).
    refused_with: Some(409),
    edges: &[
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
        // Cross-cell: one guarded save, active unless the server was
        // stopped before (power_on = old_vm_state == ACTIVE).
        finish(
            T::ResizeReverting,
            only(T::ResizeReverting),
            Some(V::Active),
            None,
            "nova/compute/manager.py:5948, 5966-5968",
        )
        .on(Branch::CrossCell),
        finish(
            T::ResizeReverting,
            only(T::ResizeReverting),
            Some(V::Stopped),
            None,
            "nova/compute/manager.py:5948, 5966-5968",
        )
        .on(Branch::CrossCellWasStopped),
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::ResizeReverting)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4066-4088",
        ),
        // On the destination, before the error-out block; on the source,
        // _delete_stashed_flavor_info in the finally.
        phase(
            At(T::ResizeReverting),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:5998-5999, 6044-6048, 150-189",
        ),
        // Destination (revert_resize) or source (finish_revert_resize),
        // default instance_state active; or a notification after the end.
        phase(
            At(T::ResizeReverting),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:6001-6030, 6054-6120, 6132-6146, 11722-11727, 164-175",
        ),
        phase(
            At(T::ResizeReverting),
            &[ends_as(V::Active, None)],
            M::ErrorOutRollback,
            "nova/compute/manager.py:6001, 6054, 11707-11721",
        ),
        // The guarded saves at 5824 and 6124 fail under a delete.
        phase(
            At(T::ResizeReverting),
            &[error_with(T::Deleting), error_with(T::SoftDeleting)],
            M::ErrorUnderPreempter,
            "nova/compute/manager.py:6071, 5814-5824, 6122-6124, 11722-11727",
        ),
        phase(
            At(T::ResizeReverting),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/tasks/cross_cell_migrate.py:1438-1471",
        )
        .on(Branch::CrossCell),
        phase(
            At(T::ResizeReverting),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/tasks/cross_cell_migrate.py:1438-1471",
        )
        .on(Branch::CrossCellWasStopped),
        // The stop run in-process fails: its revert writes (resized,
        // null), then the error-out and the revert around it.
        phase(
            At(T::PoweringOff),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:6136-6140, 3452-3498, 11722-11727",
        )
        .on(Branch::WasStopped),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4000; nova/api/openstack/compute/servers.py:1122-1123",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:revert_resize",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:364-365",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1104
    accepted: 202,
};

/// `rebuild`.
pub(crate) const REBUILD: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Stopped, V::Error],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:3683-3685",
    ),
    api_method: "rebuild",
    rest: Some("rebuild"), // servers.py:1240
    http: SERVER_ACTION,
    conflict_action: Some("rebuild"), // servers.py:1346-1348
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1239).
    refused_with: Some(409),
    edges: &{
        let [a, b, c, e, f, g, h] = rebuild_tail(&[V::Active, V::Error], &[V::Stopped]);
        [
            api(None, T::Rebuilding, NULL, "nova/compute/api.py:3841-3850"),
            a,
            b,
            c,
            // Ironic's own rebuild skips the block-device phase.
            step(
                T::Rebuilding,
                T::RebuildSpawning,
                &[T::Rebuilding],
                "nova/virt/ironic/driver.py:1759-1760",
            )
            .on(Branch::Ironic),
            e,
            f,
            g,
            h,
        ]
    },
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Rebuilding)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:3841-3897",
        ),
        // Conductor: same host, lookups or the compute cast unhandled; a
        // new image whose scheduling raises anything but the listed errors.
        phase(
            At(T::Rebuilding),
            &[kept(T::Rebuilding)],
            M::NotReverted,
            "nova/conductor/manager.py:1235-1241, 1323-1348, 1383-1426",
        ),
        // Conductor, new image: NoValidHost and the listed errors.
        phase(
            At(T::Rebuilding),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:1349-1374",
        ),
        REBUILD_BEFORE_ERROR_OUT,
        REBUILD_ROLLBACK,
        phase(
            At(T::Rebuilding),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:4017-4024, 4134, 4163-4187, 3766-3821, 11722-11727, 164-175",
        ),
        REBUILD_AGAIN_CARRIED,
        REBUILD_BDM_CARRIED,
        REBUILD_BDM_ERROR,
        REBUILD_SPAWNING_CARRIED,
        REBUILD_SPAWNING_ERROR,
        REBUILD_STOP_ERROR,
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:3682; nova/api/openstack/compute/servers.py:1344-1345",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:rebuild",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:412-413",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1238
    accepted: 202,
};

/// `evacuate`.
pub(crate) const EVACUATE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Stopped, V::Error],
        TF::ANY,
        true,
        "nova/compute/api.py:5707-5709",
    ),
    api_method: "evacuate",
    rest: Some("evacuate"), // evacuate.py:81
    http: SERVER_ACTION,
    conflict_action: Some("evacuate"), // evacuate.py:154-156
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (evacuate.py:80).
    refused_with: Some(409),
    edges: &{
        // target_state stopped (2.95+) applies unless the server is in error
        // (manager.py:4079-4086; evacuate.py:111-122).
        // No Ironic row: Ironic (and VMware) declare supports_evacuate
        // false and the compute refuses first (manager.py:4096-4097;
        // nova/virt/ironic/driver.py:158).
        let [a, b, c, e, f, g, h] = rebuild_tail(&[V::Active, V::Error], &[V::Active, V::Stopped]);
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
            e,
            f,
            g,
            h,
        ]
    },
    failure_phases: &[
        // Evacuate accepts any task, so it can be retried.
        phase(
            Api,
            &[kept(T::Rebuilding)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:5735-5785",
        ),
        // Conductor, forced host: source or destination node not found, or
        // the claim finds no host: the in-memory vm_state, task null.
        phase(
            At(T::Rebuilding),
            &[CLEARED],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:1182-1212",
        ),
        phase(
            At(T::Rebuilding),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:1260-1276, 1349-1374",
        ),
        phase(
            At(T::Rebuilding),
            &[kept(T::Rebuilding)],
            M::NotReverted,
            "nova/conductor/manager.py:1257-1281, 1383-1426",
        ),
        // Forced host with no compute node here: InstanceFaultRollback
        // raised outside the error-out block.
        phase(
            At(T::Rebuilding),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:3938-3956, 3923-3933, 3961-3962, 150-189",
        ),
        // The claim, or the late group-policy check (4088-4094).
        phase(
            At(T::Rebuilding),
            &[CLEARED],
            M::ErrorOutRollback,
            "nova/compute/manager.py:3967-3969, 3978-4010, 4088-4094, 11707-11721",
        ),
        // No supports_evacuate, the guest still exists, shared storage
        // mismatch, target_state, network, BDM, ... or after the end.
        phase(
            At(T::Rebuilding),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:4079-4113, 4017-4024, 4025-4030, 11722-11727, 164-175",
        ),
        REBUILD_AGAIN_CARRIED,
        REBUILD_BDM_CARRIED,
        REBUILD_BDM_ERROR,
        REBUILD_SPAWNING_CARRIED,
        REBUILD_SPAWNING_ERROR,
        REBUILD_STOP_ERROR,
    ],
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:5702-5707 (no @check_instance_lock)"),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-evacuate",
        PolicyDefault::Admin,
        "nova/policies/evacuate.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/evacuate.py:80-91, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `live_migrate` (`os-migrateLive`).
pub(crate) const LIVE_MIGRATE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5575-5576",
    ),
    api_method: "live_migrate",
    rest: Some("os-migrateLive"), // migrate_server.py:95
    http: SERVER_ACTION,
    conflict_action: Some("os-migrateLive"), // migrate_server.py:170-172
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (migrate_server.py:94).
    refused_with: Some(409),
    // vm_state kept (active or paused); power from the destination.
    edges: &one_task(
        T::Migrating,
        "nova/compute/api.py:5590-5591",
        None,
        None,
        "nova/compute/manager.py:10350-10376",
    ),
    failure_phases: &[
        // Also the synchronous pre-2.34 call timing out.
        phase(Api, &[kept(T::Migrating)], M::ApiWriteNotUndone, "nova/compute/api.py:5590-5626"),
        // The migration record or the task built before the conductor's
        // try; the source handler's own bookkeeping (no revert there);
        // the rollback itself failing before its end write.
        phase(
            At(T::Migrating),
            &[kept(T::Migrating)],
            M::NotReverted,
            "nova/conductor/manager.py:499-515; nova/compute/manager.py:9804-9842, 10483-10593",
        ),
        // Pre-checks and scheduling: the in-memory vm_state, task null.
        phase(
            At(T::Migrating),
            &[CLEARED],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:516-534; nova/conductor/tasks/live_migrate.py:81-160",
        ),
        phase(
            At(T::Migrating),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:535-546",
        ),
        // pre_live_migration, VIF plugging, a cancelled queued migration,
        // libvirt reporting the job failed or cancelled.
        phase(
            At(T::Migrating),
            &[CLEARED],
            M::LiveMigrationRollback,
            "nova/compute/manager.py:9696-9733, 9762-9771, 10597-10600; nova/virt/libvirt/driver.py:11767-11782",
        ),
        // driver.live_migration raises (also after a rollback, when
        // libvirt's operation thread raised), post-migration at the source
        // or at the destination fails.
        phase(
            At(T::Migrating),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:9787-9802, 10072-10107, 10339-10376; nova/virt/libvirt/driver.py:11842-11867",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5574; nova/api/openstack/compute/migrate_server.py:162-163",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-migrate-server:migrate_live",
        PolicyDefault::ProjectManagerOrAdmin,
        "nova/policies/migrate_server.py:72-73",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/migrate_server.py:93
    accepted: 202,
};

/// `live_migrate_force_complete`.
pub(crate) const LIVE_MIGRATE_FORCE_COMPLETE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active],
        TF::of(&[TaskState::Migrating], false),
        true,
        "nova/compute/api.py:5629-5631",
    ),
    api_method: "live_migrate_force_complete",
    rest: None,
    http: "POST /servers/{server_id}/migrations/{migration_id}/action (force_complete)",
    conflict_action: Some("force_complete"), // server_migrations.py:116-118
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (server_migrations.py:96).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    // The request writes nothing; a failure on the compute host only
    // records a fault and the live migration goes on (manager.py:9844-9866).
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5628; nova/api/openstack/compute/server_migrations.py:114-115",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:migrations:force_complete",
        PolicyDefault::ProjectManagerOrAdmin,
        "nova/policies/servers_migrations.py:52-53",
    ),
    versions: since(22, "nova/api/openstack/compute/server_migrations.py:94"),
    // nova/api/openstack/compute/server_migrations.py:95
    accepted: 202,
};

/// `live_migrate_abort`.
pub(crate) const LIVE_MIGRATE_ABORT: ActionSpec = ActionSpec {
    precondition: any_vm(
        TF::of(&[TaskState::Migrating], false),
        true,
        "nova/compute/api.py:5660-5661",
    ),
    api_method: "live_migrate_abort",
    rest: None,
    http: "DELETE /servers/{server_id}/migrations/{migration_id}",
    conflict_action: Some("abort live migration"), // server_migrations.py:210-212
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (server_migrations.py:195).
    refused_with: Some(409),
    edges: &[
        // Cancelled in the queue (manager.py:9947-9949) or rolled back after
        // abortJob (manager.py:10597-10600): vm_state kept.
        finish(
            T::Migrating,
            only(T::Migrating),
            None,
            None,
            "nova/compute/manager.py:9947-9949, 10597-10600",
        ),
    ],
    failure_phases: &[
        // Queued: the cancel succeeded but reverting the allocation or the
        // network raises before the end write (no revert on this handler);
        // running: the driver's abort fails and the migration goes on.
        phase(
            At(T::Migrating),
            &[kept(T::Migrating)],
            M::NotReverted,
            "nova/compute/manager.py:9876-9956; nova/virt/libvirt/driver.py:11309-11324",
        ),
        // Running on libvirt: the abort makes the monitor roll back, and if
        // the operation thread raised, live_migration's error path runs.
        phase(
            At(T::Migrating),
            &[ERROR],
            M::ErrorState,
            "nova/virt/libvirt/driver.py:11774-11782, 11842-11867; nova/compute/manager.py:9792-9802",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(LockWording::InvalidState, "nova/compute/api.py:5659; nova/api/openstack/compute/server_migrations.py:210-212 (catches only InstanceInvalidState)"),
    host: NO_HOST_CHECK,
    policy: policy("os_compute_api:servers:migrations:delete", PolicyDefault::ProjectManagerOrAdmin, "nova/policies/servers_migrations.py:65-66"),
    versions: since(24, "nova/api/openstack/compute/server_migrations.py:193"),
    // nova/api/openstack/compute/server_migrations.py:194
    accepted: 202,
};
