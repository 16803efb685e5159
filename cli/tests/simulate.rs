//! `nova-states simulate`: its output passes `nova-states trace` server by
//! server, its statuses are the projection's, it is byte-identical for the
//! same arguments, and --failures 0 takes no failure path.

#[path = "support/process.rs"]
mod process;
use process::run;

use nova_states::{status, PowerState, TaskState, VmState};

fn simulate(args: &[&str]) -> String {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each server's lines, fed to `trace`, are legal (exit 0); every line
/// has the fields a GET /servers/{id} body has, and its status is the
/// projection of its vm_state and task_state.
#[test]
fn simulate_passes_trace_and_the_projection() {
    for seed in ["1", "2", "3"] {
        for failures in ["0", "0.05"] {
            let text = simulate(&[
                "--seed",
                seed,
                "--steps",
                "400",
                "--servers",
                "3",
                "--failures",
                failures,
            ]);
            let docs = lines(&text);
            assert!(docs.len() > 100, "seed {seed}: {} lines", docs.len());
            let mut ids: Vec<String> = Vec::new();
            for d in &docs {
                let s = &d["server"];
                let vm: VmState = s["OS-EXT-STS:vm_state"].as_str().unwrap().parse().unwrap();
                let task: Option<TaskState> = s["OS-EXT-STS:task_state"]
                    .as_str()
                    .map(|t| t.parse().unwrap());
                let code = i128::from(s["OS-EXT-STS:power_state"].as_u64().unwrap());
                assert!(PowerState::from_code(code).is_ok(), "{s}");
                assert_eq!(s["status"].as_str().unwrap(), status(vm, task).as_str());
                assert!(s["updated"].as_str().unwrap().ends_with('Z'));
                assert!(s["nova-states:operation"].is_string());
                let id = s["id"].as_str().unwrap().to_owned();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            for id in ids {
                let own: String = text
                    .lines()
                    .filter(|l| l.contains(&id))
                    .map(|l| format!("{l}\n"))
                    .collect();
                let out = run(&["trace", "--json"], &own);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "seed {seed} failures {failures} server {id}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }
}

/// The same arguments give byte-identical output; --poll-every K prints
/// every K-th write of each server.
#[test]
fn simulate_is_deterministic() {
    let args = ["--seed", "7", "--steps", "300", "--servers", "2"];
    assert_eq!(simulate(&args), simulate(&args));
    let every = simulate(&["--seed", "7", "--steps", "300", "--servers", "1"]);
    let third = simulate(&[
        "--seed",
        "7",
        "--steps",
        "300",
        "--servers",
        "1",
        "--poll-every",
        "3",
    ]);
    let picked: Vec<&str> = every.lines().skip(2).step_by(3).collect();
    assert_eq!(third.lines().collect::<Vec<_>>(), picked);
}

/// --failures 0: no server goes into vm_state error unless an admin's
/// reset-state or a compute restart (which errors out a build or a
/// rebuild it finds in flight) wrote it: no failure path leads there.
#[test]
fn simulate_failures_zero() {
    let text = simulate(&[
        "--seed",
        "5",
        "--steps",
        "2000",
        "--servers",
        "3",
        "--failures",
        "0",
    ]);
    let mut last: std::collections::HashMap<String, String> = Default::default();
    for d in lines(&text) {
        let s = &d["server"];
        let vm = s["OS-EXT-STS:vm_state"].as_str().unwrap().to_owned();
        let before = last.insert(s["id"].as_str().unwrap().to_owned(), vm.clone());
        if vm == "error" && before.as_deref() != Some("error") {
            let op = s["nova-states:operation"].as_str().unwrap();
            assert!(op == "reset_state" || op == "restart", "{s}");
        }
    }
    let bad = run(&["simulate", "--failures", "2"], "");
    assert_eq!(bad.status.code(), Some(2));
}
