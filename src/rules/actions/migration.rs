//! Moving a server: resize, cold and live migration, rebuild, evacuate.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:3683-4449, 5575-5736).

use super::power::STOP_GUARD;
use super::prelude::*;

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
    // vm resized; power_state not refreshed (manager.py:6974-6977).
    finish(
        T::ResizeFinish,
        only(T::ResizeFinish),
        Some(V::Resized),
        None,
        "nova/compute/manager.py:6974-6977",
    ),
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
    failures: Failures {
        effects: REVERT_OR_ERROR,
        source:
            "nova/conductor/manager.py:400-440; nova/compute/manager.py:6365-6367, 6723-6724, 7029",
    },
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
    failures: Failures {
        effects: REVERT_OR_ERROR,
        source:
            "nova/conductor/manager.py:400-440; nova/compute/manager.py:6365-6367, 6723-6724, 7029",
    },
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
    failures: Failures {
        effects: &[F::Error],
        source: "nova/compute/manager.py:5382, 6001, 6054",
    },
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
        finish(
            T::ResizeReverting,
            only(T::ResizeReverting),
            Some(V::Stopped),
            None,
            "nova/compute/manager.py:5948, 5966-5968",
        )
        .on(Branch::CrossCell),
    ],
    failures: Failures {
        effects: &[F::Error],
        source: "nova/compute/manager.py:5382, 6001, 6054",
    },
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
    },
    failures: Failures {
        effects: REVERT_OR_ERROR,
        source: "nova/compute/manager.py:3978-4024; nova/conductor/manager.py:1349-1374",
    },
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
        let [a, b, c, d, e, f, g, h] =
            rebuild_tail(&[V::Active, V::Error], &[V::Active, V::Stopped]);
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
    },
    failures: Failures {
        effects: REVERT_OR_ERROR,
        source: "nova/compute/manager.py:3978-4024; nova/conductor/manager.py:1349-1374",
    },
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
    failures: Failures {
        effects: REVERT_OR_ERROR,
        source: "nova/conductor/manager.py:486-543; nova/compute/manager.py:9787-9802, 10597-10600",
    },
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
    failures: Failures {
        effects: &[F::NoWrite],
        source: "no task_state is written by these actions",
    },
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
    failures: Failures {
        effects: &[F::NoWrite],
        source: "no task_state is written by these actions",
    },
    image_tasks: None,
    starts: None,
    lock: locked(LockWording::InvalidState, "nova/compute/api.py:5659; nova/api/openstack/compute/server_migrations.py:210-212 (catches only InstanceInvalidState)"),
    host: NO_HOST_CHECK,
    policy: policy("os_compute_api:servers:migrations:delete", PolicyDefault::ProjectManagerOrAdmin, "nova/policies/servers_migrations.py:65-66"),
    versions: since(24, "nova/api/openstack/compute/server_migrations.py:193"),
    // nova/api/openstack/compute/server_migrations.py:194
    accepted: 202,
};
