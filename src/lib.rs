//! The exact, machine-checked model of an OpenStack Compute (Nova) server's
//! life cycle, as Nova's code computes it.
//!
//! Nova reports three fields for every server, `OS-EXT-STS:vm_state`
//! ([`VmState`]), `OS-EXT-STS:task_state` (`Option<`[`TaskState`]`>`) and
//! `OS-EXT-STS:power_state` (`Option<`[`PowerState`]`>`), and derives from the
//! first two the `status` users see ([`ServerStatus`]). This crate holds
//! those vocabularies, the projection ([`status`]) and its reverse
//! ([`ServerStatus::preimage`]), what `GET /servers?status=X` really filters
//! on ([`ListFilter`]), and a reader for the state part of server documents
//! ([`ServerDocument`]), as pure data and pure functions: no I/O, no
//! allocation, `no_std`.
//!
//! # Examples
//!
//! ```
//! use nova_states::{status, ServerStatus, TaskState, VmState};
//!
//! let vm: VmState = "stopped".parse()?;
//! let task: TaskState = "resize_migrating".parse()?;
//! assert_eq!(status(vm, Some(task)), ServerStatus::Resize);
//!
//! // Unknown input is a typed error naming the field, never a default.
//! let err = "powering_of".parse::<TaskState>().unwrap_err();
//! assert!(err.to_string().starts_with("unknown task_state \"powering_of\""));
//! # Ok::<(), nova_states::ParseError>(())
//! ```
//!
//! # Wire names
//!
//! Every name is spelled once, in the enum's declaration; `as_str`,
//! `Display`, `FromStr` and serde all use it. Nova mixes hyphens into
//! snake_case (`soft-delete`, `powering-off`, `powering-on`,
//! `soft-deleting`), so no case rule is applied anywhere. Spellings seen in
//! the wild (`build`, `soft_deleted`, `powering_off`, `stopping`, the
//! `openstack server show` power labels, ...) are accepted on input, listed
//! with where they were seen (`ALIASES` on each type), and never printed.
//! Statuses are matched ignoring ASCII case, as Nova's list filter does.
//!
//! # The list-filter trap
//!
//! `GET /servers?status=ACTIVE` does **not** return exactly the servers
//! whose status is `ACTIVE`: it also returns those showing `REBOOT`,
//! `RESIZE`, `MIGRATING`, ... See [`ListFilter`].
//!
//! # Crate features
//!
//! - `serde` (off by default): `Serialize`/`Deserialize` for every state
//!   type (power states as Nova's integer codes) and for [`ServerDocument`].
//!   Still `no_std` and allocation-free.
//! - `proptest` (off by default): [`harness::strategies`], proptest strategies for
//!   any state, any state Nova can produce, legal event sequences from a
//!   fresh build (shrinking keeps them legal) and polled trajectories.
//!   **Pulls `std`** (proptest does): the module alone links it
//!   (`extern crate std` inside it), the rest stays `no_std`. Needs
//!   proptest's own MSRV, newer than the crate's.
//! - `arbitrary` (off by default): `arbitrary::Arbitrary` for every enum,
//!   [`ServerState`] and [`Event`], and [`harness::fuzzing::LegalWalk`] (fuzzer
//!   bytes decoded into a legal event sequence). **Pulls `std`**
//!   (arbitrary does); builds with Rust 1.81.
//!
//! The crate is `#![no_std]` with no `std` feature to turn on: thiserror 2
//! implements `core::error::Error` (Rust 1.81+). CI builds it for
//! `thumbv7em-none-eabihf`, with and without `serde` (not with the
//! harness features, which need `std`).
//!
//! The minimum supported Rust version is 1.81: CI builds the library with
//! Rust 1.81.0, with and without `serde`, for the host and for
//! `thumbv7em-none-eabihf`.
//!
//! # Actions, the relation, and traces
//!
//! [`Action`] covers every state-guarded operation of `nova.compute.api.API`
//! plus create, migrate and reset-state: [`Action::check`] (Nova's
//! preconditions and messages), [`Action::allowed`] ("what can I do now"),
//! [`Action::edges`] (every task_state write and its guard),
//! [`Action::outcome`], [`Action::failure_phases`], [`Action::disk_capture`] and
//! [`WaitFor`]. [`apply`] is the transition relation on
//! (vm_state, task_state, power_state); [`Validator`] checks polled
//! sequences against it with constant work per step.
//! [`machine::enabled`] lists the events the relation accepts in a state
//! and [`machine::Run`] the next writes of one run of an action: where a
//! fuzzing or property-testing harness starts (its docs name the two traps
//! of a harness written by hand).
//!
//! # Layers
//!
//! The modules are the crate's four layers, each standing on the ones
//! before it (`docs/architecture.md` draws them):
//!
//! - [`wire`]: what Nova says. The vocabularies and the sets over them.
//! - [`rules`]: what Nova does. The cited tables: the projection, one row
//!   per action, the compute service's own decisions.
//! - [`machine`]: what follows. The relation, in-flight sets, outcomes,
//!   exploration, what to wait for; computed, no new facts.
//! - [`read`]: what you observe. Server documents and polled traces.
//!
//! Beside them, for harnesses: [`harness::sim`], a seeded, deterministic fake Nova
//! built on [`machine::enabled`] and [`machine::Run`]; [`harness::fake`], a model
//! checker for fakes (could Nova have answered and reported the same?).
//!
//! The names most programs need are re-exported here; the rest are reached
//! through their module.
//!
//! # Errors
//!
//! Each layer has its error, and every one carries the input it refused:
//! [`ParseError`] (a name or code, with the [`Field`]), [`Rejection`] (an
//! action refused by its precondition, rendering Nova's 409),
//! [`TransitionError`] (an event the relation refuses), [`Inconsistency`]
//! (a document Nova cannot produce) and [`Violation`] (an impossible step in
//! a trace). All are small `Copy` values, `#[non_exhaustive]` where they are
//! enums, and implement `core::error::Error`.
//!
//! # What is not modelled
//!
//! The rules are those of a server's state. Nova also refuses requests for
//! reasons that are not state: a locked server (`@check_instance_lock`), a
//! policy that needs an admin, a down compute host, quotas, images, and
//! microversion gates; none of these is in the tables yet. The relation
//! models a server that has launched (`launched_at` set);
//! [`Action::check`] takes `launched` explicitly for the rest. A deleted
//! server is gone for the API (404): [`apply`] refuses every event on it.
//!
//! # Generated documentation
//!
//! `docs/states.md`, `docs/status.md`, `docs/actions.md`, `docs/matrix.md`
//! (every possible state against every action, with the HTTP status of each
//! refusal, [`Action::refusal_status`]), the diagrams in
//! `docs/diagrams/`, `docs/model.json` and the reachability table behind
//! [`Pair::reaches`] are written from the tables by `cargo xtask codegen`,
//! a tool outside this crate; a test fails when one drifts.
//!
//! # Upstream source
//!
//! Every table was checked against openstack/nova at
//! [`NOVA_COMMIT`] (`00a030403f672b975364c855b7d25b40ef83e757`); each entry
//! cites the `path:line` it comes from.

#![no_std]
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` (Cargo.toml) and shows which items need
// the `serde` feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// The layers, each standing on the ones above it (rustfmt keeps this
// order because each line has its comment).
// What Nova says: the wire vocabularies.
pub mod wire;
// What Nova does: the cited rule tables.
pub mod rules;
// What follows: the relation and everything computed from it.
pub mod machine;
// What you observe: documents and polled traces.
pub mod read;
// What you test with: events, strategies, a simulator, a checker for fakes.
pub mod harness;

mod bits;
mod sizes;

pub use machine::{apply, Event, Pair, ServerState, TransitionError, WaitFor};
pub use read::{
    Inconsistency, Observation, Reported, ServerDocument, Step, StepKind, Validator, Violation,
};
pub use rules::{status, Driver, ListFilter, Precondition, RejectedField, Rejection, NOVA_COMMIT};
pub use wire::{
    Action, ActionSet, Field, Microversion, MicroversionError, ParseError, PowerState,
    ServerStatus, StatusSet, TaskFilter, TaskState, TaskStateSet, VmState, VmStateSet,
};

// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// So do docs/harness.md's three, which use every feature (CI runs
// `cargo test --workspace --all-features`).
#[cfg(all(
    doctest,
    feature = "proptest",
    feature = "arbitrary",
    feature = "serde"
))]
#[doc = include_str!("../docs/harness.md")]
struct HarnessDoctests;
