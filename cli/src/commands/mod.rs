//! One module per command.

pub(crate) mod check;
pub(crate) mod explain;
pub(crate) mod model;
pub(crate) mod simulate;
pub(crate) mod trace;
pub(crate) mod wait;
