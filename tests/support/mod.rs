//! What the tests share: small helpers written once, the oracle and the
//! fuzz bodies.
//!
//! Included by the integration tests (tests/integration/main.rs) as
//! `support`. The property tests (tests/proptest/main.rs) and the fuzz
//! targets (fuzz/fuzz_targets/) include single files of it by `#[path]`
//! (oracle.rs, pair.rs, fuzz_*.rs), which is why those files depend on
//! nothing here but each other.

use std::path::PathBuf;

use nova_states::{Observation, PowerState, ServerState, TaskState, VmState};

pub mod fuzz_events;
#[cfg(feature = "arbitrary")]
pub mod fuzz_fake;
pub mod fuzz_parse;
pub mod fuzz_trace;
pub mod oracle;
pub mod pair;
pub mod wait_paths;

/// The text of a file in tests/data/corpus (real server documents and
/// their INDEX.md).
#[track_caller]
pub fn corpus_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/corpus")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of a golden table (tests/golden/*.tsv), each split at its
/// tabs. Only comment lines (`#`) are skipped: any other line is a row,
/// so a stray empty line fails the caller's parse of it.
pub fn golden_rows(table: &str) -> impl Iterator<Item = Vec<&str>> {
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// Every (vm_state, task_state) cell, vm_state by vm_state, each in its
/// `ALL` order (task_state null first).
pub fn cells() -> Vec<(VmState, Option<TaskState>)> {
    VmState::ALL
        .into_iter()
        .flat_map(|vm| {
            TaskState::ALL_OR_NULL
                .into_iter()
                .map(move |task| (vm, task))
        })
        .collect()
}

/// A server in this vm_state and task_state, powered on.
pub fn state(vm: VmState, task: Option<TaskState>) -> ServerState {
    ServerState {
        vm,
        task,
        power: PowerState::Running,
    }
}

/// A polled observation with only the two state fields.
pub fn obs(vm: VmState, task: Option<TaskState>) -> Observation {
    Observation {
        vm,
        task,
        power: None,
        status: None,
    }
}
