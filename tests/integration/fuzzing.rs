//! The `arbitrary` feature: every value of every enum can come out, and a
//! `LegalWalk` from any bytes is legal (oracle invariants, the BFS
//! reachable set, the validator).
#![cfg(feature = "arbitrary")]

use arbitrary::{Arbitrary, Unstructured};
use nova_states::harness::fuzzing::LegalWalk;
use nova_states::harness::sim::SplitMix64;
use nova_states::{apply, Action, Event, Observation, ServerState, Validator, VmState};

use crate::support::oracle::{check_edge, reachable};

fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut r = SplitMix64::new(seed);
    (0..len).map(|_| r.next_u64() as u8).collect()
}

#[test]
fn arbitrary_legal_walk_is_legal() {
    let mut longest = 0;
    for seed in 0..300 {
        let data = bytes(seed, 1 + (seed as usize * 7) % 600);
        let walk = LegalWalk::arbitrary(&mut Unstructured::new(&data)).unwrap();
        longest = longest.max(walk.steps.len());
        let mut state = ServerState::BUILD_REQUEST;
        let mut v = Validator::new();
        for (event, next) in &walk.steps {
            let result = apply(state, *event);
            check_edge(state, *event, &result);
            assert_eq!(result, Ok(*next));
            assert!(reachable()[next.index()]);
            let obs = Observation {
                vm: next.vm,
                task: next.task,
                power: Some(next.power),
                status: Some(next.status()),
            };
            v.observe(obs)
                .unwrap_or_else(|e| panic!("seed {seed}: {next}: {e}"));
            state = *next;
        }
        assert_eq!(walk.last(), state);
    }
    assert!(longest > 100);
}

#[test]
fn arbitrary_covers_every_value() {
    let mut vms = std::collections::HashSet::new();
    let mut actions = std::collections::HashSet::new();
    let mut events = 0;
    let data = bytes(1, 200_000);
    let mut u = Unstructured::new(&data);
    for _ in 0..20_000 {
        vms.insert(VmState::arbitrary(&mut u).unwrap());
        actions.insert(Action::arbitrary(&mut u).unwrap());
        let _: Event = Event::arbitrary(&mut u).unwrap();
        let s = ServerState::arbitrary(&mut u).unwrap();
        assert!(s.index() < ServerState::COUNT);
        events += 1;
    }
    assert_eq!(vms.len(), VmState::COUNT);
    assert_eq!(actions.len(), Action::COUNT);
    assert_eq!(events, 20_000);
}
