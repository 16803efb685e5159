//! The actions users and admins send, by name: the vocabulary the rule
//! tables in [`crate::rules`] are keyed on.

use super::error::{Field, ParseError};
use super::macros::{serde_by_name, wire_enum};

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

impl Action {
    /// Parses what a client names an action by: this model's name
    /// ([`Action::parse`]), or the REST word of `POST
    /// /servers/{id}/action` ([`Action::rest`]: `os-stop`, `createImage`,
    /// `confirmResize`, ...; `force_complete` for the migration action).
    /// `reboot` needs its type (`reboot:SOFT`, `reboot:HARD`, case
    /// ignored in the type). `createImage` is [`Action::Snapshot`]; a
    /// pre-flight of a volume-backed server takes Nova's volume-backed
    /// branch ([`crate::rules::Request::preflight`]). `FromStr` stays
    /// [`Action::parse`] (this model's names, which round-trip).
    ///
    /// # Errors
    /// [`ParseError::Unknown`], or [`ParseError::RebootWithoutType`].
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    /// assert_eq!(Action::parse_request("os-stop"), Ok(Action::Stop));
    /// assert_eq!(Action::parse_request("createImage"), Ok(Action::Snapshot));
    /// assert_eq!(Action::parse_request("createBackup"), Ok(Action::Backup));
    /// assert_eq!(Action::parse_request("reboot:HARD"), Ok(Action::RebootHard));
    /// assert_eq!(Action::parse_request("reboot_soft"), Ok(Action::RebootSoft));
    /// assert!(Action::parse_request("os-stopp").is_err());
    /// // The model's own parser reads only its names.
    /// assert!("os-stop".parse::<Action>().is_err());
    /// ```
    pub fn parse_request(text: &str) -> Result<Action, ParseError> {
        if let Ok(action) = Action::parse(text) {
            return Ok(action);
        }
        if text == "reboot" {
            return Err(ParseError::RebootWithoutType);
        }
        if let Some(kind) = text.strip_prefix("reboot:") {
            if kind.eq_ignore_ascii_case("soft") {
                return Ok(Action::RebootSoft);
            }
            if kind.eq_ignore_ascii_case("hard") {
                return Ok(Action::RebootHard);
            }
        }
        if text == "force_complete" {
            return Ok(Action::LiveMigrateForceComplete);
        }
        // The first action with this REST word: createImage is snapshot
        // (listed before snapshot_volume_backed); reboot was handled above.
        for action in Action::ALL {
            if action.rest() == Some(text) {
                return Ok(action);
            }
        }
        Err(ParseError::unknown(Field::Action, text))
    }
}
