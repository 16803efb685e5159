//! Bytes through the command's two readers (explain's and trace's): they
//! must agree, never panic, and never accept a repeated key.
#![no_main]

#[path = "../../cli/tests/support/readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    readers::readers(data);
});
