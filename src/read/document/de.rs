//! The serde reader: one visitor for every shape (see the module above).

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
                    "OS-EXT-STS:task_state" => key(Field::TaskState, "OS-EXT-STS:task_state", NOVA),
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

fn flag<E: de::Error>(slot: &mut bool, seen: &mut bool, value: bool, key: &str) -> Result<(), E> {
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
