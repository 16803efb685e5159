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
};

/// `get_vnc_console`.
pub(crate) const GET_VNC_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4979-4981"),
    api_method: "get_vnc_console",
    rest: Some("os-getVNCConsole"), // remote_consoles.py:41 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: Some("get_vnc_console"), // remote_consoles.py:65-67
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};

/// `get_spice_console`.
pub(crate) const GET_SPICE_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4988-4990"),
    api_method: "get_spice_console",
    rest: Some("os-getSPICEConsole"), // remote_consoles.py:73 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: None,
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};

/// `get_serial_console`.
pub(crate) const GET_SERIAL_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4997-4999"),
    api_method: "get_serial_console",
    rest: Some("os-getSerialConsole"), // remote_consoles.py:114 (2.1-2.5)
    http: SERVER_ACTION,
    conflict_action: None,
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};

/// `get_mks_console`.
pub(crate) const GET_MKS_CONSOLE: ActionSpec = ActionSpec {
    precondition: any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:5006-5008"),
    api_method: "get_mks_console",
    rest: None,
    http: "POST /servers/{server_id}/remote-consoles (protocol mks)",
    conflict_action: None,
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
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
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};

/// `volume_snapshot_create` (assisted volume snapshots).
pub(crate) const VOLUME_SNAPSHOT_CREATE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5895-5896"),
    api_method: "do_volume_snapshot_create",
    rest: None,
    http: "POST /os-assisted-volume-snapshots",
    conflict_action: None,
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};

/// `volume_snapshot_delete` (assisted volume snapshots).
pub(crate) const VOLUME_SNAPSHOT_DELETE: ActionSpec = ActionSpec {
    precondition: any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5915-5916"),
    api_method: "do_volume_snapshot_delete",
    rest: None,
    http: "DELETE /os-assisted-volume-snapshots/{snapshot_id}",
    conflict_action: None,
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
};
