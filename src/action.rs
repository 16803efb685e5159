//! User and admin actions: their names, and the state preconditions Nova
//! checks before accepting them.
//!
//! Every precondition is the `@check_instance_state` (or
//! `@reject_instance_state`) decorator of the method in
//! nova/compute/api.py @ 00a030403f67, cited line by line. Lock, host and
//! service checks, quota and image checks are not state and are not modelled.

use core::fmt;

use crate::names::{serde_by_name, wire_enum};
use crate::{TaskState, TaskStateSet, VmState, VmStateSet};

wire_enum! {
    /// A state-guarded operation of `nova.compute.api.API`, plus `create`
    /// (the build), `migrate` (REST cold migration, which is `API.resize`
    /// without a flavor) and the admin `reset_state`.
    ///
    /// Names are this crate's (the API method's name, with reboot split in
    /// two); [`Action::rest`] gives what the REST API calls it.
    ///
    /// ```
    /// use nova_states::Action;
    /// assert_eq!("snapshot".parse::<Action>(), Ok(Action::Snapshot));
    /// assert_eq!(Action::Snapshot.rest(), Some("createImage"));
    /// assert_eq!(Action::Start.rest(), Some("os-start"));
    /// ```
    pub enum Action for Action, case_insensitive = false, from_str = parse {
        /// `soft_delete`: DELETE when `reclaim_instance_interval` > 0.
        SoftDelete = 0, "soft_delete";
        /// `delete`.
        Delete = 1, "delete";
        /// `force_delete` (`forceDelete`).
        ForceDelete = 2, "force_delete";
        /// `restore` a soft-deleted server.
        Restore = 3, "restore";
        /// `stop` (`os-stop`).
        Stop = 4, "stop";
        /// `start` (`os-start`).
        Start = 5, "start";
        /// `trigger_crash_dump`.
        TriggerCrashDump = 6, "trigger_crash_dump";
        /// `backup` (`createBackup`).
        Backup = 7, "backup";
        /// `snapshot` (`createImage` of an image-backed server).
        Snapshot = 8, "snapshot";
        /// `snapshot_volume_backed` (`createImage` of a volume-backed server).
        SnapshotVolumeBacked = 9, "snapshot_volume_backed";
        /// `reboot` with type SOFT.
        RebootSoft = 10, "reboot_soft";
        /// `reboot` with type HARD.
        RebootHard = 11, "reboot_hard";
        /// `rebuild`.
        Rebuild = 12, "rebuild";
        /// `revert_resize` (`revertResize`).
        RevertResize = 13, "revert_resize";
        /// `confirm_resize` (`confirmResize`).
        ConfirmResize = 14, "confirm_resize";
        /// `resize`.
        Resize = 15, "resize";
        /// `shelve`.
        Shelve = 16, "shelve";
        /// `shelve_offload` (`shelveOffload`).
        ShelveOffload = 17, "shelve_offload";
        /// `unshelve`.
        Unshelve = 18, "unshelve";
        /// `pause`.
        Pause = 19, "pause";
        /// `unpause`.
        Unpause = 20, "unpause";
        /// `suspend`.
        Suspend = 21, "suspend";
        /// `resume`.
        Resume = 22, "resume";
        /// `rescue`.
        Rescue = 23, "rescue";
        /// `unrescue`.
        Unrescue = 24, "unrescue";
        /// `set_admin_password` (`changePassword`).
        SetAdminPassword = 25, "set_admin_password";
        /// `get_vnc_console`.
        GetVncConsole = 26, "get_vnc_console";
        /// `get_spice_console`.
        GetSpiceConsole = 27, "get_spice_console";
        /// `get_serial_console`.
        GetSerialConsole = 28, "get_serial_console";
        /// `get_mks_console`.
        GetMksConsole = 29, "get_mks_console";
        /// `attach_volume`.
        AttachVolume = 30, "attach_volume";
        /// `detach_volume`.
        DetachVolume = 31, "detach_volume";
        /// `swap_volume`.
        SwapVolume = 32, "swap_volume";
        /// `attach_interface`.
        AttachInterface = 33, "attach_interface";
        /// `detach_interface`.
        DetachInterface = 34, "detach_interface";
        /// `delete_instance_metadata`.
        DeleteInstanceMetadata = 35, "delete_instance_metadata";
        /// `update_instance_metadata`.
        UpdateInstanceMetadata = 36, "update_instance_metadata";
        /// `live_migrate` (`os-migrateLive`).
        LiveMigrate = 37, "live_migrate";
        /// `live_migrate_force_complete`.
        LiveMigrateForceComplete = 38, "live_migrate_force_complete";
        /// `live_migrate_abort`.
        LiveMigrateAbort = 39, "live_migrate_abort";
        /// `evacuate`.
        Evacuate = 40, "evacuate";
        /// `volume_snapshot_create` (assisted volume snapshots).
        VolumeSnapshotCreate = 41, "volume_snapshot_create";
        /// `volume_snapshot_delete` (assisted volume snapshots).
        VolumeSnapshotDelete = 42, "volume_snapshot_delete";
        /// `create`: the build (`POST /servers`).
        Create = 43, "create";
        /// `migrate`: REST cold migration, `API.resize` without a flavor.
        Migrate = 44, "migrate";
        /// `reset_state` (`os-resetState`, admin).
        ResetState = 45, "reset_state";
    }
    aliases {}
}

serde_by_name!(Action, "a nova-states action name such as \"snapshot\"");

/// The task states a precondition (or a save guard) accepts: a set, and
/// whether `null` is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskFilter {
    /// Non-null task states accepted.
    pub tasks: TaskStateSet,
    /// Whether `null` (no task) is accepted.
    pub null: bool,
}

impl TaskFilter {
    /// Only `null`: the decorator's default `task_state=(None,)`.
    pub const NULL_ONLY: TaskFilter = TaskFilter {
        tasks: TaskStateSet::EMPTY,
        null: true,
    };
    /// Anything: the decorator's `task_state=None`.
    pub const ANY: TaskFilter = TaskFilter {
        tasks: TaskStateSet::FULL,
        null: true,
    };

    /// Exactly these tasks, and `null` if `null`.
    pub const fn of(tasks: &[TaskState], null: bool) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_slice(tasks),
            null,
        }
    }

    /// Anything but these tasks (`null` accepted): `@reject_instance_state`.
    pub const fn all_but(tasks: &[TaskState]) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_bits(
                TaskStateSet::FULL.bits() & !TaskStateSet::from_slice(tasks).bits(),
            ),
            null: true,
        }
    }

    /// Whether `task` passes.
    pub const fn contains(self, task: Option<TaskState>) -> bool {
        match task {
            Some(task) => self.tasks.contains(task),
            None => self.null,
        }
    }

    /// How many values pass (`null` counted).
    pub const fn len(self) -> usize {
        self.tasks.len() + self.null as usize
    }

    /// Whether nothing passes.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The values that pass: `None` first when `null` does, then the tasks.
    pub fn iter(self) -> impl Iterator<Item = Option<TaskState>> {
        self.null
            .then_some(None)
            .into_iter()
            .chain(self.tasks.iter().map(Some))
    }
}

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

/// What an action needs of the server's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Precondition {
    /// Accepted vm_states (empty for `create`: there is no server yet).
    pub vm_states: VmStateSet,
    /// Accepted task states.
    pub task_states: TaskFilter,
    /// Whether `launched_at` must be set (the server booted once).
    pub must_have_launched: bool,
    /// Where Nova declares it (path:line at the pinned commit).
    pub source: &'static str,
}

const fn pre(
    vm_states: &[VmState],
    task_states: TaskFilter,
    must_have_launched: bool,
    source: &'static str,
) -> Precondition {
    Precondition {
        vm_states: VmStateSet::from_slice(vm_states),
        task_states,
        must_have_launched,
        source,
    }
}

const fn any_vm(
    task_states: TaskFilter,
    must_have_launched: bool,
    source: &'static str,
) -> Precondition {
    Precondition {
        vm_states: VmStateSet::FULL,
        task_states,
        must_have_launched,
        source,
    }
}

use TaskFilter as TF;
use VmState as V;

/// vm_states.ALLOW_HARD_REBOOT (nova/compute/vm_states.py:73).
const ALLOW_HARD_REBOOT: &[VmState] = &[V::Active, V::Stopped, V::Paused, V::Suspended, V::Error];
/// vm_states.ALLOW_TRIGGER_CRASH_DUMP (nova/compute/vm_states.py:76).
const ALLOW_TRIGGER_CRASH_DUMP: &[VmState] =
    &[V::Active, V::Paused, V::Rescued, V::Resized, V::Error];
/// The image-taking actions' vm_states (api.py:3400-3401, 3441-3442, 3498-3499).
const IMAGE_VMS: &[VmState] = &[V::Active, V::Stopped, V::Paused, V::Suspended];
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

impl Action {
    /// Position in [`Action::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The state precondition, exactly as the method's decorator declares
    /// it (nova/compute/api.py @ 00a030403f67; the line is the `def`).
    #[inline]
    pub const fn precondition(self) -> Precondition {
        use Action as A;
        match self {
            A::SoftDelete => any_vm(TF::ANY, true, "nova/compute/api.py:2791-2793"),
            A::Delete => any_vm(TF::ANY, false, "nova/compute/api.py:2807-2809"),
            A::ForceDelete => any_vm(TF::ANY, false, "nova/compute/api.py:2847-2849"),
            A::Restore => pre(
                &[V::SoftDeleted],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:2815-2816",
            ),
            A::Stop => pre(
                &[V::Active, V::Error],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:2868-2869",
            ),
            A::Start => pre(
                &[V::Stopped],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:2875-2876",
            ),
            A::TriggerCrashDump => pre(
                ALLOW_TRIGGER_CRASH_DUMP,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:2888-2889",
            ),
            A::Backup => pre(
                IMAGE_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:3400-3402",
            ),
            A::Snapshot => pre(
                IMAGE_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:3441-3443",
            ),
            A::SnapshotVolumeBacked => pre(
                IMAGE_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:3498-3500",
            ),
            A::RebootSoft => pre(
                &[V::Active],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:3647-3649",
            ),
            A::RebootHard => pre(
                ALLOW_HARD_REBOOT,
                ALLOW_REBOOT,
                true,
                "nova/compute/api.py:3660-3662",
            ),
            A::Rebuild => pre(
                &[V::Active, V::Stopped, V::Error],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:3683-3685",
            ),
            A::RevertResize => pre(
                &[V::Resized],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4001-4002",
            ),
            A::ConfirmResize => pre(
                &[V::Resized],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4112-4113",
            ),
            A::Resize | A::Migrate => pre(
                &[V::Active, V::Stopped],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4290-4292",
            ),
            A::Shelve => pre(
                IMAGE_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4545-4547",
            ),
            A::ShelveOffload => pre(
                &[V::Shelved],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4585-4586",
            ),
            A::Unshelve => pre(
                &[V::Shelved, V::ShelvedOffloaded],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4705-4707",
            ),
            A::Pause => pre(
                &[V::Active],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4826-4827",
            ),
            A::Unpause => pre(
                &[V::Paused],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4835-4836",
            ),
            A::Suspend => pre(
                &[V::Active],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4862-4863",
            ),
            A::Resume => pre(
                &[V::Suspended],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4874-4875",
            ),
            A::Rescue => pre(
                &[V::Active, V::Stopped, V::Error],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4884-4886",
            ),
            A::Unrescue => pre(
                &[V::Rescued],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4949-4950",
            ),
            A::SetAdminPassword => pre(
                &[V::Active],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:4960-4961",
            ),
            A::GetVncConsole => any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4979-4981"),
            A::GetSpiceConsole => any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4988-4990"),
            A::GetSerialConsole => any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:4997-4999"),
            A::GetMksConsole => any_vm(CONSOLE_TASKS, false, "nova/compute/api.py:5006-5008"),
            A::AttachVolume => pre(
                VOLUME_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5200-5204",
            ),
            A::DetachVolume => pre(
                VOLUME_VMS,
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5303-5307",
            ),
            A::SwapVolume => pre(
                &[V::Active, V::Paused, V::Resized],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5358-5360",
            ),
            A::AttachInterface => pre(
                &[V::Active, V::Paused, V::Stopped],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5470-5475",
            ),
            A::DetachInterface => pre(
                &[V::Active, V::Paused, V::Stopped],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5508-5513",
            ),
            A::DeleteInstanceMetadata => pre(
                &[V::Active, V::Paused, V::Suspended, V::Stopped],
                TF::ANY,
                true,
                "nova/compute/api.py:5533-5536",
            ),
            A::UpdateInstanceMetadata => pre(
                &[V::Active, V::Paused, V::Suspended, V::Stopped],
                TF::ANY,
                true,
                "nova/compute/api.py:5541-5544",
            ),
            A::LiveMigrate => pre(
                &[V::Active, V::Paused],
                TF::NULL_ONLY,
                true,
                "nova/compute/api.py:5575-5576",
            ),
            A::LiveMigrateForceComplete => pre(
                &[V::Active],
                TF::of(&[TaskState::Migrating], false),
                true,
                "nova/compute/api.py:5629-5631",
            ),
            A::LiveMigrateAbort => any_vm(
                TF::of(&[TaskState::Migrating], false),
                true,
                "nova/compute/api.py:5660-5661",
            ),
            A::Evacuate => pre(
                &[V::Active, V::Stopped, V::Error],
                TF::ANY,
                true,
                "nova/compute/api.py:5707-5709",
            ),
            A::VolumeSnapshotCreate => any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5895-5896"),
            A::VolumeSnapshotDelete => any_vm(TF::NULL_ONLY, true, "nova/compute/api.py:5915-5916"),
            // No server exists yet: nothing to check (api.py:2242, no decorator).
            A::Create => Precondition {
                vm_states: VmStateSet::EMPTY,
                task_states: TF::NULL_ONLY,
                must_have_launched: false,
                source: "nova/compute/api.py:2242",
            },
            // os-resetState checks no state (admin_actions.py:66-91).
            A::ResetState => any_vm(
                TF::ANY,
                false,
                "nova/api/openstack/compute/admin_actions.py:66-91",
            ),
        }
    }

    /// The name of the decorated method, which Nova puts in the
    /// `InstanceInvalidState` message (`method=f.__name__`, api.py:161).
    pub const fn api_method(self) -> &'static str {
        use Action as A;
        match self {
            A::RebootSoft => "_soft_reboot",
            A::RebootHard => "_hard_reboot",
            A::Migrate => "resize",
            A::VolumeSnapshotCreate => "do_volume_snapshot_create",
            A::VolumeSnapshotDelete => "do_volume_snapshot_delete",
            A::ResetState => "reset_state",
            other => other.as_str(),
        }
    }

    /// The name in `POST /servers/{id}/action` (`None` for actions that are
    /// not server actions: DELETE, volume attachments, interfaces, metadata,
    /// migrations, remote consoles, create).
    pub const fn rest(self) -> Option<&'static str> {
        use Action as A;
        Some(match self {
            A::ForceDelete => "forceDelete",             // deferred_delete.py:56
            A::Restore => "restore",                     // deferred_delete.py:37
            A::Stop => "os-stop",                        // servers.py:1557
            A::Start => "os-start",                      // servers.py:1537
            A::TriggerCrashDump => "trigger_crash_dump", // servers.py:1576
            A::Backup => "createBackup",                 // create_backup.py:36
            A::Snapshot | A::SnapshotVolumeBacked => "createImage", // servers.py:1426
            A::RebootSoft | A::RebootHard => "reboot",   // servers.py:1130
            A::Rebuild => "rebuild",                     // servers.py:1240
            A::RevertResize => "revertResize",           // servers.py:1106
            A::ConfirmResize => "confirmResize",         // servers.py:1082
            A::Resize => "resize",                       // servers.py:1150
            A::Migrate => "migrate",                     // migrate_server.py:42
            A::Shelve => "shelve",                       // shelve.py:40
            A::ShelveOffload => "shelveOffload",         // shelve.py:70
            A::Unshelve => "unshelve",                   // shelve.py:94
            A::Pause => "pause",                         // pause_server.py:35
            A::Unpause => "unpause",                     // pause_server.py:59
            A::Suspend => "suspend",                     // suspend_server.py:34
            A::Resume => "resume",                       // suspend_server.py:60
            A::Rescue => "rescue",                       // rescue.py:43
            A::Unrescue => "unrescue",                   // rescue.py:89
            A::SetAdminPassword => "changePassword",     // admin_password.py:37
            A::GetVncConsole => "os-getVNCConsole",      // remote_consoles.py:41 (2.1-2.5)
            A::GetSpiceConsole => "os-getSPICEConsole",  // remote_consoles.py:73 (2.1-2.5)
            A::GetSerialConsole => "os-getSerialConsole", // remote_consoles.py:114 (2.1-2.5)
            A::LiveMigrate => "os-migrateLive",          // migrate_server.py:95
            A::Evacuate => "evacuate",                   // evacuate.py:81
            A::ResetState => "os-resetState",            // admin_actions.py:68
            A::SoftDelete
            | A::Delete
            | A::GetMksConsole
            | A::AttachVolume
            | A::DetachVolume
            | A::SwapVolume
            | A::AttachInterface
            | A::DetachInterface
            | A::DeleteInstanceMetadata
            | A::UpdateInstanceMetadata
            | A::LiveMigrateForceComplete
            | A::LiveMigrateAbort
            | A::VolumeSnapshotCreate
            | A::VolumeSnapshotDelete
            | A::Create => return None,
        })
    }

    /// The HTTP request that starts the action.
    pub const fn http(self) -> &'static str {
        use Action as A;
        match self {
            A::Create => "POST /servers",
            A::SoftDelete | A::Delete => "DELETE /servers/{server_id}",
            A::GetMksConsole => "POST /servers/{server_id}/remote-consoles (protocol mks)",
            A::AttachVolume => "POST /servers/{server_id}/os-volume_attachments",
            A::DetachVolume => "DELETE /servers/{server_id}/os-volume_attachments/{volume_id}",
            A::SwapVolume => "PUT /servers/{server_id}/os-volume_attachments/{volume_id}",
            A::AttachInterface => "POST /servers/{server_id}/os-interface",
            A::DetachInterface => "DELETE /servers/{server_id}/os-interface/{port_id}",
            A::DeleteInstanceMetadata => "DELETE /servers/{server_id}/metadata/{key}",
            A::UpdateInstanceMetadata => "PUT /servers/{server_id}/metadata",
            A::LiveMigrateForceComplete => {
                "POST /servers/{server_id}/migrations/{migration_id}/action (force_complete)"
            }
            A::LiveMigrateAbort => "DELETE /servers/{server_id}/migrations/{migration_id}",
            A::VolumeSnapshotCreate => "POST /os-assisted-volume-snapshots",
            A::VolumeSnapshotDelete => "DELETE /os-assisted-volume-snapshots/{snapshot_id}",
            _ => "POST /servers/{server_id}/action",
        }
    }

    /// The action word the REST layer passes to
    /// `raise_http_conflict_for_instance_invalid_state`
    /// (nova/api/openstack/common.py:330-346), i.e. what the 409 message
    /// says. `None` where the controller does not map an invalid state to
    /// 409: force_delete (cannot be refused), the SPICE/serial/MKS consoles
    /// (HTTP 500), assisted volume snapshots (HTTP 400), create, reset_state.
    pub const fn conflict_action(self) -> Option<&'static str> {
        use Action as A;
        Some(match self {
            A::SoftDelete | A::Delete => "delete", // servers.py:938-940
            A::Restore => "restore",               // deferred_delete.py:50-52
            A::Stop => "stop",                     // servers.py:1571-1574
            A::Start => "start",                   // servers.py:1551-1553
            A::TriggerCrashDump => "trigger_crash_dump", // servers.py:1593-1596
            A::Backup => "createBackup",           // create_backup.py:76-78
            A::Snapshot | A::SnapshotVolumeBacked => "createImage", // servers.py:1466-1468
            A::RebootSoft | A::RebootHard => "reboot", // servers.py:1144-1146
            A::Rebuild => "rebuild",               // servers.py:1346-1348
            A::RevertResize => "revertResize",     // servers.py:1124-1126
            A::ConfirmResize => "confirmResize",   // servers.py:1100-1102
            A::Resize => "resize",                 // servers.py:1188-1190
            A::Migrate => "migrate",               // migrate_server.py:75-77
            A::Shelve => "shelve",                 // shelve.py:58-60
            A::ShelveOffload => "shelveOffload",   // shelve.py:84-87
            A::Unshelve => "unshelve",             // shelve.py:143-145
            A::Pause => "pause",                   // pause_server.py:49-51
            A::Unpause => "unpause",               // pause_server.py:72-74
            A::Suspend => "suspend",               // suspend_server.py:48-50
            A::Resume => "resume",                 // suspend_server.py:73-75
            A::Rescue => "rescue",                 // rescue.py:73-75
            A::Unrescue => "unrescue",             // rescue.py:102-105
            A::SetAdminPassword => "changePassword", // admin_password.py:56-58
            A::GetVncConsole => "get_vnc_console", // remote_consoles.py:65-67
            A::AttachVolume => "attach_volume",    // volume_attachments.py:239-241
            A::DetachVolume => "detach_volume",    // volume_attachments.py:439-441
            A::SwapVolume => "swap_volume",        // volume_attachments.py:323-325
            A::AttachInterface => "attach_interface", // attach_interfaces.py:210-212
            A::DetachInterface => "detach_interface", // attach_interfaces.py:239-241
            A::DeleteInstanceMetadata => "delete metadata", // server_metadata.py:166-168
            A::UpdateInstanceMetadata => "update metadata", // server_metadata.py:125-127
            A::LiveMigrate => "os-migrateLive",    // migrate_server.py:170-172
            A::LiveMigrateForceComplete => "force_complete", // server_migrations.py:116-118
            A::LiveMigrateAbort => "abort live migration", // server_migrations.py:210-212
            A::Evacuate => "evacuate",             // evacuate.py:154-156
            A::ForceDelete
            | A::GetSpiceConsole
            | A::GetSerialConsole
            | A::GetMksConsole
            | A::VolumeSnapshotCreate
            | A::VolumeSnapshotDelete
            | A::Create
            | A::ResetState => return None,
        })
    }

    /// Checks the precondition, in Nova's order: vm_state, then
    /// task_state, then `launched_at` (api.py:156-174).
    ///
    /// # Errors
    /// A [`Rejection`] naming the field, the value found and what was allowed.
    ///
    /// ```
    /// use nova_states::{Action, RejectedField, TaskState, VmState};
    /// let err = Action::Snapshot
    ///     .check(VmState::Active, Some(TaskState::ImageUploading), true)
    ///     .unwrap_err();
    /// assert_eq!(err.field, RejectedField::TaskState);
    /// assert_eq!(
    ///     err.conflict_message("c2d5da0a").to_string(),
    ///     "Cannot 'createImage' instance c2d5da0a while it is in task_state image_uploading"
    /// );
    /// ```
    #[inline]
    pub const fn check(
        self,
        vm: VmState,
        task: Option<TaskState>,
        launched: bool,
    ) -> Result<(), Rejection> {
        let pre = self.precondition();
        let field = if !pre.vm_states.contains(vm) {
            RejectedField::VmState
        } else if !pre.task_states.contains(task) {
            RejectedField::TaskState
        } else if pre.must_have_launched && !launched {
            RejectedField::LaunchedAt
        } else {
            return Ok(());
        };
        Err(Rejection {
            action: self,
            field,
            vm_state: vm,
            task_state: task,
            allowed: pre,
        })
    }

    /// Whether the action is accepted in this state.
    #[inline]
    pub const fn accepts(self, vm: VmState, task: Option<TaskState>, launched: bool) -> bool {
        self.check(vm, task, launched).is_ok()
    }

    /// "What can I do now": every action the state accepts (`create`
    /// excluded: it needs no server).
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    /// let now = Action::allowed(VmState::Active, Some(TaskState::ImageUploading), true);
    /// assert!(now.contains(Action::Delete));
    /// assert!(now.contains(Action::RebootHard) == false);
    /// assert!(!now.contains(Action::Snapshot));
    /// ```
    #[inline]
    // Indices: an enum position (< 12) and a task slot (< 43); the bounds
    // checks cannot fail.
    #[allow(clippy::indexing_slicing)]
    pub const fn allowed(vm: VmState, task: Option<TaskState>, launched: bool) -> ActionSet {
        let slot = match task {
            Some(task) => task.index() + 1,
            None => 0,
        };
        let launched_set = ALLOWED_TABLE[vm.index()][slot];
        if launched {
            launched_set
        } else {
            ActionSet(launched_set.0 & !MUST_HAVE_LAUNCHED.0)
        }
    }

    /// [`Action::allowed`] by checking every action (what the table holds).
    const fn allowed_by_checking(vm: VmState, task: Option<TaskState>) -> ActionSet {
        let mut set = ActionSet::EMPTY;
        let mut rest: &[Action] = &Action::ALL;
        while let [action, tail @ ..] = rest {
            rest = tail;
            if !matches!(action, Action::Create) && action.accepts(vm, task, true) {
                set = set.with(*action);
            }
        }
        set
    }
}

/// "What can I do now" for a launched server, per (vm_state, task slot),
/// computed at compile time from the preconditions.
// Evaluated at compile time only; an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const ALLOWED_TABLE: [[ActionSet; TaskState::COUNT + 1]; VmState::COUNT] = {
    let mut table = [[ActionSet::EMPTY; TaskState::COUNT + 1]; VmState::COUNT];
    let mut v = 0;
    while v < VmState::COUNT {
        let mut t = 0;
        while t < TaskState::COUNT + 1 {
            table[v][t] = Action::allowed_by_checking(VmState::ALL[v], TaskState::ALL_OR_NULL[t]);
            t += 1;
        }
        v += 1;
    }
    table
};

/// The actions whose precondition needs `launched_at`.
const MUST_HAVE_LAUNCHED: ActionSet = {
    let mut set = ActionSet::EMPTY;
    let mut rest: &[Action] = &Action::ALL;
    while let [action, tail @ ..] = rest {
        rest = tail;
        if action.precondition().must_have_launched {
            set = set.with(*action);
        }
    }
    set
};

/// A set of [`Action`]s.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ActionSet(u64);

impl ActionSet {
    /// The empty set.
    pub const EMPTY: ActionSet = ActionSet(0);

    /// This set with `action` added.
    #[must_use]
    pub const fn with(self, action: Action) -> ActionSet {
        ActionSet(self.0 | 1 << action.index())
    }

    /// Whether `action` is in the set.
    pub const fn contains(self, action: Action) -> bool {
        self.0 & (1 << action.index()) != 0
    }

    /// How many actions the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The actions, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

impl fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Which check refused an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectedField {
    /// The vm_state is not among those allowed.
    VmState,
    /// The task_state is not among those allowed.
    TaskState,
    /// The server never launched (`launched_at` unset).
    LaunchedAt,
}

impl RejectedField {
    /// Nova's `attr` for the field.
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectedField::VmState => "vm_state",
            RejectedField::TaskState => "task_state",
            RejectedField::LaunchedAt => "launched_at",
        }
    }
}

/// An action refused by its precondition: Nova's `InstanceInvalidState`.
///
/// `Display` gives Nova's message (nova/exception.py:509-511) without the
/// instance uuid, which this crate does not know; [`Rejection::nova_message`]
/// and [`Rejection::conflict_message`] take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "instance in {} {}: cannot {} while the instance is in this state (allowed: {})",
    field.as_str(), self.state_text(), action.api_method(), Allowed(*self)
)]
pub struct Rejection {
    /// The action refused.
    pub action: Action,
    /// The check that refused it.
    pub field: RejectedField,
    /// The server's vm_state.
    pub vm_state: VmState,
    /// The server's task_state.
    pub task_state: Option<TaskState>,
    /// The precondition that was not met.
    pub allowed: Precondition,
}

struct Allowed(Rejection);

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pre = self.0.allowed;
        match self.0.field {
            RejectedField::VmState => {
                let mut names = pre.vm_states.iter().map(VmState::as_str);
                write_list(f, &mut names)
            }
            RejectedField::TaskState => {
                let mut names = pre.task_states.iter().map(TaskState::name_or_null);
                write_list(f, &mut names)
            }
            RejectedField::LaunchedAt => f.write_str("a server that has launched"),
        }
    }
}

fn write_list(
    f: &mut fmt::Formatter<'_>,
    names: &mut dyn Iterator<Item = &'static str>,
) -> fmt::Result {
    for (i, name) in names.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(name)?;
    }
    Ok(())
}

impl Rejection {
    /// The offending value as Nova formats it (`None` for null, as Python
    /// prints it).
    pub const fn state_text(&self) -> &'static str {
        match self.field {
            RejectedField::VmState => self.vm_state.as_str(),
            RejectedField::TaskState => match self.task_state {
                Some(task) => task.as_str(),
                None => "None",
            },
            RejectedField::LaunchedAt => "None",
        }
    }

    /// Whether Nova's `state` is null, so that the REST layer falls back to
    /// its generic wording.
    pub const fn state_is_null(&self) -> bool {
        match self.field {
            RejectedField::VmState => false,
            RejectedField::TaskState => self.task_state.is_none(),
            RejectedField::LaunchedAt => true,
        }
    }

    /// Nova's `InstanceInvalidState` text (nova/exception.py:509-511).
    pub fn nova_message<'a>(&'a self, instance_uuid: &'a str) -> impl fmt::Display + 'a {
        NovaMessage(self, instance_uuid)
    }

    /// The 409 message the REST layer sends
    /// (nova/api/openstack/common.py:330-346), including its fallback when
    /// the state found is null. For actions whose controller maps no 409
    /// ([`Action::conflict_action`] is `None`) the action's name is used.
    pub fn conflict_message<'a>(&'a self, server_id: &'a str) -> impl fmt::Display + 'a {
        ConflictMessage(self, server_id)
    }
}

struct NovaMessage<'a>(&'a Rejection, &'a str);

impl fmt::Display for NovaMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Instance {} in {} {}. Cannot {} while the instance is in this state.",
            self.1,
            self.0.field.as_str(),
            self.0.state_text(),
            self.0.action.api_method()
        )
    }
}

struct ConflictMessage<'a>(&'a Rejection, &'a str);

impl fmt::Display for ConflictMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        let action = r.action.conflict_action().unwrap_or(r.action.as_str());
        if r.state_is_null() {
            write!(
                f,
                "Instance {} is in an invalid state for '{}'",
                self.1, action
            )
        } else {
            write!(
                f,
                "Cannot '{}' instance {} while it is in {} {}",
                action,
                self.1,
                r.field.as_str(),
                r.state_text()
            )
        }
    }
}
