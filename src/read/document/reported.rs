//! What a document says about one field ([`Reported`]), and whose names it
//! used ([`Form`]).

use crate::wire::error::Found;

/// What a document says about one field: nothing, `null`, a value, or (read
/// leniently) a name this model does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reported<T> {
    /// The key is not in the document (or, by the null rule of this
    /// module, says nothing).
    #[default]
    Absent,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a value.
    Value(T),
    /// The key is present with a name this model does not know, kept as
    /// found; only [`ReadOptions::LENIENT`](crate::read::ReadOptions::LENIENT) reads one.
    ///
    /// ```
    /// use nova_states::{Reported, TaskState};
    /// use nova_states::wire::Found;
    /// let task: Reported<TaskState> = Reported::Unknown(Found::new("hibernating"));
    /// assert!(task.is_present());
    /// assert_eq!(task.value(), None);
    /// assert_eq!(task.unknown().map(|f| f.as_str() == "hibernating"), Some(true));
    /// ```
    Unknown(Found),
}

impl<T: Copy> Reported<T> {
    /// Whether the key is present (`null` included).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Reported, VmState};
    ///
    /// assert!(Reported::Value(VmState::Active).is_present());
    /// assert!(Reported::<VmState>::Null.is_present()); // the key is there, as null
    /// assert!(!Reported::<VmState>::Absent.is_present());
    /// ```
    pub const fn is_present(&self) -> bool {
        !matches!(self, Reported::Absent)
    }

    /// The value, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Reported, TaskState};
    ///
    /// assert_eq!(Reported::Value(TaskState::Deleting).value(), Some(TaskState::Deleting));
    /// assert_eq!(Reported::<TaskState>::Null.value(), None);
    /// assert_eq!(Reported::<TaskState>::Absent.value(), None);
    /// ```
    pub const fn value(&self) -> Option<T> {
        match self {
            Reported::Value(value) => Some(*value),
            Reported::Absent | Reported::Null | Reported::Unknown(_) => None,
        }
    }

    /// The name this model does not know, if that is what the key holds.
    ///
    /// ```
    /// use nova_states::{Reported, VmState};
    /// assert!(Reported::Value(VmState::Active).unknown().is_none());
    /// ```
    pub const fn unknown(&self) -> Option<Found> {
        match self {
            Reported::Unknown(found) => Some(*found),
            Reported::Absent | Reported::Null | Reported::Value(_) => None,
        }
    }
}

/// Whose names a document uses.
///
/// ```
/// use nova_states::read::Form;
/// use nova_states::ServerDocument;
/// assert_eq!(ServerDocument::EMPTY.form, Form::Nova);
/// assert_eq!(Form::ServerList.vm_state_key(), None);
/// assert_eq!(Form::Sdk.vm_state_key(), Some("vm_state"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Form {
    /// Nova's keys: `status`, `OS-EXT-STS:vm_state`, `OS-EXT-STS:task_state`,
    /// `OS-EXT-STS:power_state`, `fault`, `progress`, `locked`. Nova's body,
    /// and `openstack server show -f json`, whose `_prep_server_detail` maps
    /// the SDK's names back to these (python-openstackclient
    /// openstackclient/compute/v2/server.py:182-211 @ 5b7da4b49fd4).
    #[default]
    Nova,
    /// openstacksdk's attribute names, as `Resource.to_dict()` writes them
    /// (openstack/resource.py:1115-1192 @ 94758e92b6e7: every attribute,
    /// `None` when Nova did not send it):
    /// `vm_state`, `task_state`, `power_state`, `status`, `is_locked`,
    /// `fault`, `progress` (openstack/compute/v2/server.py:152, 178, 210,
    /// 213, 253, 255, 271 @ 94758e92b6e7). The ansible collection's
    /// `server_info` returns these dicts.
    Sdk,
    /// The column titles of `openstack server list -f json`: `Status`,
    /// and with `--long` `Task State` and `Power State`; there is no
    /// vm_state column (python-openstackclient
    /// openstackclient/compute/v2/server.py:2954-2968 @ 5b7da4b49fd4).
    ServerList,
}

impl Form {
    /// The key this form uses for vm_state (none in a server list).
    pub const fn vm_state_key(self) -> Option<&'static str> {
        match self {
            Form::Nova => Some("OS-EXT-STS:vm_state"),
            Form::Sdk => Some("vm_state"),
            Form::ServerList => None,
        }
    }

    /// The key this form uses for task_state.
    ///
    /// ```
    /// use nova_states::read::Form;
    /// assert_eq!(Form::ServerList.task_state_key(), "Task State");
    /// ```
    pub const fn task_state_key(self) -> &'static str {
        match self {
            Form::Nova => "OS-EXT-STS:task_state",
            Form::Sdk => "task_state",
            Form::ServerList => "Task State",
        }
    }

    /// The key this form uses for power_state.
    ///
    /// ```
    /// use nova_states::read::Form;
    /// assert_eq!(Form::Sdk.power_state_key(), "power_state");
    /// ```
    pub const fn power_state_key(self) -> &'static str {
        match self {
            Form::Nova => "OS-EXT-STS:power_state",
            Form::Sdk => "power_state",
            Form::ServerList => "Power State",
        }
    }

    /// The key this form uses for status.
    ///
    /// ```
    /// use nova_states::read::Form;
    /// assert_eq!(Form::ServerList.status_key(), "Status");
    /// ```
    pub const fn status_key(self) -> &'static str {
        match self {
            Form::Nova | Form::Sdk => "status",
            Form::ServerList => "Status",
        }
    }

    /// The key this form uses for `locked` (none in a server list).
    ///
    /// ```
    /// use nova_states::read::Form;
    /// assert_eq!(Form::Sdk.locked_key(), Some("is_locked"));
    /// ```
    pub const fn locked_key(self) -> Option<&'static str> {
        match self {
            Form::Nova => Some("locked"),
            Form::Sdk => Some("is_locked"),
            Form::ServerList => None,
        }
    }

    /// Who writes documents with these names.
    ///
    /// ```
    /// use nova_states::read::Form;
    /// assert_eq!(Form::Sdk.writer(), "openstacksdk");
    /// ```
    pub const fn writer(self) -> &'static str {
        match self {
            Form::Nova => "Nova",
            Form::Sdk => "openstacksdk",
            Form::ServerList => "openstack server list",
        }
    }
}
