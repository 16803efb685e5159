//! Reading what users feed the command, one way for every command: server
//! documents (JSON: a `GET /servers/{id}` body, with or without its
//! `"server"` wrapper, JSON Lines of them, or concatenated
//! `openstack server show -f json` outputs; openstacksdk dicts; lists of
//! servers: `{"servers": [...]}`, `openstack server list -f json`, the
//! ansible collection's `server_info` result; see the library's
//! `read::document` for every shape) and the polling lines of the imaging
//! article (`17:14:48   status: ACTIVE   vm_state: active ...`), and Nova's
//! versioned notifications (a JSON value with `event_type`, or an oslo
//! envelope with `oslo.message`; detected value by value, see
//! [`read_notification`]).
//!
//! The reader is a stream: it takes input a line at a time and hands out
//! each record as soon as it is complete, so memory does not grow with the
//! length of the input. Every error names its line and column; text taken
//! from the input is shown escaped ([`escaped`]) so that control characters
//! and look-alike letters cannot pass for something else.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::io::BufRead;

use nova_states::read::{
    EnvelopeSeed, EventType, Form, Notification, NotifiedAction, Phase, ReadOptions,
};
use nova_states::{
    ParseError, PowerState, Reported, ServerDocument, ServerStatus, TaskState, VmState,
};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Where something is in the input: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, counted in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Input that cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What is wrong (input text in it is escaped).
    pub message: String,
    /// Where, when the error is tied to a place in the input.
    pub at: Option<Position>,
}

impl ReadError {
    fn at(at: Position, message: impl Into<String>) -> ReadError {
        ReadError {
            message: message.into(),
            at: Some(at),
        }
    }

    /// An error tied to no place in the input.
    pub fn new(message: impl Into<String>) -> ReadError {
        ReadError {
            message: message.into(),
            at: None,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ReadError {}

/// `text` with every control character and every non-ASCII character
/// escaped (`\n`, `\u{430}`), so that what the user sees is what was there:
/// a Cyrillic `а` in `аctive` does not pass for a Latin `a`, and an escape
/// sequence in the input does not reach the terminal.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out
}

/// One server document as read: the state part (the library's reader) and
/// the fields a trace needs besides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The state part.
    pub doc: ServerDocument,
    /// `updated`, when the document has it (a timestamp).
    pub updated: Option<String>,
    /// `id`, when the document has it (a notification's `uuid`).
    pub id: Option<String>,
    /// The notification the document came from, when it came from one.
    pub notice: Option<Notice>,
}

/// What a notification says besides its payload's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    /// The event type (`instance.snapshot.start`).
    pub event: NotifiedEvent,
    /// Whether it came inside an oslo envelope.
    pub enveloped: bool,
}

/// An instance notification the model maps: the table's row and the phase.
pub type NotifiedEvent = (&'static NotifiedAction, Phase);

/// The notifications a reader skipped: not about an instance, or about an
/// instance but not mapped by the model (`instance.update`,
/// `instance.exists`, `instance.lock`, `instance.share_attach.start`...),
/// counted by event type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Event types that are not `instance.*`, with their counts.
    pub other: std::collections::BTreeMap<String, usize>,
    /// `instance.*` event types the model does not map, with their counts.
    pub unmapped: std::collections::BTreeMap<String, usize>,
}

impl Skipped {
    /// How many were skipped in all.
    pub fn total(&self) -> usize {
        self.other.values().chain(self.unmapped.values()).sum()
    }
}

/// One thing a trace input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A server document (JSON), and where it starts.
    Json(Document, Position),
    /// A list of servers (JSON: `{"servers": [...]}` or `[...]`), in
    /// order, and where it starts.
    List(Vec<Document>, Position),
    /// A polling line, its label (the first token, when it is not a key),
    /// and where it starts.
    Line(ServerDocument, Option<String>, Position),
    /// Polls left out: a `...` line (or, in the polling format, a blank one).
    Gap,
}

impl Record {
    /// The record's document, if it is not a gap.
    pub fn document(&self) -> Option<&ServerDocument> {
        match self {
            Record::Json(d, _) => Some(&d.doc),
            Record::Line(d, _, _) => Some(d),
            Record::List(..) | Record::Gap => None,
        }
    }
}

/// Reads one JSON value that holds one server document.
///
/// Strict at every depth: a key repeated in any object is refused (serde
/// would keep the last one silently), and so is nesting deeper than
/// serde_json's limit. `origin` is where `text` starts in the whole input,
/// so that errors point into it.
///
/// # Errors
/// The first problem, with its position; a list of servers.
pub fn read_document(text: &str, origin: Position) -> Result<Document, ReadError> {
    let (mut docs, list) = read_servers(text, origin, ReadOptions::STRICT)?;
    match (docs.pop(), list) {
        (Some(doc), false) => Ok(doc),
        _ => Err(ReadError::at(
            origin,
            "a list of servers where one server document was expected",
        )),
    }
}

/// Reads one JSON value that holds servers: one document, or a list
/// (`{"servers": [...]}`, `[...]`); says whether it was a list. Strict
/// about keys as [`read_document`]; names as `options` say.
///
/// # Errors
/// The first problem, with its position.
pub fn read_servers(
    text: &str,
    origin: Position,
    options: ReadOptions,
) -> Result<(Vec<Document>, bool), ReadError> {
    let place = |e: &serde_json::Error| absolute(text, origin, e.line(), e.column());
    let mut scan = serde_json::Deserializer::from_str(text);
    let metas = Scan { mode: Mode::Top }
        .deserialize(&mut scan)
        .and_then(|meta| scan.end().map(|()| meta))
        .map_err(|e| ReadError::at(place(&e), message(&e)))?;
    let mut docs = Vec::new();
    let mut read = serde_json::Deserializer::from_str(text);
    let servers = options
        .each(|_, doc| docs.push(doc))
        .deserialize(&mut read)
        .map_err(|e| ReadError::at(place(&e), message(&e)))?;
    let mut metas = metas.servers.into_iter();
    let documents = docs
        .into_iter()
        .map(|doc| {
            let meta = metas.next().unwrap_or_default();
            Document {
                doc,
                updated: meta.updated,
                id: meta.id,
                notice: None,
            }
        })
        .collect();
    Ok((documents, servers.container.is_list()))
}

/// serde_json's message without its own " at line L column C" suffix (the
/// reader says where, in the whole input), escaped.
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let cut = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i]);
    escaped(cut)
}

/// The position in the whole input of serde_json's (line, byte column)
/// inside `text`, a value that starts at `origin`; columns are counted in
/// characters.
fn absolute(text: &str, origin: Position, line: usize, column: usize) -> Position {
    let line_text = text
        .split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let mut end = column.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    let chars = line_text[..end].chars().count() + 1;
    if line <= 1 {
        Position {
            line: origin.line,
            column: origin.column + chars - 1,
        }
    } else {
        Position {
            line: origin.line + line - 1,
            column: chars,
        }
    }
}

/// What the duplicate scan collects besides its verdict: for each server,
/// in order, its `id` (`ID` in `openstack server list`) and `updated`
/// (`updated_at` in openstacksdk's names).
#[derive(Default)]
struct Meta {
    updated: Option<String>,
    id: Option<String>,
}

/// The servers' metas of one JSON value.
#[derive(Default)]
struct Metas {
    servers: Vec<Meta>,
}

/// Where the scan is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The top value: a server, a wrapper, or a list.
    Top,
    /// A server object (its `id` and `updated` are kept).
    Server,
    /// A list of server objects.
    List,
    /// Anything else.
    Other,
}

/// An object's key: borrowed from the input unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Walks a JSON value, refusing repeated keys in every object, and keeps
/// each server's `id` and `updated`.
struct Scan {
    mode: Mode,
}

impl<'de> DeserializeSeed<'de> for Scan {
    type Value = Metas;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Metas, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan {
    type Value = Metas;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Metas, A::Error> {
        // The keys seen, borrowed from the input where it allows (no
        // allocation per key); compared one by one while there are few.
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        let mut many: HashSet<Cow<'de, str>> = HashSet::new();
        let mut own = Meta::default();
        let mut inner: Option<Metas> = None;
        let server = matches!(self.mode, Mode::Top | Mode::Server);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let repeated = if keys.len() < 32 {
                keys.contains(&key)
            } else {
                if many.is_empty() {
                    many.extend(keys.iter().cloned());
                }
                !many.insert(key.clone())
            };
            if repeated {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {:?}: which one is meant?",
                    escaped(&key)
                )));
            }
            keys.push(key.clone());
            match &*key {
                "updated" | "updated_at" if server => {
                    let value = map.next_value::<Option<String>>()?;
                    own.updated = own.updated.or(value);
                }
                "id" | "ID" if server => {
                    let value = map.next_value::<Option<String>>()?;
                    own.id = own.id.or(value);
                }
                "server" if self.mode == Mode::Top => {
                    inner = Some(map.next_value_seed(Scan { mode: Mode::Server })?);
                }
                "servers" if self.mode == Mode::Top => {
                    inner = Some(map.next_value_seed(Scan { mode: Mode::List })?);
                }
                _ => {
                    map.next_value_seed(Scan { mode: Mode::Other })?;
                }
            }
        }
        let wrapped = keys.iter().any(|k| k == "server");
        Ok(match inner {
            // The wrapper: the top's own id and updated come first.
            Some(Metas { mut servers }) if servers.len() == 1 && wrapped => {
                let one = servers.pop().unwrap_or_default();
                Metas {
                    servers: vec![Meta {
                        updated: own.updated.or(one.updated),
                        id: own.id.or(one.id),
                    }],
                }
            }
            Some(list) => list,
            None => Metas { servers: vec![own] },
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Metas, A::Error> {
        let element = match self.mode {
            Mode::Top | Mode::List => Mode::Server,
            Mode::Server | Mode::Other => Mode::Other,
        };
        let mut servers = Vec::new();
        while let Some(metas) = seq.next_element_seed(Scan { mode: element })? {
            if element == Mode::Server {
                servers.extend(metas.servers);
            }
        }
        Ok(Metas { servers })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Metas, E> {
        Ok(Metas::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Metas, E> {
        Ok(Metas::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Metas, E> {
        Ok(Metas::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Metas, E> {
        Ok(Metas::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Metas, E> {
        Ok(Metas::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Metas, E> {
        Ok(Metas::default())
    }
}

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Lines,
}

/// Records read one line at a time from any [`BufRead`].
///
/// The format is decided by the first line that is neither blank, a gap, nor
/// a `#` comment: `{` or `[` starts JSON, anything else is polling lines.
pub struct Records<R> {
    input: R,
    options: ReadOptions,
    line: usize,
    format: Option<Format>,
    /// The lines of the current input line split on a lone `\r` (old Mac
    /// line ends), still to be handed out.
    pieces: std::collections::VecDeque<String>,
    /// A JSON value being gathered: its text, where it started, and the
    /// bracket scanner's state.
    pending: Option<Pending>,
    done: bool,
    /// Records complete but not handed out yet (several values on a line).
    ready: std::collections::VecDeque<Result<Record, ReadError>>,
    buf: Vec<u8>,
    /// The current line's text (one buffer, reused line after line).
    text: String,
    /// The last JSON value's text buffer, for the next one.
    spare: String,
    /// A polling line's label buffer, given back by [`Records::recycle`].
    label: String,
    /// Notifications read but not handed out (other kinds).
    skipped: Skipped,
}

struct Pending {
    text: String,
    start: Position,
    depth: usize,
    in_string: bool,
    escape: bool,
}

impl<R: BufRead> Records<R> {
    /// The reader underneath (to ask whether it still holds buffered input).
    pub fn get_ref(&self) -> &R {
        &self.input
    }

    /// Whether lines already read wait to be handed out: a record can come
    /// without reading more.
    pub fn has_pending_lines(&self) -> bool {
        !self.pieces.is_empty() || !self.ready.is_empty()
    }

    /// Gives a record back when done with it, so that the next polling
    /// line's label reuses its buffer (no allocation per line).
    pub fn recycle(&mut self, record: &mut Record) {
        if let Record::Line(_, label @ Some(_), _) = record {
            self.label = label.take().unwrap_or_default();
        }
    }

    /// A reader over `input`, strict about names.
    pub fn new(input: R) -> Self {
        Records::with_options(input, ReadOptions::STRICT)
    }

    /// A reader over `input` that reads names as `options` say (lenient:
    /// unknown vm_state, task_state and status names are kept).
    pub fn with_options(input: R, options: ReadOptions) -> Self {
        Records {
            input,
            options,
            line: 0,
            format: None,
            pieces: std::collections::VecDeque::new(),
            pending: None,
            done: false,
            ready: std::collections::VecDeque::new(),
            buf: Vec::new(),
            text: String::new(),
            spare: String::new(),
            label: String::new(),
            skipped: Skipped::default(),
        }
    }

    /// The notifications read so far that are not handed out as records:
    /// other kinds than the instance notifications the model maps.
    pub fn skipped(&self) -> &Skipped {
        &self.skipped
    }

    /// The next line of text, split on `\n`, `\r\n` or a lone `\r`, checked
    /// for UTF-8 (and, on the first line, for a byte-order mark).
    /// The line goes into `into` (its old text replaced).
    fn next_line(&mut self, into: &mut String) -> Option<Result<(), ReadError>> {
        if let Some(piece) = self.pieces.pop_front() {
            self.line += 1;
            *into = piece;
            return Some(Ok(()));
        }
        self.buf.clear();
        match self.input.read_until(b'\n', &mut self.buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(ReadError::new(format!("cannot read the input: {e}")))),
        }
        let mut bytes: &[u8] = &self.buf;
        if let Some(rest) = bytes.strip_suffix(b"\n") {
            bytes = rest;
        }
        if let Some(rest) = bytes.strip_suffix(b"\r") {
            bytes = rest;
        }
        let first_line = self.line + 1;
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
                // A lone \r before the bad byte starts another line.
                let line = first_line + valid.matches('\r').count();
                let column = valid.rsplit('\r').next().map_or(0, |l| l.chars().count()) + 1;
                return Some(Err(ReadError::at(
                    Position { line, column },
                    format!(
                        "invalid UTF-8 (byte {:#04x}): the input must be UTF-8 text",
                        bytes[e.valid_up_to()]
                    ),
                )));
            }
        };
        if first_line == 1 && text.starts_with('\u{feff}') {
            return Some(Err(ReadError::at(
                Position { line: 1, column: 1 },
                "a byte-order mark (U+FEFF) before the first character: save the input without it",
            )));
        }
        into.clear();
        if text.as_bytes().contains(&b'\r') {
            let mut parts = text.split('\r');
            into.push_str(parts.next().unwrap_or_default());
            self.pieces.extend(parts.map(str::to_string));
        } else {
            into.push_str(text);
        }
        self.line += 1;
        Some(Ok(()))
    }

    fn step(&mut self) -> Option<Result<Record, ReadError>> {
        loop {
            if let Some(ready) = self.ready.pop_front() {
                return Some(ready);
            }
            if self.done {
                return None;
            }
            // One line buffer for the whole input: taken, filled, put back.
            let mut line = std::mem::take(&mut self.text);
            let record = self.one_line(&mut line);
            self.text = line;
            if record.is_some() {
                return record;
            }
        }
    }

    /// Reads one line and takes it in: the record it completes, if any.
    fn one_line(&mut self, line: &mut String) -> Option<Result<Record, ReadError>> {
        match self.next_line(line) {
            None => {
                self.done = true;
                let p = self.pending.take()?;
                return Some(Err(ReadError::at(
                    p.start,
                    "a JSON document that never ends (unbalanced braces at the end of the input)",
                )));
            }
            Some(Err(e)) => {
                self.done = true;
                return Some(Err(e));
            }
            Some(Ok(())) => {}
        }
        let line: &str = line;
        let at = self.line;
        if self.pending.is_some() {
            self.scan_json(line, at, 0);
            return None;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if self.format == Some(Format::Lines) {
                return Some(Ok(Record::Gap));
            }
            return None;
        }
        if trimmed.chars().all(|c| c == '.') {
            return Some(Ok(Record::Gap));
        }
        if trimmed.starts_with('#') && self.format != Some(Format::Json) {
            return None;
        }
        let format = *self
            .format
            .get_or_insert(if trimmed.starts_with(['{', '[']) {
                Format::Json
            } else {
                Format::Lines
            });
        match format {
            Format::Json => {
                let indent = line.len() - line.trim_start().len();
                self.scan_json(line, at, indent);
                None
            }
            Format::Lines => {
                let spare = std::mem::take(&mut self.label);
                Some(parse_line(line, at, self.options, spare))
            }
        }
    }

    /// Feeds `line` (from byte `from`) to the JSON gatherer; completed
    /// documents go to `ready`.
    fn scan_json(&mut self, line: &str, at: usize, from: usize) {
        // Bytes, not characters: every byte that matters (brackets, quotes,
        // backslashes) is ASCII, and no byte of a longer UTF-8 character is.
        let bytes = line.as_bytes();
        let mut start_byte = from;
        let mut i = from;
        while i < bytes.len() {
            let Some(p) = self.pending.as_mut() else {
                let Some(c) = line.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                if c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                }
                let column = line.get(..i).map_or(0, |l| l.chars().count()) + 1;
                if c != '{' && c != '[' {
                    let rest = line.get(i..).unwrap_or_default();
                    let message = if rest.trim().chars().all(|c| c == '.') {
                        "a gap (...) must stand on a line of its own".to_string()
                    } else {
                        format!(
                            "expected a JSON document (`{{` or `[`) here, found {:?}",
                            escaped(&rest.chars().take(20).collect::<String>())
                        )
                    };
                    self.ready
                        .push_back(Err(ReadError::at(Position { line: at, column }, message)));
                    self.done = true;
                    return;
                }
                // One text buffer, reused document after document.
                let mut text = std::mem::take(&mut self.spare);
                text.clear();
                text.push(c);
                self.pending = Some(Pending {
                    text,
                    start: Position { line: at, column },
                    depth: 1,
                    in_string: false,
                    escape: false,
                });
                i += 1;
                start_byte = i;
                continue;
            };
            if p.in_string {
                if p.escape {
                    p.escape = false;
                    i += 1;
                    continue;
                }
                // Straight to the string's next quote or backslash.
                let rest = bytes.get(i..).unwrap_or_default();
                match rest.iter().position(|&b| b == b'"' || b == b'\\') {
                    None => i = bytes.len(),
                    Some(n) => {
                        i += n;
                        if bytes.get(i) == Some(&b'\\') {
                            p.escape = true;
                        } else {
                            p.in_string = false;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            match bytes.get(i) {
                Some(b'"') => p.in_string = true,
                Some(b'{' | b'[') => p.depth += 1,
                Some(b'}' | b']') => p.depth = p.depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            if p.depth == 0 {
                p.text.push_str(line.get(start_byte..i).unwrap_or_default());
                if let Some(done) = self.pending.take() {
                    start_byte = i;
                    match read_notification(&done.text, done.start) {
                        Ok(None) => {}
                        Ok(Some(Read::Mapped(doc))) => {
                            self.spare = done.text;
                            self.ready.push_back(Ok(Record::Json(*doc, done.start)));
                            continue;
                        }
                        Ok(Some(Read::Skipped { event, instance })) => {
                            self.spare = done.text;
                            let kind = if instance {
                                &mut self.skipped.unmapped
                            } else {
                                &mut self.skipped.other
                            };
                            *kind.entry(event).or_default() += 1;
                            continue;
                        }
                        Err(e) => {
                            self.ready.push_back(Err(e));
                            self.done = true;
                            return;
                        }
                    }
                    let record = read_servers(&done.text, done.start, self.options).map(
                        |(mut docs, list)| match (list, docs.pop()) {
                            (false, Some(doc)) => Record::Json(doc, done.start),
                            (_, last) => {
                                docs.extend(last);
                                Record::List(docs, done.start)
                            }
                        },
                    );
                    self.spare = done.text;
                    let failed = record.is_err();
                    self.ready.push_back(record);
                    if failed {
                        self.done = true;
                        return;
                    }
                }
                start_byte = i;
            }
        }
        if let Some(p) = self.pending.as_mut() {
            p.text
                .push_str(line.get(start_byte.min(line.len())..).unwrap_or_default());
            p.text.push('\n');
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Record, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.step()
    }
}

/// The one server document of an input, read as [`Records`] reads it (so
/// `explain` and `trace` agree on every document).
///
/// # Errors
/// The first unreadable record; a polling line (explain reads documents);
/// no document, or more than one. `source` names the input in messages.
pub fn read_one<R: BufRead>(input: R, source: &str) -> Result<Document, ReadError> {
    let mut found: Option<Document> = None;
    for record in Records::new(input) {
        match record? {
            Record::Gap => {}
            Record::Json(d, at) => {
                if found.is_some() {
                    return Err(ReadError::at(
                        at,
                        format!(
                            "a second document in {source}: explain reads one (trace reads many)"
                        ),
                    ));
                }
                found = Some(d);
            }
            Record::List(_, at) => {
                return Err(ReadError::at(
                    at,
                    "a list of servers, where one was expected",
                ))
            }
            Record::Line(_, _, at) => return Err(not_a_polling_line(at)),
        }
    }
    found.ok_or_else(|| ReadError::new(format!("no server document in {source}")))
}

fn not_a_polling_line(at: Position) -> ReadError {
    ReadError::at(
        at,
        "explain reads a JSON server document (GET /servers/{id} or \
         `openstack server show -f json`), not a polling line: use trace",
    )
}

/// What `explain` reads: one JSON value of servers, as [`Records`] reads
/// it (so `explain` and `trace` agree on every document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Servers {
    /// The servers, in order.
    pub servers: Vec<Document>,
    /// Whether they came as a list (`{"servers": [...]}`, `[...]`), of
    /// any length.
    pub list: bool,
}

/// The one JSON value of an input: one server document, or a list.
///
/// # Errors
/// The first unreadable record; a polling line; no value, or more than
/// one; an empty list. `source` names the input in messages.
pub fn read_servers_of<R: BufRead>(
    input: R,
    source: &str,
    options: ReadOptions,
) -> Result<Servers, ReadError> {
    let mut found: Option<Servers> = None;
    for record in Records::with_options(input, options) {
        let (servers, list, at) = match record? {
            Record::Gap => continue,
            Record::Json(d, at) => (vec![d], false, at),
            Record::List(docs, at) => (docs, true, at),
            Record::Line(_, _, at) => return Err(not_a_polling_line(at)),
        };
        if found.is_some() {
            return Err(ReadError::at(
                at,
                format!("a second document in {source}: explain reads one (trace reads many)"),
            ));
        }
        found = Some(Servers { servers, list });
    }
    found.ok_or_else(|| ReadError::new(format!("no server document in {source}")))
}

/// What [`read_notification`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// An instance notification the model maps: its state as a document
    /// (vm_state, task_state, power_state; no status), `id` its `uuid`.
    Mapped(Box<Document>),
    /// Another kind, as written (`instance` tells an unmapped
    /// `instance.*` from other objects).
    Skipped {
        /// The event type.
        event: String,
        /// Whether it is an `instance.*` notification.
        instance: bool,
    },
}

/// Reads one JSON value as a Nova versioned notification, if it is one: an
/// object with a top-level `event_type` (as in Nova's
/// doc/notification_samples), or an oslo envelope (`oslo.version` and
/// `oslo.message`, the notification as JSON text in a string). `None` for
/// any other value (a server document). Strict as [`read_document`]: a
/// key repeated at any depth is refused.
///
/// # Errors
/// The first problem, with its position (inside an envelope, the position
/// of the envelope, and the place in the inner text).
pub fn read_notification(text: &str, origin: Position) -> Result<Option<Read>, ReadError> {
    if !text.contains("\"event_type\"") && !text.contains("\"oslo.message\"") {
        return Ok(None);
    }
    let place = |e: &serde_json::Error| absolute(text, origin, e.line(), e.column());
    let fail = |e: serde_json::Error| ReadError::at(place(&e), message(&e));
    let top: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(text) {
        Ok(map) => map,
        // Not an object: not a notification (the server reader says why).
        Err(_) => return Ok(None),
    };
    let enveloped = top.contains_key("oslo.message");
    if !enveloped && !top.contains_key("event_type") {
        return Ok(None);
    }
    // Repeated keys, at every depth.
    let mut scan = serde_json::Deserializer::from_str(text);
    Scan { mode: Mode::Other }
        .deserialize(&mut scan)
        .map_err(fail)?;
    let in_envelope = |e: serde_json::Error| {
        ReadError::at(
            origin,
            format!(
                "in oslo.message, at its line {} column {}: {}",
                e.line(),
                e.column(),
                message(&e)
            ),
        )
    };
    let inner_text;
    let (body, fields) = if enveloped {
        let mut buffer = vec![0u8; text.len()];
        let mut de = serde_json::Deserializer::from_str(text);
        inner_text = EnvelopeSeed {
            buffer: &mut buffer,
        }
        .deserialize(&mut de)
        .map_err(fail)?
        .to_string();
        let mut scan = serde_json::Deserializer::from_str(&inner_text);
        Scan { mode: Mode::Other }
            .deserialize(&mut scan)
            .map_err(in_envelope)?;
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&inner_text).map_err(in_envelope)?;
        (inner_text.as_str(), fields)
    } else {
        (text, top)
    };
    let read = |e: serde_json::Error| if enveloped { in_envelope(e) } else { fail(e) };
    let n: Notification = serde_json::from_str(body).map_err(read)?;
    let event_type = || {
        fields
            .get("event_type")
            .and_then(|t| t.as_str().map(escaped))
            .unwrap_or_default()
    };
    let (action, phase, state) = match (n.event, n.state) {
        (EventType::Instance { action, phase }, Some(state)) => (action, phase, state),
        (EventType::Instance { .. }, None) => {
            return Err(ReadError::at(
                origin,
                "an instance notification without its state",
            ))
        }
        (EventType::Unmapped(_), _) => {
            return Ok(Some(Read::Skipped {
                event: event_type(),
                instance: true,
            }))
        }
        (EventType::Other(_), _) => {
            return Ok(Some(Read::Skipped {
                event: event_type(),
                instance: false,
            }))
        }
    };
    let doc = ServerDocument {
        vm_state: Reported::Value(state.vm),
        task_state: match state.task {
            Some(task) => Reported::Value(task),
            None => Reported::Null,
        },
        power_state: match state.power {
            Some(power) => Reported::Value(power),
            None => Reported::Null,
        },
        form: Form::Nova,
        ..ServerDocument::EMPTY
    };
    Ok(Some(Read::Mapped(Box::new(Document {
        doc,
        // Not the message's `timestamp`: notifications arrive in the
        // queue's order from several hosts (the API's deletes, the compute
        // host's actions), whose clocks need not agree, so a trace does
        // not hold them to it.
        updated: None,
        id: Some(state.uuid.to_string()),
        notice: Some(Notice {
            event: (action, phase),
            enveloped,
        }),
    }))))
}

/// The keys of a polling line, in the order the article's script prints them.
const KEYS: [&str; 4] = ["status", "vm_state", "task_state", "power_state"];

/// Reads one polling line: an optional label (its first token, unless that
/// is a key), then `key: value` pairs.
/// `spare` is a buffer the label can be written into (given back by
/// [`Records::recycle`]).
fn parse_line(
    line: &str,
    at: usize,
    options: ReadOptions,
    mut spare: String,
) -> Result<Record, ReadError> {
    // Columns are counted in characters, from 1; worked out only for an
    // error (tokens start on character boundaries).
    let pos = |byte: usize| Position {
        line: at,
        column: line.get(..byte).map_or(0, |l| l.chars().count()) + 1,
    };
    let mut iter = Tokens {
        line,
        at: 0,
        ascii: line.is_ascii(),
    }
    .peekable();
    let mut label = None;
    if let Some(&(col, first)) = iter.peek() {
        if !first.ends_with(':') {
            glued(first, || pos(col))?;
            spare.clear();
            spare.push_str(first);
            label = Some(spare);
            iter.next();
        }
    }
    let mut doc = ServerDocument::EMPTY;
    let mut seen = [false; 4];
    while let Some((col, key)) = iter.next() {
        glued(key, || pos(col))?;
        let name = key.strip_suffix(':').unwrap_or(key);
        let Some(slot) = KEYS.iter().position(|k| *k == name) else {
            return Err(ReadError::at(
                pos(col),
                format!(
                    "unexpected {:?}: expected status:, vm_state:, task_state: or power_state:",
                    escaped(key)
                ),
            ));
        };
        if !key.ends_with(':') {
            return Err(ReadError::at(
                pos(col),
                format!("{name} needs a colon: {name}:"),
            ));
        }
        if seen[slot] {
            return Err(ReadError::at(
                pos(col),
                format!("{name}: given twice on one line: which one is meant?"),
            ));
        }
        seen[slot] = true;
        let Some((vcol, value)) = iter.next() else {
            return Err(ReadError::at(pos(col), format!("{name}: has no value")));
        };
        let bad = |e: ParseError| ReadError::at(pos(vcol), escaped(&e.to_string()));
        let null = value == "null" || value == "None";
        let lenient = options.lenient;
        match slot {
            0 => {
                doc.status =
                    Reported::parse_with(value, ServerStatus::parse, lenient).map_err(bad)?
            }
            1 if null => doc.vm_state = Reported::Null,
            1 => {
                doc.vm_state = Reported::parse_with(value, VmState::parse, lenient).map_err(bad)?
            }
            2 if null => doc.task_state = Reported::Null,
            2 => {
                doc.task_state =
                    Reported::parse_with(value, TaskState::parse, lenient).map_err(bad)?
            }
            _ if null => doc.power_state = Reported::Null,
            _ => {
                doc.power_state =
                    Reported::Value(PowerState::parse_code_or_name(value).map_err(bad)?)
            }
        }
    }
    Ok(Record::Line(doc, label, pos(0)))
}

/// The whitespace-separated tokens of a line, each with the byte it starts
/// at: bytes compared one by one while they are ASCII (a polling line
/// nearly always is), characters decoded only where they are not.
struct Tokens<'a> {
    line: &'a str,
    at: usize,
    /// Whether the line is all ASCII: bytes, no characters to decode.
    ascii: bool,
}

impl Tokens<'_> {
    /// Whether the character at byte `i` is whitespace, and its length.
    #[inline]
    fn space_at(&self, i: usize) -> Option<(bool, usize)> {
        let b = *self.line.as_bytes().get(i)?;
        if b.is_ascii() {
            // char::is_whitespace on ASCII: space, \t, \n, \x0b, \x0c, \r.
            return Some((matches!(b, b' ' | b'\t'..=b'\r'), 1));
        }
        let c = self.line.get(i..)?.chars().next()?;
        Some((c.is_whitespace(), c.len_utf8()))
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.line.as_bytes();
        let mut i = self.at;
        if self.ascii {
            let space = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
            let rest = bytes.get(i..)?;
            let start = i + rest.iter().position(|b| !space(b))?;
            let len = bytes.get(start..)?.iter().position(space);
            let end = len.map_or(bytes.len(), |n| start + n);
            self.at = end;
            return Some((start, self.line.get(start..end)?));
        }
        // ASCII, a byte at a time; anything else, a character at a time.
        loop {
            match bytes.get(i) {
                Some(b' ' | b'\t'..=b'\r') => i += 1,
                Some(b) if !b.is_ascii() => match self.space_at(i) {
                    Some((true, n)) => i += n,
                    _ => break,
                },
                _ => break,
            }
        }
        let start = i;
        loop {
            match bytes.get(i) {
                None | Some(b' ' | b'\t'..=b'\r') => break,
                Some(b) if b.is_ascii() => i += 1,
                Some(_) => match self.space_at(i) {
                    Some((false, n)) => i += n,
                    _ => break,
                },
            }
        }
        self.at = i;
        let token = self.line.get(start..i)?;
        (!token.is_empty()).then_some((start, token))
    }
}

/// Refuses a key glued to its value (`status:SHUTOFF`), which would
/// otherwise be taken for a label or an unknown key.
fn glued(token: &str, at: impl Fn() -> Position) -> Result<(), ReadError> {
    for key in KEYS {
        if let Some(rest) = token.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            if !rest.is_empty() {
                return Err(ReadError::at(
                    at(),
                    format!(
                        "{key}: and its value are glued together ({:?}): put a space after the colon",
                        escaped(token)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The time a label or `updated` gives, to check that a trace does not go
/// back in time: ISO 8601 (`2024-05-01T17:14:48Z`, `...+02:00`, fractions)
/// as seconds since 1970 with the offset applied, or `HH:MM:SS` as seconds
/// in the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stamp {
    /// An ISO 8601 date and time with its zone (seconds since 1970, UTC).
    Instant(f64),
    /// A time of day (seconds since midnight): may wrap past midnight.
    TimeOfDay(u32),
}

impl Stamp {
    /// Reads `text` as a timestamp, if it is one.
    pub fn parse(text: &str) -> Option<Stamp> {
        if let Some(t) = time_of_day(text) {
            return Some(Stamp::TimeOfDay(t));
        }
        iso(text).map(Stamp::Instant)
    }
}

fn digits(text: &str) -> Option<u32> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn time_of_day(text: &str) -> Option<u32> {
    // HH:MM:SS, byte by byte (a polling line's label: once a line).
    let &[h1, h2, b':', m1, m2, b':', s1, s2] = text.as_bytes() else {
        return None;
    };
    let two = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit())
            .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };
    let (h, m, s) = (two(h1, h2)?, two(m1, m2)?, two(s1, s2)?);
    (h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s)
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn iso(text: &str) -> Option<f64> {
    let (date, time) = text.split_once(['T', ' '])?;
    let mut d = date.split('-');
    let (y, mo, da) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || y.len() != 4 || mo.len() != 2 || da.len() != 2 {
        return None;
    }
    let (y, mo, da) = (digits(y)?, digits(mo)?, digits(da)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) {
        return None;
    }
    // The zone: Z, +HH:MM, -HH:MM, +HHMM; none means UTC (Nova writes Z).
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0i64)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, z) = time.split_at(i);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let z = z[1..].replace(':', "");
        if z.len() != 4 {
            return None;
        }
        let (zh, zm) = (digits(&z[..2])?, digits(&z[2..])?);
        (c, sign * i64::from(zh * 3600 + zm * 60))
    } else {
        (time, 0)
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (
            hms,
            format!("0.{}", digits(f).map(|_| f)?).parse::<f64>().ok()?,
        ),
        None => (clock, 0.0),
    };
    let seconds = time_of_day(hms)?;
    let days = days_from_civil(i64::from(y), mo, da);
    Some((days * 86_400 + i64::from(seconds) - offset) as f64 + fraction)
}
