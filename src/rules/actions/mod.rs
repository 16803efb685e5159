//! The rows of the rule table, one [`ActionSpec`](crate::rules::spec) per
//! action, grouped as nova/compute/api.py groups the methods.
//!
//! # Adding or fixing an action
//! 1. Add the variant to [`Action`](crate::Action) (`src/wire/action.rs`),
//!    with its wire name.
//! 2. Add its row to the family file here: the precondition (the decorator,
//!    cited at its `def`), the method name, the REST words, the HTTP request,
//!    the 409 word, the HTTP status the controller answers to a refusal by
//!    state, every task_state write with its guard and branch, the
//!    failures phase by phase (for the API call and for each task_state it
//!    writes: every (vm_state, task_state) a failure there can leave, with
//!    its mechanism), and for image-taking actions the upload task states.
//!    Cite the `path:line` of every fact at the pinned commit.
//! 3. Add the arm in `Action::spec` (`src/rules/spec.rs`): the build fails
//!    until you do.
//! 4. Run `cargo xtask codegen` and the tests: the generated docs, the reach
//!    table and the golden tables tell you what changed.

pub(crate) mod attach;
pub(crate) mod guest;
pub(crate) mod image;
pub(crate) mod lifecycle;
pub(crate) mod live;
pub(crate) mod power;
pub(crate) mod rebuild;
pub(crate) mod resize;

/// What every row file uses.
mod prelude {
    pub(super) use crate::rules::edge::{
        api, finish, one_task, only, step, Branch, Edge, Guard, ALL_STARTS, NULL, UNGUARDED,
    };
    pub(super) use crate::rules::outcome::{
        ends_as, error_with, kept, phase, FailurePhase,
        FailurePoint::{Api, At, NoTask},
        Mechanism as M, CLEARED, ERROR,
    };
    pub(super) use crate::rules::precondition::{any_vm, pre, Precondition};
    pub(super) use crate::rules::preflight::{
        host, locked, policy, since, unlocked, until, EndsRule, HostCheck, LockWording, Policy,
        PolicyDefault, Versions, EVERY_VERSION, NO_HOST_CHECK,
    };
    pub(super) use crate::rules::spec::ActionSpec;
    pub(super) use crate::wire::microversion::Microversion;
    pub(super) use crate::wire::power::PowerState as P;
    pub(super) use crate::wire::set::{TaskFilter, TaskFilter as TF, VmStateSet};
    pub(super) use crate::wire::task::{TaskState, TaskState as T};
    pub(super) use crate::wire::vm::{VmState, VmState as V};

    /// The request of every `POST /servers/{id}/action` action.
    pub(super) const SERVER_ACTION: &str = "POST /servers/{server_id}/action";
    /// The failures of an action that writes no state: none changes
    /// anything (the request is refused, or the compute host only records
    /// a fault).
    pub(super) const NO_STATE_WRITTEN: &[FailurePhase] = &[];
}
