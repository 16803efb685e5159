//! Power actions: stop, start, reboot (soft and hard), crash dump.
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
