//! Arbitrary strings and arbitrary JSON into every parser.
//!
//! Every `FromStr` (vm_state, task_state, power_state, status, action),
//! `PowerState::from_code`, every serde `Deserialize` and the
//! `ServerDocument` reader get random input: plain random strings, names
//! and aliases with small mutations (case flips, hyphen/underscore swaps,
//! a character added or dropped, padding), random integers, and random
//! JSON values whose keys are mostly the ones the reader looks at. Nothing
//! may panic; whatever is accepted must print back to text that parses to
//! the same value (the checks are the `parse` fuzz body's, tests/support/fuzz_parse.rs).
//!
//! Cases follow `PROPTEST_CASES` (default 256); see docs/testing.md.

use nova_states::{Action, Field, ParseError, PowerState, ServerStatus, TaskState, VmState};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Map, Value};

use crate::fuzz_parse;

/// Every name and alias any parser knows.
fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    names.extend(VmState::NAMES);
    names.extend(VmState::ALIASES.iter().map(|a| a.spelling));
    names.extend(TaskState::NAMES);
    names.extend(TaskState::ALIASES.iter().map(|a| a.spelling));
    names.extend(PowerState::NAMES);
    names.extend(PowerState::ALIASES.iter().map(|a| a.spelling));
    names.extend(ServerStatus::NAMES);
    names.extend(Action::NAMES);
    names.extend([
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "-1", "null", "",
    ]);
    names
}

/// A known name, possibly mutated.
fn near_name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(known_names()),
        0u8..8,
        any::<prop::sample::Index>(),
        any::<char>(),
    )
        .prop_map(|(name, how, at, c)| {
            let mut s = name.to_string();
            let chars: Vec<char> = s.chars().collect();
            let i = if chars.is_empty() {
                0
            } else {
                at.index(chars.len())
            };
            match how {
                0 => {}
                1 => s = s.to_ascii_uppercase(),
                2 => s = s.to_ascii_lowercase(),
                3 => {
                    s = s
                        .chars()
                        .map(|c| match c {
                            '-' => '_',
                            '_' => '-',
                            other => other,
                        })
                        .collect()
                }
                4 => {
                    let mut v = chars;
                    v.insert(i, c);
                    s = v.into_iter().collect();
                }
                5 if !chars.is_empty() => {
                    let mut v = chars;
                    v.remove(i);
                    s = v.into_iter().collect();
                }
                6 => s = format!(" {s}\n"),
                _ => {
                    // Flip the case of one character.
                    s = chars
                        .iter()
                        .enumerate()
                        .map(|(j, ch)| {
                            if j == i {
                                if ch.is_ascii_uppercase() {
                                    ch.to_ascii_lowercase()
                                } else {
                                    ch.to_ascii_uppercase()
                                }
                            } else {
                                *ch
                            }
                        })
                        .collect()
                }
            }
            s
        })
}

/// Any text: random Unicode, near-names, numbers of any size.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => near_name(),
        2 => any::<String>(),
        1 => "[a-z_-]{0,30}",
        1 => any::<i128>().prop_map(|n| n.to_string()),
        1 => "-?[0-9]{1,60}",
        1 => "[a-zA-Z_ -]{40,200}",
    ]
}

/// Keys of a server document: mostly the reader's, some others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "status",
            "OS-EXT-STS:vm_state",
            "OS-EXT-STS:task_state",
            "OS-EXT-STS:power_state",
            "fault",
            "progress",
            "server",
        ])
        .prop_map(str::to_string),
        1 => prop::sample::select(vec!["id", "name", "Status", "OS-EXT-STS:VM_STATE", "servers"])
            .prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

/// A JSON leaf, often a state name or a power code.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (-3i64..12).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        3 => near_name().prop_map(Value::String),
        1 => any::<String>().prop_map(Value::String),
    ]
}

/// Any JSON value, nested a few levels, objects keyed by [`key`].
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A document-shaped object: the reader's keys with leaf values.
fn document() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), leaf()), 0..8).prop_map(|kv| {
        let map: Map<String, Value> = kv.into_iter().collect();
        Value::Object(map)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/proptest_parse.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Any string into every `FromStr`: no panic, and accepted values print
    /// back and reparse to themselves.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_text_into_every_parser(s in text()) {
        fuzz_parse::parse_text(&s);
        fuzz_parse::parse(s.as_bytes());
    }

    /// Refusals are typed: an unknown name is `Unknown` for the field it
    /// was meant for, keeping the text (truncated on a char boundary).
    #[test]
    #[cfg_attr(miri, ignore)]
    fn refusals_name_the_field(s in text()) {
        let checks: [(Field, Result<(), ParseError>); 4] = [
            (Field::VmState, s.parse::<VmState>().map(drop)),
            (Field::TaskState, s.parse::<TaskState>().map(drop)),
            (Field::Status, s.parse::<ServerStatus>().map(drop)),
            (Field::Action, s.parse::<Action>().map(drop)),
        ];
        for (field, r) in checks {
            if let Err(e) = r {
                let ParseError::Unknown { field: f, found } = e else {
                    panic!("{s:?} as {field}: {e:?}");
                };
                prop_assert_eq!(f, field);
                prop_assert_eq!(found.len(), s.len());
                prop_assert!(s.starts_with(found.as_str()));
                let prefix = format!("unknown {field} ");
                prop_assert!(e.to_string().starts_with(&prefix));
            }
        }
    }

    /// Any integer as a power code: exactly 0, 1, 3, 4, 6, 7 are states;
    /// 2 and 5 are unused slots; the rest is out of range, kept exactly.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_integer_as_a_power_code(code in prop_oneof![any::<i128>(), -10i128..20]) {
        let r = PowerState::from_code(code);
        match code {
            0 | 1 | 3 | 4 | 6 | 7 => prop_assert_eq!(i128::from(r.unwrap().code()), code),
            2 | 5 => prop_assert_eq!(r, Err(ParseError::UnusedPowerCode { code: code as u8 })),
            _ => prop_assert_eq!(r, Err(ParseError::PowerCodeOutOfRange { code })),
        }
        prop_assert_eq!(code.to_string().parse::<PowerState>(), r);
        if let Ok(n) = i64::try_from(code) {
            let json: Result<PowerState, _> = serde_json::from_value(Value::from(n));
            prop_assert_eq!(json.is_ok(), r.is_ok());
        }
    }

    /// Any JSON into every `Deserialize` and the document reader.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_json_into_every_reader(v in json()) {
        fuzz_parse::parse(v.to_string().as_bytes());
        // Wrapped as a server, too.
        fuzz_parse::parse(serde_json::json!({ "server": v }).to_string().as_bytes());
    }

    /// Document-shaped JSON: the reader accepts or refuses as the text
    /// path does, and what it accepts prints back to the same document.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn document_shaped_json(v in document()) {
        let text = v.to_string();
        fuzz_parse::parse(text.as_bytes());
        let from_text = serde_json::from_str::<nova_states::ServerDocument>(&text);
        let from_value = serde_json::from_value::<nova_states::ServerDocument>(v.clone());
        prop_assert_eq!(from_text.is_ok(), from_value.is_ok(), "{}", text);
        if let (Ok(a), Ok(b)) = (from_text, from_value) {
            prop_assert_eq!(a, b);
        }
    }

    /// Arbitrary bytes (mostly not UTF-8, not JSON) into the parse target.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_bytes_into_the_parse_target(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        fuzz_parse::parse(&bytes);
    }
}
