//! Bytes to polled observations; the validator must agree with a
//! brute-force reachability check over the relation (body:
//! tests/support/fuzz_trace.rs, `trace`).
#![no_main]

#[path = "../../tests/support/fuzz_trace.rs"]
mod fuzz_trace;
#[path = "../../tests/support/pair.rs"]
mod pair;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_trace::trace(data);
});
