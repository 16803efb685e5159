//! Every path an action takes through the relation from its first write,
//! built from the row itself (edges, failure rows), the compute restart's
//! recovery and a concurrent delete: what the waiter's tests feed it, and
//! what the clients' wait loops are run against for docs/waiting.md (the
//! generator in `xtask/src/waiting.rs` includes this very file, so both walk
//! the same paths).

#![allow(dead_code)]

use nova_states::rules::{restart_decision, restart_failure, retried_as, Branch, FailurePoint};
use nova_states::{Action, Microversion, Pair, PowerState, ServerState, TaskState, VmState};

/// The longest path walked, in pairs (the exhaustive test and the page).
pub const MAX_PAIRS: usize = 9;

/// How a path ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The action's end write was the last write.
    Success,
    /// A failure row's end.
    Failure,
    /// A compute restart's recovery (or its failure).
    Restart,
    /// A concurrent delete.
    Deleted,
}

/// A run of one action: the pairs it shows, in order, and how it ended.
#[derive(Debug, Clone)]
pub struct Path {
    pub pairs: Vec<Pair>,
    pub end: End,
}

/// The microversions worth telling apart for `action` from `start`.
pub fn versions(action: Action, start: VmState) -> Vec<Microversion> {
    if action == Action::Evacuate && start == VmState::Active {
        vec![Microversion::MIN, Microversion::new(2, 95)]
    } else {
        vec![Microversion::MIN]
    }
}

fn edge_allowed(action: Action, start: VmState, version: Microversion, index: usize) -> bool {
    let Some(e) = action.edges().get(index) else {
        return false;
    };
    if !e.starts.contains(start) {
        return false;
    }
    if action == Action::Evacuate && start == VmState::Active {
        let stops = version >= Microversion::new(2, 95);
        if !stops && e.branch == Branch::StopAtEnd {
            return false;
        }
        if stops && e.end && e.branch != Branch::StopAtEnd {
            return false;
        }
    }
    true
}

/// The first pairs an action shows after it is accepted, or `None` when it
/// writes no task (it ends at once, in its start).
pub fn firsts(action: Action, start: VmState, version: Microversion) -> Vec<(Pair, bool)> {
    let edges = action.edges();
    let has_api = edges.iter().any(|e| e.api);
    if edges.is_empty() {
        return vec![(
            Pair {
                vm: start,
                task: None,
            },
            true,
        )];
    }
    if !has_api {
        return TaskState::ALL_OR_NULL
            .iter()
            .filter(|t| action.precondition().task_states.contains(**t))
            .filter(|t| action.in_flight_from(start, start, **t))
            .map(|t| {
                (
                    Pair {
                        vm: start,
                        task: *t,
                    },
                    false,
                )
            })
            .collect();
    }
    edges
        .iter()
        .enumerate()
        .filter(|(i, e)| e.api && edge_allowed(action, start, version, *i))
        .map(|(_, e)| {
            (
                Pair {
                    vm: e.vm.unwrap_or(start),
                    task: e.to,
                },
                e.end,
            )
        })
        .collect()
}

/// One step from `at` (in flight): the next pair and, if the path ends
/// there, how.
pub fn steps(
    action: Action,
    start: VmState,
    version: Microversion,
    at: Pair,
    first: bool,
) -> Vec<(Pair, Option<End>)> {
    // A restart retried the action as another (a soft reboot as hard): from
    // there on, the other's writes and failures.
    if let Some(next) = retried_as(action) {
        if !action.in_flight_from(start, at.vm, at.task)
            && next.in_flight_from(start, at.vm, at.task)
        {
            return steps(next, start, version, at, false);
        }
    }
    let mut out = Vec::new();
    for (i, e) in action.edges().iter().enumerate() {
        if e.api || e.from != at.task || !edge_allowed(action, start, version, i) {
            continue;
        }
        let next = Pair {
            vm: e.vm.unwrap_or(at.vm),
            task: e.to,
        };
        if e.end {
            out.push((next, Some(End::Success)));
        } else if action.in_flight_from(start, next.vm, next.task) {
            out.push((next, None));
        }
    }
    for row in action.failure_phases() {
        if !row.starts.contains(start) {
            continue;
        }
        let here = match row.at {
            FailurePoint::Api => first,
            FailurePoint::At(task) => at.task == Some(task),
            FailurePoint::NoTask => at.task.is_none(),
        };
        if !here {
            continue;
        }
        // An API failure leaves its ends from the start vm_state.
        let from = if row.at == FailurePoint::Api {
            start
        } else {
            at.vm
        };
        for end in row.ends {
            let next = Pair {
                vm: end.vm_from(from),
                task: end.task,
            };
            out.push((next, Some(End::Failure)));
        }
    }
    for power in PowerState::ALL {
        for driver in PowerState::ALL {
            let state = ServerState {
                vm: at.vm,
                task: at.task,
                power,
            };
            let (_, after) = restart_decision(state, driver);
            let next = Pair {
                vm: after.vm,
                task: after.task,
            };
            if next != at {
                let goes_on = action.in_flight_from(start, next.vm, next.task)
                    || retried_as(action)
                        .is_some_and(|retry| retry.in_flight_from(start, next.vm, next.task));
                let end = if goes_on && next.task.is_some() {
                    None
                } else {
                    Some(End::Restart)
                };
                out.push((next, end));
            }
            if let Some(failed) = restart_failure(state, driver) {
                let next = Pair {
                    vm: failed.vm,
                    task: failed.task,
                };
                if next != at {
                    out.push((next, Some(End::Restart)));
                }
            }
        }
    }
    // A concurrent delete (not of a row already deleted: the lookup fails).
    if !matches!(
        action,
        Action::Delete | Action::ForceDelete | Action::SoftDelete
    ) && at.task.is_some()
        && at.vm != VmState::Deleted
    {
        out.push((
            Pair {
                vm: at.vm,
                task: Some(TaskState::Deleting),
            },
            None,
        ));
    }
    out.sort_by_key(|(p, e)| (p.index(), e.map(|e| e as u8)));
    out.dedup();
    out
}

/// Every path of at most `max` pairs (incomplete ones, cut at `max`, are
/// left out).
pub fn paths(action: Action, start: VmState, version: Microversion, max: usize) -> Vec<Path> {
    let mut out = Vec::new();
    for (first, ends) in firsts(action, start, version) {
        if ends {
            out.push(Path {
                pairs: vec![first],
                end: End::Success,
            });
        } else {
            walk(action, start, version, vec![first], max, &mut out);
        }
    }
    out
}

fn walk(
    action: Action,
    start: VmState,
    version: Microversion,
    pairs: Vec<Pair>,
    max: usize,
    out: &mut Vec<Path>,
) {
    if pairs.len() >= max {
        return;
    }
    let Some(at) = pairs.last().copied() else {
        return;
    };
    // A delete in flight: it completes.
    if at.task == Some(TaskState::Deleting)
        && !matches!(action, Action::Delete | Action::ForceDelete)
        && !action.in_flight_from(start, at.vm, at.task)
    {
        let mut next = pairs.clone();
        next.push(Pair {
            vm: VmState::Deleted,
            task: None,
        });
        out.push(Path {
            pairs: next,
            end: End::Deleted,
        });
        return;
    }
    for (next, end) in steps(action, start, version, at, pairs.len() == 1) {
        // A self-loop or a repeated pair once at most, to bound the walk.
        if pairs.iter().filter(|p| **p == next).count() > 1 {
            continue;
        }
        let mut longer = pairs.clone();
        longer.push(next);
        match end {
            Some(end) => out.push(Path { pairs: longer, end }),
            None => walk(action, start, version, longer, max, out),
        }
    }
}

/// Every action with every vm_state it accepts.
pub fn starts() -> impl Iterator<Item = (Action, VmState)> {
    Action::ALL.into_iter().flat_map(|action| {
        VmState::ALL
            .into_iter()
            .filter(move |vm| action.starts().contains(*vm))
            .map(move |vm| (action, vm))
    })
}
