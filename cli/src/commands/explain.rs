//! `nova-states explain`: one server document (or each of a list) explained.

use crate::*;

pub(crate) fn parse_flag<T>(
    name: &str,
    value: &str,
    parse: fn(&str) -> Result<T, nova_states::ParseError>,
) -> Result<T, Fail> {
    parse(value).map_err(|e| unreadable(format!("--{name}: {}", escaped(&e.to_string()))))
}

pub(crate) fn cmd_explain(args: ExplainArgs, out: &mut Out) -> Result<u8, Fail> {
    let options = read_options(args.lenient);
    let lenient = args.lenient;
    let input = if let Some(vm) = &args.vm {
        let name = |flag: &str, text: &str, parse: fn(&str) -> Result<_, _>| {
            Reported::parse_with(text, parse, lenient).map_err(|e: ParseError| {
                unreadable(format!("--{flag}: {}", escaped(&e.to_string())))
            })
        };
        let doc = ServerDocument {
            vm_state: name("vm", vm, VmState::parse)?,
            task_state: match args.task.as_deref() {
                None | Some("null" | "None") => Reported::Null,
                Some(t) => Reported::parse_with(t, TaskState::parse, lenient)
                    .map_err(|e| unreadable(format!("--task: {}", escaped(&e.to_string()))))?,
            },
            power_state: match args.power.as_deref() {
                None | Some("null") => Reported::Null,
                Some(p) => Reported::Value(parse_flag("power", p, str::parse)?),
            },
            status: match args.status.as_deref() {
                None => Reported::Absent,
                Some(s) => Reported::parse_with(s, ServerStatus::parse, lenient)
                    .map_err(|e| unreadable(format!("--status: {}", escaped(&e.to_string()))))?,
            },
            ..ServerDocument::EMPTY
        };
        InputServers {
            servers: vec![Document {
                doc,
                updated: None,
                id: None,
                notice: None,
            }],
            list: false,
        }
    } else {
        let (input, source) = open(args.file.as_ref())?;
        read_servers_of(input, &source, options)?
    };
    let reports: Vec<(Option<String>, Explained)> = input
        .servers
        .iter()
        .map(|d| (d.id.clone(), explain(&d.doc)))
        .collect();
    if args.json {
        let value = if input.list {
            let servers = reports
                .into_iter()
                .map(|(id, mut report)| {
                    if let Value::Object(map) = &mut report.json {
                        map.insert("id".into(), json!(id));
                    }
                    report.json
                })
                .collect();
            json!({ "servers": Value::Array(servers) })
        } else {
            reports
                .into_iter()
                .next()
                .map_or(Value::Null, |(_, report)| report.json)
        };
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| unreadable(format!("could not write JSON: {e}")))?;
        writeln!(out, "{text}")?;
    } else if input.list {
        let count = reports.len();
        for (i, (id, report)) in reports.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let id = id.as_deref().map_or("(no id)".to_string(), escaped);
            writeln!(out, "server       {id} ({} of {count})", i + 1)?;
            out.write_all(report.text.as_bytes())?;
        }
        if count == 0 {
            writeln!(out, "no servers in the list")?;
        }
    } else {
        for (_, report) in &reports {
            out.write_all(report.text.as_bytes())?;
        }
    }
    Ok(0)
}

pub(crate) fn read_options(lenient: bool) -> ReadOptions {
    if lenient {
        ReadOptions::LENIENT
    } else {
        ReadOptions::STRICT
    }
}

pub(crate) struct Explained {
    text: String,
    json: Value,
}

/// A name as a document gave it: the value's name, `null`, an unknown
/// name (quoted, escaped), or `(absent)`.
pub(crate) fn shown_name<T: Copy>(field: Reported<T>, name: impl Fn(T) -> String) -> String {
    match field {
        Reported::Absent => "(absent)".into(),
        Reported::Null => "null".into(),
        Reported::Value(v) => name(v),
        Reported::Unknown(found) => format!(
            "{} (unknown to this model: a newer Nova?)",
            escaped(&found.to_string())
        ),
    }
}

/// The names in a set of vm_states, joined.
pub(crate) fn vm_names(set: VmStateSet) -> Vec<&'static str> {
    set.iter().map(VmState::as_str).collect()
}

pub(crate) fn explain(doc: &ServerDocument) -> Explained {
    use std::fmt::Write;
    let mut t = String::new();
    let mut errors: Vec<String> = Vec::new();
    let assessed = doc.assess();
    if let Err(e) = &assessed {
        errors.push(e.to_string());
    }
    let task = doc.task_state.value();
    let power = doc.power_state.value();
    let derived = doc.effective_status();
    // The vm_state: reported, or inferred (openstack server list) when
    // status and task_state leave one candidate.
    let candidates = doc.vm_state_candidates();
    let inferred = !doc.vm_state.is_present() && !candidates.is_empty();
    let task_known = matches!(doc.task_state, Reported::Value(_) | Reported::Null);
    let vm = match (doc.vm_state.value(), candidates.len()) {
        (Some(vm), _) => Some(vm),
        (None, 1) if inferred => candidates.iter().next(),
        _ => None,
    };
    let pair = vm.filter(|_| task_known).map(|vm| Pair { vm, task });
    if let Some(p) = pair {
        if !p.is_possible() {
            errors.push(format!(
                "vm_state {} with task_state {} is a combination Nova never produces",
                p.vm,
                TaskState::name_or_null(p.task)
            ));
        }
    }
    let shown = |s: Option<ServerStatus>| s.map_or("-".to_string(), |s| s.to_string());
    let _ = writeln!(t, "status       {}", shown(derived));
    if let Reported::Value(reported) = doc.status {
        if Some(reported) != derived {
            let _ = writeln!(t, "reported     {reported} (does not match)");
        }
    }
    if let Reported::Unknown(found) = doc.status {
        let _ = writeln!(
            t,
            "reported     {} (unknown to this model: a newer Nova?)",
            escaped(&found.to_string())
        );
    }
    let vm_text = if inferred {
        let names = vm_names(candidates).join(", ");
        let from = format!(
            "status {} and task_state {}",
            shown(doc.status.value()),
            if task_known {
                TaskState::name_or_null(task)
            } else {
                "(not shown)"
            }
        );
        if candidates.len() == 1 {
            format!("{names} (inferred: the only vm_state that shows {from})")
        } else {
            format!("one of {names} (inferred from {from}; which one cannot be told)")
        }
    } else {
        shown_name(doc.vm_state, |v: VmState| v.to_string())
    };
    let _ = writeln!(
        t,
        "states       vm_state {vm_text}, task_state {}, power_state {}",
        shown_name(doc.task_state, |v: TaskState| v.to_string()),
        power.map_or_else(
            || shown_name(doc.power_state, |p: PowerState| p.to_string()),
            |p| format!("{} ({})", p.code(), p)
        )
    );
    if let Some(locked) = doc.locked {
        let _ = writeln!(
            t,
            "locked       {}",
            if locked {
                "yes: Nova refuses other users' actions (@check_instance_lock), which this model does not include"
            } else {
                "no"
            }
        );
    }
    if let Ok(a) = &assessed {
        if a.unknown_names {
            let _ = writeln!(
                t,
                "lenient      a name this model does not know: status {} is Nova's fallback \
                 for names it does not know (status_from_state); nothing else is derived from it",
                shown(a.derived)
            );
        }
    }
    let mut operation = Value::Null;
    let mut allowed: Vec<&str> = Vec::new();
    if let Some(p) = pair {
        let ops = p.in_flight();
        if task.is_none() {
            let _ = writeln!(t, "going on     nothing: no task in flight");
        } else if ops.is_empty() {
            let _ = writeln!(
                t,
                "going on     task {} (no action of this model is in flight here)",
                TaskState::name_or_null(task)
            );
        } else {
            let mut list = Vec::new();
            for a in ops.iter() {
                let phase = task.and_then(|task| a.phase_of(task));
                let ph = phase.map_or(String::new(), |(n, m)| format!(", phase {n} of {m}"));
                let _ = writeln!(
                    t,
                    "going on     {a}{ph} ({})",
                    TaskState::name_or_null(task)
                );
                if let Some(note) = capture_note(a, task) {
                    let _ = writeln!(t, "             {note}");
                }
                list.push(json!({
                    "action": a.as_str(),
                    "phase": phase.map(|(n, _)| n),
                    "phases": phase.map(|(_, m)| m),
                    "disk": capture_note(a, task),
                    "wait_for": wait_json(a, p),
                }));
                wait_text(&mut t, a, p);
            }
            operation = if list.len() == 1 {
                list.remove(0)
            } else {
                Value::Array(list)
            };
        }
        let now = Action::allowed(p.vm, p.task, true);
        allowed = now.iter().map(Action::as_str).collect();
        let _ = writeln!(
            t,
            "accepted now {}",
            if allowed.is_empty() {
                "nothing".into()
            } else {
                allowed.join(", ")
            }
        );
        let _ = writeln!(t, "refused:");
        for a in Action::ALL
            .iter()
            .filter(|a| !now.contains(**a) && **a != Action::Create)
        {
            if let Err(r) = a.check(p.vm, p.task, true) {
                let _ = writeln!(t, "  {:<28} {}", a.as_str(), r);
            }
        }
    } else if inferred && candidates.len() > 1 && task_known {
        // Several vm_states: say what holds for every one of them.
        let pairs: Vec<Pair> = candidates.iter().map(|vm| Pair { vm, task }).collect();
        let ops = pairs
            .iter()
            .fold(ActionSet::EMPTY, |set, p| set.union(p.in_flight()));
        if task.is_none() {
            let _ = writeln!(t, "going on     nothing: no task in flight");
        } else if ops.is_empty() {
            let _ = writeln!(
                t,
                "going on     task {} (no action of this model is in flight here)",
                TaskState::name_or_null(task)
            );
        } else {
            let names: Vec<&str> = ops.iter().map(Action::as_str).collect();
            let _ = writeln!(
                t,
                "going on     {} ({}), whichever vm_state it is",
                names.join(" or "),
                TaskState::name_or_null(task)
            );
            operation = Value::Array(names.iter().map(|a| json!({ "action": a })).collect());
        }
        let every = pairs.iter().fold(ActionSet::FULL, |set, p| {
            set.intersection(Action::allowed(p.vm, p.task, true))
        });
        let some = pairs.iter().fold(ActionSet::EMPTY, |set, p| {
            set.union(Action::allowed(p.vm, p.task, true))
        });
        allowed = every.iter().map(Action::as_str).collect();
        let _ = writeln!(
            t,
            "accepted now {} (whichever vm_state it is)",
            if allowed.is_empty() {
                "nothing".into()
            } else {
                allowed.join(", ")
            }
        );
        let depends: Vec<&str> = some
            .iter()
            .filter(|a| !every.contains(*a))
            .map(Action::as_str)
            .collect();
        if !depends.is_empty() {
            let _ = writeln!(t, "depends      on the vm_state: {}", depends.join(", "));
        }
    } else if doc.has_unknown_names() && doc.vm_state.is_present() {
        let _ = writeln!(
            t,
            "going on     unknown: a state name this model does not know (read with --lenient)"
        );
    } else if inferred {
        let _ = writeln!(
            t,
            "going on     unknown: the document has no task_state (openstack server list without --long, or no extended status)"
        );
    } else {
        let _ = writeln!(t, "going on     unknown: the document has no OS-EXT-STS:vm_state (down cell, or no extended status)");
    }
    for e in &errors {
        let _ = writeln!(t, "INCONSISTENT {e}");
    }
    if errors.is_empty() && doc.has_unknown_names() {
        let _ = writeln!(
            t,
            "consistent   yes, as far as the names this model knows go"
        );
    } else if errors.is_empty() {
        let _ = writeln!(
            t,
            "consistent   yes: Nova could have produced this document"
        );
    }
    let unknown = |field: Option<nova_states::wire::Found>| field.map(|f| f.as_str().to_string());
    let json = json!({
        "status": derived.map(|s| s.as_str()),
        "reported_status": doc.status.value().map(|s| s.as_str()),
        "vm_state": vm.map(VmState::as_str),
        "task_state": task.map(TaskState::as_str),
        "power_state": power.map(PowerState::code),
        "consistent": errors.is_empty(),
        "errors": errors,
        "allowed_actions": allowed,
        "operation": operation,
        "vm_state_inferred": inferred,
        "vm_state_candidates": if inferred { json!(vm_names(candidates)) } else { Value::Null },
        "locked": doc.locked,
        "unknown_names": if doc.has_unknown_names() {
            json!({
                "status": unknown(doc.status.unknown()),
                "vm_state": unknown(doc.vm_state.unknown()),
                "task_state": unknown(doc.task_state.unknown()),
            })
        } else {
            Value::Null
        },
    });
    Explained { text: t, json }
}

pub(crate) fn capture_note(a: Action, task: Option<TaskState>) -> Option<String> {
    let task = task?;
    let standard = a.disk_capture(Driver::LibvirtStandard)?;
    let rbd = a.disk_capture(Driver::LibvirtRbdDirect)?;
    let pending = standard.during;
    let uploading = standard.safe_from?;
    Some(if task == uploading {
        format!(
            "guest writes: no longer affect the image on libvirt (non-RBD) and VMware; \
             on RBD direct snapshot the disk is read during {} until the task ends",
            rbd.during
        )
    } else if task == pending {
        "guest writes: CAN still affect the image (the disk is being captured)".to_string()
    } else if a == Action::Shelve {
        "guest writes: the guest is being powered off before the image is taken".to_string()
    } else {
        "guest writes: CAN still affect the image (the disk has not been captured yet)".to_string()
    })
}

/// The wait sets for `a` in flight at `p`, over the start states that lead there.
pub(crate) fn waits(a: Action, p: Pair) -> Vec<WaitFor> {
    a.starts()
        .iter()
        .filter(|s| a.in_flight_from(*s, p.vm, p.task))
        .map(|s| WaitFor::new(a, s))
        .collect()
}

pub(crate) fn names(set: StatusSet) -> Vec<&'static str> {
    set.iter().map(ServerStatus::as_str).collect()
}

pub(crate) fn wait_text(t: &mut String, a: Action, p: Pair) {
    use std::fmt::Write;
    for w in waits(a, p) {
        let _ = writeln!(
            t,
            "wait for     (started from {}) done: {} with task_state null; failed: {}; in progress: {}{}",
            w.start,
            names(w.done).join("|"),
            names(w.failed).join("|"),
            names(w.in_progress).join("|"),
            if w.may_stall {
                "; may stall (a failure can leave the task with nothing to finish it)"
            } else {
                ""
            }
        );
    }
}

pub(crate) fn wait_json(a: Action, p: Pair) -> Value {
    Value::Array(
        waits(a, p)
            .into_iter()
            .map(|w| {
                json!({"from": w.start.as_str(), "in_progress": names(w.in_progress),
                       "done": names(w.done), "failed": names(w.failed),
                       "may_stall": w.may_stall})
            })
            .collect(),
    )
}
