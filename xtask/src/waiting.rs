//! docs/waiting.md: each client's wait loop ([`crate::clients::ROWS`]) run
//! against every path of the relation from the action's first write (the
//! same paths the waiter's exhaustive test walks, from
//! `tests/support/wait_paths.rs`), polled without gaps and with every
//! pattern of gaps, beside what [`Waiter`] answers on the same polls.

use std::collections::HashMap;
use std::fmt::{self, Write};

use nova_states::machine::{WaitAnswer, WaitProgress, Waiter};
use nova_states::{status, Action, Microversion, Pair, TaskState, VmState};
use nova_states_cli::render::docs;

use crate::clients::{Client, Gone, Row, Stage, ROWS};

/// The path enumerator shared with the waiter's exhaustive test.
#[path = "../../tests/support/wait_paths.rs"]
pub mod wait_paths;

use wait_paths::{End, Path};

/// The longest path walked (the exhaustive waiter test's bound).
pub const MAX: usize = wait_paths::MAX_PAIRS;

// The polls of a path are a bit mask of a u32 (and a stack buffer of 32).
const _: () = assert!(MAX < 32);

/// What a client's loop concludes, with the index (in the path) of the
/// observation it concluded at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// It reports success.
    Success(usize),
    /// It reports failure (an error status, an unexpected state, a 404).
    Failure(usize),
    /// It never concludes: it polls until its timeout.
    Hang,
}

/// A wrong answer of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mistake {
    /// It never concludes (and times out) although the action ended.
    Hang,
    /// It reports success on a path that failed (a failure row, a compute
    /// restart, a concurrent delete) and whose end the [`Waiter`] tells
    /// from a success.
    SuccessOnFailure,
    /// It reports success on a path whose failure leaves the very state a
    /// success leaves (the [`Waiter`] answers done too, saying a fault may
    /// be recorded): the status cannot tell, only `fault` can.
    SuccessOnFault,
    /// It reports failure on a path that ends in success.
    FailureOnSuccess,
    /// It reports success before the action ended, on a success path.
    EarlySuccess,
    /// It reports failure while the action is still running, on a path
    /// that fails later.
    EarlyFailure,
}

impl Mistake {
    /// Every kind, in the page's order.
    pub const ALL: [Mistake; 6] = [
        Mistake::Hang,
        Mistake::SuccessOnFailure,
        Mistake::SuccessOnFault,
        Mistake::FailureOnSuccess,
        Mistake::EarlySuccess,
        Mistake::EarlyFailure,
    ];

    /// The column title.
    pub const fn title(self) -> &'static str {
        match self {
            Mistake::Hang => "hangs",
            Mistake::SuccessOnFailure => "success on a failure",
            Mistake::SuccessOnFault => "success on a failure that ends in the success state",
            Mistake::FailureOnSuccess => "failure on a success",
            Mistake::EarlySuccess => "success before the end",
            Mistake::EarlyFailure => "failure before the end",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How a stage reads one observation: `Some(true)` the stage succeeded,
/// `Some(false)` it failed, `None` it keeps polling.
fn stage_reads(stage: &Stage, pair: Pair) -> Option<bool> {
    let (s, task) = if pair.vm == VmState::Deleted {
        match stage.gone {
            Gone::Success => return Some(true),
            Gone::Failure => return Some(false),
            Gone::Wait => return None,
            Gone::Status(s) => (s, None),
        }
    } else {
        (status(pair.vm, pair.task), pair.task)
    };
    if stage.target.contains(&s) && (!stage.task_null || task.is_none()) {
        return Some(true);
    }
    if stage.failures.contains(&s) {
        return Some(false);
    }
    match stage.pending {
        Some(pending) if !pending.contains(&s) && !stage.target.contains(&s) => Some(false),
        _ => None,
    }
}

/// Runs `row`'s loop over the observations `seen` (indices into `pairs`,
/// increasing; the last one is the path's end, which stays on the screen).
/// A stage that ends re-reads the same observation in the next stage (a
/// fresh GET sees the same state until the next write).
pub fn run(row: &Row, pairs: &[Pair], seen: &[usize]) -> Verdict {
    let mut stage = 0;
    for &i in seen {
        let Some(pair) = pairs.get(i) else { break };
        while let Some(current) = row.stages.get(stage) {
            match stage_reads(current, *pair) {
                Some(true) => {
                    stage += 1;
                    if stage == row.stages.len() {
                        return Verdict::Success(i);
                    }
                }
                Some(false) => return Verdict::Failure(i),
                None => break,
            }
        }
    }
    Verdict::Hang
}

/// The mistake (if any) of `verdict` on `path`, judged against the action
/// (`waiter` tells whether a pair is still in flight; `end` is what it
/// answered after the same observations). A hang where the [`Waiter`]
/// itself ends in progress (a failure left a task set that nothing will
/// finish) is no client's mistake: no one can tell it from a slow action.
pub fn classify(
    path: &Path,
    waiter: &Waiter,
    end: WaitAnswer,
    verdict: Verdict,
) -> Option<Mistake> {
    let last = path.pairs.len().saturating_sub(1);
    let success = path.end == End::Success;
    match verdict {
        Verdict::Hang => end.progress.is_final().then_some(Mistake::Hang),
        Verdict::Success(i) if success && i < last => Some(Mistake::EarlySuccess),
        Verdict::Success(_) if success => None,
        Verdict::Success(_) if end.progress == WaitProgress::Done => Some(Mistake::SuccessOnFault),
        Verdict::Success(_) => Some(Mistake::SuccessOnFailure),
        Verdict::Failure(_) if success => Some(Mistake::FailureOnSuccess),
        Verdict::Failure(i) => {
            let running = path
                .pairs
                .get(i)
                .is_some_and(|p| i < last && waiter.judge(*p).progress == WaitProgress::InProgress);
            running.then_some(Mistake::EarlyFailure)
        }
    }
}

/// One example of a mistake.
#[derive(Debug, Clone)]
pub struct Case {
    /// The start vm_state.
    pub start: VmState,
    /// The microversion the path was walked at.
    pub version: Microversion,
    /// The path.
    pub path: Path,
    /// The observations the client made (indices into the path).
    pub seen: Vec<usize>,
    /// What the client concluded.
    pub verdict: Verdict,
    /// What the [`Waiter`] answered at the client's conclusion (or, for a
    /// hang, at the end), fed the same observations.
    pub waiter_there: WaitAnswer,
    /// What the [`Waiter`] answered at the end.
    pub waiter_end: WaitAnswer,
}

impl Case {
    /// Whether the client skipped some pairs.
    pub fn gaps(&self) -> bool {
        self.seen.len() < self.path.pairs.len()
    }
}

/// A row, measured.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The row.
    pub row: &'static Row,
    /// How many paths were walked (all starts).
    pub paths: usize,
    /// Paths where a failure leaves a task set that nothing finishes and
    /// the client polls on, like the [`Waiter`] (not counted as hangs).
    pub stalls: usize,
    /// Per [`Mistake`]: paths where it happens with every pair polled.
    pub always: [usize; 6],
    /// Per [`Mistake`]: paths where it happens only when polls skip pairs.
    pub gaps_only: [usize; 6],
    /// Per [`Mistake`]: one example per path, shortest first.
    pub cases: [Vec<Case>; 6],
}

impl Measured {
    /// Whether the client answers right on every path and every polling.
    pub fn exact(&self) -> bool {
        self.always
            .iter()
            .chain(self.gaps_only.iter())
            .all(|n| *n == 0)
    }

    /// The paths with `mistake` (every pair polled, only with gaps).
    pub fn count(&self, mistake: Mistake) -> (usize, usize) {
        (
            self.always.get(mistake.index()).copied().unwrap_or(0),
            self.gaps_only.get(mistake.index()).copied().unwrap_or(0),
        )
    }

    /// The examples of `mistake`.
    pub fn cases(&self, mistake: Mistake) -> &[Case] {
        self.cases.get(mistake.index()).map_or(&[], Vec::as_slice)
    }
}

/// Every (start, version) path set, walked once.
#[derive(Debug, Default)]
pub struct Paths(HashMap<(Action, VmState, Microversion), Vec<Path>>);

impl Paths {
    fn get(&mut self, action: Action, start: VmState, version: Microversion) -> &[Path] {
        self.0
            .entry((action, start, version))
            .or_insert_with(|| wait_paths::paths(action, start, version, MAX))
    }
}

fn waiter_on(
    waiter: Waiter,
    path: &Path,
    seen: &[usize],
    at: Option<usize>,
) -> (WaitAnswer, WaitAnswer) {
    let mut w = waiter;
    let mut there = None;
    let mut last = None;
    for &i in seen {
        let Some(p) = path.pairs.get(i) else { break };
        let a = w.observe(p.vm, p.task);
        last = Some(a);
        if Some(i) == at {
            there = Some(a);
        }
    }
    let fallback = w.judge(path.pairs.last().copied().unwrap_or(Pair {
        vm: VmState::Error,
        task: None,
    }));
    let last = last.unwrap_or(fallback);
    (there.unwrap_or(last), last)
}

/// Measures one row over every path of every start it sends the action
/// from.
pub fn measure(row: &'static Row, paths: &mut Paths) -> Measured {
    let mut m = Measured {
        row,
        paths: 0,
        stalls: 0,
        always: [0; 6],
        gaps_only: [0; 6],
        cases: Default::default(),
    };
    for start in row.starts() {
        for version in wait_paths::versions(row.action, start) {
            let waiter = Waiter::at(row.action, start, version);
            for path in paths.get(row.action, start, version) {
                m.paths += 1;
                let n = path.pairs.len();
                let last = n - 1;
                // Per mistake: (with every pair polled, an example).
                let mut found: [Option<(bool, Vec<usize>, Verdict)>; 6] = Default::default();
                // Every sub-sequence ending with the end (the end stays on
                // the screen, so a poller sees it); the full one first.
                let masks = (0u32..(1 << last)).rev();
                let mut buf = [0usize; 32];
                for mask in masks {
                    let mut len = 0;
                    for i in (0..last).filter(|i| mask & (1 << i) != 0).chain([last]) {
                        if let Some(slot) = buf.get_mut(len) {
                            *slot = i;
                            len += 1;
                        }
                    }
                    let seen = buf.get(..len).unwrap_or(&[]);
                    let verdict = run(row, &path.pairs, seen);
                    let (_, end) = waiter_on(waiter, path, seen, None);
                    if verdict == Verdict::Hang && !end.progress.is_final() && seen.len() == n {
                        m.stalls += 1;
                    }
                    let Some(mistake) = classify(path, &waiter, end, verdict) else {
                        continue;
                    };
                    let always = seen.len() == n;
                    let Some(slot) = found.get_mut(mistake.index()) else {
                        continue;
                    };
                    let better = match slot {
                        None => true,
                        Some((was_always, was, _)) => {
                            !*was_always && !always && seen.len() < was.len()
                        }
                    };
                    if better {
                        *slot = Some((always, seen.to_vec(), verdict));
                    }
                }
                for (k, slot) in found.into_iter().enumerate() {
                    let Some((always, seen, verdict)) = slot else {
                        continue;
                    };
                    let counter = if always {
                        m.always.get_mut(k)
                    } else {
                        m.gaps_only.get_mut(k)
                    };
                    if let Some(c) = counter {
                        *c += 1;
                    }
                    let at = match verdict {
                        Verdict::Success(i) | Verdict::Failure(i) => Some(i),
                        Verdict::Hang => None,
                    };
                    let (waiter_there, waiter_end) = waiter_on(waiter, path, &seen, at);
                    if let Some(cases) = m.cases.get_mut(k) {
                        cases.push(Case {
                            start,
                            version,
                            path: path.clone(),
                            seen,
                            verdict,
                            waiter_there,
                            waiter_end,
                        });
                    }
                }
            }
        }
    }
    for cases in &mut m.cases {
        cases.sort_by_key(sort_key);
    }
    m
}

/// Every row, measured.
pub fn measure_all() -> Vec<Measured> {
    let mut paths = Paths::default();
    ROWS.iter().map(|row| measure(row, &mut paths)).collect()
}

fn pair_text(p: Pair) -> String {
    if p.vm == VmState::Deleted {
        format!("{}/{} (404)", p.vm, TaskState::name_or_null(p.task))
    } else {
        format!(
            "{}/{} `{}`",
            p.vm,
            TaskState::name_or_null(p.task),
            status(p.vm, p.task)
        )
    }
}

fn stage_text(stage: &Stage) -> String {
    let names = |list: &[nova_states::ServerStatus]| {
        list.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = if stage.target.is_empty() {
        "gone".to_string()
    } else {
        names(stage.target)
    };
    if stage.task_null {
        out.push_str(" with task null");
    }
    if !stage.failures.is_empty() {
        let _ = write!(out, "; fails on {}", names(stage.failures));
    }
    match stage.pending {
        Some(p) => {
            let _ = write!(out, "; pending {} (anything else fails)", names(p));
        }
        None => out.push_str("; anything else: keeps polling"),
    }
    let gone = match stage.gone {
        Gone::Success => "404: success".to_string(),
        Gone::Failure => "404: fails".to_string(),
        Gone::Wait => "404: keeps polling".to_string(),
        Gone::Status(s) => format!("404 reads as `{s}`"),
    };
    let _ = write!(out, "; {gone}");
    out
}

fn from_text(row: &Row) -> String {
    if row.from.is_empty() {
        "any".to_string()
    } else {
        row.from
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn verdict_text(v: Verdict) -> String {
    match v {
        Verdict::Success(i) => format!("success at #{i}"),
        Verdict::Failure(i) => format!("failure at #{i}"),
        Verdict::Hang => "no verdict: polls until its timeout".to_string(),
    }
}

fn answer_text(a: WaitAnswer) -> String {
    format!("{} ({})", a.progress.as_str(), a.reason)
}

fn end_text(e: End) -> &'static str {
    match e {
        End::Success => "the action succeeded",
        End::Failure => "the action failed",
        End::Restart => "a compute restart cut it short",
        End::Deleted => "a concurrent delete",
    }
}

/// How many examples per row and mistake the page shows.
const EXAMPLES: usize = 3;

/// Writes docs/waiting.md.
///
/// # Errors
/// Only a formatting error (writing to a `String` never raises one).
pub fn waiting_md(out: &mut dyn Write) -> fmt::Result {
    let measured = measure_all();
    docs::md_header(out, "Waiting: what the SDKs wait for, measured")?;
    writeln!(
        out,
        "After sending an action, every client polls the server until it sees \
         what it takes for the end. This page restates, from each client's code \
         (cited below, with the commit read), what it waits for after each \
         action it sends and waits on, then runs that loop against **every path \
         of the relation from the action's first write**: success paths, every \
         failure row, a compute restart's recovery and a concurrent delete, at \
         most {MAX} pairs long (a task_state written again in a row makes a path of \
         its own; the same paths as the waiter's exhaustive test, \
         `tests/support/wait_paths.rs`), from every start vm_state the client \
         sends the action from (\"from\": the ones its code sends it from; \
         `any`: every one Nova accepts, but `deleted`).\n"
    )?;
    writeln!(
        out,
        "Each path is polled **without gaps** (the client sees every pair) and \
         **with gaps** (every sub-sequence a slower poller could see; the last \
         pair is always seen, since the server stays there). A server whose \
         vm_state is `deleted` answers 404. Beside every example stands what \
         this crate's `Waiter` answers when fed the same observations.\n"
    )?;
    writeln!(
        out,
        "A compute restart during a soft reboot turns it into a hard reboot \
         that Nova carries on (`nova/compute/manager.py:1124-1132`, \
         `nova_states::rules::retried_as`): the paths go on from \
         (active, reboot_pending_hard) with the hard reboot's writes, and the \
         `Waiter` answers in progress there.\n"
    )?;
    writeln!(out, "The mistakes counted:\n")?;
    writeln!(out, "- **hangs**: the client never reaches a verdict and polls until its timeout (the action had ended);")?;
    writeln!(out, "- **success on a failure**: it reports success on a path that failed (a failure row, a restart, a delete);")?;
    writeln!(
        out,
        "- **failure on a success**: it reports failure on a path that ends in success;"
    )?;
    writeln!(out, "- **success before the end**: it reports success on a success path before the action's last write;")?;
    writeln!(out, "- **failure before the end**: it reports failure on a failure path while the action was still running (the `Waiter` answers in progress there).\n")?;
    writeln!(out, "## The clients\n")?;
    writeln!(out, "| client | repository @ commit read | on timeout |")?;
    writeln!(out, "|---|---|---|")?;
    for client in Client::ALL {
        let (repo, commit) = client.source();
        writeln!(
            out,
            "| {} | {repo} @ `{commit}` | {} |",
            client.name(),
            client.timeout()
        )?;
    }
    writeln!(out, "\n## Per client\n")?;
    writeln!(
        out,
        "Rows (client, action, start states) measured, rows right on every \
         path and every polling, and rows with at least one path of each \
         mistake (with or without gaps).\n"
    )?;
    write!(out, "| client | rows | exact |")?;
    for m in Mistake::ALL {
        write!(out, " {} |", m.title())?;
    }
    writeln!(out)?;
    write!(out, "|---|---:|---:|")?;
    for _ in Mistake::ALL {
        write!(out, "---:|")?;
    }
    writeln!(out)?;
    for client in Client::ALL {
        let rows: Vec<&Measured> = measured.iter().filter(|m| m.row.client == client).collect();
        let exact = rows.iter().filter(|m| m.exact()).count();
        write!(out, "| {} | {} | {exact} |", client.name(), rows.len())?;
        for k in Mistake::ALL {
            let with = rows
                .iter()
                .filter(|m| {
                    let (a, b) = m.count(k);
                    a + b > 0
                })
                .count();
            write!(out, " {with} |")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "\n## Summary\n")?;
    writeln!(
        out,
        "Paths per row and mistake: *a* + *b* means *a* paths where the client \
         errs even when it sees every pair, and *b* more where it errs only when \
         its polls skip some. \"exact\": right on every path and every polling. \
         \"stalls\": paths that end with a task a failure left set and nothing \
         will finish; the client polls on, and so does the `Waiter` (it says in \
         progress, and `may_stall`): no one can tell them from a slow action, \
         so they are not counted as hangs.\n"
    )?;
    write!(out, "| client | action | from | paths | stalls |")?;
    for m in Mistake::ALL {
        write!(out, " {} |", m.title())?;
    }
    writeln!(out)?;
    write!(out, "|---|---|---|---:|---:|")?;
    for _ in Mistake::ALL {
        write!(out, "---|")?;
    }
    writeln!(out)?;
    for m in &measured {
        write!(
            out,
            "| {} | {} | {} | {} | {} |",
            m.row.client.name(),
            m.row.action,
            from_text(m.row),
            m.paths,
            m.stalls
        )?;
        if m.exact() {
            for (i, _) in Mistake::ALL.iter().enumerate() {
                write!(out, " {} |", if i == 0 { "exact" } else { "" })?;
            }
        } else {
            for k in Mistake::ALL {
                let (a, b) = m.count(k);
                if a == 0 && b == 0 {
                    write!(out, " — |")?;
                } else {
                    write!(out, " {a} + {b} |")?;
                }
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "\n## What each client waits for\n")?;
    writeln!(
        out,
        "One line per wait loop, in order; each cites the client's code at the commit above.\n"
    )?;
    writeln!(out, "| client | action | from | waits for | code |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for row in ROWS {
        let stages = row
            .stages
            .iter()
            .map(stage_text)
            .collect::<Vec<_>>()
            .join("; **then** ");
        let cites = row
            .cites
            .iter()
            .map(|c| match c.repo {
                Some((repo, commit)) => {
                    format!("{repo}@`{}` `{}:{}`", &commit[..7], c.path, c.lines)
                }
                None => format!("`{}:{}`", c.path, c.lines),
            })
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "| {} | {} | {} | {stages} | {cites} |",
            row.client.name(),
            row.action,
            from_text(row)
        )?;
    }
    for mistake in Mistake::ALL {
        writeln!(out, "\n## {}\n", capitalised(mistake.title()))?;
        let mut any = false;
        for m in &measured {
            let cases = m.cases(mistake);
            if cases.is_empty() {
                continue;
            }
            any = true;
            let (a, b) = m.count(mistake);
            writeln!(
                out,
                "### {} {} (from {}): {a} + {b} paths\n",
                m.row.client.name(),
                m.row.action,
                from_text(m.row)
            )?;
            for case in examples(cases) {
                write_case(out, case)?;
            }
            writeln!(out)?;
        }
        if !any {
            writeln!(out, "None.")?;
        }
    }
    Ok(())
}

/// Up to [`EXAMPLES`] cases, shortest first, each with a pair sequence of
/// its own, preferring a start vm_state and an ending not shown yet.
fn examples(cases: &[Case]) -> Vec<&Case> {
    let mut picked: Vec<&Case> = Vec::new();
    let new_pairs =
        |picked: &[&Case], c: &Case| picked.iter().all(|p| p.path.pairs != c.path.pairs);
    for case in cases {
        let fresh = picked
            .iter()
            .all(|p| (p.start, p.path.end) != (case.start, case.path.end));
        if picked.len() < EXAMPLES && fresh && new_pairs(&picked, case) {
            picked.push(case);
        }
    }
    for case in cases {
        if picked.len() < EXAMPLES && new_pairs(&picked, case) {
            picked.push(case);
        }
    }
    picked.sort_by_key(|c| sort_key(c));
    picked
}

/// Shortest first: every pair polled before gaps, a path without a pair
/// written twice in a row before one with, fewer pairs, fewer polls.
fn sort_key(c: &Case) -> (bool, bool, usize, usize) {
    let repeats = c.path.pairs.windows(2).any(|w| w.first() == w.get(1));
    (c.gaps(), repeats, c.path.pairs.len(), c.seen.len())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn write_case(out: &mut dyn Write, case: &Case) -> fmt::Result {
    let steps = case
        .path
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = format!("#{i} {}", pair_text(*p));
            if case.seen.contains(&i) {
                text
            } else {
                format!("~~{text}~~")
            }
        })
        .collect::<Vec<_>>()
        .join(" → ");
    let version = if case.version == Microversion::MIN {
        String::new()
    } else {
        format!(" at {}", case.version)
    };
    let polled = if case.gaps() {
        "polls skip the struck-out pairs"
    } else {
        "every pair polled"
    };
    let waiter = if case.verdict == Verdict::Hang || case.waiter_there == case.waiter_end {
        format!("`Waiter`: {}", answer_text(case.waiter_end))
    } else {
        format!(
            "`Waiter` there: {}; at the end: {}",
            answer_text(case.waiter_there),
            answer_text(case.waiter_end)
        )
    };
    writeln!(
        out,
        "- from {}{version}, {} ({polled}): {steps}  \n  client: {}; {waiter}.",
        case.start,
        end_text(case.path.end),
        verdict_text(case.verdict),
    )
}
