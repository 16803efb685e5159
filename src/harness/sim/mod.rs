//! A fake Nova: a seeded, deterministic simulator of one or many servers.
//!
//! Each [`Simulator::step`] picks a server and one event for it (an action
//! a user sends, the next write or a failure of the action in flight, a
//! power sync, a compute restart, an admin reset-state), applies it with
//! [`apply`], and returns the [`Write`]: the state before and after, the
//! [`Operation`] that made it, and a clock. Every write changes the
//! server's state and is a step the relation takes, so the writes of one
//! server, in order, are a gap-free legal trace from its build. The same
//! seed and [`Config`] give the same writes, on every platform: the
//! randomness is [`SplitMix64`], a few lines of this crate.
//!
//! `no_std` and allocation-free: the servers live in a slice the caller
//! owns (an array, or a `Vec` with `std`). [`Write::document`] is the
//! server document a `GET /servers/{id}` returns after the write; with
//! the `serde` feature it serializes as Nova's body (`nova-states
//! simulate` prints it). [`Write::notifications`] are the versioned
//! notifications Nova would send for it ([`Notice`]; `nova-states simulate
//! --notifications` prints them).
//!
//! How a run is followed: an accepted action becomes a [`Run`] (the action
//! and the vm_state it started from), and only that run's writes and
//! failures are taken after it (the two traps of [`enabled`]). A task left
//! in flight whose run is not known (a power sync's stop, a compute restart
//! that re-runs an action) is given to the first action, in
//! [`Action::ALL`] order, that can continue it from there.
//!
//! [`enabled`]: crate::machine::enabled
//!
//! # Examples
//!
//! ```
//! use nova_states::harness::sim::{Config, Server, Simulator};
//! use nova_states::apply;
//!
//! let mut sim = Simulator::new(7, Config::DEFAULT, [Server::new(7, 0), Server::new(7, 1)]);
//! for _ in 0..100 {
//!     let Some(w) = sim.step() else { break };
//!     // Every write is a step of the relation.
//!     assert_eq!(apply(w.before, w.event), Ok(w.after));
//! }
//! // Deterministic: the same seed gives the same servers.
//! let mut again = Simulator::new(7, Config::DEFAULT, [Server::new(7, 0), Server::new(7, 1)]);
//! for _ in 0..100 {
//!     again.step();
//! }
//! assert_eq!(sim.servers(), again.servers());
//! ```

use core::fmt;

use crate::machine::enabled::Run;
use crate::machine::relation::{apply, Event};
use crate::machine::state::ServerState;
use crate::rules::edge::Branch;
use crate::rules::outcome::FailurePoint;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::vm::VmState;

mod document;
mod notification;
mod rng;

pub use document::{Document, Timestamp, Uuid};
pub use notification::Notice;
pub use rng::SplitMix64;

/// How often each kind of event happens, in parts per million.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::Config;
///
/// // No failure paths at all.
/// let calm = Config { failures: 0, ..Config::DEFAULT };
/// assert_eq!(calm.failures, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// A step of an action in flight (or an accepted request) fails
    /// instead (a failure point of its row, or a reschedule after a
    /// failure on the host); a compute restart's own handling fails. 0: no
    /// failure path is ever taken.
    pub failures: u32,
    /// A step is a power sync reading a power state from the hypervisor.
    pub power_sync: u32,
    /// A step is a compute service restart.
    pub restart: u32,
    /// A step is an admin's reset-state.
    pub reset_state: u32,
    /// A user's request is a delete, soft or hard (the rest are the other
    /// actions).
    pub delete: u32,
}

impl Config {
    /// 2% failures, 5% power syncs, 1% restarts, 0.5% reset-states, 1% of
    /// requests deletes.
    pub const DEFAULT: Config = Config {
        failures: 20_000,
        power_sync: 50_000,
        restart: 10_000,
        reset_state: 5_000,
        delete: 10_000,
    };
}

/// What made a write: an action (a user's request and its run), or one of
/// Nova's own doings.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::Operation;
/// use nova_states::Action;
///
/// assert_eq!(Operation::Action(Action::Stop).as_str(), "stop");
/// assert_eq!(Operation::PowerSync.as_str(), "power_sync");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// The action's request, one of its writes, or one of its failures.
    Action(Action),
    /// The power sync (`_sync_instance_power_state`).
    PowerSync,
    /// A compute service restart (`_init_instance`).
    Restart,
    /// An admin's `os-resetState`.
    ResetState,
}

impl Operation {
    /// The name: the action's wire name, `power_sync`, `restart` or
    /// `reset_state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::Operation;
    /// assert_eq!(Operation::Restart.as_str(), "restart");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::Action(a) => a.as_str(),
            Operation::PowerSync => "power_sync",
            Operation::Restart => "restart",
            Operation::ResetState => "reset_state",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One simulated server: its id, its state, the run in flight, the time of
/// its last write.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::Server;
/// use nova_states::ServerState;
///
/// let s = Server::new(1, 0);
/// assert_eq!(s.state, ServerState::BUILD_REQUEST);
/// assert_ne!(s.id, Server::new(1, 1).id);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// A 128-bit id, from the seed and the server's number (print it as a
    /// UUID).
    pub id: u128,
    /// What the three `OS-EXT-STS` fields say.
    pub state: ServerState,
    /// The action in flight and where it started, if known.
    pub run: Option<Run>,
    /// The clock at its last write (0: none yet).
    pub updated: u64,
}

impl Server {
    /// A server just accepted for build ([`ServerState::BUILD_REQUEST`]),
    /// its create in flight; its id made from `seed` and `number`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::Server;
    /// assert_eq!(Server::new(5, 2), Server::new(5, 2));
    /// ```
    pub fn new(seed: u64, number: u64) -> Server {
        let mut r = SplitMix64::new(seed ^ number.wrapping_mul(0xa076_1d64_78bd_642f));
        let id = (u128::from(r.next_u64()) << 64) | u128::from(r.next_u64());
        // A version-4 UUID's fixed bits.
        let id = (id & !(0xf_u128 << 76) | (0x4_u128 << 76)) & !(0x3_u128 << 62) | (0x2_u128 << 62);
        Server {
            id,
            state: ServerState::BUILD_REQUEST,
            run: Some(Run {
                action: Action::Create,
                start: VmState::Building,
            }),
            updated: 0,
        }
    }
}

/// One write the simulator made.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::{Config, Server, Simulator};
///
/// let mut sim = Simulator::new(1, Config::DEFAULT, [Server::new(1, 0)]);
/// let w = sim.step().unwrap();
/// assert_ne!(w.before, w.after);
/// assert_eq!(sim.servers()[w.server].state, w.after);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write {
    /// The server's position in the simulator's slice.
    pub server: usize,
    /// The event applied.
    pub event: Event,
    /// What made it.
    pub operation: Operation,
    /// The state before.
    pub before: ServerState,
    /// The state after (never equal to `before`).
    pub after: ServerState,
    /// The clock (seconds since the simulation began, increasing).
    pub at: u64,
}

/// The simulator: a generator, a [`Config`], the servers and a clock.
///
/// `S` is whatever holds the servers: `[Server; N]`, `&mut [Server]`, or a
/// `Vec<Server>`.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::{Config, Server, Simulator};
///
/// let servers = [Server::new(9, 0), Server::new(9, 1), Server::new(9, 2)];
/// let mut sim = Simulator::new(9, Config { failures: 0, ..Config::DEFAULT }, servers);
/// let mut last = 0;
/// while let Some(w) = sim.step() {
///     assert!(w.at > last);
///     last = w.at;
///     if last > 500 {
///         break;
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Simulator<S> {
    rng: SplitMix64,
    config: Config,
    servers: S,
    clock: u64,
}

impl<S: AsRef<[Server]> + AsMut<[Server]>> Simulator<S> {
    /// A simulator of `servers`, seeded with `seed`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Config, Server, Simulator};
    /// let sim = Simulator::new(0, Config::DEFAULT, [Server::new(0, 0)]);
    /// assert_eq!(sim.servers().len(), 1);
    /// ```
    pub fn new(seed: u64, config: Config, servers: S) -> Simulator<S> {
        Simulator {
            rng: SplitMix64::new(seed),
            config,
            servers,
            clock: 0,
        }
    }

    /// The servers, as they are now.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Config, Server, Simulator};
    /// use nova_states::ServerState;
    /// let sim = Simulator::new(0, Config::DEFAULT, [Server::new(0, 0)]);
    /// assert_eq!(sim.servers()[0].state, ServerState::BUILD_REQUEST);
    /// ```
    pub fn servers(&self) -> &[Server] {
        self.servers.as_ref()
    }

    /// The next write: a server picked at random among those not deleted,
    /// and an event for it that changes its state. `None` when every
    /// server is deleted (a deleted server is gone: nothing happens to it).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Config, Server, Simulator};
    /// let mut sim = Simulator::new(4, Config::DEFAULT, [Server::new(4, 0)]);
    /// let w = sim.step().unwrap();
    /// assert_eq!(w.server, 0);
    /// ```
    pub fn step(&mut self) -> Option<Write> {
        let live = self
            .servers
            .as_ref()
            .iter()
            .filter(|s| s.state.vm != VmState::Deleted)
            .count();
        if live == 0 {
            return None;
        }
        let pick = usize::try_from(self.rng.below(live as u64)).unwrap_or(0);
        let (index, server) = self
            .servers
            .as_mut()
            .iter_mut()
            .enumerate()
            .filter(|(_, s)| s.state.vm != VmState::Deleted)
            .nth(pick)?;
        // A server always has a way on (a power sync or a restart when
        // nothing else moves it); a few tries find one.
        for _ in 0..64 {
            if let Some((event, operation, after, run)) =
                choose(&mut self.rng, &self.config, server)
            {
                self.clock += 1 + self.rng.below(5);
                let before = server.state;
                server.state = after;
                server.run = run;
                server.updated = self.clock;
                return Some(Write {
                    server: index,
                    event,
                    operation,
                    before,
                    after,
                    at: self.clock,
                });
            }
        }
        None
    }
}

type Choice = (Event, Operation, ServerState, Option<Run>);

/// The n-th item of `iter` for a random n, or `None` if it is empty.
fn pick<T, I: Iterator<Item = T>>(rng: &mut SplitMix64, make: impl Fn() -> I) -> Option<T> {
    let n = make().count() as u64;
    if n == 0 {
        return None;
    }
    let k = usize::try_from(rng.below(n)).unwrap_or(0);
    make().nth(k)
}

/// The first run that can go on from `state`, preferring one that started
/// from its vm_state.
fn owner(state: ServerState) -> Option<Run> {
    if state.task.is_none() && state.vm != VmState::Building {
        return None;
    }
    let starts = core::iter::once(state.vm).chain(VmState::ALL);
    starts
        .flat_map(|start| {
            Action::ALL
                .into_iter()
                .map(move |action| Run { action, start })
        })
        .find(|run| run.continues_in(state))
}

fn choose(rng: &mut SplitMix64, config: &Config, server: &Server) -> Option<Choice> {
    let state = server.state;
    let run = match server.run {
        Some(run) if run.continues_in(state) => Some(run),
        _ => owner(state),
    };
    let roll = rng.below(1_000_000);
    let power_sync = u64::from(config.power_sync);
    let restart = power_sync + u64::from(config.restart);
    let reset = restart + u64::from(config.reset_state);
    if roll < power_sync {
        // The hypervisor mostly agrees with the database.
        let power = if rng.chance(500_000) {
            state.power
        } else {
            *PowerState::ALL.get(usize::try_from(rng.below(PowerState::COUNT as u64)).ok()?)?
        };
        let after = apply(state, Event::PowerObserved(power)).ok()?;
        return changed(
            state,
            Event::PowerObserved(power),
            Operation::PowerSync,
            after,
            None,
        );
    }
    if roll < restart {
        let event = if config.failures > 0 && rng.chance(config.failures) {
            Event::ComputeRestartFails(state.power)
        } else {
            Event::ComputeRestart(state.power)
        };
        let after = apply(state, event).ok()?;
        return changed(state, event, Operation::Restart, after, None);
    }
    if roll < reset {
        let vm = if rng.chance(500_000) {
            VmState::Active
        } else {
            VmState::Error
        };
        let after = apply(state, Event::ResetState(vm)).ok()?;
        return changed(
            state,
            Event::ResetState(vm),
            Operation::ResetState,
            after,
            None,
        );
    }
    // The run in flight goes on, most of the time.
    if let Some(run) = run {
        if rng.chance(900_000) {
            let op = Operation::Action(run.action);
            let fail = config.failures > 0 && rng.chance(config.failures);
            let moved = |(_, next): &(Event, ServerState)| *next != state;
            // A reschedule follows a failure on the host: a failure path.
            let rescheduled = |(event, _): &(Event, ServerState)| match event {
                Event::Write { action, edge } => action
                    .edges()
                    .get(usize::from(*edge))
                    .is_some_and(|e| e.branch == Branch::Reschedule),
                _ => false,
            };
            let step = if fail {
                pick(rng, || {
                    run.failures(state)
                        .chain(run.next_writes(state).filter(rescheduled))
                        .filter(moved)
                })
            } else {
                pick(rng, || {
                    run.next_writes(state)
                        .filter(|w| !rescheduled(w))
                        .filter(moved)
                })
            };
            let (event, after) = step?;
            let ended = match event {
                Event::Write { edge, .. } => run
                    .action
                    .edges()
                    .get(usize::from(edge))
                    .map_or(true, |e| e.end),
                _ => after.task.is_none() && after.vm != VmState::Building,
            };
            let next_run = if ended { None } else { Some(run) };
            return changed(state, event, op, after, next_run);
        }
    }
    request(rng, config, state)
}

/// A user's request: an action accepted here whose API write changes the
/// state (or, at the failure rate, one of its API failures).
fn request(rng: &mut SplitMix64, config: &Config, state: ServerState) -> Option<Choice> {
    let deletes = rng.chance(config.delete);
    let wanted = move |a: &Action| {
        let is_delete = matches!(a, Action::Delete | Action::ForceDelete | Action::SoftDelete);
        !matches!(a, Action::Create | Action::ResetState) && is_delete == deletes
    };
    let fail = config.failures > 0 && rng.chance(config.failures);
    let accepted = Action::ALL
        .into_iter()
        .filter(wanted)
        .flat_map(move |action| {
            action
                .edges()
                .iter()
                .enumerate()
                .filter(|(_, e)| e.api)
                .filter_map(move |(i, _)| {
                    let event = Event::Write {
                        action,
                        edge: u8::try_from(i).ok()?,
                    };
                    let after = apply(state, event).ok()?;
                    (after != state).then_some((action, event, after))
                })
        });
    let failed = Action::ALL
        .into_iter()
        .filter(wanted)
        .flat_map(move |action| {
            action
                .failure_phases()
                .iter()
                .enumerate()
                .filter(|(_, row)| matches!(row.at, FailurePoint::Api))
                .flat_map(move |(p, row)| {
                    (0..row.ends.len()).filter_map(move |e| {
                        let event = Event::Fail {
                            action,
                            phase: u8::try_from(p).ok()?,
                            end: u8::try_from(e).ok()?,
                        };
                        let after = apply(state, event).ok()?;
                        (after != state).then_some((action, event, after))
                    })
                })
        });
    let (action, event, after) = if fail {
        pick(rng, || failed.clone())?
    } else {
        pick(rng, || accepted.clone())?
    };
    // Accept is the first API edge: say so.
    let event = match event {
        Event::Write { edge, .. }
            if action.edges().iter().position(|e| e.api) == Some(usize::from(edge)) =>
        {
            Event::Accept(action)
        }
        other => other,
    };
    let run = Run {
        action,
        start: state.vm,
    };
    let next_run = (!fail && run.continues_in(after)).then_some(run);
    changed(state, event, Operation::Action(action), after, next_run)
}

fn changed(
    before: ServerState,
    event: Event,
    operation: Operation,
    after: ServerState,
    run: Option<Run>,
) -> Option<Choice> {
    if after == before {
        return None;
    }
    let run = match run {
        Some(run) => Some(run),
        None => owner(after),
    };
    Some((event, operation, after, run))
}
