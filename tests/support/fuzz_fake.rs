//! The body of the `fake` fuzz target: a small fake Nova, correct on
//! purpose, driven by the fuzzer's bytes through the `arbitrary` legal walk
//! ([`LegalWalk`]) and checked step by step by the model checker for fakes
//! ([`FakeChecker`]): the checker must never find a divergence.
//!
//! What this catches: a checker that fails a fake Nova could match (it
//! promises never to), and a disagreement between the checker, `enabled`
//! and the relation. A harness author's own fake goes where [`Fake`] is.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/fake.rs`) and the seed
//! replay of the integration tests (feature `arbitrary`), so that the
//! committed seeds (fuzz/seeds/fake/) run on stable through exactly the code
//! libFuzzer runs. It uses nothing but nova-states (with `arbitrary`) and
//! arbitrary.

use arbitrary::{Arbitrary, Unstructured};
use nova_states::harness::fake::{FakeChecker, FakeStep, Moves};
use nova_states::harness::fuzzing::LegalWalk;
use nova_states::rules::FailurePoint;
use nova_states::{Action, Event, ServerState, VmState};

/// The fake: one server, the state the walk put it in. It answers a
/// request as the model does and reports its state after every event.
pub struct Fake {
    /// Its server's state.
    pub state: ServerState,
}

impl Fake {
    /// Whether it accepts a request for `action` now (a deleted server is
    /// not found; a launched server otherwise).
    pub fn accepts(&self, action: Action) -> bool {
        let s = self.state;
        s.vm != VmState::Deleted && action.accepts(s.vm, s.task, true)
    }
}

/// What the fake tells the checker about one event of the walk: the
/// request it stands for, if any (an accept, a further API write, a
/// failure of the API call), and whether the checker can follow it at all
/// (reset-state is an admin's request the checker has no step for).
fn request_of(event: Event) -> (Option<Action>, bool) {
    match event {
        Event::Accept(action) => (Some(action), true),
        Event::Write { action, edge } => {
            let api = action.edges().get(usize::from(edge)).is_some_and(|e| e.api);
            (api.then_some(action), true)
        }
        Event::Fail { action, phase, .. } => {
            let api = action
                .failure_phases()
                .get(usize::from(phase))
                .is_some_and(|p| matches!(p.at, FailurePoint::Api));
            (api.then_some(action), true)
        }
        Event::ResetState(_) => (None, false),
        Event::PowerObserved(_) | Event::ComputeRestart(_) | Event::ComputeRestartFails(_) => {
            (None, true)
        }
    }
}

/// The longest walk the fake plays: the checker closes over every state
/// Nova can reach on its own at each step, which costs milliseconds, so a
/// fuzzer is better served by many short walks than by few long ones.
pub const MAX_FAKE_STEPS: usize = 24;

/// The legal walk `data` decodes to ([`LegalWalk`]'s `Arbitrary`), cut at
/// [`MAX_FAKE_STEPS`].
pub fn walk(data: &[u8]) -> LegalWalk {
    let mut walk = LegalWalk::arbitrary(&mut Unstructured::new(data))
        .unwrap_or(LegalWalk { steps: Vec::new() });
    walk.steps.truncate(MAX_FAKE_STEPS);
    walk
}

/// Decodes `data` into a legal walk ([`walk`]) and runs [`check_walk`] on
/// it.
pub fn fake(data: &[u8]) {
    check_walk(&walk(data));
}

/// Plays `walk` on the fake and checks every step: before each event the
/// fake is also asked for one action it refuses (the `i`-th of
/// [`Action::ALL`] it refuses, `i` the step), then the event's request,
/// then its report. Panics at the first divergence; returns how many steps
/// the checker saw.
pub fn check_walk(walk: &LegalWalk) -> usize {
    let mut fake = Fake {
        state: ServerState::BUILD_REQUEST,
    };
    let mut nova = FakeChecker::with_moves(fake.state, Moves::ALL);
    let mut seen = 0;
    for (i, (event, next)) in walk.steps.iter().enumerate() {
        let refusing = || Action::ALL.iter().copied().filter(|a| !fake.accepts(*a));
        let refused = match refusing().count() {
            0 => None,
            n => refusing().nth(i % n),
        };
        if let Some(action) = refused {
            let step = FakeStep::Request {
                action,
                accepted: false,
            };
            if let Err(d) = nova.step(step) {
                panic!("step {i}: {} refused {action}: {d}", fake.state);
            }
            seen += 1;
        }
        let (request, followed) = request_of(*event);
        fake.state = *next;
        if !followed {
            nova = FakeChecker::with_moves(fake.state, Moves::ALL);
            continue;
        }
        if let Some(action) = request {
            let step = FakeStep::Request {
                action,
                accepted: true,
            };
            if let Err(d) = nova.step(step) {
                panic!("step {i}: {event:?}: {d}");
            }
            seen += 1;
        }
        if let Err(d) = nova.step(FakeStep::Reported(fake.state)) {
            panic!("step {i}: {event:?} to {}: {d}", fake.state);
        }
        seen += 1;
    }
    seen
}
