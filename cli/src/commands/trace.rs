//! `nova-states trace`: a polled sequence checked against the model, streamed.
//!
//! One server, or a fleet: the first observation decides. Without an id
//! (polling lines, documents without `id`) the input is one server's trace;
//! with one (`id`, `ID` in `openstack server list`, a notification's
//! `uuid`), each id has its own [`ServerTrace`] (its validator, its
//! operation in flight), and every later observation must name its server
//! too. Each element of a list is one observation of its server. One id
//! prints what one server without ids prints; several give one JSON object
//! with `legal` and `servers`, or text lines that name their server and a
//! section per server at the end.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::commands::explain::vm_names;
use crate::*;
use nova_states::machine::{Explanation, Operation, Origin, RunEnd};
use nova_states::rules::FailurePoint;
use nova_states_cli::input::{Position, Skipped};

/// An operation seen along the trace, while it runs.
pub(crate) struct OpRun {
    action: ActionSet,
    /// Index of the run's first observation.
    first: usize,
    from: String,
    phases: Vec<&'static str>,
    capture: Option<String>,
    /// Begun and ended between two polls (seen only by its end): `from` is
    /// then the poll that saw it ended, not one that saw it begin.
    between_polls: bool,
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
        let mut t = if self.between_polls {
            format!(
                "operation {} between the poll before {} and it",
                self.names(" or "),
                to.unwrap_or(&self.from)
            )
        } else {
            format!(
                "operation {} from {} to {}",
                self.names(" or "),
                self.from,
                to.unwrap_or("(still running)")
            )
        };
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
            "between_polls": self.between_polls,
        })
    }
}

/// The trace's output, streamed: text lines, or one JSON object whose
/// `operations` are written as each ends.
///
/// With documents that carry ids the JSON object is written at the end
/// instead (each server's operations are held until then, grouped by
/// server); text is always streamed.
pub(crate) struct Report<'o> {
    out: &'o mut Out,
    json: bool,
    driver: Driver,
    /// Operations of the server being followed, written or held.
    operations: usize,
    /// Whether the streamed JSON object is open (an error then closes it).
    opened: bool,
    /// JSON with ids: the operations are held, not written.
    hold: bool,
    /// The held operations (JSON text) of the server being followed.
    held: Vec<String>,
    /// Text of a fleet: the server's id, at the start of each line.
    tag: Option<String>,
    /// One text line, built in place (no allocation per line).
    buf: String,
    /// `--max-operations-between`: a step needing more is a violation.
    max_operations: Option<u8>,
    /// Explanations already worked out, by (last pair, actions in flight,
    /// next pair): a trace repeats the same few steps, and working one out
    /// costs microseconds. Emptied when it grows past `EXPLAINED_MAX`, so
    /// memory stays flat however long the trace.
    explained: HashMap<(Pair, u64, Pair), Option<Explanation>>,
}

/// The most explanations [`Report::explained`] keeps.
const EXPLAINED_MAX: usize = 1 << 14;

impl Report<'_> {
    /// The JSON object's opening, written with the first operation (or at
    /// the end), so that an error before it leaves only the error object.
    fn open_json(&mut self) -> Result<(), Fail> {
        write!(
            self.out,
            "{{\"driver\": {}, \"operations\": [",
            json!(self.driver.as_str())
        )?;
        self.opened = true;
        Ok(())
    }

    /// Writes one text line ("  ", the server's id in a fleet, what `fill`
    /// writes, trailing spaces trimmed); nothing in JSON.
    fn line_with(&mut self, fill: impl FnOnce(&mut String)) -> Result<(), Fail> {
        if self.json {
            return Ok(());
        }
        let buf = &mut self.buf;
        buf.clear();
        buf.push_str("  ");
        if let Some(tag) = &self.tag {
            buf.push_str(tag);
            buf.push(' ');
        }
        fill(buf);
        buf.truncate(buf.trim_end().len());
        buf.push('\n');
        self.out.write_all(buf.as_bytes())?;
        Ok(())
    }

    fn line(&mut self, text: &str) -> Result<(), Fail> {
        self.line_with(|b| b.push_str(text))
    }

    fn operation(&mut self, run: &OpRun, to: Option<&str>) -> Result<(), Fail> {
        if self.json && self.hold {
            self.held.push(run.json(to).to_string());
        } else if self.json {
            if !self.opened {
                self.open_json()?;
            }
            let sep = if self.operations == 0 { "" } else { "," };
            write!(self.out, "{sep}\n    {}", run.json(to))?;
        } else {
            let text = run.text(to);
            self.line_with(|b| {
                b.push_str("-> ");
                b.push_str(&text);
            })?;
        }
        self.operations += 1;
        Ok(())
    }
}

/// Spaces after the text in `buf`, up to `width` bytes from byte `from`
/// (the text is ASCII: labels are escaped, names are Nova's).
fn pad_to(buf: &mut String, from: usize, width: usize) {
    const SPACES: &str = "                                                            ";
    let want = (from + width).saturating_sub(buf.len());
    let mut left = want;
    while left > 0 {
        let n = left.min(SPACES.len());
        buf.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// `text`, escaped as [`escaped`] does, borrowed when there is nothing to
/// escape (the common case: no allocation).
fn shown_label(text: &str) -> Cow<'_, str> {
    if text.bytes().all(|b| b.is_ascii() && !b.is_ascii_control()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(escaped(text))
    }
}

pub(crate) fn trace(
    input: BufReader<Box<dyn Read>>,
    source: &str,
    as_json: bool,
    driver: Driver,
    options: ReadOptions,
    max_operations: Option<u8>,
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
        opened: false,
        hold: false,
        held: Vec::new(),
        tag: None,
        buf: String::with_capacity(160),
        max_operations,
        explained: HashMap::new(),
    };
    match follow_trace(input, source, options, &mut report) {
        // An error after the JSON object was opened closes it with the
        // error, so that standard output stays one JSON value.
        Err(Fail::Unreadable(e)) if report.opened => {
            let error = json!({"message": e.message, "line": e.at.map(|p| p.line), "column": e.at.map(|p| p.column)});
            writeln!(report.out, "\n  ], \"error\": {error}}}")?;
            Err(Fail::Reported)
        }
        other => other,
    }
}

/// Everything the trace keeps for one server: its validator, the operation
/// in flight, counts, and the violations found (memory per server, not per
/// observation, but for the violations and, in JSON with ids, the
/// operations, which are output).
pub(crate) struct ServerTrace {
    v: Validator,
    tracker: CaptureTracker,
    violations: Vec<Value>,
    unknown: Vec<Value>,
    first_violation: Option<String>,
    run: Option<OpRun>,
    observations: usize,
    accepted: usize,
    /// The input's gap count when this server was last seen: a `...`
    /// since then is a gap in its trace.
    gaps_seen: u64,
    /// The last time seen (a label or `updated`), and its label when it is
    /// an instant (to say which one a later time goes back before).
    last_stamp: Option<Stamp>,
    last_instant: String,
    /// Operations ended, and (JSON with ids) held until the end.
    operations: usize,
    held: Vec<String>,
    /// Notifications placed as observations.
    notifications: usize,
    /// Observations found impossible.
    impossible: usize,
    /// (JSON) each step's fewest operations, for steps that change the pair.
    steps: Vec<Value>,
}

impl ServerTrace {
    fn new(driver: Driver) -> ServerTrace {
        ServerTrace {
            v: Validator::new(),
            tracker: CaptureTracker::new(driver),
            violations: Vec::new(),
            unknown: Vec::new(),
            first_violation: None,
            run: None,
            observations: 0,
            accepted: 0,
            gaps_seen: 0,
            last_stamp: None,
            last_instant: String::new(),
            operations: 0,
            held: Vec::new(),
            notifications: 0,
            impossible: 0,
            steps: Vec::new(),
        }
    }

    fn legal(&self) -> bool {
        self.violations.is_empty() && self.first_violation.is_none()
    }

    /// The end of this server's trace: the operation still running.
    fn close(&mut self, report: &mut Report<'_>) -> Result<(), Fail> {
        if let Some(r) = self.run.take() {
            report.operation(&r, None)?;
        }
        Ok(())
    }

    /// "N observations (unknown names)".
    fn counted(&self) -> String {
        let counted = match self.observations {
            1 => "1 observation".to_string(),
            n => format!("{n} observations"),
        };
        let unchecked = match self.unknown.len() {
            0 => String::new(),
            1 => " (1 with a name unknown to this model, not checked)".to_string(),
            n => format!(" ({n} with names unknown to this model, not checked)"),
        };
        let impossible = match self.impossible {
            0 => String::new(),
            n => format!(", {n} impossible"),
        };
        counted + &impossible + &unchecked
    }

    /// The keys after `operations` in the single server's JSON object.
    fn json_rest(&self) -> Value {
        let legal = self.legal();
        let mut rest = json!({"steps": self.steps, "violations": self.violations,
                              "observations": self.observations, "legal": legal});
        if !self.unknown.is_empty() {
            rest["unknown_names"] = json!(self.unknown);
        }
        rest
    }

    /// Checks one observation (a document or a polling line) and writes
    /// its line.
    fn observe(&mut self, record: &Record, gaps: u64, report: &mut Report<'_>) -> Result<(), Fail> {
        let driver = report.driver;
        let (doc, label, at, updated) = match record {
            Record::Gap | Record::List(..) => return Ok(()),
            Record::Json(d, at) => (&d.doc, None, *at, d.updated.as_deref()),
            Record::Line(doc, label, at) => (doc, label.as_deref(), *at, None),
        };
        let seen = observation(doc, record, at)?;
        self.observations += 1;
        let notice = match record {
            Record::Json(d, _) => d.notice,
            _ => None,
        };
        let label = match (notice, label, updated) {
            (Some(n), _, _) => Cow::Owned(format!("instance.{}.{}", n.event.0.name, n.event.1)),
            (None, Some(l), _) | (None, None, Some(l)) => shown_label(l),
            (None, None, None) => Cow::Owned(format!("#{}", self.observations)),
        };
        let label: &str = &label;
        self.notifications += usize::from(notice.is_some());
        if let (Some(n), Seen::Known(obs)) = (notice, &seen) {
            notified(&mut self.v, n, obs);
        }
        // Time must not go backwards (a time of day may wrap past midnight).
        if let Some(stamp) = updated
            .or(match record {
                Record::Line(_, l, _) => l.as_deref(),
                _ => None,
            })
            .and_then(Stamp::parse)
        {
            if let (Some(Stamp::Instant(before)), Stamp::Instant(now)) = (self.last_stamp, stamp) {
                if now < before {
                    return Err(Fail::Unreadable(ReadError {
                        message: format!(
                            "time goes backwards: {label} comes after {}",
                            self.last_instant
                        ),
                        at: Some(at),
                    }));
                }
            }
            if let Stamp::Instant(_) = stamp {
                self.last_instant.clear();
                self.last_instant.push_str(label);
            }
            self.last_stamp = Some(stamp);
        }
        if self.gaps_seen != gaps {
            self.gaps_seen = gaps;
            report.line("...")?;
        }
        // The same checks as explain: a document Nova cannot produce is an
        // impossible observation.
        let inconsistent = match record {
            Record::Json(d, _) => d.doc.assess().err().map(|e| e.to_string()),
            _ => None,
        };
        // Where the validator stood before this observation: the step's
        // explanation starts there.
        let before = self.v;
        let placed = match (inconsistent, &seen) {
            (Some(e), seen) => Err((seen.shown(), format!("INCONSISTENT document: {e}"))),
            (None, Seen::Known(obs)) => self
                .v
                .observe(*obs)
                .map(|step| (*obs, step))
                .map_err(|e| (seen.shown(), e.to_string())),
            (None, Seen::Candidates { vms, obs }) => {
                match self
                    .v
                    .observe_candidates(*vms, obs.task, obs.power, obs.status)
                {
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
                                seen.shown_as(label),
                                vm_names(candidates).join(", ")
                            )
                            .trim_end(),
                        )?;
                        // The operation is seen even if the vm_state is not:
                        // it runs until a placed observation ends it.
                        if !in_flight.is_empty() {
                            let accepted = self.accepted;
                            let run = self.run.get_or_insert_with(|| OpRun {
                                action: in_flight,
                                first: accepted,
                                from: label.to_string(),
                                phases: Vec::new(),
                                capture: None,
                                between_polls: false,
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
                        return Ok(());
                    }
                    Err(e) => Err((seen.shown(), e.to_string())),
                }
            }
            (None, Seen::Unknown { what, .. }) => {
                report.line(&format!(
                    "{:<58} not checked: {what} is unknown to this model (a newer Nova?); \
                     the next observation is checked as across a gap",
                    seen.shown_as(label)
                ))?;
                self.unknown.push(json!({"at": label, "name": what}));
                return Ok(());
            }
        };
        match placed {
            Ok((obs, step)) => {
                let why = step_explanation(&before, &obs, &mut report.explained);
                let index = self.accepted;
                self.accepted += 1;
                self.tracker.feed(index, &obs, &step);
                // A run opened by observations whose vm_state could not be
                // placed ends at the next placed one without a task.
                let unplaced_end = step.kind == StepKind::Unchanged && obs.task.is_none();
                let ended = match (unplaced_end, self.run.take()) {
                    (true, Some(r)) => Some(r),
                    (_, r) => {
                        self.run = r;
                        None
                    }
                };
                report.line_with(|b| {
                    let from = b.len();
                    b.push_str(label);
                    pad_to(b, from, 10);
                    b.push(' ');
                    let at = b.len();
                    b.push_str(nova_states::status(obs.vm, obs.task).as_str());
                    pad_to(b, at, 17);
                    b.push(' ');
                    b.push_str(obs.vm.as_str());
                    b.push('/');
                    b.push_str(TaskState::name_or_null(obs.task));
                    pad_to(b, from, 58);
                    b.push(' ');
                    match &ended {
                        Some(r) => {
                            b.push_str(&r.names(" or "));
                            b.push_str(" ended");
                        }
                        None => {
                            match &why {
                                Some(w) if !w.is_obvious() => b.push_str(&explanation_text(w)),
                                _ => describe_into(b, &step, &obs),
                            }
                            if notice.is_some_and(|n| n.event.1 == nova_states::read::Phase::Error)
                            {
                                // Nova sends .error before it reverts the
                                // task or sets the vm_state to error.
                                b.push_str(
                                    "; failed here (an .error carries the state from before the failure)",
                                );
                            }
                        }
                    }
                })?;
                if let Some(w) = &why {
                    if report.json {
                        self.steps.push(explanation_json(label, w));
                    }
                    if let Some(message) = too_many(w, report.max_operations) {
                        report.line(&format!("{:<58} VIOLATION: {message}", ""))?;
                        self.first_violation
                            .get_or_insert_with(|| format!("VIOLATION: {label}: {message}"));
                        if report.json {
                            self.violations
                                .push(json!({"at": label, "message": message}));
                        }
                    }
                }
                if let Some(r) = ended {
                    report.operation(&r, Some(label))?;
                }
                follow(&mut self.run, &step, &obs, label, index, report)?;
                // The capture belongs to the run in flight when it happened.
                if let (Some(r), Some(by)) = (self.run.as_mut(), self.tracker.window().by) {
                    let images = r.action.iter().any(|a| a.disk_capture(driver).is_some());
                    if r.capture.is_none() && images && by >= r.first && by == index {
                        r.capture = Some(label.to_string());
                    }
                }
            }
            Err((shown, message)) => {
                report.line_with(|b| {
                    let from = b.len();
                    b.push_str(label);
                    pad_to(b, from, 10);
                    b.push(' ');
                    b.push_str(&shown);
                    pad_to(b, from, 58);
                    b.push_str(" IMPOSSIBLE: ");
                    b.push_str(&message);
                })?;
                self.first_violation
                    .get_or_insert_with(|| format!("IMPOSSIBLE: {label}: {message}"));
                if report.json {
                    self.violations
                        .push(json!({"at": label, "message": message}));
                }
                self.impossible += 1;
                // Go on from what was observed, when Nova can be there: the
                // next observation is checked from it, not from before it,
                // and is no "first observation".
                if let Some(fresh) = resync(&seen) {
                    if let Some(r) = self.run.take() {
                        report.operation(&r, Some(label))?;
                    }
                    self.v = fresh;
                    self.accepted += 1;
                }
            }
        }
        Ok(())
    }
}

/// Which servers the input holds, decided by its first observation.
enum Servers {
    /// Not decided yet: no observation read.
    Undecided,
    /// Observations without ids (polling lines, documents without `id`):
    /// one server.
    One(Box<ServerTrace>),
    /// Documents with ids: one trace per id, in the order first seen.
    ById {
        index: HashMap<String, usize>,
        traces: Vec<(String, ServerTrace)>,
    },
}

/// The id an observation names, if any.
fn record_id(record: &Record) -> Option<&str> {
    match record {
        Record::Json(d, _) => d.id.as_deref(),
        Record::Line(..) | Record::List(..) | Record::Gap => None,
    }
}

fn record_at(record: &Record) -> Option<Position> {
    match record {
        Record::Json(_, at) | Record::List(_, at) | Record::Line(_, _, at) => Some(*at),
        Record::Gap => None,
    }
}

/// Routes one observation to its server's trace.
///
/// The first observation decides: with an id, every later one must have one
/// too (each server is followed by its id); without, none may (one server).
/// A mix is an error at the observation that breaks the rule, not a guess.
fn route(
    servers: &mut Servers,
    record: &Record,
    gaps: u64,
    report: &mut Report<'_>,
) -> Result<(), Fail> {
    let id = record_id(record);
    if let Servers::Undecided = servers {
        *servers = match id {
            None => Servers::One(Box::new(ServerTrace::new(report.driver))),
            Some(_) => {
                report.hold = report.json;
                Servers::ById {
                    index: HashMap::new(),
                    traces: Vec::new(),
                }
            }
        };
    }
    let mixed = |message: String| {
        Fail::Unreadable(ReadError {
            message,
            at: record_at(record),
        })
    };
    match (servers, id) {
        (Servers::One(trace), None) => trace.observe(record, gaps, report),
        (Servers::One(_), Some(id)) => Err(mixed(format!(
            "a document with id {} after observations without one: with several servers \
             every observation must name its server (its id); without ids the input is one \
             server's trace",
            escaped(id)
        ))),
        (Servers::ById { .. }, None) => Err(mixed(
            "an observation without an id after documents with ids: every observation must \
             name its server (its id) once one does"
                .to_string(),
        )),
        (Servers::ById { index, traces }, Some(id)) => {
            let at = match index.get(id) {
                Some(&at) => at,
                None => {
                    let at = traces.len();
                    index.insert(id.to_string(), at);
                    traces.push((id.to_string(), ServerTrace::new(report.driver)));
                    if at == 1 && !report.json {
                        let (first, second) = (escaped(&traces[0].0), escaped(id));
                        report.line(&format!(
                            "(a second server, {second}: from here on each line starts with \
                             its server's id; the lines above are {first}'s)"
                        ))?;
                    }
                    at
                }
            };
            let fleet = traces.len() > 1;
            let Some((id, trace)) = traces.get_mut(at) else {
                return Ok(());
            };
            if fleet && !report.json {
                let tag = report.tag.get_or_insert_with(String::new);
                tag.clear();
                tag.push_str(&shown_label(id));
            }
            // The report counts and holds this server's operations.
            report.operations = trace.operations;
            std::mem::swap(&mut report.held, &mut trace.held);
            let result = trace.observe(record, gaps, report);
            trace.operations = report.operations;
            std::mem::swap(&mut report.held, &mut trace.held);
            result
        }
        (Servers::Undecided, _) => Ok(()),
    }
}

pub(crate) fn follow_trace(
    input: BufReader<Box<dyn Read>>,
    source: &str,
    options: ReadOptions,
    report: &mut Report<'_>,
) -> Result<u8, Fail> {
    let mut records = Records::with_options(input, options);
    let mut servers = Servers::Undecided;
    // `...` lines so far: a server's trace has a gap when one came since
    // it was last seen.
    let mut gaps = 0u64;
    loop {
        // Before waiting for more input, show what is done (a poller piped
        // in sees each verdict as its line arrives).
        if !records.has_pending_lines() && records.get_ref().buffer().is_empty() {
            report.out.flush()?;
        }
        // The record is looked at where the reader put it (a record is a few
        // hundred bytes: not copied again for each step).
        let mut next = records.next();
        match &mut next {
            None => break,
            Some(Err(e)) => return Err(Fail::Unreadable(e.clone())),
            Some(Ok(Record::Gap)) => gaps += 1,
            // A list is one poll of several servers (`GET /servers/detail`,
            // `openstack server list --long -f json`): each element is an
            // observation of its server, told apart by its id. A list of
            // one without an id is that server's observation (a list
            // filtered to it, `openstack server list --name ...`).
            Some(Ok(Record::List(docs, at))) => {
                let (docs, at) = (std::mem::take(docs), *at);
                let one = docs.len() == 1;
                for (n, doc) in docs.into_iter().enumerate() {
                    if doc.id.is_none() && !one {
                        return Err(Fail::Unreadable(ReadError {
                            message: format!(
                                "server {} of the list has no id: in a list of several servers \
                                 each is followed by its id (id, or ID in openstack server list)",
                                n + 1
                            ),
                            at: Some(at),
                        }));
                    }
                    route(&mut servers, &Record::Json(doc, at), gaps, report)?;
                }
            }
            Some(Ok(record)) => {
                route(&mut servers, record, gaps, report)?;
                records.recycle(record);
            }
        }
    }
    let skipped = records.skipped().clone();
    let none = || {
        let why = match skipped.total() {
            0 => String::new(),
            n => format!(" ({n} notifications of other kinds skipped)"),
        };
        unreadable(format!("no observations in {source}{why}"))
    };
    match servers {
        Servers::Undecided => Err(none()),
        Servers::One(mut trace) => {
            trace.close(report)?;
            finish_one(&trace, report, &skipped)
        }
        Servers::ById { mut traces, .. } if traces.len() == 1 => {
            let Some((_, trace)) = traces.get_mut(0) else {
                return Err(none());
            };
            report.operations = trace.operations;
            report.held = std::mem::take(&mut trace.held);
            trace.close(report)?;
            if report.json {
                // The same object as a trace without ids, written now.
                let held = std::mem::take(&mut report.held);
                report.open_json()?;
                for (n, op) in held.iter().enumerate() {
                    let sep = if n == 0 { "" } else { "," };
                    write!(report.out, "{sep}\n    {op}")?;
                }
                report.operations = held.len();
            }
            finish_one(trace, report, &skipped)
        }
        Servers::ById { mut traces, .. } => finish_fleet(&mut traces, report, &skipped),
    }
}

/// The end of a one-server trace: the JSON object's remaining keys, or the
/// text's summary.
fn finish_one(trace: &ServerTrace, report: &mut Report<'_>, skipped: &Skipped) -> Result<u8, Fail> {
    let legal = trace.legal();
    if report.json && !report.opened {
        report.open_json()?;
    }
    let operations = report.operations;
    let out = &mut *report.out;
    if report.json {
        let mut rest = trace.json_rest();
        // Said for every notification stream, so a consumer can tell none
        // were skipped from a stream that held none.
        if let (Some(skipped), Some(map)) = (
            skipped_json(skipped, trace.notifications),
            rest.as_object_mut(),
        ) {
            map.insert("skipped_notifications".into(), skipped);
        }
        let rest = rest.to_string();
        // The remaining keys of the object opened above.
        writeln!(out, "\n  ], {}", rest.trim_start_matches('{'))?;
    } else {
        if operations == 0 {
            writeln!(out, "  no operation seen")?;
        }
        let counted = trace.counted();
        match &trace.first_violation {
            None => writeln!(out, "\n{counted}; every step is one Nova can take")?,
            Some(v) => writeln!(out, "\n{counted}; {v}")?,
        }
        skipped_text(skipped, out)?;
    }
    Ok(if legal { 0 } else { 1 })
}

/// The notifications skipped, for JSON: when any was skipped or placed.
fn skipped_json(skipped: &Skipped, placed: usize) -> Option<Value> {
    (skipped.total() > 0 || placed > 0).then(|| {
        json!({"count": skipped.total(), "other": skipped.other,
               "unmapped": skipped.unmapped})
    })
}

/// The notifications skipped, as the text's last line (none: nothing).
fn skipped_text(skipped: &Skipped, out: &mut Out) -> Result<(), Fail> {
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
    Ok(())
}

/// The end of a fleet's trace: each server's operations still running,
/// then one JSON object (`legal`, `servers`), or a text section per server.
fn finish_fleet(
    traces: &mut [(String, ServerTrace)],
    report: &mut Report<'_>,
    skipped: &Skipped,
) -> Result<u8, Fail> {
    let mut illegal = 0usize;
    let mut observations = 0usize;
    for (id, trace) in traces.iter_mut() {
        if !report.json {
            let tag = report.tag.get_or_insert_with(String::new);
            tag.clear();
            tag.push_str(&shown_label(id));
        }
        report.operations = trace.operations;
        std::mem::swap(&mut report.held, &mut trace.held);
        trace.close(report)?;
        trace.operations = report.operations;
        std::mem::swap(&mut report.held, &mut trace.held);
        illegal += usize::from(!trace.legal());
        observations += trace.observations;
    }
    let legal = illegal == 0;
    let placed = traces.iter().map(|(_, t)| t.notifications).sum();
    let out = &mut *report.out;
    if report.json {
        let skipped = match skipped_json(skipped, placed) {
            Some(s) => format!("\"skipped_notifications\": {s}, "),
            None => String::new(),
        };
        write!(
            out,
            "{{\"driver\": {}, \"legal\": {legal}, \"observations\": {observations}, {skipped}\"servers\": [",
            json!(report.driver.as_str())
        )?;
        for (n, (id, trace)) in traces.iter().enumerate() {
            let sep = if n == 0 { "" } else { "," };
            write!(
                out,
                "{sep}\n  {{\"id\": {}, \"legal\": {}, \"observations\": {}, \"operations\": [",
                json!(id),
                trace.legal(),
                trace.observations
            )?;
            for (k, op) in trace.held.iter().enumerate() {
                let sep = if k == 0 { "" } else { "," };
                write!(out, "{sep}\n    {op}")?;
            }
            let unknown = if trace.unknown.is_empty() {
                String::new()
            } else {
                format!(", \"unknown_names\": {}", json!(trace.unknown))
            };
            write!(
                out,
                "], \"steps\": {}, \"violations\": {}{unknown}}}",
                json!(trace.steps),
                json!(trace.violations)
            )?;
        }
        writeln!(out, "\n]}}")?;
    } else {
        writeln!(out)?;
        for (id, trace) in traces.iter() {
            let ops = match trace.operations {
                0 => "no operation seen".to_string(),
                1 => "1 operation".to_string(),
                n => format!("{n} operations"),
            };
            let verdict = match &trace.first_violation {
                None => "every step is one Nova can take".to_string(),
                Some(v) => v.clone(),
            };
            writeln!(
                out,
                "server {}: {}, {ops}; {verdict}",
                shown_label(id),
                trace.counted()
            )?;
        }
        let servers = traces.len();
        match illegal {
            0 => writeln!(
                out,
                "\n{servers} servers, {observations} observations; every step of every server is one Nova can take"
            )?,
            n => writeln!(
                out,
                "\n{servers} servers, {observations} observations; violations (an impossible step, or one over --max-operations-between) in {n} of them"
            )?,
        }
        skipped_text(skipped, out)?;
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

/// What a step means, as the trace's line says it, written at the end of
/// `buf` (no allocation of its own).
/// A validator standing at an observation found impossible, when its
/// (vm_state, task_state) pair is one Nova can be in (a wrong status, a
/// step nothing leads to): the trace goes on from there.
pub(crate) fn resync(seen: &Seen) -> Option<Validator> {
    let Seen::Known(obs) = seen else { return None };
    let mut fresh = Validator::new();
    fresh
        .observe(Observation {
            status: None,
            ..*obs
        })
        .ok()?;
    Some(fresh)
}

/// The fewest operations from where the validator stood (`before` this
/// observation) to `obs`, when it had seen one and the pair changed.
pub(crate) fn step_explanation(
    before: &Validator,
    obs: &Observation,
    explained: &mut HashMap<(Pair, u64, Pair), Option<Explanation>>,
) -> Option<Explanation> {
    let last = before.last()?;
    if last == obs.pair() {
        return None;
    }
    let key = (last, before.current().bits(), obs.pair());
    if let Some(why) = explained.get(&key) {
        return *why;
    }
    if explained.len() >= EXPLAINED_MAX {
        explained.clear();
    }
    let why = before.explain(obs.pair());
    explained.insert(key, why);
    why
}

/// A step's explanation in words: "resize failed at resize_migrating,
/// leaving active/null, then shelve (ended shelved_offloaded)", flagged
/// when only a failure or an admin reset explains it.
pub(crate) fn explanation_text(why: &Explanation) -> String {
    let ops: Vec<String> = why.operations().map(|op| op.to_string()).collect();
    let mut text = match why.len() {
        0 | 1 => ops.join(""),
        n => format!("{n} operations at least: {}", ops.join(", then ")),
    };
    if why.only_by_failure_or_reset() {
        text.push_str(" [only a failure or an admin reset explains this step]");
    }
    text
}

/// A step's entry in the JSON output.
pub(crate) fn explanation_json(at: &str, why: &Explanation) -> Value {
    let ops: Vec<Value> = why.operations().map(|op| operation_json(&op)).collect();
    json!({
        "at": at,
        "min_operations": why.len(),
        "explanation": ops,
        "only_by_failure_or_reset": why.only_by_failure_or_reset(),
    })
}

fn operation_json(op: &Operation) -> Value {
    let to = op.to();
    let to = format!("{}/{}", to.vm, TaskState::name_or_null(to.task));
    let text = op.to_string();
    match *op {
        Operation::Action {
            action,
            origin,
            end,
            ..
        } => {
            let origin = match origin {
                Origin::Accepted => "accepted",
                Origin::InFlight => "in_flight",
                Origin::HandedOver => "handed_over",
            };
            let (end, failed_at) = match end {
                RunEnd::Succeeded => ("succeeded", None),
                RunEnd::Unfinished => ("unfinished", None),
                RunEnd::Failed { phase } => (
                    "failed",
                    action
                        .failure_phases()
                        .get(usize::from(phase))
                        .map(|row| match row.at {
                            FailurePoint::At(task) => task.as_str(),
                            FailurePoint::Api => "api",
                            FailurePoint::NoTask => "null",
                        }),
                ),
            };
            json!({"operation": action.as_str(), "origin": origin, "end": end,
                   "failed_at": failed_at, "to": to, "text": text})
        }
        Operation::PowerSync { .. } => json!({"operation": "power_sync", "to": to, "text": text}),
        Operation::ComputeRestart { fails, .. } => {
            json!({"operation": "compute_restart", "fails": fails, "to": to, "text": text})
        }
        Operation::ResetState(_) => json!({"operation": "reset_state", "to": to, "text": text}),
    }
}

/// The strict mode's verdict on a step: more operations than allowed.
pub(crate) fn too_many(why: &Explanation, max: Option<u8>) -> Option<String> {
    let max = max?;
    (why.len() > max).then(|| {
        format!(
            "{} operations at least between two polls, more than --max-operations-between {max}",
            why.len()
        )
    })
}

pub(crate) fn describe_into(buf: &mut String, step: &Step, obs: &Observation) {
    let ops = |buf: &mut String| {
        for (n, a) in step.operations.iter().enumerate() {
            if n > 0 {
                buf.push_str(" or ");
            }
            buf.push_str(a.as_str());
        }
    };
    let none = step.operations.is_empty();
    match step.kind {
        StepKind::First if none => buf.push_str("first observation"),
        StepKind::First => {
            buf.push_str("first observation: ");
            ops(buf);
            buf.push_str(" in flight");
        }
        StepKind::Unchanged => {}
        StepKind::Progress => {
            if step.new_operation {
                buf.push_str("start ");
            }
            ops(buf);
            if let Some((n, m)) = step.phase {
                let _ = write!(buf, " phase {n} of {m}");
            }
            buf.push_str(" (");
            buf.push_str(TaskState::name_or_null(obs.task));
            buf.push(')');
        }
        StepKind::Ended => {
            ops(buf);
            buf.push_str(" ended");
        }
        StepKind::Jumped if none => buf.push_str("changed between polls"),
        StepKind::Jumped => {
            ops(buf);
            buf.push_str(" happened between polls");
        }
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
                    between_polls: false,
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
            // No single action explains the step ("changed between polls"):
            // no operation to name; the step's line says what does.
            if step.operations.is_empty() {
                return Ok(());
            }
            let jumped = OpRun {
                action: step.operations,
                first: at,
                from: label.to_string(),
                phases: Vec::new(),
                capture: None,
                between_polls: true,
            };
            report.operation(&jumped, Some(label))?;
        }
        _ => {}
    }
    Ok(())
}
