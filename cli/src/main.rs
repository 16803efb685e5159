//! The nova-states command line: `nova-states help`.
//!
//! The library does no I/O; this binary reads files and standard input,
//! parses JSON with serde_json and prints.

use std::io::Read;
use std::process::ExitCode;

use std::fmt::Write as _;

use nova_states::read::CaptureTracker;
use nova_states::{
    status, Action, ActionSet, Driver, Observation, Pair, PowerState, Reported, ServerDocument,
    ServerStatus, StatusSet, Step, StepKind, TaskState, Validator, VmState, WaitFor,
};
use nova_states_cli::render::docs::{self, DiagramFormat};
use nova_states_cli::render::model;
use serde_json::{json, Value};

const SEED: &str = include_str!("../../tests/data/seed-snapshot.txt");

const USAGE: &str = "\
usage: nova-states [COMMAND]

  (no command)                  trace the bundled seed sample (a polled snapshot) and explain it
  explain [FILE|-] [--json]     explain a server document (GET /servers/{id} body, with or
                                without its \"server\" wrapper, or `openstack server show -f json`)
  explain --vm V [--task T] [--power P] [--status S] [--json]
  trace [FILE|-] [--json] [--driver libvirt|rbd|vmware]
                                validate polled observations: lines of the seeds' polling script
                                (`17:14:48   status: ACTIVE   vm_state: active   task_state: ...`),
                                JSON Lines of server documents, or concatenated `openstack server
                                show -f json` outputs; blank and `...` lines are gaps
  model --format json|markdown|dot|mermaid
                                the model: JSON (docs/model.json), markdown, or the overview diagram
  table                         the vm_state x task_state -> status table

exit status: 0 ok; 1 trace found an impossible step; 2 input could not be read";

/// A failure to read input: exit status 2.
struct Unreadable(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.split_first() {
        None => trace_text(
            SEED,
            "bundled seed sample (shared/seeds/000)",
            false,
            Driver::LibvirtStandard,
        ),
        Some((&"trace", rest)) => cmd_trace(rest),
        Some((&"explain", rest)) => cmd_explain(rest),
        Some((&"model", rest)) => cmd_model(rest),
        Some((&"table", [])) => {
            let mut text = String::new();
            nova_states_cli::render::table::write_status_table(&mut text)
                .map(|()| {
                    print!("{text}");
                    0
                })
                .map_err(|_| Unreadable("could not format the table".into()))
        }
        Some((&("help" | "--help" | "-h"), _)) => {
            println!("{USAGE}");
            Ok(0)
        }
        Some(_) => Err(Unreadable(format!(
            "unrecognised arguments {args:?}\n\n{USAGE}"
        ))),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Unreadable(message)) => {
            eprintln!("nova-states: {message}");
            ExitCode::from(2)
        }
    }
}

/// Splits `--flag value` options from positional arguments.
struct Opts<'a> {
    positional: Vec<&'a str>,
    flags: Vec<(&'a str, Option<&'a str>)>,
}

fn opts<'a>(args: &[&'a str], with_value: &[&str]) -> Result<Opts<'a>, Unreadable> {
    let mut positional = Vec::new();
    let mut flags = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some((name, value)) = arg.split_once('=').filter(|_| arg.starts_with("--")) {
            flags.push((name, Some(value)));
        } else if with_value.contains(arg) {
            let value = iter
                .next()
                .ok_or_else(|| Unreadable(format!("{arg} needs a value")))?;
            flags.push((*arg, Some(*value)));
        } else if arg.starts_with("--") {
            flags.push((*arg, None));
        } else {
            positional.push(*arg);
        }
    }
    Ok(Opts { positional, flags })
}

impl Opts<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    }
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }
    fn check(&self, known: &[&str]) -> Result<(), Unreadable> {
        match self.flags.iter().find(|(n, _)| !known.contains(n)) {
            Some((n, _)) => Err(Unreadable(format!("unknown option {n}\n\n{USAGE}"))),
            None => Ok(()),
        }
    }
}

fn read_input(path: Option<&str>) -> Result<String, Unreadable> {
    match path {
        None | Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Unreadable(format!("cannot read standard input: {e}")))?;
            Ok(text)
        }
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Unreadable(format!("cannot read {path}: {e}"))),
    }
}

// --- model, table, docs -----------------------------------------------------

fn cmd_model(args: &[&str]) -> Result<u8, Unreadable> {
    let o = opts(args, &["--format"])?;
    o.check(&["--format"])?;
    let mut text = String::new();
    let written = match o.get("--format").unwrap_or("json") {
        "json" => {
            text = model::model_json()
                .map_err(|e| Unreadable(format!("could not write the model: {e}")))?;
            Ok(())
        }
        "markdown" => docs::states_md(&mut text)
            .and_then(|()| docs::status_md(&mut text))
            .and_then(|()| docs::actions_md(&mut text)),
        "mermaid" => docs::md_header(
            &mut text,
            "Overview: how actions move a server between vm_states",
        )
        .and_then(|()| text.write_str("```mermaid\n"))
        .and_then(|()| docs::overview(&mut text, DiagramFormat::Mermaid))
        .and_then(|()| text.write_str("```\n")),
        "dot" => docs::overview(&mut text, DiagramFormat::Dot),
        other => {
            return Err(Unreadable(format!(
                "unknown format {other:?}: json, markdown, dot or mermaid"
            )))
        }
    };
    written.map_err(|_| Unreadable("could not format the model".into()))?;
    print!("{text}");
    Ok(0)
}

// --- explain ----------------------------------------------------------------

fn cmd_explain(args: &[&str]) -> Result<u8, Unreadable> {
    let o = opts(args, &["--vm", "--task", "--power", "--status"])?;
    o.check(&["--vm", "--task", "--power", "--status", "--json"])?;
    let doc = if let Some(vm) = o.get("--vm") {
        let bad = |e: nova_states::ParseError| Unreadable(e.to_string());
        ServerDocument {
            vm_state: Reported::Value(vm.parse().map_err(bad)?),
            task_state: match o.get("--task") {
                None | Some("null" | "None" | "") => Reported::Null,
                Some(t) => Reported::Value(t.parse().map_err(bad)?),
            },
            power_state: match o.get("--power") {
                None | Some("null") => Reported::Null,
                Some(p) => Reported::Value(p.parse().map_err(bad)?),
            },
            status: match o.get("--status") {
                None => Reported::Absent,
                Some(s) => Reported::Value(s.parse().map_err(bad)?),
            },
            ..ServerDocument::EMPTY
        }
    } else {
        let text = read_input(o.positional.first().copied())?;
        serde_json::from_str::<ServerDocument>(&text)
            .map_err(|e| Unreadable(format!("not a server document: {e}")))?
    };
    let report = explain(&doc);
    if o.has("--json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.json).unwrap_or_default()
        );
    } else {
        print!("{}", report.text);
    }
    Ok(0)
}

struct Explained {
    text: String,
    json: Value,
}

fn explain(doc: &ServerDocument) -> Explained {
    use std::fmt::Write;
    let mut t = String::new();
    let mut errors: Vec<String> = Vec::new();
    let assessed = doc.assess();
    if let Err(e) = &assessed {
        errors.push(e.to_string());
    }
    let vm = doc.vm_state.value();
    let task = doc.task_state.value();
    let power = doc.power_state.value();
    let derived = doc.effective_status();
    let pair = vm.map(|vm| Pair { vm, task });
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
    let _ = writeln!(
        t,
        "states       vm_state {}, task_state {}, power_state {}",
        vm.map_or("(absent)", VmState::as_str),
        if doc.task_state.is_present() {
            TaskState::name_or_null(task)
        } else {
            "(absent)"
        },
        power.map_or("(absent)".to_string(), |p| format!("{} ({})", p.code(), p))
    );
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
    } else {
        let _ = writeln!(t, "going on     unknown: the document has no OS-EXT-STS:vm_state (down cell, or no extended status)");
    }
    for e in &errors {
        let _ = writeln!(t, "INCONSISTENT {e}");
    }
    if errors.is_empty() {
        let _ = writeln!(
            t,
            "consistent   yes: Nova could have produced this document"
        );
    }
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
    });
    Explained { text: t, json }
}

fn capture_note(a: Action, task: Option<TaskState>) -> Option<String> {
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
fn waits(a: Action, p: Pair) -> Vec<WaitFor> {
    a.starts()
        .iter()
        .filter(|s| a.in_flight_from(*s, p.vm, p.task))
        .map(|s| WaitFor::new(a, s))
        .collect()
}

fn names(set: StatusSet) -> Vec<&'static str> {
    set.iter().map(ServerStatus::as_str).collect()
}

fn wait_text(t: &mut String, a: Action, p: Pair) {
    use std::fmt::Write;
    for w in waits(a, p) {
        let _ = writeln!(
            t,
            "wait for     (started from {}) done: {} with task_state null; failed: {}; in progress: {}",
            w.start,
            names(w.done).join("|"),
            names(w.failed).join("|"),
            names(w.in_progress).join("|")
        );
    }
}

fn wait_json(a: Action, p: Pair) -> Value {
    Value::Array(
        waits(a, p)
            .into_iter()
            .map(|w| {
                json!({"from": w.start.as_str(), "in_progress": names(w.in_progress),
                       "done": names(w.done), "failed": names(w.failed)})
            })
            .collect(),
    )
}

// --- trace ------------------------------------------------------------------

fn cmd_trace(args: &[&str]) -> Result<u8, Unreadable> {
    let o = opts(args, &["--driver"])?;
    o.check(&["--json", "--driver"])?;
    let driver = match o.get("--driver").unwrap_or("libvirt") {
        "libvirt" => Driver::LibvirtStandard,
        "rbd" => Driver::LibvirtRbdDirect,
        "vmware" => Driver::VMware,
        other => {
            return Err(Unreadable(format!(
                "unknown driver {other:?}: libvirt, rbd or vmware"
            )))
        }
    };
    let path = o.positional.first().copied();
    let text = read_input(path)?;
    trace_text(
        &text,
        path.unwrap_or("standard input"),
        o.has("--json"),
        driver,
    )
}

/// One input record: an observation with its label, or a gap.
enum Record {
    Obs { label: String, obs: Observation },
    Gap,
}

fn parse_records(text: &str) -> Result<Vec<Record>, Unreadable> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let mut out = Vec::new();
        let stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Value>();
        for (i, value) in stream.enumerate() {
            let value = value.map_err(|e| Unreadable(format!("document {}: {e}", i + 1)))?;
            let doc: ServerDocument = serde_json::from_value(value.clone())
                .map_err(|e| Unreadable(format!("document {}: {e}", i + 1)))?;
            let label = value
                .get("updated")
                .or_else(|| value.get("server").and_then(|s| s.get("updated")))
                .and_then(Value::as_str)
                .map_or(format!("#{}", i + 1), str::to_string);
            out.push(Record::Obs {
                label,
                obs: observation(&doc, &format!("document {}", i + 1))?,
            });
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line == "..." || line.chars().all(|c| c == '.') {
            out.push(Record::Gap);
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let where_ = format!("line {}", n + 1);
        let mut doc = ServerDocument::EMPTY;
        let mut label = format!("#{}", n + 1);
        let mut tokens = line.split_whitespace().peekable();
        if let Some(first) = tokens.peek() {
            if !first.ends_with(':') {
                label = (*first).to_string();
                tokens.next();
            }
        }
        while let Some(key) = tokens.next() {
            let value = tokens
                .next()
                .ok_or_else(|| Unreadable(format!("{where_}: {key} has no value")))?;
            let bad = |e: nova_states::ParseError| Unreadable(format!("{where_}: {e}"));
            let null = value == "null" || value == "None";
            match key {
                "status:" => doc.status = Reported::Value(value.parse().map_err(bad)?),
                "vm_state:" => doc.vm_state = if null { Reported::Null } else { Reported::Value(value.parse().map_err(bad)?) },
                "task_state:" => doc.task_state = if null { Reported::Null } else { Reported::Value(value.parse().map_err(bad)?) },
                "power_state:" => doc.power_state = if null { Reported::Null } else { Reported::Value(value.parse().map_err(bad)?) },
                other => return Err(Unreadable(format!("{where_}: unexpected {other:?}: expected status:, vm_state:, task_state:, power_state:"))),
            }
        }
        out.push(Record::Obs {
            label,
            obs: observation(&doc, &where_)?,
        });
    }
    Ok(out)
}

fn observation(doc: &ServerDocument, where_: &str) -> Result<Observation, Unreadable> {
    let vm = doc.vm_state.value().ok_or_else(|| {
        Unreadable(format!(
            "{where_}: no OS-EXT-STS:vm_state to trace (an admin or the extended status is needed)"
        ))
    })?;
    if !doc.task_state.is_present() {
        return Err(Unreadable(format!("{where_}: no OS-EXT-STS:task_state")));
    }
    Ok(Observation {
        vm,
        task: doc.task_state.value(),
        power: doc.power_state.value(),
        status: doc.status.value(),
    })
}

struct OpRun {
    action: ActionSet,
    /// Index of the run's first observation.
    first: usize,
    from: String,
    to: Option<String>,
    phases: Vec<&'static str>,
    capture: Option<String>,
}

fn trace_text(text: &str, source: &str, as_json: bool, driver: Driver) -> Result<u8, Unreadable> {
    let records = parse_records(text)?;
    let mut v = Validator::new();
    let mut tracker = CaptureTracker::new(driver);
    let mut lines = Vec::new();
    let mut violations = Vec::new();
    let mut runs: Vec<OpRun> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut gap = false;
    for record in &records {
        let (label, obs) = match record {
            Record::Gap => {
                gap = true;
                continue;
            }
            Record::Obs { label, obs } => (label, obs),
        };
        let shown = format!(
            "{:<10} {:<17} {}/{}",
            label,
            status(obs.vm, obs.task).as_str(),
            obs.vm,
            TaskState::name_or_null(obs.task)
        );
        if gap {
            lines.push("  ...".to_string());
            gap = false;
        }
        match v.observe(*obs) {
            Ok(step) => {
                labels.push(label.clone());
                tracker.feed(labels.len() - 1, obs, &step);
                lines.push(format!("{shown:<58} {}", describe(&step, obs)));
                track_runs(&mut runs, &step, obs, label, labels.len() - 1);
                // The capture belongs to the run in flight when it happened.
                if let (Some(run), Some(by)) = (runs.last_mut(), tracker.window().by) {
                    let images = run.action.iter().any(|a| a.disk_capture(driver).is_some());
                    if run.capture.is_none() && images && by >= run.first {
                        run.capture = labels.get(by).cloned();
                    }
                }
            }
            Err(e) => {
                lines.push(format!("{shown:<58} IMPOSSIBLE: {e}"));
                violations.push(json!({"at": label, "message": e.to_string()}));
            }
        }
    }
    let legal = violations.is_empty();
    if as_json {
        let operations: Vec<Value> = runs
            .iter()
            .map(|r| {
                json!({
                    "action": r.action.iter().map(Action::as_str).collect::<Vec<_>>().join("|"),
                    "candidates": r.action.iter().map(Action::as_str).collect::<Vec<_>>(),
                    "from": r.from, "to": r.to, "phases": r.phases,
                    "disk_captured_by": r.capture,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "legal": legal, "operations": operations, "violations": violations,
                "driver": driver.as_str(), "observations": labels.len(),
            }))
            .unwrap_or_default()
        );
    } else {
        println!(
            "Trace of {source} ({} observations, disk capture for {}):\n",
            labels.len(),
            driver.as_str()
        );
        for line in &lines {
            println!("  {line}");
        }
        println!();
        for r in &runs {
            let names: Vec<&str> = r.action.iter().map(Action::as_str).collect();
            println!(
                "operation {} from {} to {}{}",
                names.join(" or "),
                r.from,
                r.to.as_deref().unwrap_or("(still running)"),
                if r.phases.is_empty() {
                    String::new()
                } else {
                    format!(", through {}", r.phases.join(" -> "))
                }
            );
            if let Some(at) = &r.capture {
                println!("  disk captured by {at}: from then on, writes inside the guest no longer affect the image");
            }
        }
        if runs.is_empty() {
            println!("no operation seen");
        }
        if legal {
            println!("\nevery step is one Nova can take");
        } else {
            println!(
                "\nIMPOSSIBLE: {}",
                violations
                    .first()
                    .and_then(|v| v["message"].as_str())
                    .unwrap_or_default()
            );
        }
    }
    Ok(if legal { 0 } else { 1 })
}

fn describe(step: &Step, obs: &Observation) -> String {
    let names: Vec<&str> = step.operations.iter().map(Action::as_str).collect();
    let ops = names.join(" or ");
    match step.kind {
        StepKind::First if ops.is_empty() => "first observation".into(),
        StepKind::First => format!("first observation: {ops} in flight"),
        StepKind::Unchanged => String::new(),
        StepKind::Progress => {
            let phase = step
                .phase
                .map_or(String::new(), |(n, m)| format!(" phase {n} of {m}"));
            format!(
                "{}{ops}{phase} ({})",
                if step.new_operation { "start " } else { "" },
                TaskState::name_or_null(obs.task)
            )
        }
        StepKind::Ended => format!("{ops} ended"),
        StepKind::Jumped if ops.is_empty() => "changed between polls".into(),
        StepKind::Jumped => format!("{ops} happened between polls"),
    }
}

fn track_runs(runs: &mut Vec<OpRun>, step: &Step, obs: &Observation, label: &str, at: usize) {
    match step.kind {
        StepKind::First | StepKind::Progress if !step.operations.is_empty() => {
            let continuing = !step.new_operation && runs.last().is_some_and(|r| r.to.is_none());
            if !continuing {
                runs.push(OpRun {
                    action: step.operations,
                    first: at,
                    from: label.to_string(),
                    to: None,
                    phases: Vec::new(),
                    capture: None,
                });
            }
            if let Some(r) = runs.last_mut() {
                r.action = step.operations;
                if let Some(task) = obs.task {
                    if r.phases.last() != Some(&task.as_str()) {
                        r.phases.push(task.as_str());
                    }
                }
            }
        }
        StepKind::Ended => {
            if let Some(r) = runs.last_mut().filter(|r| r.to.is_none()) {
                r.to = Some(label.to_string());
            }
        }
        StepKind::Jumped => runs.push(OpRun {
            action: step.operations,
            first: at,
            from: label.to_string(),
            to: Some(label.to_string()),
            phases: Vec::new(),
            capture: None,
        }),
        _ => {}
    }
}
