//! `nova-states wait`: one operation's verdict per observation.

use crate::commands::trace::{observation, Seen};
use crate::*;

/// `wait`: one verdict per observation for the operation the caller sent.
pub(crate) fn cmd_wait(args: WaitArgs, out: &mut Out) -> Result<u8, Fail> {
    use nova_states::machine::{WaitProgress, Waiter};
    let action: Action = args
        .action
        .parse()
        .map_err(|e: ParseError| unreadable(format!("--action: {e}")))?;
    let from: VmState = args
        .from
        .parse()
        .map_err(|e: ParseError| unreadable(format!("--from: {e}")))?;
    let version = match &args.microversion {
        Some(text) => text
            .parse()
            .map_err(|e| unreadable(format!("--microversion: {e}")))?,
        None => nova_states::Microversion::MIN,
    };
    if !action.starts().contains(from) {
        return Err(unreadable(format!(
            "{action} does not start from vm_state {from}: Nova refuses it, there is nothing to wait for"
        )));
    }
    let (input, source) = open(args.file.as_ref())?;
    let mut waiter = Waiter::at(action, from, version);
    let records = Records::new(input);
    let mut verdicts: Vec<Value> = Vec::new();
    let mut observations = 0usize;
    let mut impossible = false;
    if !args.json {
        writeln!(out, "Waiting for {action} from {from} ({source}):\n")?;
    }
    for record in records {
        let record = match record? {
            Record::List(mut docs, at) if docs.len() == 1 => match docs.pop() {
                Some(doc) => Record::Json(doc, at),
                None => continue,
            },
            Record::List(docs, at) => {
                return Err(Fail::Unreadable(ReadError {
                    message: format!("a list of {} servers: wait follows one server", docs.len()),
                    at: Some(at),
                }))
            }
            other => other,
        };
        let (doc, label, at, updated) = match &record {
            Record::Gap | Record::List(..) => continue,
            Record::Json(d, at) => (&d.doc, None, *at, d.updated.as_deref()),
            Record::Line(doc, label, at) => (doc, label.as_deref(), *at, None),
        };
        observations += 1;
        let label = match (label, updated) {
            (Some(l), _) | (None, Some(l)) => escaped(l),
            (None, None) => format!("#{observations}"),
        };
        let answer = match observation(doc, &record, at)? {
            Seen::Known(obs) => waiter.observe(obs.vm, obs.task),
            Seen::Candidates { vms, obs } => {
                // No vm_state shown: the candidates that are possible must
                // agree; otherwise the waiter does not move.
                let answers: Vec<_> = vms
                    .iter()
                    .map(|vm| (vm, waiter.judge(Pair { vm, task: obs.task })))
                    .filter(|(_, a)| a.progress != WaitProgress::Impossible)
                    .collect();
                match answers.first() {
                    Some((vm, first))
                        if answers.iter().all(|(_, a)| a.progress == first.progress) =>
                    {
                        waiter.observe(*vm, obs.task)
                    }
                    Some(_) => waiter.last().unwrap_or(nova_states::machine::WaitAnswer {
                        progress: WaitProgress::InProgress,
                        reason: nova_states::machine::WaitReason::Phase(obs.task),
                    }),
                    None => nova_states::machine::WaitAnswer {
                        progress: WaitProgress::Impossible,
                        reason: nova_states::machine::WaitReason::Unexplained,
                    },
                }
            }
            Seen::Unknown { what, .. } => {
                return Err(Fail::Unreadable(ReadError {
                    message: format!("unknown {what}"),
                    at: Some(at),
                }))
            }
        };
        impossible |= answer.progress == WaitProgress::Impossible;
        if args.json {
            verdicts.push(json!({
                "at": label,
                "verdict": answer.progress.as_str(),
                "reason": answer.reason.to_string(),
            }));
        } else {
            writeln!(
                out,
                "{label:>10}  {}: {}",
                answer.progress.as_str(),
                answer.reason
            )?;
            if observations % 64 == 0 {
                out.flush()?;
            }
        }
    }
    let last = waiter.last().map(|a| a.progress);
    let (final_, code) = match last {
        Some(WaitProgress::Done) => ("done", 0),
        Some(WaitProgress::Failed) => ("failed", 1),
        _ if impossible => ("impossible", 4),
        _ => ("in_progress", 3),
    };
    if args.json {
        let value = json!({
            "action": action.as_str(),
            "from": from.as_str(),
            "final": final_,
            "verdicts": verdicts,
        });
        writeln!(out, "{value}")?;
    } else {
        let stall = if final_ == "in_progress" && waiter.may_stall() {
            " (a failure of this action can leave a task nothing finishes: do not wait for ever)"
        } else {
            ""
        };
        writeln!(out, "\nfinal: {final_}{stall}")?;
    }
    Ok(code)
}
