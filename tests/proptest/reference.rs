//! The reference model: Nova's facts for a few actions, written out by
//! hand from Nova's code as cited in the crate docs (the decorators, the
//! task chains, `@reverts_task_state`, the power sync and reset-state).
//!
//! It reads none of the crate's tables (`Action::precondition`,
//! `Action::edges`, `sync_decision`) on purpose: [`crate::relation`]
//! compares the library with it both ways.

use nova_states::{Action, PowerState, ServerState, TaskState, VmState};
use PowerState as P;
use TaskState as T;
use VmState as V;

/// The actions the reference knows.
pub const ACTIONS: [Action; 16] = [
    Action::Stop,
    Action::Start,
    Action::Pause,
    Action::Unpause,
    Action::Suspend,
    Action::Resume,
    Action::Snapshot,
    Action::Backup,
    Action::Delete,
    Action::ForceDelete,
    Action::RebootSoft,
    Action::RebootHard,
    Action::SetAdminPassword,
    Action::Rescue,
    Action::Unrescue,
    Action::TriggerCrashDump,
];

/// The vm_states a decorator allows, its task_state rule, and the
/// task_state the API then writes.
type Decorator = (
    &'static [VmState],
    fn(Option<TaskState>) -> bool,
    Option<TaskState>,
);

/// `@check_instance_state(vm_state=..., task_state=...)` of each action
/// (nova/compute/api.py @ 00a030403f67), and the task_state the API
/// writes when it accepts it (`None`: nothing written).
fn decorator(action: Action) -> Decorator {
    const IMAGE: &[VmState] = &[V::Active, V::Paused, V::Suspended, V::Stopped];
    const ALL: &[VmState] = &[
        V::Active,
        V::Building,
        V::Paused,
        V::Suspended,
        V::Stopped,
        V::Rescued,
        V::Resized,
        V::SoftDeleted,
        V::Deleted,
        V::Error,
        V::Shelved,
        V::ShelvedOffloaded,
    ];
    fn null(t: Option<TaskState>) -> bool {
        t.is_none()
    }
    fn any(_: Option<TaskState>) -> bool {
        true
    }
    fn allow_reboot(t: Option<TaskState>) -> bool {
        matches!(
            t,
            None | Some(
                T::Rebooting
                    | T::RebootPending
                    | T::RebootStarted
                    | T::Resuming
                    | T::RebootingHard
                    | T::Unpausing
                    | T::Pausing
                    | T::Suspending
            )
        )
    }
    match action {
        Action::Stop => (&[V::Active, V::Error], null, Some(T::PoweringOff)), // api.py:2868
        Action::Start => (&[V::Stopped], null, Some(T::PoweringOn)),          // api.py:2875
        Action::Pause => (&[V::Active], null, Some(T::Pausing)),
        Action::Unpause => (&[V::Paused], null, Some(T::Unpausing)),
        Action::Suspend => (&[V::Active], null, Some(T::Suspending)),
        Action::Resume => (&[V::Suspended], null, Some(T::Resuming)),
        Action::Snapshot => (IMAGE, null, Some(T::ImageSnapshotPending)), // api.py:3456
        Action::Backup => (IMAGE, null, Some(T::ImageBackup)),            // api.py:3427
        Action::Delete | Action::ForceDelete => (ALL, any, Some(T::Deleting)),
        Action::RebootSoft => (&[V::Active], null, Some(T::Rebooting)),
        Action::RebootHard => (
            &[V::Active, V::Stopped, V::Paused, V::Suspended, V::Error],
            allow_reboot,
            Some(T::RebootingHard),
        ),
        Action::SetAdminPassword => (&[V::Active], null, Some(T::UpdatingPassword)),
        Action::Rescue => (&[V::Active, V::Stopped, V::Error], null, Some(T::Rescuing)),
        Action::Unrescue => (&[V::Rescued], null, Some(T::Unrescuing)),
        Action::TriggerCrashDump => (
            &[V::Active, V::Paused, V::Rescued, V::Resized, V::Error],
            null,
            None,
        ),
        _ => (&[], null, None),
    }
}

/// What the API does with the request: `None` refused, `Some(next)`.
pub fn accept(action: Action, s: ServerState) -> Option<ServerState> {
    if s.vm == V::Deleted {
        return None; // the row is gone: 404
    }
    let (vms, tasks, writes) = decorator(action);
    if !vms.contains(&s.vm) || !tasks(s.task) {
        return None;
    }
    Some(match writes {
        Some(task) => ServerState {
            task: Some(task),
            ..s
        },
        None => s,
    })
}

/// The task states the action's own writes pass through (after the
/// API's), so that a write of the action from any other task_state is
/// refused.
pub fn tasks(action: Action) -> &'static [TaskState] {
    match action {
        Action::Stop => &[T::PoweringOff],
        Action::Start => &[T::PoweringOn],
        Action::Pause => &[T::Pausing],
        Action::Unpause => &[T::Unpausing],
        Action::Suspend => &[T::Suspending],
        Action::Resume => &[T::Resuming],
        Action::Snapshot => &[
            T::ImageSnapshotPending,
            T::ImageSnapshot,
            T::ImagePendingUpload,
            T::ImageUploading,
        ],
        Action::Backup => &[T::ImageBackup, T::ImagePendingUpload, T::ImageUploading],
        Action::Delete | Action::ForceDelete => &[T::Deleting],
        Action::RebootSoft => &[T::Rebooting, T::RebootPending, T::RebootStarted],
        Action::RebootHard => &[T::RebootingHard, T::RebootPendingHard, T::RebootStartedHard],
        Action::SetAdminPassword => &[T::UpdatingPassword],
        Action::Rescue => &[T::Rescuing],
        Action::Unrescue => &[T::Unrescuing],
        _ => &[],
    }
}

/// The compute side's writes of an action in flight at `s`: every next
/// state Nova can write from there (manager.py and the drivers, as
/// cited on the crate's chains). Empty when the action is not at one
/// of its task_states.
pub fn writes(action: Action, s: ServerState) -> Vec<ServerState> {
    let to = |vm: VmState, task: Option<TaskState>, power: Option<PowerState>| ServerState {
        vm,
        task,
        power: power.unwrap_or(s.power),
    };
    let image_vm = matches!(s.vm, V::Active | V::Paused | V::Suspended | V::Stopped);
    match (action, s.vm, s.task) {
        // stop_instance: vm stopped, task None, power from the driver
        // (manager.py:3477-3498), whoever wrote powering-off: the API
        // from active/error, or the power sync's stop/force_stop from
        // active, stopped or paused (manager.py:11314-11373).
        (Action::Stop, V::Active | V::Error | V::Stopped | V::Paused, Some(T::PoweringOff)) => {
            vec![to(V::Stopped, None, Some(P::Shutdown))]
        }
        (Action::Start, V::Stopped, Some(T::PoweringOn)) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        (Action::Pause, V::Active, Some(T::Pausing)) => {
            vec![to(V::Paused, None, Some(P::Paused))]
        }
        (Action::Unpause, V::Paused, Some(T::Unpausing)) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        (Action::Suspend, V::Active, Some(T::Suspending)) => {
            vec![to(V::Suspended, None, Some(P::Suspended))]
        }
        (Action::Resume, V::Suspended, Some(T::Resuming)) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        (Action::Snapshot, vm, Some(T::ImageSnapshotPending)) if image_vm => {
            vec![to(vm, Some(T::ImageSnapshot), None)]
        }
        (Action::Snapshot, vm, Some(T::ImageSnapshot)) if image_vm => {
            vec![to(vm, Some(T::ImagePendingUpload), None)]
        }
        (Action::Backup, vm, Some(T::ImageBackup)) if image_vm => {
            vec![to(vm, Some(T::ImagePendingUpload), None)]
        }
        (Action::Snapshot | Action::Backup, vm, Some(T::ImagePendingUpload)) if image_vm => {
            vec![to(vm, Some(T::ImageUploading), None)]
        }
        // Upload done (task None), or libvirt's second round.
        (Action::Snapshot | Action::Backup, vm, Some(T::ImageUploading)) if image_vm => vec![
            to(vm, None, None),
            to(vm, Some(T::ImagePendingUpload), None),
        ],
        (Action::Delete | Action::ForceDelete, vm, Some(T::Deleting)) if vm != V::Deleted => {
            vec![to(V::Deleted, None, Some(P::NoState))]
        }
        (Action::RebootSoft, V::Active, Some(T::Rebooting)) => {
            vec![to(V::Active, Some(T::RebootPending), None)]
        }
        (Action::RebootSoft, V::Active, Some(T::RebootPending)) => {
            vec![to(V::Active, Some(T::RebootStarted), None)]
        }
        (Action::RebootSoft, V::Active, Some(T::RebootStarted)) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        (
            Action::RebootHard,
            vm @ (V::Active | V::Stopped | V::Paused | V::Suspended | V::Error),
            Some(T::RebootingHard),
        ) => {
            vec![to(vm, Some(T::RebootPendingHard), None)]
        }
        (
            Action::RebootHard,
            vm @ (V::Active | V::Stopped | V::Paused | V::Suspended | V::Error),
            Some(T::RebootPendingHard),
        ) => {
            vec![to(vm, Some(T::RebootStartedHard), None)]
        }
        (
            Action::RebootHard,
            V::Active | V::Stopped | V::Paused | V::Suspended | V::Error,
            Some(T::RebootStartedHard),
        ) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        (Action::SetAdminPassword, V::Active, Some(T::UpdatingPassword)) => {
            vec![to(V::Active, None, None)]
        }
        (Action::Rescue, V::Active | V::Stopped | V::Error, Some(T::Rescuing)) => {
            vec![to(V::Rescued, None, Some(P::Running))]
        }
        (Action::Unrescue, V::Rescued, Some(T::Unrescuing)) => {
            vec![to(V::Active, None, Some(P::Running))]
        }
        _ => Vec::new(),
    }
}

/// `@reverts_task_state` (manager.py:150-189): a failure of these
/// actions in flight clears task_state and keeps vm_state.
pub fn reverts_task_state(action: Action) -> bool {
    matches!(
        action,
        Action::Stop
            | Action::Start
            | Action::Pause
            | Action::Unpause
            | Action::SetAdminPassword
            | Action::Snapshot
            | Action::Backup
    )
}

/// `_sync_instance_power_state` (manager.py:11247-11381): with a task
/// in flight nothing is touched; otherwise the observed power state is
/// recorded, and an active server found shut down, crashed or
/// suspended is stopped, a stopped one found running, paused or
/// suspended is force-stopped, a paused one found shut down or
/// crashed is force-stopped: task powering-off.
pub fn power_sync(s: ServerState, observed: PowerState) -> ServerState {
    if s.task.is_some() {
        return s;
    }
    let stop = match s.vm {
        V::Active => matches!(observed, P::Shutdown | P::Crashed | P::Suspended),
        V::Stopped => matches!(observed, P::Running | P::Paused | P::Suspended),
        V::Paused => matches!(observed, P::Shutdown | P::Crashed),
        _ => false,
    };
    ServerState {
        task: if stop { Some(T::PoweringOff) } else { None },
        power: observed,
        ..s
    }
}

/// os-resetState: only active or error (admin_actions.py:35-38),
/// task cleared; a deleted server is gone.
pub fn reset_state(s: ServerState, vm: VmState) -> Option<ServerState> {
    if s.vm == V::Deleted || !matches!(vm, V::Active | V::Error) {
        return None;
    }
    Some(ServerState {
        vm,
        task: None,
        ..s
    })
}
