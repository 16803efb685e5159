//! What you observe: readers of what a client sees. The state part of a
//! server document ([`ServerDocument`], with the `serde` feature), and
//! polled sequences of observations ([`Validator`], [`CaptureTracker`]), and
//! Nova's versioned notifications ([`Notification`], [`NOTIFIED_ACTIONS`]).

pub(crate) mod capture;
pub(crate) mod document;
pub(crate) mod notification;
pub(crate) mod trace;

pub use capture::{CaptureTracker, CaptureWindow};
pub use document::{
    Assessment, Container, Form, Inconsistency, ReadOptions, Reported, ServerDocument, Servers,
    Shape, FAULT_STATUSES, PROGRESS_STATUSES,
};
#[cfg(feature = "serde")]
pub use document::{EachServer, OneServer};
#[cfg(feature = "serde")]
pub use notification::EnvelopeSeed;
pub use notification::{
    EventType, InstanceState, Notification, NotificationError, NotifiedAction, Part, Phase, Uuid,
    NOTIFIED_ACTIONS,
};
pub use trace::{Observation, Placed, Step, StepKind, Validator, Violation};
