//! The `nova-states` command, run as users run it.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn exe() -> PathBuf {
    // Cargo builds the crate's binaries for its integration tests.
    PathBuf::from(env!("CARGO_BIN_EXE_nova-states"))
}

fn run(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(exe())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus")
}

#[test]
fn default_run_walks_through_the_seed_snapshot() {
    let out = run(&[], "");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("operation snapshot from 17:14:48 to 17:16:26"),
        "{text}"
    );
    assert!(text.contains("disk captured by 17:15:05"), "{text}");
}

#[test]
fn explain_every_corpus_document() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let out = run(&["explain", path.to_str().unwrap(), "--json"], "");
        assert_eq!(out.status.code(), Some(0), "{}", path.display());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for key in [
            "status",
            "vm_state",
            "task_state",
            "power_state",
            "consistent",
            "errors",
            "allowed_actions",
            "operation",
        ] {
            assert!(v.get(key).is_some(), "{}: no {key}", path.display());
        }
        assert_eq!(v["consistent"], v["errors"].as_array().unwrap().is_empty());
        // And the text form reads.
        let out = run(&["explain", path.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(0));
    }
    let out = run(
        &[
            "explain",
            corpus()
                .join("openstacksdk-cloud-fake-server-build.json")
                .to_str()
                .unwrap(),
            "--json",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["consistent"], false);
    assert_eq!(v["status"], "ACTIVE");
}

#[test]
fn explain_a_snapshot_in_progress() {
    let doc = r#"{"server": {"status": "ACTIVE", "OS-EXT-STS:vm_state": "active",
        "OS-EXT-STS:task_state": "image_pending_upload", "OS-EXT-STS:power_state": 1}}"#;
    let out = run(&["explain", "-", "--json"], doc);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The state alone cannot tell a snapshot from a backup at this phase.
    let ops = v["operation"].as_array().unwrap();
    let names: Vec<&str> = ops.iter().map(|o| o["action"].as_str().unwrap()).collect();
    assert_eq!(names, ["backup", "snapshot"]);
    assert_eq!(ops[1]["phase"], 3);
    assert!(ops[1]["disk"]
        .as_str()
        .unwrap()
        .contains("CAN still affect"));
    assert!(v["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a != "snapshot"));
    let out = run(&["explain", "--vm", "error", "--task", "powering-off"], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("going on     stop"), "{text}");
}

#[test]
fn trace_exit_codes() {
    let impossible = "10:00 status: ACTIVE vm_state: active task_state: null power_state: 1\n\
                      10:01 status: DELETED vm_state: deleted task_state: null power_state: 0\n\
                      10:02 status: ACTIVE vm_state: active task_state: null power_state: 1\n";
    let out = run(&["trace", "-"], impossible);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["trace", "-", "--json"], impossible);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["legal"], false);
    assert!(v["violations"][0]["message"]
        .as_str()
        .unwrap()
        .contains("deleted"));
    let out = run(
        &["trace", "-"],
        "10:00 status: ACTIVE vm_state: actve task_state: null\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unknown vm_state \"actve\""));
    // JSON Lines of server documents.
    let jsonl = r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1}
{"status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 4}"#;
    let out = run(&["trace", "-", "--json"], jsonl);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["legal"], true);
    assert!(v["operations"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "stop"));
}

#[test]
fn model_formats() {
    for format in ["json", "markdown", "dot", "mermaid"] {
        let out = run(&["model", "--format", format], "");
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(!out.stdout.is_empty());
    }
    assert_eq!(
        run(&["model", "--format", "yaml"], "").status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"], "").status.code(), Some(2));
}
