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
//!    The request body's schema is checked next, per microversion
//!    (`@validation.schema`): a remote console of protocol `mks` before
//!    2.8 is 400 (nova/api/openstack/compute/remote_consoles.py:147-148,
//!    schemas/remote_consoles.py:82-113).
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
use crate::wire::set::VmStateSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

mod microversions;
mod row;
mod server;

pub use microversions::{
    shows_down_cells, status_query, MicroversionRule, StatusQuery, DOWN_CELL_DOCUMENTS,
    MICROVERSION_RULES,
};
pub(crate) use row::{host, locked, policy, since, unlocked, until, EVERY_VERSION, NO_HOST_CHECK};
pub use row::{
    EndsRule, HostCheck, HostRule, LockRule, LockWording, Policy, PolicyDefault, Role, UnknownName,
    Versions,
};
pub use server::{HostStatus, MigrationStatus, Server};

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
    /// The request body's schema refuses `protocol` `mks` before 2.8
    /// (schemas/remote_consoles.py:82-113; validators.py:292-317).
    MksBefore28,
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
            Reason::MksBefore28 => f.write_str(
                "Invalid input for field/attribute protocol. Value: mks. \
                 'mks' is not one of ['vnc', 'spice', 'serial', 'rdp']",
            ),
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
        // 1b. The request body's schema, per microversion, before the
        // method runs: protocol mks only from 2.8.
        if matches!(action, Action::GetMksConsole) && !v.at_least(Microversion::new(2, 8)) {
            return Err(refuse(
                400,
                RefusedBy::Microversion,
                Reason::MksBefore28,
                "nova/api/openstack/compute/remote_consoles.py:145-148; nova/api/openstack/compute/schemas/remote_consoles.py:82-113; nova/api/validation/validators.py:292-317",
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
