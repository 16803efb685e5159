//! Nova's `InstanceInvalidState`: which check refused an action, and the
//! messages Nova and its REST layer render for it.

use core::fmt;

use crate::rules::precondition::Precondition;
use crate::wire::action::Action;
use crate::wire::error::write_list;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// Which check refused an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectedField {
    /// The vm_state is not among those allowed.
    VmState,
    /// The task_state is not among those allowed.
    TaskState,
    /// The server never launched (`launched_at` unset).
    LaunchedAt,
}

impl RejectedField {
    /// Nova's `attr` for the field.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, RejectedField, VmState};
    ///
    /// let refused = Action::Restore.check(VmState::Active, None, true).unwrap_err();
    /// assert_eq!(refused.field, RejectedField::VmState);
    /// assert_eq!(refused.field.as_str(), "vm_state");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectedField::VmState => "vm_state",
            RejectedField::TaskState => "task_state",
            RejectedField::LaunchedAt => "launched_at",
        }
    }
}

/// An action refused by its precondition: Nova's `InstanceInvalidState`.
///
/// `Display` gives Nova's message (nova/exception.py:509-511) without the
/// instance uuid, which this crate does not know; [`Rejection::nova_message`]
/// and [`Rejection::conflict_message`] take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "instance in {} {}: cannot {} while the instance is in this state (allowed: {})",
    field.as_str(), self.state_text(), action.api_method(), Allowed(*self)
)]
#[non_exhaustive]
pub struct Rejection {
    /// The action refused.
    pub action: Action,
    /// The check that refused it.
    pub field: RejectedField,
    /// The server's vm_state.
    pub vm_state: VmState,
    /// The server's task_state.
    pub task_state: Option<TaskState>,
    /// The precondition that was not met.
    pub allowed: Precondition,
}

struct Allowed(Rejection);

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pre = self.0.allowed;
        match self.0.field {
            RejectedField::VmState => {
                let mut names = pre.vm_states.iter().map(VmState::as_str);
                write_list(f, &mut names)
            }
            RejectedField::TaskState => {
                let mut names = pre.task_states.iter().map(TaskState::name_or_null);
                write_list(f, &mut names)
            }
            RejectedField::LaunchedAt => f.write_str("a server that has launched"),
        }
    }
}

impl Rejection {
    /// The offending value as Nova formats it (`None` for null, as Python
    /// prints it).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    ///
    /// let uploading = Some(TaskState::ImageUploading);
    /// let refused = Action::Snapshot.check(VmState::Active, uploading, true).unwrap_err();
    /// assert_eq!(refused.state_text(), "image_uploading");
    /// // A null task_state prints as Python prints it.
    /// let refused = Action::LiveMigrateAbort.check(VmState::Active, None, true).unwrap_err();
    /// assert_eq!(refused.state_text(), "None");
    /// ```
    pub const fn state_text(&self) -> &'static str {
        match self.field {
            RejectedField::VmState => self.vm_state.as_str(),
            RejectedField::TaskState => match self.task_state {
                Some(task) => task.as_str(),
                None => "None",
            },
            RejectedField::LaunchedAt => "None",
        }
    }

    /// Whether Nova's `state` is null, so that the REST layer falls back to
    /// its generic wording.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// let refused = Action::LiveMigrateAbort.check(VmState::Active, None, true).unwrap_err();
    /// assert!(refused.state_is_null());
    /// let refused = Action::Restore.check(VmState::Active, None, true).unwrap_err();
    /// assert!(!refused.state_is_null());
    /// ```
    pub const fn state_is_null(&self) -> bool {
        match self.field {
            RejectedField::VmState => false,
            RejectedField::TaskState => self.task_state.is_none(),
            RejectedField::LaunchedAt => true,
        }
    }

    /// Nova's `InstanceInvalidState` text (nova/exception.py:509-511).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// let refused = Action::RebootSoft.check(VmState::Stopped, None, true).unwrap_err();
    /// assert_eq!(
    ///     refused.nova_message("u-1").to_string(),
    ///     "Instance u-1 in vm_state stopped. Cannot _soft_reboot while the instance is in this state."
    /// );
    /// ```
    pub fn nova_message<'a>(&'a self, instance_uuid: &'a str) -> impl fmt::Display + 'a {
        NovaMessage(self, instance_uuid)
    }

    /// The 409 message the REST layer sends
    /// (nova/api/openstack/common.py:330-346), including its fallback when
    /// the state found is null. For actions whose controller maps no 409
    /// ([`Action::conflict_action`] is `None`) the action's name is used;
    /// Nova does not send this text for them, and answers another status
    /// ([`Action::refusal_status`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// let refused = Action::RebootSoft.check(VmState::Stopped, None, true).unwrap_err();
    /// assert_eq!(
    ///     refused.conflict_message("u-1").to_string(),
    ///     "Cannot 'reboot' instance u-1 while it is in vm_state stopped"
    /// );
    /// // A null state: the REST layer's generic wording.
    /// let refused = Action::LiveMigrateAbort.check(VmState::Active, None, true).unwrap_err();
    /// assert_eq!(
    ///     refused.conflict_message("u-1").to_string(),
    ///     "Instance u-1 is in an invalid state for 'abort live migration'"
    /// );
    /// ```
    pub fn conflict_message<'a>(&'a self, server_id: &'a str) -> impl fmt::Display + 'a {
        ConflictMessage(self, server_id)
    }
}

struct NovaMessage<'a>(&'a Rejection, &'a str);

impl fmt::Display for NovaMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Instance {} in {} {}. Cannot {} while the instance is in this state.",
            self.1,
            self.0.field.as_str(),
            self.0.state_text(),
            self.0.action.api_method()
        )
    }
}

struct ConflictMessage<'a>(&'a Rejection, &'a str);

impl fmt::Display for ConflictMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        let action = r.action.conflict_action().unwrap_or(r.action.as_str());
        if r.state_is_null() {
            write!(
                f,
                "Instance {} is in an invalid state for '{}'",
                self.1, action
            )
        } else {
            write!(
                f,
                "Cannot '{}' instance {} while it is in {} {}",
                action,
                self.1,
                r.field.as_str(),
                r.state_text()
            )
        }
    }
}
