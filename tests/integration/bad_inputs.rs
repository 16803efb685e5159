//! The bad-input catalogue: malformed input of every kind, each with the
//! exact typed error it must give (never just "is an error"), and none
//! panics.
//!
//! Categories: vm_state, task_state, status and action names (misspellings,
//! hyphen/underscore swaps, case where it matters, invisible characters);
//! power codes (unused, out of range, negative, huge) and power names;
//! very long and multi-byte strings; server documents (wrong JSON types,
//! unknown values, missing and duplicated fields, broken JSON, non-UTF-8
//! bytes); documents whose states cannot go with their status
//! (`Inconsistency`); and illegal event sequences (`TransitionError`).
//! `the_catalogue_has_at_least_100_distinct_inputs` counts them.

use std::collections::HashSet;

use nova_states::wire::Found;
use nova_states::{
    apply, Action, Event, Field, Inconsistency, ParseError, PowerState, RejectedField,
    ServerDocument, ServerState, ServerStatus, TaskState, TransitionError, VmState,
};
use serde_json::error::Category;

use crate::support::{fuzz_parse, oracle, state};

fn unknown(field: Field, text: &str) -> ParseError {
    ParseError::Unknown {
        field,
        found: Found::new(text),
    }
}

// --- Names ------------------------------------------------------------------

/// vm_state is case-sensitive; `build` and `soft_deleted` are accepted
/// aliases (VmState::ALIASES), so they are not here.
const BAD_VM_STATES: &[&str] = &[
    "actve",
    "Active",
    "ACTIVE",
    "activ",
    "active ",
    " active",
    "active\n",
    "soft_delete",
    "soft-deleted",
    "softdelete",
    "Soft-Delete",
    "shelved-offloaded",
    "shelvedoffloaded",
    "Shelved_Offloaded",
    "stoped",
    "stopping",
    "rescue",
    "resize",
    "resizing",
    "errored",
    "Error",
    "buildng",
    "Building",
    "suspend",
    "pause",
    "shutoff",
    "SHUTOFF",
    "verify_resize",
    "",
    "null",
    "None",
    "active\u{200b}",
    "\u{feff}active",
    "ac\0tive",
    "ａｃｔｉｖｅ",
];

/// task_state is case-sensitive; `powering_off`, `powering_on`,
/// `stopping` and `starting` are accepted aliases (TaskState::ALIASES):
/// every other hyphen/underscore swap is refused.
const BAD_TASK_STATES: &[&str] = &[
    "soft_deleting",
    "powering_of",
    "Powering-off",
    "POWERING-OFF",
    "powering-of",
    "Stopping",
    "STARTING",
    "image-uploading",
    "image_upload",
    "imageuploading",
    "IMAGE_UPLOADING",
    "rebooting-hard",
    "reboot_pending_hard ",
    "resize-prep",
    "resize_confirm",
    "shelving-offloading",
    "Unshelving",
    "spawn",
    "deleting\0",
    "null",
    "None",
    "none",
    "rebuild-spawning",
    "migrating_",
    "updating-password",
    "block-device-mapping",
    "scheduled",
    "image_snapshot-pending",
    "soft-deleting\t",
];

/// Statuses are matched ignoring ASCII case (so `active` is fine), but a
/// wrong word, separator or a non-ASCII look-alike is refused.
const BAD_STATUSES: &[&str] = &[
    "ACTIV",
    "SHUT_OFF",
    "SHUTDOWN",
    "VERIFY-RESIZE",
    "verify resize",
    "HARD-REBOOT",
    "CONFIRMING_RESIZE",
    "SOFT-DELETED",
    "SOFT_DELETE",
    "DELETING",
    "STOPPED",
    "BUILDING",
    "active ",
    "",
    "MIGRATE",
    "SHELVED-OFFLOADED",
    "ACTİVE",
    "ERRORS",
];

/// Action names are this crate's, exactly (no REST names, no case folding).
const BAD_ACTIONS: &[&str] = &[
    "Snapshot",
    "create_image",
    "createImage",
    "reboot",
    "hard_reboot",
    "reboot-soft",
    "forceDelete",
    "os-stop",
    "live-migrate",
    "resetState",
    "reset-state",
    "shelveOffload",
    "DELETE",
    "",
];

#[test]
fn misspelled_vm_states_are_unknown_vm_states() {
    for text in BAD_VM_STATES {
        assert_eq!(
            text.parse::<VmState>(),
            Err(unknown(Field::VmState, text)),
            "{text:?}"
        );
    }
}

#[test]
fn misspelled_task_states_are_unknown_task_states() {
    for text in BAD_TASK_STATES {
        assert_eq!(
            text.parse::<TaskState>(),
            Err(unknown(Field::TaskState, text)),
            "{text:?}"
        );
    }
    // The aliases really are accepted, and spelled back as Nova does.
    assert_eq!("powering_off".parse(), Ok(TaskState::PoweringOff));
    assert_eq!("stopping".parse(), Ok(TaskState::PoweringOff));
}

#[test]
fn misspelled_statuses_are_unknown_statuses() {
    for text in BAD_STATUSES {
        assert_eq!(
            text.parse::<ServerStatus>(),
            Err(unknown(Field::Status, text)),
            "{text:?}"
        );
    }
    assert_eq!("verify_resize".parse(), Ok(ServerStatus::VerifyResize));
}

#[test]
fn misspelled_actions_are_unknown_actions() {
    for text in BAD_ACTIONS {
        assert_eq!(
            text.parse::<Action>(),
            Err(unknown(Field::Action, text)),
            "{text:?}"
        );
    }
}

// --- Power codes ----------------------------------------------------------------

/// Codes given as integers (the API's JSON form).
const BAD_POWER_CODES: &[i128] = &[
    2,
    5,
    -1,
    -5,
    8,
    9,
    100,
    255,
    256,
    1000,
    4_294_967_296,
    i64::MAX as i128,
    i64::MIN as i128,
    u64::MAX as i128,
    i128::MAX,
    i128::MIN,
];

fn power_code_error(code: i128) -> ParseError {
    match code {
        2 | 5 => ParseError::UnusedPowerCode { code: code as u8 },
        _ => ParseError::PowerCodeOutOfRange { code },
    }
}

/// Power states given as text: numbers, names, near-names.
fn bad_power_texts() -> Vec<(&'static str, ParseError)> {
    let unknown = |t: &'static str| (t, unknown(Field::PowerState, t));
    vec![
        ("2", ParseError::UnusedPowerCode { code: 2 }),
        ("5", ParseError::UnusedPowerCode { code: 5 }),
        ("-1", ParseError::PowerCodeOutOfRange { code: -1 }),
        ("08", ParseError::PowerCodeOutOfRange { code: 8 }),
        ("-0000000009", ParseError::PowerCodeOutOfRange { code: -9 }),
        (
            "99999999999999999999999999999999999999999",
            ParseError::PowerCodeOutOfRange { code: i128::MAX },
        ),
        (
            "-99999999999999999999999999999999999999999",
            ParseError::PowerCodeOutOfRange { code: i128::MIN },
        ),
        unknown("+4"),
        unknown("4.0"),
        unknown(" 4"),
        unknown("4 "),
        unknown("0x4"),
        unknown("1e0"),
        unknown("-"),
        unknown("RUNNING"),
        unknown("nostate"),
        unknown("NoState"),
        unknown("shut_down"),
        unknown("Shutoff"),
        unknown("SHUTOFF"),
        unknown("blocked"),
        unknown("BLOCKED"),
        unknown("Pending"),
        unknown("four"),
        unknown(""),
    ]
}

#[test]
fn unused_and_out_of_range_power_codes() {
    for code in BAD_POWER_CODES {
        assert_eq!(
            PowerState::from_code(*code),
            Err(power_code_error(*code)),
            "{code}"
        );
        assert_eq!(
            code.to_string().parse::<PowerState>(),
            Err(power_code_error(*code)),
            "{code}"
        );
        // And in a document, as the API sends it: a JSON integer.
        if let Ok(n) = i64::try_from(*code) {
            let doc = serde_json::json!({ "OS-EXT-STS:power_state": n }).to_string();
            expect_json(doc.as_bytes(), &Json::Parse(power_code_error(*code)));
        } else if let Ok(n) = u64::try_from(*code) {
            let doc = serde_json::json!({ "OS-EXT-STS:power_state": n }).to_string();
            expect_json(doc.as_bytes(), &Json::Parse(power_code_error(*code)));
        }
    }
}

#[test]
fn bad_power_texts_give_their_error() {
    for (text, err) in bad_power_texts() {
        assert_eq!(text.parse::<PowerState>(), Err(err), "{text:?}");
    }
}

// --- Long and multi-byte strings --------------------------------------------------

fn long_strings() -> Vec<String> {
    vec![
        "a".repeat(10_000),
        "active".repeat(5_000),
        "é".repeat(1_000),
        "😀".repeat(100),
        format!("{}x", "a".repeat(47)),
        format!("{}é", "a".repeat(47)),
        "ACTIVE ".repeat(1_000),
        "_".repeat(65_536),
    ]
}

#[test]
fn very_long_strings_are_kept_truncated_on_a_char_boundary() {
    for text in long_strings() {
        for (field, err) in [
            (Field::VmState, text.parse::<VmState>().unwrap_err()),
            (Field::TaskState, text.parse::<TaskState>().unwrap_err()),
            (Field::Status, text.parse::<ServerStatus>().unwrap_err()),
            (Field::Action, text.parse::<Action>().unwrap_err()),
            (Field::PowerState, text.parse::<PowerState>().unwrap_err()),
        ] {
            assert_eq!(err, unknown(field, &text), "{field}");
            let ParseError::Unknown { found, .. } = err else {
                unreachable!()
            };
            assert_eq!(found.len(), text.len());
            assert!(found.as_str().len() <= nova_states::wire::Found::CAPACITY);
            assert!(text.starts_with(found.as_str()));
            assert_eq!(found.is_truncated(), text.len() > found.as_str().len());
            assert!(err.to_string().len() < 2_000, "the message stays short");
        }
        // In a document too.
        let doc = serde_json::json!({ "status": text }).to_string();
        expect_json(doc.as_bytes(), &Json::Parse(unknown(Field::Status, &text)));
    }
}

// --- Documents -----------------------------------------------------------------------

/// What a document reader must say.
#[derive(Debug)]
enum Json {
    /// A value Nova does not define: the serde error carries this
    /// `ParseError`'s message.
    Parse(ParseError),
    /// A data error (wrong type, missing or duplicated field) with this
    /// message prefix.
    Data(&'static str),
    /// Not JSON (or not UTF-8): a syntax error with this message prefix.
    Syntax(&'static str),
    /// Cut short.
    Eof,
}

fn expect_json(bytes: &[u8], want: &Json) {
    let err = match serde_json::from_slice::<ServerDocument>(bytes) {
        Ok(doc) => panic!(
            "{:?} read as {doc:?}, expected {want:?}",
            String::from_utf8_lossy(bytes)
        ),
        Err(e) => e,
    };
    let text = String::from_utf8_lossy(bytes);
    let message = err.to_string();
    match want {
        Json::Parse(p) => {
            assert_eq!(err.classify(), Category::Data, "{text}: {message}");
            assert!(
                message.starts_with(&p.to_string()),
                "{text}: {message:?} does not start with {p}"
            );
        }
        Json::Data(prefix) => {
            assert_eq!(err.classify(), Category::Data, "{text}: {message}");
            assert!(message.starts_with(prefix), "{text}: {message:?}");
        }
        Json::Syntax(prefix) => {
            assert_eq!(err.classify(), Category::Syntax, "{text}: {message}");
            assert!(message.starts_with(prefix), "{text}: {message:?}");
        }
        Json::Eof => assert_eq!(err.classify(), Category::Eof, "{text}: {message}"),
    }
    // The fuzz body agrees that nothing here panics.
    fuzz_parse::parse(bytes);
}

const NO_STATE: &str = "no server state in the document";
const NOT_OBJECT: &str = "invalid type";

fn bad_documents() -> Vec<(Vec<u8>, Json)> {
    let d = |s: &str, j: Json| (s.as_bytes().to_vec(), j);
    let b = |s: &[u8], j: Json| (s.to_vec(), j);
    vec![
        // Wrong JSON types.
        d(
            r#"{"status": 1}"#,
            Json::Data("invalid type: integer `1`, expected a Nova server status"),
        ),
        d(
            r#"{"status": true}"#,
            Json::Data("invalid type: boolean `true`"),
        ),
        d(
            r#"{"status": ["ACTIVE"]}"#,
            Json::Data("invalid type: sequence"),
        ),
        d(
            r#"{"status": {"name": "ACTIVE"}}"#,
            Json::Data("invalid type: map"),
        ),
        d(
            r#"{"OS-EXT-STS:vm_state": true}"#,
            Json::Data("invalid type: boolean `true`, expected a Nova vm_state"),
        ),
        d(
            r#"{"OS-EXT-STS:vm_state": 0}"#,
            Json::Data("invalid type: integer `0`, expected a Nova vm_state"),
        ),
        d(
            r#"{"OS-EXT-STS:task_state": {}}"#,
            Json::Data("invalid type: map, expected a Nova task_state"),
        ),
        d(
            r#"{"OS-EXT-STS:task_state": 7}"#,
            Json::Data("invalid type: integer `7`, expected a Nova task_state"),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": 4.0}"#,
            Json::Data("invalid type: floating point `4.0`, expected a Nova power_state code"),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": 1.5}"#,
            Json::Data("invalid type: floating point `1.5`"),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": [1]}"#,
            Json::Data("invalid type: sequence, expected a Nova power_state code"),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": false}"#,
            Json::Data("invalid type: boolean `false`"),
        ),
        // A JSON array is a server list (`openstack server list -f json`):
        // empty, or of something else than server objects, it is refused.
        d("[]", Json::Data("an empty server list")),
        d("[1]", Json::Data(NOT_OBJECT)),
        d(r#"[[{"status": "ACTIVE"}]]"#, Json::Data(NOT_OBJECT)),
        d(
            r#"[{"status": "ACTIVE"}, {"status": "ACTIVE"}]"#,
            Json::Data("more than one server in the list"),
        ),
        d(r#"{"servers": []}"#, Json::Data("an empty server list")),
        d(
            r#"{"servers": [{"status": "ACTIVE"}], "status": "ACTIVE"}"#,
            Json::Data("a \"servers\" list beside server fields"),
        ),
        d(
            r#"{"servers": [{"server": {"status": "ACTIVE"}}]}"#,
            Json::Data(NO_STATE),
        ),
        d(
            r#"{"vm_state": "active", "OS-EXT-STS:task_state": null}"#,
            Json::Data(
                "\"OS-EXT-STS:task_state\" (Nova's name) beside \"vm_state\" (openstacksdk's name)",
            ),
        ),
        d(
            r#"{"Status": "ACTIVE", "status": "ACTIVE"}"#,
            Json::Data("\"status\" (a shared name) beside \"Status\""),
        ),
        d(r#""ACTIVE""#, Json::Data(NOT_OBJECT)),
        d("null", Json::Data(NOT_OBJECT)),
        d("42", Json::Data(NOT_OBJECT)),
        d(
            r#"{"server": 3}"#,
            Json::Data("invalid type: integer `3`, expected a Nova server document"),
        ),
        d(
            r#"{"server": null}"#,
            Json::Data("invalid type: null, expected a Nova server document"),
        ),
        d(
            r#"{"server": "ACTIVE"}"#,
            Json::Data("invalid type: string \"ACTIVE\", expected a Nova server document"),
        ),
        // Values Nova does not define.
        d(
            r#"{"status": "ACTIV"}"#,
            Json::Parse(unknown(Field::Status, "ACTIV")),
        ),
        d(
            r#"{"status": "SHUT_OFF"}"#,
            Json::Parse(unknown(Field::Status, "SHUT_OFF")),
        ),
        d(
            r#"{"status": "\u00ff"}"#,
            Json::Parse(unknown(Field::Status, "\u{ff}")),
        ),
        d(
            r#"{"OS-EXT-STS:vm_state": "soft_delete"}"#,
            Json::Parse(unknown(Field::VmState, "soft_delete")),
        ),
        d(
            r#"{"OS-EXT-STS:vm_state": "Active"}"#,
            Json::Parse(unknown(Field::VmState, "Active")),
        ),
        d(
            r#"{"OS-EXT-STS:task_state": "soft_deleting"}"#,
            Json::Parse(unknown(Field::TaskState, "soft_deleting")),
        ),
        d(
            r#"{"OS-EXT-STS:task_state": ""}"#,
            Json::Parse(unknown(Field::TaskState, "")),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": 5}"#,
            Json::Parse(ParseError::UnusedPowerCode { code: 5 }),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": -1}"#,
            Json::Parse(ParseError::PowerCodeOutOfRange { code: -1 }),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": 18446744073709551615}"#,
            Json::Parse(ParseError::PowerCodeOutOfRange {
                code: u64::MAX as i128,
            }),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": "RUNNING"}"#,
            Json::Parse(unknown(Field::PowerState, "RUNNING")),
        ),
        d(
            r#"{"server": {"status": "BOOTING"}}"#,
            Json::Parse(unknown(Field::Status, "BOOTING")),
        ),
        // Missing fields.
        d("{}", Json::Data(NO_STATE)),
        d(r#"{"id": "c2d5da0a", "name": "vm"}"#, Json::Data(NO_STATE)),
        d(r#"{"server": {}}"#, Json::Data(NO_STATE)),
        d(r#"{"fault": null}"#, Json::Data(NO_STATE)),
        d(r#"{"progress": 5}"#, Json::Data(NO_STATE)),
        d(
            r#"{"fault": {"code": 500}, "progress": 0}"#,
            Json::Data(NO_STATE),
        ),
        d(r#"{"OS-EXT-STS:VM_STATE": "active"}"#, Json::Data(NO_STATE)),
        d(
            r#"{"server": {"server": {"status": "ACTIVE"}}}"#,
            Json::Data(NO_STATE),
        ),
        // Duplicated fields.
        d(
            r#"{"status": "ACTIVE", "status": "ACTIVE"}"#,
            Json::Data("duplicate field \"status\""),
        ),
        d(
            r#"{"status": "ACTIVE", "status": null}"#,
            Json::Data("duplicate field \"status\""),
        ),
        d(
            r#"{"OS-EXT-STS:vm_state": "active", "OS-EXT-STS:vm_state": "stopped"}"#,
            Json::Data("duplicate field \"OS-EXT-STS:vm_state\""),
        ),
        d(
            r#"{"OS-EXT-STS:task_state": null, "OS-EXT-STS:task_state": null}"#,
            Json::Data("duplicate field \"OS-EXT-STS:task_state\""),
        ),
        d(
            r#"{"OS-EXT-STS:power_state": 1, "OS-EXT-STS:power_state": 4}"#,
            Json::Data("duplicate field \"OS-EXT-STS:power_state\""),
        ),
        d(
            r#"{"status": "ERROR", "fault": {}, "fault": null}"#,
            Json::Data("duplicate field \"fault\""),
        ),
        d(
            r#"{"status": "ACTIVE", "progress": 1, "progress": 2}"#,
            Json::Data("duplicate field \"progress\""),
        ),
        d(
            r#"{"server": {"status": "ACTIVE"}, "server": {"status": "ACTIVE"}}"#,
            Json::Data("duplicate field \"server\""),
        ),
        d(
            r#"{"server": {"status": "ACTIVE"}, "status": "ACTIVE"}"#,
            Json::Data("a \"server\" wrapper beside server fields"),
        ),
        d(
            r#"{"status": "ACTIVE", "server": {"status": "ACTIVE"}}"#,
            Json::Data("a \"server\" wrapper beside server fields"),
        ),
        d(
            r#"{"server": {"status": "ACTIVE"}, "progress": 0}"#,
            Json::Data("a \"server\" wrapper beside server fields"),
        ),
        // A null fault sets no flag but is still a server field beside the
        // wrapper (killed mutant: `||` -> `&&` in the visitor's check).
        d(
            r#"{"server": {"status": "ERROR"}, "fault": null}"#,
            Json::Data("a \"server\" wrapper beside server fields"),
        ),
        // Not JSON.
        d(r#"{"status": "ACTIVE""#, Json::Eof),
        d("", Json::Eof),
        d("{", Json::Eof),
        d(r#"{"status": "ACTIVE",}"#, Json::Syntax("trailing comma")),
        d("{'status': 'ACTIVE'}", Json::Syntax("key must be a string")),
        d(
            r#"{status: "ACTIVE"}"#,
            Json::Syntax("key must be a string"),
        ),
        d(r#"{"status": ACTIVE}"#, Json::Syntax("expected value")),
        d(
            r#"{"status": "ACTIVE"} {"status": "ACTIVE"}"#,
            Json::Syntax("trailing characters"),
        ),
        d(
            r#"{"status": "\ud800"}"#,
            Json::Syntax("unexpected end of hex escape"),
        ),
        d(r#"{"status": "\x41CTIVE"}"#, Json::Syntax("invalid escape")),
        d(
            "{\"status\": \"ACT\nIVE\"}",
            Json::Syntax("control character"),
        ),
        // Not UTF-8.
        b(
            b"{\"status\": \"\xff\"}",
            Json::Syntax("invalid unicode code point"),
        ),
        b(
            b"{\"OS-EXT-STS:vm_state\": \"act\xc3ive\"}",
            Json::Syntax("invalid unicode code point"),
        ),
        b(
            b"{\"\xff\": 1, \"status\": \"ACTIVE\"}",
            Json::Syntax("invalid unicode code point"),
        ),
        b(b"\xff\xfe{}", Json::Syntax("expected value")),
        b(
            b"{\"status\": \"\xed\xa0\x80\"}",
            Json::Syntax("invalid unicode code point"),
        ),
        b(
            b"{\"status\": \"ACTIVE\xc0\xaf\"}",
            Json::Syntax("invalid unicode code point"),
        ),
    ]
}

#[test]
fn bad_documents_give_the_right_error() {
    for (bytes, want) in bad_documents() {
        expect_json(&bytes, &want);
    }
}

// --- Impossible vm_state × task_state documents --------------------------------------

fn impossible_documents() -> Vec<(serde_json::Value, Inconsistency)> {
    use serde_json::json;
    use ServerStatus as S;
    use TaskState as T;
    use VmState as V;
    let mismatch = |reported, derived, vm, task| Inconsistency::StatusMismatch {
        reported,
        derived,
        vm_state: vm,
        task_state: task,
    };
    let full = |status: &str, vm: Option<&str>, task: Option<&str>| {
        json!({
            "status": status,
            "OS-EXT-STS:vm_state": vm,
            "OS-EXT-STS:task_state": task,
            "OS-EXT-STS:power_state": 1,
        })
    };
    vec![
        (
            full("BUILD", Some("active"), None),
            mismatch(S::Build, S::Active, Some(V::Active), None),
        ),
        (
            full("ACTIVE", Some("stopped"), None),
            mismatch(S::Active, S::Shutoff, Some(V::Stopped), None),
        ),
        (
            full("RESIZE", Some("paused"), Some("resize_prep")),
            mismatch(S::Resize, S::Paused, Some(V::Paused), Some(T::ResizePrep)),
        ),
        (
            full("REBOOT", Some("stopped"), Some("rebooting")),
            mismatch(S::Reboot, S::Shutoff, Some(V::Stopped), Some(T::Rebooting)),
        ),
        (
            full("HARD_REBOOT", Some("active"), Some("rebooting")),
            mismatch(
                S::HardReboot,
                S::Reboot,
                Some(V::Active),
                Some(T::Rebooting),
            ),
        ),
        (
            full("MIGRATING", Some("stopped"), Some("migrating")),
            mismatch(
                S::Migrating,
                S::Shutoff,
                Some(V::Stopped),
                Some(T::Migrating),
            ),
        ),
        (
            full("VERIFY_RESIZE", Some("active"), Some("resize_finish")),
            mismatch(
                S::VerifyResize,
                S::Resize,
                Some(V::Active),
                Some(T::ResizeFinish),
            ),
        ),
        (
            full("REVERT_RESIZE", Some("active"), Some("resize_reverting")),
            mismatch(
                S::RevertResize,
                S::Active,
                Some(V::Active),
                Some(T::ResizeReverting),
            ),
        ),
        (
            full("SHELVED", Some("shelved_offloaded"), None),
            mismatch(
                S::Shelved,
                S::ShelvedOffloaded,
                Some(V::ShelvedOffloaded),
                None,
            ),
        ),
        (
            full("PASSWORD", Some("stopped"), Some("updating_password")),
            mismatch(
                S::Password,
                S::Shutoff,
                Some(V::Stopped),
                Some(T::UpdatingPassword),
            ),
        ),
        (
            full("REBUILD", Some("paused"), Some("rebuilding")),
            mismatch(S::Rebuild, S::Paused, Some(V::Paused), Some(T::Rebuilding)),
        ),
        (
            full("UNKNOWN", Some("active"), None),
            mismatch(S::Unknown, S::Active, Some(V::Active), None),
        ),
        (
            full("ERROR", Some("active"), None),
            mismatch(S::Error, S::Active, Some(V::Active), None),
        ),
        (
            full("SOFT_DELETED", Some("deleted"), None),
            mismatch(S::SoftDeleted, S::Deleted, Some(V::Deleted), None),
        ),
        (
            full("ACTIVE", None, None),
            mismatch(S::Active, S::Unknown, None, None),
        ),
        (
            full("BUILD", Some("error"), Some("spawning")),
            mismatch(S::Build, S::Error, Some(V::Error), Some(T::Spawning)),
        ),
        (
            full("SUSPENDED", Some("active"), Some("suspending")),
            mismatch(
                S::Suspended,
                S::Active,
                Some(V::Active),
                Some(T::Suspending),
            ),
        ),
        (
            full("PAUSED", Some("active"), Some("pausing")),
            mismatch(S::Paused, S::Active, Some(V::Active), Some(T::Pausing)),
        ),
        (
            full("SHUTOFF", Some("active"), Some("powering-off")),
            mismatch(S::Shutoff, S::Active, Some(V::Active), Some(T::PoweringOff)),
        ),
        (
            json!({"status": null, "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1}),
            Inconsistency::NullStatus,
        ),
        (
            json!({"status": "ACTIVE", "OS-EXT-STS:vm_state": "active"}),
            Inconsistency::PartialExtendedStatus {
                vm_state: true,
                task_state: false,
                power_state: false,
            },
        ),
        (
            json!({"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null}),
            Inconsistency::PartialExtendedStatus {
                vm_state: true,
                task_state: true,
                power_state: false,
            },
        ),
        (
            json!({"status": "ACTIVE", "OS-EXT-STS:power_state": 1}),
            Inconsistency::PartialExtendedStatus {
                vm_state: false,
                task_state: false,
                power_state: true,
            },
        ),
        (
            json!({"OS-EXT-STS:task_state": "spawning"}),
            Inconsistency::PartialExtendedStatus {
                vm_state: false,
                task_state: true,
                power_state: false,
            },
        ),
        (
            json!({"status": "ACTIVE", "fault": {"code": 500}}),
            Inconsistency::FaultOutsideFaultStatus { status: S::Active },
        ),
        (
            json!({"status": "SHUTOFF", "progress": 0}),
            Inconsistency::ProgressOutsideProgressStatus { status: S::Shutoff },
        ),
    ]
}

#[test]
fn impossible_documents_are_inconsistent() {
    for (value, want) in impossible_documents() {
        let text = value.to_string();
        let doc: ServerDocument =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(doc.assess(), Err(want), "{text}");
        assert!(!doc.is_consistent());
        fuzz_parse::parse(text.as_bytes());
    }
    // The control: a snapshot in progress shows ACTIVE, which is consistent.
    let ok: ServerDocument = serde_json::from_str(
        r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active",
            "OS-EXT-STS:task_state": "image_uploading", "OS-EXT-STS:power_state": 1}"#,
    )
    .unwrap();
    assert!(ok.is_consistent());
}

// --- Illegal event sequences ----------------------------------------------------------

/// What the last event of a sequence must give.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Rejected(Action, RejectedField),
    Gone,
    CreateOnServer,
    NoSuchEdge,
    NotInFlight,
    NoSuchFailure,
    ResetTarget(VmState),
}

fn write(action: Action, edge: u8) -> Event {
    Event::Write { action, edge }
}

fn fail(action: Action, phase: u8, end: u8) -> Event {
    Event::Fail { action, phase, end }
}

fn illegal_sequences() -> Vec<(ServerState, Vec<Event>, Refusal)> {
    use Action as A;
    use Event::Accept;
    use Refusal as R;
    use RejectedField as F;
    use TaskState as T;
    use VmState as V;
    let active = state(V::Active, None);
    let snapshot = vec![Accept(A::Snapshot)];
    vec![
        (
            ServerState::BUILD_REQUEST,
            vec![Accept(A::Create)],
            R::CreateOnServer,
        ),
        (
            ServerState::BUILD_REQUEST,
            vec![write(A::Create, 0)],
            R::CreateOnServer,
        ),
        (
            ServerState::BUILD_REQUEST,
            vec![Accept(A::Stop)],
            R::Rejected(A::Stop, F::VmState),
        ),
        (
            ServerState::BUILD_REQUEST,
            vec![Accept(A::Snapshot)],
            R::Rejected(A::Snapshot, F::VmState),
        ),
        (
            active,
            vec![Accept(A::Start)],
            R::Rejected(A::Start, F::VmState),
        ),
        (
            active,
            vec![Accept(A::Unpause)],
            R::Rejected(A::Unpause, F::VmState),
        ),
        (
            active,
            vec![Accept(A::Resume)],
            R::Rejected(A::Resume, F::VmState),
        ),
        (
            active,
            vec![Accept(A::Unrescue)],
            R::Rejected(A::Unrescue, F::VmState),
        ),
        (
            active,
            vec![Accept(A::RevertResize)],
            R::Rejected(A::RevertResize, F::VmState),
        ),
        (
            active,
            vec![Accept(A::ConfirmResize)],
            R::Rejected(A::ConfirmResize, F::VmState),
        ),
        (
            active,
            vec![Accept(A::Restore)],
            R::Rejected(A::Restore, F::VmState),
        ),
        (
            active,
            vec![Accept(A::LiveMigrateAbort)],
            R::Rejected(A::LiveMigrateAbort, F::TaskState),
        ),
        (
            active,
            vec![Accept(A::LiveMigrateForceComplete)],
            R::Rejected(A::LiveMigrateForceComplete, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::Snapshot)]].concat(),
            R::Rejected(A::Snapshot, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::Backup)]].concat(),
            R::Rejected(A::Backup, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::SnapshotVolumeBacked)]].concat(),
            R::Rejected(A::SnapshotVolumeBacked, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::Resize)]].concat(),
            R::Rejected(A::Resize, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::RebootSoft)]].concat(),
            R::Rejected(A::RebootSoft, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::RebootHard)]].concat(),
            R::Rejected(A::RebootHard, F::TaskState),
        ),
        (
            active,
            [snapshot.clone(), vec![Accept(A::Stop)]].concat(),
            R::Rejected(A::Stop, F::TaskState),
        ),
        (
            active,
            vec![Accept(A::Backup), write(A::Backup, 1), Accept(A::Snapshot)],
            R::Rejected(A::Snapshot, F::TaskState),
        ),
        (
            active,
            vec![
                Accept(A::RebootHard),
                write(A::RebootHard, 1),
                write(A::RebootHard, 2),
                Accept(A::RebootHard),
            ],
            R::Rejected(A::RebootHard, F::TaskState),
        ),
        (
            active,
            vec![Accept(A::LiveMigrate), Accept(A::GetVncConsole)],
            R::Rejected(A::GetVncConsole, F::TaskState),
        ),
        (
            active,
            vec![Accept(A::Delete), Accept(A::GetSerialConsole)],
            R::Rejected(A::GetSerialConsole, F::TaskState),
        ),
        (active, vec![write(A::Snapshot, 1)], R::NotInFlight),
        (active, vec![write(A::ConfirmResize, 0)], R::NotInFlight),
        (
            active,
            vec![Accept(A::Stop), write(A::Start, 1)],
            R::NotInFlight,
        ),
        (
            active,
            vec![Accept(A::Snapshot), write(A::Snapshot, 3)],
            R::NotInFlight,
        ),
        (active, vec![write(A::Stop, 99)], R::NoSuchEdge),
        (active, vec![write(A::AttachVolume, 0)], R::NoSuchEdge),
        (active, vec![write(A::Snapshot, u8::MAX)], R::NoSuchEdge),
        (
            active,
            vec![Accept(A::Resize), fail(A::Resize, 0, 1)],
            R::NoSuchFailure,
        ),
        (active, vec![fail(A::Stop, 9, 0)], R::NoSuchFailure),
        (active, vec![fail(A::Pause, 1, 0)], R::NotInFlight),
        (
            active,
            vec![Accept(A::Pause), fail(A::Stop, 1, 0)],
            R::NotInFlight,
        ),
        (
            active,
            vec![Event::ResetState(V::Stopped)],
            R::ResetTarget(V::Stopped),
        ),
        (
            active,
            vec![Event::ResetState(V::Deleted)],
            R::ResetTarget(V::Deleted),
        ),
        (
            active,
            vec![Event::ResetState(V::Building)],
            R::ResetTarget(V::Building),
        ),
        (
            active,
            vec![Accept(A::Delete), write(A::Delete, 1), Accept(A::Delete)],
            R::Gone,
        ),
        (
            active,
            vec![
                Accept(A::Delete),
                write(A::Delete, 1),
                Event::ResetState(V::Active),
            ],
            R::Gone,
        ),
        (
            active,
            vec![Accept(A::Delete), write(A::Delete, 1), Accept(A::Restore)],
            R::Gone,
        ),
        (
            active,
            vec![
                Accept(A::Delete),
                write(A::Delete, 1),
                Accept(A::GetVncConsole),
            ],
            R::Gone,
        ),
        (
            active,
            vec![
                Accept(A::Delete),
                write(A::Delete, 1),
                fail(A::Delete, 0, 0),
            ],
            R::Gone,
        ),
        (
            state(V::SoftDeleted, None),
            vec![Accept(A::Stop)],
            R::Rejected(A::Stop, F::VmState),
        ),
        (
            state(V::ShelvedOffloaded, None),
            vec![Accept(A::ShelveOffload)],
            R::Rejected(A::ShelveOffload, F::VmState),
        ),
        (
            state(V::Paused, None),
            vec![Accept(A::Resize)],
            R::Rejected(A::Resize, F::VmState),
        ),
        (
            state(V::Suspended, None),
            vec![Accept(A::LiveMigrate)],
            R::Rejected(A::LiveMigrate, F::VmState),
        ),
        (
            state(V::Rescued, None),
            vec![Accept(A::RebootHard)],
            R::Rejected(A::RebootHard, F::VmState),
        ),
        (
            state(V::Resized, None),
            vec![Accept(A::Resize)],
            R::Rejected(A::Resize, F::VmState),
        ),
        (
            state(V::Error, None),
            vec![Accept(A::Start)],
            R::Rejected(A::Start, F::VmState),
        ),
        (
            state(V::Error, None),
            vec![Accept(A::Snapshot)],
            R::Rejected(A::Snapshot, F::VmState),
        ),
        (
            state(V::Error, None),
            vec![Accept(A::ConfirmResize)],
            R::Rejected(A::ConfirmResize, F::VmState),
        ),
        (
            state(V::Error, Some(T::Deleting)),
            vec![Accept(A::Stop)],
            R::Rejected(A::Stop, F::TaskState),
        ),
        (
            state(V::Stopped, Some(T::ResizePrep)),
            vec![Accept(A::Start)],
            R::Rejected(A::Start, F::TaskState),
        ),
    ]
}

#[test]
fn illegal_event_sequences_give_the_right_transition_error() {
    for (start, events, want) in illegal_sequences() {
        let (last, prefix) = events.split_last().expect("a sequence has a last event");
        let mut s = start;
        for e in prefix {
            let next = apply(s, *e).unwrap_or_else(|err| panic!("{s} {e:?}: {err}"));
            // The edge checks explore the reachable set once: hours under miri.
            if !cfg!(miri) {
                oracle::check_edge(s, *e, &Ok(next));
            }
            s = next;
        }
        let err = apply(s, *last).expect_err(&format!("{s} {last:?} must be refused"));
        if !cfg!(miri) {
            oracle::check_edge(s, *last, &Err(err));
        }
        let ok = match (want, err) {
            (Refusal::Rejected(action, field), TransitionError::Rejected(r)) => {
                r.action == action
                    && r.field == field
                    && r.vm_state == s.vm
                    && r.task_state == s.task
            }
            (Refusal::Gone, TransitionError::Gone)
            | (Refusal::CreateOnServer, TransitionError::CreateOnServer) => true,
            (Refusal::NoSuchEdge, TransitionError::NoSuchEdge { action, edge }) => {
                *last == write(action, edge)
            }
            (Refusal::NotInFlight, TransitionError::NotInFlight { state, .. }) => state == s,
            (Refusal::NoSuchFailure, TransitionError::NoSuchFailure { action, phase, end }) => {
                *last == fail(action, phase, end)
            }
            (Refusal::ResetTarget(vm), TransitionError::ResetTarget(got)) => vm == got,
            _ => false,
        };
        assert!(
            ok,
            "{start} {events:?}: expected {want:?}, got {err:?} ({err})"
        );
        // The message is lowercase-first, as the crate's errors are.
        let message = err.to_string();
        assert!(!message.is_empty());
    }
}

// --- The count ----------------------------------------------------------------------------

/// Every category's inputs are distinct, and there are at least 100 in all.
#[test]
fn the_catalogue_has_at_least_100_distinct_inputs() {
    fn distinct<T: std::hash::Hash + Eq + std::fmt::Debug>(items: Vec<T>) -> usize {
        let n = items.len();
        let set: HashSet<T> = items.into_iter().collect();
        assert_eq!(set.len(), n, "a category repeats an input");
        n
    }
    let counts = [
        ("vm_state names", distinct(BAD_VM_STATES.to_vec())),
        ("task_state names", distinct(BAD_TASK_STATES.to_vec())),
        ("status names", distinct(BAD_STATUSES.to_vec())),
        ("action names", distinct(BAD_ACTIONS.to_vec())),
        ("power codes", distinct(BAD_POWER_CODES.to_vec())),
        (
            "power texts",
            distinct(bad_power_texts().into_iter().map(|(t, _)| t).collect()),
        ),
        ("long strings", distinct(long_strings())),
        (
            "documents",
            distinct(bad_documents().into_iter().map(|(b, _)| b).collect()),
        ),
        (
            "impossible documents",
            distinct(
                impossible_documents()
                    .into_iter()
                    .map(|(v, _)| v.to_string())
                    .collect(),
            ),
        ),
        (
            "event sequences",
            distinct(
                illegal_sequences()
                    .into_iter()
                    .map(|(s, e, _)| format!("{s} {e:?}"))
                    .collect(),
            ),
        ),
    ];
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    for (name, n) in &counts {
        println!("{name}: {n}");
    }
    println!("bad inputs in all: {total}");
    assert!(total >= 100, "{total}");
}
