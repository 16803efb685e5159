//! The integration tests, one binary, one module per subject.
//!
//! - [`wire`]: every wire name both ways, aliases, unknown names.
//! - [`projection`]: (vm_state, task_state) to status against Nova's
//!   golden table, its reverses and the list filter.
//! - [`actions`]: preconditions against Nova's decorators, messages, chains,
//!   outcomes, waits, the power sync and restart recovery.
//! - [`relation`]: the invariants of the transition relation, one named
//!   test each (docs/invariants.md), and the exhaustive exploration.
//! - [`distance`]: the fewest operations behind a step, against a
//!   brute-force search over the relation.
//! - [`enabled`]: what can happen now (`machine::enabled`, `Run`) and
//!   the two traps of a hand-written harness.
//! - [`sim`]: the simulator's writes against the relation and the
//!   validator.
//! - [`fuzzing`]: the `arbitrary` feature (`LegalWalk` legal from any
//!   bytes).
//! - [`fake`]: the model checker for fakes, on the simulator and on
//!   the example's fake (examples/fake_checker.rs).
//! - [`failures`]: one named test per action and failure point, each with
//!   the Nova line that decides it.
//! - [`documents`]: reading real server documents (tests/data/corpus).
//! - [`notifications`]: Nova's versioned notifications (tests/data/notifications),
//!   the table to the model's actions, the simulator's notifications.
//! - [`trace`]: the trajectory validator and the capture tracker.
//! - [`waiter`]: the waiter, proved over every path of every action.
//! - [`bad_inputs`]: the catalogue of bad inputs, each with its exact
//!   typed error.
//! - [`fuzz_replay`]: the committed fuzz seeds replayed through the fuzz
//!   bodies on stable.
//!
//! [`support`] (tests/support/) holds what the modules share with each
//! other, with the property tests and with the fuzz targets.

#[path = "../support/mod.rs"]
mod support;

mod actions;
mod bad_inputs;
mod distance;
mod documents;
mod enabled;
mod failures;
mod fake;
mod fuzz_replay;
mod fuzzing;
mod notifications;
mod preflight;
mod projection;
mod relation;
mod sim;
mod trace;
mod waiter;
mod wire;
