//! How to read server documents ([`ReadOptions`]): strict or lenient, one
//! server or each of a list; and what held them ([`Container`]).

use super::*;

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
    pub(super) options: ReadOptions,
}

/// Reads every server of a document; see [`ReadOptions::each`].
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, Copy)]
pub struct EachServer<F> {
    pub(super) options: ReadOptions,
    pub(super) each: F,
}
