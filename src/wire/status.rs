//! The `status` vocabulary: what users see. How Nova derives it from
//! vm_state and task_state is in [`crate::rules::projection`].

use super::macros::{serde_by_name, wire_enum};

wire_enum! {
    /// The `status` field of a server: the 19 values of Nova's `_STATE_MAP`
    /// (nova/api/openstack/common.py:44-111) and `UNKNOWN`, which Nova shows
    /// for a vm_state it does not know (common.py:116) and for servers in a
    /// down cell (nova/api/openstack/compute/views/servers.py:117,159).
    ///
    /// Parsing ignores ASCII case, as Nova's list filter does
    /// (common.py:132); printing is always upper case.
    ///
    /// ```
    /// use nova_states::ServerStatus;
    /// assert_eq!("verify_resize".parse::<ServerStatus>(), Ok(ServerStatus::VerifyResize));
    /// assert_eq!(ServerStatus::VerifyResize.as_str(), "VERIFY_RESIZE");
    /// assert!("CONFIRMING_RESIZE".parse::<ServerStatus>().is_err());
    /// ```
    pub enum ServerStatus for Status, case_insensitive = true, from_str = parse {
        /// `ACTIVE`.
        Active = 0, "ACTIVE";
        /// `BUILD`.
        Build = 1, "BUILD";
        /// `DELETED`.
        Deleted = 2, "DELETED";
        /// `ERROR`.
        Error = 3, "ERROR";
        /// `HARD_REBOOT`.
        HardReboot = 4, "HARD_REBOOT";
        /// `MIGRATING`.
        Migrating = 5, "MIGRATING";
        /// `PASSWORD`.
        Password = 6, "PASSWORD";
        /// `PAUSED`.
        Paused = 7, "PAUSED";
        /// `REBOOT`.
        Reboot = 8, "REBOOT";
        /// `REBUILD`.
        Rebuild = 9, "REBUILD";
        /// `RESCUE`.
        Rescue = 10, "RESCUE";
        /// `RESIZE`.
        Resize = 11, "RESIZE";
        /// `REVERT_RESIZE`.
        RevertResize = 12, "REVERT_RESIZE";
        /// `SHELVED`.
        Shelved = 13, "SHELVED";
        /// `SHELVED_OFFLOADED`.
        ShelvedOffloaded = 14, "SHELVED_OFFLOADED";
        /// `SHUTOFF`.
        Shutoff = 15, "SHUTOFF";
        /// `SOFT_DELETED`.
        SoftDeleted = 16, "SOFT_DELETED";
        /// `SUSPENDED`.
        Suspended = 17, "SUSPENDED";
        /// `VERIFY_RESIZE`.
        VerifyResize = 18, "VERIFY_RESIZE";
        /// `UNKNOWN`: an unknown vm_state, or a server in a down cell.
        Unknown = 19, "UNKNOWN";
    }
    aliases {}
}

serde_by_name!(ServerStatus, "a Nova server status such as \"ACTIVE\"");
