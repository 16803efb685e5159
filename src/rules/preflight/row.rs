//! What a row says about a request besides the state: its policy default,
//! its lock rule, its host check, the microversions it exists at; and the
//! builders the rows use.

use super::*;

/// Who sends the request, as Nova's default policies tell callers apart
/// (nova/policies/base.py:45-56, 86-143): a project reader, member or
/// manager of the server's project, or an admin (`role:admin`, which is
/// also what makes `context.is_admin` true, nova/context.py:149,
/// policies/base.py:86-87). Keystone's default roles imply one another
/// (admin ⊇ manager ⊇ member ⊇ reader), so each role here passes every
/// rule the roles before it pass.
///
/// ```
/// use nova_states::rules::Role;
/// assert_eq!("manager".parse::<Role>(), Ok(Role::Manager));
/// assert!(Role::Admin.is_admin());
/// assert!(!Role::Manager.is_admin());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// `role:reader` in the server's project.
    Reader,
    /// `role:member` in the server's project (the default here).
    #[default]
    Member,
    /// `role:manager` in the server's project.
    Manager,
    /// `role:admin`.
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 4] = [Role::Reader, Role::Member, Role::Manager, Role::Admin];

    /// The role's name.
    ///
    /// ```
    /// use nova_states::rules::Role;
    /// assert_eq!(Role::Member.as_str(), "member");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Member => "member",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// Whether Nova's `context.is_admin` is true for this caller
    /// (`policy.check_is_admin`, nova/context.py:149: the `context_is_admin`
    /// rule, `role:admin`, policies/base.py:86-87). Only this bypasses a
    /// lock (api.py:249): the server's owner does not.
    ///
    /// ```
    /// use nova_states::rules::Role;
    /// assert!(!Role::Member.is_admin());
    /// ```
    pub const fn is_admin(self) -> bool {
        matches!(self, Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl core::str::FromStr for Role {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<Role, UnknownName> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or(UnknownName::Role)
    }
}

/// A name that is not one of a small closed vocabulary of this module.
///
/// ```
/// use nova_states::rules::{HostStatus, UnknownName};
/// assert_eq!("SIDEWAYS".parse::<HostStatus>(), Err(UnknownName::HostStatus));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum UnknownName {
    /// Not reader, member, manager or admin.
    #[error("a role is reader, member, manager or admin")]
    Role,
    /// Not UP, DOWN, MAINTENANCE, UNKNOWN or "".
    #[error("a host_status is UP, DOWN, MAINTENANCE, UNKNOWN or \"\"")]
    HostStatus,
    /// Not a migration status this module distinguishes.
    #[error("a migration status is running, queued, preparing or another word")]
    MigrationStatus,
}

/// A policy's default rule (nova/policies/base.py:45-56).
///
/// ```
/// use nova_states::rules::{PolicyDefault, Role};
/// assert!(PolicyDefault::ProjectManagerOrAdmin.allows(Role::Manager));
/// assert!(!PolicyDefault::ProjectManagerOrAdmin.allows(Role::Member));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyDefault {
    /// `rule:project_member_or_admin` (policies/base.py:47, 129-133).
    ProjectMemberOrAdmin,
    /// `rule:project_manager_or_admin` (policies/base.py:46, 124-128).
    ProjectManagerOrAdmin,
    /// `rule:context_is_admin` (policies/base.py:45, 85-89).
    Admin,
    /// `rule:service_or_admin` (policies/base.py:56, 139-143): the
    /// `service` role (not modelled as a caller) or an admin.
    ServiceOrAdmin,
}

impl PolicyDefault {
    /// Whether the default rule lets `role` through.
    ///
    /// ```
    /// use nova_states::rules::{PolicyDefault, Role};
    /// assert!(PolicyDefault::ProjectMemberOrAdmin.allows(Role::Member));
    /// assert!(!PolicyDefault::ProjectMemberOrAdmin.allows(Role::Reader));
    /// ```
    pub const fn allows(self, role: Role) -> bool {
        match self {
            PolicyDefault::ProjectMemberOrAdmin => {
                matches!(role, Role::Member | Role::Manager | Role::Admin)
            }
            PolicyDefault::ProjectManagerOrAdmin => matches!(role, Role::Manager | Role::Admin),
            PolicyDefault::Admin | PolicyDefault::ServiceOrAdmin => matches!(role, Role::Admin),
        }
    }

    /// The rule's name in nova/policies/base.py.
    ///
    /// ```
    /// use nova_states::rules::PolicyDefault;
    /// assert_eq!(PolicyDefault::Admin.as_str(), "rule:context_is_admin");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyDefault::ProjectMemberOrAdmin => "rule:project_member_or_admin",
            PolicyDefault::ProjectManagerOrAdmin => "rule:project_manager_or_admin",
            PolicyDefault::Admin => "rule:context_is_admin",
            PolicyDefault::ServiceOrAdmin => "rule:service_or_admin",
        }
    }

    /// The weakest role of this model the rule lets through.
    ///
    /// ```
    /// use nova_states::rules::{PolicyDefault, Role};
    /// assert_eq!(PolicyDefault::ServiceOrAdmin.weakest(), Role::Admin);
    /// ```
    pub const fn weakest(self) -> Role {
        match self {
            PolicyDefault::ProjectMemberOrAdmin => Role::Member,
            PolicyDefault::ProjectManagerOrAdmin => Role::Manager,
            PolicyDefault::Admin | PolicyDefault::ServiceOrAdmin => Role::Admin,
        }
    }
}

/// The policy a controller checks for an action, with its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    /// The rule's name (`os_compute_api:servers:stop`), which the 403
    /// message names.
    pub name: &'static str,
    /// Its default.
    pub default: PolicyDefault,
    /// Whether it is checked before the server is looked up (the assisted
    /// volume snapshots, which find the server through the volume).
    pub before_lookup: bool,
    /// Where the default is declared (nova/policies/*.py).
    pub source: &'static str,
}

pub(crate) const fn policy(
    name: &'static str,
    default: PolicyDefault,
    source: &'static str,
) -> Policy {
    Policy {
        name,
        default,
        before_lookup: false,
        source,
    }
}

/// How the controller words a lock refusal (both are 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockWording {
    /// The controller catches `InstanceIsLocked` and sends its text:
    /// "Instance {id} is locked" (exception.py:1484-1485).
    IsLocked,
    /// The controller catches only `InstanceInvalidState`, of which
    /// `InstanceIsLocked` is a subclass (exception.py:1484), and sends
    /// `raise_http_conflict_for_instance_invalid_state`'s fallback, the
    /// exception having no `attr`/`state` (common.py:335-344): "Instance
    /// {id} is in an invalid state for '{action}'".
    InvalidState,
}

/// Whether the action is guarded by `@check_instance_lock` (api.py:245-251).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LockRule {
    /// Guarded, and how the refusal is worded; `None`: not guarded.
    pub guarded: Option<LockWording>,
    /// The decorator (or its absence) and the controller's `except`.
    pub source: &'static str,
}

pub(crate) const fn locked(wording: LockWording, source: &'static str) -> LockRule {
    LockRule {
        guarded: Some(wording),
        source,
    }
}

pub(crate) const fn unlocked(source: &'static str) -> LockRule {
    LockRule {
        guarded: None,
        source,
    }
}

/// What `@check_instance_host` (api.py:211-242) asks of the server's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostCheck {
    /// Not decorated.
    None,
    /// `@check_instance_host()` above the state check: the server must
    /// have a host (`InstanceNotReady`, api.py:226-227).
    SetBeforeState,
    /// `@check_instance_host(check_is_up=True)` below the state check
    /// (resize, api.py:4290-4291): a host, whose nova-compute is up
    /// (`ServiceUnavailable`, api.py:228-238).
    UpAfterState,
}

/// The host check of an action and the status its controller answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostRule {
    /// The decorator.
    pub check: HostCheck,
    /// The HTTP status the controller maps `InstanceNotReady` and
    /// `ServiceUnavailable` to.
    pub status: u16,
    /// The decorator and the controller's `except`.
    pub source: &'static str,
}

pub(crate) const NO_HOST_CHECK: HostRule = HostRule {
    check: HostCheck::None,
    status: 0,
    source: "",
};

pub(crate) const fn host(check: HostCheck, status: u16, source: &'static str) -> HostRule {
    HostRule {
        check,
        status,
        source,
    }
}

/// The microversions for which Nova routes the action's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Versions {
    /// The first.
    pub since: Microversion,
    /// The last, if the method was retired.
    pub until: Option<Microversion>,
    /// The `@wsgi.api_version` line (empty when every version routes it).
    pub source: &'static str,
    /// Where the microversion changes the vm_state the action ends in
    /// ([`Action::outcome_at`]); `None` where it never does.
    pub ends: Option<EndsRule>,
}

/// A microversion that changes the vm_state an action ends in: from
/// `since` on, started from one of `starts`, it ends in one of `after`;
/// before, in one of `before` (each narrowing [`Action::outcome`], which
/// holds every microversion's ends).
///
/// ```
/// use nova_states::{Action, Microversion, VmState};
/// let rule = Action::Evacuate.versions().ends.unwrap();
/// assert_eq!(rule.since, Microversion::new(2, 95));
/// assert!(rule.starts.contains(VmState::Active));
/// assert!(rule.after.contains(VmState::Stopped) && !rule.before.contains(VmState::Stopped));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndsRule {
    /// The first microversion with the new ends.
    pub since: Microversion,
    /// The vm_states it concerns, at the start.
    pub starts: VmStateSet,
    /// The ends before `since`.
    pub before: VmStateSet,
    /// The ends from `since` on.
    pub after: VmStateSet,
    /// Where (the controller's version check and the compute's use of it).
    pub source: &'static str,
}

impl EndsRule {
    /// The ends at `version`, for an action started from `start`; `None`
    /// when the rule does not concern `start`.
    ///
    /// ```
    /// use nova_states::{Action, Microversion, VmState};
    /// let rule = Action::Evacuate.versions().ends.unwrap();
    /// let at = |minor| rule.ends(VmState::Active, Microversion::new(2, minor));
    /// assert_eq!(at(94).map(|s| s.contains(VmState::Active)), Some(true));
    /// assert_eq!(at(95).map(|s| s.contains(VmState::Active)), Some(false));
    /// assert_eq!(rule.ends(VmState::Error, Microversion::LATEST), None);
    /// ```
    pub const fn ends(self, start: VmState, version: Microversion) -> Option<VmStateSet> {
        if !self.starts.contains(start) {
            None
        } else if version.at_least(self.since) {
            Some(self.after)
        } else {
            Some(self.before)
        }
    }
}

impl Versions {
    /// Whether `version` is routed.
    ///
    /// ```
    /// use nova_states::{Action, Microversion};
    /// let v = Action::LiveMigrateForceComplete.versions();
    /// assert!(!v.routes(Microversion::new(2, 21)));
    /// assert!(v.routes(Microversion::new(2, 22)));
    /// ```
    pub const fn routes(self, version: Microversion) -> bool {
        version.at_least(self.since)
            && match self.until {
                Some(until) => until.at_least(version),
                None => true,
            }
    }
}

pub(crate) const EVERY_VERSION: Versions = Versions {
    since: Microversion::MIN,
    until: None,
    source: "",
    ends: None,
};

pub(crate) const fn since(minor: u16, source: &'static str) -> Versions {
    Versions {
        since: Microversion::new(2, minor),
        until: None,
        source,
        ends: None,
    }
}

pub(crate) const fn until(minor: u16, source: &'static str) -> Versions {
    Versions {
        since: Microversion::MIN,
        until: Some(Microversion::new(2, minor)),
        source,
        ends: None,
    }
}
