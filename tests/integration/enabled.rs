//! What can happen now: `machine::enabled` and `machine::Run`, with the two
//! traps of a hand-written harness tested by name.

use nova_states::machine::{enabled, legal_edges, reachable_from_build, Run};
use nova_states::rules::Branch;
use nova_states::{apply, Action, Event, PowerState, ServerState, TaskState, VmState};

use crate::support::oracle::enabled as oracle_enabled;

fn active() -> ServerState {
    ServerState {
        vm: VmState::Active,
        task: None,
        power: PowerState::Running,
    }
}

/// The API edge `Event::Accept` takes.
fn api_edge(action: Action) -> Option<u8> {
    let i = action.edges().iter().position(|e| e.api)?;
    u8::try_from(i).ok()
}

/// Trap 1: the first write is the API's, so sending it as a write after
/// the accept is a second request. Delete pre-empts any task: the relation
/// takes `Write{Delete, 0}` in `deleting` as a new delete, a self-loop,
/// not the delete's progress. `enabled` never lists that duplicate, and a
/// run's next writes never start with the API edge.
#[test]
fn trap_first_write_reaccepts() {
    let deleting = apply(active(), Event::Accept(Action::Delete)).unwrap();
    assert_eq!(deleting.task, Some(TaskState::Deleting));
    let again = Event::Write {
        action: Action::Delete,
        edge: api_edge(Action::Delete).unwrap(),
    };
    // The relation accepts it: a second delete, nothing moves.
    assert_eq!(apply(deleting, again), Ok(deleting));
    // For an action that does not pre-empt, it is refused.
    let snap = apply(active(), Event::Accept(Action::Snapshot)).unwrap();
    let snap_again = Event::Write {
        action: Action::Snapshot,
        edge: api_edge(Action::Snapshot).unwrap(),
    };
    assert!(apply(snap, snap_again).is_err());
    // enabled lists the accept, never the write of the same edge.
    for state in reachable_from_build().iter() {
        for (event, _) in enabled(state) {
            if let Event::Write { action, edge } = event {
                assert_ne!(
                    Some(edge),
                    api_edge(action),
                    "{state}: {event:?} duplicates Accept"
                );
            }
        }
    }
    // The run's next write is the compute host's, not the API's again.
    let run = Run {
        action: Action::Delete,
        start: VmState::Active,
    };
    let next: Vec<_> = run.next_writes(deleting).collect();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].1.vm, VmState::Deleted);
}

/// Trap 2: a state does not say where an action started. The relation
/// takes rebuild's power-off write (the `StopAtEnd` branch of a stopped
/// server's rebuild) in any active server without a task, since a rebuild
/// of a stopped server passes through (active, null). A rebuild that
/// started from active never makes it: its run says so.
#[test]
fn trap_writes_depend_on_start() {
    let (i, edge) = Action::Rebuild
        .edges()
        .iter()
        .enumerate()
        .find(|(_, e)| e.branch == Branch::StopAtEnd && e.from.is_none())
        .unwrap();
    assert_eq!(edge.to, Some(TaskState::PoweringOff));
    let event = Event::Write {
        action: Action::Rebuild,
        edge: u8::try_from(i).unwrap(),
    };
    // The relation accepts it from active/null (some start could be there)...
    let off = apply(active(), event).unwrap();
    assert_eq!(off.task, Some(TaskState::PoweringOff));
    // ...the run of a stopped server's rebuild makes it...
    let from_stopped = Run {
        action: Action::Rebuild,
        start: VmState::Stopped,
    };
    assert!(from_stopped
        .next_writes(active())
        .any(|(e, next)| e == event && next == off));
    // ...and the run of an active server's rebuild has ended there.
    let from_active = Run {
        action: Action::Rebuild,
        start: VmState::Active,
    };
    assert_eq!(from_active.next_writes(active()).count(), 0);
    assert!(!from_active.continues_in(active()));
}

/// `enabled` is exactly what the relation accepts, less the duplicates of
/// Accept: compared with the oracle's own enumeration on every reachable
/// state, and with `legal_edges` on every state.
#[test]
fn enabled_is_the_relation() {
    for state in reachable_from_build().iter() {
        let ours: Vec<Event> = enabled(state).map(|(e, _)| e).collect();
        let theirs: Vec<Event> = oracle_enabled(state)
            .iter()
            .copied()
            .filter(|e| match e {
                Event::Write { action, edge } => Some(*edge) != api_edge(*action),
                _ => true,
            })
            .collect();
        assert_eq!(ours, theirs, "{state}");
        assert!(!ours.is_empty(), "{state} accepts nothing");
    }
    let mut from_enabled = 0usize;
    for state in ServerState::all() {
        for (event, next) in enabled(state) {
            assert_eq!(apply(state, event), Ok(next));
            from_enabled += 1;
        }
    }
    let duplicates = legal_edges()
        .filter(|(_, e, _)| matches!(e, Event::Write { action, edge } if Some(*edge) == api_edge(*action)))
        .count();
    assert_eq!(from_enabled + duplicates, legal_edges().count());
}

/// A run's writes and failures are steps the relation takes, and
/// following only them from every start of every action ends every run
/// (each reachable in-flight state offers a way on, or the run has ended
/// or is stuck where Nova leaves it stuck).
#[test]
fn run_steps_are_relation_steps() {
    let reach = reachable_from_build();
    for action in Action::ALL {
        for start in VmState::ALL {
            let run = Run { action, start };
            for state in reach.iter() {
                for (event, next) in run.next_writes(state).chain(run.failures(state)) {
                    assert_eq!(
                        apply(state, event),
                        Ok(next),
                        "{action} from {start} in {state}"
                    );
                    assert!(reach.contains(next));
                }
            }
        }
    }
}
