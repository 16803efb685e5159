//! `nova-states check`: a request's pre-flight, Nova's answer in its order.

use crate::commands::explain::parse_flag;
use crate::*;

pub(crate) fn cmd_check(args: CheckArgs, out: &mut Out) -> Result<u8, Fail> {
    use nova_states::rules::{Facts, HostStatus, MigrationStatus, Request, Role, Server};
    use nova_states::Microversion;
    let action = Action::parse_request(&args.action)
        .map_err(|e| unreadable(format!("--action: {}", escaped(&e.to_string()))))?;
    let microversion = match args.microversion.as_deref() {
        None => Microversion::LATEST,
        Some(text) => {
            Microversion::parse(text).map_err(|e| unreadable(format!("--microversion: {e}")))?
        }
    };
    let caller = if args.admin {
        Role::Admin
    } else {
        match args.role.as_deref() {
            None => Role::Member,
            Some(text) => text
                .parse::<Role>()
                .map_err(|e| unreadable(format!("--role: {e}")))?,
        }
    };
    let (mut server, id) = if let Some(vm) = &args.vm {
        let vm = parse_flag("vm", vm, VmState::parse)?;
        let task = match args.task.as_deref() {
            None | Some("null" | "None") => None,
            Some(t) => Some(parse_flag("task", t, TaskState::parse)?),
        };
        let mut server = Server::new(vm, task);
        server.power_state = match args.power.as_deref() {
            None | Some("null") => None,
            Some(p) => Some(parse_flag("power", p, str::parse)?),
        };
        (server, None)
    } else {
        let (input, source) = open(args.file.as_ref())?;
        let document = nova_states_cli::input::read_one(input, &source)?;
        // A down-cell document at a microversion named before 2.69 is not
        // one Nova wrote.
        let server = match args.microversion {
            Some(_) => document
                .doc
                .server_at(microversion)
                .map_err(|e| unreadable(format!("{source}: {e}")))?,
            None => document.doc.server(),
        };
        let server = server.ok_or_else(|| {
            unreadable(format!(
                "{source}: the document does not tell the server's vm_state \
                 (no states, or several vm_states fit)"
            ))
        })?;
        (server, document.id)
    };
    server.locked |= args.locked;
    server.launched &= !args.not_launched;
    if let Some(text) = args.host_status.as_deref() {
        server.host_status = Some(
            text.parse::<HostStatus>()
                .map_err(|e| unreadable(format!("--host-status: {e}")))?,
        );
    }
    let migration = match args.migration.as_deref() {
        None => None,
        Some(text) => Some(
            text.parse::<MigrationStatus>()
                .map_err(|e| unreadable(format!("--migration: {e}")))?,
        ),
    };
    let request = Request {
        action,
        server,
        caller,
        microversion,
        facts: Facts {
            volume_backed: args.volume_backed,
            target_host: args.host,
            availability_zone: args.availability_zone,
            migration,
            same_image: args.same_image,
        },
    };
    let id = id.unwrap_or_else(|| "{server_id}".into());
    let verdict = request.preflight();
    let (accepted, http, message, by, source, resolved) = match &verdict {
        Ok(a) => (true, a.status, None, None, None, a.action),
        Err(r) => (
            false,
            r.status,
            Some(r.message(&id).to_string()),
            Some(r.by.as_str()),
            Some(r.source),
            r.action,
        ),
    };
    if args.json {
        let value = json!({
            "accepted": accepted,
            "http": http,
            "message": message,
            "refused_by": by,
            "action": resolved.as_str(),
            "request": resolved.http(),
            "microversion": microversion.to_string(),
            "caller": caller.as_str(),
            "source": source,
        });
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| unreadable(format!("could not write JSON: {e}")))?;
        writeln!(out, "{text}")?;
    } else {
        writeln!(
            out,
            "request      {} ({}) by a {} at {}",
            resolved.http(),
            resolved.as_str(),
            caller,
            microversion
        )?;
        if accepted {
            writeln!(out, "accepted     HTTP {http}")?;
        } else {
            writeln!(
                out,
                "refused      HTTP {http} by {}",
                by.unwrap_or_default()
            )?;
            writeln!(
                out,
                "message      {}",
                escaped_lines(&message.unwrap_or_default()).replace('\n', "\n             ")
            )?;
            writeln!(out, "nova         {}", source.unwrap_or_default())?;
        }
    }
    Ok(if accepted { 0 } else { 1 })
}
