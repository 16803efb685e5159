//! What the tests share: the oracle and the fuzz bodies (each its own
//! file, so that the property tests and the fuzz targets include only what
//! they run).
//!
//! Included by the integration tests (tests/integration/main.rs) as
//! `support`; the property tests (tests/proptest/main.rs) and the fuzz
//! targets (fuzz/fuzz_targets/) include single files by `#[path]`.

pub mod fuzz_events;
pub mod fuzz_parse;
pub mod fuzz_trace;
pub mod oracle;
