//! Bytes into every parser and the server-document reader; whatever is
//! accepted prints back and reparses to itself (body:
//! tests/support/fuzz_parse.rs, `parse`).
#![no_main]

#[path = "../../tests/support/fuzz_parse.rs"]
mod fuzz_parse;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_parse::parse(data));
