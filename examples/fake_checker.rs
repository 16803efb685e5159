//! A small fake Nova checked against the model.
//!
//! `TinyFake` is what a client's test suite might write by hand: it knows
//! stop, start and snapshot, and it has the bug such fakes often have (it
//! lets a stopped server be stopped again). `check` runs a session through
//! it and hands what it did to `nova_states::harness::fake::FakeChecker`, which
//! names the first step Nova could not have taken.
//!
//! Run it: `cargo run --example fake_checker`. The integration tests run
//! `check` too (tests/integration/fake.rs).

use nova_states::harness::fake::{Divergence, FakeChecker, FakeStep, Moves};
use nova_states::{Action, PowerState, ServerState, TaskState, VmState};

/// The fake: a state, and instant (or two-step) transitions.
pub struct TinyFake {
    pub state: ServerState,
}

impl TinyFake {
    pub fn new() -> TinyFake {
        TinyFake {
            state: ServerState {
                vm: VmState::Active,
                task: None,
                power: PowerState::Running,
            },
        }
    }

    /// Answers a request: true if accepted. Work finishes at the next GET.
    pub fn request(&mut self, action: Action) -> bool {
        let s = &mut self.state;
        match (action, s.vm, s.task) {
            // The bug: Nova's stop needs active or error (api.py @check_instance_state).
            (Action::Stop, VmState::Active | VmState::Stopped, None) => {
                s.task = Some(TaskState::PoweringOff);
                true
            }
            (Action::Start, VmState::Stopped, None) => {
                s.task = Some(TaskState::PoweringOn);
                true
            }
            (Action::Snapshot, VmState::Active | VmState::Stopped, None) => {
                s.task = Some(TaskState::ImageSnapshotPending);
                true
            }
            _ => false,
        }
    }

    /// GET /servers/{id}: whatever was running has finished.
    pub fn get(&mut self) -> ServerState {
        let s = &mut self.state;
        match s.task {
            Some(TaskState::PoweringOff) => {
                *s = ServerState {
                    vm: VmState::Stopped,
                    task: None,
                    power: PowerState::Shutdown,
                }
            }
            Some(TaskState::PoweringOn) => {
                *s = ServerState {
                    vm: VmState::Active,
                    task: None,
                    power: PowerState::Running,
                }
            }
            Some(_) => s.task = None,
            None => {}
        }
        *s
    }
}

impl Default for TinyFake {
    fn default() -> Self {
        TinyFake::new()
    }
}

/// Runs `session` through the fake (a GET after every request) and checks
/// what it did against the model.
pub fn check(session: &[Action]) -> Result<(), Divergence> {
    let mut fake = TinyFake::new();
    // The fake never fails, restarts or syncs power: hold it to that.
    let mut nova = FakeChecker::with_moves(fake.state, Moves::WRITES);
    for &action in session {
        let accepted = fake.request(action);
        nova.step(FakeStep::Request { action, accepted })?;
        nova.step(FakeStep::Reported(fake.get()))?;
    }
    Ok(())
}

fn main() {
    let good = [Action::Snapshot, Action::Stop, Action::Start];
    println!("{good:?}: {:?}", check(&good));
    let bad = [Action::Stop, Action::Stop];
    match check(&bad) {
        Ok(()) => println!("{bad:?}: Nova could have done the same"),
        Err(d) => println!("{bad:?}: {d}"),
    }
}
