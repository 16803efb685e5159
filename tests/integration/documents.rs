//! Reading the state part of real server documents (tests/data/corpus),
//! under the keys Nova's API uses and in the shapes its clients write.

use nova_states::read::{Container, Form, ReadOptions, Servers, Shape};
use nova_states::{
    Field, Inconsistency, PowerState, Reported, ServerDocument, ServerStatus, TaskState, VmState,
    VmStateSet,
};
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::de::DeserializeSeed;
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
        let (docs, servers) = read_all(file);
        if !servers.container.is_list() {
            let doc: ServerDocument =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            // The same document under its "server" wrapper reads the same.
            let wrapped: ServerDocument =
                serde_json::from_str(&format!("{{\"server\": {text}}}")).unwrap();
            assert_eq!(doc, wrapped, "{file}");
            assert_eq!(docs, [doc], "{file}");
        }
        let bad = docs.iter().any(|d| d.assess().is_err());
        assert_eq!(bad, *impossible, "{file}: {docs:?}");
        flagged += usize::from(*impossible);
    }
    assert_eq!(flagged, 4);
}

fn read(file: &str) -> ServerDocument {
    serde_json::from_str(&corpus_file(file)).unwrap()
}

/// Every server of a corpus file, strictly, and what held them.
fn read_all(file: &str) -> (Vec<ServerDocument>, Servers) {
    let text = corpus_file(file);
    let mut docs = Vec::new();
    let servers = ReadOptions::STRICT
        .each(|i, doc| {
            assert_eq!(i, docs.len());
            docs.push(doc);
        })
        .deserialize(&mut serde_json::Deserializer::from_str(&text))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(servers.count, docs.len());
    (docs, servers)
}

#[test]
fn nova_servers_detail_body_reads_as_a_list() {
    let (docs, servers) = read_all("nova-v2.1-servers-details.json");
    assert_eq!(servers.container, Container::Servers);
    let [doc] = docs[..] else { panic!("{docs:?}") };
    assert_eq!(doc.form, Form::Nova);
    assert_eq!(doc.vm_state, Reported::Value(VmState::Active));
    assert!(doc.has_progress);
    let a = doc.assess().unwrap();
    assert_eq!(
        (a.shape, a.derived),
        (Shape::Full, Some(ServerStatus::Active))
    );
    // ServerDocument's own Deserialize takes a list of one.
    assert_eq!(read("nova-v2.1-servers-details.json"), doc);
}

/// The issue's false alarm: the SDK writes `"progress": null` for a
/// SHUTOFF server, which used to count as a progress key.
#[test]
fn openstacksdk_to_dict_reads_by_attribute_names() {
    let doc = read("openstacksdk-to-dict-shutoff.json");
    assert_eq!(doc.form, Form::Sdk);
    assert_eq!(doc.status, Reported::Value(ServerStatus::Shutoff));
    assert_eq!(doc.vm_state, Reported::Value(VmState::Stopped));
    assert_eq!(doc.task_state, Reported::Null);
    assert_eq!(doc.power_state, Reported::Value(PowerState::Shutdown));
    assert!(!doc.has_progress && !doc.has_fault);
    assert_eq!(doc.locked, None);
    let a = doc.assess().unwrap();
    assert_eq!(
        (a.shape, a.derived),
        (Shape::Full, Some(ServerStatus::Shutoff))
    );
}

#[test]
fn openstack_server_show_json_null_progress_is_absent() {
    let doc = read("osc-server-show-shutoff.json");
    assert_eq!(doc.form, Form::Nova);
    assert_eq!(doc.power_state, Reported::Value(PowerState::Shutdown));
    assert!(!doc.has_progress);
    assert_eq!(
        doc.assess().map(|a| a.derived),
        Ok(Some(ServerStatus::Shutoff))
    );
    // It and the SDK dump it was made from say the same, but for the names.
    let sdk = read("openstacksdk-to-dict-shutoff.json");
    assert_eq!(
        ServerDocument {
            form: Form::Sdk,
            ..doc
        },
        sdk
    );
}

#[test]
fn openstack_server_list_long_infers_vm_state() {
    let (docs, servers) = read_all("osc-server-list-long.json");
    assert_eq!((servers.container, servers.count), (Container::Array, 3));
    let set = VmStateSet::from_slice;
    let expected = [
        (ServerStatus::Active, None, set(&[VmState::Active])),
        (ServerStatus::Shutoff, None, set(&[VmState::Stopped])),
        (
            ServerStatus::Rebuild,
            Some(TaskState::Rebuilding),
            set(&[VmState::Active, VmState::Stopped, VmState::Error]),
        ),
    ];
    for (doc, (status, task, vms)) in docs.iter().zip(expected) {
        assert_eq!(doc.form, Form::ServerList);
        assert_eq!(doc.status, Reported::Value(status));
        assert_eq!(doc.vm_state, Reported::Absent);
        assert_eq!(doc.task_state.value(), task);
        assert!(
            doc.task_state.is_present(),
            "a null Task State beside a Power State is no task"
        );
        assert_eq!(doc.vm_state_candidates(), vms);
        let a = doc.assess().unwrap();
        assert_eq!((a.shape, a.derived), (Shape::NoVmState, None));
    }
    // A row Nova never lists: ACTIVE while a soft reboot runs shows REBOOT.
    let row: ServerDocument = serde_json::from_str(
        r#"{"ID": "x", "Status": "ACTIVE", "Task State": "rebooting", "Power State": 1}"#,
    )
    .unwrap();
    assert_eq!(
        row.assess(),
        Err(Inconsistency::NoVmStateFits {
            status: ServerStatus::Active,
            task_state: Some(TaskState::Rebooting)
        })
    );
}

/// Without `--long` (or for a user whose policy hides the extended
/// status, where both columns are null) only the status is left.
#[test]
fn openstack_server_list_without_long_infers_from_status_alone() {
    for text in [
        r#"[{"ID": "x", "Name": "vm", "Status": "MIGRATING", "Networks": {}, "Image": "cirros", "Flavor": "m1.tiny"}]"#,
        r#"[{"ID": "x", "Status": "MIGRATING", "Task State": null, "Power State": null}]"#,
    ] {
        let doc: ServerDocument = serde_json::from_str(text).unwrap();
        assert_eq!(doc.task_state, Reported::Absent, "{text}");
        assert_eq!(doc.power_state, Reported::Absent, "{text}");
        assert_eq!(doc.assess().map(|a| a.shape), Ok(Shape::NoExtendedStatus));
        assert_eq!(
            doc.vm_state_candidates(),
            VmStateSet::from_slice(&[VmState::Active, VmState::Paused])
        );
    }
    // A down cell's row: UNKNOWN, nothing to infer.
    let down: ServerDocument =
        serde_json::from_str(r#"{"Status": "UNKNOWN", "Task State": null, "Power State": null}"#)
            .unwrap();
    assert_eq!(down.assess().map(|a| a.shape), Ok(Shape::DownCell));
    assert!(down.vm_state_candidates().is_empty());
}

#[test]
fn ansible_server_info_result_reads_each_server() {
    let (docs, servers) = read_all("ansible-server-info.json");
    assert_eq!((servers.container, servers.count), (Container::Servers, 2));
    let states: Vec<_> = docs
        .iter()
        .map(|d| (d.form, d.vm_state.value(), d.effective_status()))
        .collect();
    assert_eq!(
        states,
        [
            (Form::Sdk, Some(VmState::Active), Some(ServerStatus::Active)),
            (
                Form::Sdk,
                Some(VmState::Stopped),
                Some(ServerStatus::Shutoff)
            ),
        ]
    );
    assert!(docs.iter().all(ServerDocument::is_consistent));
    // Two servers: ServerDocument's own Deserialize reads one, and says so.
    let err = serde_json::from_str::<ServerDocument>(&corpus_file("ansible-server-info.json"))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("more than one server in the list"),
        "{err}"
    );
}

/// The null rule (src/read/document.rs): a `null` optional field is
/// absent in every form, and the extended-status fields' nulls count only
/// beside a value.
#[test]
fn null_is_absent_for_every_optional_field() {
    let forms = [
        (
            r#""status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 4, "locked""#,
            Form::Nova,
        ),
        (
            r#""status": "SHUTOFF", "vm_state": "stopped", "task_state": null, "power_state": 4, "is_locked""#,
            Form::Sdk,
        ),
    ];
    for (fields, form) in forms {
        let text = format!(
            r#"{{{fields}: null, "progress": null, "fault": null, "locked_reason": null, "launched_at": null}}"#
        );
        let doc: ServerDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.form, form);
        assert!(!doc.has_progress && !doc.has_fault, "{text}");
        assert_eq!(doc.locked, None);
        assert!(doc.is_consistent(), "{text}: {:?}", doc.assess());
    }
    // A server whose extended status is not shown, as the SDK (and so
    // `openstack server show`) writes it: three nulls, no extended status.
    for text in [
        r#"{"status": "ACTIVE", "vm_state": null, "task_state": null, "power_state": null}"#,
        r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": null, "OS-EXT-STS:task_state": null,
            "OS-EXT-STS:power_state": null, "progress": null, "locked": null}"#,
    ] {
        let doc: ServerDocument = serde_json::from_str(text).unwrap();
        assert_eq!(
            (doc.vm_state, doc.task_state, doc.power_state),
            (Reported::Absent, Reported::Absent, Reported::Absent),
            "{text}"
        );
        assert_eq!(doc.assess().map(|a| a.shape), Ok(Shape::NoExtendedStatus));
    }
    // A null beside a value is shown: no task, and a null power_state.
    let doc: ServerDocument = serde_json::from_str(
        r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null,
            "OS-EXT-STS:power_state": null}"#,
    )
    .unwrap();
    assert_eq!(
        (doc.task_state, doc.power_state),
        (Reported::Null, Reported::Null)
    );
    // And `locked` is read when it says something.
    let locked: ServerDocument =
        serde_json::from_str(r#"{"status": "ACTIVE", "is_locked": true}"#).unwrap();
    assert_eq!((locked.form, locked.locked), (Form::Sdk, Some(true)));
}

/// `--lenient`'s library side: names from a Nova newer than the pinned
/// commit are kept and projected as Nova's status_from_state does.
#[test]
fn lenient_reading_keeps_unknown_names_and_projects_them_as_nova_does() {
    let read_lenient = |text: &str| {
        ReadOptions::LENIENT
            .one()
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .unwrap()
    };
    let newer_task = r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active",
        "OS-EXT-STS:task_state": "hibernating", "OS-EXT-STS:power_state": 1}"#;
    let err = serde_json::from_str::<ServerDocument>(newer_task).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown task_state \"hibernating\""),
        "{err}"
    );
    let doc = read_lenient(newer_task);
    assert_eq!(
        doc.task_state.unknown().map(|f| f.as_str().to_string()),
        Some("hibernating".into())
    );
    let a = doc.assess().unwrap();
    // task_map.get(task, task_map['default']): active's default.
    assert_eq!(
        (a.derived, a.unknown_names),
        (Some(ServerStatus::Active), true)
    );
    assert_eq!(
        a.derived,
        Some(nova_states::rules::status_from_raw(
            Some("active"),
            Some("hibernating")
        ))
    );
    // A newer Nova may map the new task to another status: not held against it.
    let doc = read_lenient(&newer_task.replace(r#""status": "ACTIVE""#, r#""status": "REBOOT""#));
    assert!(doc.is_consistent());
    assert_eq!(doc.effective_status(), Some(ServerStatus::Reboot));
    // An unknown vm_state (and its status) from a newer Nova: UNKNOWN by the fallback.
    let doc = read_lenient(
        r#"{"status": "HIBERNATED", "vm_state": "hibernated", "task_state": null, "power_state": 4}"#,
    );
    assert!(doc.status.unknown().is_some() && doc.vm_state.unknown().is_some());
    let a = doc.assess().unwrap();
    assert_eq!((a.reported, a.derived), (None, Some(ServerStatus::Unknown)));
    // Known names read leniently are exactly what strict reading gives.
    let strict = read("osc-server-show-shutoff.json");
    assert_eq!(
        read_lenient(&corpus_file("osc-server-show-shutoff.json")),
        strict
    );
    // A power code out of range is not a name: still refused.
    let err = ReadOptions::LENIENT
        .one()
        .deserialize(&mut serde_json::Deserializer::from_str(
            r#"{"status": "ACTIVE", "power_state": 9}"#,
        ))
        .unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
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
        ("[]", "an empty server list"),
        ("{}", "no server state in the document"),
        (r#"{"servers": []}"#, "an empty server list"),
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
