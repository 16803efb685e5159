//! Views of the model rendered from the library's tables: the markdown
//! pages and diagrams of docs/, the machine-readable model, the projection
//! table. Shared by the `nova-states` command and `cargo xtask codegen`.

pub mod docs;
pub mod model;
pub mod table;
