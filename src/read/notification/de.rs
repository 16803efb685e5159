//! Reading notifications and the oslo envelope with serde, without
//! allocating.

use core::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{EventType, InstanceState, Notification, NotificationError, Uuid};
use crate::wire::error::Found;
use crate::wire::power::PowerState;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// A field read so far: missing (`None`), or its value (`null` is
/// `Ok(None)`), or what is wrong with it (kept until the event type says
/// whether the payload matters).
type Field<T> = Option<Result<Option<T>, NotificationError>>;

#[derive(Default)]
struct Data {
    uuid: Field<Uuid>,
    vm: Field<VmState>,
    task: Field<TaskState>,
    power: Field<PowerState>,
    duplicate: Option<&'static str>,
}

impl<'de> serde::Deserialize<'de> for Notification {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Top)
    }
}

struct Top;

impl<'de> Visitor<'de> for Top {
    type Value = Notification;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Nova notification (an object with event_type and payload)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Notification, A::Error> {
        let mut event: Option<EventType> = None;
        let mut payload: Option<Option<Data>> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Named("event_type") => {
                    if event.is_some() {
                        return Err(de::Error::custom(NotificationError::Duplicate(
                            "event_type",
                        )));
                    }
                    event = Some(map.next_value_seed(EventSeed)?);
                }
                Key::Named("payload") => {
                    if payload.is_some() {
                        return Err(de::Error::custom(NotificationError::Duplicate("payload")));
                    }
                    payload = Some(map.next_value_seed(PayloadSeed)?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event = event.ok_or_else(|| de::Error::custom(NotificationError::MissingEventType))?;
        let state = match event {
            EventType::Instance { .. } => {
                let data = payload.flatten();
                Some(state(data).map_err(de::Error::custom)?)
            }
            EventType::Unmapped(_) | EventType::Other(_) => None,
        };
        Ok(Notification { event, state })
    }
}

/// The payload's state, or the first thing wrong with it.
fn state(data: Option<Data>) -> Result<InstanceState, NotificationError> {
    let data = data.ok_or(NotificationError::MissingPayload)?;
    if let Some(key) = data.duplicate {
        return Err(NotificationError::Duplicate(key));
    }
    let uuid = data
        .uuid
        .ok_or(NotificationError::MissingField("uuid"))??
        .ok_or(NotificationError::NullField("uuid"))?;
    let vm = data
        .vm
        .ok_or(NotificationError::MissingField("state"))??
        .ok_or(NotificationError::NullField("state"))?;
    let task = data
        .task
        .ok_or(NotificationError::MissingField("task_state"))??;
    let power = data
        .power
        .ok_or(NotificationError::MissingField("power_state"))??;
    Ok(InstanceState {
        uuid,
        vm,
        task,
        power,
    })
}

/// A key, told apart from the ones that matter without allocating.
enum Key {
    Named(&'static str),
    Other,
}

struct KeySeed;

const KEYS: [&str; 9] = [
    "event_type",
    "payload",
    "nova_object.data",
    "uuid",
    "state",
    "task_state",
    "power_state",
    "oslo.version",
    "oslo.message",
];

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(KEYS
            .into_iter()
            .find(|k| *k == v)
            .map_or(Key::Other, Key::Named))
    }
}

struct EventSeed;

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = EventType;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<EventType, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for EventSeed {
    type Value = EventType;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event_type string such as \"instance.snapshot.start\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<EventType, E> {
        EventType::parse(v).map_err(E::custom)
    }
}

/// The payload: its `nova_object.data`, if it has one (any other value is
/// no data).
struct PayloadSeed;

impl<'de> DeserializeSeed<'de> for PayloadSeed {
    type Value = Option<Data>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<Data>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PayloadSeed {
    type Value = Option<Data>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a notification payload")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Data>, A::Error> {
        let mut data: Option<Data> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Named("nova_object.data") if data.is_none() => {
                    data = Some(map.next_value_seed(DataSeed)?);
                }
                Key::Named("nova_object.data") => {
                    map.next_value::<IgnoredAny>()?;
                    if let Some(d) = data.as_mut() {
                        d.duplicate = Some("nova_object.data");
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(data)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Data>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<Data>, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<Data>, E> {
        Ok(None)
    }
}

struct DataSeed;

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = Data;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Data, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DataSeed {
    type Value = Data;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the payload's nova_object.data (an object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
        let mut data = Data::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Key::Named(name) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let seen = match name {
                "uuid" => data.uuid.is_some(),
                "state" => data.vm.is_some(),
                "task_state" => data.task.is_some(),
                "power_state" => data.power.is_some(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if seen {
                map.next_value::<IgnoredAny>()?;
                data.duplicate = data.duplicate.or(Some(name));
                continue;
            }
            match name {
                "uuid" => data.uuid = Some(map.next_value_seed(Text(name, Uuid::parse))?),
                "state" => {
                    data.vm = Some(map.next_value_seed(Text(name, |t| {
                        VmState::parse(t).map_err(|error| NotificationError::Name {
                            field: "state",
                            error,
                        })
                    }))?)
                }
                "task_state" => {
                    data.task = Some(map.next_value_seed(Text(name, |t| {
                        TaskState::parse(t).map_err(|error| NotificationError::Name {
                            field: "task_state",
                            error,
                        })
                    }))?)
                }
                _ => {
                    data.power = Some(map.next_value_seed(Text(name, |t| {
                        PowerState::parse_code_or_name(t).map_err(|error| NotificationError::Name {
                            field: "power_state",
                            error,
                        })
                    }))?)
                }
            }
        }
        Ok(data)
    }
}

/// A string field read with `parse`; `null` is `None`; anything else is
/// kept as an error.
struct Text<T>(&'static str, fn(&str) -> Result<T, NotificationError>);

impl<'de, T> DeserializeSeed<'de> for Text<T> {
    type Value = Result<Option<T>, NotificationError>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for Text<T> {
    type Value = Result<Option<T>, NotificationError>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((self.1)(v).map(Some))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(NotificationError::NotAString(self.0)))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(NotificationError::NotAString(self.0)))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(NotificationError::NotAString(self.0)))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(NotificationError::NotAString(self.0)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(NotificationError::NotAString(self.0)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(NotificationError::NotAString(self.0)))
    }
}

/// Reads an oslo envelope (`{"oslo.version": "2.0", "oslo.message":
/// "<json text>"}`, oslo.messaging's `serialize_msg`: `_VERSION_KEY`,
/// `_MESSAGE_KEY`, `_RPC_ENVELOPE_VERSION = '2.0'` in
/// oslo_messaging/_drivers/common.py) into `buffer`, without allocating:
/// its value is the inner message's text, unescaped, in the buffer. A
/// buffer as long as the envelope's text always suffices.
///
/// # Examples
///
/// ```
/// use nova_states::read::{EnvelopeSeed, Notification};
/// use serde::de::DeserializeSeed;
///
/// let text = r#"{"oslo.version": "2.0", "oslo.message": "{\"event_type\": \"instance.pause.end\", \"payload\": {\"nova_object.data\": {\"uuid\": \"178b0921-8f85-4257-88b6-2e743b5a975c\", \"state\": \"paused\", \"task_state\": null, \"power_state\": \"running\"}}}"}"#;
/// let mut buffer = vec![0u8; text.len()];
/// let inner = EnvelopeSeed { buffer: &mut buffer }
///     .deserialize(&mut serde_json::Deserializer::from_str(text))
///     .unwrap();
/// let n: Notification = serde_json::from_str(inner).unwrap();
/// assert_eq!(n.state.unwrap().vm, nova_states::VmState::Paused);
/// ```
pub struct EnvelopeSeed<'b> {
    /// Where the inner message is written.
    pub buffer: &'b mut [u8],
}

impl<'de, 'b> DeserializeSeed<'de> for EnvelopeSeed<'b> {
    type Value = &'b str;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<&'b str, D::Error> {
        d.deserialize_map(EnvelopeVisitor {
            buffer: Some(self.buffer),
        })
    }
}

struct EnvelopeVisitor<'b> {
    buffer: Option<&'b mut [u8]>,
}

impl<'de, 'b> Visitor<'de> for EnvelopeVisitor<'b> {
    type Value = &'b str;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an oslo envelope (oslo.version and oslo.message)")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<&'b str, A::Error> {
        let mut version = false;
        let mut message: Option<&'b str> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Named("oslo.version") => {
                    if version {
                        return Err(de::Error::custom(NotificationError::Duplicate(
                            "oslo.version",
                        )));
                    }
                    map.next_value_seed(VersionSeed)?;
                    version = true;
                }
                Key::Named("oslo.message") => {
                    let buffer = self.buffer.take().ok_or_else(|| {
                        de::Error::custom(NotificationError::Duplicate("oslo.message"))
                    })?;
                    message = Some(map.next_value_seed(MessageSeed(buffer))?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !version {
            return Err(de::Error::custom(NotificationError::EnvelopeField(
                "oslo.version",
            )));
        }
        message.ok_or_else(|| de::Error::custom(NotificationError::EnvelopeField("oslo.message")))
    }
}

struct VersionSeed;

impl<'de> DeserializeSeed<'de> for VersionSeed {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for VersionSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope version string such as \"2.0\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        // oslo.messaging accepts any version of the same major.
        let major = v.split('.').next();
        if major == Some("2") && v.len() > 1 {
            Ok(())
        } else {
            Err(E::custom(NotificationError::EnvelopeVersion(Found::new(v))))
        }
    }
}

struct MessageSeed<'b>(&'b mut [u8]);

impl<'de, 'b> DeserializeSeed<'de> for MessageSeed<'b> {
    type Value = &'b str;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<&'b str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'b> Visitor<'_> for MessageSeed<'b> {
    type Value = &'b str;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("oslo.message: the notification as JSON text in a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'b str, E> {
        let capacity = self.0.len();
        let head: &'b mut [u8] = self.0.get_mut(..v.len()).ok_or_else(|| {
            E::custom(NotificationError::BufferTooSmall {
                needed: v.len(),
                capacity,
            })
        })?;
        head.copy_from_slice(v.as_bytes());
        let head: &'b [u8] = head;
        core::str::from_utf8(head).map_err(E::custom)
    }
}
