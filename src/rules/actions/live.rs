//! Live migration, and forcing or aborting one in progress.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:5575-5661).

use super::prelude::*;

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
