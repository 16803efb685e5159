//! The body of the `trace` fuzz target: the validator's answer against a
//! brute-force reachability check over the relation.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/trace.rs`, beside
//! `pair.rs`) and the seed replay of the integration tests.

use nova_states::machine::all_events;
use nova_states::{apply, Observation, Pair, ServerState, Validator, Violation, VmState};
use std::sync::OnceLock;

use super::pair::{is_admin_reset, pair};

/// Pair adjacency from every legal edge of the relation (reset-state
/// excluded), computed once.
fn adjacency() -> &'static Vec<Vec<usize>> {
    static ADJ: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    ADJ.get_or_init(|| {
        let mut adj = vec![Vec::new(); Pair::COUNT];
        for state in ServerState::all() {
            for event in all_events() {
                if is_admin_reset(event) {
                    continue;
                }
                if let Ok(next) = apply(state, event) {
                    let (a, b) = (pair(state).index(), pair(next).index());
                    if !adj[a].contains(&b) {
                        adj[a].push(b);
                    }
                }
            }
        }
        adj
    })
}

/// Breadth-first search: is `to` reachable from `from`?
fn brute_reaches(from: Pair, to: Pair) -> bool {
    let adj = adjacency();
    let mut seen = vec![false; Pair::COUNT];
    let mut queue = vec![from.index()];
    seen[from.index()] = true;
    while let Some(i) = queue.pop() {
        if i == to.index() {
            return true;
        }
        for &j in &adj[i] {
            if !seen[j] {
                seen[j] = true;
                queue.push(j);
            }
        }
    }
    false
}

/// Pairs reachable from a fresh build, by brute force.
fn brute_possible(p: Pair) -> bool {
    static POSSIBLE: OnceLock<Vec<bool>> = OnceLock::new();
    POSSIBLE.get_or_init(|| {
        let start = pair(ServerState::BUILD_REQUEST);
        (0..Pair::COUNT)
            .map(|i| Pair::from_index(i).is_some_and(|p| brute_reaches(start, p)))
            .collect()
    })[p.index()]
}

/// Bytes to observations (two bytes each: a pair index), fed to the
/// validator; every answer must agree with the brute-force check.
pub fn trace(data: &[u8]) {
    let mut v = Validator::new();
    let mut prev: Option<Pair> = None;
    for chunk in data.chunks_exact(2) {
        let index = (usize::from(chunk[0]) << 8 | usize::from(chunk[1])) % Pair::COUNT;
        let Some(p) = Pair::from_index(index) else {
            continue;
        };
        let obs = Observation {
            vm: p.vm,
            task: p.task,
            power: None,
            status: None,
        };
        let answer = v.observe(obs);
        if !brute_possible(p) {
            assert_eq!(
                answer,
                Err(Violation::ImpossiblePair {
                    vm: p.vm,
                    task: p.task
                })
            );
            continue;
        }
        match prev {
            None => assert!(answer.is_ok(), "{answer:?}"),
            Some(q) => {
                let reset = p.task.is_none()
                    && matches!(p.vm, VmState::Active | VmState::Error)
                    && q.vm != VmState::Deleted;
                let legal = brute_reaches(q, p) || reset;
                assert_eq!(answer.is_ok(), legal, "{q:?} -> {p:?}: {answer:?}");
                if let Ok(step) = answer {
                    // The operations named are in flight at p, or ended / jumped.
                    if p.task.is_some() {
                        for a in step.operations.iter() {
                            assert!(a.in_flight(p.vm, p.task), "{a} named at {p:?}");
                        }
                    }
                }
            }
        }
        if answer.is_ok() {
            prev = Some(p);
        }
    }
}
