//! Views of the model rendered from the library's tables: the markdown
//! pages and diagrams of docs/, the acceptance matrix, the machine-readable
//! model, the projection table. Shared by the `nova-states` command and
//! `cargo xtask codegen`.

pub mod docs;
pub mod matrix;
pub mod model;
pub mod preflight;
pub mod table;
