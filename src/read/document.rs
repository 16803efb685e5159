//! The state part of a Nova server document, and whether it is one Nova
//! could have produced.
//!
//! [`ServerDocument`] keeps `status`, `OS-EXT-STS:vm_state`,
//! `OS-EXT-STS:task_state`, `OS-EXT-STS:power_state` and whether `fault` and
//! `progress` are present; every other field is ignored. With the `serde`
//! feature it deserializes from a `GET /servers/{id}` body (with or without
//! its `"server"` wrapper) or `openstack server show -f json` output,
//! without allocating. Parsing is strict: a value Nova does not define is an
//! error naming the field (use [`status_from_raw`](crate::status_from_raw)
//! to read documents from newer clouds leniently).

use crate::rules::projection::status;
use crate::wire::power::PowerState;
use crate::wire::set::StatusSet;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// What a document says about one field: nothing, `null`, or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reported<T> {
    /// The key is not in the document.
    #[default]
    Absent,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a value.
    Value(T),
}

impl<T: Copy> Reported<T> {
    /// Whether the key is present (`null` included).
    pub const fn is_present(&self) -> bool {
        !matches!(self, Reported::Absent)
    }

    /// The value, if there is one.
    pub const fn value(&self) -> Option<T> {
        match self {
            Reported::Value(value) => Some(*value),
            Reported::Absent | Reported::Null => None,
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
    /// The status the document reports, if it has one.
    pub reported: Option<ServerStatus>,
    /// The status Nova derives from the states, when they are there.
    pub derived: Option<ServerStatus>,
    /// The document reports `DELETED` over states that derive another
    /// status: Nova shows `DELETED` for any row whose `deleted` flag is set,
    /// whatever its states (views/servers.py:597-599), e.g. a server deleted
    /// while still `building`.
    pub deleted_row: bool,
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
    /// Whether `progress` is present.
    pub has_progress: bool,
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
    };

    /// The shape, status and derived status of the document, or why Nova
    /// could not have produced it.
    ///
    /// # Errors
    /// The first [`Inconsistency`] found.
    pub fn assess(&self) -> Result<Assessment, Inconsistency> {
        let reported = match self.status {
            Reported::Null => return Err(Inconsistency::NullStatus),
            Reported::Absent => None,
            Reported::Value(status) => Some(status),
        };
        let present = (
            self.vm_state.is_present(),
            self.task_state.is_present(),
            self.power_state.is_present(),
        );
        let (shape, derived) = match present {
            (true, true, true) => {
                let derived = match self.vm_state.value() {
                    Some(vm) => status(vm, self.task_state.value()),
                    // status_from_state(None, ...) finds no dictionary: UNKNOWN.
                    None => ServerStatus::Unknown,
                };
                (Shape::Full, Some(derived))
            }
            (false, false, false) if reported == Some(ServerStatus::Unknown) => {
                (Shape::DownCell, None)
            }
            (false, false, false) => (Shape::NoExtendedStatus, None),
            (false, false, true) if reported == Some(ServerStatus::Unknown) => {
                (Shape::DownCell, None)
            }
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
            } else if reported != derived {
                return Err(Inconsistency::StatusMismatch {
                    reported,
                    derived,
                    vm_state: self.vm_state.value(),
                    task_state: self.task_state.value(),
                });
            }
        }
        if let Some(status) = reported.or(derived) {
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
        })
    }

    /// Whether Nova could have produced this document.
    pub fn is_consistent(&self) -> bool {
        self.assess().is_ok()
    }

    /// The status to believe: the derived one when the states are there,
    /// else the reported one.
    pub fn effective_status(&self) -> Option<ServerStatus> {
        match self.vm_state {
            Reported::Value(vm) => Some(status(vm, self.task_state.value())),
            Reported::Null => Some(ServerStatus::Unknown),
            Reported::Absent => self.status.value(),
        }
    }
}

#[cfg(feature = "serde")]
mod de {
    use super::{Reported, ServerDocument};
    use crate::{PowerState, ServerStatus, TaskState, VmState};
    use core::fmt;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
    use serde::Deserialize;

    /// The keys the reader looks at; anything else is skipped unread.
    enum Key {
        Server,
        Status,
        VmState,
        TaskState,
        PowerState,
        Fault,
        Progress,
        Other,
    }

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
            struct KeyVisitor;
            impl Visitor<'_> for KeyVisitor {
                type Value = Key;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a field name")
                }
                fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                    Ok(match key {
                        "server" => Key::Server,
                        "status" => Key::Status,
                        "OS-EXT-STS:vm_state" => Key::VmState,
                        "OS-EXT-STS:task_state" => Key::TaskState,
                        "OS-EXT-STS:power_state" => Key::PowerState,
                        "fault" => Key::Fault,
                        "progress" => Key::Progress,
                        _ => Key::Other,
                    })
                }
                fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
                    match core::str::from_utf8(key) {
                        Ok(key) => self.visit_str(key),
                        Err(_) => Ok(Key::Other),
                    }
                }
            }
            deserializer.deserialize_identifier(KeyVisitor)
        }
    }

    fn store<T, E: de::Error>(
        slot: &mut Reported<T>,
        value: Option<T>,
        key: &'static str,
    ) -> Result<(), E> {
        if !matches!(slot, Reported::Absent) {
            return Err(E::custom(format_args!("duplicate field {key:?}")));
        }
        *slot = match value {
            Some(value) => Reported::Value(value),
            None => Reported::Null,
        };
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

    /// Reads one level; `wrapper_allowed` at the top only.
    struct DocumentVisitor {
        wrapper_allowed: bool,
    }

    impl<'de> DeserializeSeed<'de> for DocumentVisitor {
        type Value = ServerDocument;
        fn deserialize<D: de::Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<ServerDocument, D::Error> {
            deserializer.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for DocumentVisitor {
        type Value = ServerDocument;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Nova server document (a JSON object)")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerDocument, A::Error> {
            let mut doc = ServerDocument::EMPTY;
            let mut inner: Option<ServerDocument> = None;
            let (mut fault_seen, mut progress_seen) = (false, false);
            while let Some(key) = map.next_key::<Key>()? {
                match key {
                    Key::Server if self.wrapper_allowed => {
                        if inner.is_some() {
                            return Err(de::Error::custom("duplicate field \"server\""));
                        }
                        inner = Some(map.next_value_seed(DocumentVisitor {
                            wrapper_allowed: false,
                        })?);
                    }
                    Key::Status => {
                        let value = map.next_value::<Option<ServerStatus>>()?;
                        store(&mut doc.status, value, "status")?;
                    }
                    Key::VmState => {
                        let value = map.next_value::<Option<VmState>>()?;
                        store(&mut doc.vm_state, value, "OS-EXT-STS:vm_state")?;
                    }
                    Key::TaskState => {
                        let value = map.next_value::<Option<TaskState>>()?;
                        store(&mut doc.task_state, value, "OS-EXT-STS:task_state")?;
                    }
                    Key::PowerState => {
                        let value = map.next_value::<Option<PowerState>>()?;
                        store(&mut doc.power_state, value, "OS-EXT-STS:power_state")?;
                    }
                    Key::Fault => {
                        let value = map.next_value::<Option<IgnoredAny>>()?;
                        flag(
                            &mut doc.has_fault,
                            &mut fault_seen,
                            value.is_some(),
                            "fault",
                        )?;
                    }
                    Key::Progress => {
                        map.next_value::<IgnoredAny>()?;
                        flag(&mut doc.has_progress, &mut progress_seen, true, "progress")?;
                    }
                    Key::Server | Key::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            let has_own_fields = doc != ServerDocument::EMPTY || fault_seen || progress_seen;
            match inner {
                Some(_) if has_own_fields => Err(de::Error::custom(
                    "a \"server\" wrapper beside server fields: which one is the server?",
                )),
                Some(inner) => Ok(inner),
                None if !doc.status.is_present()
                    && !doc.vm_state.is_present()
                    && !doc.power_state.is_present()
                    && !doc.task_state.is_present() =>
                {
                    Err(de::Error::custom(
                        "no server state in the document: expected \"status\" or \
                         \"OS-EXT-STS:*\" fields, or a \"server\" object holding them",
                    ))
                }
                None => Ok(doc),
            }
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl<'de> Deserialize<'de> for ServerDocument {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            DocumentVisitor {
                wrapper_allowed: true,
            }
            .deserialize(deserializer)
        }
    }
}
