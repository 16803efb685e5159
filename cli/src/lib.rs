//! The library half of the `nova-states` command: the input reader every
//! command shares ([`input`]), and the renderers that turn the model's
//! tables into documents (markdown pages, Mermaid and DOT diagrams, the
//! machine-readable model, the projection table). The command prints them;
//! `cargo xtask codegen` writes them into docs/.
//!
//! The model itself is the `nova-states` crate (`no_std`, no I/O); this
//! crate is `std` and uses `serde_json`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod input;
pub mod render;
