//! `OS-EXT-STS:vm_state`: the stable state of a server.

use super::macros::{serde_by_name, wire_enum};

wire_enum! {
    /// The stable state of a server (`OS-EXT-STS:vm_state`).
    ///
    /// The 12 values of `InstanceState`, in its order, with its exact strings
    /// (nova/objects/fields.py:1033-1045 @ 00a030403f67). Mind
    /// `soft-delete`, with a hyphen, and not `soft_deleted`.
    ///
    /// Not `#[non_exhaustive]`: the enum is the exact vocabulary of the pinned
    /// Nova commit, and a new upstream value must break downstream matches
    /// (and this crate's projection) until someone decides what it means.
    ///
    /// ```
    /// use nova_states::{VmState, ParseError, Field};
    /// assert_eq!("soft-delete".parse::<VmState>(), Ok(VmState::SoftDeleted));
    /// assert_eq!(VmState::SoftDeleted.to_string(), "soft-delete");
    /// // A spelling seen in old vendor docs is accepted but never printed.
    /// assert_eq!("soft_deleted".parse::<VmState>(), Ok(VmState::SoftDeleted));
    /// let err = "actve".parse::<VmState>().unwrap_err();
    /// assert_eq!(err.field(), Field::VmState);
    /// assert!(err.to_string().starts_with("unknown vm_state \"actve\""));
    /// ```
    pub enum VmState for VmState, case_insensitive = false, from_str = parse {
        /// `active`: running (or meant to be) with its image. fields.py:1034
        Active = 0, "active";
        /// `building`: being created. fields.py:1035
        Building = 1, "building";
        /// `paused`: paused in memory. fields.py:1036
        Paused = 2, "paused";
        /// `suspended`: memory saved to disk. fields.py:1037
        Suspended = 3, "suspended";
        /// `stopped`: powered off, disk kept. fields.py:1038
        Stopped = 4, "stopped";
        /// `rescued`: running a rescue image. fields.py:1039
        Rescued = 5, "rescued";
        /// `resized`: resized or migrated, awaiting confirm or revert. fields.py:1040
        Resized = 6, "resized";
        /// `soft-delete`: deleted but restorable until reclaimed. fields.py:1041
        SoftDeleted = 7, "soft-delete";
        /// `deleted`. fields.py:1042
        Deleted = 8, "deleted";
        /// `error`. fields.py:1043
        Error = 9, "error";
        /// `shelved`: shelved, still on its host. fields.py:1044
        Shelved = 10, "shelved";
        /// `shelved_offloaded`: shelved and removed from its host. fields.py:1045
        ShelvedOffloaded = 11, "shelved_offloaded";
    }
    aliases {
        "build" => Building,
            "Rackspace Cloud Servers guide, Extended Status Extension";
        "soft_deleted" => SoftDeleted,
            "Rackspace Cloud Servers guide, Extended Status Extension";
    }
}

serde_by_name!(
    VmState,
    "a Nova vm_state such as \"active\" or \"soft-delete\""
);

impl VmState {}
