//! The rule table: one [`ActionSpec`] row per [`Action`], holding every fact
//! Nova declares about it, and the accessors that read it.
//!
//! The rows live in [`crate::rules::actions`], grouped as nova/compute/api.py
//! groups the methods; [`Action::spec`] is the one exhaustive `match` that
//! maps an action to its row, so a new action does not build until it has
//! one. Every accessor below is one line over the row; views computed from
//! several rows (outcomes, in-flight sets, the relation) live in
//! [`crate::machine`].

use crate::rules::actions;
use crate::rules::edge::Edge;
use crate::rules::outcome::{self, DiskCapture, Driver, FailurePhase};
use crate::rules::precondition::Precondition;
use crate::rules::preflight::{HostRule, LockRule, Policy, Versions};
use crate::rules::rejection::{RejectedField, Rejection};
use crate::wire::action::Action;
use crate::wire::set::{ActionSet, VmStateSet};
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// Everything Nova declares about one action, with where it says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ActionSpec {
    /// The `@check_instance_state` / `@reject_instance_state` decorator.
    pub(crate) precondition: Precondition,
    /// The decorated method's name, as `InstanceInvalidState` prints it.
    pub(crate) api_method: &'static str,
    /// The name in `POST /servers/{id}/action`, if it is a server action.
    pub(crate) rest: Option<&'static str>,
    /// The HTTP request that starts it.
    pub(crate) http: &'static str,
    /// The word the REST layer's 409 message uses, if it maps one.
    pub(crate) conflict_action: Option<&'static str>,
    /// The HTTP status the controller answers when the state check raises
    /// `InstanceInvalidState`; `None` where the check accepts every state.
    pub(crate) refused_with: Option<u16>,
    /// Every task_state write on its success paths, all branches.
    pub(crate) edges: &'static [Edge],
    /// How it fails, point by point: for the API call and for each
    /// task_state it writes, every state a failure there can leave.
    pub(crate) failure_phases: &'static [FailurePhase],
    /// For image-taking actions, its (pending-upload, uploading) task
    /// states, from which [`Action::disk_capture`] derives each driver's
    /// capture point.
    pub(crate) image_tasks: Option<(TaskState, TaskState)>,
    /// The vm_states it starts from, where these are not the
    /// precondition's (`create` starts as `building`).
    pub(crate) starts: Option<VmStateSet>,
    /// `@check_instance_lock`, and how the controller words its refusal.
    pub(crate) lock: LockRule,
    /// `@check_instance_host`, and the status the controller maps it to.
    pub(crate) host: HostRule,
    /// The policy the controller checks, with its default.
    pub(crate) policy: Policy,
    /// The microversions that route the request.
    pub(crate) versions: Versions,
    /// The HTTP status of an accepted request.
    pub(crate) accepted: u16,
}

impl Action {
    /// The action's row in the rule table.
    pub(crate) const fn spec(self) -> &'static ActionSpec {
        use actions::{attach, guest, image, lifecycle, live, power, rebuild, resize};
        use Action as A;
        match self {
            A::Create => &lifecycle::CREATE,
            A::Delete => &lifecycle::DELETE,
            A::SoftDelete => &lifecycle::SOFT_DELETE,
            A::ForceDelete => &lifecycle::FORCE_DELETE,
            A::Restore => &lifecycle::RESTORE,
            A::ResetState => &lifecycle::RESET_STATE,
            A::Stop => &power::STOP,
            A::Start => &power::START,
            A::RebootSoft => &power::REBOOT_SOFT,
            A::RebootHard => &power::REBOOT_HARD,
            A::Pause => &guest::PAUSE,
            A::Unpause => &guest::UNPAUSE,
            A::Suspend => &guest::SUSPEND,
            A::Resume => &guest::RESUME,
            A::Rescue => &guest::RESCUE,
            A::Unrescue => &guest::UNRESCUE,
            A::TriggerCrashDump => &power::TRIGGER_CRASH_DUMP,
            A::Snapshot => &image::SNAPSHOT,
            A::SnapshotVolumeBacked => &image::SNAPSHOT_VOLUME_BACKED,
            A::Backup => &image::BACKUP,
            A::Shelve => &image::SHELVE,
            A::ShelveOffload => &image::SHELVE_OFFLOAD,
            A::Unshelve => &image::UNSHELVE,
            A::Resize => &resize::RESIZE,
            A::Migrate => &resize::MIGRATE,
            A::ConfirmResize => &resize::CONFIRM_RESIZE,
            A::RevertResize => &resize::REVERT_RESIZE,
            A::Rebuild => &rebuild::REBUILD,
            A::Evacuate => &rebuild::EVACUATE,
            A::LiveMigrate => &live::LIVE_MIGRATE,
            A::LiveMigrateForceComplete => &live::LIVE_MIGRATE_FORCE_COMPLETE,
            A::LiveMigrateAbort => &live::LIVE_MIGRATE_ABORT,
            A::SetAdminPassword => &attach::SET_ADMIN_PASSWORD,
            A::GetVncConsole => &attach::GET_VNC_CONSOLE,
            A::GetSpiceConsole => &attach::GET_SPICE_CONSOLE,
            A::GetSerialConsole => &attach::GET_SERIAL_CONSOLE,
            A::GetMksConsole => &attach::GET_MKS_CONSOLE,
            A::AttachVolume => &attach::ATTACH_VOLUME,
            A::DetachVolume => &attach::DETACH_VOLUME,
            A::SwapVolume => &attach::SWAP_VOLUME,
            A::AttachInterface => &attach::ATTACH_INTERFACE,
            A::DetachInterface => &attach::DETACH_INTERFACE,
            A::DeleteInstanceMetadata => &attach::DELETE_INSTANCE_METADATA,
            A::UpdateInstanceMetadata => &attach::UPDATE_INSTANCE_METADATA,
            A::VolumeSnapshotCreate => &attach::VOLUME_SNAPSHOT_CREATE,
            A::VolumeSnapshotDelete => &attach::VOLUME_SNAPSHOT_DELETE,
        }
    }

    /// The state precondition, exactly as the method's decorator declares
    /// it (nova/compute/api.py @ 00a030403f67; the line is the `def`).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// let pre = Action::Restore.precondition();
    /// assert_eq!(pre.vm_states.iter().collect::<Vec<_>>(), [VmState::SoftDeleted]);
    /// assert!(pre.task_states.contains(None));
    /// assert!(pre.must_have_launched);
    /// assert_eq!(pre.source, "nova/compute/api.py:2815-2816");
    /// ```
    #[inline]
    pub const fn precondition(self) -> Precondition {
        self.spec().precondition
    }

    /// The name of the decorated method, which Nova puts in the
    /// `InstanceInvalidState` message (`method=f.__name__`, api.py:161).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Snapshot.api_method(), "snapshot");
    /// // Reboot is split in two here; Nova's methods say which.
    /// assert_eq!(Action::RebootSoft.api_method(), "_soft_reboot");
    /// ```
    pub const fn api_method(self) -> &'static str {
        self.spec().api_method
    }

    /// The name in `POST /servers/{id}/action` (`None` for actions that are
    /// not server actions: DELETE, volume attachments, interfaces, metadata,
    /// migrations, remote consoles, create).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Snapshot.rest(), Some("createImage"));
    /// assert_eq!(Action::ForceDelete.rest(), Some("forceDelete"));
    /// // DELETE /servers/{id} is no server action.
    /// assert_eq!(Action::Delete.rest(), None);
    /// ```
    pub const fn rest(self) -> Option<&'static str> {
        self.spec().rest
    }

    /// The HTTP request that starts the action.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Delete.http(), "DELETE /servers/{server_id}");
    /// assert_eq!(Action::Stop.http(), "POST /servers/{server_id}/action");
    /// ```
    pub const fn http(self) -> &'static str {
        self.spec().http
    }

    /// The action word the REST layer passes to
    /// `raise_http_conflict_for_instance_invalid_state`
    /// (nova/api/openstack/common.py:330-346), i.e. what the 409 message
    /// says. `None` where the controller does not map an invalid state to
    /// 409: force_delete (cannot be refused), the SPICE/serial/MKS consoles
    /// (HTTP 500), assisted volume snapshots (HTTP 400), create, reset_state.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Snapshot.conflict_action(), Some("createImage"));
    /// assert_eq!(Action::LiveMigrateAbort.conflict_action(), Some("abort live migration"));
    /// // The SPICE console's controller maps no 409.
    /// assert_eq!(Action::GetSpiceConsole.conflict_action(), None);
    /// ```
    pub const fn conflict_action(self) -> Option<&'static str> {
        self.spec().conflict_action
    }

    /// The HTTP status Nova answers when the state check refuses the
    /// action (when [`Action::check`] returns a [`Rejection`]), as the
    /// controller serving [`Action::http`] maps `InstanceInvalidState`:
    ///
    /// - 409, through `raise_http_conflict_for_instance_invalid_state`
    ///   (nova/api/openstack/common.py:330-346), for every action whose
    ///   [`Action::conflict_action`] is `Some` and whose check can fail;
    /// - 500 for the SPICE, serial and MKS consoles: their handlers do not
    ///   catch the exception, and `expected_errors` turns anything
    ///   unexpected into HTTPInternalServerError
    ///   (nova/api/openstack/wsgi.py:808-813);
    /// - 400 for the assisted volume snapshots
    ///   (assisted_volume_snapshots.py:57-63, 92-98).
    ///
    /// `None` where Nova never refuses by state: `create` (no server to
    /// check), `reset_state` (no check), `delete` and `force_delete` (a
    /// check that accepts every state, api.py:2807-2808, 2847-2848). Each
    /// row cites its controller line.
    ///
    /// The console rows are the 2.1-2.5 server actions (and, for MKS, which
    /// has none, `POST /servers/{id}/remote-consoles`). Since microversion
    /// 2.6 every console, VNC included, is asked for through
    /// `POST /servers/{id}/remote-consoles`, whose handler catches no
    /// `InstanceInvalidState` either (remote_consoles.py:167-186): 500 there.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    ///
    /// // A snapshot while one runs: refused, and the answer is a 409.
    /// let task = Some(TaskState::ImageUploading);
    /// assert!(Action::Snapshot.check(VmState::Active, task, true).is_err());
    /// assert_eq!(Action::Snapshot.refusal_status(), Some(409));
    ///
    /// // A SPICE console while the server migrates: the refusal is a 500.
    /// let task = Some(TaskState::Migrating);
    /// assert!(Action::GetSpiceConsole.check(VmState::Active, task, true).is_err());
    /// assert_eq!(Action::GetSpiceConsole.refusal_status(), Some(500));
    ///
    /// // force_delete is never refused by state.
    /// assert_eq!(Action::ForceDelete.refusal_status(), None);
    /// ```
    pub const fn refusal_status(self) -> Option<u16> {
        self.spec().refused_with
    }

    /// Every task_state write on the action's success paths, all branches.
    /// Empty for actions that write no task state.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    ///
    /// let edges = Action::Stop.edges();
    /// // The API writes powering-off; the compute service ends it, stopped.
    /// assert!(edges[0].api);
    /// assert_eq!(edges[0].to, Some(TaskState::PoweringOff));
    /// assert_eq!(edges.last().map(|e| (e.to, e.vm)), Some((None, Some(VmState::Stopped))));
    /// assert!(Action::AttachVolume.edges().is_empty());
    /// ```
    pub const fn edges(self) -> &'static [Edge] {
        self.spec().edges
    }

    /// How the action fails, point by point: for the API call and for each
    /// task_state the action writes, every (vm_state, task_state) a failure
    /// there can leave, with its mechanism and the line where Nova decides
    /// it (see [`FailurePhase`] for what is not listed). Empty for actions
    /// that write no state.
    ///
    /// ```
    /// use nova_states::rules::{FailurePoint, Mechanism};
    /// use nova_states::{Action, TaskState};
    /// // A snapshot never fails into ERROR: at every phase it clears its
    /// // task, or leaves it set.
    /// assert!(Action::Snapshot
    ///     .failure_phases()
    ///     .iter()
    ///     .all(|p| p.ends.iter().all(|e| e.vm == nova_states::rules::EndVm::Start)));
    /// // Its API write is not undone when the cast fails.
    /// let api = Action::Snapshot.failure_phases()[0];
    /// assert_eq!((api.at, api.mechanism), (FailurePoint::Api, Mechanism::ApiWriteNotUndone));
    /// assert_eq!(api.ends[0].task, Some(TaskState::ImageSnapshotPending));
    /// ```
    pub const fn failure_phases(self) -> &'static [FailurePhase] {
        self.spec().failure_phases
    }

    /// Where the guest disk has been captured, for image-taking actions
    /// (`None` for the others and for `snapshot_volume_backed`, whose
    /// volume snapshots are taken before the API answers, api.py:3560-3631).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, Driver, TaskState};
    ///
    /// // libvirt (non-RBD): during the second image_pending_upload.
    /// let c = Action::Snapshot.disk_capture(Driver::LibvirtStandard).unwrap();
    /// assert_eq!((c.during, c.occurrence), (TaskState::ImagePendingUpload, 2));
    /// assert_eq!(c.safe_from, Some(TaskState::ImageUploading));
    /// // RBD direct snapshot: safe only once the task ends.
    /// let c = Action::Snapshot.disk_capture(Driver::LibvirtRbdDirect).unwrap();
    /// assert_eq!(c.safe_from, None);
    /// // Volume-backed: the volumes are snapshotted before the API answers.
    /// assert!(Action::SnapshotVolumeBacked.disk_capture(Driver::VMware).is_none());
    /// ```
    pub const fn disk_capture(self, driver: Driver) -> Option<DiskCapture> {
        match self.spec().image_tasks {
            Some((pending, uploading)) => Some(outcome::capture(driver, pending, uploading)),
            None => None,
        }
    }

    /// The vm_states the action can start from: those its precondition
    /// accepts (`building` for `create`, which has no server to check).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// assert_eq!(Action::Stop.starts(), Action::Stop.precondition().vm_states);
    /// assert!(Action::Stop.starts().contains(VmState::Error));
    /// // create checks no state but starts as building.
    /// assert!(Action::Create.precondition().vm_states.is_empty());
    /// assert_eq!(Action::Create.starts().iter().collect::<Vec<_>>(), [VmState::Building]);
    /// ```
    pub const fn starts(self) -> VmStateSet {
        match self.spec().starts {
            Some(starts) => starts,
            None => self.spec().precondition.vm_states,
        }
    }

    /// Whether `@check_instance_lock` (api.py:245-251) guards the action,
    /// and how its controller words the 409. Snapshot, backup, evacuate,
    /// the consoles and the assisted volume snapshots are not guarded
    /// (e.g. api.py:3398-3399: "We don't check instance lock for backup").
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::LockWording;
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Stop.lock().guarded, Some(LockWording::IsLocked));
    /// assert_eq!(Action::Snapshot.lock().guarded, None);
    /// // restore's controller catches the lock as InstanceInvalidState.
    /// assert_eq!(Action::Restore.lock().guarded, Some(LockWording::InvalidState));
    /// ```
    pub const fn lock(self) -> LockRule {
        self.spec().lock
    }

    /// `@check_instance_host` on the action's method, and the status its
    /// controller answers when it refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::HostCheck;
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Stop.host_rule().check, HostCheck::SetBeforeState);
    /// assert_eq!(Action::Resize.host_rule().check, HostCheck::UpAfterState);
    /// assert_eq!(Action::Pause.host_rule().check, HostCheck::None);
    /// ```
    pub const fn host_rule(self) -> HostRule {
        self.spec().host
    }

    /// The policy the controller checks (with its default rule), right
    /// after it looks the server up.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::{PolicyDefault, Role};
    /// use nova_states::Action;
    ///
    /// let p = Action::Evacuate.policy();
    /// assert_eq!(p.name, "os_compute_api:os-evacuate");
    /// assert!(!p.default.allows(Role::Member));
    /// assert_eq!(Action::Stop.policy().default, PolicyDefault::ProjectMemberOrAdmin);
    /// ```
    pub const fn policy(self) -> Policy {
        self.spec().policy
    }

    /// The microversions for which Nova routes the request
    /// ([`Action::http`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, Microversion};
    ///
    /// assert_eq!(Action::TriggerCrashDump.versions().since, Microversion::new(2, 17));
    /// assert_eq!(Action::GetVncConsole.versions().until, Some(Microversion::new(2, 5)));
    /// ```
    pub const fn versions(self) -> Versions {
        self.spec().versions
    }

    /// The HTTP status Nova answers when it accepts the request.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Stop.accepted_status(), 202);
    /// assert_eq!(Action::Delete.accepted_status(), 204);
    /// assert_eq!(Action::Evacuate.accepted_status(), 200);
    /// ```
    pub const fn accepted_status(self) -> u16 {
        self.spec().accepted
    }

    /// The HTTP method of [`Action::http`].
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Stop.method(), "POST");
    /// assert_eq!(Action::DetachVolume.method(), "DELETE");
    /// ```
    pub fn method(self) -> &'static str {
        match self.http().split_once(' ') {
            Some((method, _)) => method,
            None => self.http(),
        }
    }

    /// The path of [`Action::http`] (with any note after it).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::Action;
    ///
    /// assert_eq!(Action::Stop.path(), "/servers/{server_id}/action");
    /// ```
    pub fn path(self) -> &'static str {
        match self.http().split_once(' ') {
            Some((_, path)) => path,
            None => "",
        }
    }

    /// Checks the precondition, in Nova's order: vm_state, then
    /// task_state, then `launched_at` (api.py:156-174).
    ///
    /// `launched` is whether the server's `launched_at` is set, i.e. it
    /// booted once. It is not in the three `OS-EXT-STS` fields (the API
    /// shows it as `OS-SRV-USG:launched_at`, views/servers.py:343-345): a
    /// server still `building` has not launched, nor has one whose first
    /// build failed and is now in `error`; pass `false` for those, or
    /// actions that need it (most do, see
    /// [`Precondition::must_have_launched`]) are wrongly accepted.
    ///
    /// Only the server's state is checked. Nova also refuses a **locked**
    /// server to non-admins (`@check_instance_lock`, api.py:245-251, placed
    /// above the state check on the methods it guards, e.g. api.py:2806-2807,
    /// so it is checked first), and requests that policy, a down compute
    /// host or the microversion rule out: [`crate::rules::Request::preflight`]
    /// answers those, in Nova's order (quotas are not modelled).
    /// What Nova answers for a refusal by state is
    /// [`Action::refusal_status`].
    ///
    /// # Errors
    /// A [`Rejection`] naming the field, the value found and what was allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, RejectedField, TaskState, VmState};
    /// let err = Action::Snapshot
    ///     .check(VmState::Active, Some(TaskState::ImageUploading), true)
    ///     .unwrap_err();
    /// assert_eq!(err.field, RejectedField::TaskState);
    /// assert_eq!(
    ///     err.conflict_message("c2d5da0a").to_string(),
    ///     "Cannot 'createImage' instance c2d5da0a while it is in task_state image_uploading"
    /// );
    /// assert_eq!(Action::Snapshot.check(VmState::Active, None, true), Ok(()));
    ///
    /// // The same server before it ever launched: refused on launched_at.
    /// let err = Action::Snapshot.check(VmState::Active, None, false).unwrap_err();
    /// assert_eq!(err.field, RejectedField::LaunchedAt);
    /// ```
    #[inline]
    pub const fn check(
        self,
        vm: VmState,
        task: Option<TaskState>,
        launched: bool,
    ) -> Result<(), Rejection> {
        let pre = self.precondition();
        let field = if !pre.vm_states.contains(vm) {
            RejectedField::VmState
        } else if !pre.task_states.contains(task) {
            RejectedField::TaskState
        } else if pre.must_have_launched && !launched {
            RejectedField::LaunchedAt
        } else {
            return Ok(());
        };
        Err(Rejection {
            action: self,
            field,
            vm_state: vm,
            task_state: task,
            allowed: pre,
        })
    }

    /// Whether the action is accepted in this state.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, VmState};
    ///
    /// assert!(Action::Start.accepts(VmState::Stopped, None, true));
    /// assert!(!Action::Start.accepts(VmState::Active, None, true));
    /// // A server that never launched cannot be started.
    /// assert!(!Action::Start.accepts(VmState::Stopped, None, false));
    /// ```
    #[inline]
    pub const fn accepts(self, vm: VmState, task: Option<TaskState>, launched: bool) -> bool {
        self.check(vm, task, launched).is_ok()
    }

    /// "What can I do now": every action the state accepts (`create`
    /// excluded: it needs no server).
    ///
    /// ```
    /// use nova_states::{Action, TaskState, VmState};
    /// let now = Action::allowed(VmState::Active, Some(TaskState::ImageUploading), true);
    /// assert!(now.contains(Action::Delete));
    /// assert!(now.contains(Action::RebootHard) == false);
    /// assert!(!now.contains(Action::Snapshot));
    /// ```
    #[inline]
    // Indices: an enum position (< 12) and a task slot (< 43); the bounds
    // checks cannot fail.
    #[allow(clippy::indexing_slicing)]
    pub const fn allowed(vm: VmState, task: Option<TaskState>, launched: bool) -> ActionSet {
        let slot = TaskState::slot(task);
        let launched_set = ALLOWED_TABLE[vm.index()][slot];
        if launched {
            launched_set
        } else {
            ActionSet::from_bits(launched_set.bits() & !MUST_HAVE_LAUNCHED.bits())
        }
    }

    /// [`Action::allowed`] by checking every action (what the table holds).
    const fn allowed_by_checking(vm: VmState, task: Option<TaskState>) -> ActionSet {
        let mut set = ActionSet::EMPTY;
        let mut rest: &[Action] = &Action::ALL;
        while let [action, tail @ ..] = rest {
            rest = tail;
            if !matches!(action, Action::Create) && action.accepts(vm, task, true) {
                set = set.with(*action);
            }
        }
        set
    }
}

/// "What can I do now" for a launched server, per (vm_state, task slot),
/// computed at compile time from the preconditions.
// Evaluated at compile time only; an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const ALLOWED_TABLE: [[ActionSet; TaskState::COUNT + 1]; VmState::COUNT] = {
    let mut table = [[ActionSet::EMPTY; TaskState::COUNT + 1]; VmState::COUNT];
    let mut v = 0;
    while v < VmState::COUNT {
        let mut t = 0;
        while t < TaskState::COUNT + 1 {
            table[v][t] = Action::allowed_by_checking(VmState::ALL[v], TaskState::ALL_OR_NULL[t]);
            t += 1;
        }
        v += 1;
    }
    table
};

/// The actions whose precondition needs `launched_at`.
const MUST_HAVE_LAUNCHED: ActionSet = {
    let mut set = ActionSet::EMPTY;
    let mut rest: &[Action] = &Action::ALL;
    while let [action, tail @ ..] = rest {
        rest = tail;
        if action.precondition().must_have_launched {
            set = set.with(*action);
        }
    }
    set
};
