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

use crate::rules::preflight::{shows_down_cells, HostStatus, Server, DOWN_CELL_DOCUMENTS};
use crate::rules::projection::{default_status, status};
use crate::wire::error::{Found, ParseError};
use crate::wire::microversion::Microversion;
use crate::wire::power::PowerState;
use crate::wire::set::{StatusSet, VmStateSet};
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

mod reported;
pub use reported::{Form, Reported};

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
    /// A down-cell document ([`Shape::DownCell`]) read at a microversion
    /// before 2.69 ([`DOWN_CELL_DOCUMENTS`]): Nova shows none then (the
    /// lists leave the server out, `GET /servers/{id}` answers 500).
    ///
    /// ```
    /// use nova_states::{Inconsistency, Microversion};
    /// let e = Inconsistency::DownCellBefore269 { microversion: Microversion::new(2, 68) };
    /// assert!(e.to_string().starts_with("a down-cell document (status UNKNOWN, no states) at microversion 2.68"));
    /// ```
    #[error(
        "a down-cell document (status UNKNOWN, no states) at microversion {microversion}: \
         Nova shows one only from {}; before, it leaves the server out of lists and \
         answers 500 for it (servers.py:168-169, 500-506; compute/api.py:3007-3012)",
        DOWN_CELL_DOCUMENTS
    )]
    DownCellBefore269 {
        /// The microversion the document was read at.
        microversion: Microversion,
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

    /// [`ServerDocument::server`] for a document read at a known
    /// microversion: a down-cell document (no vm_state, status `UNKNOWN`)
    /// before 2.69 is an error naming the version; from 2.69 it is a server
    /// in a down cell (`vm_state` `None`, which the pre-flight answers
    /// with 500).
    ///
    /// # Errors
    ///
    /// [`Inconsistency::DownCellBefore269`].
    ///
    /// ```
    /// use nova_states::{Inconsistency, Microversion, Reported, ServerDocument, ServerStatus};
    /// let down = ServerDocument { status: Reported::Value(ServerStatus::Unknown), ..ServerDocument::EMPTY };
    /// let server = down.server_at(Microversion::new(2, 69)).unwrap().unwrap();
    /// assert_eq!(server.vm_state, None);
    /// assert_eq!(
    ///     down.server_at(Microversion::new(2, 68)),
    ///     Err(Inconsistency::DownCellBefore269 { microversion: Microversion::new(2, 68) })
    /// );
    /// ```
    pub fn server_at(&self, microversion: Microversion) -> Result<Option<Server>, Inconsistency> {
        let server = self.server();
        match server {
            Some(Server { vm_state: None, .. }) if !shows_down_cells(microversion) => {
                Err(Inconsistency::DownCellBefore269 { microversion })
            }
            _ => Ok(server),
        }
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

    /// [`ServerDocument::assess`] for a document read at a known
    /// microversion: the down-cell shape ([`Shape::DownCell`]) exists only
    /// from 2.69 ([`DOWN_CELL_DOCUMENTS`]).
    ///
    /// # Errors
    ///
    /// What [`ServerDocument::assess`] finds, and
    /// [`Inconsistency::DownCellBefore269`].
    ///
    /// ```
    /// use nova_states::read::Shape;
    /// use nova_states::{Inconsistency, Microversion, Reported, ServerDocument, ServerStatus};
    /// let down = ServerDocument { status: Reported::Value(ServerStatus::Unknown), ..ServerDocument::EMPTY };
    /// assert_eq!(down.assess_at(Microversion::new(2, 69))?.shape, Shape::DownCell);
    /// let err = down.assess_at(Microversion::new(2, 68)).unwrap_err();
    /// assert!(err.to_string().contains("at microversion 2.68"));
    /// # Ok::<(), Inconsistency>(())
    /// ```
    pub fn assess_at(&self, microversion: Microversion) -> Result<Assessment, Inconsistency> {
        let seen = self.assess()?;
        if seen.shape == Shape::DownCell && !shows_down_cells(microversion) {
            return Err(Inconsistency::DownCellBefore269 { microversion });
        }
        Ok(seen)
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

mod options;
pub use options::{Container, ReadOptions, Servers};
#[cfg(feature = "serde")]
pub use options::{EachServer, OneServer};

#[cfg(feature = "serde")]
mod de;
