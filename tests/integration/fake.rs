//! The model checker for fakes: the simulator (a fake that follows the
//! model) always passes, Nova free to make every move; the example's hand-written fake diverges where
//! Nova would refuse, and the divergence says why.

use nova_states::harness::fake::{Divergence, FakeChecker, FakeStep};
use nova_states::harness::sim::{Config, Server, Simulator};
use nova_states::{Action, Event, RejectedField, VmState};

#[allow(dead_code)]
#[path = "../../examples/fake_checker.rs"]
mod example;

/// Everything the simulator does, told as a fake's requests and reports,
/// is something Nova could have done.
#[test]
fn fake_checker_passes_the_simulator() {
    for seed in 0..3 {
        let mut sim = Simulator::new(seed, Config::DEFAULT, [Server::new(seed, 0)]);
        let mut nova = FakeChecker::new(sim.servers()[0].state);
        for _ in 0..80 {
            let Some(w) = sim.step() else { break };
            if let Event::Accept(action) = w.event {
                nova.step(FakeStep::Request {
                    action,
                    accepted: true,
                })
                .unwrap_or_else(|d| panic!("seed {seed}: {d}"));
            }
            // (API writes by other edges and API failures are requests too.)
            if !matches!(w.event, Event::Accept(_)) && w.operation.as_str() != "power_sync" {
                if let Some(action) = requested(w.event) {
                    nova.step(FakeStep::Request {
                        action,
                        accepted: true,
                    })
                    .unwrap_or_else(|d| panic!("seed {seed}: {d}"));
                }
            }
            let reset = matches!(w.event, Event::ResetState(_));
            if reset {
                // reset-state is an admin request; start over from its result.
                nova = FakeChecker::new(w.after);
                continue;
            }
            nova.step(FakeStep::Reported(w.after))
                .unwrap_or_else(|d| panic!("seed {seed}: {w:?}: {d}"));
        }
    }
}

fn requested(event: Event) -> Option<Action> {
    match event {
        Event::Write { action, edge } => action
            .edges()
            .get(usize::from(edge))
            .filter(|e| e.api)
            .map(|_| action),
        Event::Fail { action, phase, .. } => action
            .failure_phases()
            .get(usize::from(phase))
            .filter(|p| p.at == nova_states::rules::FailurePoint::Api)
            .map(|_| action),
        _ => None,
    }
}

/// The example's fake passes a session Nova agrees with, and diverges at
/// the second stop: Nova refuses to stop a stopped server (409, vm_state).
#[test]
fn fake_checker_finds_the_example_fakes_bug() {
    assert_eq!(
        example::check(&[Action::Snapshot, Action::Stop, Action::Start]),
        Ok(())
    );
    let err = example::check(&[Action::Stop, Action::Stop]).unwrap_err();
    match err {
        Divergence::NovaRefuses {
            step, rejection, ..
        } => {
            assert_eq!(step, 2);
            assert_eq!(rejection.field, RejectedField::VmState);
            assert_eq!(rejection.vm_state, VmState::Stopped);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("stop"), "{err}");
}
