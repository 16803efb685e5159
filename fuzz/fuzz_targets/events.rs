//! Bytes to an event sequence applied from a fresh build, every invariant
//! checked after each step (body: tests/support/fuzz_events.rs, `events`;
//! the checks: tests/support/oracle.rs).
#![no_main]

#[path = "../../tests/support/fuzz_events.rs"]
mod fuzz_events;
#[path = "../../tests/support/oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_events::events(data));
