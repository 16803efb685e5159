//! What a `GET /servers/{id}` returns after a write: the document, its
//! clock and its id.

use super::*;

/// A time on the simulation clock: seconds after
/// [`Timestamp::EPOCH`], shown as Nova writes `updated`
/// (`2026-01-01T00:00:05Z`).
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::Timestamp;
/// assert_eq!(Timestamp(5).to_string(), "2026-01-01T00:00:05Z");
/// assert_eq!(Timestamp(86_400 * 59).to_string(), "2026-03-01T00:00:00Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// 2026-01-01T00:00:00Z, in seconds since 1970: clock 0.
    pub const EPOCH: u64 = 1_767_225_600;
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = Timestamp::EPOCH.saturating_add(self.0);
        let days = secs / 86_400;
        let rest = secs % 86_400;
        // Howard Hinnant's civil_from_days, for days since 1970-01-01 >= 0.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        )
    }
}

/// A server id shown as a UUID: the same type as a notification's
/// `uuid` ([`crate::read::Uuid`]).
pub use crate::read::Uuid;

/// The state part of the server document a `GET /servers/{id}` returns
/// after a write (the body inside `{"server": ...}`): `id`, `status`, the
/// three `OS-EXT-STS` fields, `updated`, and `"nova-states:operation"`
/// (what made the write). With the `serde` feature it serializes as such.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::{Config, Server, Simulator};
///
/// let mut sim = Simulator::new(1, Config::DEFAULT, [Server::new(1, 0)]);
/// let w = sim.step().unwrap();
/// let doc = w.document(sim.servers()[0].id);
/// assert_eq!(doc.state, w.after);
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_string(&doc).unwrap();
/// assert!(json.starts_with("{\"id\":"));
/// assert!(json.contains("\"OS-EXT-STS:vm_state\":\"building\""));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document {
    /// `id`.
    pub id: Uuid,
    /// `status` and the `OS-EXT-STS` fields.
    pub state: ServerState,
    /// `updated`.
    pub updated: Timestamp,
    /// `"nova-states:operation"`.
    pub operation: Operation,
}

impl Write {
    /// The document a GET of the server returns after this write.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Config, Server, Simulator, Timestamp};
    ///
    /// let mut sim = Simulator::new(2, Config::DEFAULT, [Server::new(2, 0)]);
    /// let w = sim.step().unwrap();
    /// assert_eq!(w.document(7).updated, Timestamp(w.at));
    /// ```
    pub fn document(&self, id: u128) -> Document {
        Document {
            id: Uuid(id),
            state: self.after,
            updated: Timestamp(self.at),
            operation: self.operation,
        }
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for Document {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut doc = serializer.serialize_struct("Server", 7)?;
        doc.serialize_field("id", &Display(self.id))?;
        doc.serialize_field("status", &self.state.status())?;
        doc.serialize_field("OS-EXT-STS:vm_state", &self.state.vm)?;
        doc.serialize_field("OS-EXT-STS:task_state", &self.state.task)?;
        doc.serialize_field("OS-EXT-STS:power_state", &self.state.power)?;
        doc.serialize_field("updated", &Display(self.updated))?;
        doc.serialize_field("nova-states:operation", self.operation.as_str())?;
        doc.end()
    }
}

/// Serializes a value as its `Display` text, without allocating.
#[cfg(feature = "serde")]
struct Display<T>(T);

#[cfg(feature = "serde")]
impl<T: fmt::Display> serde::Serialize for Display<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}
