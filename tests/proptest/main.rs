//! The property tests, one binary: arbitrary input into every parser
//! ([`parse`]) and random event runs against an independent reference
//! model ([`relation`], [`reference`]), random runs of one action
//! polled with random gaps into the waiter ([`waiter`]), and the `proptest`
//! feature's strategies against the oracle and the validator ([`strategies`]).
//!
//! They share the oracle (the per-edge invariants) and the `parse` fuzz
//! body with the integration tests and the fuzz targets (tests/support/).
//! Cases follow `PROPTEST_CASES` (default 256); failures are kept in
//! proptest-regressions/. See docs/testing.md.

#[path = "../support/fuzz_parse.rs"]
mod fuzz_parse;
#[path = "../support/oracle.rs"]
mod oracle;
#[path = "../support/wait_paths.rs"]
mod wait_paths;

mod parse;
mod reference;
mod relation;
mod strategies;
mod waiter;
