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
//!
//! The crate is `#![no_std]` with no `std` feature to turn on: thiserror 2
//! implements `core::error::Error` (Rust 1.81+). CI builds it for
//! `thumbv7em-none-eabihf`, with and without `serde`.
//!
//! # Actions, the relation, and traces
//!
//! [`Action`] covers every state-guarded operation of `nova.compute.api.API`
//! plus create, migrate and reset-state: [`Action::check`] (Nova's
//! preconditions and messages), [`Action::allowed`] ("what can I do now"),
//! [`Action::edges`] (every task_state write and its guard),
//! [`Action::outcome`], [`Action::failures`], [`Action::disk_capture`] and
//! [`WaitFor`]. [`apply`] is the transition relation on
//! (vm_state, task_state, power_state); [`Validator`] checks polled
//! sequences against it with constant work per step.
//!
//! # Generated documentation
//!
//! `docs/states.md`, `docs/status.md`, `docs/actions.md`, the diagrams in
//! `docs/diagrams/` and `docs/model.json` are written from the tables by
//! `cargo run --example nova-states -- docs` ([`docs::Generated`]).
//!
//! # Upstream source
//!
//! Every table was checked against openstack/nova at
//! [`NOVA_COMMIT`] (`00a030403f672b975364c855b7d25b40ef83e757`); each entry
//! cites the `path:line` it comes from. The machine-readable model is
//! `docs/model.json` ([`export::write_model_json`]).

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod names;

mod action;
mod chain;
pub mod docs;
mod document;
mod error;
pub mod export;
mod power;
// Generated (see export::write_reach_table); kept as written.
#[rustfmt::skip]
mod reach_table;
mod relation;
mod set;
mod sizes;
mod status;
mod task;
mod trace;
mod vm;
mod wait;

pub use action::{
    Action, ActionSet, Precondition, RejectedField, Rejection, TaskFilter, ALLOW_REBOOT,
};
pub use chain::{Branch, DiskCapture, Driver, Edge, FailureEffect, Failures, Guard};
pub use document::{
    Assessment, Inconsistency, Reported, ServerDocument, Shape, FAULT_STATUSES, PROGRESS_STATUSES,
};
pub use error::{Field, Found, ParseError, FOUND_CAPACITY};
pub use names::Alias;
pub use power::PowerState;
pub use relation::{
    all_events, apply, legal_edges, reachable_from_build, restart_decision, sync_decision, Event,
    RestartDecision, ServerState, StateSet, SyncDecision, TransitionError, Walk,
};
pub use set::{
    StatusSet, StatusSetIter, TaskStateSet, TaskStateSetIter, VmStateSet, VmStateSetIter,
};
pub use status::{
    default_status, explicit_status, status, status_from_raw, ListFilter, Preimage, ServerStatus,
};
pub use task::TaskState;
pub use trace::{
    continues, in_flight_at, phase_of, CaptureTracker, CaptureWindow, Observation, Pair, Step,
    StepKind, Validator, Violation,
};
pub use vm::{VmState, NOVA_COMMIT};
pub use wait::WaitFor;

// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
