//! Rebuilding a server in place, and evacuating it to another host.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:3683-3850, 5702-5736).

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
    versions: Versions {
        // From 2.95 the controller passes target_state stopped
        // (evacuate.py:111-122); the compute makes it the state to restore
        // unless the server is in error (manager.py:4077-4086), and a
        // stopped one is powered off at the end (manager.py:4253-4257).
        // Before, an active server ends active (a stopped one stays
        // stopped, an errored one ends active: not version-dependent).
        ends: Some(EndsRule {
            since: Microversion::new(2, 95),
            starts: VmStateSet::from_slice(&[V::Active]),
            before: VmStateSet::from_slice(&[V::Active]),
            after: VmStateSet::from_slice(&[V::Stopped]),
            source: "nova/api/openstack/compute/evacuate.py:111-122; nova/compute/manager.py:4077-4086, 4253-4257",
        }),
        ..EVERY_VERSION
    },
    // nova/api/openstack/compute/evacuate.py:80-91, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};
