//! Typed errors for every way input can be wrong.
//!
//! Errors are small `Copy` values that carry what was rejected and what would
//! have been accepted. They never allocate: the offending text is kept in an
//! inline buffer ([`Found`]), truncated on a character boundary when long.

use core::fmt;

/// Which field of a server a value was meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `OS-EXT-STS:vm_state`.
    VmState,
    /// `OS-EXT-STS:task_state`.
    TaskState,
    /// `OS-EXT-STS:power_state`.
    PowerState,
    /// `status`.
    Status,
    /// An action name (this crate's vocabulary, see [`Action`](crate::Action)).
    Action,
}

impl Field {
    /// The short name Nova uses for the field (`vm_state`, `task_state`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Field, VmState};
    ///
    /// assert_eq!(Field::PowerState.as_str(), "power_state");
    /// let err = "soft_deleted_x".parse::<VmState>().unwrap_err();
    /// assert_eq!(err.field().as_str(), "vm_state");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::VmState => "vm_state",
            Field::TaskState => "task_state",
            Field::PowerState => "power_state",
            Field::Status => "status",
            Field::Action => "action",
        }
    }

    /// The key under which the field appears in a server document.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Field;
    ///
    /// assert_eq!(Field::TaskState.document_key(), "OS-EXT-STS:task_state");
    /// assert_eq!(Field::Status.document_key(), "status");
    /// ```
    pub const fn document_key(self) -> &'static str {
        match self {
            Field::VmState => "OS-EXT-STS:vm_state",
            Field::TaskState => "OS-EXT-STS:task_state",
            Field::PowerState => "OS-EXT-STS:power_state",
            Field::Status => "status",
            Field::Action => "action",
        }
    }

    /// The canonical values the field accepts, in Nova's order.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Field, VmState};
    ///
    /// assert_eq!(Field::VmState.expected(), VmState::NAMES);
    /// assert!(Field::TaskState.expected().contains(&"powering-off"));
    /// assert!(!Field::TaskState.expected().contains(&"powering_off")); // an alias
    /// ```
    pub const fn expected(self) -> &'static [&'static str] {
        match self {
            Field::VmState => &crate::VmState::NAMES,
            Field::TaskState => &crate::TaskState::NAMES,
            Field::PowerState => &crate::PowerState::NAMES,
            Field::Status => &crate::ServerStatus::NAMES,
            Field::Action => &crate::Action::NAMES,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rejected input, kept inline (no allocation).
///
/// Input longer than [`Found::CAPACITY`] bytes is cut at a character boundary;
/// [`Found::len`] still tells the original length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Found {
    buf: [u8; Found::CAPACITY],
    kept: u8,
    len: usize,
}

impl Found {
    /// How many bytes of rejected input an error keeps.
    pub const CAPACITY: usize = 48;

    /// Keeps (a prefix of) `text`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::wire::Found;
    ///
    /// let found = Found::new("soft_deleted");
    /// assert_eq!(found.as_str(), "soft_deleted");
    /// assert!(!found.is_truncated());
    /// // Long input keeps a prefix and remembers the length.
    /// let long = "x".repeat(100);
    /// let found = Found::new(&long);
    /// assert_eq!(found.as_str().len(), Found::CAPACITY);
    /// assert_eq!(found.len(), 100);
    /// ```
    pub fn new(text: &str) -> Self {
        let mut kept = text.len().min(Found::CAPACITY);
        while !text.is_char_boundary(kept) {
            kept -= 1;
        }
        let mut buf = [0u8; Found::CAPACITY];
        let src = text.as_bytes().get(..kept).unwrap_or_default();
        if let Some(dst) = buf.get_mut(..kept) {
            dst.copy_from_slice(src);
        }
        Found {
            buf,
            kept: kept as u8,
            len: text.len(),
        }
    }

    /// The kept text (all of it unless [`Found::is_truncated`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::wire::Found;
    ///
    /// // 61 bytes: "a" and thirty 2-byte "é". Byte 48 falls inside an "é",
    /// // so the kept prefix stops at 47.
    /// let text = format!("a{}", "é".repeat(30));
    /// let found = Found::new(&text);
    /// assert_eq!(found.as_str().len(), 47);
    /// assert!(text.starts_with(found.as_str()));
    /// ```
    pub fn as_str(&self) -> &str {
        let bytes = self.buf.get(..usize::from(self.kept)).unwrap_or_default();
        // The prefix was cut on a char boundary of valid UTF-8.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The length in bytes of the original input.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::wire::Found;
    ///
    /// assert_eq!(Found::new("build").len(), 5);
    /// assert_eq!(Found::new(&"y".repeat(70)).len(), 70);
    /// ```
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the original input was empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::wire::Found;
    /// use nova_states::{ParseError, VmState};
    ///
    /// assert!(Found::new("").is_empty());
    /// // An empty vm_state is an error that says it was empty.
    /// match "".parse::<VmState>() {
    ///     Err(ParseError::Unknown { found, .. }) => assert!(found.is_empty()),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether only a prefix of the input was kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::wire::Found;
    ///
    /// assert!(!Found::new("active").is_truncated());
    /// assert!(Found::new(&"z".repeat(Found::CAPACITY + 1)).is_truncated());
    /// ```
    pub const fn is_truncated(&self) -> bool {
        self.len > self.kept as usize
    }
}

impl fmt::Debug for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())?;
        if self.is_truncated() {
            write!(f, "... ({} bytes)", self.len)?;
        }
        Ok(())
    }
}

/// Displays a list of names as `a, b, c`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OneOf(pub &'static [&'static str]);

impl fmt::Display for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, &mut self.0.iter().copied())
    }
}

/// Writes names separated by ", ": the one list writer of the library's
/// messages.
pub(crate) fn write_list(
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

/// A value that is not one Nova defines for its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A string that names no value of the field (nor a known alias).
    #[error("unknown {field} {found}: expected one of {}", OneOf(field.expected()))]
    Unknown {
        /// The field the value was meant for.
        field: Field,
        /// What was found.
        found: Found,
    },
    /// Power-state code 2 or 5: slots Nova keeps unused (they were `BLOCKED`
    /// and `SHUTOFF` before Nova merged them into `RUNNING` and `SHUTDOWN`).
    #[error(
        "power_state code {code} is an unused slot in Nova's InstancePowerState \
         (codes in use: 0, 1, 3, 4, 6, 7)"
    )]
    UnusedPowerCode {
        /// The code found (2 or 5).
        code: u8,
    },
    /// A power-state code outside 0..=7 (negative or too large).
    #[error("power_state code {code} is out of range: Nova's codes are 0, 1, 3, 4, 6, 7")]
    PowerCodeOutOfRange {
        /// The code found.
        code: i128,
    },
    /// `reboot` without its type: Nova's one REST word is two actions here
    /// (`_soft_reboot`, `_hard_reboot`, api.py:3640-3645).
    ///
    /// ```
    /// use nova_states::{Action, ParseError};
    /// assert_eq!(Action::parse_request("reboot"), Err(ParseError::RebootWithoutType));
    /// ```
    #[error("reboot needs its type: reboot:SOFT or reboot:HARD (the body's \"type\")")]
    RebootWithoutType,
}

impl ParseError {
    /// The field the rejected value was meant for.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Field, PowerState, TaskState};
    ///
    /// assert_eq!("powering_of".parse::<TaskState>().unwrap_err().field(), Field::TaskState);
    /// assert_eq!(PowerState::from_code(5).unwrap_err().field(), Field::PowerState);
    /// ```
    pub const fn field(&self) -> Field {
        match self {
            ParseError::Unknown { field, .. } => *field,
            ParseError::RebootWithoutType => Field::Action,
            ParseError::UnusedPowerCode { .. } | ParseError::PowerCodeOutOfRange { .. } => {
                Field::PowerState
            }
        }
    }

    pub(crate) fn unknown(field: Field, found: &str) -> Self {
        ParseError::Unknown {
            field,
            found: Found::new(found),
        }
    }
}
