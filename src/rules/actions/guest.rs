//! Guest-state actions: pause and unpause, suspend and resume, rescue and unrescue.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:4826-4953).

use super::prelude::*;

/// `pause`.
pub(crate) const PAUSE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4826-4827",
    ),
    api_method: "pause",
    rest: Some("pause"), // pause_server.py:35
    http: SERVER_ACTION,
    conflict_action: Some("pause"), // pause_server.py:49-51
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (pause_server.py:34).
    refused_with: Some(409),
    edges: &one_task(
        T::Pausing,
        "nova/compute/api.py:4829-4830",
        Some(V::Paused),
        Some(P::Paused),
        "nova/compute/manager.py:7317-7321",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Pausing)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4829-4832",
        ),
        phase(
            At(T::Pausing),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7317-7318, 150-189",
        ),
        phase(
            At(T::Pausing),
            &[ends_as(V::Paused, None).power(P::Paused)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:7318-7321, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4825; nova/api/openstack/compute/pause_server.py:47-48",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-pause-server:pause",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/pause_server.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/pause_server.py:33
    accepted: 202,
};

/// `unpause`.
pub(crate) const UNPAUSE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Paused],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4835-4836",
    ),
    api_method: "unpause",
    rest: Some("unpause"), // pause_server.py:59
    http: SERVER_ACTION,
    conflict_action: Some("unpause"), // pause_server.py:72-74
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (pause_server.py:58).
    refused_with: Some(409),
    edges: &one_task(
        T::Unpausing,
        "nova/compute/api.py:4838-4839",
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:7339-7343",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Unpausing)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4838-4841",
        ),
        phase(
            At(T::Unpausing),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7339-7340, 150-189",
        ),
        phase(
            At(T::Unpausing),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:7340-7343, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4834; nova/api/openstack/compute/pause_server.py:70-71",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-pause-server:unpause",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/pause_server.py:38-39",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/pause_server.py:57
    accepted: 202,
};

/// `suspend`.
pub(crate) const SUSPEND: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4862-4863",
    ),
    api_method: "suspend",
    rest: Some("suspend"), // suspend_server.py:34
    http: SERVER_ACTION,
    conflict_action: Some("suspend"), // suspend_server.py:48-50
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (suspend_server.py:33).
    refused_with: Some(409),
    edges: &one_task(
        T::Suspending,
        "nova/compute/api.py:4865-4866",
        Some(V::Suspended),
        Some(P::Suspended),
        "nova/compute/manager.py:7484-7487",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Suspending)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4865-4868",
        ),
        // Before the driver call, or _get_power_state after it.
        phase(
            At(T::Suspending),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7476-7480, 7484, 150-189",
        ),
        // instance_state is the vm_state at entry (active).
        phase(
            At(T::Suspending),
            &[CLEARED],
            M::ErrorOutRollback,
            "nova/compute/manager.py:7481-7483, 11707-11721",
        ),
        phase(
            At(T::Suspending),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:7481-7483, 11722-11727, 164-175",
        ),
        phase(
            At(T::Suspending),
            &[ends_as(V::Suspended, None).power(P::Suspended)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:7484-7487, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4861; nova/api/openstack/compute/suspend_server.py:46-47",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-suspend-server:suspend",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/suspend_server.py:37-38",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/suspend_server.py:32
    accepted: 202,
};

/// `resume`.
pub(crate) const RESUME: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Suspended],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4874-4875",
    ),
    api_method: "resume",
    rest: Some("resume"), // suspend_server.py:60
    http: SERVER_ACTION,
    conflict_action: Some("resume"), // suspend_server.py:73-75
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (suspend_server.py:59).
    refused_with: Some(409),
    // vm := system_metadata['old_vm_state'] saved by suspend, which only
    // runs from active (manager.py:7476, 7527-7534; api.py:4862).
    edges: &one_task(
        T::Resuming,
        "nova/compute/api.py:4877-4878",
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:7527-7534",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Resuming)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4877-4880",
        ),
        phase(
            At(T::Resuming),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7502-7520, 7527, 150-189",
        ),
        phase(
            At(T::Resuming),
            &[CLEARED],
            M::ErrorOutRollback,
            "nova/compute/manager.py:7522-7525, 11707-11721",
        ),
        phase(
            At(T::Resuming),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:7522-7525, 11722-11727, 164-175",
        ),
        phase(
            At(T::Resuming),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:7527-7534, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4870; nova/api/openstack/compute/suspend_server.py:71-72",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-suspend-server:resume",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/suspend_server.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/suspend_server.py:58
    accepted: 202,
};

/// `rescue`.
pub(crate) const RESCUE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Stopped, V::Error],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4884-4886",
    ),
    api_method: "rescue",
    rest: Some("rescue"), // rescue.py:43
    http: SERVER_ACTION,
    conflict_action: Some("rescue"), // rescue.py:73-75
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (rescue.py:42).
    refused_with: Some(409),
    edges: &one_task(
        T::Rescuing,
        "nova/compute/api.py:4939-4940",
        Some(V::Rescued),
        Some(P::Running),
        "nova/compute/manager.py:5295-5299",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Rescuing)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4939-4946",
        ),
        // Before the power-off, or notify_usage_exists after the driver.
        phase(
            At(T::Rescuing),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:5255-5274, 5292-5293, 150-189",
        ),
        // Power-off, shares or driver.rescue (NotImplementedError too):
        // _set_instance_obj_error_state directly, no rollback branch.
        phase(
            At(T::Rescuing),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:5276-5290, 164-175",
        ),
        phase(
            At(T::Rescuing),
            &[ends_as(V::Rescued, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:5295-5299, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4883; nova/api/openstack/compute/rescue.py:68-72",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-rescue",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/rescue.py:39-40",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/rescue.py:42-46, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `unrescue`.
pub(crate) const UNRESCUE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Rescued],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4949-4950",
    ),
    api_method: "unrescue",
    rest: Some("unrescue"), // rescue.py:89
    http: SERVER_ACTION,
    conflict_action: Some("unrescue"), // rescue.py:102-105
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (rescue.py:88).
    refused_with: Some(409),
    // Always active, even if the server was stopped before the rescue.
    edges: &one_task(
        T::Unrescuing,
        "nova/compute/api.py:4952-4953",
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:5327-5330",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Unrescuing)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4952-4957",
        ),
        phase(
            At(T::Unrescuing),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:5317-5322, 150-189",
        ),
        // Default instance_state active: the guest is still in rescue.
        phase(
            At(T::Unrescuing),
            &[ends_as(V::Active, None)],
            M::ErrorOutRollback,
            "nova/compute/manager.py:5324-5325, 11671-11672, 11707-11721",
        ),
        phase(
            At(T::Unrescuing),
            &[ERROR],
            M::ErrorOut,
            "nova/compute/manager.py:5324-5325, 11722-11727, 164-175",
        ),
        phase(
            At(T::Unrescuing),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:5327-5330, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4948; nova/api/openstack/compute/rescue.py:100-101",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-unrescue",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/rescue.py:50-51",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/rescue.py:87
    accepted: 202,
};
