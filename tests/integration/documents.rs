//! Reading the state part of real server documents (tests/data/corpus),
//! under the keys Nova's API uses.

use nova_states::read::Shape;
use nova_states::{
    Field, Inconsistency, PowerState, Reported, ServerDocument, ServerStatus, TaskState, VmState,
};
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::Deserialize;

use crate::support::corpus_file;

/// The corpus files with whether INDEX.md marks them impossible
/// ("inconsistent", "NOT producible" or "never emits" in the notes column).
fn indexed() -> Vec<(String, bool)> {
    corpus_file("INDEX.md")
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(".json"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let notes = cells[cells.len() - 2];
            let impossible = ["inconsistent", "NOT producible", "never emits"]
                .iter()
                .any(|mark| notes.contains(mark));
            (cells[1].to_string(), impossible)
        })
        .collect()
}

#[test]
fn every_corpus_document_parses_and_impossible_ones_are_flagged() {
    let files = indexed();
    assert!(
        files.len() >= 30,
        "INDEX.md lists {} documents",
        files.len()
    );
    let mut flagged = 0;
    for (file, impossible) in &files {
        let text = corpus_file(file);
        let doc: ServerDocument =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        // The same document under its "server" wrapper reads the same.
        let wrapped: ServerDocument =
            serde_json::from_str(&format!("{{\"server\": {text}}}")).unwrap();
        assert_eq!(doc, wrapped, "{file}");
        assert_eq!(
            doc.assess().is_err(),
            *impossible,
            "{file}: {:?}",
            doc.assess()
        );
        flagged += usize::from(*impossible);
    }
    assert_eq!(flagged, 4);
}

fn read(file: &str) -> ServerDocument {
    serde_json::from_str(&corpus_file(file)).unwrap()
}

#[test]
fn shapes_of_known_documents() {
    let full = read("nova-v2.1-server-get.json");
    assert_eq!(full.vm_state, Reported::Value(VmState::Active));
    assert_eq!(full.task_state, Reported::Null);
    assert_eq!(full.power_state, Reported::Value(PowerState::Running));
    let a = full.assess().unwrap();
    assert_eq!(
        (a.shape, a.derived),
        (Shape::Full, Some(ServerStatus::Active))
    );

    let rescue = read("nova-v2.1-rescue-server-get.json").assess().unwrap();
    assert_eq!(rescue.derived, Some(ServerStatus::Rescue));

    for down in [
        "nova-v2.69-server-get-down-cell.json",
        "nova-v2.69-servers-detail-down-cell.json",
    ] {
        let a = read(down).assess().unwrap();
        assert_eq!(
            (a.shape, a.reported),
            (Shape::DownCell, Some(ServerStatus::Unknown))
        );
    }
    let plain = read("tempest-unit-server-get.json").assess().unwrap();
    assert_eq!(
        (plain.shape, plain.derived),
        (Shape::NoExtendedStatus, None)
    );
}

#[test]
fn the_impossible_documents_say_why() {
    let build = read("openstacksdk-cloud-fake-server-build.json")
        .assess()
        .unwrap_err();
    assert_eq!(
        build,
        Inconsistency::StatusMismatch {
            reported: ServerStatus::Build,
            derived: ServerStatus::Active,
            vm_state: Some(VmState::Active),
            task_state: None,
        }
    );
    let fault = read("gophercloud-faulty-server.json").assess().unwrap_err();
    assert_eq!(
        fault,
        Inconsistency::FaultOutsideFaultStatus {
            status: ServerStatus::Active
        }
    );
    let power_only = read("gtema-tui-make-server.json").assess().unwrap_err();
    assert_eq!(
        power_only.to_string(),
        "extended status fields come together in Nova's view, but this document has \
         vm_state absent, task_state absent, power_state present (power_state alone \
         appears only in the down-cell shape, with status UNKNOWN)"
    );
}

#[test]
fn deleted_rows_show_deleted_whatever_their_states() {
    let doc: ServerDocument = serde_json::from_str(
        r#"{"status": "DELETED", "OS-EXT-STS:vm_state": "building",
            "OS-EXT-STS:task_state": "scheduling", "OS-EXT-STS:power_state": 0}"#,
    )
    .unwrap();
    let a = doc.assess().unwrap();
    assert!(a.deleted_row);
    assert_eq!(a.derived, Some(ServerStatus::Build));
}

#[test]
fn openstack_client_output_reads_too() {
    let doc: ServerDocument = serde_json::from_str(
        r#"{"OS-EXT-STS:power_state": "Running", "OS-EXT-STS:task_state": "image_uploading",
            "OS-EXT-STS:vm_state": "active", "status": "ACTIVE", "name": "db1"}"#,
    )
    .unwrap();
    assert_eq!(doc.task_state, Reported::Value(TaskState::ImageUploading));
    assert!(doc.is_consistent());
}

#[test]
fn bad_documents_give_errors_not_defaults() {
    let cases = [
        ("[]", "a Nova server document"),
        ("{}", "no server state in the document"),
        (r#"{"servers": []}"#, "no server state in the document"),
        (
            r#"{"status": "ACTIVE", "status": "ERROR"}"#,
            "duplicate field \"status\"",
        ),
        (
            r#"{"server": {"status": "ACTIVE"}, "server": {"status": "ACTIVE"}}"#,
            "duplicate field \"server\"",
        ),
        (r#"{"server": {}}"#, "no server state in the document"),
        (
            r#"{"server": {"status": "ACTIVE"}, "status": "ACTIVE"}"#,
            "which one is the server",
        ),
        (
            r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "actve"}"#,
            "unknown vm_state \"actve\"",
        ),
        (r#"{"status": 1}"#, "a Nova server status"),
        (
            r#"{"status": "ACTIVE", "OS-EXT-STS:power_state": 2}"#,
            "unused slot",
        ),
        (r#"{"server": "ACTIVE"}"#, "a Nova server document"),
        (r#"{"status": "ACTIVE""#, "EOF"),
    ];
    for (text, message) in cases {
        let err = serde_json::from_str::<ServerDocument>(text)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{text}: {err}");
    }
    let null_status: ServerDocument = serde_json::from_str(r#"{"status": null}"#).unwrap();
    assert_eq!(null_status.assess(), Err(Inconsistency::NullStatus));
}

#[test]
fn document_keys_are_the_api_keys() {
    // The keys of the server document (api-ref, servers.inc; extended_status.py).
    let keys = [
        (Field::VmState, "OS-EXT-STS:vm_state"),
        (Field::TaskState, "OS-EXT-STS:task_state"),
        (Field::PowerState, "OS-EXT-STS:power_state"),
        (Field::Status, "status"),
        (Field::Action, "action"),
    ];
    for (field, key) in keys {
        assert_eq!(field.document_key(), key, "{field:?}");
    }
    // And the reader takes each of the four state keys under that name.
    let doc: ServerDocument = serde_json::from_str(&format!(
        r#"{{"{}": "active", "{}": null, "{}": 1, "{}": "ACTIVE"}}"#,
        Field::VmState.document_key(),
        Field::TaskState.document_key(),
        Field::PowerState.document_key(),
        Field::Status.document_key(),
    ))
    .unwrap();
    assert_eq!(doc.vm_state.value(), Some(VmState::Active));
}

#[test]
fn a_non_string_key_names_what_was_expected() {
    // serde_json keys are always strings; serde's own map deserializer can
    // hand the reader an integer key, which must be refused, saying what
    // the reader expected.
    let map = MapDeserializer::<_, ValueError>::new([(1u8, "x")].into_iter());
    let err = ServerDocument::deserialize(map).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: integer `1`, expected a field name"
    );
}
