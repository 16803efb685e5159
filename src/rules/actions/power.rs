//! Power and guest-state actions: stop, start, reboot, pause, suspend, rescue, crash dump.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:2857-2889, 3647-3664, 4826-4953).

use super::prelude::*;

/// `task_states.ALLOW_REBOOT` (nova/compute/task_states.py:120-121): the
/// task states a hard reboot may pre-empt, with `null`.
pub const ALLOW_REBOOT: TaskFilter = TaskFilter::of(
    &[
        TaskState::Rebooting,
        TaskState::RebootPending,
        TaskState::RebootStarted,
        TaskState::Resuming,
        TaskState::RebootingHard,
        TaskState::Unpausing,
        TaskState::Pausing,
        TaskState::Suspending,
    ],
    true,
);

/// vm_states.ALLOW_HARD_REBOOT (nova/compute/vm_states.py:73).
const ALLOW_HARD_REBOOT: &[VmState] = &[V::Active, V::Stopped, V::Paused, V::Suspended, V::Error];

/// vm_states.ALLOW_TRIGGER_CRASH_DUMP (nova/compute/vm_states.py:76).
const ALLOW_TRIGGER_CRASH_DUMP: &[VmState] =
    &[V::Active, V::Paused, V::Rescued, V::Resized, V::Error];

/// stop_instance's final save: guard [powering-off], plus None when the
/// driver already reports the guest off (manager.py:3477-3498).
pub(super) const STOP_GUARD: Guard = Guard::Expect(TaskFilter::of(&[T::PoweringOff], true));

/// `stop` (`os-stop`).
pub(crate) const STOP: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Error],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:2868-2869",
    ),
    api_method: "stop",
    rest: Some("os-stop"), // servers.py:1557
    http: SERVER_ACTION,
    conflict_action: Some("stop"), // servers.py:1571-1574
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1556).
    refused_with: Some(409),
    edges: &[
        api(None, T::PoweringOff, NULL, "nova/compute/api.py:2857-2859"),
        finish(
            T::PoweringOff,
            STOP_GUARD,
            Some(V::Stopped),
            Some(P::Shutdown),
            "nova/compute/manager.py:3477-3498",
        ),
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::PoweringOff)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:2857-2864",
        ),
        phase(
            At(T::PoweringOff),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:3461-3495, 150-189",
        ),
        phase(
            At(T::PoweringOff),
            &[ends_as(V::Stopped, None).power(P::Shutdown)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:3495-3498, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2866; nova/api/openstack/compute/servers.py:1568-1570",
    ),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:2867; nova/api/openstack/compute/servers.py:1568-1570",
    ),
    policy: policy(
        "os_compute_api:servers:stop",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:467-468",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1555
    accepted: 202,
};

/// `start` (`os-start`).
pub(crate) const START: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Stopped],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:2875-2876",
    ),
    api_method: "start",
    rest: Some("os-start"), // servers.py:1537
    http: SERVER_ACTION,
    conflict_action: Some("start"), // servers.py:1551-1553
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1536).
    refused_with: Some(409),
    edges: &one_task(
        T::PoweringOn,
        "nova/compute/api.py:2880-2881",
        Some(V::Active),
        Some(P::Running),
        "nova/compute/manager.py:3552-3565",
    ),
    failure_phases: &[
        phase(
            Api,
            &[kept(T::PoweringOn)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:2880-2884",
        ),
        phase(
            At(T::PoweringOn),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:3547-3552, 150-189",
        ),
        phase(
            At(T::PoweringOn),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:3552-3565, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2873; nova/api/openstack/compute/servers.py:1548-1550",
    ),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:2874; nova/api/openstack/compute/servers.py:1548-1550",
    ),
    policy: policy(
        "os_compute_api:servers:start",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:456-457",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1535
    accepted: 202,
};

/// `reboot` with type SOFT.
pub(crate) const REBOOT_SOFT: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:3647-3649",
    ),
    api_method: "_soft_reboot",
    rest: Some("reboot"), // servers.py:1130
    http: SERVER_ACTION,
    conflict_action: Some("reboot"), // servers.py:1144-1146
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1129).
    refused_with: Some(409),
    edges: &[
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
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Rebooting)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:3650-3658",
        ),
        // Anything before the save at 4461 (outside the try).
        phase(
            At(T::Rebooting),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:4428-4461, 150-189",
        ),
        // The save at 4488 raises inside the try: guest running, fault
        // recorded and the unguarded end save written; guest not running,
        // vm error with the dirty reboot_started (kept on a conflict,
        // cleared by @reverts_task_state otherwise).
        phase(
            At(T::RebootPending),
            &[ends_as(V::Active, None).power(P::Running)],
            M::RebootFailedButRunning,
            "nova/compute/manager.py:4483-4488, 4508-4527, 4533-4539",
        ),
        phase(
            At(T::RebootPending),
            &[error_with(T::RebootStarted)],
            M::DirtyCarry,
            "nova/compute/manager.py:4483-4488, 4528-4531, 157-163",
        ),
        phase(
            At(T::RebootPending),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:4528-4531, 164-175",
        ),
        phase(
            At(T::RebootStarted),
            &[ends_as(V::Active, None).power(P::Running)],
            M::RebootFailedButRunning,
            "nova/compute/manager.py:4499-4527, 4533-4539",
        ),
        phase(
            At(T::RebootStarted),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:4528-4531, 164-175",
        ),
        phase(
            At(T::RebootStarted),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:4533-4539, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:3639-3640; nova/api/openstack/compute/servers.py:1142-1143",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:reboot",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:375-376",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1128
    accepted: 202,
};

/// `reboot` with type HARD.
pub(crate) const REBOOT_HARD: ActionSpec = ActionSpec {
    precondition: pre(
        ALLOW_HARD_REBOOT,
        ALLOW_REBOOT,
        true,
        "nova/compute/api.py:3660-3662",
    ),
    api_method: "_hard_reboot",
    rest: Some("reboot"), // servers.py:1130
    http: SERVER_ACTION,
    conflict_action: Some("reboot"), // servers.py:1144-1146
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1129).
    refused_with: Some(409),
    edges: &[
        api(
            None,
            T::RebootingHard,
            Guard::Expect(ALLOW_REBOOT),
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
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::RebootingHard)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:3663-3670",
        ),
        phase(
            At(T::RebootingHard),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:4428-4461, 150-189",
        ),
        // As for the soft reboot; the end is active whatever the start.
        phase(
            At(T::RebootPendingHard),
            &[ends_as(V::Active, None).power(P::Running)],
            M::RebootFailedButRunning,
            "nova/compute/manager.py:4486-4488, 4508-4527, 4533-4539",
        ),
        phase(
            At(T::RebootPendingHard),
            &[error_with(T::RebootStartedHard)],
            M::DirtyCarry,
            "nova/compute/manager.py:4486-4488, 4528-4531, 157-163",
        ),
        phase(
            At(T::RebootPendingHard),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:4528-4531, 164-175",
        ),
        phase(
            At(T::RebootStartedHard),
            &[ends_as(V::Active, None).power(P::Running)],
            M::RebootFailedButRunning,
            "nova/compute/manager.py:4496-4527, 4533-4539",
        ),
        phase(
            At(T::RebootStartedHard),
            &[ERROR],
            M::ErrorState,
            "nova/compute/manager.py:4528-4531, 164-175",
        ),
        phase(
            At(T::RebootStartedHard),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:4533-4539, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:3639-3640; nova/api/openstack/compute/servers.py:1142-1143",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:reboot",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:375-376",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1128
    accepted: 202,
};

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

/// `trigger_crash_dump`.
pub(crate) const TRIGGER_CRASH_DUMP: ActionSpec = ActionSpec {
    precondition: pre(
        ALLOW_TRIGGER_CRASH_DUMP,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:2888-2889",
    ),
    api_method: "trigger_crash_dump",
    rest: Some("trigger_crash_dump"), // servers.py:1576
    http: SERVER_ACTION,
    conflict_action: Some("trigger_crash_dump"), // servers.py:1593-1596
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1578).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    // The compute host only records a fault (manager.py:3571-3594).
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:2886; nova/api/openstack/compute/servers.py:1590-1592",
    ),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:2887; nova/api/openstack/compute/servers.py:1590-1592",
    ),
    policy: policy(
        "os_compute_api:servers:trigger_crash_dump",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:478-479",
    ),
    versions: since(17, "nova/api/openstack/compute/servers.py:1576"),
    // nova/api/openstack/compute/servers.py:1577
    accepted: 202,
};
