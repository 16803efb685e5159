//! The `readers` fuzz body: arbitrary bytes through the readers of
//! `explain` ([`read_one`]) and `trace` ([`Records`]). They must agree on
//! every input that holds at most one document (both accept it with the same
//! states, or both refuse), never panic, and never accept a document with a
//! duplicated key. Shared by the cargo-fuzz target `readers` and the stable
//! replay in cli/tests/readers.rs.

use std::fmt;

use nova_states_cli::input::{read_one, Record, Records};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Whether any object in `text`'s JSON values repeats a key: an independent
/// check (its own walk of serde_json's tokens, not the reader's).
fn repeats_a_key(text: &str) -> bool {
    struct Walk<'a>(&'a mut bool);
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut keys = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                if keys.contains(&key) {
                    *self.0 = true;
                }
                keys.push(key);
                map.next_value_seed(Walk(&mut *self.0))?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Walk(&mut *self.0))?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }
    let mut repeated = false;
    let mut stream = serde_json::Deserializer::from_str(text);
    loop {
        match Walk(&mut repeated).deserialize(&mut stream) {
            Ok(()) => {}
            Err(_) => return repeated,
        }
        if repeated {
            return true;
        }
    }
}

/// The fuzz body.
pub fn readers(data: &[u8]) {
    let explain = read_one(data, "the input");
    let mut trace = Vec::new();
    let mut trace_error = None;
    for record in Records::new(data) {
        match record {
            Ok(r) => trace.push(r),
            Err(e) => {
                trace_error = Some(e);
                break;
            }
        }
    }
    let documents: Vec<_> = trace
        .iter()
        .filter_map(|r| match r {
            Record::Json(d, _) => Some(d.clone()),
            _ => None,
        })
        .collect();
    let lines = trace.iter().any(|r| matches!(r, Record::Line(..)));
    match &explain {
        Ok(doc) => {
            // explain accepts exactly what trace reads as one document.
            assert!(
                trace_error.is_none(),
                "explain accepts, trace refuses: {trace_error:?}"
            );
            assert!(!lines);
            assert_eq!(documents.as_slice(), std::slice::from_ref(doc));
            let text = String::from_utf8_lossy(data);
            assert!(!repeats_a_key(&text), "accepted a repeated key: {text}");
        }
        Err(e) => {
            // Where explain refuses, trace refuses too, or holds something
            // other than one document (several, polling lines, none).
            let one_document = documents.len() == 1 && !lines && trace_error.is_none();
            assert!(
                !one_document,
                "trace accepts one document explain refuses: {e}"
            );
        }
    }
    // Every document trace accepts was read without a repeated key: the
    // reader refuses a repeat at the first one it meets.
    if trace_error.is_none() && !documents.is_empty() && !lines {
        if let Ok(text) = std::str::from_utf8(data) {
            let json: String = text
                .lines()
                .filter(|l| !l.trim().chars().all(|c| c == '.'))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(!repeats_a_key(&json), "trace accepted a repeated key");
        }
    }
}
