//! What you observe: readers of what a client sees. The state part of a
//! server document ([`ServerDocument`], with the `serde` feature), and
//! polled sequences of observations ([`Validator`], [`CaptureTracker`]).

pub(crate) mod capture;
pub(crate) mod document;
pub(crate) mod trace;

pub use capture::{CaptureTracker, CaptureWindow};
pub use document::{
    Assessment, Inconsistency, Reported, ServerDocument, Shape, FAULT_STATUSES, PROGRESS_STATUSES,
};
pub use trace::{Observation, Step, StepKind, Validator, Violation};
