//! The state part of a server document, as Nova and its clients write it,
//! and whether Nova could have produced it.
//!
//! [`ServerDocument`] keeps `status`, vm_state, task_state, power_state,
//! whether `fault` and `progress` are shown, and `locked`; every other field
//! is ignored. With the `serde` feature it reads, without allocating:
//!
//! | what | names ([`Form`]) | how many servers ([`Container`]) |
//! |---|---|---|
//! | Nova's `GET /servers/{id}` body, with or without `"server"` | Nova's (`OS-EXT-STS:vm_state`, `locked`) | one |
//! | Nova's `GET /servers/detail` body, `{"servers": [...]}` | Nova's | a list |
//! | `openstack server show -f json` | Nova's (python-openstackclient maps the SDK's names back) | one |
//! | openstacksdk's `Server.to_dict()` | the SDK's (`vm_state`, `is_locked`) | one, or `[...]` of them |
//! | the ansible collection's `server_info` result | the SDK's | `{"servers": [...]}` |
//! | `openstack server list [--long] -f json` | the column titles (`Status`, `Task State`, `Power State`; no vm_state) | `[...]` |
//!
//! [`ServerDocument`]'s `Deserialize` reads one server (a list must hold
//! exactly one); [`ReadOptions::each`] reads every server of a list, and
//! [`ReadOptions::lenient`] keeps names this model does not know.
//!
//! # Nulls
//!
//! Clients fill every attribute Nova did not send with `None`, so a `null`
//! says nothing a missing key does not. One rule, in every form:
//!
//! - `fault`, `progress`, `locked` (and every field this reader skips, such
//!   as `locked_reason`): `null` is absent.
//! - vm_state, task_state and power_state come together in Nova's view
//!   (views/servers.py:390-399 @ 00a030403f67) and Nova writes vm_state at
//!   create (nova/compute/api.py:2146): their `null`s count as shown only
//!   when one of the three has a value. Then a `null` task_state is "no
//!   task" and a `null` power_state is Nova's nullable field. When all three
//!   (those present) are `null`, as an SDK dump or `openstack server show`
//!   of a server whose extended status is not shown has them, they are
//!   absent.
//! - `status` is never `null` in Nova's view or a client's copy of it: a
//!   `null` status stays [`Inconsistency::NullStatus`].
//!
//! # Strict and lenient
//!
//! By default a name Nova does not define is an error naming the field.
//! [`ReadOptions::LENIENT`] reads an unknown vm_state, task_state or status
//! name as [`Reported::Unknown`] (the name kept inline, no allocation), for
//! documents from Novas newer than the pinned commit; [`ServerDocument::assess`]
//! then projects it as Nova's `status_from_state` does names it does not
//! know ([`status_from_raw`](crate::rules::status_from_raw)).

use crate::rules::preflight::{HostStatus, Server};
use crate::rules::projection::{default_status, status};
use crate::wire::error::{Found, ParseError};
use crate::wire::power::PowerState;
use crate::wire::set::{StatusSet, VmStateSet};
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

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
    /// found; only [`ReadOptions::LENIENT`] reads one.
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

/// The shape of a server document, as Nova's view builder makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// The full view with the extended status: `OS-EXT-STS:vm_state`,
    /// `task_state` and `power_state` come together
    /// (nova/api/openstack/compute/views/servers.py:390-399 @ 00a030403f67).
    Full,
    /// A server in a down cell (microversion 2.69+): status `UNKNOWN`, no
    /// vm_state or task_state, and `power_state` only in the GET form
    /// (views/servers.py:108-121, 153-190).
    DownCell,
    /// No extended status at all (e.g. a PUT or pre-2.75 rebuild response):
    /// the status cannot be checked against the states.
    NoExtendedStatus,
    /// task_state and power_state without vm_state, as `openstack server
    /// list --long` shows them ([`Form::ServerList`]): the vm_state is
    /// inferred from status and task_state
    /// ([`ServerDocument::vm_state_candidates`]).
    NoVmState,
}

/// A document Nova could not have produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// The reported status is not the one Nova derives from the states.
    #[error(
        "status {reported} does not match vm_state {} and task_state {}: Nova would show {derived}",
        vm_name(*.vm_state), TaskState::name_or_null(*.task_state)
    )]
    StatusMismatch {
        /// What the document says.
        reported: ServerStatus,
        /// What Nova derives.
        derived: ServerStatus,
        /// The vm_state (`None`: `null`).
        vm_state: Option<VmState>,
        /// The task_state.
        task_state: Option<TaskState>,
    },
    /// `status` is `null`: Nova always shows a string.
    #[error("status is null: Nova always shows a status string")]
    NullStatus,
    /// Some but not all of the three extended-status fields are present;
    /// Nova adds them together (views/servers.py:390-399), except
    /// `power_state` alone in the down-cell shape, whose status is `UNKNOWN`.
    #[error(
        "extended status fields come together in Nova's view, but this document has \
         vm_state {}, task_state {}, power_state {}{}",
        presence(*.vm_state), presence(*.task_state), presence(*.power_state),
        if *.power_state && !*.vm_state && !*.task_state {
            " (power_state alone appears only in the down-cell shape, with status UNKNOWN)"
        } else { "" }
    )]
    PartialExtendedStatus {
        /// Whether `OS-EXT-STS:vm_state` is present.
        vm_state: bool,
        /// Whether `OS-EXT-STS:task_state` is present.
        task_state: bool,
        /// Whether `OS-EXT-STS:power_state` is present.
        power_state: bool,
    },
    /// A `fault` with a status other than `ERROR` or `DELETED`: Nova adds the
    /// fault only for those (views/servers.py:61-63, 320-323).
    #[error("a fault is shown only with status ERROR or DELETED, not {status}")]
    FaultOutsideFaultStatus {
        /// The reported status.
        status: ServerStatus,
    },
    /// `progress` with a status Nova does not report progress for
    /// (views/servers.py:52-59, 325-326).
    #[error(
        "progress is shown only with status ACTIVE, BUILD, REBUILD, RESIZE, VERIFY_RESIZE \
         or MIGRATING, not {status}"
    )]
    ProgressOutsideProgressStatus {
        /// The reported status.
        status: ServerStatus,
    },
    /// A document without vm_state ([`Shape::NoVmState`]) whose status and
    /// task_state no vm_state projects to.
    ///
    /// ```
    /// use nova_states::{Inconsistency, ServerStatus, TaskState};
    /// let e = Inconsistency::NoVmStateFits { status: ServerStatus::Active, task_state: Some(TaskState::Rebooting) };
    /// assert_eq!(e.to_string(),
    ///     "no vm_state shows status ACTIVE with task_state rebooting: Nova never lists such a server");
    /// ```
    #[error(
        "no vm_state shows status {status} with task_state {}: Nova never lists such a server",
        TaskState::name_or_null(*.task_state)
    )]
    NoVmStateFits {
        /// The reported status.
        status: ServerStatus,
        /// The reported task_state.
        task_state: Option<TaskState>,
    },
}

fn vm_name(vm: Option<VmState>) -> &'static str {
    vm.map_or("null", VmState::as_str)
}

fn presence(present: bool) -> &'static str {
    if present {
        "present"
    } else {
        "absent"
    }
}

/// The statuses with a `progress` key (views/servers.py:52-59).
pub const PROGRESS_STATUSES: StatusSet = StatusSet::from_slice(&[
    ServerStatus::Active,
    ServerStatus::Build,
    ServerStatus::Rebuild,
    ServerStatus::Resize,
    ServerStatus::VerifyResize,
    ServerStatus::Migrating,
]);

/// The statuses with a `fault` key, when the server has one
/// (views/servers.py:61-63).
pub const FAULT_STATUSES: StatusSet =
    StatusSet::from_slice(&[ServerStatus::Error, ServerStatus::Deleted]);

/// A consistent document, understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Assessment {
    /// The document's shape.
    pub shape: Shape,
    /// The status the document reports, if it has one (and knows its name).
    pub reported: Option<ServerStatus>,
    /// The status Nova derives from the states, when they are there. For a
    /// name this model does not know, Nova's fallback: `UNKNOWN` for a
    /// vm_state, the vm_state's default for a task_state
    /// ([`status_from_raw`](crate::rules::status_from_raw)).
    pub derived: Option<ServerStatus>,
    /// The document reports `DELETED` over states that derive another
    /// status: Nova shows `DELETED` for any row whose `deleted` flag is set,
    /// whatever its states (views/servers.py:597-599), e.g. a server deleted
    /// while still `building`.
    pub deleted_row: bool,
    /// A name this model does not know was read leniently: the derived
    /// status is the pinned Nova's fallback, and a reported status that
    /// differs from it is not counted against the document (a newer Nova
    /// may map the name).
    pub unknown_names: bool,
}

/// The state part of a Nova server document.
///
/// ```
/// use nova_states::read::Shape;
/// use nova_states::{ServerDocument, Reported, ServerStatus, VmState, PowerState};
/// let doc = ServerDocument {
///     status: Reported::Value(ServerStatus::Build),
///     vm_state: Reported::Value(VmState::Active),
///     task_state: Reported::Null,
///     power_state: Reported::Value(PowerState::Running),
///     ..ServerDocument::EMPTY
/// };
/// let err = doc.assess().unwrap_err();
/// assert_eq!(err.to_string(),
///     "status BUILD does not match vm_state active and task_state null: Nova would show ACTIVE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ServerDocument {
    /// `status`.
    pub status: Reported<ServerStatus>,
    /// `OS-EXT-STS:vm_state`.
    pub vm_state: Reported<VmState>,
    /// `OS-EXT-STS:task_state`.
    pub task_state: Reported<TaskState>,
    /// `OS-EXT-STS:power_state`.
    pub power_state: Reported<PowerState>,
    /// Whether a non-null `fault` is present.
    pub has_fault: bool,
    /// Whether a non-null `progress` is present.
    pub has_progress: bool,
    /// `locked` (`is_locked` in the SDK's names), when shown (2.9+,
    /// views/servers.py:410-411) and not `null`; the pre-flight
    /// ([`ServerDocument::server`])
    /// reads it for `@check_instance_lock`.
    pub locked: Option<bool>,
    /// Whether a non-null `locked_reason` is shown (2.73+,
    /// views/servers.py:450-452; the SDK's key is the same).
    pub has_locked_reason: bool,
    /// `OS-SRV-USG:launched_at` (views/servers.py:343-345): `Some(true)`
    /// for a time, `Some(false)` for Nova's `null` (never launched), `None`
    /// when not shown. The SDK's `launched_at` counts only with a time (its
    /// `null` may be a field Nova did not send, the null rule above).
    pub launched: Option<bool>,
    /// `host_status` (2.16+, admins by default, views/servers.py:413-430;
    /// the SDK's key is the same), when shown and not `null`.
    pub host_status: Option<HostStatus>,
    /// Whose names the document used.
    pub form: Form,
}

impl ServerDocument {
    /// A document with no fields.
    pub const EMPTY: ServerDocument = ServerDocument {
        status: Reported::Absent,
        vm_state: Reported::Absent,
        task_state: Reported::Absent,
        power_state: Reported::Absent,
        has_fault: false,
        has_progress: false,
        locked: None,
        has_locked_reason: false,
        launched: None,
        host_status: None,
        form: Form::Nova,
    };

    /// The server as a pre-flight sees it ([`crate::rules::Request`]):
    /// vm_state (inferred when the document has none and one vm_state
    /// fits; `None` for a down-cell document, status `UNKNOWN` without
    /// states), task_state, power_state, `launched_at` (launched when not
    /// shown), `locked`, `locked_reason` and `host_status`. `None` when the
    /// document does not tell the vm_state (several fit, or no state).
    ///
    /// ```
    /// use nova_states::{Reported, ServerDocument, ServerStatus, VmState};
    /// let doc = ServerDocument {
    ///     status: Reported::Value(ServerStatus::Shutoff),
    ///     vm_state: Reported::Value(VmState::Stopped),
    ///     task_state: Reported::Null,
    ///     power_state: Reported::Null,
    ///     locked: Some(true),
    ///     ..ServerDocument::EMPTY
    /// };
    /// let server = doc.server().unwrap();
    /// assert_eq!(server.vm_state, Some(VmState::Stopped));
    /// assert!(server.locked && server.launched);
    /// ```
    pub fn server(&self) -> Option<Server> {
        let candidates = self.vm_state_candidates();
        let vm_state = match self.vm_state {
            Reported::Value(vm) => Some(vm),
            Reported::Absent
                if self.status.value() == Some(ServerStatus::Unknown)
                    && !self.task_state.is_present() =>
            {
                None
            }
            Reported::Absent if candidates.len() == 1 => candidates.iter().next(),
            _ => return None,
        };
        if matches!(self.task_state, Reported::Unknown(_)) {
            return None;
        }
        Some(Server {
            vm_state,
            task_state: self.task_state.value(),
            power_state: self.power_state.value(),
            launched: self.launched.unwrap_or(true),
            locked: matches!(self.locked, Some(true)),
            locked_reason: self.has_locked_reason,
            host_status: self.host_status,
        })
    }

    /// Whether a name this model does not know was read (leniently).
    ///
    /// ```
    /// use nova_states::{Reported, ServerDocument};
    /// assert!(!ServerDocument::EMPTY.has_unknown_names());
    /// ```
    pub const fn has_unknown_names(&self) -> bool {
        matches!(self.status, Reported::Unknown(_))
            || matches!(self.vm_state, Reported::Unknown(_))
            || matches!(self.task_state, Reported::Unknown(_))
            || matches!(self.power_state, Reported::Unknown(_))
    }

    /// The status Nova derives from vm_state and task_state, with Nova's
    /// fallback for names it does not know, when vm_state is there.
    fn derive(&self) -> Option<ServerStatus> {
        match self.vm_state {
            Reported::Value(vm) => Some(match self.task_state {
                // task_map.get(task, task_map['default']) (common.py:117).
                Reported::Unknown(_) => default_status(vm),
                task => status(vm, task.value()),
            }),
            // status_from_state(None or an unknown name, ...) finds no
            // dictionary: UNKNOWN (common.py:116).
            Reported::Null | Reported::Unknown(_) => Some(ServerStatus::Unknown),
            Reported::Absent => None,
        }
    }

    /// The vm_states this document can be in: the reported one, or, when
    /// vm_state is absent (`openstack server list`), those that show the
    /// reported status with the reported task_state
    /// ([`ServerStatus::vm_states_with`]), or with any task_state when it is
    /// not known ([`ServerStatus::vm_states`]). Empty when there is nothing
    /// to go on (no status, a `null` or unknown vm_state).
    ///
    /// ```
    /// use nova_states::read::Form;
    /// use nova_states::{Reported, ServerDocument, ServerStatus, TaskState, VmState};
    /// let row = ServerDocument {
    ///     status: Reported::Value(ServerStatus::Rebuild),
    ///     task_state: Reported::Value(TaskState::Rebuilding),
    ///     form: Form::ServerList,
    ///     ..ServerDocument::EMPTY
    /// };
    /// let candidates: Vec<VmState> = row.vm_state_candidates().iter().collect();
    /// assert_eq!(candidates, [VmState::Active, VmState::Stopped, VmState::Error]);
    /// ```
    pub const fn vm_state_candidates(&self) -> VmStateSet {
        match (self.vm_state, self.status) {
            (Reported::Value(vm), _) => VmStateSet::EMPTY.with(vm),
            (Reported::Absent, Reported::Value(shown)) => match self.task_state {
                Reported::Value(task) => shown.vm_states_with(Some(task)),
                Reported::Null => shown.vm_states_with(None),
                Reported::Absent | Reported::Unknown(_) => shown.vm_states(),
            },
            _ => VmStateSet::EMPTY,
        }
    }

    /// The shape, status and derived status of the document, or why Nova
    /// could not have produced it.
    ///
    /// # Errors
    /// The first [`Inconsistency`] found.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::Shape;
    /// use nova_states::{PowerState, Reported, ServerDocument, ServerStatus, TaskState, VmState};
    ///
    /// let doc = ServerDocument {
    ///     status: Reported::Value(ServerStatus::Active),
    ///     vm_state: Reported::Value(VmState::Active),
    ///     task_state: Reported::Value(TaskState::ImageUploading),
    ///     power_state: Reported::Value(PowerState::Running),
    ///     ..ServerDocument::EMPTY
    /// };
    /// let seen = doc.assess()?;
    /// assert_eq!(seen.shape, Shape::Full);
    /// assert_eq!(seen.derived, Some(ServerStatus::Active));
    /// // A fault on an ACTIVE server: Nova shows faults only with ERROR or DELETED.
    /// let faulty = ServerDocument { has_fault: true, ..doc };
    /// assert!(faulty.assess().is_err());
    /// # Ok::<(), nova_states::Inconsistency>(())
    /// ```
    pub fn assess(&self) -> Result<Assessment, Inconsistency> {
        let reported = match self.status {
            Reported::Null => return Err(Inconsistency::NullStatus),
            Reported::Absent | Reported::Unknown(_) => None,
            Reported::Value(status) => Some(status),
        };
        let unknown_names = self.has_unknown_names();
        let present = (
            self.vm_state.is_present(),
            self.task_state.is_present(),
            self.power_state.is_present(),
        );
        let (shape, derived) = match present {
            (true, true, true) => (Shape::Full, self.derive()),
            (false, _, _)
                if self.form == Form::ServerList && reported == Some(ServerStatus::Unknown) =>
            {
                (Shape::DownCell, None)
            }
            (false, false, false) if reported == Some(ServerStatus::Unknown) => {
                (Shape::DownCell, None)
            }
            (false, false, false) => (Shape::NoExtendedStatus, None),
            (false, false, true) if reported == Some(ServerStatus::Unknown) => {
                (Shape::DownCell, None)
            }
            (false, _, _) if self.form == Form::ServerList => (Shape::NoVmState, None),
            (vm_state, task_state, power_state) => {
                return Err(Inconsistency::PartialExtendedStatus {
                    vm_state,
                    task_state,
                    power_state,
                })
            }
        };
        let mut deleted_row = false;
        if let (Some(reported), Some(derived)) = (reported, derived) {
            if reported == ServerStatus::Deleted && derived != reported {
                deleted_row = true;
            } else if reported != derived && !unknown_names {
                return Err(Inconsistency::StatusMismatch {
                    reported,
                    derived,
                    vm_state: self.vm_state.value(),
                    task_state: self.task_state.value(),
                });
            }
        }
        if let (Shape::NoVmState, Some(shown)) = (shape, reported) {
            if !unknown_names && self.vm_state_candidates().is_empty() {
                return Err(Inconsistency::NoVmStateFits {
                    status: shown,
                    task_state: self.task_state.value(),
                });
            }
        }
        // With a name this model does not know, only a reported status
        // tells which fields a newer Nova shows.
        let shown = if unknown_names {
            reported
        } else {
            reported.or(derived)
        };
        if let Some(status) = shown {
            if self.has_fault && !FAULT_STATUSES.contains(status) {
                return Err(Inconsistency::FaultOutsideFaultStatus { status });
            }
            if self.has_progress && !PROGRESS_STATUSES.contains(status) {
                return Err(Inconsistency::ProgressOutsideProgressStatus { status });
            }
        }
        Ok(Assessment {
            shape,
            reported,
            derived,
            deleted_row,
            unknown_names,
        })
    }

    /// Whether Nova could have produced this document.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Reported, ServerDocument, ServerStatus};
    ///
    /// let bare = ServerDocument {
    ///     status: Reported::Value(ServerStatus::Active),
    ///     ..ServerDocument::EMPTY
    /// };
    /// assert!(bare.is_consistent());
    /// // Nova always shows a status string.
    /// let null = ServerDocument { status: Reported::Null, ..ServerDocument::EMPTY };
    /// assert!(!null.is_consistent());
    /// ```
    pub fn is_consistent(&self) -> bool {
        self.assess().is_ok()
    }

    /// The status to believe: the derived one when the states are there,
    /// else the reported one. When a state name is unknown (read
    /// leniently), the reported status if it is known (the newer Nova
    /// said it), else the pinned Nova's fallback.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{PowerState, Reported, ServerDocument, ServerStatus, VmState};
    ///
    /// // The states win over the reported status.
    /// let doc = ServerDocument {
    ///     status: Reported::Value(ServerStatus::Active),
    ///     vm_state: Reported::Value(VmState::Stopped),
    ///     task_state: Reported::Null,
    ///     power_state: Reported::Value(PowerState::Shutdown),
    ///     ..ServerDocument::EMPTY
    /// };
    /// assert!(!doc.is_consistent());
    /// assert_eq!(doc.effective_status(), Some(ServerStatus::Shutoff));
    /// // Without them, the status is all there is.
    /// let bare = ServerDocument { vm_state: Reported::Absent, ..doc };
    /// assert_eq!(bare.effective_status(), Some(ServerStatus::Active));
    /// ```
    pub fn effective_status(&self) -> Option<ServerStatus> {
        if self.has_unknown_names() {
            return self.status.value().or(self.derive());
        }
        self.derive().or(self.status.value())
    }

    /// Applies the null rule of this module to the extended-status fields:
    /// when none of those present has a value, they say nothing.
    #[cfg(feature = "serde")]
    fn settle_nulls(&mut self) {
        if !says(&self.vm_state) && !says(&self.task_state) && !says(&self.power_state) {
            self.vm_state = Reported::Absent;
            self.task_state = Reported::Absent;
            self.power_state = Reported::Absent;
        }
    }
}

/// Whether a field holds something other than `null` (or nothing).
#[cfg(feature = "serde")]
const fn says<T>(field: &Reported<T>) -> bool {
    matches!(field, Reported::Value(_) | Reported::Unknown(_))
}

impl<T> Reported<T> {
    /// Reads a name with `parse`: its value, or, when `lenient` and the
    /// name is not one `parse` knows ([`ParseError::Unknown`]), the name
    /// kept as [`Reported::Unknown`]. Other errors (a power code out of
    /// range) stay errors.
    ///
    /// # Errors
    /// What `parse` says, unless `lenient` keeps the name.
    ///
    /// ```
    /// use nova_states::{Reported, TaskState};
    /// let strict = Reported::parse_with("hibernating", TaskState::parse, false);
    /// assert!(strict.is_err());
    /// let lenient = Reported::parse_with("hibernating", TaskState::parse, true).unwrap();
    /// assert_eq!(lenient.unknown().map(|f| f.to_string()), Some("\"hibernating\"".to_string()));
    /// assert_eq!(Reported::parse_with("powering-off", TaskState::parse, true),
    ///            Ok(Reported::Value(TaskState::PoweringOff)));
    /// ```
    pub fn parse_with(
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
        lenient: bool,
    ) -> Result<Reported<T>, ParseError> {
        match parse(text) {
            Ok(value) => Ok(Reported::Value(value)),
            Err(ParseError::Unknown { .. }) if lenient => Ok(Reported::Unknown(Found::new(text))),
            Err(e) => Err(e),
        }
    }
}

/// How to read server documents.
///
/// ```
/// use nova_states::read::ReadOptions;
/// assert!(!ReadOptions::default().lenient);
/// assert!(ReadOptions::LENIENT.lenient);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadOptions {
    /// Keep vm_state, task_state and status names this model does not know
    /// as [`Reported::Unknown`] instead of refusing the document.
    pub lenient: bool,
}

impl ReadOptions {
    /// The default: a name Nova does not define is an error.
    pub const STRICT: ReadOptions = ReadOptions { lenient: false };
    /// Unknown names are kept ([`Reported::Unknown`]).
    pub const LENIENT: ReadOptions = ReadOptions { lenient: true };

    /// A seed that reads one server document (as [`ServerDocument`]'s
    /// `Deserialize` does) with these options.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use nova_states::read::ReadOptions;
    /// use serde::de::DeserializeSeed;
    /// let text = r#"{"status": "ACTIVE", "vm_state": "active", "task_state": "hibernating",
    ///                "power_state": 1}"#;
    /// let doc = ReadOptions::LENIENT
    ///     .one()
    ///     .deserialize(&mut serde_json::Deserializer::from_str(text))
    ///     .unwrap();
    /// assert!(doc.has_unknown_names());
    /// assert!(doc.assess().unwrap().unknown_names);
    /// // Strict, the same document is refused.
    /// assert!(serde_json::from_str::<nova_states::ServerDocument>(text).is_err());
    /// # }
    /// ```
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    pub const fn one(self) -> OneServer {
        OneServer { options: self }
    }

    /// A seed that reads every server of a document, in order, handing
    /// each to `each`: one server object (with or without `"server"`),
    /// `{"servers": [...]}` (Nova's list body, ansible's `server_info`
    /// result: other top-level keys are skipped) or a JSON array of server
    /// objects (`openstack server list -f json`, a list of SDK dicts).
    /// Nothing is allocated; the answer says which container it was and
    /// how many servers it held.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use nova_states::read::{Container, ReadOptions};
    /// use nova_states::{ServerDocument, ServerStatus};
    /// use serde::de::DeserializeSeed;
    /// // `openstack server list -f json`: no vm_state, column titles as keys.
    /// let text = r#"[{"ID": "a", "Status": "SHUTOFF"}, {"ID": "b", "Status": "ACTIVE"}]"#;
    /// let mut seen = [None; 2];
    /// let servers = ReadOptions::STRICT
    ///     .each(|i, doc: ServerDocument| {
    ///         if let Some(slot) = seen.get_mut(i) {
    ///             *slot = doc.status.value();
    ///         }
    ///     })
    ///     .deserialize(&mut serde_json::Deserializer::from_str(text))
    ///     .unwrap();
    /// assert_eq!((servers.container, servers.count), (Container::Array, 2));
    /// assert_eq!(seen, [Some(ServerStatus::Shutoff), Some(ServerStatus::Active)]);
    /// # }
    /// ```
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    pub const fn each<F: FnMut(usize, ServerDocument)>(self, each: F) -> EachServer<F> {
        EachServer {
            options: self,
            each,
        }
    }
}

/// What held the servers of a document.
///
/// ```
/// use nova_states::read::Container;
/// assert!(Container::Servers.is_list());
/// assert!(!Container::Server.is_list());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    /// One server object, unwrapped: Nova's body without `"server"`,
    /// `openstack server show -f json`, an SDK dict.
    Bare,
    /// `{"server": {...}}`: Nova's `GET /servers/{id}` body.
    Server,
    /// `{"servers": [...]}`: Nova's `GET /servers/detail` body, the
    /// ansible collection's `server_info` result (`exit(changed=False,
    /// servers=[server.to_dict(computed=False) ...])`,
    /// ansible-collections-openstack plugins/modules/server_info.py:379-383
    /// @ 382a43c4613a).
    Servers,
    /// `[...]`: `openstack server list -f json` (cliff's JSON formatter
    /// writes a list's rows as an array of objects keyed by column title,
    /// openstack/cliff cliff/formatters/json_format.py:34-55 @
    /// ba631ae4d95d), a list of SDK dicts.
    Array,
}

impl Container {
    /// Whether the container is a list (of any length).
    pub const fn is_list(self) -> bool {
        matches!(self, Container::Servers | Container::Array)
    }
}

/// What [`ReadOptions::each`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Servers {
    /// The container.
    pub container: Container,
    /// How many servers it held.
    pub count: usize,
}

/// Reads one server document with [`ReadOptions`]; see [`ReadOptions::one`].
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, Copy)]
pub struct OneServer {
    options: ReadOptions,
}

/// Reads every server of a document; see [`ReadOptions::each`].
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, Copy)]
pub struct EachServer<F> {
    options: ReadOptions,
    each: F,
}

#[cfg(feature = "serde")]
mod de {
    use super::{
        Container, EachServer, Form, OneServer, ReadOptions, Reported, ServerDocument, Servers,
    };
    use crate::{PowerState, ServerStatus, TaskState, VmState};
    use core::fmt;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;

    /// Which forms a key belongs to (bits of [`Form`]s).
    const NOVA: u8 = 1;
    const SDK: u8 = 2;
    const LIST: u8 = 4;
    const ANY: u8 = NOVA | SDK | LIST;

    /// The fields the reader looks at.
    #[derive(Clone, Copy)]
    enum Field {
        Server,
        Servers,
        Status,
        VmState,
        TaskState,
        PowerState,
        Fault,
        Progress,
        Locked,
        LockedReason,
        LaunchedAt,
        SdkLaunchedAt,
        HostStatus,
        Other,
    }

    /// A key: its field, its spelling and the forms that spell it so.
    struct Key {
        field: Field,
        name: &'static str,
        forms: u8,
    }

    const fn key(field: Field, name: &'static str, forms: u8) -> Key {
        Key { field, name, forms }
    }

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
            struct KeyVisitor;
            impl Visitor<'_> for KeyVisitor {
                type Value = Key;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a field name")
                }
                fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                    // openstacksdk openstack/compute/v2/server.py @ 94758e92b6e7:
                    // fault :152, is_locked :178, power_state :210,
                    // progress :213, status :253, task_state :255,
                    // vm_state :271. python-openstackclient
                    // openstackclient/compute/v2/server.py @ 5b7da4b49fd4:
                    // the list's column titles :2954-2968.
                    Ok(match name {
                        "server" => key(Field::Server, "server", ANY),
                        "servers" => key(Field::Servers, "servers", ANY),
                        "status" => key(Field::Status, "status", NOVA | SDK),
                        "Status" => key(Field::Status, "Status", LIST),
                        "OS-EXT-STS:vm_state" => key(Field::VmState, "OS-EXT-STS:vm_state", NOVA),
                        "vm_state" => key(Field::VmState, "vm_state", SDK),
                        "OS-EXT-STS:task_state" => {
                            key(Field::TaskState, "OS-EXT-STS:task_state", NOVA)
                        }
                        "task_state" => key(Field::TaskState, "task_state", SDK),
                        "Task State" => key(Field::TaskState, "Task State", LIST),
                        "OS-EXT-STS:power_state" => {
                            key(Field::PowerState, "OS-EXT-STS:power_state", NOVA)
                        }
                        "power_state" => key(Field::PowerState, "power_state", SDK),
                        "Power State" => key(Field::PowerState, "Power State", LIST),
                        "fault" => key(Field::Fault, "fault", NOVA | SDK),
                        "progress" => key(Field::Progress, "progress", NOVA | SDK),
                        "locked" => key(Field::Locked, "locked", NOVA),
                        "is_locked" => key(Field::Locked, "is_locked", SDK),
                        // Nova: views/servers.py:343-345, 413-430, 450-452 @
                        // 00a030403f67. The SDK keeps locked_reason and
                        // host_status and names launched_at without its
                        // prefix (as tests/data/corpus/ansible-server-info.json,
                        // written by openstacksdk, shows).
                        "locked_reason" => key(Field::LockedReason, "locked_reason", NOVA | SDK),
                        "OS-SRV-USG:launched_at" => {
                            key(Field::LaunchedAt, "OS-SRV-USG:launched_at", NOVA)
                        }
                        "launched_at" => key(Field::SdkLaunchedAt, "launched_at", ANY),
                        "host_status" => key(Field::HostStatus, "host_status", NOVA | SDK),
                        _ => key(Field::Other, "", ANY),
                    })
                }
                fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
                    match core::str::from_utf8(key) {
                        Ok(key) => self.visit_str(key),
                        Err(_) => Ok(self::key(Field::Other, "", ANY)),
                    }
                }
            }
            deserializer.deserialize_identifier(KeyVisitor)
        }
    }

    /// The client whose names a set of form bits points to, for messages.
    fn writer(forms: u8) -> &'static str {
        match forms {
            NOVA => "Nova's",
            SDK => "openstacksdk's",
            LIST => "`openstack server list`'s",
            _ => "a shared",
        }
    }

    fn store<T, E: de::Error>(
        slot: &mut Reported<T>,
        value: Reported<T>,
        key: &'static str,
    ) -> Result<(), E> {
        if !matches!(slot, Reported::Absent) {
            return Err(E::custom(format_args!("duplicate field {key:?}")));
        }
        *slot = value;
        Ok(())
    }

    fn flag<E: de::Error>(
        slot: &mut bool,
        seen: &mut bool,
        value: bool,
        key: &str,
    ) -> Result<(), E> {
        if *seen {
            return Err(E::custom(format_args!("duplicate field {key:?}")));
        }
        *seen = true;
        *slot = value;
        Ok(())
    }

    fn reported<T>(value: Option<T>) -> Reported<T> {
        match value {
            Some(value) => Reported::Value(value),
            None => Reported::Null,
        }
    }

    /// A state name read leniently: `null`, a known name, or an unknown one
    /// kept inline.
    struct Name<T> {
        parse: fn(&str) -> Result<T, crate::ParseError>,
        expecting: &'static str,
    }

    impl<'de, T> DeserializeSeed<'de> for Name<T> {
        type Value = Reported<T>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Reported<T>, D::Error> {
            d.deserialize_option(self)
        }
    }

    impl<'de, T> Visitor<'de> for Name<T> {
        type Value = Reported<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_none<E: de::Error>(self) -> Result<Reported<T>, E> {
            Ok(Reported::Null)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Reported<T>, E> {
            Ok(Reported::Null)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Reported<T>, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<Reported<T>, E> {
            Reported::parse_with(text, self.parse, true).map_err(E::custom)
        }
    }

    /// The next value as a state field: strictly through the type's own
    /// `Deserialize` (its messages unchanged), or leniently.
    fn state<'de, A, T>(
        map: &mut A,
        lenient: bool,
        parse: fn(&str) -> Result<T, crate::ParseError>,
        expecting: &'static str,
    ) -> Result<Reported<T>, A::Error>
    where
        A: MapAccess<'de>,
        T: Deserialize<'de>,
    {
        if lenient {
            map.next_value_seed(Name { parse, expecting })
        } else {
            map.next_value::<Option<T>>().map(reported)
        }
    }

    /// A `host_status` value (nova/objects/fields.py:782-790).
    struct HostStatusName(super::HostStatus);

    impl<'de> Deserialize<'de> for HostStatusName {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<HostStatusName, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = HostStatusName;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a host_status: UP, DOWN, MAINTENANCE, UNKNOWN or \"\"")
                }
                fn visit_str<E: de::Error>(self, text: &str) -> Result<HostStatusName, E> {
                    text.parse()
                        .map(HostStatusName)
                        .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
                }
            }
            d.deserialize_str(V)
        }
    }

    /// Where a server object is read: at the top (a wrapper or a list may
    /// stand there instead) or inside one.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Level {
        Top,
        Inner,
    }

    /// Where servers go as they are read.
    trait Sink {
        /// Takes the next server; an error message when no more are wanted.
        fn take(&mut self, doc: ServerDocument) -> Result<(), &'static str>;
    }

    /// Keeps exactly one server.
    struct Single(Option<ServerDocument>);

    impl Sink for Single {
        fn take(&mut self, doc: ServerDocument) -> Result<(), &'static str> {
            if self.0.is_some() {
                return Err(
                    "more than one server in the list: ServerDocument reads one \
                            (ReadOptions::each reads them all)",
                );
            }
            self.0 = Some(doc);
            Ok(())
        }
    }

    /// Hands each server to a closure, with its position.
    struct Each<'f, F> {
        each: &'f mut F,
        count: usize,
    }

    impl<F: FnMut(usize, ServerDocument)> Sink for Each<'_, F> {
        fn take(&mut self, doc: ServerDocument) -> Result<(), &'static str> {
            (self.each)(self.count, doc);
            self.count += 1;
            Ok(())
        }
    }

    /// Reads a server object, or at the top a container of them, into a sink.
    struct Reader<'s, S> {
        options: ReadOptions,
        level: Level,
        sink: &'s mut S,
    }

    impl<'de, S: Sink> DeserializeSeed<'de> for Reader<'_, S> {
        type Value = Container;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Container, D::Error> {
            if self.level == Level::Top {
                d.deserialize_any(self)
            } else {
                d.deserialize_map(self)
            }
        }
    }

    impl<'de, S: Sink> Visitor<'de> for Reader<'_, S> {
        type Value = Container;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Nova server document (a JSON object)")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Container, A::Error> {
            if self.level != Level::Top {
                return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
            }
            let (options, sink) = (self.options, self.sink);
            while let Some(doc) = seq.next_element_seed(Object {
                options,
                level: Level::Inner,
            })? {
                let ObjectRead::Server(doc) = doc else {
                    return Err(de::Error::custom("a server list holds server objects"));
                };
                sink.take(doc).map_err(de::Error::custom)?;
            }
            Ok(Container::Array)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Container, A::Error> {
            let (options, sink) = (self.options, self.sink);
            match read_object(map, options, self.level, sink)? {
                ObjectRead::Server(doc) => {
                    sink.take(doc).map_err(de::Error::custom)?;
                    Ok(Container::Bare)
                }
                ObjectRead::Wrapped => Ok(Container::Server),
                ObjectRead::Listed => Ok(Container::Servers),
            }
        }
    }

    /// What one object turned out to be.
    // Handed back once per object and never stored: boxing is not an
    // option without allocation, and the size costs one copy.
    #[allow(clippy::large_enum_variant)]
    enum ObjectRead {
        /// A server's own fields.
        Server(ServerDocument),
        /// `{"server": {...}}`: the server went to the sink.
        Wrapped,
        /// `{"servers": [...]}`: the servers went to the sink.
        Listed,
    }

    /// One element of a list: a server object, no wrapper.
    struct Object {
        options: ReadOptions,
        level: Level,
    }

    impl<'de> DeserializeSeed<'de> for Object {
        type Value = ObjectRead;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<ObjectRead, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for Object {
        type Value = ObjectRead;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Nova server document (a JSON object)")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ObjectRead, A::Error> {
            // Inner objects never hold containers: no sink is reached.
            read_object(map, self.options, self.level, &mut Single(None))
        }
    }

    /// The servers of `{"servers": [...]}`.
    struct List<'s, S> {
        options: ReadOptions,
        sink: &'s mut S,
    }

    impl<'de, S: Sink> DeserializeSeed<'de> for List<'_, S> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de, S: Sink> Visitor<'de> for List<'_, S> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of Nova server documents")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(doc) = seq.next_element_seed(Object {
                options: self.options,
                level: Level::Inner,
            })? {
                let ObjectRead::Server(doc) = doc else {
                    return Err(de::Error::custom("a server list holds server objects"));
                };
                self.sink.take(doc).map_err(de::Error::custom)?;
            }
            Ok(())
        }
    }

    /// Reads one JSON object: a server's fields, or at the top a
    /// `"server"` wrapper or a `"servers"` list (whose servers go to `sink`).
    fn read_object<'de, A: MapAccess<'de>, S: Sink>(
        mut map: A,
        options: ReadOptions,
        level: Level,
        sink: &mut S,
    ) -> Result<ObjectRead, A::Error> {
        let lenient = options.lenient;
        let mut doc = ServerDocument::EMPTY;
        let mut container: Option<ObjectRead> = None;
        let (mut fault_seen, mut progress_seen, mut locked_seen) = (false, false, false);
        let (mut reason_seen, mut launched_seen, mut host_seen) = (false, false, false);
        // The forms every key so far belongs to, and the first key that
        // narrowed them (for the message when two clients' names meet).
        let mut forms = ANY;
        let mut narrowed_by: Option<&'static str> = None;
        while let Some(key) = map.next_key::<Key>()? {
            let top = level == Level::Top;
            if !matches!(key.field, Field::Other | Field::Server | Field::Servers) {
                if forms & key.forms == 0 {
                    return Err(de::Error::custom(format_args!(
                        "{:?} ({} name) beside {:?} ({} name): a document uses one client's names",
                        key.name,
                        writer(key.forms),
                        narrowed_by.unwrap_or(""),
                        writer(forms),
                    )));
                }
                if key.forms != ANY && narrowed_by.is_none() {
                    narrowed_by = Some(key.name);
                }
                forms &= key.forms;
            }
            match key.field {
                Field::Server | Field::Servers if top => {
                    match (&container, key.field) {
                        (None, _) => {}
                        (Some(ObjectRead::Wrapped), Field::Server)
                        | (Some(ObjectRead::Listed), Field::Servers) => {
                            return Err(de::Error::custom(format_args!(
                                "duplicate field {:?}",
                                key.name
                            )));
                        }
                        (Some(_), _) => {
                            return Err(de::Error::custom(
                                "both \"server\" and \"servers\": which is the document?",
                            ));
                        }
                    }
                    if matches!(key.field, Field::Server) {
                        let mut one = Single(None);
                        map.next_value_seed(Reader {
                            options,
                            level: Level::Inner,
                            sink: &mut one,
                        })?;
                        if let Some(inner) = one.0 {
                            sink.take(inner).map_err(de::Error::custom)?;
                        }
                        container = Some(ObjectRead::Wrapped);
                    } else {
                        map.next_value_seed(List {
                            options,
                            sink: &mut *sink,
                        })?;
                        container = Some(ObjectRead::Listed);
                    }
                }
                Field::Status => {
                    let value = state(
                        &mut map,
                        lenient,
                        ServerStatus::parse,
                        "a Nova server status such as \"ACTIVE\"",
                    )?;
                    store(&mut doc.status, value, key.name)?;
                }
                Field::VmState => {
                    let value = state(
                        &mut map,
                        lenient,
                        VmState::parse,
                        "a Nova vm_state such as \"active\"",
                    )?;
                    store(&mut doc.vm_state, value, key.name)?;
                }
                Field::TaskState => {
                    let value = state(
                        &mut map,
                        lenient,
                        TaskState::parse,
                        "a Nova task_state such as \"image_uploading\"",
                    )?;
                    store(&mut doc.task_state, value, key.name)?;
                }
                Field::PowerState => {
                    let value = map.next_value::<Option<PowerState>>()?;
                    store(&mut doc.power_state, reported(value), key.name)?;
                }
                Field::Fault => {
                    let value = map.next_value::<Option<IgnoredAny>>()?;
                    flag(
                        &mut doc.has_fault,
                        &mut fault_seen,
                        value.is_some(),
                        "fault",
                    )?;
                }
                Field::Progress => {
                    let value = map.next_value::<Option<IgnoredAny>>()?;
                    flag(
                        &mut doc.has_progress,
                        &mut progress_seen,
                        value.is_some(),
                        "progress",
                    )?;
                }
                Field::Locked => {
                    if locked_seen {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field {:?}",
                            key.name
                        )));
                    }
                    locked_seen = true;
                    doc.locked = map.next_value::<Option<bool>>()?;
                }
                Field::LockedReason => {
                    let value = map.next_value::<Option<IgnoredAny>>()?;
                    flag(
                        &mut doc.has_locked_reason,
                        &mut reason_seen,
                        value.is_some(),
                        key.name,
                    )?;
                }
                Field::LaunchedAt => {
                    let value = map.next_value::<Option<IgnoredAny>>()?;
                    let mut launched = false;
                    flag(&mut launched, &mut launched_seen, value.is_some(), key.name)?;
                    doc.launched = Some(launched);
                }
                Field::SdkLaunchedAt => {
                    // Clients fill it with None when Nova did not send it:
                    // null says nothing (the null rule of this module).
                    let value = map.next_value::<Option<IgnoredAny>>()?;
                    let mut launched = false;
                    flag(&mut launched, &mut launched_seen, value.is_some(), key.name)?;
                    if launched {
                        doc.launched = Some(true);
                    }
                }
                Field::HostStatus => {
                    if host_seen {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field {:?}",
                            key.name
                        )));
                    }
                    host_seen = true;
                    doc.host_status = map
                        .next_value::<Option<HostStatusName>>()?
                        .map(|HostStatusName(status)| status);
                }
                Field::Server | Field::Servers | Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let has_own_fields = doc != ServerDocument::EMPTY
            || fault_seen
            || progress_seen
            || locked_seen
            || reason_seen
            || launched_seen
            || host_seen;
        match container {
            Some(ObjectRead::Wrapped) if has_own_fields => Err(de::Error::custom(
                "a \"server\" wrapper beside server fields: which one is the server?",
            )),
            Some(ObjectRead::Listed) if has_own_fields => Err(de::Error::custom(
                "a \"servers\" list beside server fields: which one is the server?",
            )),
            Some(read) => Ok(read),
            None => {
                doc.form = match forms {
                    LIST => Form::ServerList,
                    SDK => Form::Sdk,
                    _ => Form::Nova,
                };
                doc.settle_nulls();
                if doc.status.is_present()
                    || doc.vm_state.is_present()
                    || doc.power_state.is_present()
                    || doc.task_state.is_present()
                {
                    return Ok(ObjectRead::Server(doc));
                }
                Err(de::Error::custom(
                    "no server state in the document: expected \"status\" or \
                     \"OS-EXT-STS:*\" fields (or openstacksdk's \"vm_state\", \
                     `openstack server list`'s \"Status\"), or a \"server\" object \
                     or \"servers\" list holding them",
                ))
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for OneServer {
        type Value = ServerDocument;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<ServerDocument, D::Error> {
            let mut one = Single(None);
            let container = Reader {
                options: self.options,
                level: Level::Top,
                sink: &mut one,
            }
            .deserialize(d)?;
            match one.0 {
                Some(doc) => Ok(doc),
                None if container == Container::Server => Err(de::Error::custom(
                    "no server state in the document: the \"server\" object is empty",
                )),
                None => Err(de::Error::custom("an empty server list: no server to read")),
            }
        }
    }

    impl<'de, F: FnMut(usize, ServerDocument)> DeserializeSeed<'de> for EachServer<F> {
        type Value = Servers;
        fn deserialize<D: de::Deserializer<'de>>(mut self, d: D) -> Result<Servers, D::Error> {
            let mut each = Each {
                each: &mut self.each,
                count: 0,
            };
            let container = Reader {
                options: self.options,
                level: Level::Top,
                sink: &mut each,
            }
            .deserialize(d)?;
            Ok(Servers {
                container,
                count: each.count,
            })
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl<'de> Deserialize<'de> for ServerDocument {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            ReadOptions::STRICT.one().deserialize(deserializer)
        }
    }
}
