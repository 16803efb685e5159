//! docs/preflight.md: the order of Nova's checks, the locks, the roles and
//! the microversion rules, from the library's tables.

use core::fmt::{self, Write};

use nova_states::rules::{HostCheck, LockWording, MICROVERSION_RULES};
use nova_states::Action;

use super::docs::md_header;

/// The order of checks, each with where Nova does it (kept in step with
/// the module docs of `nova_states::rules::preflight`).
const ORDER: &[(&str, &str, &str)] = &[
    ("routing", "404, no message of Nova's (`The resource could not be found.`): the method is not routed at this microversion (`Action::versions`)", "nova/api/openstack/wsgi.py:663-667, 725-726"),
    ("request body schema", "400 `Invalid input for field/attribute ...`: the schema of the request's microversion refuses the body (a remote console of protocol mks before 2.8)", "nova/api/openstack/compute/remote_consoles.py:147-148; nova/api/openstack/compute/schemas/remote_consoles.py:82-113; nova/api/validation/validators.py:292-317"),
    ("policy before lookup", "403, for the assisted volume snapshots only", "nova/api/openstack/compute/assisted_volume_snapshots.py:44"),
    ("lookup", "404 `Instance {id} could not be found.` for a deleted server (read_deleted=\"no\"); 500 for a server in a down cell", "nova/api/openstack/common.py:463-471; nova/db/main/api.py:1405-1411; nova/compute/api.py:3007-3012"),
    ("policy", "403 `Policy doesn't allow {rule} to be performed.`", "nova/exception.py:208-209; nova/policy.py:180-181; e.g. nova/api/openstack/compute/servers.py:1563-1566"),
    ("controller microversion checks", "409 for a shelved server's volumes before 2.20", "nova/api/openstack/compute/volume_attachments.py:79-88, 219-223, 407-411"),
    ("@check_instance_lock", "409 `Instance {id} is locked` unless the caller is an admin (`context.is_admin`)", "nova/compute/api.py:245-251; nova/context.py:149"),
    ("@check_instance_host / @check_instance_state", "in the method's order: stop, start, trigger_crash_dump and the consoles check the host first; resize and migrate check the state first, then that the host is up", "nova/compute/api.py:140-177, 211-242, 2866-2889, 4289-4291"),
    ("the method's body", "unshelve to a zone or host (409 unless shelved_offloaded), rescue and rebuild of volume-backed servers (400 before 2.87, 2.93), a live migration's status (400)", "nova/compute/api.py:4743-4762, 4919-4937, 3744-3779, 5647-5651, 5682-5695"),
];

/// docs/preflight.md.
///
/// # Errors
/// Only what the writer returns.
pub fn preflight_md(out: &mut dyn Write) -> fmt::Result {
    md_header(out, "Pre-flight: what Nova answers a request")?;
    out.write_str(
        "`Action::check` answers whether the state allows an action. \
         `rules::Request::preflight` answers what Nova answers the request: the HTTP status, \
         Nova's message and what refused it, checking in Nova's order below, for a caller \
         (reader, member, manager, admin) and a microversion (latest, 2.104, when not given). \
         On the command line: `nova-states check --action os-stop server.json [--locked] \
         [--admin] [--microversion 2.19] [--json]`.\n\n## The order of checks\n\n\
         | # | check | answer | Nova |\n|---|---|---|---|\n",
    )?;
    for (i, (check, answer, source)) in ORDER.iter().enumerate() {
        writeln!(out, "| {} | {check} | {answer} | {source} |", i + 1)?;
    }
    out.write_str(
        "\n## Locks, hosts, roles and microversions, per action\n\n\
         The lock: **locked** is `@check_instance_lock` with the controller's `Instance {id} is \
         locked`; **invalid state** is the same lock caught by a controller that catches only \
         `InstanceInvalidState` (of which `InstanceIsLocked` is a subclass, \
         nova/exception.py:1484), so Nova answers `Instance {id} is in an invalid state for \
         '{action}'`; **-** is not guarded. Only an admin (`role:admin`, `context.is_admin`) \
         is not held by a lock; the owner is. The role is the weakest of this model's callers \
         the default policy lets through (keystone's default roles imply one another: admin, \
         manager, member, reader).\n\n\
         | action | request | lock | host | policy (default) | microversions | accepted |\n\
         |---|---|---|---|---|---|---|\n",
    )?;
    for action in Action::ALL {
        let lock = match action.lock().guarded {
            Some(LockWording::IsLocked) => "locked",
            Some(LockWording::InvalidState) => "invalid state",
            None => "-",
        };
        let host = match action.host_rule().check {
            HostCheck::None => "-".to_string(),
            HostCheck::SetBeforeState => format!("set, {}", action.host_rule().status),
            HostCheck::UpAfterState => {
                format!("up, {} (after the state)", action.host_rule().status)
            }
        };
        let v = action.versions();
        let versions = match v.until {
            Some(until) => format!("{}-{}", v.since, until),
            None if v.since == nova_states::Microversion::MIN => "all".to_string(),
            None => format!("{}+", v.since),
        };
        let policy = action.policy();
        writeln!(
            out,
            "| `{action}` | `{}` | {lock} | {host} | `{}` ({}, {}) | {versions} | {} |",
            action.http(),
            policy.name,
            policy.default.as_str(),
            policy.default.weakest(),
            action.accepted_status()
        )?;
    }
    out.write_str("\nWhere each comes from:\n\n")?;
    for action in Action::ALL {
        let (lock, host, policy, versions) = (
            action.lock(),
            action.host_rule(),
            action.policy(),
            action.versions(),
        );
        write!(
            out,
            "- `{action}`: lock {}; policy {}",
            lock.source, policy.source
        )?;
        if host.check != HostCheck::None {
            write!(out, "; host {}", host.source)?;
        }
        if !versions.source.is_empty() {
            write!(out, "; routed {}", versions.source)?;
        }
        out.write_str("\n")?;
    }
    out.write_str(
        "\n## Microversion rules\n\n| from | actions | what changes | Nova |\n|---|---|---|---|\n",
    )?;
    for rule in MICROVERSION_RULES {
        let actions: Vec<String> = rule.actions.iter().map(|a| format!("`{a}`")).collect();
        let actions = if actions.is_empty() {
            "(documents, lists)".to_string()
        } else {
            actions.join(", ")
        };
        writeln!(
            out,
            "| {} | {actions} | {} | {} |",
            rule.version, rule.change, rule.source
        )?;
    }
    out.write_str(
        "\n## Not modelled\n\nQuotas, the request body's schema, accelerators, vTPM, SEV, shares, \
         port resource requests and the other `@block_*`/`@reject_*` decorators; a server of \
         another project (404 to non-admins); the `service` role (a caller of the \
         `rule:service_or_admin` policies); the host check of a detach from a server that has \
         a host (`_detach_volume`, nova/compute/api.py:5287); evacuate's end state at 2.95+ in \
         the outcomes.\n",
    )
}
