//! `nova-states wait` on the repository's real inputs (issue #13, "done
//! when"): the imaging article's polled snapshot and every corpus document.
//! Each verdict is checked against the library's `Waiter` fed the same
//! (vm_state, task_state), read independently (by `explain`, or by
//! splitting the sample's lines here).

#[path = "support/process.rs"]
mod process;
use process::run;

use std::path::PathBuf;

use nova_states::machine::{WaitProgress, Waiter};
use nova_states::{Action, Pair, TaskState, VmState};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
}

fn exit_code(progress: WaitProgress) -> i32 {
    match progress {
        WaitProgress::Done => 0,
        WaitProgress::Failed => 1,
        WaitProgress::InProgress => 3,
        WaitProgress::Impossible => 4,
    }
}

/// The sample's polls as (label, vm_state, task_state), read by splitting
/// its lines ("17:14:48   status: ACTIVE   vm_state: active   task_state:
/// image_snapshot ...").
fn sample_polls(text: &str) -> Vec<(String, VmState, Option<TaskState>)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && l.contains("vm_state:"))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let after = |key: &str| {
                let i = words.iter().position(|w| *w == key).unwrap();
                words[i + 1]
            };
            let vm: VmState = after("vm_state:").parse().unwrap();
            let task = match after("task_state:") {
                "null" => None,
                t => Some(t.parse::<TaskState>().unwrap()),
            };
            (words[0].to_string(), vm, task)
        })
        .collect()
}

/// The article's snapshot, fed from the request on (its first two polls
/// were made before the request: a snapshot's API writes image_snapshot
/// before it answers, so every poll after it shows a task or the end).
#[test]
fn wait_follows_the_seed_snapshot_to_done_at_the_first_null_task() {
    let text = std::fs::read_to_string(data("seed-snapshot.txt")).unwrap();
    let first = text
        .lines()
        .position(|l| !l.starts_with('#') && l.contains("task_state: image_"))
        .unwrap();
    let from_request: String = text.lines().skip(first).map(|l| format!("{l}\n")).collect();
    let polls = sample_polls(&from_request);
    assert!(polls.len() > 5);
    let out = run(
        &[
            "wait", "--action", "snapshot", "--from", "active", "--json", "-",
        ],
        &from_request,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["final"], "done");
    let verdicts = v["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), polls.len());
    let mut waiter = Waiter::new(Action::Snapshot, VmState::Active);
    for ((label, vm, task), verdict) in polls.iter().zip(verdicts) {
        assert_eq!(verdict["at"], label.as_str());
        let expected = waiter.observe(*vm, *task).progress;
        assert_eq!(verdict["verdict"], expected.as_str(), "at {label}");
        // In progress exactly while a task is set; done from the first
        // null task on.
        let want = if task.is_some() {
            WaitProgress::InProgress
        } else {
            WaitProgress::Done
        };
        assert_eq!(expected, want, "at {label}");
    }
    let done_at = verdicts
        .iter()
        .find(|v| v["verdict"] == "done")
        .map(|v| v["at"].clone());
    assert_eq!(done_at, Some("17:16:26".into()));
}

/// Every corpus document through `wait` for a few (action, start): the
/// verdict is the `Waiter`'s on the (vm_state, task_state) `explain` reads;
/// a document `wait` cannot follow (a list, no vm_state, an inferred
/// vm_state without a task_state) is refused with exit 2 and a located
/// message.
#[test]
fn wait_reads_every_corpus_document_and_agrees_with_the_waiter() {
    let cases = [
        (Action::Stop, VmState::Active),
        (Action::Start, VmState::Stopped),
        (Action::Rebuild, VmState::Stopped),
        (Action::Unshelve, VmState::ShelvedOffloaded),
        (Action::Unrescue, VmState::Rescued),
    ];
    let mut judged = 0;
    let mut refused = 0;
    for entry in std::fs::read_dir(data("corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file = path.to_str().unwrap();
        let explain = run(&["explain", file, "--json"], "");
        let e: serde_json::Value = serde_json::from_slice(&explain.stdout).unwrap();
        // A list of one server is that server; of several, refused.
        let one = match e.get("servers").and_then(|s| s.as_array()) {
            Some(list) if list.len() == 1 => Some(&list[0]),
            Some(_) => None,
            None => Some(&e),
        };
        let pair = one.and_then(|e| match (&e["vm_state"], &e["vm_state_inferred"]) {
            (serde_json::Value::String(vm), serde_json::Value::Bool(false)) => {
                let task = e["task_state"]
                    .as_str()
                    .map(|t| t.parse::<TaskState>().unwrap());
                Some(Pair {
                    vm: vm.parse().unwrap(),
                    task,
                })
            }
            _ => None,
        });
        for (action, from) in cases {
            let out = run(
                &[
                    "wait",
                    "--action",
                    action.as_str(),
                    "--from",
                    from.as_str(),
                    "--json",
                    file,
                ],
                "",
            );
            let Some(pair) = pair else {
                assert_eq!(out.status.code(), Some(2), "{file}");
                // With --json the error is a JSON object, located.
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(v["error"]["line"], 1, "{file}: {v}");
                assert!(v["error"]["message"].is_string(), "{file}: {v}");
                refused += 1;
                continue;
            };
            let expected = Waiter::new(action, from).judge(pair).progress;
            assert_eq!(
                out.status.code(),
                Some(exit_code(expected)),
                "{file} {action} from {from}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["final"], expected.as_str(), "{file} {action}");
            judged += 1;
        }
    }
    assert!(
        judged > 100 && refused > 0,
        "{judged} judged, {refused} refused"
    );
}
