//! Pre-flight: what Nova answers a request, in the order it checks.
//!
//! [`Action::check`] answers "does the state allow it?". A request is
//! refused earlier, or later, for other reasons, and Nova checks them in
//! this order (openstack/nova @ 00a030403f67):
//!
//! 1. **Microversion routing.** A method that does not exist at the
//!    request's microversion is a bare 404 (`@wsgi.api_version`,
//!    nova/api/openstack/wsgi.py:725-726, turned into HTTPNotFound at
//!    wsgi.py:663-667).
//! 2. **Policy before lookup**, for the assisted volume snapshots only
//!    (assisted_volume_snapshots.py:44): 403.
//! 3. **Lookup.** `common.get_instance` (nova/api/openstack/common.py:463-471)
//!    reads the row with `read_deleted="no"` (nova/context.py:96,
//!    nova/db/main/api.py:1405-1411): a deleted server is 404 "Instance
//!    {id} could not be found." (exception.py:1455-1456). A server in a
//!    down cell cannot be loaded without `cell_down_support`
//!    (nova/compute/api.py:3007-3012): 500.
//! 4. **Policy.** `context.can(...)` right after the lookup in every
//!    controller (e.g. servers.py:1563-1566): 403 "Policy doesn't allow
//!    {rule} to be performed." (exception.py:208-209, nova/policy.py:180-181).
//! 5. **The controller's microversion checks** (attach/detach a volume of a
//!    shelved server before 2.20, volume_attachments.py:219-223, 407-411).
//! 6. **The compute API's decorators**, outermost first, as each method
//!    stacks them: `@check_instance_lock` (api.py:245-251), then, for
//!    some, `@check_instance_host` (api.py:211-242) and
//!    `@check_instance_state` (api.py:140-177) in the method's order
//!    (stop: lock, host, state, api.py:2866-2868; resize: lock, state,
//!    host, api.py:4289-4291).
//! 7. **Checks in the method's body** that depend on the request and the
//!    microversion (unshelve to an availability zone or host, rescue or
//!    rebuild of a volume-backed server, the migration's status).
//!
//! [`Request::preflight`] runs them in that order and answers Nova's HTTP
//! status and message ([`Refusal::message`]); every rule cites its line.

use core::fmt;

use crate::rules::rejection::Rejection;
use crate::wire::action::Action;
use crate::wire::microversion::Microversion;
use crate::wire::power::PowerState;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

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
};

pub(crate) const fn since(minor: u16, source: &'static str) -> Versions {
    Versions {
        since: Microversion::new(2, minor),
        until: None,
        source,
    }
}

pub(crate) const fn until(minor: u16, source: &'static str) -> Versions {
    Versions {
        since: Microversion::MIN,
        until: Some(Microversion::new(2, minor)),
        source,
    }
}

/// A compute host's status as `host_status` shows it (2.16+, admins by
/// default; nova/objects/fields.py:782-790, computed at
/// nova/compute/api.py:6044-6060).
///
/// ```
/// use nova_states::rules::HostStatus;
/// assert_eq!("".parse::<HostStatus>(), Ok(HostStatus::None));
/// assert_eq!(HostStatus::Maintenance.as_str(), "MAINTENANCE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostStatus {
    /// `UP`: nova-compute is up.
    Up,
    /// `DOWN`: nova-compute is forced down.
    Down,
    /// `MAINTENANCE`: nova-compute is disabled (and may be up).
    Maintenance,
    /// `UNKNOWN`: nova-compute has not reported.
    Unknown,
    /// `""`: no host.
    None,
}

impl HostStatus {
    /// The wire value.
    ///
    /// ```
    /// use nova_states::rules::HostStatus;
    /// assert_eq!(HostStatus::None.as_str(), "");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            HostStatus::Up => "UP",
            HostStatus::Down => "DOWN",
            HostStatus::Maintenance => "MAINTENANCE",
            HostStatus::Unknown => "UNKNOWN",
            HostStatus::None => "",
        }
    }

    /// Whether `service_is_up` holds for the host's nova-compute, as far as
    /// the status tells: `UP` and `MAINTENANCE` (disabled, still
    /// reporting) are up; `DOWN` (forced down) and `UNKNOWN` (no report)
    /// are not (api.py:6049-6056).
    ///
    /// ```
    /// use nova_states::rules::HostStatus;
    /// assert!(HostStatus::Maintenance.is_up());
    /// assert!(!HostStatus::Unknown.is_up());
    /// ```
    pub const fn is_up(self) -> bool {
        matches!(self, HostStatus::Up | HostStatus::Maintenance)
    }
}

impl core::str::FromStr for HostStatus {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<HostStatus, UnknownName> {
        Ok(match text {
            "UP" => HostStatus::Up,
            "DOWN" => HostStatus::Down,
            "MAINTENANCE" => HostStatus::Maintenance,
            "UNKNOWN" => HostStatus::Unknown,
            "" => HostStatus::None,
            _ => return Err(UnknownName::HostStatus),
        })
    }
}

/// A live migration's status, for force-complete and abort.
///
/// ```
/// use nova_states::rules::MigrationStatus;
/// assert_eq!("queued".parse::<MigrationStatus>(), Ok(MigrationStatus::Queued));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationStatus {
    /// `running`.
    Running,
    /// `queued`.
    Queued,
    /// `preparing`.
    Preparing,
    /// Any other status (`completed`, `error`, ...).
    Other,
}

impl MigrationStatus {
    /// The status as Nova writes it (`Other` prints as `other`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MigrationStatus::Running => "running",
            MigrationStatus::Queued => "queued",
            MigrationStatus::Preparing => "preparing",
            MigrationStatus::Other => "other",
        }
    }
}

impl core::str::FromStr for MigrationStatus {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<MigrationStatus, UnknownName> {
        Ok(match text {
            "running" => MigrationStatus::Running,
            "queued" => MigrationStatus::Queued,
            "preparing" => MigrationStatus::Preparing,
            "" => return Err(UnknownName::MigrationStatus),
            _ => MigrationStatus::Other,
        })
    }
}

/// The server as a request finds it: what its document shows.
///
/// ```
/// use nova_states::rules::Server;
/// use nova_states::VmState;
/// let s = Server::new(VmState::Active, None);
/// assert!(s.launched && !s.locked);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Server {
    /// `OS-EXT-STS:vm_state`; `None` for a server in a down cell (2.69+
    /// documents with status `UNKNOWN`, views/servers.py:108-121).
    pub vm_state: Option<VmState>,
    /// `OS-EXT-STS:task_state`.
    pub task_state: Option<TaskState>,
    /// `OS-EXT-STS:power_state` (no rule reads it; kept for the record).
    pub power_state: Option<PowerState>,
    /// Whether `launched_at` is set (`OS-SRV-USG:launched_at`).
    pub launched: bool,
    /// `locked` (2.9+, views/servers.py:410-411).
    pub locked: bool,
    /// Whether a `locked_reason` is shown (2.73+, views/servers.py:450-452).
    pub locked_reason: bool,
    /// `host_status` (2.16+, admins by default), when shown.
    pub host_status: Option<HostStatus>,
}

impl Server {
    /// A launched, unlocked server in this state, host unknown.
    pub const fn new(vm_state: VmState, task_state: Option<TaskState>) -> Server {
        Server {
            vm_state: Some(vm_state),
            task_state,
            power_state: None,
            launched: true,
            locked: false,
            locked_reason: false,
            host_status: None,
        }
    }
}

/// What the request itself carries, where a rule reads it.
///
/// ```
/// use nova_states::rules::Facts;
/// assert!(!Facts::NONE.volume_backed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Facts {
    /// The server boots from a volume (createImage takes the volume-backed
    /// branch, rescue and rebuild have microversion rules).
    pub volume_backed: bool,
    /// A target host is given (migrate, live migrate, evacuate, unshelve).
    pub target_host: bool,
    /// An availability zone is given (unshelve).
    pub availability_zone: bool,
    /// The live migration's status (force-complete, abort); `None`:
    /// running.
    pub migration: Option<MigrationStatus>,
    /// Rebuild keeps the server's image (then a volume-backed rebuild is
    /// accepted at any microversion, api.py:3768-3779).
    pub same_image: bool,
}

impl Facts {
    /// Nothing given.
    pub const NONE: Facts = Facts {
        volume_backed: false,
        target_host: false,
        availability_zone: false,
        migration: None,
        same_image: false,
    };
}

/// A request: an action on a server, by a caller, at a microversion.
///
/// ```
/// use nova_states::rules::{Request, RefusedBy, Role};
/// use nova_states::{Action, Microversion, VmState};
///
/// // tempest test_lock_unlock_server: a member stops a locked server.
/// let mut req = Request::new(Action::Stop, VmState::Active, None);
/// req.server.locked = true;
/// let refused = req.preflight().unwrap_err();
/// assert_eq!((refused.status, refused.by), (409, RefusedBy::Lock));
/// assert_eq!(refused.message("u-1").to_string(), "Instance u-1 is locked");
/// // An admin is not held by the lock.
/// req.caller = Role::Admin;
/// assert_eq!(req.preflight().map(|a| a.status), Ok(202));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request {
    /// The action.
    pub action: Action,
    /// The server.
    pub server: Server,
    /// Who asks.
    pub caller: Role,
    /// The microversion (latest when not given).
    pub microversion: Microversion,
    /// What the request carries.
    pub facts: Facts,
}

/// What refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusedBy {
    /// The method is not routed at this microversion, or the server cannot
    /// be found (deleted).
    NotFound,
    /// The server's cell is down: Nova cannot load it.
    Cell,
    /// The default policy.
    Policy,
    /// A microversion rule.
    Microversion,
    /// `@check_instance_lock`.
    Lock,
    /// `@check_instance_host`.
    Host,
    /// `@check_instance_state` (or `@reject_instance_state`).
    State,
    /// A check in the method's body on what the request carries.
    Request,
}

impl RefusedBy {
    /// A short name (`not found`, `policy`, `microversion`, `lock`,
    /// `state`, `host`, `cell`, `request`).
    ///
    /// ```
    /// use nova_states::rules::RefusedBy;
    /// assert_eq!(RefusedBy::NotFound.as_str(), "not found");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            RefusedBy::NotFound => "not found",
            RefusedBy::Cell => "cell",
            RefusedBy::Policy => "policy",
            RefusedBy::Microversion => "microversion",
            RefusedBy::Lock => "lock",
            RefusedBy::Host => "host",
            RefusedBy::State => "state",
            RefusedBy::Request => "request",
        }
    }
}

/// Which of Nova's messages a refusal carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// webob's HTTPNotFound without explanation (wsgi.py:663-667).
    NotRouted,
    /// `InstanceNotFound` (exception.py:1455-1456, common.py:470-471).
    InstanceNotFound,
    /// The cell does not answer (api.py:3007-3012), and `expected_errors`
    /// turns the NovaException into a 500 (wsgi.py:808-812;
    /// `support_string()` defaults to "Please contact the administrator",
    /// nova/version.py:20, 93-96).
    CellDown,
    /// `PolicyNotAuthorized` for this rule (exception.py:208-209).
    Policy(&'static str),
    /// The controller's 2.20 check on shelved servers
    /// (volume_attachments.py:79-88): a conflict worded as a vm_state one.
    ShelvedVolumeBefore220(VmState),
    /// `InstanceIsLocked` (exception.py:1484-1485).
    Locked,
    /// The lock caught as `InstanceInvalidState` (common.py:341-344).
    LockedAsInvalidState,
    /// `InstanceNotReady` (exception.py:526-527).
    NotReady,
    /// `ServiceUnavailable` (exception.py:570-571).
    ServiceUnavailable,
    /// The state check refused it.
    State(Rejection),
    /// `UnshelveInstanceInvalidState` (exception.py:1829-1832).
    UnshelveNotOffloaded(VmState),
    /// `InstanceNotRescuable` for a volume-backed server (api.py:4934-4937).
    RescueVolumeBacked,
    /// `ImageUnacceptable` for a volume-backed rebuild (api.py:3771-3779).
    RebuildVolumeBacked,
    /// `InvalidMigrationState` (exception.py:1179-1182).
    MigrationState(MigrationStatus, &'static str),
}

/// A refused request: the HTTP status, what refused it, Nova's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Refusal {
    /// The action (as resolved: createImage of a volume-backed server is
    /// [`Action::SnapshotVolumeBacked`]).
    pub action: Action,
    /// The HTTP status Nova answers.
    pub status: u16,
    /// What refused it.
    pub by: RefusedBy,
    /// Which message.
    pub reason: Reason,
    /// Where Nova does it (path:line at the pinned commit).
    pub source: &'static str,
}

impl Refusal {
    /// Nova's message for the server `server_id` (ids Nova would also put
    /// in, of an image or a migration, are written `{image_id}`,
    /// `{migration_id}`).
    ///
    /// ```
    /// use nova_states::rules::Request;
    /// use nova_states::{Action, VmState};
    /// let refused = Request::new(Action::Start, VmState::Deleted, None).preflight().unwrap_err();
    /// assert_eq!(refused.status, 404);
    /// assert_eq!(refused.message("u-1").to_string(), "Instance u-1 could not be found.");
    /// ```
    pub fn message<'a>(&'a self, server_id: &'a str) -> impl fmt::Display + 'a {
        Message(self, server_id)
    }
}

struct Message<'a>(&'a Refusal, &'a str);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (r, id) = (self.0, self.1);
        let word = r.action.conflict_action().unwrap_or(r.action.as_str());
        match r.reason {
            Reason::NotRouted => f.write_str("The resource could not be found."),
            Reason::InstanceNotFound => write!(f, "Instance {id} could not be found."),
            Reason::CellDown => f.write_str(
                "Unexpected API Error. Please contact the administrator\n\
                 <class 'nova.exception.NovaException'>",
            ),
            Reason::Policy(name) => write!(f, "Policy doesn't allow {name} to be performed."),
            Reason::ShelvedVolumeBefore220(vm) => write!(
                f,
                "Cannot '{}' instance {id} while it is in vm_state {vm}",
                r.action.as_str()
            ),
            Reason::Locked => write!(f, "Instance {id} is locked"),
            Reason::LockedAsInvalidState => {
                write!(f, "Instance {id} is in an invalid state for '{word}'")
            }
            Reason::NotReady => write!(f, "Instance {id} is not ready"),
            Reason::ServiceUnavailable => f.write_str("Service is unavailable at this time."),
            Reason::State(rejection) => match r.status {
                409 => write!(f, "{}", rejection.conflict_message(id)),
                500 => f.write_str(
                    "Unexpected API Error. Please contact the administrator\n\
                     <class 'nova.exception.InstanceInvalidState'>",
                ),
                _ => write!(f, "{}", rejection.nova_message(id)),
            },
            Reason::UnshelveNotOffloaded(vm) => write!(
                f,
                "Specifying an availability zone or a host when unshelving server \"{id}\" \
                 with status \"{vm}\" is not supported. The server status must be \
                 SHELVED_OFFLOADED."
            ),
            Reason::RescueVolumeBacked => write!(
                f,
                "Instance {id} cannot be rescued: Cannot rescue a volume-backed instance"
            ),
            Reason::RebuildVolumeBacked => f.write_str(
                "Image {image_id} is unacceptable: Unable to rebuild with a different image \
                 for a volume-backed server.",
            ),
            Reason::MigrationState(status, method) => write!(
                f,
                "Migration {{migration_id}} state of instance {id} is {}. Cannot {method} \
                 while the migration is in this state.",
                status.as_str()
            ),
        }
    }
}

/// An accepted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accepted {
    /// The action as resolved (createImage of a volume-backed server is
    /// [`Action::SnapshotVolumeBacked`]).
    pub action: Action,
    /// The HTTP status of the answer.
    pub status: u16,
}

impl Request {
    /// A member's request at the latest microversion on a launched,
    /// unlocked server, nothing else given.
    ///
    /// ```
    /// use nova_states::rules::{Request, Role};
    /// use nova_states::{Action, Microversion, VmState};
    /// let r = Request::new(Action::Pause, VmState::Active, None);
    /// assert_eq!((r.caller, r.microversion), (Role::Member, Microversion::LATEST));
    /// ```
    pub const fn new(action: Action, vm_state: VmState, task_state: Option<TaskState>) -> Request {
        Request {
            action,
            server: Server::new(vm_state, task_state),
            caller: Role::Member,
            microversion: Microversion::LATEST,
            facts: Facts::NONE,
        }
    }

    /// The policy the controller checks for this request: the action's
    /// ([`Action::policy`]), or, when a target host is given, the admin-only
    /// rule that replaces it (migrate from 2.56, migrate_server.py:52-63;
    /// live migrate, migrate_server.py:112-118).
    ///
    /// ```
    /// use nova_states::rules::{PolicyDefault, Request};
    /// use nova_states::{Action, VmState};
    /// let mut req = Request::new(Action::LiveMigrate, VmState::Active, None);
    /// assert_eq!(req.policy().default, PolicyDefault::ProjectManagerOrAdmin);
    /// req.facts.target_host = true;
    /// assert_eq!(req.policy().name, "os_compute_api:os-migrate-server:migrate_live:host");
    /// ```
    pub const fn policy(&self) -> Policy {
        match (self.action, self.facts.target_host) {
            (Action::Migrate, true) if self.microversion.at_least(Microversion::new(2, 56)) => {
                policy(
                    "os_compute_api:os-migrate-server:migrate:host",
                    PolicyDefault::Admin,
                    "nova/api/openstack/compute/migrate_server.py:52-60; nova/policies/migrate_server.py:52-53",
                )
            }
            (Action::LiveMigrate, true) => policy(
                "os_compute_api:os-migrate-server:migrate_live:host",
                PolicyDefault::Admin,
                "nova/api/openstack/compute/migrate_server.py:112-115; nova/policies/migrate_server.py:84-85",
            ),
            (action, _) => action.policy(),
        }
    }

    /// What Nova answers, checking in its order (see the module docs).
    ///
    /// # Errors
    /// The first [`Refusal`].
    ///
    /// ```
    /// use nova_states::rules::{Request, RefusedBy};
    /// use nova_states::{Action, Microversion, TaskState, VmState};
    /// // Locked and in the wrong state: the lock answers first.
    /// let mut req = Request::new(Action::Start, VmState::Active, None);
    /// req.server.locked = true;
    /// assert_eq!(req.preflight().unwrap_err().by, RefusedBy::Lock);
    /// // createImage is not guarded by the lock: the state answers.
    /// let mut req = Request::new(Action::Snapshot, VmState::Active, Some(TaskState::ImageUploading));
    /// req.server.locked = true;
    /// assert_eq!(req.preflight().unwrap_err().by, RefusedBy::State);
    /// ```
    pub fn preflight(&self) -> Result<Accepted, Refusal> {
        let action = match (self.action, self.facts.volume_backed) {
            // servers.py:1451-1462: createImage takes the volume-backed
            // branch for a volume-backed server.
            (Action::Snapshot, true) => Action::SnapshotVolumeBacked,
            (action, _) => action,
        };
        let refuse = |status: u16, by: RefusedBy, reason: Reason, source: &'static str| Refusal {
            action,
            status,
            by,
            reason,
            source,
        };
        let v = self.microversion;
        let server = self.server;
        // 1. Routing.
        if !action.versions().routes(v) {
            return Err(refuse(
                404,
                RefusedBy::NotFound,
                Reason::NotRouted,
                "nova/api/openstack/wsgi.py:663-667, 725-726",
            ));
        }
        let policy = self.policy();
        let can = policy.default.allows(self.caller);
        // 2. Policy before the lookup.
        if policy.before_lookup && !can {
            return Err(refuse(
                403,
                RefusedBy::Policy,
                Reason::Policy(policy.name),
                policy.source,
            ));
        }
        // 3. Lookup.
        let vm = match server.vm_state {
            Some(VmState::Deleted) => {
                return Err(refuse(
                    404,
                    RefusedBy::NotFound,
                    Reason::InstanceNotFound,
                    "nova/api/openstack/common.py:463-471; nova/db/main/api.py:1405-1411",
                ))
            }
            Some(vm) => vm,
            None => {
                return Err(refuse(
                    500,
                    RefusedBy::Cell,
                    Reason::CellDown,
                    "nova/compute/api.py:3007-3012; nova/api/openstack/wsgi.py:808-812",
                ))
            }
        };
        // 4. Policy.
        if !can {
            return Err(refuse(
                403,
                RefusedBy::Policy,
                Reason::Policy(policy.name),
                policy.source,
            ));
        }
        // 5. The controller's microversion checks.
        if matches!(action, Action::AttachVolume | Action::DetachVolume)
            && matches!(vm, VmState::Shelved | VmState::ShelvedOffloaded)
            && !v.at_least(Microversion::new(2, 20))
        {
            return Err(refuse(
                409,
                RefusedBy::Microversion,
                Reason::ShelvedVolumeBefore220(vm),
                "nova/api/openstack/compute/volume_attachments.py:79-88, 219-223, 407-411",
            ));
        }
        // 6. The decorators: lock, then host and state in the method's order.
        let lock = action.lock();
        if let Some(wording) = lock.guarded {
            if server.locked && !self.caller.is_admin() {
                let reason = match wording {
                    LockWording::IsLocked => Reason::Locked,
                    LockWording::InvalidState => Reason::LockedAsInvalidState,
                };
                return Err(refuse(409, RefusedBy::Lock, reason, lock.source));
            }
        }
        let host = action.host_rule();
        if let (HostCheck::SetBeforeState, Some(HostStatus::None)) =
            (host.check, server.host_status)
        {
            return Err(refuse(
                host.status,
                RefusedBy::Host,
                Reason::NotReady,
                host.source,
            ));
        }
        if let Err(rejection) = action.check(vm, server.task_state, server.launched) {
            let status = action.refusal_status().unwrap_or(409);
            return Err(refuse(
                status,
                RefusedBy::State,
                Reason::State(rejection),
                rejection.allowed.source,
            ));
        }
        if let HostCheck::UpAfterState = host.check {
            match server.host_status {
                Some(HostStatus::None) => {
                    return Err(refuse(
                        host.status,
                        RefusedBy::Host,
                        Reason::NotReady,
                        host.source,
                    ))
                }
                Some(status) if !status.is_up() => {
                    return Err(refuse(
                        host.status,
                        RefusedBy::Host,
                        Reason::ServiceUnavailable,
                        host.source,
                    ))
                }
                _ => {}
            }
        }
        // 7. The method's body.
        match action {
            Action::Unshelve => {
                // Before 2.77 no availability zone, before 2.91 no host is
                // passed on (shelve.py:118-128).
                let az = self.facts.availability_zone && v.at_least(Microversion::new(2, 77));
                let host_given = self.facts.target_host && v.at_least(Microversion::new(2, 91));
                if (az || host_given) && !matches!(vm, VmState::ShelvedOffloaded) {
                    return Err(refuse(
                        409,
                        RefusedBy::Request,
                        Reason::UnshelveNotOffloaded(vm),
                        "nova/compute/api.py:4743-4744, 4603-4613; nova/api/openstack/compute/shelve.py:136-142",
                    ));
                }
                if host_given && !self.caller.is_admin() {
                    return Err(refuse(
                        403,
                        RefusedBy::Policy,
                        Reason::Policy("os_compute_api:os-shelve:unshelve_to_host"),
                        "nova/compute/api.py:4757-4762; nova/policies/shelve.py:48-49",
                    ));
                }
            }
            Action::Rescue if self.facts.volume_backed && !v.at_least(Microversion::new(2, 87)) => {
                return Err(refuse(
                        400,
                        RefusedBy::Microversion,
                        Reason::RescueVolumeBacked,
                        "nova/api/openstack/compute/rescue.py:62, 76-80; nova/compute/api.py:4919-4920, 4934-4937",
                    ));
            }
            Action::Rebuild
                if self.facts.volume_backed
                    && !self.facts.same_image
                    && !v.at_least(Microversion::new(2, 93)) =>
            {
                return Err(refuse(
                        400,
                        RefusedBy::Microversion,
                        Reason::RebuildVolumeBacked,
                        "nova/api/openstack/compute/servers.py:1324-1325, 1359-1362; nova/compute/api.py:3744-3779",
                    ));
            }
            Action::LiveMigrateForceComplete => {
                if let Some(status) = self.facts.migration {
                    if !matches!(status, MigrationStatus::Running) {
                        return Err(refuse(
                            400,
                            RefusedBy::Request,
                            Reason::MigrationState(status, "force complete"),
                            "nova/compute/api.py:5647-5651; nova/api/openstack/compute/server_migrations.py:110-113",
                        ));
                    }
                }
            }
            Action::LiveMigrateAbort => {
                if let Some(status) = self.facts.migration {
                    let queued =
                        matches!(status, MigrationStatus::Queued | MigrationStatus::Preparing);
                    let allowed = matches!(status, MigrationStatus::Running)
                        || (queued && v.at_least(Microversion::new(2, 65)));
                    if !allowed {
                        let by = if queued {
                            RefusedBy::Microversion
                        } else {
                            RefusedBy::Request
                        };
                        return Err(refuse(
                            400,
                            by,
                            Reason::MigrationState(status, "abort live migration"),
                            "nova/api/openstack/compute/server_migrations.py:204, 215-216; nova/compute/api.py:5682-5695",
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(Accepted {
            action,
            status: action.accepted_status(),
        })
    }
}

/// One microversion rule: from `version` on, Nova answers some request
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MicroversionRule {
    /// The first microversion with the new behaviour.
    pub version: Microversion,
    /// The actions it concerns (empty for list requests).
    pub actions: &'static [Action],
    /// What changes.
    pub change: &'static str,
    /// Where (rest_api_version_history.rst and the code).
    pub source: &'static str,
}

const fn rule(
    minor: u16,
    actions: &'static [Action],
    change: &'static str,
    source: &'static str,
) -> MicroversionRule {
    MicroversionRule {
        version: Microversion::new(2, minor),
        actions,
        change,
        source,
    }
}

/// Every microversion rule this model applies (in [`Request::preflight`],
/// [`Action::versions`] and [`status_query`]), oldest first.
///
/// ```
/// use nova_states::rules::MICROVERSION_RULES;
/// use nova_states::Microversion;
/// assert!(MICROVERSION_RULES.iter().any(|r| r.version == Microversion::new(2, 20)));
/// assert!(MICROVERSION_RULES.windows(2).all(|w| w[0].version <= w[1].version));
/// ```
pub const MICROVERSION_RULES: &[MicroversionRule] = &[
    rule(6, &[Action::GetVncConsole, Action::GetSpiceConsole, Action::GetSerialConsole],
        "the os-get*Console server actions are retired (404); consoles, and MKS (from 2.8), are POST /servers/{id}/remote-consoles",
        "nova/api/openstack/compute/remote_consoles.py:41, 73, 114, 145-148"),
    rule(9, &[], "documents show `locked`",
        "nova/api/openstack/compute/rest_api_version_history.rst:105-110; views/servers.py:410-411"),
    rule(16, &[], "documents show `host_status` (admins by default)",
        "nova/api/openstack/compute/rest_api_version_history.rst:156-161; views/servers.py:413-430"),
    rule(17, &[Action::TriggerCrashDump], "trigger_crash_dump is routed (404 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:163-167; servers.py:1576"),
    rule(20, &[Action::AttachVolume, Action::DetachVolume],
        "a shelved or shelved_offloaded server's volumes can be attached and detached (409 before, worded as a vm_state conflict)",
        "nova/api/openstack/compute/rest_api_version_history.rst:181-185; volume_attachments.py:79-88, 219-223, 407-411"),
    rule(22, &[Action::LiveMigrateForceComplete],
        "force-complete is routed (404 before); it needs vm_state active and task_state migrating, and a running migration (400 otherwise)",
        "nova/api/openstack/compute/rest_api_version_history.rst:193-200; server_migrations.py:94, 110-113; nova/compute/api.py:5628-5651"),
    rule(24, &[Action::LiveMigrateAbort], "abort is routed (404 before), for a running migration",
        "nova/api/openstack/compute/rest_api_version_history.rst:213-218; server_migrations.py:193; nova/compute/api.py:5682-5695"),
    rule(38, &[], "GET /servers?status= with a value that names no status: 400 'Invalid status value' (an empty list before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:474-482; servers.py:216-226"),
    rule(65, &[Action::LiveMigrateAbort], "abort also accepts a queued or preparing migration (400 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:872-875; server_migrations.py:204; nova/compute/api.py:5682-5695"),
    rule(69, &[], "GET /servers and /servers/{id} show a server in a down cell as a minimal document (status UNKNOWN, no states); actions on it still cannot load it: 500",
        "nova/api/openstack/compute/rest_api_version_history.rst:901-913; servers.py:168-169, 500-506; nova/compute/api.py:2976-3012"),
    rule(73, &[], "documents show `locked_reason`",
        "nova/api/openstack/compute/rest_api_version_history.rst:966-974; views/servers.py:450-452"),
    rule(77, &[Action::Unshelve], "unshelve to an availability zone, only when shelved_offloaded (409 otherwise; the zone was ignored before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1022-1025; shelve.py:118-124; nova/compute/api.py:4743-4744, 4603-4613"),
    rule(87, &[Action::Rescue], "rescue of a volume-backed server (400 before; from 2.87 it needs the host's COMPUTE_RESCUE_BFV trait and the image's hw_rescue_* properties, not modelled)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1140-1144; rescue.py:62, 76-80; nova/compute/api.py:4919-4937"),
    rule(91, &[Action::Unshelve], "unshelve to a host (admins, os_compute_api:os-shelve:unshelve_to_host), only when shelved_offloaded (409 otherwise; ignored before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1208-1213; shelve.py:119-127; nova/compute/api.py:4743-4744, 4757-4762"),
    rule(93, &[Action::Rebuild], "rebuild of a volume-backed server with a new image (400 before)",
        "nova/api/openstack/compute/rest_api_version_history.rst:1225-1230; servers.py:1324-1325; nova/compute/api.py:3744-3779"),
    rule(95, &[Action::Evacuate], "an evacuated server ends stopped, whatever it was (before: active stays active, stopped stays stopped); not yet in the outcomes of this model, which are the pre-2.95 ones",
        "nova/api/openstack/compute/rest_api_version_history.rst:1243-1249; evacuate.py:112-124"),
];

/// What `GET /servers?status=<text>` does with a status value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusQuery {
    /// A known status: the list is filtered by it.
    Filters(crate::wire::status::ServerStatus),
    /// Unknown, before 2.38: an empty list (servers.py:221-226).
    EmptyList,
    /// Unknown, from 2.38: 400 "Invalid status value" (servers.py:222-224).
    BadRequest,
}

/// What Nova does with `?status=<text>` at a microversion (the 2.38 rule).
///
/// ```
/// use nova_states::rules::{status_query, StatusQuery};
/// use nova_states::Microversion;
/// assert_eq!(status_query("NOPE", Microversion::new(2, 37)), StatusQuery::EmptyList);
/// assert_eq!(status_query("NOPE", Microversion::new(2, 38)), StatusQuery::BadRequest);
/// assert!(matches!(status_query("active", Microversion::LATEST), StatusQuery::Filters(_)));
/// ```
pub fn status_query(text: &str, microversion: Microversion) -> StatusQuery {
    match crate::wire::status::ServerStatus::parse(text) {
        Ok(status) => StatusQuery::Filters(status),
        Err(_) if microversion.at_least(Microversion::new(2, 38)) => StatusQuery::BadRequest,
        Err(_) => StatusQuery::EmptyList,
    }
}
