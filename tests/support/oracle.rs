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
use nova_states::rules::{FailureEffect, Guard};
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
        Event::Fail {
            action,
            effect: FailureEffect::NoWrite,
        } => Some(action),
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
        (Event::ResetState(vm), TransitionError::ResetTarget(target)) => {
            assert_eq!(vm, *target);
            assert!(!matches!(vm, VmState::Active | VmState::Error));
        }
        (
            Event::Fail { action, effect },
            TransitionError::NoSuchFailure {
                action: a,
                effect: f,
            },
        ) => {
            assert_eq!((action, effect), (*a, *f));
            assert!(!action.failures().effects.contains(&effect));
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
}
