//! Bytes to an event sequence applied from a fresh build, every invariant
//! checked after each step (body: tests/harness/mod.rs, `events`).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::events(data));
