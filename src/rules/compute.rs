//! What the compute service does on its own: the power-state sync
//! (`_sync_instance_power_state`) and the recovery of tasks left in flight
//! when the service restarts (`_init_instance`).

use crate::machine::state::ServerState;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// What the power sync decides (nova/compute/manager.py:11247-11381).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncDecision {
    /// A task is in flight: the sync returns before touching anything,
    /// power_state included (manager.py:11276-11286).
    SkipTaskInFlight,
    /// Nothing beyond recording the observed power state (if it changed).
    Nothing,
    /// Logged and ignored (e.g. active but paused, or a deleted server
    /// still running, left to another periodic task).
    LogOnly,
    /// Calls `compute_api.stop()` (active server found shut down, crashed
    /// or suspended): task_state becomes `powering-off`.
    Stop,
    /// Calls `compute_api.force_stop()` (stopped server found running,
    /// paused server found shut down): task_state becomes `powering-off`.
    ForceStop,
}

/// The power sync's decision for a server whose database says (vm, task)
/// when the hypervisor reports `observed`.
///
/// # Examples
///
/// ```
/// use nova_states::rules::{sync_decision, SyncDecision};
/// use nova_states::{PowerState, TaskState, VmState};
///
/// // An active server found shut down is stopped by the sync.
/// assert_eq!(sync_decision(VmState::Active, None, PowerState::Shutdown), SyncDecision::Stop);
/// // A stopped server found running is forced off.
/// assert_eq!(sync_decision(VmState::Stopped, None, PowerState::Running), SyncDecision::ForceStop);
/// // While a task runs, the sync touches nothing.
/// let uploading = Some(TaskState::ImageUploading);
/// assert_eq!(
///     sync_decision(VmState::Active, uploading, PowerState::Shutdown),
///     SyncDecision::SkipTaskInFlight
/// );
/// ```
pub const fn sync_decision(
    vm: VmState,
    task: Option<TaskState>,
    observed: PowerState,
) -> SyncDecision {
    use PowerState as P;
    if task.is_some() {
        return SyncDecision::SkipTaskInFlight;
    }
    match vm {
        // "we ignore these vm_state for now" (manager.py:11305-11311), and
        // shelved states have no branch at all.
        VmState::Building
        | VmState::Rescued
        | VmState::Resized
        | VmState::Suspended
        | VmState::Error
        | VmState::Shelved
        | VmState::ShelvedOffloaded => SyncDecision::Nothing,
        VmState::Active => match observed {
            P::Running => SyncDecision::Nothing,
            P::Shutdown | P::Crashed | P::Suspended => SyncDecision::Stop, // :11314-11325
            P::Paused | P::NoState => SyncDecision::LogOnly,               // :11326-11341
        },
        VmState::Stopped => match observed {
            P::Running | P::Paused | P::Suspended => SyncDecision::ForceStop, // :11342-11363
            P::NoState | P::Shutdown | P::Crashed => SyncDecision::Nothing,
        },
        VmState::Paused => match observed {
            P::Shutdown | P::Crashed => SyncDecision::ForceStop, // :11364-11373
            P::Running | P::Paused | P::Suspended | P::NoState => SyncDecision::Nothing,
        },
        VmState::SoftDeleted | VmState::Deleted => match observed {
            P::NoState | P::Shutdown => SyncDecision::Nothing,
            P::Running | P::Paused | P::Suspended | P::Crashed => SyncDecision::LogOnly, // :11374-11381
        },
    }
}

/// What a compute restart does with a server left in a state
/// (nova/compute/manager.py:1011-1271, checks in Nova's order).
///
/// `_init_instance` only sees servers whose `host` is this compute host
/// (manager.py:1020-1026; the model has no host). A `scheduling` row has
/// no host (the build is not on a host yet, or a reschedule nulled it,
/// manager.py:2535-2537): it is `_error_out_instances_whose_build_was_interrupted`
/// that puts such a build in error, when placement holds its allocation on
/// this node (manager.py:1650-1651, 1663-1749), with the same end as
/// [`RestartDecision::BuildToError`]. The task_states `_init_instance` has
/// no branch for (image_backup, updating_password, the resize_* tasks but
/// resize_prep and resize_migrating, suspending, resuming, rescuing,
/// unrescuing, soft-deleting, restoring, the shelving tasks, unshelving;
/// pausing and unpausing when the guest is not running) are left as they
/// are ([`RestartDecision::Nothing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartDecision {
    /// Skipped: soft-deleted, or error outside resize_migrating/deleting (:1032-1038).
    Skip,
    /// A deleted row is destroyed (:1040-1047); the state stays deleted.
    CompleteDeletion,
    /// A build left in flight: vm error, task null (:1049-1061).
    BuildToError,
    /// A rebuild left in flight: vm error, task null (:1063-1072).
    RebuildToError,
    /// An image task (not image_backup) or resize_prep: task null (:1074-1091).
    ClearTask,
    /// The delete, stop, start or unpause in flight is run again (:1093-1108, 1157-1195).
    Rerun,
    /// The reboot is retried (:1110-1136); a soft reboot of a stopped guest
    /// becomes hard (`reboot_pending_hard`).
    RetryReboot,
    /// A reboot/pause/unpause of a running guest: vm active, task null (:1141-1156).
    ToActive,
    /// resize_migrating reverted, or migrating reset: task null (:1228-1258).
    RevertMigration,
    /// Nothing (the task, if any, stays: image_backup, shelving*, ... are
    /// not handled).
    Nothing,
}

/// The action a compute restart carries an operation on as, where the
/// retry changes its kind: a soft reboot the restart finds with the guest
/// not running is retried as a hard one, its task_state set to
/// `reboot_pending_hard` (nova/compute/manager.py:1124-1132; the retry's
/// decision in `_retry_reboot`, :1295-1317). `None`: a restart never turns
/// this action into another (it reruns it, clears it, or fails it).
///
/// ```
/// use nova_states::rules::retried_as;
/// use nova_states::Action;
/// assert_eq!(retried_as(Action::RebootSoft), Some(Action::RebootHard));
/// assert_eq!(retried_as(Action::Stop), None);
/// ```
pub const fn retried_as(action: Action) -> Option<Action> {
    match action {
        Action::RebootSoft => Some(Action::RebootHard),
        _ => None,
    }
}

/// What a compute restart decides for a state, given the hypervisor's
/// power state, and the state it leaves.
///
/// # Examples
///
/// ```
/// use nova_states::rules::{restart_decision, RestartDecision};
/// use nova_states::{PowerState, ServerState, TaskState, VmState};
///
/// // A build left in flight ends in error.
/// let (decision, after) = restart_decision(ServerState::BUILD_REQUEST, PowerState::NoState);
/// assert_eq!(decision, RestartDecision::BuildToError);
/// assert_eq!((after.vm, after.task), (VmState::Error, None));
/// // A snapshot left in flight loses its task; the server stays active.
/// let uploading = ServerState {
///     vm: VmState::Active,
///     task: Some(TaskState::ImageUploading),
///     power: PowerState::Running,
/// };
/// let (decision, after) = restart_decision(uploading, PowerState::Running);
/// assert_eq!(decision, RestartDecision::ClearTask);
/// assert_eq!((after.vm, after.task), (VmState::Active, None));
/// ```
pub const fn restart_decision(
    state: ServerState,
    driver: PowerState,
) -> (RestartDecision, ServerState) {
    use RestartDecision as R;
    use TaskState as T;
    let ServerState { vm, task, power } = state;
    let same = state;
    let cleared = ServerState {
        vm,
        task: None,
        power,
    };
    let error = ServerState {
        vm: VmState::Error,
        task: None,
        power,
    };
    match (vm, task) {
        (VmState::SoftDeleted, _) => return (R::Skip, same),
        (VmState::Error, Some(T::ResizeMigrating | T::Deleting)) => {}
        (VmState::Error, _) => return (R::Skip, same),
        (VmState::Deleted, _) => return (R::CompleteDeletion, same),
        _ => {}
    }
    if matches!(vm, VmState::Building)
        || matches!(
            task,
            Some(T::Scheduling | T::BlockDeviceMapping | T::Networking | T::Spawning)
        )
    {
        return (R::BuildToError, error);
    }
    if matches!(vm, VmState::Active | VmState::Stopped)
        && matches!(
            task,
            Some(T::Rebuilding | T::RebuildBlockDeviceMapping | T::RebuildSpawning)
        )
    {
        return (R::RebuildToError, error);
    }
    if !matches!(vm, VmState::Error)
        && matches!(
            task,
            Some(
                T::ImageSnapshotPending
                    | T::ImagePendingUpload
                    | T::ImageUploading
                    | T::ImageSnapshot
                    | T::ResizePrep
            )
        )
    {
        return (R::ClearTask, cleared);
    }
    if matches!(task, Some(T::Deleting)) {
        return (R::Rerun, same);
    }
    let running = matches!(driver, PowerState::Running);
    // _retry_reboot (manager.py:1295-1317).
    let retry = match task {
        Some(T::RebootPending) => matches!(vm, VmState::Active),
        Some(T::RebootPendingHard) => matches!(
            vm,
            VmState::Active
                | VmState::Stopped
                | VmState::Paused
                | VmState::Suspended
                | VmState::Error
        ),
        Some(T::Rebooting | T::RebootingHard | T::RebootStarted | T::RebootStartedHard) => !running,
        _ => false,
    };
    if retry {
        let soft = matches!(
            task,
            Some(T::Rebooting | T::RebootPending | T::RebootStarted)
        );
        if soft && !running {
            // A soft reboot retried as hard (manager.py:1129-1132).
            return (
                R::RetryReboot,
                ServerState {
                    vm,
                    task: Some(T::RebootPendingHard),
                    power,
                },
            );
        }
        return (R::RetryReboot, same);
    }
    if running
        && matches!(
            task,
            Some(
                T::RebootStarted
                    | T::RebootStartedHard
                    | T::RebootingHard
                    | T::Rebooting
                    | T::Pausing
                    | T::Unpausing
            )
        )
    {
        return (
            R::ToActive,
            ServerState {
                vm: VmState::Active,
                task: None,
                power,
            },
        );
    }
    if matches!(driver, PowerState::Paused) && matches!(task, Some(T::Unpausing)) {
        return (R::Rerun, same);
    }
    if matches!(task, Some(T::PoweringOff | T::PoweringOn)) {
        return (R::Rerun, same);
    }
    if matches!(task, Some(T::ResizeMigrating | T::Migrating)) {
        return (R::RevertMigration, cleared);
    }
    (R::Nothing, same)
}

/// What a compute restart leaves when its own handling of the server fails
/// (`None`: nothing that fails is left to the restart itself).
///
/// - Every server that reaches the tail of `_init_instance` (those with no
///   branch, the cleared image and resize_prep tasks, a reboot found running
///   and set active, a crashed migration before its revert) has its VIFs
///   plugged; `VirtualInterfacePlugException` sets vm_state error and keeps
///   the task as it is then (manager.py:1197-1212). A guest that should run
///   and does not, with `resume_guests_state_on_host_boot`, ends the same
///   way when resuming it fails (manager.py:1260-1293).
/// - A delete re-run that fails sets vm_state error without clearing the
///   task: `deleting` stays (manager.py:1093-1108).
/// - The retried reboot, stop, start and unpause fail as those actions do
///   (their rows in [`Action::failure_phases`](crate::Action::failure_phases));
///   the restart returns before the tail for them.
pub const fn restart_failure(state: ServerState, driver: PowerState) -> Option<ServerState> {
    let (decision, after) = restart_decision(state, driver);
    let task = match decision {
        RestartDecision::Nothing => state.task,
        RestartDecision::ClearTask | RestartDecision::ToActive => None,
        // The VIFs are plugged before the revert (1197-1212, 1228-1258).
        RestartDecision::RevertMigration => state.task,
        RestartDecision::Rerun if matches!(state.task, Some(TaskState::Deleting)) => state.task,
        _ => return None,
    };
    Some(ServerState {
        vm: VmState::Error,
        task,
        power: after.power,
    })
}
