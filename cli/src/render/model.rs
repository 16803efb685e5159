//! The machine-readable model, `docs/model.json` (schema
//! [`MODEL_SCHEMA`]), built as a `serde_json` value from the library's
//! tables.

use nova_states::machine::WaitFor;
use nova_states::rules::{Driver, Edge, EndVm, FailurePhase, FailurePoint, Guard};
use nova_states::wire::Alias;
use nova_states::{
    Action, ListFilter, PowerState, ServerStatus, StatusSet, TaskState, VmState, NOVA_COMMIT,
};
use serde_json::{json, Map, Value};

/// The schema name written in the model's `"schema"` key.
pub const MODEL_SCHEMA: &str = "nova-states/model/v1";

fn task(task: Option<TaskState>) -> Value {
    task.map_or(Value::Null, |t| Value::from(t.as_str()))
}

fn names<T>(items: impl IntoIterator<Item = T>, name: fn(T) -> &'static str) -> Value {
    Value::Array(items.into_iter().map(|i| Value::from(name(i))).collect())
}

fn named_states<T: Copy + PartialEq + 'static>(
    all: &[T],
    name: fn(T) -> &'static str,
    aliases: &[Alias<T>],
) -> Value {
    all.iter()
        .map(|&value| {
            let mine: Vec<&Alias<T>> = aliases.iter().filter(|a| a.value == value).collect();
            let seen: Map<String, Value> = mine
                .iter()
                .map(|a| (a.spelling.to_owned(), Value::from(a.seen_in)))
                .collect();
            json!({
                "name": name(value),
                "aliases": mine.iter().map(|a| a.spelling).collect::<Vec<_>>(),
                "alias_seen_in": seen,
            })
        })
        .collect()
}

/// A `from` in `task_edges`: `None` stands for `"*"` (an API write that
/// accepts any task_state).
pub type EdgeFrom = Option<Option<TaskState>>;

/// The `[from, to]` pairs of `task_edges`, without repeats. An API
/// write's `from` is each task_state its guard (or, unguarded, its
/// precondition) accepts, and `"*"` (`None`) when that is any task_state;
/// any other write's `from` is the task_state before it on its path (its
/// predecessor), guarded or not: an unguarded save still only happens
/// after the write before it (`reboot_started -> null`, not `* -> null`).
pub fn task_edge_pairs(action: Action) -> Vec<(EdgeFrom, Option<TaskState>)> {
    let mut pairs: Vec<(EdgeFrom, Option<TaskState>)> = Vec::new();
    for e in action.edges() {
        let accepted = match e.guard {
            Guard::Expect(f) => f,
            Guard::Unguarded => action.precondition().task_states,
        };
        let froms: Vec<EdgeFrom> = if !e.api {
            vec![Some(e.from)]
        } else if accepted.len() == TaskState::COUNT + 1 {
            vec![None]
        } else {
            accepted.iter().map(Some).collect()
        };
        for from in froms {
            if !pairs.contains(&(from, e.to)) {
                pairs.push((from, e.to));
            }
        }
    }
    pairs
}

fn failure_point(at: FailurePoint) -> (Value, bool) {
    match at {
        FailurePoint::Api => (Value::Null, true),
        FailurePoint::At(t) => (Value::from(t.as_str()), false),
        FailurePoint::NoTask => (Value::Null, false),
    }
}

fn failure_phase(action: Action, row: &FailurePhase) -> Value {
    let (at, api) = failure_point(row.at);
    let starts = action.starts().intersection(row.starts);
    json!({
        "at": at,
        "api": api,
        "starts": names(starts, VmState::as_str),
        "branch": row.branch.describe(),
        "ends": row
            .ends
            .iter()
            .map(|e| {
                let vm = match e.vm {
                    EndVm::Start => Value::from("start"),
                    EndVm::Is(vm) => Value::from(vm.as_str()),
                };
                json!([vm, task(e.task)])
            })
            .collect::<Vec<_>>(),
        "ends_power_state": row
            .ends
            .iter()
            .map(|e| e.power.map(PowerState::code))
            .collect::<Vec<_>>(),
        "mechanism": row.mechanism.describe(),
        "may_stall": row.may_stall(),
        "source": row.source,
    })
}

fn statuses(set: StatusSet) -> Value {
    names(set, ServerStatus::as_str)
}

fn write(e: &Edge) -> Value {
    json!({
        "from": if e.api { Value::from("*") } else { task(e.from) },
        "to": task(e.to),
        "guard": match e.guard {
            Guard::Unguarded => Value::Null,
            Guard::Expect(f) => f.iter().map(task).collect(),
        },
        "vm_state": e.vm.map(VmState::as_str),
        "power_state": e.power.map(PowerState::code),
        "api": e.api,
        "end": e.end,
        "branch": e.branch.describe(),
        "source": e.source,
    })
}

fn action(action: Action) -> Value {
    let pre = action.precondition();
    let starts = action.starts();
    let outcome: Map<String, Value> = starts
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                names(action.outcome(s), VmState::as_str),
            )
        })
        .collect();
    let wait_for: Map<String, Value> = starts
        .iter()
        .map(|s| {
            let w = WaitFor::new(action, s);
            let value = json!({
                "in_progress": statuses(w.in_progress),
                "done": statuses(w.done),
                "failed": statuses(w.failed),
                "may_stall": w.may_stall,
            });
            (s.as_str().to_owned(), value)
        })
        .collect();
    let captures: Map<String, Value> = Driver::ALL
        .iter()
        .filter_map(|d| action.disk_capture(*d))
        .map(|c| {
            let value = json!({
                "during": c.during.as_str(),
                "occurrence": c.occurrence,
                "safe_from": c.safe_from.map(TaskState::as_str),
                "source": c.source,
            });
            (c.driver.as_str().to_owned(), value)
        })
        .collect();
    let mut mechanisms: Vec<&str> = Vec::new();
    for row in action.failure_phases() {
        if !mechanisms.contains(&row.mechanism.describe()) {
            mechanisms.push(row.mechanism.describe());
        }
    }
    json!({
        "rest": action.rest(),
        "http": action.http(),
        "api_method": action.api_method(),
        "conflict_action": action.conflict_action(),
        "vm_states": names(pre.vm_states, VmState::as_str),
        "task_states": pre.task_states.iter().map(task).collect::<Vec<_>>(),
        "must_have_launched": pre.must_have_launched,
        "precondition_source": pre.source,
        "sets_task_state": action.sets_task_state().map(TaskState::as_str),
        "task_edges": task_edge_pairs(action)
            .into_iter()
            .map(|(from, to)| json!([from.map_or(Value::from("*"), task), task(to)]))
            .collect::<Vec<_>>(),
        "writes": action.edges().iter().map(write).collect::<Vec<_>>(),
        "outcome": outcome,
        "failures": mechanisms,
        "failure_phases": action
            .failure_phases()
            .iter()
            .map(|row| failure_phase(action, row))
            .collect::<Vec<_>>(),
        "wait_for": wait_for,
        "disk_capture": if captures.is_empty() { Value::Null } else { Value::Object(captures) },
    })
}

/// The model export as a JSON value (keys in the order written).
pub fn model() -> Value {
    let status: Map<String, Value> = VmState::ALL
        .iter()
        .map(|&vm| {
            let row: Map<String, Value> = TaskState::ALL_OR_NULL
                .iter()
                .map(|&t| {
                    let name = TaskState::name_or_null(t).to_owned();
                    (name, Value::from(nova_states::status(vm, t).as_str()))
                })
                .collect();
            (vm.as_str().to_owned(), Value::Object(row))
        })
        .collect();
    let preimage: Map<String, Value> = ServerStatus::ALL
        .iter()
        .map(|s| {
            let pairs: Vec<Value> = s
                .preimage()
                .map(|(vm, t)| json!([vm.as_str(), task(t)]))
                .collect();
            (s.as_str().to_owned(), Value::Array(pairs))
        })
        .collect();
    let list_filter: Map<String, Value> = ServerStatus::ALL
        .iter()
        .map(|s| {
            let ListFilter {
                vm_states,
                task_states,
            } = s.list_filter();
            let rejected = s.list_filter().is_rejected();
            let value = json!({
                "vm_states": names(vm_states, VmState::as_str),
                "task_states": task_states.map(|t| names(t, TaskState::as_str)),
                "rejected": rejected,
                "note": if rejected {
                    Value::from(
                        "no status matches: Nova builds no filter at all; it answers 400 \
                         'Invalid status value' from microversion 2.38 and an empty list before \
                         (nova/api/openstack/compute/servers.py:219-226)",
                    )
                } else if task_states.is_none() {
                    Value::from("a requested status is a vm_state's default: no task filter")
                } else {
                    Value::Null
                },
            });
            (s.as_str().to_owned(), value)
        })
        .collect();
    let actions: Map<String, Value> = Action::ALL
        .iter()
        .map(|&a| (a.as_str().to_owned(), action(a)))
        .collect();
    json!({
        "schema": MODEL_SCHEMA,
        "nova_commit": NOVA_COMMIT,
        "sources": {
            "states": "nova/objects/fields.py:1033-1130",
            "status": "nova/api/openstack/common.py:44-123",
            "list_filter": "nova/api/openstack/common.py:126-140, nova/api/openstack/compute/servers.py:217-231",
        },
        "vm_states": named_states(&VmState::ALL, VmState::as_str, VmState::ALIASES),
        "task_states": named_states(&TaskState::ALL, TaskState::as_str, TaskState::ALIASES),
        "power_states": PowerState::ALL
            .iter()
            .map(|&p| json!({
                "code": p.code(),
                "name": p.as_str(),
                "aliases": PowerState::ALIASES
                    .iter()
                    .filter(|a| a.value == p)
                    .map(|a| a.spelling)
                    .collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>(),
        "unused_power_codes": [2, 5],
        "statuses": names(ServerStatus::ALL, ServerStatus::as_str),
        "status": status,
        "preimage": preimage,
        "list_filter": list_filter,
        "actions": actions,
    })
}

/// `docs/model.json`: the model, pretty-printed, with a final newline.
///
/// # Errors
/// Those of `serde_json` (none for a value built of strings, numbers and
/// maps with string keys, which this is).
pub fn model_json() -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(&model())?;
    text.push('\n');
    Ok(text)
}
