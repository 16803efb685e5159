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

mod commands;

use commands::check::cmd_check;
use commands::explain::{cmd_explain, read_options};
use commands::model::cmd_model;
use commands::simulate::cmd_simulate;
use commands::trace::trace;
use commands::wait::cmd_wait;

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
    /// documents, or concatenated `openstack server show -f json` outputs,
    /// or Nova's versioned notifications (instance.<action>.start/.end/.error,
    /// plain or in an oslo envelope; other kinds are skipped and counted);
    /// `...` lines are gaps (and blank lines, between polling lines). Output
    /// is streamed, one line per observation. Several servers in one stream
    /// (documents with ids, polled `{"servers": [...]}` lists or `openstack
    /// server list --long -f json` arrays) are followed each by its id.
    /// Exit 0 legal, 1 impossible, 2 unreadable.
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
    /// Print the versioned notifications Nova would send instead
    /// (instance.<action>.start/.end/.error, JSON Lines, as in Nova's
    /// doc/notification_samples); they pass `trace`.
    #[arg(long)]
    notifications: bool,
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
    /// Strict mode: a step that needs more than N operations between two
    /// polls (the fewest that explain it) is a violation (exit 1).
    #[arg(long, value_name = "N")]
    max_operations_between: Option<u8>,
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
            None,
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
                args.max_operations_between,
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
