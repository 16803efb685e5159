//! What Nova says: the wire vocabularies of the three `OS-EXT-STS` fields,
//! `status` and the actions, each name spelled once beside the line of
//! nova/objects/fields.py (or the API) it comes from; the sets over them;
//! and the parse error.

pub(crate) mod action;
pub(crate) mod error;
pub(crate) mod macros;
pub(crate) mod microversion;
pub(crate) mod power;
pub(crate) mod set;
pub(crate) mod status;
pub(crate) mod task;
pub(crate) mod vm;

pub use action::Action;
pub use error::{Field, Found, ParseError};
pub use microversion::{Microversion, MicroversionError};
pub use power::PowerState;
pub use set::{
    ActionSet, ActionSetIter, StatusSet, StatusSetIter, TaskFilter, TaskStateSet, TaskStateSetIter,
    VmStateSet, VmStateSetIter,
};
pub use status::ServerStatus;
pub use task::TaskState;
pub use vm::VmState;

/// A spelling accepted on input besides the wire name, and where it was seen.
///
/// Aliases are never produced on output: `as_str`, `Display` and serde always
/// print the wire name Nova itself uses.
///
/// ```
/// use nova_states::VmState;
/// let alias = VmState::ALIASES.iter().find(|a| a.spelling == "build").unwrap();
/// assert_eq!(alias.value, VmState::Building);
/// assert_eq!(VmState::Building.as_str(), "building"); // never "build"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Alias<T: 'static> {
    /// The spelling accepted.
    pub spelling: &'static str,
    /// The value it stands for.
    pub value: T,
    /// Where this spelling was seen in the wild.
    pub seen_in: &'static str,
}
