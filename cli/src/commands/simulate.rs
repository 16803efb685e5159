//! `nova-states simulate`: a seeded fake Nova, one server body per write
//! (or, with `--notifications`, the notifications Nova would send).

use crate::*;

/// `nova-states simulate`: the simulator's writes as server documents.
pub(crate) fn cmd_simulate(args: SimulateArgs, out: &mut Out) -> Result<u8, Fail> {
    use nova_states::harness::sim::{Config, Server, Simulator};
    if !(0.0..=1.0).contains(&args.failures) {
        return Err(unreadable(format!(
            "--failures {} is not a rate between 0 and 1",
            args.failures
        )));
    }
    if args.notifications && args.poll_every != 1 {
        return Err(unreadable(
            "--poll-every thins server bodies; --notifications prints every notification",
        ));
    }
    if args.servers == 0 || args.poll_every == 0 {
        return Err(unreadable("--servers and --poll-every must be at least 1"));
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let failures = (args.failures * 1_000_000.0).round() as u32;
    let config = Config {
        failures,
        ..Config::DEFAULT
    };
    let fleet: Vec<Server> = (0..args.servers)
        .map(|i| Server::new(args.seed, i))
        .collect();
    let mut written = vec![0usize; fleet.len()];
    let mut sim = Simulator::new(args.seed, config, fleet);
    for _ in 0..args.steps {
        let Some(w) = sim.step() else { break };
        if args.notifications {
            let Some(server) = sim.servers().get(w.server) else {
                continue;
            };
            for notice in w.notifications(server.id).into_iter().flatten() {
                writeln!(out, "{}", json!(notice))?;
            }
            continue;
        }
        let Some(count) = written.get_mut(w.server) else {
            continue;
        };
        *count += 1;
        if *count % args.poll_every != 0 {
            continue;
        }
        let Some(server) = sim.servers().get(w.server) else {
            continue;
        };
        let body = json!({"server": w.document(server.id)});
        writeln!(out, "{body}")?;
    }
    Ok(0)
}
