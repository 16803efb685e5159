//! Bytes to polled observations; the validator must agree with a
//! brute-force reachability check over the relation.
#![no_main]

#[path = "../../tests/harness/trace.rs"]
mod trace_harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    trace_harness::trace(data);
});
