//! `nova-states trace` on Nova's versioned notifications
//! (tests/data/notifications: Nova's samples, plain and in oslo
//! envelopes), and `nova-states simulate --notifications`.

#[path = "support/process.rs"]
mod process;
use process::run_at_root as run;

use nova_states::read::{EventType, NotifiedAction, Phase};
use serde_json::Value;

fn data(name: &str) -> String {
    format!("tests/data/notifications/{name}")
}

fn trace_json(input: &str) -> (Option<i32>, Value) {
    let out = run(&["trace", "--json"], input);
    let text = String::from_utf8(out.stdout).unwrap();
    (
        out.status.code(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../{}", env!("CARGO_MANIFEST_DIR"), data(name))).unwrap()
}

/// The snapshot stream (instance.snapshot.start ... .end): legal, one
/// snapshot from the start to the end, through image_snapshot.
#[test]
fn trace_notification_snapshot() {
    let (code, v) = trace_json(&read("snapshot.jsonl"));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["legal"], true);
    assert_eq!(v["observations"], 2);
    let ops = v["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{v}");
    assert_eq!(ops[0]["action"], "snapshot");
    assert_eq!(ops[0]["from"], "instance.snapshot.start");
    assert_eq!(ops[0]["to"], "instance.snapshot.end");
    assert_eq!(ops[0]["phases"], serde_json::json!(["image_snapshot"]));
    assert_eq!(v["skipped_notifications"]["count"], 0, "{v}");
    // A stream of server documents says nothing of notifications.
    let doc = r#"{"server": {"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:task_state": null, "OS-EXT-STS:power_state": 1}}"#;
    let (code, v) = trace_json(doc);
    assert_eq!(code, Some(0), "{v}");
    assert!(v.get("skipped_notifications").is_none(), "{v}");
}

/// The same notifications inside oslo envelopes give the same output.
#[test]
fn trace_notification_oslo_envelope() {
    let plain = trace_json(&read("snapshot.jsonl"));
    let wrapped = trace_json(&read("snapshot-oslo.jsonl"));
    assert_eq!(plain, wrapped);
    // Mixed, line by line.
    let plain_lines: Vec<String> = read("snapshot.jsonl").lines().map(str::to_string).collect();
    let wrapped_lines: Vec<String> = read("snapshot-oslo.jsonl")
        .lines()
        .map(str::to_string)
        .collect();
    let mixed = format!("{}\n{}\n", wrapped_lines[0], plain_lines[1]);
    assert_eq!(trace_json(&mixed), plain);
}

/// Other kinds are skipped and counted, in JSON and in text.
#[test]
fn trace_notification_skipped_count() {
    let (code, v) = trace_json(&read("resize-error.jsonl"));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["observations"], 3);
    let skipped = &v["skipped_notifications"];
    assert_eq!(skipped["count"], 4, "{v}");
    assert_eq!(skipped["other"]["compute.exception"], 1);
    assert_eq!(skipped["other"]["scheduler.select_destinations.start"], 1);
    assert_eq!(skipped["unmapped"]["instance.exists"], 1);
    let out = run(&["trace", &data("create-delete.jsonl")], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("3 notifications of other kinds skipped: instance.shutdown.end x1, instance.shutdown.start x1, instance.update x1"),
        "{text}"
    );
    assert!(text.contains("delete or force_delete ended"), "{text}");
    // Nothing but other kinds: no observations (exit 2), and it says why.
    let others: String = read("resize-error.jsonl")
        .lines()
        .filter(|l| !l.contains("\"instance."))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = run(&["trace"], &others);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no observations") && err.contains("3 notifications of other kinds skipped"),
        "{err}"
    );
}

/// An `.error` is observed as the state before the failure and said so;
/// the `.start` that carries an unsaved task_state (reboot_pending_hard)
/// names the hard reboot.
#[test]
fn trace_notification_error_phase() {
    let out = run(&["trace", &data("reboot-error.jsonl")], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("first observation: reboot_hard in flight"),
        "{text}"
    );
    assert!(
        text.contains("failed here (an .error carries the state from before the failure)"),
        "{text}"
    );
}

/// A notification a trace cannot place (a deleted server coming back) is
/// a violation like any observation.
#[test]
fn trace_notification_violation() {
    let lines: Vec<String> = read("create-delete.jsonl")
        .lines()
        .map(str::to_string)
        .collect();
    let input = format!("{}\n{}\n", lines[lines.len() - 1], lines[1]);
    let (code, v) = trace_json(&input);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["violations"][0]["at"], "instance.create.end");
}

/// Malformed notifications are errors with their line (exit 2).
#[test]
fn trace_notification_bad_input() {
    let lines: Vec<String> = read("power.jsonl").lines().map(str::to_string).collect();
    let cases = [
        (
            lines[1].replace("\"power_state\": \"shutdown\"", "\"power_state\": \"on\""),
            "the payload's power_state: unknown power_state",
        ),
        (
            lines[1].replace("\"state\": \"stopped\"", "\"state\": null"),
            "the payload's state is null",
        ),
        (
            r#"{"event_type": "a.b", "payload": {}, "event_type": "c.d"}"#.to_string(),
            "duplicate key \"event_type\"",
        ),
        (
            r#"{"oslo.version": "3.0", "oslo.message": "{}"}"#.to_string(),
            "oslo.version \"3.0\": only envelope version 2.x is known",
        ),
        (
            r#"{"oslo.version": "2.0", "oslo.message": "{\"event_type\": 5}"}"#.to_string(),
            "in oslo.message, at its line 1 column",
        ),
    ];
    for (bad, expected) in cases {
        let input = format!("{}\n{bad}\n", lines[0]);
        let out = run(&["trace"], &input);
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

fn simulate(args: &[&str]) -> String {
    let mut all = vec!["simulate", "--notifications"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The simulator's notifications pass `trace`; every event type is one of
/// the table's that Nova sends with that phase; the same arguments give the
/// same bytes.
#[test]
fn simulate_notifications_pass_trace() {
    for failures in ["0", "0.1"] {
        let mut phases = [0usize; 3];
        for seed in ["1", "2", "3", "4", "5", "6"] {
            let args = ["--seed", seed, "--steps", "1500", "--failures", failures];
            let text = simulate(&args);
            assert_eq!(text, simulate(&args), "seed {seed}: not deterministic");
            for line in text.lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                let event = v["event_type"].as_str().unwrap();
                let EventType::Instance { action, phase } = EventType::parse(event).unwrap() else {
                    panic!("{event}: not mapped")
                };
                assert!(NotifiedAction::find(action.name).is_some_and(|r| r.sends(phase)));
                let data = &v["payload"]["nova_object.data"];
                assert!(data["power_state"].is_string(), "{line}");
                match phase {
                    Phase::Start => phases[0] += 1,
                    Phase::End => phases[1] += 1,
                    _ => phases[2] += 1,
                }
            }
            let (code, v) = trace_json(&text);
            assert_eq!(code, Some(0), "seed {seed} failures {failures}: {v}");
            assert_eq!(v["observations"], text.lines().count());
        }
        assert!(phases[0] > 30 && phases[1] > 30, "{phases:?}");
        assert_eq!(
            failures == "0",
            phases[2] == 0,
            "failures {failures}: {phases:?}"
        );
    }
}

/// --poll-every thins server bodies, not notifications: refused with them.
#[test]
fn simulate_notifications_refuse_poll_every() {
    let out = run(&["simulate", "--notifications", "--poll-every", "3"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("--poll-every"));
}
