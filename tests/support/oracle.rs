//! The oracle: Nova's facts restated independently of the crate's tables,
//! the relation enumerated once by a walk of its own, and the invariants
//! of the transition relation as checks on one edge.
//!
//! Shared by the integration tests (`support::oracle`), the property tests
//! and the `events` fuzz target (`#[path = "../../tests/support/oracle.rs"]`),
//! so that every one of them checks an edge with the same code. It uses
//! nothing but nova-states and std. Every check panics with the state, the
//! event and what broke.
//!
//! The lists below (which actions may pre-empt a task, which actions Nova
//! accepts from `error`) are restated from Nova's decorators
//! (nova/compute/api.py @ 00a030403f67, the golden table
//! tests/golden/preconditions.tsv) rather than read from the crate's tables,
//! so that a change to `Action::precondition` is caught here.

use std::sync::OnceLock;

use nova_states::machine::all_events;
use nova_states::rules::{FailurePoint, Guard};
use nova_states::{
    apply, Action, Event, RejectedField, ServerState, ServerStatus, TaskState, TransitionError,
    VmState,
};

// --- Nova's facts, restated ------------------------------------------------

/// `task_states.ALLOW_REBOOT` without `None` (nova/compute/task_states.py:120-121).
pub const ALLOW_REBOOT: [TaskState; 8] = [
    TaskState::Rebooting,
    TaskState::RebootPending,
    TaskState::RebootStarted,
    TaskState::Resuming,
    TaskState::RebootingHard,
    TaskState::Unpausing,
    TaskState::Pausing,
    TaskState::Suspending,
];

/// The actions whose decorator lets them in while a task runs: the delete
/// family, evacuate and reset-state (any task), metadata updates
/// (`task_state=None`), hard reboot (ALLOW_REBOOT), the consoles (all but
/// deleting and migrating) and the two live-migration follow-ups (only
/// migrating). Every other action's decorator keeps the default
/// `task_state=(None,)`.
pub const PREEMPTERS: [Action; 14] = [
    Action::SoftDelete,
    Action::Delete,
    Action::ForceDelete,
    Action::RebootHard,
    Action::GetVncConsole,
    Action::GetSpiceConsole,
    Action::GetSerialConsole,
    Action::GetMksConsole,
    Action::DeleteInstanceMetadata,
    Action::UpdateInstanceMetadata,
    Action::LiveMigrateForceComplete,
    Action::LiveMigrateAbort,
    Action::Evacuate,
    Action::ResetState,
];

/// Whether Nova accepts `action` with this task_state (the vm_state aside).
pub fn nova_accepts_task(action: Action, task: Option<TaskState>) -> bool {
    use Action as A;
    use TaskState as T;
    let Some(task) = task else {
        // Only the live-migration follow-ups need a task (migrating).
        return !matches!(action, A::LiveMigrateForceComplete | A::LiveMigrateAbort);
    };
    match action {
        A::SoftDelete
        | A::Delete
        | A::ForceDelete
        | A::Evacuate
        | A::ResetState
        | A::DeleteInstanceMetadata
        | A::UpdateInstanceMetadata => true,
        A::RebootHard => ALLOW_REBOOT.contains(&task),
        A::GetVncConsole | A::GetSpiceConsole | A::GetSerialConsole | A::GetMksConsole => {
            !matches!(task, T::Deleting | T::Migrating)
        }
        A::LiveMigrateForceComplete | A::LiveMigrateAbort => task == T::Migrating,
        _ => false,
    }
}

/// The actions whose decorator lists `vm_states.ERROR` (or any vm_state):
/// what Nova accepts from `error`, task permitting.
pub const ERROR_ACCEPTS: [Action; 17] = [
    Action::SoftDelete,
    Action::Delete,
    Action::ForceDelete,
    Action::Stop,
    Action::TriggerCrashDump,
    Action::RebootHard,
    Action::Rebuild,
    Action::Rescue,
    Action::GetVncConsole,
    Action::GetSpiceConsole,
    Action::GetSerialConsole,
    Action::GetMksConsole,
    Action::LiveMigrateAbort,
    Action::Evacuate,
    Action::VolumeSnapshotCreate,
    Action::VolumeSnapshotDelete,
    Action::ResetState,
];

/// The image-creating actions: createImage (both kinds) and createBackup.
pub const IMAGE_ACTIONS: [Action; 3] = [
    Action::Snapshot,
    Action::SnapshotVolumeBacked,
    Action::Backup,
];

// --- Failures, restated --------------------------------------------------

/// Where a failure happens, restated: the API request, or on the conductor
/// or compute host while the server shows this task_state (`None`: null).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailAt {
    /// The API request.
    Api,
    /// While the server shows this task_state.
    Task(Option<TaskState>),
}

/// Every (vm_state, task_state) a failure of `action` at `at` can leave a
/// server that shows vm_state `vm` when it fails, restated from Nova's code
/// (openstack/nova @ 00a030403f67, as read in /work/research/failures-A.md
/// and failures-B.md and checked against the lines the crate cites), not
/// from the crate's rows. Empty where the action cannot fail there or a
/// failure changes nothing (refused before writing, pre-empted).
pub fn nova_failure_ends(
    action: Action,
    at: FailAt,
    vm: VmState,
) -> Vec<(VmState, Option<TaskState>)> {
    use Action as A;
    use FailAt::{Api, Task};
    use TaskState as T;
    use VmState as V;
    let s = vm;
    // The API saves its task_state, then the cast or the action record
    // fails: nothing undoes the write.
    let api_kept = |task: TaskState| vec![(s, Some(task))];
    match (action, at) {
        (A::Stop, Api) => api_kept(T::PoweringOff),
        // reverts_task_state; the final save failing writes the end.
        (A::Stop, Task(Some(T::PoweringOff))) => vec![(s, None), (V::Stopped, None)],
        (A::Start, Api) => api_kept(T::PoweringOn),
        (A::Start, Task(Some(T::PoweringOn))) => vec![(s, None), (V::Active, None)],
        (A::RebootSoft, Api) => api_kept(T::Rebooting),
        (A::RebootHard, Api) => api_kept(T::RebootingHard),
        (A::RebootSoft, Task(Some(T::Rebooting)))
        | (A::RebootHard, Task(Some(T::RebootingHard))) => vec![(s, None)],
        // The save inside the try fails: running → active; not running →
        // error with the dirty next task (conflict) or null.
        (A::RebootSoft, Task(Some(T::RebootPending))) => vec![
            (V::Active, None),
            (V::Error, Some(T::RebootStarted)),
            (V::Error, None),
        ],
        (A::RebootHard, Task(Some(T::RebootPendingHard))) => vec![
            (V::Active, None),
            (V::Error, Some(T::RebootStartedHard)),
            (V::Error, None),
        ],
        (A::RebootSoft, Task(Some(T::RebootStarted)))
        | (A::RebootHard, Task(Some(T::RebootStartedHard))) => {
            vec![(V::Active, None), (V::Error, None)]
        }
        (A::Pause, Api) => api_kept(T::Pausing),
        (A::Pause, Task(Some(T::Pausing))) => vec![(s, None), (V::Paused, None)],
        (A::Unpause, Api) => api_kept(T::Unpausing),
        (A::Unpause, Task(Some(T::Unpausing))) => vec![(s, None), (V::Active, None)],
        (A::Suspend, Api) => api_kept(T::Suspending),
        (A::Suspend, Task(Some(T::Suspending))) => {
            vec![(s, None), (V::Error, None), (V::Suspended, None)]
        }
        (A::Resume, Api) => api_kept(T::Resuming),
        (A::Resume, Task(Some(T::Resuming))) => {
            vec![(s, None), (V::Error, None), (V::Active, None)]
        }
        (A::Rescue, Api) => api_kept(T::Rescuing),
        (A::Rescue, Task(Some(T::Rescuing))) => {
            vec![(s, None), (V::Error, None), (V::Rescued, None)]
        }
        (A::Unrescue, Api) => api_kept(T::Unrescuing),
        (A::Unrescue, Task(Some(T::Unrescuing))) => {
            vec![(s, None), (V::Active, None), (V::Error, None)]
        }
        (A::SetAdminPassword, Api) => api_kept(T::UpdatingPassword),
        (A::SetAdminPassword, Task(Some(T::UpdatingPassword))) => vec![(s, None)],
        // The build: bury in cell0 or clean-up artifacts (error), an
        // unhandled conductor error (stuck), the reschedule's cast failing
        // (null again); on the compute: error, or rescheduled.
        (A::Create, Api) => vec![(V::Building, Some(T::Scheduling))],
        (A::Create, Task(Some(T::Scheduling))) => vec![
            (V::Error, None),
            (V::Building, Some(T::Scheduling)),
            (V::Building, None),
        ],
        (A::Create, Task(None)) => vec![
            (V::Building, None),
            (V::Error, None),
            (V::Building, Some(T::Scheduling)),
        ],
        (A::Create, Task(Some(T::Networking | T::BlockDeviceMapping | T::Spawning))) => {
            vec![(V::Error, None), (V::Building, Some(T::Scheduling))]
        }
        // _delete: the write kept; a resized server is confirmed first.
        (A::Delete | A::ForceDelete, Api) => {
            let mut ends = api_kept(T::Deleting);
            if vm == V::Resized {
                ends.extend([
                    (V::Error, Some(T::Deleting)),
                    (V::Active, None),
                    (V::Stopped, None),
                ]);
            }
            ends
        }
        (A::Delete | A::ForceDelete, Task(Some(T::Deleting))) => vec![(s, None), (V::Error, None)],
        (A::SoftDelete, Api) => {
            let mut ends = api_kept(T::SoftDeleting);
            if vm == V::Resized {
                ends.extend([
                    (V::Error, Some(T::SoftDeleting)),
                    (V::Active, None),
                    (V::Active, Some(T::SoftDeleting)),
                    (V::Stopped, Some(T::SoftDeleting)),
                ]);
            }
            ends
        }
        (A::SoftDelete, Task(Some(T::SoftDeleting))) => vec![(s, None), (V::SoftDeleted, None)],
        (A::Restore, Api) => api_kept(T::Restoring),
        (A::Restore, Task(Some(T::Restoring))) => vec![(s, None), (V::Active, None)],
        // The reset is saved, then the action record fails (500).
        (A::ResetState, Api) => vec![(V::Active, None), (V::Error, None)],
        // Snapshot and backup never write error: reverted, or the task
        // left when the guest vanished (swallowed).
        (A::Snapshot, Api) => api_kept(T::ImageSnapshotPending),
        (A::Snapshot, Task(Some(T::ImageSnapshotPending))) => vec![(s, None)],
        (A::Snapshot, Task(Some(T::ImageSnapshot))) => {
            vec![(s, None), (s, Some(T::ImageSnapshot))]
        }
        (A::Backup, Api) => api_kept(T::ImageBackup),
        (A::Backup, Task(Some(T::ImageBackup))) => vec![(s, None), (s, Some(T::ImageBackup))],
        (A::Snapshot | A::Backup, Task(Some(T::ImagePendingUpload))) => {
            vec![(s, None), (s, Some(T::ImagePendingUpload))]
        }
        (A::Snapshot | A::Backup, Task(Some(T::ImageUploading))) => vec![(s, None)],
        (A::Shelve, Api) => api_kept(T::Shelving),
        // Image-backed: reverted; volume-backed (offloaded at once): also
        // a failure after the offload's end save.
        (A::Shelve, Task(Some(T::Shelving))) => vec![(s, None), (V::ShelvedOffloaded, None)],
        (A::Shelve, Task(Some(T::ShelvingImagePendingUpload | T::ShelvingImageUploading))) => {
            vec![(s, None)]
        }
        (A::Shelve, Task(Some(T::ShelvingOffloading))) => {
            vec![(V::Shelved, None), (V::ShelvedOffloaded, None)]
        }
        (A::ShelveOffload, Api) => api_kept(T::ShelvingOffloading),
        (A::ShelveOffload, Task(Some(T::ShelvingOffloading))) => {
            vec![(s, None), (V::ShelvedOffloaded, None)]
        }
        (A::Unshelve, Api) => api_kept(T::Unshelving),
        // Shelved: the conductor writes powering-on and its cast fails.
        // Offloaded: image gone (error, task kept), another Glance error
        // (stuck), scheduling or the compute fail (null).
        (A::Unshelve, Task(Some(T::Unshelving))) => match vm {
            V::Shelved => vec![(V::Shelved, Some(T::PoweringOn))],
            V::ShelvedOffloaded => vec![
                (V::Error, Some(T::Unshelving)),
                (s, Some(T::Unshelving)),
                (s, None),
            ],
            _ => vec![],
        },
        (A::Unshelve, Task(Some(T::PoweringOn | T::Spawning))) => {
            vec![(s, None), (V::Active, None)]
        }
        (A::Resize | A::Migrate, Api) => api_kept(T::ResizePrep),
        // Conductor (stuck, or null); destination (null, rescheduled,
        // error, rolled back); the source's first save pre-empted.
        (A::Resize | A::Migrate, Task(Some(T::ResizePrep))) => vec![
            (s, Some(T::ResizePrep)),
            (s, None),
            (V::Error, None),
            (V::Error, Some(T::ResizeMigrating)),
        ],
        (A::Resize | A::Migrate, Task(Some(T::ResizeMigrating))) => vec![
            (s, None),
            (V::Error, None),
            (V::Error, Some(T::ResizeMigrated)),
        ],
        (A::Resize | A::Migrate, Task(Some(T::ResizeMigrated))) => vec![
            (V::Error, None),
            (s, None),
            (V::Error, Some(T::ResizeFinish)),
        ],
        // The rollback's default is active, even for a stopped server.
        (A::Resize | A::Migrate, Task(Some(T::ResizeFinish))) => {
            vec![(V::Error, None), (V::Active, None), (V::Resized, None)]
        }
        // confirm_resize has no @reverts_task_state.
        (A::ConfirmResize, Task(None)) => vec![
            (V::Error, None),
            (V::Error, Some(T::Deleting)),
            (V::Error, Some(T::SoftDeleting)),
            (V::Active, None),
        ],
        (A::RevertResize, Api) => api_kept(T::ResizeReverting),
        (A::RevertResize, Task(Some(T::ResizeReverting))) => vec![
            (s, None),
            (V::Error, None),
            (V::Active, None),
            (V::Error, Some(T::Deleting)),
            (V::Error, Some(T::SoftDeleting)),
        ],
        (A::RevertResize, Task(Some(T::PoweringOff))) => vec![(V::Error, None)],
        (A::Rebuild | A::Evacuate, Api) => api_kept(T::Rebuilding),
        (A::Rebuild | A::Evacuate, Task(Some(T::Rebuilding))) => vec![
            (s, Some(T::Rebuilding)),
            (V::Error, None),
            (s, None),
            (V::Error, Some(T::Rebuilding)),
            (V::Error, Some(T::RebuildBlockDeviceMapping)),
        ],
        (A::Rebuild | A::Evacuate, Task(Some(T::RebuildBlockDeviceMapping))) => {
            vec![(V::Error, None), (V::Error, Some(T::RebuildSpawning))]
        }
        (A::Rebuild | A::Evacuate, Task(Some(T::RebuildSpawning | T::PoweringOff))) => {
            vec![(V::Error, None)]
        }
        (A::LiveMigrate, Api) => api_kept(T::Migrating),
        (A::LiveMigrate, Task(Some(T::Migrating))) => {
            vec![(s, Some(T::Migrating)), (s, None), (V::Error, None)]
        }
        (A::LiveMigrateAbort, Task(Some(T::Migrating))) => {
            vec![(s, Some(T::Migrating)), (V::Error, None)]
        }
        _ => vec![],
    }
}

/// The task_states a compute restart can leave under vm_state error when
/// its own handling fails, restated from `_init_instance`
/// (nova/compute/manager.py:1011-1293): every task it has no branch for
/// (the VIF plug at the tail fails, 1197-1212), the crashed migrations
/// (the VIFs are plugged before their revert, 1228-1258), a re-run delete
/// that fails (1093-1108), and null (a cleared task, or a reboot found
/// running, then the VIF plug fails).
pub const RESTART_LEAVES_ERROR_WITH: [Option<TaskState>; 23] = [
    None,
    Some(TaskState::ImageBackup),
    Some(TaskState::UpdatingPassword),
    Some(TaskState::ResizeMigrated),
    Some(TaskState::ResizeFinish),
    Some(TaskState::ResizeReverting),
    Some(TaskState::ResizeConfirming),
    Some(TaskState::Suspending),
    Some(TaskState::Resuming),
    Some(TaskState::Rescuing),
    Some(TaskState::Unrescuing),
    Some(TaskState::SoftDeleting),
    Some(TaskState::Restoring),
    Some(TaskState::Shelving),
    Some(TaskState::ShelvingImagePendingUpload),
    Some(TaskState::ShelvingImageUploading),
    Some(TaskState::ShelvingOffloading),
    Some(TaskState::Unshelving),
    Some(TaskState::Pausing),
    Some(TaskState::Unpausing),
    Some(TaskState::ResizeMigrating),
    Some(TaskState::Migrating),
    Some(TaskState::Deleting),
];

/// A compute restart whose own handling fails, in a reachable state,
/// leaves vm_state error with one of [`RESTART_LEAVES_ERROR_WITH`],
/// power_state as it was.
pub fn restart_failures_follow_nova(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let (Event::ComputeRestartFails(_), Ok(next)) = (event, result) else {
        return;
    };
    // The list is of what Nova reaches; an unreachable state such as
    // paused/reboot_pending falls to the tail with its task too.
    if !reachable()[prev.index()] {
        return;
    }
    assert!(
        next.vm == VmState::Error
            && next.power == prev.power
            && RESTART_LEAVES_ERROR_WITH.contains(&next.task),
        "a failed restart in {prev} left {next}"
    );
}

/// A failure leaves only what Nova's code can leave there: every
/// `Fail` the relation takes ends in one of [`nova_failure_ends`] for the
/// API request (when the action is accepted in `prev`) or for the
/// task_state `prev` shows.
pub fn failures_follow_nova(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let (Event::Fail { action, .. }, Ok(next)) = (event, result) else {
        return;
    };
    let mut allowed = nova_failure_ends(action, FailAt::Task(prev.task), prev.vm);
    if action.accepts(prev.vm, prev.task, true) {
        allowed.extend(nova_failure_ends(action, FailAt::Api, prev.vm));
    }
    assert!(
        allowed.contains(&(next.vm, next.task)),
        "{action} failing in {prev} left {next}, which Nova's code does not leave there (allowed: {allowed:?})"
    );
}

// --- The relation, enumerated once ------------------------------------------

/// Every event of [`all_events`], in its order.
pub fn events_list() -> &'static [Event] {
    static EVENTS: OnceLock<Vec<Event>> = OnceLock::new();
    EVENTS.get_or_init(|| all_events().collect())
}

/// The reachable set and the events each reachable state accepts.
struct Explored {
    reach: Vec<bool>,
    enabled: Vec<Vec<Event>>,
}

fn explored() -> &'static Explored {
    static EXPLORED: OnceLock<Explored> = OnceLock::new();
    EXPLORED.get_or_init(|| {
        let mut reach = vec![false; ServerState::COUNT];
        let mut enabled = vec![Vec::new(); ServerState::COUNT];
        let mut queue = std::collections::VecDeque::new();
        reach[ServerState::BUILD_REQUEST.index()] = true;
        queue.push_back(ServerState::BUILD_REQUEST);
        while let Some(state) = queue.pop_front() {
            for &event in events_list() {
                if let Ok(next) = apply(state, event) {
                    enabled[state.index()].push(event);
                    if !reach[next.index()] {
                        reach[next.index()] = true;
                        queue.push_back(next);
                    }
                }
            }
        }
        Explored { reach, enabled }
    })
}

/// The states reachable from [`ServerState::BUILD_REQUEST`], by a
/// breadth-first walk (independent of the library's fixpoint), as a
/// bitmap over [`ServerState::index`].
pub fn reachable() -> &'static [bool] {
    &explored().reach
}

/// The events `state` accepts, in [`all_events`] order (looked up for a
/// reachable state, computed for another).
pub fn enabled(state: ServerState) -> std::borrow::Cow<'static, [Event]> {
    let e = explored();
    if e.reach[state.index()] {
        std::borrow::Cow::Borrowed(e.enabled[state.index()].as_slice())
    } else {
        std::borrow::Cow::Owned(
            events_list()
                .iter()
                .copied()
                .filter(|e| apply(state, *e).is_ok())
                .collect(),
        )
    }
}

/// The action an event is an API request for (an accept, an API write, or
/// a request that fails without writing), if it is one.
pub fn requested(event: Event) -> Option<Action> {
    match event {
        Event::Accept(action) => Some(action),
        Event::Write { action, edge } => action
            .edges()
            .get(usize::from(edge))
            .filter(|e| e.api)
            .map(|_| action),
        Event::Fail { action, phase, .. } => action
            .failure_phases()
            .get(usize::from(phase))
            .filter(|p| p.at == FailurePoint::Api)
            .map(|_| action),
        _ => None,
    }
}

// --- The invariants, one edge at a time -------------------------------------

/// One task at a time: an action is accepted only with task_state null,
/// except Nova's explicit pre-empters, each within what its decorator
/// allows.
pub fn one_task_at_a_time(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let (Some(action), Ok(_)) = (requested(event), result) else {
        return;
    };
    if let Some(task) = prev.task {
        assert!(
            PREEMPTERS.contains(&action) && nova_accepts_task(action, Some(task)),
            "one task at a time: {action} accepted in {prev} while {task} runs"
        );
    }
}

/// No image-create or backup while any task runs (in particular any
/// image_* task): refused by the task_state check.
pub fn no_image_while_task(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let Some(action) = requested(event) else {
        return;
    };
    if !IMAGE_ACTIONS.contains(&action) || prev.task.is_none() {
        return;
    }
    match result {
        Ok(next) => panic!("{action} accepted in {prev} (now {next}) while a task runs"),
        Err(TransitionError::Rejected(r)) => {
            let vm_ok = matches!(
                prev.vm,
                VmState::Active | VmState::Stopped | VmState::Paused | VmState::Suspended
            );
            let field = if vm_ok {
                RejectedField::TaskState
            } else {
                RejectedField::VmState
            };
            assert_eq!(
                r.field, field,
                "{action} in {prev}: refused for the wrong reason"
            );
        }
        Err(TransitionError::Gone) => assert_eq!(prev.vm, VmState::Deleted, "{action} in {prev}"),
        Err(other) => panic!("{action} in {prev}: unexpected error {other:?}"),
    }
}

/// Every state a step leads to has a status other than UNKNOWN.
pub fn status_known(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    if let Ok(next) = result {
        assert_ne!(
            next.status(),
            ServerStatus::Unknown,
            "{prev} --{event:?}--> {next} shows UNKNOWN"
        );
    }
}

/// Deleted is terminal: from a reachable deleted server no event leads to
/// another vm_state. (Unreachable states such as deleted/deleting are
/// outside the claim: `Action::Delete` counts `deleted` among its starts, so
/// a failed delete there would lead to error.)
pub fn deleted_is_terminal(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    if prev.vm != VmState::Deleted || !reachable()[prev.index()] {
        return;
    }
    if let Ok(next) = result {
        assert_eq!(
            next.vm,
            VmState::Deleted,
            "deleted is terminal: {prev} --{event:?}--> {next}"
        );
    }
}

/// Every success ends with task_state null: a write that completes its
/// action leaves no task.
pub fn success_ends_null(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let Event::Write { action, edge } = event else {
        return;
    };
    let (Some(e), Ok(next)) = (action.edges().get(usize::from(edge)), result) else {
        return;
    };
    if e.end {
        assert_eq!(
            next.task, None,
            "{action} edge {edge} ends the action in {prev} -> {next} with a task left"
        );
    }
}

/// An action's task writes follow its chain and guards: the state after a
/// write is exactly what that edge writes, the write starts from the
/// edge's task_state (API writes: from what the precondition let in), and
/// the edge's compare-and-swap admits the task_state it replaces.
pub fn writes_follow_chain(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let (action, index) = match event {
        Event::Write { action, edge } => (action, usize::from(edge)),
        Event::Accept(action) => match action.edges().iter().position(|e| e.api) {
            Some(i) => (action, i),
            None => {
                if let Ok(next) = result {
                    assert_eq!(*next, prev, "{action} writes nothing yet changed {prev}");
                }
                return;
            }
        },
        _ => return,
    };
    let Ok(next) = result else {
        return;
    };
    let Some(e) = action.edges().get(index) else {
        panic!("{action}: no edge {index}, yet {prev} -> {next}");
    };
    let expected = ServerState {
        vm: e.vm.unwrap_or(prev.vm),
        task: e.to,
        power: e.power.unwrap_or(prev.power),
    };
    assert_eq!(*next, expected, "{action} edge {index} from {prev}");
    if !e.api {
        assert_eq!(
            prev.task, e.from,
            "{action} edge {index} written from {prev}, not from its task_state"
        );
    }
    if let Guard::Expect(filter) = e.guard {
        assert!(
            filter.contains(prev.task),
            "{action} edge {index}: its guard refuses {} but the write happened in {prev}",
            TaskState::name_or_null(prev.task)
        );
    }
    assert!(
        e.starts.contains(prev.vm) || !e.api,
        "{action} edge {index} is not for vm_state {}",
        prev.vm
    );
}

/// Error accepts only what Nova accepts from error.
pub fn error_accepts_only_novas(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    if prev.vm != VmState::Error {
        return;
    }
    let (Some(action), Ok(_)) = (requested(event), result) else {
        return;
    };
    assert!(
        ERROR_ACCEPTS.contains(&action) && nova_accepts_task(action, prev.task),
        "{action} accepted from {prev}: Nova refuses it from error"
    );
}

/// A power observation never changes vm_state, changes nothing at all
/// while a task runs, and otherwise records the observed power state and
/// at most starts Nova's stop (task powering-off).
pub fn power_observation(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let Event::PowerObserved(observed) = event else {
        return;
    };
    let Ok(next) = result else {
        panic!("a power observation is always possible: {prev} {observed} gave {result:?}");
    };
    assert_eq!(
        next.vm, prev.vm,
        "power observation {observed} changed vm_state of {prev}"
    );
    if prev.task.is_some() {
        assert_eq!(
            *next, prev,
            "power observation {observed} changed {prev} while a task runs"
        );
    } else {
        assert_eq!(
            next.power, observed,
            "{prev}: observed {observed} not recorded"
        );
        assert!(
            next.task.is_none() || next.task == Some(TaskState::PoweringOff),
            "power observation {observed} started {} in {prev}",
            TaskState::name_or_null(next.task)
        );
    }
}

/// Errors say the truth: a refusal names the action and the state refused,
/// agrees with [`Action::check`], and a deleted server answers `Gone`.
pub fn errors_are_typed(
    prev: ServerState,
    event: Event,
    result: &Result<ServerState, TransitionError>,
) {
    let Err(err) = result else {
        return;
    };
    match (event, err) {
        (_, TransitionError::Rejected(r)) => {
            let action = requested(event).unwrap_or(r.action);
            assert_eq!(r.action, action, "{event:?} in {prev}: {err}");
            assert_eq!(
                (r.vm_state, r.task_state),
                (prev.vm, prev.task),
                "{event:?}: {err}"
            );
            assert_eq!(
                action.check(prev.vm, prev.task, true),
                Err(*r),
                "{event:?} in {prev}"
            );
            assert_ne!(prev.vm, VmState::Deleted, "{event:?}: deleted gives Gone");
        }
        (_, TransitionError::CreateOnServer) => {
            assert_eq!(
                requested(event),
                Some(Action::Create),
                "{event:?} in {prev}"
            )
        }
        (_, TransitionError::Gone) => assert_eq!(prev.vm, VmState::Deleted, "{event:?}"),
        (Event::Write { action, edge }, TransitionError::NoSuchEdge { action: a, edge: i }) => {
            assert_eq!((action, edge), (*a, *i));
            assert!(
                usize::from(edge) >= action.edges().len(),
                "{action} has edge {edge}"
            );
        }
        (Event::ComputeRestartFails(_), TransitionError::RestartCannotFail(state)) => {
            assert_eq!(*state, prev)
        }
        (Event::ResetState(vm), TransitionError::ResetTarget(target)) => {
            assert_eq!(vm, *target);
            assert!(!matches!(vm, VmState::Active | VmState::Error));
        }
        (
            Event::Fail { action, phase, end },
            TransitionError::NoSuchFailure {
                action: a,
                phase: p,
                end: e,
            },
        ) => {
            assert_eq!((action, phase, end), (*a, *p, *e));
            let row = action.failure_phases().get(usize::from(phase));
            assert!(
                row.map_or(true, |r| usize::from(end) >= r.ends.len()),
                "{action} has failure end {end} at phase {phase}"
            );
        }
        (
            Event::Write { .. } | Event::Fail { .. } | Event::Accept(_),
            TransitionError::NotInFlight { state, .. },
        ) => {
            assert_eq!(*state, prev)
        }
        (event, err) => panic!("{event:?} in {prev}: unexpected error {err:?}"),
    }
    // Anything a deleted server is asked through the API is a 404.
    if prev.vm == VmState::Deleted && requested(event).is_some_and(|a| a != Action::Create) {
        assert_eq!(*err, TransitionError::Gone, "{event:?} on {prev}");
    }
}

/// Every invariant on one edge of the relation (`result` is what
/// `apply(prev, event)` returned).
pub fn check_edge(prev: ServerState, event: Event, result: &Result<ServerState, TransitionError>) {
    one_task_at_a_time(prev, event, result);
    no_image_while_task(prev, event, result);
    status_known(prev, event, result);
    deleted_is_terminal(prev, event, result);
    success_ends_null(prev, event, result);
    writes_follow_chain(prev, event, result);
    error_accepts_only_novas(prev, event, result);
    power_observation(prev, event, result);
    errors_are_typed(prev, event, result);
    failures_follow_nova(prev, event, result);
    restart_failures_follow_nova(prev, event, result);
}
