//! The nova-states command line: `nova-states --help`.
//!
//! The library does no I/O; this binary reads files and standard input,
//! parses JSON with serde_json and prints. It never panics on bad input or
//! a closed output: every failure is a message and an exit status.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nova_states::read::CaptureTracker;
use nova_states::read::{Form, Placed, ReadOptions};
use nova_states::{
    Action, ActionSet, Driver, Observation, Pair, PowerState, Reported, ServerDocument,
    ServerStatus, StatusSet, Step, StepKind, TaskState, Validator, VmState, WaitFor,
};
use nova_states::{ParseError, VmStateSet};
use nova_states_cli::input::{
    escaped, read_servers_of, Document, ReadError, Record, Records, Servers as InputServers, Stamp,
};
use nova_states_cli::render::docs::{self, DiagramFormat};
use nova_states_cli::render::model;
use serde_json::{json, Value};

const SEED: &str = include_str!("../../tests/data/seed-snapshot.txt");

/// The exact, machine-checked model of an OpenStack Nova server's life cycle.
///
/// With no command, traces the bundled sample (a snapshot polled every few
/// seconds, from a vendor's imaging article) and explains it.
///
/// Exit status: 0 ok; 1 trace found an impossible step; 2 the input or the
/// arguments could not be read (or the output could not be written).
#[derive(Parser, Debug)]
#[command(name = "nova-states", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Explain one server document: its status, the operation in flight, what
    /// is accepted and refused now, what to wait for.
    ///
    /// Reads a GET /servers/{id} body (with or without its "server" wrapper)
    /// or `openstack server show -f json`; or the states given with --vm.
    /// Exit 0 when read (even if inconsistent), 2 when not.
    Explain(ExplainArgs),
    /// Check a polled sequence of observations against the model.
    ///
    /// Reads polling lines (`17:14:48   status: ACTIVE   vm_state: active
    /// task_state: image_snapshot   power_state: 1`), JSON Lines of server
    /// documents, or concatenated `openstack server show -f json` outputs;
    /// `...` lines are gaps (and blank lines, between polling lines). Output
    /// is streamed, one line per observation. Exit 0 legal, 1 impossible, 2
    /// unreadable.
    Trace(TraceArgs),
    /// Wait for one operation: is it done, failed, or still running?
    ///
    /// Reads what `trace` reads (polling lines, JSON Lines of server
    /// documents, concatenated `openstack server show -f json` outputs) and
    /// answers each observation for the action started from --from. Give
    /// the polls taken after Nova accepted the request: its first write is
    /// made before it answers, so the start state with no task then means
    /// the action already ended. Exit 0
    /// done, 1 failed, 2 unreadable, 3 input ended while in progress, 4
    /// impossible (an observation that cannot happen during or after it).
    Wait(WaitArgs),
    /// Print the model: JSON (docs/model.json), markdown, or the overview
    /// diagram.
    Model {
        /// The format.
        #[arg(long, value_enum, default_value_t = ModelFormat::Json)]
        format: ModelFormat,
    },
    /// Print the vm_state x task_state -> status table.
    Table,
    /// Pre-flight one request: would Nova accept this action on this server,
    /// from this caller, at this microversion? Answers Nova's HTTP status
    /// and message, in Nova's order of checks (lookup, policy, microversion,
    /// lock, host, state).
    ///
    /// Reads a server document (as explain does), or the states given with
    /// --vm. Exit 0 accepted, 1 refused, 2 bad input.
    Check(CheckArgs),
    /// Run a fake Nova: a seeded, deterministic simulation of K servers.
    ///
    /// Prints JSON Lines, one {"server": {...}} body per state write (each
    /// server's writes gap-free; --poll-every K prints every K-th of each
    /// server), with id, status, the three OS-EXT-STS fields, updated and
    /// "nova-states:operation" (the action that made the write, or
    /// power_sync, restart, reset_state). The same arguments give the same
    /// output, byte for byte. Filtered to one id, the lines pass `trace`.
    Simulate(SimulateArgs),
}

#[derive(Args, Debug)]
struct SimulateArgs {
    /// The seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many writes (fewer if every server ends deleted).
    #[arg(long, default_value_t = 100)]
    steps: usize,
    /// How many servers.
    #[arg(long, default_value_t = 1)]
    servers: u64,
    /// The failure rate, 0 to 1: a step of an action fails instead (0: no
    /// failure path).
    #[arg(long, default_value_t = 0.02)]
    failures: f64,
    /// Print every K-th write of each server (1: every write).
    #[arg(long, default_value_t = 1)]
    poll_every: usize,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// The action: a model name (stop, snapshot, reboot_hard) or the REST
    /// word (os-stop, createImage, reboot:SOFT).
    #[arg(long)]
    action: String,
    /// The document: a file, or - for standard input (the default).
    #[arg(value_name = "FILE", conflicts_with_all = ["vm", "task", "power"])]
    file: Option<PathBuf>,
    /// The vm_state, instead of a document.
    #[arg(long)]
    vm: Option<String>,
    /// The task_state (default null).
    #[arg(long, requires = "vm")]
    task: Option<String>,
    /// The power_state, a code or a name (default null).
    #[arg(long, requires = "vm")]
    power: Option<String>,
    /// The server is locked (a document's "locked" counts too).
    #[arg(long)]
    locked: bool,
    /// The caller is an admin (default: a project member).
    #[arg(long, conflicts_with = "role")]
    admin: bool,
    /// The caller's role: reader, member, manager or admin.
    #[arg(long)]
    role: Option<String>,
    /// The server never launched (launched_at unset).
    #[arg(long)]
    not_launched: bool,
    /// The microversion, X.Y or latest (default latest, 2.104).
    #[arg(long)]
    microversion: Option<String>,
    /// The server boots from a volume.
    #[arg(long)]
    volume_backed: bool,
    /// The request names a target host.
    #[arg(long)]
    host: bool,
    /// The request names an availability zone (unshelve).
    #[arg(long)]
    availability_zone: bool,
    /// The live migration's status (force-complete, abort).
    #[arg(long)]
    migration: Option<String>,
    /// A rebuild that keeps the server's image.
    #[arg(long)]
    same_image: bool,
    /// The server's host_status: UP, DOWN, MAINTENANCE, UNKNOWN or "".
    #[arg(long)]
    host_status: Option<String>,
    /// Print JSON (errors too: {"error": {...}} on standard output).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// The document: a file, or - for standard input (the default).
    #[arg(value_name = "FILE", conflicts_with_all = ["vm", "task", "power", "status"])]
    file: Option<PathBuf>,
    /// The vm_state, instead of a document.
    #[arg(long)]
    vm: Option<String>,
    /// The task_state (default null).
    #[arg(long, requires = "vm")]
    task: Option<String>,
    /// The power_state, a code or a name (default null).
    #[arg(long, requires = "vm")]
    power: Option<String>,
    /// The status the document reported (default: none).
    #[arg(long, requires = "vm")]
    status: Option<String>,
    /// Print JSON (errors too: {"error": {...}} on standard output).
    #[arg(long)]
    json: bool,
    /// Read vm_state, task_state and status names this model does not know
    /// (from a newer Nova) instead of refusing them: they are reported,
    /// projected as Nova projects names it does not know, and exit is 0.
    #[arg(long)]
    lenient: bool,
}

#[derive(Args, Debug)]
struct TraceArgs {
    /// The observations: a file, or - for standard input (the default).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print JSON (errors too: {"error": {...}} on standard output).
    #[arg(long)]
    json: bool,
    /// The hypervisor driver path, for when the disk of an image is captured.
    #[arg(long, value_enum, default_value_t = DriverArg::Libvirt)]
    driver: DriverArg,
    /// Read vm_state, task_state and status names this model does not know
    /// (from a newer Nova): such observations are reported, not checked, and
    /// the next one is checked as across a gap.
    #[arg(long)]
    lenient: bool,
}

#[derive(Args, Debug)]
struct WaitArgs {
    /// The action sent (its wire name, e.g. stop, rebuild, shelve).
    #[arg(long)]
    action: String,
    /// The vm_state it was sent from.
    #[arg(long = "from", value_name = "VM_STATE")]
    from: String,
    /// The request's microversion (evacuate at 2.95+ ends stopped); 2.1
    /// when not given, Nova's default.
    #[arg(long, value_name = "X.Y")]
    microversion: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The observations: a file, or - for standard input (the default).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ModelFormat {
    Json,
    Markdown,
    Dot,
    Mermaid,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DriverArg {
    /// libvirt with any backend but RBD.
    Libvirt,
    /// libvirt with an RBD root disk and direct snapshot.
    Rbd,
    /// VMware vCenter.
    Vmware,
}

impl DriverArg {
    fn driver(self) -> Driver {
        match self {
            DriverArg::Libvirt => Driver::LibvirtStandard,
            DriverArg::Rbd => Driver::LibvirtRbdDirect,
            DriverArg::Vmware => Driver::VMware,
        }
    }
}

/// Why a command stops early.
enum Fail {
    /// The input or the arguments cannot be read: exit 2.
    Unreadable(ReadError),
    /// Standard output is a closed pipe: nobody reads any more, exit quietly.
    Closed,
    /// Standard output cannot be written (a full disk...): exit 2.
    Write(io::Error),
    /// The error was already written (as JSON, closing what was open): exit 2.
    Reported,
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Fail {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Fail::Closed
        } else {
            Fail::Write(e)
        }
    }
}

impl From<ReadError> for Fail {
    fn from(e: ReadError) -> Fail {
        Fail::Unreadable(e)
    }
}

fn unreadable(message: impl Into<String>) -> Fail {
    Fail::Unreadable(ReadError::new(message))
}

/// Standard output, locked and buffered; every write can fail.
type Out = io::BufWriter<io::StdoutLock<'static>>;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let json = args.iter().skip(1).any(|a| a == "--json");
    let lenient = args.iter().skip(1).any(|a| a == "--lenient");
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = match Cli::try_parse_from(&args) {
        Ok(cli) => run(cli, &mut out),
        Err(e) => usage(e, json, &mut out),
    };
    let result = result.and_then(|code| out.flush().map(|()| code).map_err(Fail::from));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fail::Closed) => ExitCode::SUCCESS,
        Err(Fail::Reported) => ExitCode::from(2),
        Err(Fail::Write(e)) => {
            let _ = writeln!(io::stderr(), "nova-states: cannot write the output: {e}");
            ExitCode::from(2)
        }
        Err(Fail::Unreadable(mut e)) => {
            let unknown_name = ["unknown vm_state", "unknown task_state", "unknown status"]
                .iter()
                .any(|m| e.message.contains(m));
            if unknown_name && !lenient {
                e.message.push_str(
                    " (a name from a Nova newer than this model? --lenient reads it as unknown)",
                );
            }
            if json {
                let error = json!({"error": {
                    "message": e.message,
                    "line": e.at.map(|p| p.line),
                    "column": e.at.map(|p| p.column),
                }});
                let written = writeln!(out, "{error}").and_then(|()| out.flush());
                if let Err(w) = written {
                    if w.kind() != io::ErrorKind::BrokenPipe {
                        let _ = writeln!(io::stderr(), "nova-states: cannot write the output: {w}");
                    }
                }
            } else {
                let _ = writeln!(io::stderr(), "nova-states: {e}");
            }
            ExitCode::from(2)
        }
    }
}

/// Help and version go to standard output (exit 0); any other argument
/// error is exit 2, as JSON on standard output with --json.
fn usage(e: clap::Error, json: bool, out: &mut Out) -> Result<u8, Fail> {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            write!(out, "{e}")?;
            Ok(0)
        }
        _ if json => Err(unreadable(escaped(e.to_string().trim_end()))),
        _ => {
            let _ = write!(io::stderr(), "{}", escaped_lines(&e.to_string()));
            Ok(2)
        }
    }
}

/// A path as the user typed it: UTF-8 escaped as [`escaped`] does, other
/// bytes as `\xNN`.
fn escaped_path(path: &std::path::Path) -> String {
    let mut shown = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        shown.push_str(&escaped(chunk.valid()));
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02x}");
        }
    }
    shown
}

/// `escaped` line by line, keeping the line breaks.
fn escaped_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| match l.strip_suffix('\n') {
            Some(l) => escaped(l) + "\n",
            None => escaped(l),
        })
        .collect()
}

fn run(cli: Cli, out: &mut Out) -> Result<u8, Fail> {
    match cli.command {
        None => trace(
            BufReader::new(Box::new(SEED.as_bytes()) as Box<dyn Read>),
            "the bundled sample (a snapshot polled every few seconds)",
            false,
            Driver::LibvirtStandard,
            ReadOptions::STRICT,
            out,
        ),
        Some(Command::Explain(args)) => cmd_explain(args, out),
        Some(Command::Trace(args)) => {
            let (input, source) = open(args.file.as_ref())?;
            trace(
                input,
                &source,
                args.json,
                args.driver.driver(),
                read_options(args.lenient),
                out,
            )
        }
        Some(Command::Wait(args)) => cmd_wait(args, out),
        Some(Command::Model { format }) => cmd_model(format, out),
        Some(Command::Check(args)) => cmd_check(args, out),
        Some(Command::Simulate(args)) => cmd_simulate(args, out),
        Some(Command::Table) => {
            let mut text = String::new();
            nova_states_cli::render::table::write_status_table(&mut text)
                .map_err(|_| unreadable("could not format the table"))?;
            out.write_all(text.as_bytes())?;
            Ok(0)
        }
    }
}

/// `nova-states simulate`: the simulator's writes as server documents.
fn cmd_simulate(args: SimulateArgs, out: &mut Out) -> Result<u8, Fail> {
    use nova_states::sim::{Config, Server, Simulator};
    if !(0.0..=1.0).contains(&args.failures) {
        return Err(unreadable(format!(
            "--failures {} is not a rate between 0 and 1",
            args.failures
        )));
    }
    if args.servers == 0 || args.poll_every == 0 {
        return Err(unreadable("--servers and --poll-every must be at least 1"));
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let failures = (args.failures * 1_000_000.0).round() as u32;
    let config = Config {
        failures,
        ..Config::DEFAULT
    };
    let fleet: Vec<Server> = (0..args.servers)
        .map(|i| Server::new(args.seed, i))
        .collect();
    let mut written = vec![0usize; fleet.len()];
    let mut sim = Simulator::new(args.seed, config, fleet);
    for _ in 0..args.steps {
        let Some(w) = sim.step() else { break };
        let Some(count) = written.get_mut(w.server) else {
            continue;
        };
        *count += 1;
        if *count % args.poll_every != 0 {
            continue;
        }
        let Some(server) = sim.servers().get(w.server) else {
            continue;
        };
        let body = json!({"server": w.document(server.id)});
        writeln!(out, "{body}")?;
    }
    Ok(0)
}

/// The input: a file, or standard input for none or `-`; and its name.
fn open(path: Option<&PathBuf>) -> Result<(BufReader<Box<dyn Read>>, String), Fail> {
    match path {
        None => Ok((
            BufReader::new(Box::new(io::stdin())),
            "standard input".into(),
        )),
        Some(p) if p.as_os_str() == "-" => Ok((
            BufReader::new(Box::new(io::stdin())),
            "standard input".into(),
        )),
        Some(p) => {
            let name = escaped_path(p);
            let file = std::fs::File::open(p)
                .map_err(|e| unreadable(format!("cannot read {name}: {e}")))?;
            Ok((BufReader::new(Box::new(file)), name))
        }
    }
}

// --- check ------------------------------------------------------------------

fn cmd_check(args: CheckArgs, out: &mut Out) -> Result<u8, Fail> {
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
        let server = document.doc.server().ok_or_else(|| {
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

// --- model ------------------------------------------------------------------

fn cmd_model(format: ModelFormat, out: &mut Out) -> Result<u8, Fail> {
    let mut text = String::new();
    let written = match format {
        ModelFormat::Json => {
            text = model::model_json()
                .map_err(|e| unreadable(format!("could not write the model: {e}")))?;
            Ok(())
        }
        ModelFormat::Markdown => docs::states_md(&mut text)
            .and_then(|()| docs::status_md(&mut text))
            .and_then(|()| docs::actions_md(&mut text)),
        ModelFormat::Mermaid => docs::md_header(
            &mut text,
            "Overview: how actions move a server between vm_states",
        )
        .and_then(|()| text.write_str("```mermaid\n"))
        .and_then(|()| docs::overview(&mut text, DiagramFormat::Mermaid))
        .and_then(|()| text.write_str("```\n")),
        ModelFormat::Dot => docs::overview(&mut text, DiagramFormat::Dot),
    };
    written.map_err(|_| unreadable("could not format the model"))?;
    out.write_all(text.as_bytes())?;
    Ok(0)
}

// --- explain ----------------------------------------------------------------

fn parse_flag<T>(
    name: &str,
    value: &str,
    parse: fn(&str) -> Result<T, nova_states::ParseError>,
) -> Result<T, Fail> {
    parse(value).map_err(|e| unreadable(format!("--{name}: {}", escaped(&e.to_string()))))
}

fn cmd_explain(args: ExplainArgs, out: &mut Out) -> Result<u8, Fail> {
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

fn read_options(lenient: bool) -> ReadOptions {
    if lenient {
        ReadOptions::LENIENT
    } else {
        ReadOptions::STRICT
    }
}

struct Explained {
    text: String,
    json: Value,
}

/// A name as a document gave it: the value's name, `null`, an unknown
/// name (quoted, escaped), or `(absent)`.
fn shown_name<T: Copy>(field: Reported<T>, name: impl Fn(T) -> String) -> String {
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
fn vm_names(set: VmStateSet) -> Vec<&'static str> {
    set.iter().map(VmState::as_str).collect()
}

fn explain(doc: &ServerDocument) -> Explained {
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

fn wait_json(a: Action, p: Pair) -> Value {
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

// --- trace ------------------------------------------------------------------

/// An operation seen along the trace, while it runs.
struct OpRun {
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
struct Report<'o> {
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

fn trace(
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

fn follow_trace(
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
        let label = match (label, updated) {
            (Some(l), _) | (None, Some(l)) => escaped(l),
            (None, None) => format!("#{observations}"),
        };
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
                        report.line(format!("{shown:<58} {}", describe(&step, &obs)).trim_end())?;
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
    if observations == 0 {
        return Err(unreadable(format!("no observations in {source}")));
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
        let rest = if unknown.is_empty() {
            json!({"violations": violations, "observations": observations, "legal": legal})
        } else {
            json!({"violations": violations, "unknown_names": unknown,
                   "observations": observations, "legal": legal})
        };
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
    }
    Ok(if legal { 0 } else { 1 })
}

/// What one record lets the trace observe.
enum Seen {
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
fn trace_name<T: Copy>(field: Reported<T>, show: fn(T) -> &'static str) -> String {
    match field {
        Reported::Value(v) => show(v).to_string(),
        Reported::Unknown(found) => escaped(&found.to_string()),
        Reported::Null => "null".to_string(),
        Reported::Absent => "-".to_string(),
    }
}

/// The observation a record makes: vm_state (or, without it, status to
/// infer it from) and task_state must be there.
fn observation(
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

/// Follows the operation in flight; writes each one out as it ends.
fn follow(
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

/// `wait`: one verdict per observation for the operation the caller sent.
fn cmd_wait(args: WaitArgs, out: &mut Out) -> Result<u8, Fail> {
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
