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
    // (manager.py:3388-3394), then the row is destroyed (3403). With no
    // host the API destroys the row itself (api.py:2559-2572); with the
    // host down (or shelved_offloaded) _local_delete saves (deleted, null)
    // and destroys it (api.py:2769-2774, 2752-2753).
    finish(
        T::Deleting,
        UNGUARDED,
        Some(V::Deleted),
        Some(P::NoState),
        "nova/compute/manager.py:3388-3394, 3403; nova/compute/api.py:2559-2572, 2769-2774, 2752-2753",
    ),
];

/// The failures of `delete` and `force_delete` (the same `_delete`,
/// api.py:2802-2804, 2849-2852).
///
/// Deleting a `resized` server first confirms the resize by an RPC call
/// (api.py:2581-2582, 2680-2681): confirm_resize's save writes (active or
/// stopped, null) (manager.py:5478-5490) before the compute host's
/// terminate runs and writes (deleted, null). The chain above does not
/// show that moment as a write (a write from task null would let the
/// relation delete any active server without a request); the rows below
/// list what is left when the request fails around it.
const DELETE_FAILURES: &[FailurePhase] = &[
    phase(
        Api,
        &[kept(T::Deleting)],
        M::ApiWriteNotUndone,
        "nova/compute/api.py:2553-2557, 2597-2614, 2740-2752, 2769-2777",
    ),
    // A resized server: the API confirms the resize first, by an RPC
    // call (api.py:2581-2582, 2680-2681).
    phase(
        Api,
        &[error_with(T::Deleting)],
        M::ErrorOut,
        "nova/compute/api.py:2581-2582, 2680-2681; nova/compute/manager.py:5382-5384, 11722-11727",
    )
    .for_starts(&[V::Resized]),
    phase(
        Api,
        &[ends_as(V::Active, None)],
        M::ErrorOutRollback,
        "nova/compute/api.py:2581-2582; nova/compute/manager.py:5382-5384, 11707-11721",
    )
    .for_starts(&[V::Resized]),
    phase(
        Api,
        &[ends_as(V::Active, None), ends_as(V::Stopped, None)],
        M::EarlierStepKept,
        "nova/compute/api.py:2581-2582, 2596-2614; nova/compute/manager.py:5478-5490",
    )
    .for_starts(&[V::Resized]),
    // Before do_terminate_instance's try (event, stale-BDM refresh).
    phase(
        At(T::Deleting),
        &[CLEARED],
        M::RevertsTaskState,
        "nova/compute/manager.py:3426-3433, 164-175",
    ),
    phase(
        At(T::Deleting),
        &[ERROR],
        M::ErrorState,
        "nova/compute/manager.py:3434-3445, 164-175",
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
        // The claim (ComputeResourcesUnavailable) or the group policy
        // fails while the row is (building, null), before `networking`.
        Edge {
            api: false,
            from: None,
            to: Some(T::Scheduling),
            guard: UNGUARDED,
            vm: None,
            power: None,
            starts: ALL_STARTS,
            end: false,
            branch: Branch::Reschedule,
            source: "nova/compute/manager.py:2661-2666, 2704-2713, 2535-2537",
        },
    ],
    failure_phases: &[
        // The schedule_and_build_instances cast fails: no clean-up, the
        // BuildRequest shows BUILD for ever (a DELETE removes it).
        phase(
            Api,
            &[kept(T::Scheduling)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:1832-1841",
        ),
        // Scheduling fails: _bury_in_cell0 (error, null) in cell0.
        phase(
            At(T::Scheduling),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:1665-1674, 1596, 1645-1647",
        ),
        // Quota recheck, provider mapping or ARQ binding fails:
        // _cleanup_build_artifacts.
        phase(
            At(T::Scheduling),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:1750-1760, 1783-1791, 1824-1833, 1957-1971",
        ),
        // instance.create, the mapping or the build cast fail unhandled.
        phase(
            At(T::Scheduling),
            &[kept(T::Scheduling)],
            M::NotReverted,
            "nova/conductor/manager.py:1741, 1800-1814, 1840-1852",
        ),
        // Rescheduled: no host left, claim or AZ or ARQ failure.
        phase(
            At(T::Scheduling),
            &[ERROR],
            M::SetVmStateAndNotify,
            "nova/conductor/manager.py:702-717, 727-753, 774-810, 821-827, 895-900",
        )
        .on(Branch::Reschedule),
        phase(
            At(T::Scheduling),
            &[kept(T::Scheduling)],
            M::NotReverted,
            "nova/conductor/manager.py:858-859, 885, 902-912",
        )
        .on(Branch::Reschedule),
        // The reschedule's build_instances cast raises: the scheduling
        // just written is cleared (a BUILD server nothing will finish).
        phase(
            At(T::Scheduling),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:2536-2551, 164-175",
        )
        .on(Branch::Reschedule),
        // (building, null) on the compute: files or node lookup fail
        // outside the try (stuck BUILD); build aborted or no retry.
        phase(
            NoTask,
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:2492-2498, 164-175",
        ),
        phase(
            NoTask,
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:2510-2525, 2563-2578, 2635-2656",
        ),
        // The claim or the group policy fails: rescheduled.
        phase(
            NoTask,
            &[kept(T::Scheduling)],
            M::Reschedule,
            "nova/compute/manager.py:2661-2666, 2704-2713, 2526-2555",
        ),
        phase(
            At(T::Networking),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:2897-2938, 2510-2525, 2563-2578",
        ),
        phase(
            At(T::Networking),
            &[ends_as(V::Building, Some(T::Scheduling))],
            M::Reschedule,
            "nova/compute/manager.py:2920-2924, 2704-2713, 2526-2555",
        ),
        // _prep_block_device errors never reschedule.
        phase(
            At(T::BlockDeviceMapping),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:2917-2938, 2197-2222, 2563-2578",
        ),
        // ComputeResourcesUnavailable, or the guarded save to spawning.
        phase(
            At(T::BlockDeviceMapping),
            &[ends_as(V::Building, Some(T::Scheduling))],
            M::Reschedule,
            "nova/compute/manager.py:2920-2924, 2679-2680, 2786-2796, 2526-2555",
        ),
        phase(
            At(T::Spawning),
            &[ends_as(V::Building, Some(T::Scheduling))],
            M::Reschedule,
            "nova/compute/manager.py:2687-2693, 2786-2796, 2526-2555",
        ),
        // No retry, an abort, the clean-up failing, or anything after the
        // spawn (the final save, or notifications after it: an ACTIVE
        // server turned ERROR).
        phase(
            At(T::Spawning),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:2714-2774, 2958-2968, 2817-2838, 2510-2525, 2563-2578",
        ),
    ],
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
    failure_phases: DELETE_FAILURES,
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
        // A resized server: the API confirms the resize first by an RPC
        // call, whose save writes (active or stopped, null) with guard
        // [None, deleting, soft-deleting] (manager.py:5478-5490), then
        // saves soft-deleting again, unguarded (api.py:2592-2594). The
        // moment with task null in between is folded into this write.
        Edge {
            api: false,
            from: Some(T::SoftDeleting),
            to: Some(T::SoftDeleting),
            guard: UNGUARDED,
            vm: Some(V::Active),
            power: None,
            starts: VmStateSet::EMPTY.with(V::Resized),
            end: false,
            branch: Branch::PowerNotShutdown,
            source: "nova/compute/api.py:2581-2594; nova/compute/manager.py:5478-5490",
        },
        Edge {
            api: false,
            from: Some(T::SoftDeleting),
            to: Some(T::SoftDeleting),
            guard: UNGUARDED,
            vm: Some(V::Stopped),
            power: None,
            starts: VmStateSet::EMPTY.with(V::Resized),
            end: false,
            branch: Branch::PowerShutdown,
            source: "nova/compute/api.py:2581-2594; nova/compute/manager.py:5478-5490",
        },
        // Host down (or shelved_offloaded): _local_delete deallocates the
        // network, volumes and allocations, _do_soft_delete(local=True)
        // saves (soft-delete, null), and the row is destroyed at once: the
        // server is deleted, not soft-deleted (api.py:2727-2753, 2779-2784).
        finish(
            T::SoftDeleting,
            UNGUARDED,
            Some(V::Deleted),
            None,
            "nova/compute/api.py:2779-2784, 2752-2753",
        )
        .on(Branch::NoHost),
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::SoftDeleting)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:2553-2557, 2597-2614, 2740-2752, 2786-2787",
        ),
        // A resized server: confirmed first (api.py:2581-2582), then
        // soft-deleting written again (2592-2594).
        phase(
            Api,
            &[error_with(T::SoftDeleting)],
            M::ErrorOut,
            "nova/compute/api.py:2581-2582, 2680-2681; nova/compute/manager.py:5382-5384, 11722-11727",
        )
        .for_starts(&[V::Resized]),
        phase(
            Api,
            &[ends_as(V::Active, None)],
            M::ErrorOutRollback,
            "nova/compute/api.py:2581-2582; nova/compute/manager.py:5382-5384, 11707-11721",
        )
        .for_starts(&[V::Resized]),
        phase(
            Api,
            &[ends_as(V::Active, Some(T::SoftDeleting)), ends_as(V::Stopped, Some(T::SoftDeleting))],
            M::EarlierStepKept,
            "nova/compute/api.py:2581-2594, 2596-2614; nova/compute/manager.py:5478-5490",
        )
        .for_starts(&[V::Resized]),
        phase(At(T::SoftDeleting), &[CLEARED], M::RevertsTaskState, "nova/compute/manager.py:3602-3613, 150-189"),
        phase(
            At(T::SoftDeleting),
            &[ends_as(V::SoftDeleted, None).power(P::Shutdown)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:3613-3616, 164-175",
        ),
    ],
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
    failure_phases: DELETE_FAILURES,
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
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Restoring)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:2830-2844",
        ),
        phase(
            At(T::Restoring),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:3624-3634, 150-189",
        ),
        phase(
            At(T::Restoring),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:3634-3637, 164-175",
        ),
    ],
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
    failure_phases: &[
        // instance_action.finish() raises after the save: 500, reset done.
        phase(
            Api,
            &[ends_as(V::Active, None)],
            M::AfterEnd,
            "nova/api/openstack/compute/admin_actions.py:88-91",
        )
        .on(Branch::ResetActive),
        phase(
            Api,
            &[ends_as(V::Error, None)],
            M::AfterEnd,
            "nova/api/openstack/compute/admin_actions.py:88-91",
        )
        .on(Branch::ResetError),
    ],
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
