//! `nova-states trace`: a polled sequence checked against the model, streamed.

use crate::commands::explain::vm_names;
use crate::*;

/// An operation seen along the trace, while it runs.
pub(crate) struct OpRun {
    action: ActionSet,
    /// Index of the run's first observation.
    first: usize,
    from: String,
    phases: Vec<&'static str>,
    capture: Option<String>,
}

impl OpRun {
    fn names(&self, sep: &str) -> String {
        self.action
            .iter()
            .map(Action::as_str)
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn text(&self, to: Option<&str>) -> String {
        let mut t = format!(
            "operation {} from {} to {}",
            self.names(" or "),
            self.from,
            to.unwrap_or("(still running)")
        );
        if !self.phases.is_empty() {
            let _ = write!(t, ", through {}", self.phases.join(" -> "));
        }
        if let Some(at) = &self.capture {
            let _ = write!(t, "\n  disk captured by {at}: from then on, writes inside the guest no longer affect the image");
        }
        t
    }

    fn json(&self, to: Option<&str>) -> Value {
        json!({
            "action": self.names("|"),
            "candidates": self.action.iter().map(Action::as_str).collect::<Vec<_>>(),
            "from": self.from, "to": to, "phases": self.phases,
            "disk_captured_by": self.capture,
        })
    }
}

/// The trace's output, streamed: text lines, or one JSON object whose
/// `operations` are written as each ends.
pub(crate) struct Report<'o> {
    out: &'o mut Out,
    json: bool,
    driver: Driver,
    operations: usize,
}

impl Report<'_> {
    /// The JSON object's opening, written with the first operation (or at
    /// the end), so that an error before it leaves only the error object.
    fn open_json(&mut self) -> Result<(), Fail> {
        write!(
            self.out,
            "{{\"driver\": {}, \"operations\": [",
            json!(self.driver.as_str())
        )?;
        Ok(())
    }

    fn line(&mut self, text: &str) -> Result<(), Fail> {
        if !self.json {
            writeln!(self.out, "  {text}")?;
        }
        Ok(())
    }

    fn operation(&mut self, run: &OpRun, to: Option<&str>) -> Result<(), Fail> {
        if self.json {
            if self.operations == 0 {
                self.open_json()?;
            }
            let sep = if self.operations == 0 { "" } else { "," };
            write!(self.out, "{sep}\n    {}", run.json(to))?;
        } else {
            writeln!(self.out, "  -> {}", run.text(to))?;
        }
        self.operations += 1;
        Ok(())
    }
}

pub(crate) fn trace(
    input: BufReader<Box<dyn Read>>,
    source: &str,
    as_json: bool,
    driver: Driver,
    options: ReadOptions,
    out: &mut Out,
) -> Result<u8, Fail> {
    if !as_json {
        writeln!(
            out,
            "Trace of {source} (disk capture for {}):\n",
            driver.as_str()
        )?;
    }
    let mut report = Report {
        out,
        json: as_json,
        driver,
        operations: 0,
    };
    match follow_trace(input, source, options, &mut report) {
        // An error after the JSON object was opened closes it with the
        // error, so that standard output stays one JSON value.
        Err(Fail::Unreadable(e)) if as_json && report.operations > 0 => {
            let error = json!({"message": e.message, "line": e.at.map(|p| p.line), "column": e.at.map(|p| p.column)});
            writeln!(report.out, "\n  ], \"error\": {error}}}")?;
            Err(Fail::Reported)
        }
        other => other,
    }
}

pub(crate) fn follow_trace(
    input: BufReader<Box<dyn Read>>,
    source: &str,
    options: ReadOptions,
    report: &mut Report<'_>,
) -> Result<u8, Fail> {
    let (as_json, driver) = (report.json, report.driver);
    let mut records = Records::with_options(input, options);
    let mut v = Validator::new();
    let mut tracker = CaptureTracker::new(driver);
    let mut violations: Vec<Value> = Vec::new();
    let mut unknown: Vec<Value> = Vec::new();
    let mut first_violation: Option<String> = None;
    let mut run: Option<OpRun> = None;
    let mut observations = 0usize;
    let mut accepted = 0usize;
    let mut gap = false;
    let mut last_stamp: Option<(Stamp, String)> = None;
    // Notifications placed as observations.
    let mut notifications = 0usize;
    loop {
        // Before waiting for more input, show what is done (a poller piped
        // in sees each verdict as its line arrives).
        if !records.has_pending_lines() && records.get_ref().buffer().is_empty() {
            report.out.flush()?;
        }
        let Some(record) = records.next() else { break };
        let record = record?;
        // A list polled for one server (`openstack server list --long -f
        // json --name ...`) is that server's observation.
        let record = match record {
            Record::List(mut docs, at) if docs.len() == 1 => match docs.pop() {
                Some(doc) => Record::Json(doc, at),
                None => Record::List(docs, at),
            },
            Record::List(docs, at) => {
                return Err(Fail::Unreadable(ReadError {
                    message: format!(
                        "a list of {} servers: trace follows one server (filter the list to it, \
                         e.g. openstack server list --name, or explain the list)",
                        docs.len()
                    ),
                    at: Some(at),
                }))
            }
            other => other,
        };
        let (doc, label, at, updated) = match &record {
            Record::Gap | Record::List(..) => {
                gap = true;
                continue;
            }
            Record::Json(d, at) => (&d.doc, None, *at, d.updated.as_deref()),
            Record::Line(doc, label, at) => (doc, label.as_deref(), *at, None),
        };
        let seen = observation(doc, &record, at)?;
        observations += 1;
        let notice = match &record {
            Record::Json(d, _) => d.notice,
            _ => None,
        };
        let label = match (notice, label, updated) {
            (Some(n), _, _) => format!("instance.{}.{}", n.event.0.name, n.event.1),
            (None, Some(l), _) | (None, None, Some(l)) => escaped(l),
            (None, None, None) => format!("#{observations}"),
        };
        notifications += usize::from(notice.is_some());
        if let (Some(n), Seen::Known(obs)) = (notice, &seen) {
            notified(&mut v, n, obs);
        }
        // Time must not go backwards (a time of day may wrap past midnight).
        if let Some(stamp) = updated
            .or(match &record {
                Record::Line(_, l, _) => l.as_deref(),
                _ => None,
            })
            .and_then(Stamp::parse)
        {
            if let Some((Stamp::Instant(before), before_text)) = &last_stamp {
                if let Stamp::Instant(now) = stamp {
                    if now < *before {
                        return Err(Fail::Unreadable(ReadError {
                            message: format!(
                                "time goes backwards: {label} comes after {before_text}"
                            ),
                            at: Some(at),
                        }));
                    }
                }
            }
            last_stamp = Some((stamp, label.clone()));
        }
        if gap {
            report.line("...")?;
            gap = false;
        }
        // The same checks as explain: a document Nova cannot produce is an
        // impossible observation.
        let inconsistent = match &record {
            Record::Json(d, _) => d.doc.assess().err().map(|e| e.to_string()),
            _ => None,
        };
        let placed = match (inconsistent, &seen) {
            (Some(e), seen) => Err((seen.shown(), format!("INCONSISTENT document: {e}"))),
            (None, Seen::Known(obs)) => v
                .observe(*obs)
                .map(|step| (*obs, step))
                .map_err(|e| (seen.shown(), e.to_string())),
            (None, Seen::Candidates { vms, obs }) => {
                match v.observe_candidates(*vms, obs.task, obs.power, obs.status) {
                    Ok(Placed::One(vm, step)) => Ok((Observation { vm, ..*obs }, step)),
                    Ok(Placed::Several {
                        candidates,
                        in_flight,
                    }) => {
                        let ops: Vec<&str> = in_flight.iter().map(Action::as_str).collect();
                        let going = if ops.is_empty() {
                            String::new()
                        } else {
                            format!("{} in flight; ", ops.join(" or "))
                        };
                        report.line(
                            format!(
                                "{:<58} {going}vm_state one of {}: not placed, the next \
                                 observation is checked as across a gap",
                                seen.shown_as(&label),
                                vm_names(candidates).join(", ")
                            )
                            .trim_end(),
                        )?;
                        // The operation is seen even if the vm_state is not:
                        // it runs until a placed observation ends it.
                        if !in_flight.is_empty() {
                            let run = run.get_or_insert_with(|| OpRun {
                                action: in_flight,
                                first: accepted,
                                from: label.clone(),
                                phases: Vec::new(),
                                capture: None,
                            });
                            let both = run.action.iter().filter(|a| in_flight.contains(*a));
                            let both = both.fold(ActionSet::EMPTY, |set, a| set.with(a));
                            if !both.is_empty() {
                                run.action = both;
                            }
                            if let Some(task) = obs.task {
                                if run.phases.last() != Some(&task.as_str()) {
                                    run.phases.push(task.as_str());
                                }
                            }
                        }
                        continue;
                    }
                    Err(e) => Err((seen.shown(), e.to_string())),
                }
            }
            (None, Seen::Unknown { what, .. }) => {
                report.line(&format!(
                    "{:<58} not checked: {what} is unknown to this model (a newer Nova?); \
                     the next observation is checked as across a gap",
                    seen.shown_as(&label)
                ))?;
                unknown.push(json!({"at": label, "name": what}));
                continue;
            }
        };
        match placed {
            Ok((obs, step)) => {
                let shown = format!(
                    "{:<10} {:<17} {}/{}",
                    label,
                    nova_states::status(obs.vm, obs.task).as_str(),
                    obs.vm,
                    TaskState::name_or_null(obs.task)
                );
                let index = accepted;
                accepted += 1;
                tracker.feed(index, &obs, &step);
                // A run opened by observations whose vm_state could not be
                // placed ends at the next placed one without a task.
                let unplaced_end = step.kind == StepKind::Unchanged && obs.task.is_none();
                match (unplaced_end, run.take()) {
                    (true, Some(r)) => {
                        let ended = format!("{} ended", r.names(" or "));
                        report.line(format!("{shown:<58} {ended}").trim_end())?;
                        report.operation(&r, Some(&label))?;
                    }
                    (_, r) => {
                        run = r;
                        let mut said = describe(&step, &obs);
                        if notice.is_some_and(|n| n.event.1 == nova_states::read::Phase::Error) {
                            // Nova sends .error before it reverts the task
                            // or sets the vm_state to error.
                            said.push_str(
                                "; failed here (an .error carries the state from before the failure)",
                            );
                        }
                        report.line(format!("{shown:<58} {said}").trim_end())?;
                    }
                }
                follow(&mut run, &step, &obs, &label, index, report)?;
                // The capture belongs to the run in flight when it happened.
                if let (Some(r), Some(by)) = (run.as_mut(), tracker.window().by) {
                    let images = r.action.iter().any(|a| a.disk_capture(driver).is_some());
                    if r.capture.is_none() && images && by >= r.first && by == index {
                        r.capture = Some(label.clone());
                    }
                }
            }
            Err((shown, message)) => {
                let shown = format!("{label:<10} {shown}");
                report.line(&format!("{shown:<58} IMPOSSIBLE: {message}"))?;
                first_violation.get_or_insert_with(|| format!("{label}: {message}"));
                violations.push(json!({"at": label, "message": message}));
            }
        }
    }
    let skipped = records.skipped().clone();
    if observations == 0 {
        let why = match skipped.total() {
            0 => String::new(),
            n => format!(" ({n} notifications of other kinds skipped)"),
        };
        return Err(unreadable(format!("no observations in {source}{why}")));
    }
    if let Some(r) = run.take() {
        report.operation(&r, None)?;
    }
    let legal = violations.is_empty();
    if as_json && report.operations == 0 {
        report.open_json()?;
    }
    let operations = report.operations;
    let out = &mut *report.out;
    if as_json {
        let mut rest = if unknown.is_empty() {
            json!({"violations": violations, "observations": observations, "legal": legal})
        } else {
            json!({"violations": violations, "unknown_names": unknown,
                   "observations": observations, "legal": legal})
        };
        // Said for every notification stream, so a consumer can tell none
        // were skipped from a stream that held none.
        if skipped.total() > 0 || notifications > 0 {
            if let Some(map) = rest.as_object_mut() {
                map.insert(
                    "skipped_notifications".into(),
                    json!({"count": skipped.total(), "other": skipped.other,
                           "unmapped": skipped.unmapped}),
                );
            }
        }
        let rest = rest.to_string();
        // The remaining keys of the object opened above.
        writeln!(out, "\n  ], {}", rest.trim_start_matches('{'))?;
    } else {
        if operations == 0 {
            writeln!(out, "  no operation seen")?;
        }
        let counted = match observations {
            1 => "1 observation".to_string(),
            n => format!("{n} observations"),
        };
        let unchecked = match unknown.len() {
            0 => String::new(),
            1 => " (1 with a name unknown to this model, not checked)".to_string(),
            n => format!(" ({n} with names unknown to this model, not checked)"),
        };
        match &first_violation {
            None => writeln!(
                out,
                "\n{counted}{unchecked}; every step is one Nova can take"
            )?,
            Some(v) => writeln!(out, "\n{counted}{unchecked}; IMPOSSIBLE: {v}")?,
        }
        if skipped.total() > 0 {
            let kinds: Vec<String> = skipped
                .other
                .iter()
                .chain(&skipped.unmapped)
                .map(|(event, n)| format!("{event} x{n}"))
                .collect();
            writeln!(
                out,
                "{} notifications of other kinds skipped: {}",
                skipped.total(),
                kinds.join(", ")
            )?;
        }
    }
    Ok(if legal { 0 } else { 1 })
}

/// What a notification tells the validator besides its state: a `.start`
/// says which operation began, from the payload's vm_state (Nova changes
/// the vm_state only as an operation ends), when one of the actions its
/// row maps can be in flight at the payload's state. A `.start` may carry
/// a task_state set in memory and not saved yet (`reboot.start`,
/// nova/compute/manager.py:4432-4461): it is a state the server is about
/// to be in, observed like any other. An `.error` carries the state from
/// before the failure (the revert comes after it is sent,
/// manager.py:4521-4526): observed as it is, the failure's end follows as
/// across a gap. It does not end the operation here: a resize rescheduled
/// after `resize.error` goes on (manager.py:6463-6467).
fn notified(v: &mut Validator, n: nova_states_cli::input::Notice, obs: &Observation) {
    let (row, phase) = n.event;
    if phase != nova_states::read::Phase::Start {
        return;
    }
    let mut began = row
        .actions
        .iter()
        .filter(|a| a.in_flight_from(obs.vm, obs.vm, obs.task));
    if let (Some(action), None) = (began.next(), began.next()) {
        v.started(action, obs.vm);
    }
}

/// What one record lets the trace observe.
pub(crate) enum Seen {
    /// vm_state and task_state, by name.
    Known(Observation),
    /// No vm_state (`openstack server list --long`): the vm_states that
    /// show the status with the task_state (`obs.vm` is a placeholder).
    Candidates { vms: VmStateSet, obs: Observation },
    /// A name this model does not know (read with --lenient): what it is,
    /// and the status Nova's fallback gives.
    Unknown {
        what: String,
        status: Option<ServerStatus>,
        vm: String,
        task: String,
    },
}

impl Seen {
    /// The status and states, for the trace's line.
    fn shown(&self) -> String {
        let (status, vm, task) = match self {
            Seen::Known(obs) => (
                nova_states::status(obs.vm, obs.task).as_str().to_string(),
                obs.vm.to_string(),
                TaskState::name_or_null(obs.task).to_string(),
            ),
            Seen::Candidates { vms, obs } => (
                obs.status.map_or("-", ServerStatus::as_str).to_string(),
                format!("{{{}}}", vm_names(*vms).join("|")),
                TaskState::name_or_null(obs.task).to_string(),
            ),
            Seen::Unknown {
                status, vm, task, ..
            } => (
                status.map_or("-", ServerStatus::as_str).to_string(),
                vm.clone(),
                task.clone(),
            ),
        };
        format!("{status:<17} {vm}/{task}")
    }

    /// The same, after a label.
    fn shown_as(&self, label: &str) -> String {
        format!("{label:<10} {}", self.shown())
    }
}

/// A state as a trace line shows it.
pub(crate) fn trace_name<T: Copy>(field: Reported<T>, show: fn(T) -> &'static str) -> String {
    match field {
        Reported::Value(v) => show(v).to_string(),
        Reported::Unknown(found) => escaped(&found.to_string()),
        Reported::Null => "null".to_string(),
        Reported::Absent => "-".to_string(),
    }
}

/// The observation a record makes: vm_state (or, without it, status to
/// infer it from) and task_state must be there.
pub(crate) fn observation(
    doc: &ServerDocument,
    record: &Record,
    at: nova_states_cli::input::Position,
) -> Result<Seen, Fail> {
    let missing = |what: &str| {
        let hint = match (record, doc.form) {
            (Record::Json(..), Form::ServerList) => {
                " (openstack server list shows task_state with --long, to an admin)"
            }
            (Record::Json(..), _) => " (the OS-EXT-STS fields: an admin's view, or a microversion that shows them, is needed)",
            _ => "",
        };
        Fail::Unreadable(ReadError {
            message: format!("no {what} to trace{hint}"),
            at: Some(at),
        })
    };
    let listed = doc.form == Form::ServerList && doc.status.value().is_some();
    if !doc.vm_state.is_present() && !listed {
        return Err(missing("vm_state"));
    }
    if !doc.task_state.is_present() {
        return Err(missing("task_state"));
    }
    if doc.has_unknown_names() {
        let mut what = Vec::new();
        for (field, found) in [
            ("status", doc.status.unknown()),
            ("vm_state", doc.vm_state.unknown()),
            ("task_state", doc.task_state.unknown()),
        ] {
            if let Some(found) = found {
                what.push(format!("{field} {}", escaped(&found.to_string())));
            }
        }
        return Ok(Seen::Unknown {
            what: what.join(", "),
            status: doc.effective_status(),
            vm: trace_name(doc.vm_state, VmState::as_str),
            task: trace_name(doc.task_state, TaskState::as_str),
        });
    }
    let obs = |vm| Observation {
        vm,
        task: doc.task_state.value(),
        power: doc.power_state.value(),
        status: doc.status.value(),
    };
    match doc.vm_state {
        Reported::Value(vm) => Ok(Seen::Known(obs(vm))),
        Reported::Absent if listed => Ok(Seen::Candidates {
            vms: doc.vm_state_candidates(),
            obs: obs(VmState::Active),
        }),
        _ => Err(missing("vm_state")),
    }
}

pub(crate) fn describe(step: &Step, obs: &Observation) -> String {
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

/// Follows the operation in flight; writes each one out as it ends.
pub(crate) fn follow(
    run: &mut Option<OpRun>,
    step: &Step,
    obs: &Observation,
    label: &str,
    at: usize,
    report: &mut Report<'_>,
) -> Result<(), Fail> {
    match step.kind {
        StepKind::First | StepKind::Progress if !step.operations.is_empty() => {
            let continuing = !step.new_operation && run.is_some();
            if !continuing {
                if let Some(r) = run.take() {
                    report.operation(&r, Some(label))?;
                }
                *run = Some(OpRun {
                    action: step.operations,
                    first: at,
                    from: label.to_string(),
                    phases: Vec::new(),
                    capture: None,
                });
            }
            if let Some(r) = run.as_mut() {
                r.action = step.operations;
                if let Some(task) = obs.task {
                    if r.phases.last() != Some(&task.as_str()) {
                        r.phases.push(task.as_str());
                    }
                }
            }
        }
        StepKind::Ended => {
            if let Some(r) = run.take() {
                report.operation(&r, Some(label))?;
            }
        }
        StepKind::Jumped => {
            if let Some(r) = run.take() {
                report.operation(&r, Some(label))?;
            }
            let jumped = OpRun {
                action: step.operations,
                first: at,
                from: label.to_string(),
                phases: Vec::new(),
                capture: None,
            };
            report.operation(&jumped, Some(label))?;
        }
        _ => {}
    }
    Ok(())
}
