//! Bytes into every parser and the server-document reader; whatever is
//! accepted prints back and reparses to itself (body: tests/harness/mod.rs,
//! `parse`).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::parse(data));
