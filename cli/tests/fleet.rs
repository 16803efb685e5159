//! `nova-states trace` over several servers in one stream (issue 14, item
//! 4): documents told apart by their id, `{"servers": [...]}` polls and
//! `openstack server list --long -f json` rows, one trace per server.

#[path = "support/process.rs"]
mod process;
use process::{run, stdout};

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A server document (`GET /servers/{id}` as Nova answers an admin), with
/// its id when given.
fn doc(id: Option<&str>, status: &str, vm: &str, task: Option<&str>, power: u8) -> String {
    let task = task.map_or("null".to_string(), |t| format!("{t:?}"));
    let id = id.map_or(String::new(), |id| format!("\"id\": {id:?}, "));
    format!(
        "{{{id}\"status\": {status:?}, \"OS-EXT-STS:vm_state\": {vm:?}, \
         \"OS-EXT-STS:task_state\": {task}, \"OS-EXT-STS:power_state\": {power}}}"
    )
}

/// Server a: a snapshot, start to end (legal). Server b: active, then
/// building (impossible: a server is never built again).
fn two_servers() -> String {
    let a = |task| doc(Some("a"), "ACTIVE", "active", task, 1);
    let lines = [
        a(None),
        doc(Some("b"), "ACTIVE", "active", None, 1),
        a(Some("image_snapshot")),
        doc(Some("b"), "BUILD", "building", None, 0),
        a(Some("image_uploading")),
        a(None),
    ];
    lines.join("\n") + "\n"
}

fn server<'v>(json: &'v Value, id: &str) -> &'v Value {
    json["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no server {id} in {json}"))
}

#[test]
fn fleet_documents_are_traced_per_id() {
    let out = run(&["trace", "--json", "-"], &two_servers());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["legal"], false);
    assert_eq!(v["observations"], 6);
    let ids: Vec<&str> = v["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"], "in the order first seen");
    let a = server(&v, "a");
    assert_eq!(a["legal"], true);
    assert_eq!(a["observations"], 4);
    assert_eq!(a["violations"].as_array().map(Vec::len), Some(0));
    let ops = a["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{a}");
    assert_eq!(ops[0]["action"], "snapshot");
    assert_eq!(
        ops[0]["from"], "#2",
        "labels count each server's observations"
    );
    assert_eq!(ops[0]["to"], "#4");
    let b = server(&v, "b");
    assert_eq!(b["legal"], false);
    assert_eq!(b["observations"], 2);
    let violations = b["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{b}");
    assert_eq!(violations[0]["at"], "#2");
    // Server a's snapshot is not disturbed by server b's observations in
    // between: traced alone, a is the same.
    let alone: String = two_servers()
        .lines()
        .filter(|l| l.contains("\"id\": \"a\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let a_alone = json_of(&run(&["trace", "--json", "-"], &alone));
    assert_eq!(a_alone["operations"], a["operations"]);
}

#[test]
fn fleet_text_has_a_section_per_server() {
    let out = run(&["trace", "-"], &two_servers());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // The lines of the second server onwards name their server.
    assert!(text.contains("(a second server, b:"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  b #2 ") && l.contains("IMPOSSIBLE")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  a -> operation snapshot from #2 to #4")),
        "{text}"
    );
    assert!(
        text.contains("server a: 4 observations, 1 operation; every step is one Nova can take"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with(
            "server b: 2 observations, 1 impossible, no operation seen; IMPOSSIBLE: #2: "
        )),
        "{text}"
    );
    assert!(
        text.contains("2 servers, 6 observations; violations (an impossible step, or one over --max-operations-between) in 1 of them"),
        "{text}"
    );
}

/// One id, or none: the single server's keys, exactly as before fleets.
#[test]
fn fleet_of_one_id_keeps_the_single_server_output() {
    let a = |task| doc(Some("only"), "ACTIVE", "active", task, 1);
    let with_id = [
        a(None),
        a(Some("image_snapshot")),
        a(Some("image_uploading")),
        a(None),
    ]
    .join("\n");
    let without_id = with_id.replace("\"id\": \"only\", ", "");
    assert_ne!(with_id, without_id);
    for args in [&["trace", "--json", "-"][..], &["trace", "-"][..]] {
        let with = run(args, &with_id);
        let without = run(args, &without_id);
        assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
        assert_eq!(stdout(&with), stdout(&without), "{args:?}");
    }
    let v = json_of(&run(&["trace", "--json", "-"], &with_id));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "driver",
            "operations",
            "steps",
            "violations",
            "observations",
            "legal"
        ]
    );
}

/// `GET /servers/detail` polled: each `{"servers": [...]}` is one poll,
/// each element one observation of its server.
#[test]
fn fleet_servers_detail_polls() {
    let poll = |x: &str, y: &str| format!("{{\"servers\": [{x}, {y}]}}\n");
    let input = [
        poll(
            &doc(Some("x"), "ACTIVE", "active", None, 1),
            &doc(Some("y"), "SHUTOFF", "stopped", None, 4),
        ),
        poll(
            &doc(Some("x"), "REBOOT", "active", Some("rebooting"), 1),
            &doc(Some("y"), "SHUTOFF", "stopped", Some("powering-on"), 4),
        ),
        poll(
            &doc(Some("x"), "ACTIVE", "active", None, 1),
            &doc(Some("y"), "ACTIVE", "active", None, 1),
        ),
    ]
    .concat();
    let out = run(&["trace", "--json", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json_of(&out);
    assert_eq!(v["legal"], true);
    assert_eq!(v["observations"], 6);
    for (id, action) in [("x", "reboot_soft"), ("y", "start")] {
        let s = server(&v, id);
        assert_eq!(s["observations"], 3);
        assert_eq!(s["legal"], true);
        let ops = s["operations"].as_array().unwrap();
        assert_eq!(ops.len(), 1, "{s}");
        assert_eq!(ops[0]["action"], action, "{s}");
    }
}

/// `openstack server list --long -f json` polled: rows keyed by `ID`, no
/// vm_state (the status and task_state place it).
#[test]
fn fleet_server_list_rows() {
    let row = |id: &str, status: &str, task: Option<&str>, power: u8| {
        let task = task.map_or("null".to_string(), |t| format!("{t:?}"));
        format!(
            "{{\"ID\": {id:?}, \"Status\": {status:?}, \"Task State\": {task}, \"Power State\": {power}}}"
        )
    };
    let poll = |rows: [String; 2]| format!("[{}]\n", rows.join(", "));
    let input = [
        poll([row("p", "SHUTOFF", None, 4), row("q", "ACTIVE", None, 1)]),
        poll([
            row("p", "SHUTOFF", Some("powering-on"), 4),
            row("q", "ACTIVE", Some("image_snapshot"), 1),
        ]),
        poll([row("p", "ACTIVE", None, 1), row("q", "ACTIVE", None, 1)]),
    ]
    .concat();
    let out = run(&["trace", "--json", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json_of(&out);
    assert_eq!(server(&v, "p")["operations"][0]["action"], "start");
    assert_eq!(server(&v, "q")["operations"][0]["action"], "snapshot");
    // And the list in the corpus (three servers, one poll).
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/corpus/osc-server-list-long.json");
    let out = run(&["trace", "--json", corpus.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["servers"].as_array().map(Vec::len), Some(3));
}

/// Documents with and without ids do not mix: the observation that breaks
/// the rule is an error with its line, not a guess at which server it is.
#[test]
fn fleet_mixed_ids_are_an_error_with_the_line() {
    let with = |id| doc(Some(id), "ACTIVE", "active", None, 1);
    let without = doc(None, "ACTIVE", "active", None, 1);
    let cases = [
        (
            format!("{}\n{}\n{}\n", with("a"), with("b"), without),
            3,
            "without an id after documents with ids",
        ),
        (
            format!("{without}\n{}\n", with("a")),
            2,
            "a document with id a after observations without one",
        ),
        (
            format!("{{\"servers\": [{}, {without}]}}\n", with("a")),
            1,
            "server 2 of the list has no id",
        ),
    ];
    for (input, line, message) in cases {
        let out = run(&["trace", "-"], &input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let err = stderr(&out);
        assert!(err.contains(&format!("line {line}, ")), "{err}");
        assert!(err.contains(message), "{err}");
        let out = run(&["trace", "--json", "-"], &input);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(json_of(&out)["error"]["line"], line, "{input}");
    }
}

#[test]
fn fleet_empty_input_is_exit_2() {
    for input in [
        "",
        "\n",
        "...\n",
        "{\"servers\": []}\n",
        "[]\n{\"servers\": []}\n",
    ] {
        let out = run(&["trace", "-"], input);
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(stderr(&out).contains("no observations"), "{}", stderr(&out));
    }
    // An empty poll in a fleet's stream is a poll that lists no server.
    let input = format!(
        "{{\"servers\": []}}\n{}\n",
        doc(Some("a"), "ACTIVE", "active", None, 1)
    );
    assert_eq!(run(&["trace", "-"], &input).status.code(), Some(0));
}

/// Each server's time goes forward on its own: servers interleaved with
/// earlier `updated` times are fine, one server going back is not.
#[test]
fn fleet_time_goes_forward_per_server() {
    let at = |id: &str, time: &str| {
        format!(
            "{{\"id\": {id:?}, \"updated\": {time:?}, \"status\": \"ACTIVE\", \
             \"OS-EXT-STS:vm_state\": \"active\", \"OS-EXT-STS:task_state\": null, \
             \"OS-EXT-STS:power_state\": 1}}\n"
        )
    };
    let fine = at("a", "2024-05-01T10:00:05Z") + &at("b", "2024-05-01T10:00:01Z");
    assert_eq!(run(&["trace", "-"], &fine).status.code(), Some(0));
    let back = fine + &at("a", "2024-05-01T10:00:04Z");
    let out = run(&["trace", "-"], &back);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 3, "), "{}", stderr(&out));
    assert!(stderr(&out).contains("time goes backwards"));
}

/// A `...` line is a gap for every server.
#[test]
fn fleet_gaps_apply_to_every_server() {
    let a = |task| doc(Some("a"), "ACTIVE", "active", task, 1);
    let b = |task| doc(Some("b"), "ACTIVE", "active", task, 1);
    let input = [a(None), b(None), "...".into(), a(None), b(None)].join("\n");
    let out = run(&["trace", "-"], &input);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("\n  a ...\n"), "{text}");
    assert!(text.contains("\n  b ...\n"), "{text}");
}

/// The simulator's fleet (seeded), traced at once, gives each server
/// exactly what tracing that server alone gives.
#[test]
fn fleet_equals_each_server_traced_alone() {
    let sim = run(
        &[
            "simulate",
            "--servers",
            "5",
            "--steps",
            "300",
            "--seed",
            "7",
        ],
        "",
    );
    assert_eq!(sim.status.code(), Some(0));
    let lines = stdout(&sim);
    let out = run(&["trace", "--json", "-"], &lines);
    let v = json_of(&out);
    let servers = v["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 5);
    let mut total = 0;
    for s in servers {
        let id = s["id"].as_str().unwrap();
        let alone: String = lines
            .lines()
            .filter(|l| l.contains(&format!("\"id\":{id:?}")))
            .map(|l| format!("{l}\n"))
            .collect();
        let one = json_of(&run(&["trace", "--json", "-"], &alone));
        for key in ["operations", "violations", "observations", "legal"] {
            assert_eq!(s[key], one[key], "{id} {key}");
        }
        total += s["observations"].as_u64().unwrap();
    }
    assert_eq!(v["observations"], total);
    assert_eq!(total, lines.lines().count() as u64);
}

/// A name from a newer Nova (read with --lenient) is reported under its
/// server, which is still legal; the other servers are untouched.
#[test]
fn fleet_unknown_names_are_reported_per_server() {
    let input = [
        doc(Some("a"), "ACTIVE", "active", None, 1),
        doc(Some("b"), "ACTIVE", "active", None, 1),
        doc(Some("b"), "ACTIVE", "active", Some("hibernating"), 1),
        doc(Some("a"), "ACTIVE", "active", Some("image_snapshot"), 1),
    ]
    .join("\n");
    assert_eq!(run(&["trace", "-"], &input).status.code(), Some(2));
    let out = run(&["trace", "--lenient", "--json", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json_of(&out);
    let b = server(&v, "b");
    assert_eq!(b["legal"], true);
    assert_eq!(b["unknown_names"][0]["at"], "#2", "{b}");
    assert!(server(&v, "a").get("unknown_names").is_none());
    assert_eq!(server(&v, "a")["operations"][0]["action"], "snapshot");
}

/// Nova's notifications for several instances (the simulator's, seeded):
/// each `uuid` is a server, traced as it would be alone.
#[test]
fn fleet_notifications_are_traced_per_uuid() {
    let sim = run(
        &[
            "simulate",
            "--servers",
            "3",
            "--steps",
            "60",
            "--seed",
            "3",
            "--notifications",
        ],
        "",
    );
    assert_eq!(sim.status.code(), Some(0));
    let lines = stdout(&sim);
    let v = json_of(&run(&["trace", "--json", "-"], &lines));
    assert_eq!(v["skipped_notifications"]["count"], 0, "{v}");
    let servers = v["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 3);
    for s in servers {
        let id = s["id"].as_str().unwrap();
        let alone: String = lines
            .lines()
            .filter(|l| l.contains(&format!("\"uuid\":{id:?}")))
            .map(|l| format!("{l}\n"))
            .collect();
        let one = json_of(&run(&["trace", "--json", "-"], &alone));
        for key in ["operations", "violations", "observations", "legal"] {
            assert_eq!(s[key], one[key], "{id} {key}");
        }
    }
}
