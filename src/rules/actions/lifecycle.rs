//! The life and death of a server: build, delete (hard, soft, forced), restore and the admin reset-state.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:2146-2849 (create, _delete, soft_delete, restore, force_delete); admin_actions.py for reset-state).

use super::prelude::*;

/// Shared by the rows below that name it.
const DELETE_EDGES: &[Edge] = &[
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

/// `create`: the build (`POST /servers`).
pub(crate) const CREATE: ActionSpec = ActionSpec {
    // No server exists yet: nothing to check (api.py:2242, no decorator).
    precondition: Precondition {
        vm_states: VmStateSet::EMPTY,
        task_states: TF::NULL_ONLY,
        must_have_launched: false,
        source: "nova/compute/api.py:2242",
    },
    api_method: "create",
    rest: None,
    http: "POST /servers",
    conflict_action: None,
    // Never refused by state: there is no server to check (api.py:2242).
    refused_with: None,
    edges: &[
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
    ],
    failures: Failures {
        effects: &[F::Error],
        source: "nova/conductor/manager.py:1596-1647; nova/compute/manager.py:2521-2578",
    },
    image_tasks: None,
    starts: Some(VmStateSet::EMPTY.with(V::Building)),
    lock: unlocked("nova/compute/api.py:2242 (no server yet)"),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:create",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:209-210",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:699
    accepted: 202,
};

/// `delete`.
pub(crate) const DELETE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::ANY, false, "nova/compute/api.py:2807-2809"),
    api_method: "delete",
    rest: None,
    http: "DELETE /servers/{server_id}",
    conflict_action: Some("delete"), // servers.py:938-940
    // Never refused by state: check_instance_state(vm_state=None, task_state=None,
    // must_have_launched=False) accepts every state (api.py:2807-2808); the
    // controller's 409 (servers.py:938-940) is soft_delete's.
    refused_with: None,
    edges: DELETE_EDGES,
    failures: Failures {
        effects: &[F::Error],
        source: "nova/compute/manager.py:3440-3445",
    },
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2806; nova/api/openstack/compute/servers.py:934-937",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:delete",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:331-332",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:924
    accepted: 204,
};

/// `soft_delete`: DELETE when `reclaim_instance_interval` > 0.
pub(crate) const SOFT_DELETE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::ANY, true, "nova/compute/api.py:2791-2793"),
    api_method: "soft_delete",
    rest: None,
    http: "DELETE /servers/{server_id}",
    conflict_action: Some("delete"), // servers.py:938-940
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:925).
    refused_with: Some(409),
    edges: &[
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
    ],
    failures: Failures {
        effects: REVERT,
        source: "nova/compute/manager.py:150-189 (@reverts_task_state)",
    },
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2790; nova/api/openstack/compute/servers.py:934-937, 947-953",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:delete",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:331-332",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:924
    accepted: 204,
};

/// `force_delete` (`forceDelete`).
pub(crate) const FORCE_DELETE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::ANY, false, "nova/compute/api.py:2847-2849"),
    api_method: "force_delete",
    rest: Some("forceDelete"), // deferred_delete.py:56
    http: SERVER_ACTION,
    conflict_action: None,
    // Never refused by state: check_instance_state(task_state=None,
    // must_have_launched=False) accepts every state (api.py:2847-2848).
    refused_with: None,
    edges: DELETE_EDGES,
    failures: Failures {
        effects: &[F::Error],
        source: "nova/compute/manager.py:3440-3445",
    },
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2846; nova/api/openstack/compute/deferred_delete.py:70-71",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-deferred-delete:force",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/deferred_delete.py:50-51",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/deferred_delete.py:54
    accepted: 202,
};

/// `restore` a soft-deleted server.
pub(crate) const RESTORE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::SoftDeleted],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:2815-2816",
    ),
    api_method: "restore",
    rest: Some("restore"), // deferred_delete.py:37
    http: SERVER_ACTION,
    conflict_action: Some("restore"), // deferred_delete.py:50-52
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (deferred_delete.py:36).
    refused_with: Some(409),
    edges: &[
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
    ],
    failures: Failures {
        effects: REVERT,
        source: "nova/compute/manager.py:150-189 (@reverts_task_state)",
    },
    image_tasks: None,
    starts: None,
    lock: locked(LockWording::InvalidState, "nova/compute/api.py:2814; nova/api/openstack/compute/deferred_delete.py:50-52 (catches only InstanceInvalidState)"),
    host: NO_HOST_CHECK,
    policy: policy("os_compute_api:os-deferred-delete:restore", PolicyDefault::ProjectMemberOrAdmin, "nova/policies/deferred_delete.py:38-39"),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/deferred_delete.py:35
    accepted: 202,
};

/// `reset_state` (`os-resetState`, admin).
pub(crate) const RESET_STATE: ActionSpec = ActionSpec {
    // os-resetState checks no state (admin_actions.py:66-91).
    precondition: any_vm(
        TF::ANY,
        false,
        "nova/api/openstack/compute/admin_actions.py:66-91",
    ),
    api_method: "reset_state",
    rest: Some("os-resetState"), // admin_actions.py:68
    http: SERVER_ACTION,
    conflict_action: None,
    // Never refused by state: os-resetState checks none (admin_actions.py:71-91).
    refused_with: None,
    edges: &[
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
    ],
    failures: Failures {
        effects: &[F::NoWrite],
        source: "no task_state is written by these actions",
    },
    image_tasks: None,
    starts: None,
    lock: unlocked(
        "nova/api/openstack/compute/admin_actions.py:71-91 (no compute API method, no lock check)",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-admin-actions:reset_state",
        PolicyDefault::Admin,
        "nova/policies/admin_actions.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/admin_actions.py:66
    accepted: 202,
};
