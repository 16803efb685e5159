//! What you test with, built on the four layers: a seeded simulator of
//! Nova ([`sim`]), a model checker for fakes ([`fake`]), and, behind their
//! features, proptest strategies ([`strategies`], feature `proptest`) and
//! `Arbitrary` for fuzzing ([`fuzzing`], feature `arbitrary`). The events
//! possible in a state are [`crate::machine::enabled`]. docs/harness.md
//! shows them at work.

pub mod fake;
#[cfg(feature = "arbitrary")]
#[cfg_attr(docsrs, doc(cfg(feature = "arbitrary")))]
pub mod fuzzing;
pub mod sim;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;
