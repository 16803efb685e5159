//! Resize and cold migration, and how a resize ends: confirm or revert.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:4001-4449).

use super::power::STOP_GUARD;
use super::prelude::*;

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
