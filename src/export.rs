//! Views generated from the tables: the machine-readable model
//! (`docs/model.json`, schema `nova-states/model/v1`) and a readable
//! projection table. They write to any [`core::fmt::Write`], so they need
//! neither I/O nor allocation.

use core::fmt::{self, Write};

use crate::{
    default_status, explicit_status, status, Action, Alias, Driver, Edge, Guard, ListFilter,
    PowerState, ServerStatus, StatusSet, TaskState, VmState, WaitFor, NOVA_COMMIT,
};

/// The schema name written in the model's `"schema"` key.
pub const MODEL_SCHEMA: &str = "nova-states/model/v1";

/// Writes `text` as a JSON string literal.
pub(crate) fn json_str(out: &mut dyn Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// Writes `items` as a JSON list on one line, each through `item`.
pub(crate) fn json_list<T>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut dyn Write, T) -> fmt::Result,
) -> fmt::Result {
    out.write_char('[')?;
    for (i, value) in items.into_iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        item(out, value)?;
    }
    out.write_char(']')
}

fn json_task(out: &mut dyn Write, task: Option<TaskState>) -> fmt::Result {
    match task {
        Some(task) => json_str(out, task.as_str()),
        None => out.write_str("null"),
    }
}

fn named_states<T: Copy + PartialEq + 'static>(
    out: &mut dyn Write,
    key: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    aliases: &[Alias<T>],
) -> fmt::Result {
    writeln!(out, "  \"{key}\": [")?;
    for (i, &value) in all.iter().enumerate() {
        out.write_str("    {\"name\": ")?;
        json_str(out, name(value))?;
        let mine = || aliases.iter().filter(move |a| a.value == value);
        out.write_str(", \"aliases\": ")?;
        json_list(out, mine(), |out, a| json_str(out, a.spelling))?;
        out.write_str(", \"alias_seen_in\": {")?;
        for (j, alias) in mine().enumerate() {
            if j > 0 {
                out.write_str(", ")?;
            }
            json_str(out, alias.spelling)?;
            out.write_str(": ")?;
            json_str(out, alias.seen_in)?;
        }
        out.write_str("}}")?;
        out.write_str(if i + 1 < all.len() { ",\n" } else { "\n" })?;
    }
    out.write_str("  ],\n")
}

/// Writes the model export (schema [`MODEL_SCHEMA`]) as pretty JSON.
///
/// `docs/model.json` is this output; `cargo run --example nova-states --
/// model --format json` prints it.
///
/// # Errors
/// Only those of `out`.
pub fn write_model_json(out: &mut dyn Write) -> fmt::Result {
    out.write_str("{\n")?;
    writeln!(out, "  \"schema\": \"{MODEL_SCHEMA}\",")?;
    writeln!(out, "  \"nova_commit\": \"{NOVA_COMMIT}\",")?;
    writeln!(
        out,
        "  \"sources\": {{\"states\": \"nova/objects/fields.py:1033-1130\", \
         \"status\": \"nova/api/openstack/common.py:44-123\", \
         \"list_filter\": \"nova/api/openstack/common.py:126-140, \
         nova/api/openstack/compute/servers.py:217-231\"}},"
    )?;
    named_states(
        out,
        "vm_states",
        &VmState::ALL,
        VmState::as_str,
        VmState::ALIASES,
    )?;
    named_states(
        out,
        "task_states",
        &TaskState::ALL,
        TaskState::as_str,
        TaskState::ALIASES,
    )?;
    out.write_str("  \"power_states\": [\n")?;
    for (i, power) in PowerState::ALL.iter().enumerate() {
        write!(out, "    {{\"code\": {}, \"name\": ", power.code())?;
        json_str(out, power.as_str())?;
        out.write_str(", \"aliases\": ")?;
        let mine = PowerState::ALIASES.iter().filter(|a| a.value == *power);
        json_list(out, mine, |out, a| json_str(out, a.spelling))?;
        out.write_str(if i + 1 < PowerState::COUNT {
            "},\n"
        } else {
            "}\n"
        })?;
    }
    out.write_str("  ],\n  \"unused_power_codes\": [2, 5],\n")?;
    out.write_str("  \"statuses\": ")?;
    json_list(out, ServerStatus::ALL, |out, s| json_str(out, s.as_str()))?;
    out.write_str(",\n  \"status\": {\n")?;
    for (i, vm) in VmState::ALL.iter().enumerate() {
        out.write_str("    ")?;
        json_str(out, vm.as_str())?;
        out.write_str(": {")?;
        for (j, task) in TaskState::ALL_OR_NULL.iter().enumerate() {
            if j > 0 {
                out.write_str(", ")?;
            }
            json_str(out, TaskState::name_or_null(*task))?;
            out.write_str(": ")?;
            json_str(out, status(*vm, *task).as_str())?;
        }
        out.write_str(if i + 1 < VmState::COUNT {
            "},\n"
        } else {
            "}\n"
        })?;
    }
    out.write_str("  },\n  \"preimage\": {\n")?;
    for (i, s) in ServerStatus::ALL.iter().enumerate() {
        out.write_str("    ")?;
        json_str(out, s.as_str())?;
        out.write_str(": ")?;
        json_list(out, s.preimage(), |out, (vm, task)| {
            out.write_char('[')?;
            json_str(out, vm.as_str())?;
            out.write_str(", ")?;
            json_task(out, task)?;
            out.write_char(']')
        })?;
        out.write_str(if i + 1 < ServerStatus::COUNT {
            ",\n"
        } else {
            "\n"
        })?;
    }
    out.write_str("  },\n  \"list_filter\": {\n")?;
    for (i, s) in ServerStatus::ALL.iter().enumerate() {
        let ListFilter {
            vm_states,
            task_states,
        } = s.list_filter();
        out.write_str("    ")?;
        json_str(out, s.as_str())?;
        out.write_str(": {\"vm_states\": ")?;
        json_list(out, vm_states, |out, vm| json_str(out, vm.as_str()))?;
        out.write_str(", \"task_states\": ")?;
        match task_states {
            Some(tasks) => json_list(out, tasks, |out, t| json_str(out, t.as_str()))?,
            None => out.write_str("null")?,
        }
        write!(out, ", \"rejected\": {}}}", s.list_filter().is_rejected())?;
        out.write_str(if i + 1 < ServerStatus::COUNT {
            ",\n"
        } else {
            "\n"
        })?;
    }
    out.write_str("  },\n  \"actions\": {\n")?;
    for (i, action) in Action::ALL.iter().enumerate() {
        write_action(out, *action)?;
        out.write_str(if i + 1 < Action::COUNT { ",\n" } else { "\n" })?;
    }
    out.write_str("  }\n}\n")
}

fn json_opt(out: &mut dyn Write, text: Option<&str>) -> fmt::Result {
    match text {
        Some(text) => json_str(out, text),
        None => out.write_str("null"),
    }
}

/// A `from` in `task_edges`: `None` stands for `"*"` (an unguarded write).
pub type EdgeFrom = Option<Option<TaskState>>;

/// The `[from, to]` pairs of `task_edges`, without repeats: `"*"` (`None`)
/// for an unguarded write; an API write's `from` is each task_state its
/// guard accepts; any other write's is the task_state before it.
pub fn task_edge_pairs(action: Action) -> impl Iterator<Item = (EdgeFrom, Option<TaskState>)> {
    let all = action.edges().iter().flat_map(|e: &Edge| {
        let (single, listed) = match e.guard {
            Guard::Unguarded => (Some(None), None),
            Guard::Expect(f) if e.api => (None, Some(f)),
            Guard::Expect(_) => (Some(Some(e.from)), None),
        };
        single
            .into_iter()
            .chain(listed.into_iter().flat_map(|f| f.iter().map(Some)))
            .map(move |from| (from, e.to))
    });
    let mut seen = [(None, None); 64];
    let mut count = 0usize;
    all.filter(move |pair| {
        let known = seen.iter().take(count).any(|p| p == pair);
        if !known {
            if let Some(slot) = seen.get_mut(count) {
                *slot = *pair;
                count += 1;
            }
        }
        !known
    })
}

fn status_list(out: &mut dyn Write, set: StatusSet) -> fmt::Result {
    json_list(out, set, |out, s| json_str(out, s.as_str()))
}

fn write_action(out: &mut dyn Write, action: Action) -> fmt::Result {
    let pre = action.precondition();
    out.write_str("    ")?;
    json_str(out, action.as_str())?;
    out.write_str(": {\n      \"rest\": ")?;
    json_opt(out, action.rest())?;
    out.write_str(", \"http\": ")?;
    json_str(out, action.http())?;
    out.write_str(", \"api_method\": ")?;
    json_str(out, action.api_method())?;
    out.write_str(", \"conflict_action\": ")?;
    json_opt(out, action.conflict_action())?;
    out.write_str(",\n      \"vm_states\": ")?;
    json_list(out, pre.vm_states, |out, vm| json_str(out, vm.as_str()))?;
    out.write_str(",\n      \"task_states\": ")?;
    json_list(out, pre.task_states.iter(), json_task)?;
    write!(
        out,
        ",\n      \"must_have_launched\": {}, \"precondition_source\": ",
        pre.must_have_launched
    )?;
    json_str(out, pre.source)?;
    out.write_str(",\n      \"sets_task_state\": ")?;
    json_opt(out, action.sets_task_state().map(TaskState::as_str))?;
    out.write_str(",\n      \"task_edges\": ")?;
    json_list(out, task_edge_pairs(action), |out, (from, to)| {
        out.write_char('[')?;
        match from {
            None => out.write_str("\"*\"")?,
            Some(from) => json_task(out, from)?,
        }
        out.write_str(", ")?;
        json_task(out, to)?;
        out.write_char(']')
    })?;
    out.write_str(",\n      \"writes\": [")?;
    for (i, e) in action.edges().iter().enumerate() {
        out.write_str(if i == 0 { "\n        " } else { ",\n        " })?;
        out.write_str("{\"from\": ")?;
        if e.api {
            out.write_str("\"*\"")?;
        } else {
            json_task(out, e.from)?;
        }
        out.write_str(", \"to\": ")?;
        json_task(out, e.to)?;
        out.write_str(", \"guard\": ")?;
        match e.guard {
            Guard::Unguarded => out.write_str("null")?,
            Guard::Expect(f) => json_list(out, f.iter(), json_task)?,
        }
        out.write_str(", \"vm_state\": ")?;
        json_opt(out, e.vm.map(VmState::as_str))?;
        out.write_str(", \"power_state\": ")?;
        match e.power {
            Some(p) => write!(out, "{}", p.code())?,
            None => out.write_str("null")?,
        }
        write!(
            out,
            ", \"api\": {}, \"end\": {}, \"branch\": ",
            e.api, e.end
        )?;
        json_str(out, e.branch.describe())?;
        out.write_str(", \"source\": ")?;
        json_str(out, e.source)?;
        out.write_char('}')?;
    }
    out.write_str(if action.edges().is_empty() {
        "]"
    } else {
        "\n      ]"
    })?;
    out.write_str(",\n      \"outcome\": {")?;
    let starts = action.starts();
    for (i, start) in starts.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        json_str(out, start.as_str())?;
        out.write_str(": ")?;
        json_list(out, action.outcome(start), |out, vm| {
            json_str(out, vm.as_str())
        })?;
    }
    out.write_str("},\n      \"failures\": ")?;
    let failures = action.failures();
    json_list(out, failures.effects.iter(), |out, f| {
        json_str(out, f.describe())
    })?;
    out.write_str(", \"failure_source\": ")?;
    json_str(out, failures.source)?;
    out.write_str(",\n      \"wait_for\": {")?;
    for (i, start) in starts.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        let w = WaitFor::new(action, start);
        json_str(out, start.as_str())?;
        out.write_str(": {\"in_progress\": ")?;
        status_list(out, w.in_progress)?;
        out.write_str(", \"done\": ")?;
        status_list(out, w.done)?;
        out.write_str(", \"failed\": ")?;
        status_list(out, w.failed)?;
        out.write_char('}')?;
    }
    out.write_str("},\n      \"disk_capture\": ")?;
    let mut captures = Driver::ALL
        .iter()
        .filter_map(|d| action.disk_capture(*d))
        .peekable();
    if captures.peek().is_none() {
        out.write_str("null")?;
    } else {
        out.write_char('{')?;
        for (i, c) in captures.enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            json_str(out, c.driver.as_str())?;
            out.write_str(": {\"during\": ")?;
            json_str(out, c.during.as_str())?;
            write!(out, ", \"occurrence\": {}, \"safe_from\": ", c.occurrence)?;
            json_opt(out, c.safe_from.map(TaskState::as_str))?;
            out.write_str(", \"source\": ")?;
            json_str(out, c.source)?;
            out.write_char('}')?;
        }
        out.write_char('}')?;
    }
    out.write_str("\n    }")
}

/// Writes the projection as a readable table: for each vm_state, its
/// default status, then each status some task states give instead.
///
/// # Errors
/// Only those of `out`.
pub fn write_status_table(out: &mut dyn Write) -> fmt::Result {
    writeln!(
        out,
        "How Nova derives `status` from vm_state and task_state \
         (nova/api/openstack/common.py:44-123 @ {})\n",
        NOVA_COMMIT.get(..12).unwrap_or(NOVA_COMMIT)
    )?;
    writeln!(out, "{:<18} {:<17} task_state", "vm_state", "status")?;
    writeln!(out, "{:-<18} {:-<17} {:-<40}", "", "", "")?;
    for vm in VmState::ALL {
        writeln!(
            out,
            "{:<18} {:<17} null, or any task not listed below",
            vm.as_str(),
            default_status(vm).as_str()
        )?;
        for s in ServerStatus::ALL {
            let mut tasks = TaskState::ALL
                .iter()
                .filter(|t| explicit_status(vm, **t) == Some(s))
                .peekable();
            if tasks.peek().is_none() {
                continue;
            }
            write!(out, "{:<18} {:<17} ", "", s.as_str())?;
            for (i, task) in tasks.enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                out.write_str(task.as_str())?;
            }
            out.write_char('\n')?;
        }
    }
    Ok(())
}

/// The (vm_state, task_state) reachability the trajectory validator uses:
/// `possible` (pairs reachable from a fresh build) and `reach[a]` (pairs
/// reachable from pair `a` in zero or more steps of the relation, any power
/// states, admin reset-state excluded).
///
/// Needs about 40 KB of stack; meant for the generator, not for targets.
#[allow(clippy::large_stack_arrays)]
pub fn reach_tables() -> ([u64; PAIR_WORDS], [[u64; PAIR_WORDS]; crate::Pair::COUNT]) {
    use crate::{all_events, apply, reachable_from_build, Event, Pair, ServerState};
    let pair = |s: ServerState| {
        Pair {
            vm: s.vm,
            task: s.task,
        }
        .index()
    };
    let set = |words: &mut [u64; PAIR_WORDS], i: usize| {
        if let Some(w) = words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    };
    let mut possible = [0u64; PAIR_WORDS];
    for s in reachable_from_build().iter() {
        set(&mut possible, pair(s));
    }
    let mut reach = [[0u64; PAIR_WORDS]; crate::Pair::COUNT];
    for (i, row) in reach.iter_mut().enumerate() {
        set(row, i);
    }
    for state in ServerState::all() {
        for event in all_events() {
            if matches!(
                event,
                Event::ResetState(_) | Event::Accept(crate::Action::ResetState)
            ) || matches!(
                event,
                Event::Write {
                    action: crate::Action::ResetState,
                    ..
                }
            ) {
                continue;
            }
            if let Ok(next) = apply(state, event) {
                if let Some(row) = reach.get_mut(pair(state)) {
                    set(row, pair(next));
                }
            }
        }
    }
    // Transitive closure (Warshall, on bit rows).
    for k in 0..crate::Pair::COUNT {
        let Some(row_k) = reach.get(k).copied() else {
            continue;
        };
        for row in reach.iter_mut() {
            if row.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0) {
                for (a, b) in row.iter_mut().zip(row_k.iter()) {
                    *a |= *b;
                }
            }
        }
    }
    (possible, reach)
}

/// Words in a pair bitmap.
pub const PAIR_WORDS: usize = crate::Pair::COUNT.div_ceil(64);

/// Writes `src/reach_table.rs`.
///
/// # Errors
/// Only those of `out`.
pub fn write_reach_table(out: &mut dyn Write) -> fmt::Result {
    let (possible, reach) = reach_tables();
    writeln!(out, "// @generated by `cargo run --example nova-states -- docs` (nova_states::export::write_reach_table).")?;
    writeln!(
        out,
        "// Do not edit: a test regenerates it and fails on drift."
    )?;
    writeln!(
        out,
        "//! (vm_state, task_state) reachability from the transition relation.\n"
    )?;
    writeln!(
        out,
        "/// Pairs reachable from a fresh build, bit `Pair::index`."
    )?;
    write!(out, "pub(crate) static POSSIBLE: [u64; {PAIR_WORDS}] = [")?;
    write_words(out, &possible)?;
    writeln!(out, "];\n")?;
    writeln!(
        out,
        "/// `REACH[a]`: pairs reachable from pair `a` (reset-state excluded)."
    )?;
    writeln!(
        out,
        "pub(crate) static REACH: [[u64; {PAIR_WORDS}]; {}] = [",
        crate::Pair::COUNT
    )?;
    for (i, row) in reach.iter().enumerate() {
        out.write_str("    [")?;
        write_words(out, row)?;
        match crate::Pair::from_index(i) {
            Some(p) => writeln!(out, "], // {}/{}", p.vm, TaskState::name_or_null(p.task))?,
            None => writeln!(out, "],")?,
        }
    }
    writeln!(out, "];")
}

fn write_words(out: &mut dyn Write, words: &[u64]) -> fmt::Result {
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write!(out, "{w:#x}")?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    // No generated file has a control character in a string today, so only a
    // direct test reaches json_str's escapes (killed mutant: the `< 0x20`
    // guard replaced with `false`).
    extern crate std;
    use std::string::String;

    #[test]
    fn json_str_escapes_what_json_requires() {
        let text = "a\"b\\c\nd\te\u{1}f\u{1f}g é";
        let mut out = String::new();
        super::json_str(&mut out, text).unwrap();
        assert_eq!(out, r#""a\"b\\c\nd\u0009e\u0001f\u001fg é""#);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, text);
    }
}
