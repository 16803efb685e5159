//! The body of the `parse` fuzz target: bytes into every parser and the
//! server-document reader; nothing may panic, and whatever is accepted
//! prints back to something that parses to the same value.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/parse.rs`), the property
//! tests and the integration tests. It uses nothing but nova-states,
//! serde_json and std.

use nova_states::{Action, PowerState, ServerDocument, ServerStatus, TaskState, VmState};

/// Feeds `data` to every parser: as text (if UTF-8) to every `FromStr`,
/// [`PowerState::from_code`] and the raw projection; as JSON to the
/// [`ServerDocument`] reader and every type's serde `Deserialize`. Nothing
/// may panic, and whatever is accepted prints back to something that
/// parses to the same value.
pub fn parse(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        parse_text(text);
        // Also each line, so that a seed can hold several names.
        for line in text.lines().take(64) {
            parse_text(line);
        }
    }
    parse_json(data);
}

fn check_found(text: &str, err: &nova_states::ParseError) {
    if let nova_states::ParseError::Unknown { found, .. } = err {
        assert_eq!(found.len(), text.len(), "{text:?}");
        assert!(text.starts_with(found.as_str()), "{text:?} kept as {found}");
        assert_eq!(found.is_truncated(), found.as_str().len() < text.len());
    }
}

/// Every `FromStr` over one string.
pub fn parse_text(text: &str) {
    use nova_states::Field;
    match text.parse::<VmState>() {
        Ok(v) => {
            assert!(
                text == v.as_str()
                    || VmState::ALIASES
                        .iter()
                        .any(|a| a.spelling == text && a.value == v),
                "vm_state {text:?} accepted as {v}: neither its name nor an alias (case matters)"
            );
            assert_eq!(v.to_string().parse::<VmState>(), Ok(v));
        }
        Err(e) => {
            assert_eq!(e.field(), Field::VmState);
            check_found(text, &e);
        }
    }
    match text.parse::<TaskState>() {
        Ok(v) => {
            assert!(
                text == v.as_str()
                    || TaskState::ALIASES
                        .iter()
                        .any(|a| a.spelling == text && a.value == v),
                "task_state {text:?} accepted as {v}: neither its name nor an alias (case matters)"
            );
            assert_eq!(v.to_string().parse::<TaskState>(), Ok(v));
        }
        Err(e) => {
            assert_eq!(e.field(), Field::TaskState);
            check_found(text, &e);
        }
    }
    match text.parse::<ServerStatus>() {
        Ok(v) => {
            assert!(
                text.eq_ignore_ascii_case(v.as_str()),
                "status {text:?} accepted as {v}"
            );
            assert_eq!(v.to_string().parse::<ServerStatus>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str().to_ascii_uppercase());
        }
        Err(e) => {
            assert_eq!(e.field(), Field::Status);
            check_found(text, &e);
        }
    }
    match text.parse::<Action>() {
        Ok(v) => {
            assert_eq!(text, v.as_str(), "action {text:?} accepted as {v}");
            assert_eq!(v.to_string().parse::<Action>(), Ok(v));
        }
        Err(e) => {
            assert_eq!(e.field(), Field::Action);
            check_found(text, &e);
        }
    }
    let code = text.parse::<i128>();
    match text.parse::<PowerState>() {
        Ok(v) => {
            let named = text == v.as_str()
                || PowerState::ALIASES
                    .iter()
                    .any(|a| a.spelling == text && a.value == v);
            let coded = code.as_ref().is_ok_and(|c| *c == i128::from(v.code()));
            assert!(named || coded, "power_state {text:?} accepted as {v}");
            assert_eq!(v.to_string().parse::<PowerState>(), Ok(v));
            assert_eq!(v.code().to_string().parse::<PowerState>(), Ok(v));
            assert_eq!(PowerState::from_code(i128::from(v.code())), Ok(v));
        }
        Err(e) => {
            assert_eq!(e.field(), Field::PowerState);
            check_found(text, &e);
            // A number Rust reads is judged by its code alone.
            let digits = text.strip_prefix('-').unwrap_or(text);
            if let Ok(c) = code {
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    assert_eq!(Err(e), PowerState::from_code(c), "{text:?}");
                }
            }
        }
    }
    if let Ok(c) = code {
        match PowerState::from_code(c) {
            Ok(v) => assert_eq!(i128::from(v.code()), c),
            Err(nova_states::ParseError::UnusedPowerCode { code }) => {
                assert!(c == 2 || c == 5);
                assert_eq!(i128::from(code), c);
            }
            Err(nova_states::ParseError::PowerCodeOutOfRange { code }) => {
                assert!(!(0..=7).contains(&c));
                assert_eq!(code, c);
            }
            Err(e) => panic!("from_code({c}): {e:?}"),
        }
    }
    // The raw projection is total and agrees with the strict one on wire names.
    let raw = nova_states::rules::status_from_raw(Some(text), Some(text));
    if let Some(vm) = VmState::from_wire(text) {
        assert_eq!(raw, nova_states::status(vm, TaskState::from_wire(text)));
    } else {
        assert_eq!(raw, ServerStatus::Unknown);
    }
}

/// The JSON form of a document as the reader understands it: the fields
/// it keeps and nothing else, under the names of the document's form.
pub fn document_json(doc: &ServerDocument) -> serde_json::Value {
    use nova_states::Reported;
    use serde_json::{json, Map, Value};
    fn put<T: Copy>(map: &mut Map<String, Value>, key: &str, r: Reported<T>, f: fn(T) -> Value) {
        match r {
            Reported::Absent => {}
            Reported::Null => {
                map.insert(key.into(), Value::Null);
            }
            Reported::Value(v) => {
                map.insert(key.into(), f(v));
            }
            Reported::Unknown(name) => {
                map.insert(key.into(), json!(name.as_str()));
            }
        }
    }
    let form = doc.form;
    let mut map = Map::new();
    put(&mut map, form.status_key(), doc.status, |s| {
        json!(s.as_str())
    });
    if let Some(key) = form.vm_state_key() {
        put(&mut map, key, doc.vm_state, |s| json!(s.as_str()));
    }
    put(&mut map, form.task_state_key(), doc.task_state, |s| {
        json!(s.as_str())
    });
    put(&mut map, form.power_state_key(), doc.power_state, |s| {
        json!(s.code())
    });
    if doc.has_fault {
        map.insert("fault".into(), json!({"code": 500, "message": "fault"}));
    }
    if doc.has_progress {
        map.insert("progress".into(), json!(0));
    }
    if let (Some(locked), Some(key)) = (doc.locked, form.locked_key()) {
        map.insert(key.into(), json!(locked));
    }
    if doc.has_locked_reason {
        map.insert("locked_reason".into(), json!("reason"));
    }
    match (doc.launched, form) {
        (Some(launched), nova_states::read::Form::Nova) => {
            let at = if launched {
                json!("2024-01-01T00:00:00.000000")
            } else {
                Value::Null
            };
            map.insert("OS-SRV-USG:launched_at".into(), at);
        }
        (Some(true), _) => {
            map.insert("launched_at".into(), json!("2024-01-01T00:00:00.000000"));
        }
        _ => {}
    }
    if let Some(host) = doc.host_status {
        map.insert("host_status".into(), json!(host.as_str()));
    }
    Value::Object(map)
}

/// Whether `value` (a document printed by [`document_json`]) has a key only
/// `doc`'s form uses, besides the status.
fn tells_form(doc: &ServerDocument, value: &serde_json::Value) -> bool {
    let form = doc.form;
    let keys = [
        form.vm_state_key(),
        Some(form.task_state_key()),
        Some(form.power_state_key()),
        form.locked_key(),
        Some("OS-SRV-USG:launched_at"),
        Some("launched_at"),
    ];
    keys.iter()
        .flatten()
        .any(|key| *key != form.status_key() && value.get(key).is_some())
}

/// serde's `Deserialize` then `Serialize` then `Deserialize` gives the
/// same value (a macro, so that neither the tests nor the fuzz crate need
/// serde itself as a dependency).
macro_rules! serde_round_trip {
    ($T:ty, $data:expr) => {
        if let Ok(v) = serde_json::from_slice::<$T>($data) {
            let text = serde_json::to_string(&v).expect("serializing a state never fails");
            let again: $T = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{v:?} printed as {text} does not read back: {e}"));
            assert_eq!(again, v, "{text}");
        }
    };
}

/// The document reader and every serde `Deserialize` over one byte string.
pub fn parse_json(data: &[u8]) {
    serde_round_trip!(VmState, data);
    serde_round_trip!(Option<TaskState>, data);
    serde_round_trip!(Option<PowerState>, data);
    serde_round_trip!(ServerStatus, data);
    serde_round_trip!(Action, data);
    match serde_json::from_slice::<ServerDocument>(data) {
        Ok(doc) => {
            let value = document_json(&doc);
            let text = value.to_string();
            let again: ServerDocument = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{doc:?} printed as {text} does not read back: {e}"));
            // The form is told by the keys; when none of the printed keys
            // belongs to one client (the document's own keys were nulls,
            // which read as absent, e.g. `{"status": "BUILD", "task_state":
            // null}`), the printed document cannot say which it was.
            let expected = if tells_form(&doc, &value) {
                doc
            } else {
                ServerDocument {
                    form: again.form,
                    ..doc
                }
            };
            assert_eq!(again, expected, "{text}");
            // Wrapped in "server", it reads the same.
            let wrapped = serde_json::json!({ "server": value }).to_string();
            let again: ServerDocument = serde_json::from_str(&wrapped)
                .unwrap_or_else(|e| panic!("{wrapped} does not read: {e}"));
            assert_eq!(again, expected, "{wrapped}");
            check_document(&doc);
        }
        Err(e) => {
            // serde_json reports no I/O errors for a slice.
            assert!(!e.is_io(), "{e}");
        }
    }
}

/// What `assess` says is coherent with the fields.
pub fn check_document(doc: &ServerDocument) {
    use nova_states::read::Shape;
    use nova_states::{Inconsistency, Reported};
    match doc.assess() {
        Ok(a) => {
            assert_eq!(a.reported, doc.status.value());
            match a.shape {
                Shape::Full => {
                    let derived = match doc.vm_state.value() {
                        Some(vm) => nova_states::status(vm, doc.task_state.value()),
                        None => ServerStatus::Unknown,
                    };
                    assert_eq!(a.derived, Some(derived));
                    assert_eq!(doc.effective_status(), Some(derived));
                    if let Some(reported) = a.reported {
                        assert!(
                            reported == derived
                                || (a.deleted_row && reported == ServerStatus::Deleted)
                        );
                    }
                }
                Shape::DownCell => {
                    assert_eq!(a.reported, Some(ServerStatus::Unknown));
                    assert!(!doc.vm_state.is_present() && !doc.task_state.is_present());
                }
                Shape::NoExtendedStatus => assert_eq!(a.derived, None),
                Shape::NoVmState => {
                    assert_eq!(a.derived, None);
                    assert!(!doc.vm_state.is_present());
                    assert!(a.reported.is_none() || !doc.vm_state_candidates().is_empty());
                }
            }
            assert!(doc.is_consistent());
        }
        Err(e) => {
            assert!(!doc.is_consistent());
            match e {
                Inconsistency::NullStatus => assert_eq!(doc.status, Reported::Null),
                Inconsistency::StatusMismatch {
                    reported, derived, ..
                } => {
                    assert_eq!(doc.status, Reported::Value(reported));
                    assert_ne!(reported, derived);
                }
                Inconsistency::PartialExtendedStatus {
                    vm_state,
                    task_state,
                    power_state,
                } => {
                    assert_eq!(
                        (vm_state, task_state, power_state),
                        (
                            doc.vm_state.is_present(),
                            doc.task_state.is_present(),
                            doc.power_state.is_present()
                        )
                    );
                }
                Inconsistency::FaultOutsideFaultStatus { .. } => assert!(doc.has_fault),
                Inconsistency::ProgressOutsideProgressStatus { .. } => assert!(doc.has_progress),
                Inconsistency::NoVmStateFits { status, task_state } => {
                    assert_eq!(doc.status, Reported::Value(status));
                    assert_eq!(doc.task_state.value(), task_state);
                    assert!(doc.vm_state_candidates().is_empty());
                }
                // Inconsistency is #[non_exhaustive]: a new kind must be
                // taught to this check before it passes.
                other => panic!("an inconsistency this check does not know: {other:?}"),
            }
        }
    }
}
