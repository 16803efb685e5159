//! The `nova-states` command, run as users run it.

#[path = "support/process.rs"]
mod process;
use process::{exe, run, run_raw, stdout};

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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
        // A list gives one object per server, each with its id.
        let answers = match v.get("servers") {
            Some(servers) => {
                let servers = servers.as_array().unwrap().clone();
                assert!(!servers.is_empty(), "{}", path.display());
                assert!(servers.iter().all(|s| s.get("id").is_some()));
                servers
            }
            None => vec![v],
        };
        for v in answers {
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
        }
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

// --- The command never panics and never guesses: one named test per defect
// found by feeding it hostile input.

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

const DOC: &str = r#""OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1"#;

#[test]
fn defect_01_a_closed_pipe_or_a_full_disk_is_no_panic() {
    // The reader goes away at once: the command stops quietly.
    let mut child = Command::new(exe())
        .args(["model", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // A full disk is an error, exit 2, said once.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(exe())
        .arg("table")
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write the output"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
#[cfg(unix)]
fn defect_02_non_utf8_arguments_are_refused_not_a_panic() {
    use std::os::unix::ffi::OsStringExt;
    let bad = std::ffi::OsString::from_vec(b"act\xffive".to_vec());
    let out = run_raw(&["explain".into(), "--vm".into(), bad], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid UTF-8"), "{}", stderr(&out));
    // A file name need not be UTF-8: it is shown escaped.
    let name = std::ffi::OsString::from_vec(b"no-such-\xff.json".to_vec());
    let out = run_raw(&["explain".into(), name], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(r"no-such-\xff.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn defect_03_explain_and_trace_refuse_a_duplicate_key_the_same_way() {
    for key in ["status", "fault", "name"] {
        let doc = format!(r#"{{"status": "ACTIVE", "{key}": null, "{key}": null, {DOC}}}"#);
        for command in ["explain", "trace"] {
            let out = run(&[command, "-"], &doc);
            assert_eq!(out.status.code(), Some(2), "{command} {key}");
            assert!(
                stderr(&out).contains(&format!("duplicate key \"{key}\"")),
                "{command}: {}",
                stderr(&out)
            );
        }
    }
    // Nesting deeper than serde_json's limit: both refuse, with the same words.
    let deep = format!(
        r#"{{"status": "ACTIVE", "x": {}1{}, {DOC}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let explain = run(&["explain", "-"], &deep);
    let trace = run(&["trace", "-"], &deep);
    assert_eq!(explain.status.code(), Some(2));
    assert_eq!(trace.status.code(), Some(2));
    assert!(
        stderr(&explain).contains("recursion limit"),
        "{}",
        stderr(&explain)
    );
    assert_eq!(stderr(&explain), stderr(&trace));
}

#[test]
fn defect_04_a_repeated_key_on_a_polling_line_is_refused() {
    let out = run(
        &["trace", "-"],
        "10:00 status: ACTIVE vm_state: active vm_state: stopped task_state: null\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1, column 39: vm_state: given twice"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn defect_05_a_glued_key_is_refused_not_taken_for_a_label() {
    let out = run(
        &["trace", "-"],
        "status:SHUTOFF vm_state: stopped task_state: null\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1, column 1: status: and its value are glued"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn defect_06_no_observations_is_exit_2() {
    for input in ["", "# only a comment\n", "...\n\n...\n", "\n\n"] {
        let out = run(&["trace", "-"], input);
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(
            stderr(&out).contains("no observations"),
            "{input:?}: {}",
            stderr(&out)
        );
    }
    let out = run(&["trace", "/dev/null"], "");
    assert_eq!(out.status.code(), Some(2));
    // Old Mac line ends (\r alone) are line ends, not one long comment.
    let cr = "# a comment\r10:00 status: ACTIVE vm_state: active task_state: null\r";
    let out = run(&["trace", "-"], cr);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("1 observation;"));
    let out = run(&["explain", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no server document"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn defect_07_extra_or_conflicting_arguments_are_refused() {
    for args in [
        &["trace", "a.txt", "b.txt"][..],
        &["explain", "x.json", "--vm", "active"],
        &["explain", "--status", "ACTIVE"],
        &["explain", "--vm", "active", "--json=false"],
        &["trace", "--driver", "rbd", "--driver", "vmware"],
        &["table", "extra"],
        &["model", "--format"],
    ] {
        let out = run(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).starts_with("error:"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn defect_08_trace_checks_documents_as_explain_does() {
    let cases = [
        (format!(r#"{{"status": null, {DOC}}}"#), "status is null"),
        (format!(r#"{{"status": "ACTIVE", "fault": {{"code": 500}}, {DOC}}}"#), "fault"),
        (
            r#"{"status": "SHUTOFF", "progress": 0, "OS-EXT-STS:vm_state": "stopped", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 4}"#.to_string(),
            "progress",
        ),
        (
            r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null}"#.to_string(),
            "extended status",
        ),
    ];
    for (doc, words) in cases {
        let explained = run(&["explain", "-", "--json"], &doc);
        let v: serde_json::Value = serde_json::from_slice(&explained.stdout).unwrap();
        assert_eq!(v["consistent"], false, "{doc}");
        let traced = run(&["trace", "-", "--json"], &doc);
        assert_eq!(traced.status.code(), Some(1), "{doc}");
        let t: serde_json::Value = serde_json::from_slice(&traced.stdout).unwrap();
        let message = t["violations"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("INCONSISTENT") && message.contains(words),
            "{message}"
        );
        assert!(v["errors"][0].as_str().unwrap().contains(words), "{v}");
    }
}

#[test]
fn defect_09_time_must_not_go_backwards() {
    let doc = |t: &str| format!(r#"{{"status": "ACTIVE", "updated": "{t}", {DOC}}}"#);
    let back = format!(
        "{}\n{}\n",
        doc("2024-05-01T10:00:05Z"),
        doc("2024-05-01T10:00:01Z")
    );
    let out = run(&["trace", "-"], &back);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2, column 1: time goes backwards"),
        "{}",
        stderr(&out)
    );
    // The same instant in another zone is not earlier.
    let zones = format!(
        "{}\n{}\n",
        doc("2024-05-01T10:00:05Z"),
        doc("2024-05-01T12:00:05+02:00")
    );
    assert_eq!(run(&["trace", "-"], &zones).status.code(), Some(0));
    // A time of day alone may wrap past midnight.
    let wrap = "23:59:58 status: ACTIVE vm_state: active task_state: null\n\
                00:00:02 status: ACTIVE vm_state: active task_state: null\n";
    assert_eq!(run(&["trace", "-"], wrap).status.code(), Some(0));
}

#[test]
fn defect_10_gaps_are_allowed_in_json_lines() {
    let input =
        format!("{{\"status\": \"ACTIVE\", {DOC}}}\n...\n{{\"status\": \"ACTIVE\", {DOC}}}\n");
    let out = run(&["trace", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8(out.stdout).unwrap().contains("  ..."));
}

#[test]
fn defect_11_messages_say_where_and_show_what_was_there() {
    // Line numbers count blank lines.
    let out = run(
        &["trace", "-"],
        "\n\n10:00 status: ACTIVE vm_state: actve task_state: null\n",
    );
    assert!(
        stderr(&out).contains("line 3, column 32: unknown vm_state \"actve\""),
        "{}",
        stderr(&out)
    );
    // The admin hint only where an observation lacks the extended status.
    let out = run(&["trace", "-"], r#"{"status": "ACTIVE"}"#);
    assert!(
        stderr(&out).contains("no vm_state to trace (the OS-EXT-STS fields"),
        "{}",
        stderr(&out)
    );
    let out = run(&["trace", "-"], "10:00 status: ACTIVE task_state: null\n");
    assert!(stderr(&out).contains("no vm_state to trace") && !stderr(&out).contains("admin"));
    // A Cyrillic а in аctive is shown as what it is.
    let out = run(&["explain", "--vm", "\u{430}ctive"], "");
    assert!(
        stderr(&out).contains(r#""\u{430}ctive""#),
        "{}",
        stderr(&out)
    );
    // A byte-order mark and invalid UTF-8, with their place.
    let out = run_raw(&["explain".into()], b"\xef\xbb\xbf{}");
    assert!(
        stderr(&out).contains("line 1, column 1: a byte-order mark"),
        "{}",
        stderr(&out)
    );
    let out = run_raw(
        &["trace".into()],
        b"10:00 status: ACTIVE vm_state: active task_state: null\n10:01 st\xffatus: ACTIVE\n",
    );
    assert!(
        stderr(&out).contains("line 2, column 9: invalid UTF-8 (byte 0xff)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn defect_12_control_characters_never_reach_the_terminal() {
    let out = run(
        &["trace", "-"],
        "10:00\x1b[2J status: ACTIVE vm_state: active task_state: null\n",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains(r"10:00\u{1b}[2J"), "{text}");
    let out = run(&["explain", "--vm", "act\x07ive"], "");
    assert!(!stderr(&out).contains('\x07'));
    assert!(stderr(&out).contains(r"act\u{7}ive"), "{}", stderr(&out));
}

#[test]
fn defect_13_trace_streams_each_verdict_as_its_line_arrives() {
    use std::io::{BufRead, BufReader, Write};
    let mut child = Command::new(exe())
        .args(["trace", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // The header, then one verdict per observation, each before the next
    // observation is written (the input stays open all along).
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("Trace of standard input"), "{line}");
    stdout.read_line(&mut line).unwrap();
    for (i, task) in ["null", "image_snapshot_pending", "image_snapshot"]
        .iter()
        .enumerate()
    {
        writeln!(
            stdin,
            "10:0{i} status: ACTIVE vm_state: active task_state: {task}"
        )
        .unwrap();
        stdin.flush().unwrap();
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert!(
            line.contains(&format!("10:0{i}")) && line.contains(task),
            "{line}"
        );
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn defect_14_json_errors_are_json_on_stdout() {
    let out = run(
        &["trace", "-", "--json"],
        "10:00 status: ACTIVE vm_state: actve task_state: null\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(v["error"]["line"], 1);
    assert_eq!(v["error"]["column"], 32);
    assert!(v["error"]["message"].as_str().unwrap().contains("actve"));
    // Argument errors too.
    let out = run(
        &["explain", "--json", "--vm", "active", "--vm", "error"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("--vm"),
        "{v}"
    );
    let out = run(&["explain", "--json", "-"], "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no server document"));
}

#[test]
fn defect_15_no_command_writes_into_the_build_directory() {
    // The generator is `cargo xtask codegen`; the command has no `docs`.
    let out = run(&["docs"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unrecognized subcommand"),
        "{}",
        stderr(&out)
    );
}

fn corpus_path(name: &str) -> String {
    corpus().join(name).to_str().unwrap().to_string()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The issue's false alarm: openstacksdk's dump and `openstack server show
/// -f json` carry "progress": null for a SHUTOFF server.
#[test]
fn explain_sdk_dump_and_server_show_of_a_shutoff_server_are_consistent() {
    for file in [
        "openstacksdk-to-dict-shutoff.json",
        "osc-server-show-shutoff.json",
    ] {
        let out = run(&["explain", &corpus_path(file), "--json"], "");
        assert_eq!(out.status.code(), Some(0), "{file}");
        let v = json_of(&out);
        assert_eq!(v["status"], "SHUTOFF", "{file}");
        assert_eq!(v["vm_state"], "stopped", "{file}");
        assert_eq!(v["consistent"], true, "{file}: {v}");
        assert!(
            v.get("servers").is_none(),
            "one server keeps today's object"
        );
        let text = stdout(&run(&["explain", &corpus_path(file)], ""));
        assert!(
            text.contains("vm_state stopped, task_state null, power_state 4 (shutdown)"),
            "{text}"
        );
        assert!(!text.contains("INCONSISTENT"), "{text}");
    }
}

#[test]
fn explain_a_server_list_answers_per_server() {
    // `openstack server list --long -f json`: no vm_state; it is inferred.
    let out = run(
        &[
            "explain",
            &corpus_path("osc-server-list-long.json"),
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let servers = v["servers"].as_array().unwrap();
    let ids: Vec<&str> = servers.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "f5dc173b-6804-445a-a6d8-c705dad5b5eb",
            "9c5e5bd7-6b9e-4d5c-8a5e-2f3f6a1b0c11",
            "0b1d6c5e-8f2a-4c1e-9d3b-7a6e5f4c3b22"
        ]
    );
    assert_eq!(servers[0]["vm_state"], "active");
    assert_eq!(servers[1]["vm_state"], "stopped");
    assert_eq!(servers[1]["vm_state_inferred"], true);
    // REBUILD with rebuilding: three candidates, none picked.
    assert_eq!(servers[2]["vm_state"], serde_json::Value::Null);
    assert_eq!(
        servers[2]["vm_state_candidates"],
        serde_json::json!(["active", "stopped", "error"])
    );
    assert!(servers.iter().all(|s| s["consistent"] == true));
    let text = stdout(&run(
        &["explain", &corpus_path("osc-server-list-long.json")],
        "",
    ));
    assert!(
        text.contains("server       f5dc173b-6804-445a-a6d8-c705dad5b5eb (1 of 3)"),
        "{text}"
    );
    assert!(text.contains("vm_state one of active, stopped, error (inferred from status REBUILD and task_state rebuilding; which one cannot be told)"), "{text}");
    assert!(
        text.contains("going on     rebuild or evacuate (rebuilding), whichever vm_state it is"),
        "{text}"
    );
    // Nova's list body and ansible's server_info result: one answer each.
    for (file, count) in [
        ("nova-v2.1-servers-details.json", 1),
        ("ansible-server-info.json", 2),
    ] {
        let v = json_of(&run(&["explain", &corpus_path(file), "--json"], ""));
        assert_eq!(v["servers"].as_array().map(Vec::len), Some(count), "{file}");
    }
}

#[test]
fn lenient_reads_names_from_a_newer_nova_in_explain_and_trace() {
    let newer = r#"{"status": "ACTIVE", "OS-EXT-STS:vm_state": "active",
        "OS-EXT-STS:task_state": "hibernating", "OS-EXT-STS:power_state": 1}"#;
    // Strict by default: refused, with a hint.
    let out = run(&["explain", "-"], newer);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown task_state \"hibernating\""),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--lenient"), "{}", stderr(&out));
    let out = run(&["explain", "--lenient", "-", "--json"], newer);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["status"], "ACTIVE");
    assert_eq!(v["unknown_names"]["task_state"], "hibernating");
    assert_eq!(v["consistent"], true);
    let text = stdout(&run(&["explain", "--lenient", "-"], newer));
    assert!(
        text.contains("task_state \"hibernating\" (unknown to this model: a newer Nova?)"),
        "{text}"
    );
    // An unknown vm_state is projected to UNKNOWN, as Nova does.
    let out = run(
        &["explain", "--lenient", "--vm", "hibernated", "--json"],
        "",
    );
    assert_eq!(json_of(&out)["status"], "UNKNOWN");
    // trace: reported, not checked, exit 0; the next step is checked from the last known one.
    let polled = "17:00:01 status: ACTIVE vm_state: active task_state: null power_state: 1\n\
                  17:00:05 status: ACTIVE vm_state: active task_state: hibernating power_state: 1\n\
                  17:00:09 status: SHUTOFF vm_state: stopped task_state: null power_state: 4\n";
    assert_eq!(run(&["trace", "-"], polled).status.code(), Some(2));
    let out = run(&["trace", "--lenient", "-"], polled);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("not checked: task_state \"hibernating\" is unknown to this model"),
        "{text}"
    );
    assert!(text.contains("3 observations (1 with a name unknown to this model, not checked); every step is one Nova can take"), "{text}");
    let v = json_of(&run(&["trace", "--lenient", "--json", "-"], polled));
    assert_eq!(v["legal"], true);
    assert_eq!(v["unknown_names"][0]["at"], "17:00:05");
    // Lenient does not forgive what is impossible among known names.
    let impossible = "17:00:01 status: ACTIVE vm_state: deleted task_state: null power_state: 1\n";
    assert_eq!(
        run(&["trace", "--lenient", "-"], impossible).status.code(),
        Some(1)
    );
}

#[test]
fn trace_follows_a_server_polled_with_server_list() {
    let polled = concat!(
        r#"[{"ID": "s1", "Status": "SHUTOFF", "Task State": null, "Power State": 4}]"#,
        "\n",
        r#"[{"ID": "s1", "Status": "REBUILD", "Task State": "rebuilding", "Power State": 4}]"#,
        "\n",
        r#"[{"ID": "s1", "Status": "REBUILD", "Task State": "rebuild_spawning", "Power State": 4}]"#,
        "\n",
        r#"[{"ID": "s1", "Status": "SHUTOFF", "Task State": null, "Power State": 4}]"#,
        "\n",
    );
    let out = run(&["trace", "-"], polled);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("vm_state one of active, stopped, error: not placed"),
        "{text}"
    );
    assert!(
        text.contains(
            "operation rebuild or evacuate from #2 to #4, through rebuilding -> rebuild_spawning"
        ),
        "{text}"
    );
    // Several servers in one poll: each followed by its ID (tests/fleet.rs).
    let out = run(
        &["trace", "--json", &corpus_path("osc-server-list-long.json")],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["servers"].as_array().map(Vec::len), Some(3));
    // Without --long there is no task_state to trace.
    let out = run(&["trace", "-"], r#"[{"ID": "s1", "Status": "SHUTOFF"}]"#);
    assert!(
        stderr(&out)
            .contains("no task_state to trace (openstack server list shows task_state with --long"),
        "{}",
        stderr(&out)
    );
    // A list row Nova never shows is impossible.
    let out = run(
        &["trace", "-"],
        r#"[{"Status": "ACTIVE", "Task State": "rebooting", "Power State": 1}]"#,
    );
    assert_eq!(out.status.code(), Some(1));
}

// --- check ---------------------------------------------------------------------

#[test]
fn check_a_locked_server_is_refused_for_a_member_and_accepted_for_an_admin() {
    let out = run(
        &[
            "check", "--action", "os-stop", "--vm", "active", "--locked", "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["accepted"], false);
    assert_eq!(v["http"], 409);
    assert_eq!(v["refused_by"], "lock");
    assert_eq!(v["message"], "Instance {server_id} is locked");
    let out = run(
        &[
            "check", "--action", "stop", "--vm", "active", "--locked", "--admin", "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["accepted"].clone(), v["http"].clone()),
        (true.into(), 202.into())
    );
}

#[test]
fn check_reads_a_document_and_its_id() {
    let doc = r#"{"server": {"id": "u-1", "status": "DELETED",
        "OS-EXT-STS:vm_state": "deleted", "OS-EXT-STS:task_state": null,
        "OS-EXT-STS:power_state": 0, "locked": false}}"#;
    let out = run(&["check", "--action", "reboot:SOFT", "--json"], doc);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["http"], 404);
    assert_eq!(v["message"], "Instance u-1 could not be found.");
}

#[test]
fn check_microversion_and_bad_input() {
    let args = ["check", "--action", "attach_volume", "--vm", "shelved"];
    let out = run(&[&args[..], &["--microversion", "2.19"]].concat(), "");
    assert_eq!(out.status.code(), Some(1));
    let out = run(&[&args[..], &["--microversion", "2.20"]].concat(), "");
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["check", "--action", "reboot", "--vm", "active"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[&args[..], &["--microversion", "2.x"]].concat(), "");
    assert_eq!(out.status.code(), Some(2));
}

/// A down-cell document (Nova's 2.69 sample, trimmed) is a server in a
/// down cell (500) at 2.69 or with no microversion named, and bad input
/// naming the version at 2.68 (Nova shows none before 2.69).
#[test]
fn check_a_down_cell_document_by_microversion() {
    let doc = r#"{"server": {"id": "u-2", "status": "UNKNOWN", "OS-EXT-STS:power_state": 0,
        "tenant_id": "t", "created": "2018-12-03T21:06:18Z"}}"#;
    let args = ["check", "--action", "os-stop", "--json"];
    for extra in [&[][..], &["--microversion", "2.69"]] {
        let out = run(&[&args[..], extra].concat(), doc);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (v["http"].clone(), v["refused_by"].clone()),
            (500.into(), "cell".into())
        );
    }
    let out = run(&[&args[..], &["--microversion", "2.68"]].concat(), doc);
    assert_eq!(out.status.code(), Some(2));
    // With --json the error is a JSON object on stdout.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let err = v["error"]["message"].as_str().unwrap();
    assert!(
        err.contains("microversion 2.68") && err.contains("2.69"),
        "{err}"
    );
}

#[test]
fn wait_exit_codes_done_failed_unreadable_in_progress_impossible() {
    let lines = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(vm, task)| format!("vm_state: {vm}   task_state: {task}\n"))
            .collect::<String>()
    };
    let stop = ["wait", "--action", "stop", "--from", "active", "-"];
    let done = run(
        &stop,
        &lines(&[("active", "powering-off"), ("stopped", "null")]),
    );
    assert_eq!(done.status.code(), Some(0));
    let failed = run(
        &stop,
        &lines(&[("active", "powering-off"), ("active", "null")]),
    );
    assert_eq!(failed.status.code(), Some(1));
    let text = String::from_utf8(failed.stdout).unwrap();
    assert!(text.contains("final: failed"), "{text}");
    assert_eq!(run(&stop, "not a poll\n").status.code(), Some(2));
    let running = run(&stop, &lines(&[("active", "powering-off")]));
    assert_eq!(running.status.code(), Some(3));
    let impossible = run(&stop, &lines(&[("shelved", "null")]));
    assert_eq!(impossible.status.code(), Some(4));
    // An action that does not start there: nothing to wait for.
    let refused = run(
        &["wait", "--action", "unshelve", "--from", "active", "-"],
        "",
    );
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn wait_rebuild_from_stopped_stays_in_progress_at_active_null() {
    let input = "vm_state: stopped   task_state: rebuild_spawning\n\
                 vm_state: active   task_state: null\n";
    let args = [
        "wait", "--action", "rebuild", "--from", "stopped", "--json", "-",
    ];
    let out = run(&args, input);
    assert_eq!(out.status.code(), Some(3));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["action"], "rebuild");
    assert_eq!(value["from"], "stopped");
    assert_eq!(value["final"], "in_progress");
    assert_eq!(value["verdicts"][1]["at"], "#2");
    assert_eq!(value["verdicts"][1]["verdict"], "in_progress");
    let done = format!("{input}vm_state: stopped   task_state: null\n");
    let out = run(&args, &done);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn wait_evacuate_microversion_295_ends_stopped() {
    let input = "vm_state: active   task_state: null\n";
    let at = |v: &str| {
        run(
            &[
                "wait",
                "--action",
                "evacuate",
                "--from",
                "active",
                "--microversion",
                v,
                "-",
            ],
            input,
        )
        .status
        .code()
    };
    assert_eq!(at("2.95"), Some(3));
    assert_eq!(at("2.94"), Some(0));
}

#[test]
fn wait_reads_server_documents_too() {
    let docs = r#"{"server": {"status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 4, "updated": "2024-01-01T00:00:00Z"}}
"#;
    let out = run(
        &[
            "wait", "--action", "stop", "--from", "active", "--json", "-",
        ],
        docs,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["final"], "done");
    assert_eq!(value["verdicts"][0]["at"], "2024-01-01T00:00:00Z");
}

fn polled(lines: &[(&str, &str, &str, &str)]) -> String {
    lines
        .iter()
        .map(|(at, status, vm, task)| {
            format!("{at} status: {status} vm_state: {vm} task_state: {task} power_state: 1\n")
        })
        .collect()
}

/// The defect of issue 14: after an impossible observation the text output
/// started over ("first observation"), the trace went on from before the
/// impossible observation (so every later one was impossible too), and the
/// count did not say how many were impossible.
#[test]
fn defect_14_trace_goes_on_from_an_impossible_observation() {
    let input = polled(&[
        ("10:00", "ACTIVE", "active", "null"),
        ("10:01", "DELETED", "deleted", "null"),
        ("10:02", "ACTIVE", "active", "image_snapshot"),
        ("10:03", "ACTIVE", "active", "image_uploading"),
    ]);
    let out = run(&["trace", "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |at: &str| text.lines().find(|l| l.contains(at)).unwrap().to_string();
    assert!(line("10:02").contains("IMPOSSIBLE"), "{text}");
    // Checked from 10:02, where the server was seen: one snapshot going on.
    assert!(!line("10:03").contains("IMPOSSIBLE"), "{text}");
    assert_eq!(text.matches("first observation").count(), 1, "{text}");
    assert!(text.contains("4 observations, 1 impossible;"), "{text}");
    // A wrong status on the first line: the next is no first observation.
    let input = "10:00 status: ACTIVE vm_state: stopped task_state: null\n\
                 10:01 status: ACTIVE vm_state: active task_state: null\n";
    let text = String::from_utf8(run(&["trace", "-"], input).stdout).unwrap();
    assert!(!text.contains("first observation"), "{text}");
    // Checked from stopped: a start (among others) between the polls.
    assert!(text.contains("start or reboot_hard"), "{text}");
    assert!(text.contains("2 observations, 1 impossible;"), "{text}");
}

/// The issue's case: a resize seen migrating, then shelved_offloaded, then
/// a snapshot starting: each step says its fewest operations.
#[test]
fn trace_explains_a_rolled_back_resize_then_a_shelve() {
    let input = polled(&[
        ("10:00", "RESIZE", "active", "resize_migrating"),
        ("10:03", "SHELVED_OFFLOADED", "shelved_offloaded", "null"),
        ("10:06", "ACTIVE", "active", "image_snapshot"),
    ]);
    let out = run(&["trace", "-"], &input);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |at: &str| text.lines().find(|l| l.contains(at)).unwrap().to_string();
    let shelved = line("10:03");
    assert!(
        shelved.contains("2 operations at least: resize failed at resize_migrating")
            && shelved.contains("then shelve (ended shelved_offloaded)"),
        "{text}"
    );
    assert!(!shelved.contains("resize or migrate ended"), "{text}");
    let snapshot = line("10:06");
    assert!(
        snapshot.contains("unshelve") && snapshot.contains("then start snapshot"),
        "{text}"
    );
    let v = json_of(&run(&["trace", "-", "--json"], &input));
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["at"], "10:03");
    assert_eq!(steps[0]["min_operations"], 2);
    let first = &steps[0]["explanation"][0];
    assert_eq!(first["operation"], "resize");
    assert_eq!(first["origin"], "in_flight");
    assert_eq!(first["end"], "failed");
    assert_eq!(first["failed_at"], "resize_migrating");
    assert_eq!(steps[0]["explanation"][1]["operation"], "shelve");
    assert_eq!(steps[1]["min_operations"], 2);
    assert_eq!(steps[1]["explanation"][0]["operation"], "unshelve");
    assert_eq!(steps[0]["only_by_failure_or_reset"], false);
}

/// Strict mode: with at most one operation between polls the seed's snapshot
/// passes, and a snapshot that restarts between two polls does not.
#[test]
fn strict_mode_max_operations_between() {
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/seed-snapshot.txt");
    let seed = seed.to_str().unwrap();
    let out = run(&["trace", "--max-operations-between", "1", seed], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let restart = polled(&[
        ("10:00", "ACTIVE", "active", "null"),
        ("10:03", "ACTIVE", "active", "image_snapshot"),
        ("10:06", "ACTIVE", "active", "image_uploading"),
        ("10:09", "ACTIVE", "active", "image_snapshot"),
    ]);
    // Legal for Nova: without the strict mode, exit 0, the step explained.
    let out = run(&["trace", "-"], &restart);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2 operations at least: snapshot ended (active), then start snapshot"),
        "{text}"
    );
    let out = run(&["trace", "--max-operations-between", "1", "-"], &restart);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("VIOLATION: 10:09: 2 operations at least between two polls, more than --max-operations-between 1"), "{text}");
    let out = run(&["trace", "--max-operations-between", "2", "-"], &restart);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&run(
        &["trace", "--json", "--max-operations-between", "1", "-"],
        &restart,
    ));
    assert_eq!(v["legal"], false);
    assert_eq!(v["violations"][0]["at"], "10:09");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.iter().filter(|s| s["min_operations"] == 2).count(), 1);
    assert!(steps
        .iter()
        .all(|s| s["min_operations"].as_u64().unwrap() >= 1));
}

/// A step only a failure or an admin reset explains is flagged, strict or not.
#[test]
fn trace_flags_a_step_only_a_failure_or_a_reset_explains() {
    let input = polled(&[
        ("10:00", "ACTIVE", "active", "null"),
        ("10:03", "ERROR", "error", "null"),
    ]);
    for args in [
        &["trace", "-"][..],
        &["trace", "--max-operations-between", "3", "-"],
    ] {
        let out = run(args, &input);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("[only a failure or an admin reset explains this step]"),
            "{text}"
        );
    }
    let v = json_of(&run(&["trace", "--json", "-"], &input));
    assert_eq!(v["steps"][0]["only_by_failure_or_reset"], true);
    assert_eq!(v["steps"][0]["min_operations"], 1);
}

/// An operation begun and ended between two polls is said to be so, not
/// "from 10:01 to 10:01" (the poll that saw it ended is not one that saw it
/// begin); JSON marks it `between_polls`.
#[test]
fn trace_an_operation_between_two_polls_is_said_so() {
    let input = polled(&[
        ("10:00", "ACTIVE", "active", "null"),
        ("10:01", "SHUTOFF", "stopped", "null"),
    ]);
    let text = stdout(&run(&["trace", "-"], &input));
    assert!(
        text.contains("-> operation stop or evacuate between the poll before 10:01 and it"),
        "{text}"
    );
    assert!(!text.contains("from 10:01 to 10:01"), "{text}");
    let v = json_of(&run(&["trace", "--json", "-"], &input));
    assert_eq!(v["operations"][0]["between_polls"], true, "{v}");
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/seed-snapshot.txt");
    let v = json_of(&run(&["trace", "--json", seed.to_str().unwrap()], ""));
    assert_eq!(v["operations"][0]["between_polls"], false, "{v}");
}

/// A step no single action explains (suspended, then resized: a hard reboot
/// and a resize at least) names no operation with an empty name; the step's
/// line gives the operations behind it.
#[test]
fn trace_a_step_no_single_action_explains_names_no_empty_operation() {
    let input = polled(&[
        ("10:00", "SUSPENDED", "suspended", "null"),
        ("10:01", "VERIFY_RESIZE", "resized", "null"),
    ]);
    let text = stdout(&run(&["trace", "-"], &input));
    assert!(!text.contains("-> operation  "), "{text}");
    assert!(text.contains("2 operations at least: "), "{text}");
    let v = json_of(&run(&["trace", "--json", "-"], &input));
    assert_eq!(v["operations"], serde_json::json!([]), "{v}");
    assert_eq!(v["steps"][0]["min_operations"], 2, "{v}");
}
