//! The simulator (`nova_states::harness::sim`): every write a step of the relation,
//! each server's writes a gap-free legal trace from its build that the
//! validator accepts, deterministic, and no failure path at rate 0.

use nova_states::harness::sim::{Config, Operation, Server, Simulator, Write};
use nova_states::machine::reachable_from_build;
use nova_states::{apply, Event, Observation, ServerState, Validator};

fn run(seed: u64, config: Config, servers: usize, steps: usize) -> (Vec<Write>, Vec<Server>) {
    let fleet: Vec<Server> = (0..servers as u64).map(|i| Server::new(seed, i)).collect();
    let mut sim = Simulator::new(seed, config, fleet);
    let writes: Vec<Write> = (0..steps).map_while(|_| sim.step()).collect();
    (writes, sim.servers().to_vec())
}

/// Every write is `apply(before, event) == after`, chains from the last
/// write of its server (from the build request), changes the state, stays
/// in the reachable set, and the clock increases.
#[test]
fn sim_writes_are_relation_steps() {
    let reach = reachable_from_build();
    for seed in 0..20 {
        let (writes, _) = run(seed, Config::DEFAULT, 3, 2000);
        assert!(!writes.is_empty());
        let mut last = [ServerState::BUILD_REQUEST; 3];
        let mut clock = 0;
        for w in &writes {
            assert_eq!(apply(w.before, w.event), Ok(w.after), "seed {seed}: {w:?}");
            assert_eq!(w.before, last[w.server], "seed {seed}: a gap before {w:?}");
            assert_ne!(w.before, w.after);
            assert!(reach.contains(w.after));
            assert!(w.at > clock);
            clock = w.at;
            last[w.server] = w.after;
        }
    }
}

/// Each server's states, in order, pass the trajectory validator.
#[test]
fn sim_traces_pass_the_validator() {
    for seed in 0..20 {
        let (writes, servers) = run(seed, Config::DEFAULT, 4, 3000);
        for (i, _) in servers.iter().enumerate() {
            let mut v = Validator::new();
            let states = std::iter::once(ServerState::BUILD_REQUEST)
                .chain(writes.iter().filter(|w| w.server == i).map(|w| w.after));
            for s in states {
                let obs = Observation {
                    vm: s.vm,
                    task: s.task,
                    power: Some(s.power),
                    status: Some(s.status()),
                };
                v.observe(obs)
                    .unwrap_or_else(|e| panic!("seed {seed} server {i}: {s}: {e}"));
            }
        }
    }
}

/// The same seed and configuration give the same writes; another seed
/// gives others.
#[test]
fn sim_is_deterministic() {
    let a = run(42, Config::DEFAULT, 3, 500);
    let b = run(42, Config::DEFAULT, 3, 500);
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    assert_ne!(a.0, run(43, Config::DEFAULT, 3, 500).0);
}

/// At failure rate 0 no failure path is taken: no `Fail`, no failed
/// restart; at the default rate some are.
#[test]
fn sim_failures_zero_means_none() {
    let calm = Config {
        failures: 0,
        ..Config::DEFAULT
    };
    for seed in 0..20 {
        let (writes, _) = run(seed, calm, 3, 2000);
        assert!(writes
            .iter()
            .all(|w| !matches!(w.event, Event::Fail { .. } | Event::ComputeRestartFails(_))));
    }
    let failed = (0..20)
        .flat_map(|seed| run(seed, Config::DEFAULT, 3, 2000).0)
        .filter(|w| matches!(w.event, Event::Fail { .. }))
        .count();
    assert!(failed > 0);
}

/// The simulator reaches far: many states and every kind of operation.
#[test]
fn sim_covers_the_model() {
    let mut seen = std::collections::HashSet::new();
    let mut ops = std::collections::HashSet::new();
    for seed in 0..20 {
        for w in run(seed, Config::DEFAULT, 4, 3000).0 {
            seen.insert(w.after);
            ops.insert(match w.operation {
                Operation::Action(_) => "action",
                other => other.as_str(),
            });
        }
    }
    assert!(seen.len() > 200, "only {} states", seen.len());
    assert_eq!(ops.len(), 4, "{ops:?}");
}
