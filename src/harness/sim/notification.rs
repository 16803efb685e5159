//! The versioned notifications Nova would send for a write: an action's
//! `instance.<action>.start` when its run begins, `.end` when it ends,
//! `.error` when it fails on the compute side, each named from
//! [`NOTIFIED_ACTIONS`] and carrying the payload's state as Nova's samples
//! do (a `.start` the state its API write made, an `.end` the state its
//! last write made, an `.error` the state from before the failure).
//!
//! A failure in the API sends nothing, one while scheduling sends the
//! conductor's `compute_task.<method>.error` (not an instance
//! notification); a failure at a task state both the conductor and the
//! compute host hold (`resize_prep`) is given the compute host's `.error`.
//! A reboot's failure sends `.error` and then `.end` when the guest still
//! runs (it ends at (active, null)), and no instance notification when it
//! does not (nova/compute/manager.py:4514-4550).
//!
//! What is left out: the notifications of an operation's inner steps
//! (`resize` between `resize_prep` and `resize_finish`, the live
//! migration's `post`), `instance.update` and `instance.exists` (sent
//! without a phase), and what power syncs, compute restarts and
//! reset-states send (no `instance.<action>` with a phase).

use super::*;
use crate::read::{EventType, InstanceState, NotifiedAction, Part, Phase, NOTIFIED_ACTIONS};
use crate::rules::outcome::FailurePoint;

/// One notification the simulator emits.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::{Config, Server, Simulator};
/// use nova_states::read::Phase;
///
/// let mut sim = Simulator::new(3, Config { failures: 0, ..Config::DEFAULT }, [Server::new(3, 0)]);
/// let mut seen = Vec::new();
/// while let Some(w) = sim.step() {
///     seen.extend(w.notifications(sim.servers()[0].id).into_iter().flatten());
///     if seen.len() > 4 { break; }
/// }
/// // The build's first write sends create.start.
/// assert_eq!(seen[0].event().to_string(), "instance.create.start");
/// assert!(seen.iter().all(|n| n.phase != Phase::Error));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    /// The notification action (a row of [`NOTIFIED_ACTIONS`]).
    pub action: &'static NotifiedAction,
    /// The phase.
    pub phase: Phase,
    /// The payload's state.
    pub state: InstanceState,
    /// When (the write's clock).
    pub at: Timestamp,
}

impl Notice {
    /// The event type (`instance.snapshot.start`).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Notice, Timestamp};
    /// use nova_states::read::{InstanceState, NotifiedAction, Phase, Uuid};
    /// use nova_states::ServerState;
    /// let n = Notice {
    ///     action: NotifiedAction::find("pause").unwrap(),
    ///     phase: Phase::End,
    ///     state: InstanceState::of(Uuid(1), ServerState::BUILD_REQUEST),
    ///     at: Timestamp(0),
    /// };
    /// assert_eq!(n.event().to_string(), "instance.pause.end");
    /// ```
    pub const fn event(&self) -> EventType {
        EventType::Instance {
            action: self.action,
            phase: self.phase,
        }
    }
}

/// The row that opens `action`'s runs, the row that closes them, the row
/// that says they failed.
fn rows(action: Action) -> [Option<&'static NotifiedAction>; 3] {
    let mut of = NOTIFIED_ACTIONS
        .iter()
        .filter(move |row| row.actions.contains(action));
    let opens = of
        .clone()
        .find(|r| matches!(r.part, Part::Whole | Part::Opens));
    let closes = of
        .clone()
        .find(|r| matches!(r.part, Part::Whole | Part::Closes));
    let fails = of.find(|r| r.sends(Phase::Error));
    [opens, closes, fails]
}

impl Write {
    /// The notifications Nova would send for this write, for the server
    /// with id `id`: at most a start and an end (an action whose API write
    /// ends it), or one error.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::{Config, Server, Simulator};
    ///
    /// let mut sim = Simulator::new(5, Config::DEFAULT, [Server::new(5, 0)]);
    /// let w = sim.step().unwrap();
    /// for n in w.notifications(sim.servers()[0].id).into_iter().flatten() {
    ///     assert!(n.action.actions.contains(nova_states::Action::Create));
    /// }
    /// ```
    pub fn notifications(&self, id: u128) -> [Option<Notice>; 2] {
        let Operation::Action(action) = self.operation else {
            return [None, None];
        };
        let [opens, closes, fails] = rows(action);
        let notice = |row: Option<&'static NotifiedAction>, phase, state| {
            row.filter(|r| r.sends(phase)).map(|action| Notice {
                action,
                phase,
                state: InstanceState::of(Uuid(id), state),
                at: Timestamp(self.at),
            })
        };
        let ended = self.after.task.is_none() && self.after.vm != VmState::Building;
        match self.event {
            Event::Fail { phase, .. } => {
                let point = action
                    .failure_phases()
                    .get(usize::from(phase))
                    .map(|row| row.at);
                // Failed in the API: no compute ever sent .start. Failed
                // while scheduling: the conductor sends
                // compute_task.<method>.error instead
                // (nova/compute/utils.py:1011-1040, through
                // nova/conductor/manager.py:448-450 and
                // nova/scheduler/utils.py:951,1002).
                let compute = !matches!(
                    point,
                    None | Some(FailurePoint::Api)
                        | Some(FailurePoint::At(crate::wire::task::TaskState::Scheduling))
                );
                let reboot = matches!(action, Action::RebootSoft | Action::RebootHard);
                if !compute {
                    [None, None]
                } else if reboot {
                    // A reboot sends .error only while the guest runs, and
                    // then goes on to save (active, null) and send .end; a
                    // reboot that leaves the guest down sets the error
                    // state and sends neither (nova/compute/manager.py:4514-4550).
                    let recovered = self.after.vm == VmState::Active && self.after.task.is_none();
                    if recovered {
                        [
                            notice(fails, Phase::Error, self.before),
                            notice(closes, Phase::End, self.after),
                        ]
                    } else {
                        [None, None]
                    }
                } else {
                    [notice(fails, Phase::Error, self.before), None]
                }
            }
            Event::Accept(_) => [
                notice(opens, Phase::Start, self.after),
                ended
                    .then(|| notice(closes, Phase::End, self.after))
                    .flatten(),
            ],
            Event::Write { .. }
                if action == Action::Create && self.before == ServerState::BUILD_REQUEST =>
            {
                [
                    notice(opens, Phase::Start, self.after),
                    ended
                        .then(|| notice(closes, Phase::End, self.after))
                        .flatten(),
                ]
            }
            Event::Write { .. } if ended => [notice(closes, Phase::End, self.after), None],
            _ => [None, None],
        }
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for Notice {
    /// As Nova's samples: `event_type`, `payload` (an
    /// `InstanceActionPayload` whose `nova_object.data` holds the state
    /// part), `priority` (`ERROR` for an error, nova/compute/utils.py:449-459),
    /// `publisher_id`, and `timestamp`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut n = serializer.serialize_struct("Notification", 5)?;
        n.serialize_field("event_type", &Shown(self.event()))?;
        n.serialize_field("payload", &Payload(self.state))?;
        let priority = if self.phase == Phase::Error {
            "ERROR"
        } else {
            "INFO"
        };
        n.serialize_field("priority", priority)?;
        n.serialize_field("publisher_id", "nova-compute:nova-states-sim")?;
        n.serialize_field("timestamp", &Shown(self.at))?;
        n.end()
    }
}

#[cfg(feature = "serde")]
struct Payload(InstanceState);

#[cfg(feature = "serde")]
impl serde::Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut p = serializer.serialize_struct("InstanceActionPayload", 4)?;
        p.serialize_field("nova_object.name", "InstanceActionPayload")?;
        p.serialize_field("nova_object.namespace", "nova")?;
        p.serialize_field("nova_object.version", "1.9")?;
        p.serialize_field("nova_object.data", &Data(self.0))?;
        p.end()
    }
}

#[cfg(feature = "serde")]
struct Data(InstanceState);

#[cfg(feature = "serde")]
impl serde::Serialize for Data {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let s = self.0;
        let mut d = serializer.serialize_struct("InstancePayload", 4)?;
        d.serialize_field("uuid", &Shown(s.uuid))?;
        d.serialize_field("state", &s.vm)?;
        d.serialize_field("task_state", &s.task)?;
        // By name, as the payload carries it (nova/objects/fields.py:1136-1142),
        // not the API's integer.
        d.serialize_field("power_state", &s.power.map(PowerState::as_str))?;
        d.end()
    }
}

/// Serializes a value as its `Display` text, without allocating.
#[cfg(feature = "serde")]
struct Shown<T>(T);

#[cfg(feature = "serde")]
impl<T: fmt::Display> serde::Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}
