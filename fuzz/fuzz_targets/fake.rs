//! Bytes to a legal walk (the `arbitrary` feature's `LegalWalk`) played by
//! a small, deliberately correct fake Nova; the model checker for fakes
//! (`FakeChecker`) must find no divergence (body:
//! tests/support/fuzz_fake.rs, `fake`).
#![no_main]

#[path = "../../tests/support/fuzz_fake.rs"]
mod fuzz_fake;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_fake::fake(data));
