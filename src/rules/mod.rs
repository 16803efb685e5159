//! What Nova does: the cited rule tables. Every row names the `path:line`
//! of openstack/nova at [`NOVA_COMMIT`] it was read from.
//!
//! - the projection of (vm_state, task_state) to `status`, its reverse and
//!   the `?status=` list filter ([`status`], [`ListFilter`]);
//! - one row per [`Action`](crate::Action): its precondition, REST words,
//!   HTTP request, 409 word, every task_state write ([`Edge`]) with its
//!   [`Guard`] and [`Branch`], its failures point by point
//!   ([`FailurePhase`]) and, for image-taking
//!   actions, where each [`Driver`] captures the disk; read through the
//!   accessors on `Action` ([`Action::check`](crate::Action::check),
//!   [`Action::edges`](crate::Action::edges), ...);
//! - what the compute service does on its own: the power sync
//!   ([`sync_decision`]) and restart recovery ([`restart_decision`]).
//!
//! The rows live in `src/rules/actions/`, grouped as nova/compute/api.py
//! groups the methods; `docs/architecture.md` says how to add one.

pub(crate) mod actions;
pub(crate) mod compute;
pub(crate) mod edge;
pub(crate) mod outcome;
pub(crate) mod precondition;
pub(crate) mod preflight;
pub(crate) mod projection;
pub(crate) mod rejection;
pub(crate) mod spec;

pub use actions::power::ALLOW_REBOOT;
pub use compute::{
    restart_decision, restart_failure, retried_as, sync_decision, RestartDecision, SyncDecision,
};
pub use edge::{Branch, Edge, Guard};
pub use outcome::{DiskCapture, Driver, EndVm, FailureEnd, FailurePhase, FailurePoint, Mechanism};
pub use precondition::Precondition;
pub use preflight::{
    shows_down_cells, status_query, MicroversionRule, StatusQuery, DOWN_CELL_DOCUMENTS,
    MICROVERSION_RULES,
};
pub use preflight::{
    Accepted, EndsRule, Facts, HostCheck, HostRule, HostStatus, LockRule, LockWording,
    MigrationStatus, Policy, PolicyDefault, Reason, Refusal, RefusedBy, Request, Role, Server,
    UnknownName, Versions,
};
pub use projection::{
    default_status, explicit_status, status, status_from_raw, ListFilter, Preimage,
};
pub use rejection::{RejectedField, Rejection};

/// The Nova commit every table in this crate was checked against.
pub const NOVA_COMMIT: &str = "00a030403f672b975364c855b7d25b40ef83e757";
