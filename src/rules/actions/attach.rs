//! What is attached to a running server: consoles, volumes, interfaces, metadata, the admin password, assisted volume snapshots. None of these writes a task_state except the password change.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:4960-5544, 5895-5916).

use super::prelude::*;

/// Volume attach/detach vm_states (api.py:5200-5203, 5303-5306).
const VOLUME_VMS: &[VmState] = &[
    V::Active,
    V::Paused,
    V::Stopped,
    V::Resized,
    V::SoftDeleted,
    V::Shelved,
    V::ShelvedOffloaded,
];

/// The consoles' `@reject_instance_state(task_state=[DELETING, MIGRATING])`.
const CONSOLE_TASKS: TaskFilter = TaskFilter::all_but(&[TaskState::Deleting, TaskState::Migrating]);

/// `set_admin_password` (`changePassword`).
pub(crate) const SET_ADMIN_PASSWORD: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4960-4961",
    ),
    api_method: "set_admin_password",
    rest: Some("changePassword"), // admin_password.py:37
    http: SERVER_ACTION,
    conflict_action: Some("changePassword"), // admin_password.py:56-58
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (admin_password.py:39).
    refused_with: Some(409),
    edges: &one_task(
        T::UpdatingPassword,
        "nova/compute/api.py:4968-4969",
        None,
        None,
        "nova/compute/manager.py:5177-5181",
    ),
    failure_phases: &[
        // Also an RPC call that times out (rpcapi.py:1430-1435).
        phase(
            Api,
            &[kept(T::UpdatingPassword)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4968-4976",
        ),
        // Guest not running, agent disabled, not supported: the handler
        // saves null (guarded) and raises.
        phase(
            At(T::UpdatingPassword),
            &[CLEARED],
            M::ClearsTask,
            "nova/compute/manager.py:5166-5206",
        ),
        phase(
            At(T::UpdatingPassword),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:5211-5220, 150-189",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(LockWording::InvalidState, "nova/compute/api.py:4959; nova/api/openstack/compute/admin_password.py:56-58 (catches only InstanceInvalidState)"),
    host: NO_HOST_CHECK,
    policy: policy("os_compute_api:os-admin-password", PolicyDefault::ProjectMemberOrAdmin, "nova/policies/admin_password.py:26-27"),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/admin_password.py:38
    accepted: 202,
};

/// `get_vnc_console`.
pub(crate) const GET_VNC_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4979-4981"),
    api_method: "get_vnc_console",
    rest: Some("os-getVNCConsole"), // remote_consoles.py:41 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: Some("get_vnc_console"), // remote_consoles.py:65-67
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (remote_consoles.py:42).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:4978-4981 (no @check_instance_lock)"),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:4978; nova/api/openstack/compute/remote_consoles.py:63-64",
    ),
    policy: policy(
        "os_compute_api:os-remote-consoles",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/remote_consoles.py:26-27",
    ),
    versions: until(5, "nova/api/openstack/compute/remote_consoles.py:41"),
    // nova/api/openstack/compute/remote_consoles.py:41-46, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `get_spice_console`.
pub(crate) const GET_SPICE_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4988-4990"),
    api_method: "get_spice_console",
    rest: Some("os-getSPICEConsole"), // remote_consoles.py:73 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: None,
    // 500: the handler catches no InstanceInvalidState
    // (remote_consoles.py:87-98), so its expected_errors (remote_consoles.py:74)
    // turns it into HTTPInternalServerError (nova/api/openstack/wsgi.py:808-813).
    refused_with: Some(500),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:4987-4990 (no @check_instance_lock)"),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:4987; nova/api/openstack/compute/remote_consoles.py:95-96",
    ),
    policy: policy(
        "os_compute_api:os-remote-consoles",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/remote_consoles.py:26-27",
    ),
    versions: until(5, "nova/api/openstack/compute/remote_consoles.py:73"),
    // nova/api/openstack/compute/remote_consoles.py:73-78, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `get_serial_console`.
pub(crate) const GET_SERIAL_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4997-4999"),
    api_method: "get_serial_console",
    rest: Some("os-getSerialConsole"), // remote_consoles.py:114 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: None,
    // 500: the handler catches no InstanceInvalidState
    // (remote_consoles.py:127-141), so its expected_errors (remote_consoles.py:115)
    // turns it into HTTPInternalServerError (nova/api/openstack/wsgi.py:808-813).
    refused_with: Some(500),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:4996-4999 (no @check_instance_lock)"),
    host: host(
        HostCheck::SetBeforeState,
        409,
        "nova/compute/api.py:4996; nova/api/openstack/compute/remote_consoles.py:133-134",
    ),
    policy: policy(
        "os_compute_api:os-remote-consoles",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/remote_consoles.py:26-27",
    ),
    versions: until(5, "nova/api/openstack/compute/remote_consoles.py:114"),
    // nova/api/openstack/compute/remote_consoles.py:114-119, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `get_mks_console`.
pub(crate) const GET_MKS_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:5006-5008"),
    api_method: "get_mks_console",
    rest: None,
    http: "POST /servers/{server_id}/remote-consoles (protocol mks)",
    conflict_action: None,
    // 500: POST /remote-consoles catches no InstanceInvalidState
    // (remote_consoles.py:167-186), so its expected_errors (remote_consoles.py:146)
    // turns it into HTTPInternalServerError (nova/api/openstack/wsgi.py:808-813).
    refused_with: Some(500),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:5005-5008 (no @check_instance_lock)"),
    host: host(HostCheck::SetBeforeState, 409, "nova/compute/api.py:5005; nova/api/openstack/compute/remote_consoles.py:177-178"),
    policy: policy("os_compute_api:os-remote-consoles", PolicyDefault::ProjectMemberOrAdmin, "nova/policies/remote_consoles.py:26-27"),
    versions: since(6, "nova/api/openstack/compute/remote_consoles.py:145 (protocol mks from 2.8, remote_consoles.py:148)"),
    // nova/api/openstack/compute/remote_consoles.py:145-153, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `attach_volume`.
pub(crate) const ATTACH_VOLUME: ActionSpec = ActionSpec {
    precondition: pre(
        VOLUME_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5200-5204",
    ),
    api_method: "attach_volume",
    rest: None,
    http: "POST /servers/{server_id}/os-volume_attachments",
    conflict_action: Some("attach_volume"), // volume_attachments.py:239-241
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (volume_attachments.py:197).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5199; nova/api/openstack/compute/volume_attachments.py:237-238",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-volumes-attachments:create",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/volumes_attachments.py:36-37",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/volume_attachments.py:197-205, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `detach_volume`.
pub(crate) const DETACH_VOLUME: ActionSpec = ActionSpec {
    precondition: pre(
        VOLUME_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5303-5307",
    ),
    api_method: "detach_volume",
    rest: None,
    http: "DELETE /servers/{server_id}/os-volume_attachments/{volume_id}",
    conflict_action: Some("detach_volume"), // volume_attachments.py:439-441
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (volume_attachments.py:393).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5302; nova/api/openstack/compute/volume_attachments.py:437-438",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-volumes-attachments:delete",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/volumes_attachments.py:87-88",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/volume_attachments.py:392
    accepted: 202,
};

/// `swap_volume`.
pub(crate) const SWAP_VOLUME: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused, V::Resized],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5358-5360",
    ),
    api_method: "swap_volume",
    rest: None,
    http: "PUT /servers/{server_id}/os-volume_attachments/{volume_id}",
    conflict_action: Some("swap_volume"), // volume_attachments.py:323-325
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (volume_attachments.py:360).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5357; nova/api/openstack/compute/volume_attachments.py:321-322",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-volumes-attachments:swap",
        PolicyDefault::ServiceOrAdmin,
        "nova/policies/volumes_attachments.py:75-76",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/volume_attachments.py:359
    accepted: 202,
};

/// `attach_interface`.
pub(crate) const ATTACH_INTERFACE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused, V::Stopped],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5470-5475",
    ),
    api_method: "attach_interface",
    rest: None,
    http: "POST /servers/{server_id}/os-interface",
    conflict_action: Some("attach_interface"), // attach_interfaces.py:210-212
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (attach_interfaces.py:144).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5466; nova/api/openstack/compute/attach_interfaces.py:196-201",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-attach-interfaces:create",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/attach_interfaces.py:63-64",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/attach_interfaces.py:144-149, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `detach_interface`.
pub(crate) const DETACH_INTERFACE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused, V::Stopped],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:5508-5513",
    ),
    api_method: "detach_interface",
    rest: None,
    http: "DELETE /servers/{server_id}/os-interface/{port_id}",
    conflict_action: Some("detach_interface"), // attach_interfaces.py:239-241
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (attach_interfaces.py:217).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5504; nova/api/openstack/compute/attach_interfaces.py:235-236",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-attach-interfaces:delete",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/attach_interfaces.py:75-76",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/attach_interfaces.py:216
    accepted: 202,
};

/// `delete_instance_metadata`.
pub(crate) const DELETE_INSTANCE_METADATA: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused, V::Suspended, V::Stopped],
        TF::ANY,
        true,
        "nova/compute/api.py:5533-5536",
    ),
    api_method: "delete_instance_metadata",
    rest: None,
    http: "DELETE /servers/{server_id}/metadata/{key}",
    conflict_action: Some("delete metadata"), // server_metadata.py:166-168
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (server_metadata.py:147).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5532; nova/api/openstack/compute/server_metadata.py:164-165",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:server-metadata:delete",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/server_metadata.py:86-87",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/server_metadata.py:148
    accepted: 204,
};

/// `update_instance_metadata`.
pub(crate) const UPDATE_INSTANCE_METADATA: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Active, V::Paused, V::Suspended, V::Stopped],
        TF::ANY,
        true,
        "nova/compute/api.py:5541-5544",
    ),
    api_method: "update_instance_metadata",
    rest: None,
    http: "PUT /servers/{server_id}/metadata",
    conflict_action: Some("update metadata"), // server_metadata.py:125-127
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (server_metadata.py:101).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:5540; nova/api/openstack/compute/server_metadata.py:123-124",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:server-metadata:update_all",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/server_metadata.py:62-63",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/server_metadata.py:101-104, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `volume_snapshot_create` (assisted volume snapshots).
pub(crate) const VOLUME_SNAPSHOT_CREATE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5895-5896"),
    api_method: "do_volume_snapshot_create",
    rest: None,
    http: "POST /os-assisted-volume-snapshots",
    conflict_action: None,
    // 400: InstanceInvalidState becomes HTTPBadRequest
    // (assisted_volume_snapshots.py:57-63), which expected_errors passes (line 38).
    refused_with: Some(400),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:5892-5893 (no @check_instance_lock)"),
    host: host(HostCheck::SetBeforeState, 400, "nova/compute/api.py:5892; nova/api/openstack/compute/assisted_volume_snapshots.py:57-63"),
    policy: Policy { before_lookup: true, ..policy("os_compute_api:os-assisted-volume-snapshots:create", PolicyDefault::ServiceOrAdmin, "nova/policies/assisted_volume_snapshots.py:26-27; checked first, nova/api/openstack/compute/assisted_volume_snapshots.py:44") },
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/assisted_volume_snapshots.py:38-41, no @wsgi.response: 200, nova/api/openstack/wsgi.py:283
    accepted: 200,
};

/// `volume_snapshot_delete` (assisted volume snapshots).
pub(crate) const VOLUME_SNAPSHOT_DELETE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5915-5916"),
    api_method: "do_volume_snapshot_delete",
    rest: None,
    http: "DELETE /os-assisted-volume-snapshots/{snapshot_id}",
    conflict_action: None,
    // 400: InstanceInvalidState becomes HTTPBadRequest
    // (assisted_volume_snapshots.py:92-98), which expected_errors passes (line 66).
    refused_with: Some(400),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:5911-5912 (no @check_instance_lock)"),
    host: host(
        HostCheck::SetBeforeState,
        400,
        "nova/compute/api.py:5911; nova/api/openstack/compute/assisted_volume_snapshots.py:92-98",
    ),
    policy: Policy {
        before_lookup: true,
        ..policy(
            "os_compute_api:os-assisted-volume-snapshots:delete",
            PolicyDefault::ServiceOrAdmin,
            "nova/policies/assisted_volume_snapshots.py:37-38",
        )
    },
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/assisted_volume_snapshots.py:65
    accepted: 204,
};
