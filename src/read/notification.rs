//! Nova's versioned notifications: the event type, the state part of the
//! payload, and the oslo envelope around them.
//!
//! Nova emits `instance.<action>.<phase>` notifications
//! (`EventType.to_notification_event_type_field`,
//! nova/notifications/objects/base.py:92-97) with an `InstanceActionPayload`
//! whose `nova_object.data` holds, among much else, `uuid`, `state` (the
//! vm_state), `task_state` and `power_state` (nova/notifications/objects/instance.py:27,53-55,75,102-104).
//! The power state travels as its name (`running`, `pending` for
//! NOSTATE): `InstancePowerState.coerce` turns the database's integer
//! into the name (nova/objects/fields.py:1111-1142). The phase is one of
//! `start`, `end`, `error`, `progress` (nova/objects/fields.py:906-912).
//!
//! [`NOTIFIED_ACTIONS`] is the one table from a notification's action to
//! the model's [`Action`]s: every `instance.<action>` Nova sends with a
//! phase, the phases it sends, and the `path:line`s of the calls. Several
//! notification actions map to several actions (one compute method serves
//! both: `reboot` is soft and hard, `snapshot` is also a backup, `rebuild`
//! also an evacuation, the `resize_*` family also a cold migration,
//! `delete` also a force-delete and, for a server without a host, a soft
//! delete; `shelve_offload` also ends a shelve when the offload is
//! immediate); a few map to none (`shutdown` is a step
//! of a delete, `share_attach`/`share_detach` are actions this model does
//! not have). Notifications without a phase (`instance.update`,
//! `instance.exists`, `instance.lock`, `instance.evacuate`,
//! `instance.rebuild_scheduled`) and every other object
//! (`compute.exception`, `scheduler.select_destinations`...) are not
//! mapped: [`EventType::Unmapped`], [`EventType::Other`].
//!
//! What a payload's state means, as Nova's functional tests
//! (nova/tests/functional/notification_sample_tests/test_instance.py) show
//! it:
//!
//! - A `.start` is sent from the instance object in memory, which can hold
//!   a task_state not saved yet: `reboot.start` carries
//!   `reboot_pending_hard`, set at nova/compute/manager.py:4432, sent at
//!   4453-4458 and saved only at 4461
//!   (doc/notification_samples/instance-reboot-start.json).
//! - An `.error` carries the state from before the error: the task_state
//!   is cleared or reverted, or the vm_state set to error, after it is
//!   sent. `reboot.error` still says `reboot_started_hard`
//!   (manager.py:4521-4526, instance-reboot-error.json); it is sent only
//!   when the guest still runs, and the reboot then goes on to save
//!   (active, null) and send `reboot.end` too (manager.py:4514-4550).
//!   `resize.error` still says `resize_prep` (manager.py:6463-6467,
//!   instance-resize-error.json; `_error_out_instance_on_exception`,
//!   manager.py:11671, writes afterwards), `create.error` still says
//!   `building` (manager.py:2700-2702, instance-create-error.json).
//! - An `.error` does not always end the operation: a resize whose
//!   prep_resize fails sends `resize.error` and may be rescheduled to
//!   another host and go on (`_reschedule_resize_or_reraise`,
//!   manager.py:6463-6467; test_instance.py:1055-1123).
//! - Each is a state the server was in (or, for a `.start`, is about to be
//!   in), so a stream of them is a polled trace with gaps; a `.start` also
//!   says which operation began ([`crate::Validator::started`]).
//!
//! The library reads the JSON with the `serde` feature
//! ([`Notification`]'s `Deserialize`, [`EnvelopeSeed`]); the rest is
//! `no_std` and allocation-free.
//!
//! # Examples
//!
//! ```
//! use nova_states::read::{EventType, Phase};
//! use nova_states::Action;
//!
//! let event = EventType::parse("instance.snapshot.start")?;
//! let EventType::Instance { action, phase } = event else { unreachable!() };
//! assert_eq!(phase, Phase::Start);
//! assert!(action.actions.contains(Action::Snapshot));
//! assert!(action.actions.contains(Action::Backup));
//! assert!(matches!(EventType::parse("compute.exception")?, EventType::Other(_)));
//! # Ok::<(), nova_states::read::NotificationError>(())
//! ```

use core::fmt;

use crate::machine::state::ServerState;
use crate::read::trace::Observation;
use crate::wire::action::Action;
use crate::wire::error::{Found, ParseError};
use crate::wire::power::PowerState;
use crate::wire::set::ActionSet;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The phase of a notification (nova/objects/fields.py:906-912).
///
/// # Examples
///
/// ```
/// use nova_states::read::Phase;
/// assert_eq!(Phase::parse("error"), Some(Phase::Error));
/// assert_eq!(Phase::End.as_str(), "end");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// `start`.
    Start,
    /// `end`.
    End,
    /// `error`.
    Error,
    /// `progress` (only `image_cache` sends it, nova/compute/utils.py:848-849).
    Progress,
}

impl Phase {
    /// The wire name.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::Phase;
    /// assert_eq!(Phase::Start.as_str(), "start");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::End => "end",
            Phase::Error => "error",
            Phase::Progress => "progress",
        }
    }

    /// The phase named `text`, if it is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::Phase;
    /// assert_eq!(Phase::parse("start"), Some(Phase::Start));
    /// assert_eq!(Phase::parse("START"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Phase> {
        [Phase::Start, Phase::End, Phase::Error, Phase::Progress]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a notification action stands in the operation(s) it belongs to.
///
/// # Examples
///
/// ```
/// use nova_states::read::{NotifiedAction, Part};
/// assert_eq!(NotifiedAction::find("resize_prep").unwrap().part, Part::Opens);
/// assert_eq!(NotifiedAction::find("pause").unwrap().part, Part::Whole);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Its `.start` and `.end` bracket the whole operation.
    Whole,
    /// It opens the operation; another notification action ends it.
    Opens,
    /// A step inside the operation.
    Inside,
    /// It ends the operation.
    Closes,
    /// A step of the operation's rollback.
    Undoes,
    /// A step of an operation of another notification action (`shutdown`
    /// inside a delete).
    Within,
}

/// One row of [`NOTIFIED_ACTIONS`]: a notification action Nova sends with
/// a phase, the model's actions whose runs send it, and where.
///
/// # Examples
///
/// ```
/// use nova_states::read::{NotifiedAction, Phase};
/// use nova_states::Action;
///
/// let reboot = NotifiedAction::find("reboot").unwrap();
/// assert_eq!(reboot.actions.len(), 2);
/// assert!(reboot.sends(Phase::Error));
/// assert!(NotifiedAction::find("share_attach").unwrap().actions.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NotifiedAction {
    /// The `NotificationAction` value (nova/objects/fields.py:954-1013).
    pub name: &'static str,
    /// The model's actions whose runs send it (empty: none of them).
    pub actions: ActionSet,
    /// The phases Nova sends it with.
    pub phases: &'static [Phase],
    /// Its place in the operation.
    pub part: Part,
    /// The calls that send it, `path:line` at [`crate::NOVA_COMMIT`].
    pub source: &'static str,
}

impl NotifiedAction {
    /// The row named `name` (`"snapshot"`), if the table has it.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::NotifiedAction;
    /// assert!(NotifiedAction::find("power_off").is_some());
    /// assert!(NotifiedAction::find("update").is_none()); // sent without a phase
    /// ```
    pub fn find(name: &str) -> Option<&'static NotifiedAction> {
        NOTIFIED_ACTIONS.iter().find(|row| row.name == name)
    }

    /// Whether Nova sends it with `phase`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{NotifiedAction, Phase};
    /// assert!(!NotifiedAction::find("pause").unwrap().sends(Phase::Error));
    /// ```
    pub fn sends(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }

    /// The rows whose `actions` hold `action`, in table order (the order
    /// one operation sends them).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::NotifiedAction;
    /// use nova_states::Action;
    /// let names: Vec<_> = NotifiedAction::of(Action::Migrate).map(|r| r.name).collect();
    /// assert_eq!(names, ["resize_prep", "resize", "resize_finish"]);
    /// ```
    pub fn of(action: Action) -> impl Iterator<Item = &'static NotifiedAction> {
        NOTIFIED_ACTIONS
            .iter()
            .filter(move |row| row.actions.contains(action))
    }
}

const SE: &[Phase] = &[Phase::Start, Phase::End];
const SEE: &[Phase] = &[Phase::Start, Phase::End, Phase::Error];

const fn row(
    name: &'static str,
    actions: &[Action],
    phases: &'static [Phase],
    part: Part,
    source: &'static str,
) -> NotifiedAction {
    NotifiedAction {
        name,
        actions: ActionSet::from_slice(actions),
        phases,
        part,
        source,
    }
}

/// Every `instance.<action>` notification Nova sends with a phase, and the
/// model's actions whose runs send it: the one table (see the module
/// docs). An action's rows are in the order one of its runs sends them (a
/// soft delete's own row before the delete row it shares).
///
/// # Examples
///
/// ```
/// use nova_states::read::NOTIFIED_ACTIONS;
/// use nova_states::Action;
///
/// // Every action with a row is one the model knows; a few rows have none.
/// let unmapped: Vec<_> = NOTIFIED_ACTIONS.iter().filter(|r| r.actions.is_empty()).map(|r| r.name).collect();
/// assert_eq!(unmapped, ["shutdown", "share_attach", "share_detach"]);
/// ```
pub const NOTIFIED_ACTIONS: &[NotifiedAction] = &[
    row(
        "create",
        &[Action::Create],
        SEE,
        Part::Whole,
        "_build_and_run_instance: nova/compute/manager.py:2625-2627 start, 2700-2702 error (also 2708-2828), 2835-2836 end; nova/compute/utils.py:503-528",
    ),
    row(
        "soft_delete",
        &[Action::SoftDelete],
        SE,
        Part::Whole,
        "soft_delete_instance: nova/compute/manager.py:3602-3604 start and end, through nova/compute/utils.py:1507-1535",
    ),
    row(
        "delete",
        &[Action::Delete, Action::ForceDelete, Action::SoftDelete],
        SE,
        Part::Whole,
        "_delete_instance (every delete a compute host runs, force_delete too): nova/compute/manager.py:3363-3365 start, 3406-3408 end; the API's own deletes of a server with no host or a down one, nova/compute/api.py:2412-2413, 2504-2505, 2561-2565, 2735-2737 (a soft_delete there is a delete; a force_delete there sends none, nova/compute/utils.py:1513-1515)",
    ),
    row(
        "shutdown",
        &[],
        SE,
        Part::Within,
        "_shutdown_instance, a step of a delete: nova/compute/manager.py:3181-3183 start, 3300-3302 end",
    ),
    row(
        "restore",
        &[Action::Restore],
        SE,
        Part::Whole,
        "restore_instance: nova/compute/manager.py:3625-3627 start, 3639-3641 end",
    ),
    row(
        "power_off",
        &[Action::Stop],
        SE,
        Part::Whole,
        "do_stop_instance: nova/compute/manager.py:3490-3492 start, 3502-3504 end (also a power-update external event, nova/compute/manager.py:11926-11955, which no action here models)",
    ),
    row(
        "power_on",
        &[Action::Start],
        SE,
        Part::Whole,
        "start_instance: nova/compute/manager.py:3548-3550 start, 3567-3569 end (also a power-update external event, nova/compute/manager.py:11921-11955)",
    ),
    row(
        "trigger_crash_dump",
        &[Action::TriggerCrashDump],
        SE,
        Part::Whole,
        "trigger_crash_dump: nova/compute/manager.py:3582-3584 start, 3592-3594 end",
    ),
    row(
        "rebuild",
        &[Action::Rebuild, Action::Evacuate],
        SEE,
        Part::Whole,
        "rebuild_instance (nova/compute/manager.py:3858, evacuations too): nova/compute/manager.py:4154-4157 start, 4269-4272 end, 3845-3850 error; nova/compute/utils.py:903-904",
    ),
    row(
        "reboot",
        &[Action::RebootSoft, Action::RebootHard],
        SEE,
        Part::Whole,
        "_reboot_instance: nova/compute/manager.py:4453-4458 start, 4521-4526 error, 4545-4550 end",
    ),
    row(
        "snapshot",
        &[Action::Snapshot, Action::Backup],
        SE,
        Part::Whole,
        "_snapshot_instance (backup_instance too, nova/compute/manager.py:4568): nova/compute/manager.py:4644-4646 start, 4664-4666 end; nova/compute/utils.py:709-733",
    ),
    row(
        "rescue",
        &[Action::Rescue],
        SE,
        Part::Whole,
        "rescue_instance: nova/compute/manager.py:5272-5274 start, 5304-5306 end; nova/compute/utils.py:621-646",
    ),
    row(
        "unrescue",
        &[Action::Unrescue],
        SE,
        Part::Whole,
        "unrescue_instance: nova/compute/manager.py:5320-5322 start, 5336-5338 end",
    ),
    row(
        "resize_confirm",
        &[Action::ConfirmResize],
        SE,
        Part::Whole,
        "_confirm_resize: nova/compute/manager.py:5446-5448 start, 5495-5497 end",
    ),
    row(
        "resize_revert",
        &[Action::RevertResize],
        SE,
        Part::Whole,
        "_finish_revert_resize: nova/compute/manager.py:6060-6062 start, 6144-6146 end",
    ),
    row(
        "resize_prep",
        &[Action::Resize, Action::Migrate],
        SE,
        Part::Opens,
        "prep_resize: nova/compute/manager.py:6370-6372 start, 6411-6413 end (through 6316-6317); nova/compute/utils.py:739-764",
    ),
    row(
        "resize",
        &[Action::Resize, Action::Migrate],
        SEE,
        Part::Inside,
        "resize_instance: nova/compute/manager.py:6737-6739 start, 6784-6786 end (through 6801-6809); _reschedule_resize_or_reraise: 6463-6467, 6476-6480 error",
    ),
    row(
        "resize_finish",
        &[Action::Resize, Action::Migrate],
        SE,
        Part::Closes,
        "finish_resize: nova/compute/manager.py:6921-6923 start, 7039-7041 end (through 7060-7063)",
    ),
    row(
        "pause",
        &[Action::Pause],
        SE,
        Part::Whole,
        "pause_instance: nova/compute/manager.py:7314-7316 start, 7323-7325 end",
    ),
    row(
        "unpause",
        &[Action::Unpause],
        SE,
        Part::Whole,
        "unpause_instance: nova/compute/manager.py:7336-7338 start, 7345-7347 end",
    ),
    row(
        "suspend",
        &[Action::Suspend],
        SE,
        Part::Whole,
        "suspend_instance: nova/compute/manager.py:7478-7480 start, 7489-7491 end",
    ),
    row(
        "resume",
        &[Action::Resume],
        SE,
        Part::Whole,
        "resume_instance: nova/compute/manager.py:7516-7518 start, 7536-7538 end",
    ),
    row(
        "shelve",
        &[Action::Shelve],
        SE,
        Part::Whole,
        "_shelve_instance: nova/compute/manager.py:7580-7582 start, 7616-7618 end (then the offload at once when shelved_offload_time is 0, 7620-7623)",
    ),
    row(
        "shelve_offload",
        &[Action::ShelveOffload, Action::Shelve],
        SE,
        Part::Whole,
        "_shelve_offload_instance: nova/compute/manager.py:7658-7660 start, 7716-7718 end",
    ),
    row(
        "unshelve",
        &[Action::Unshelve],
        SE,
        Part::Whole,
        "_unshelve_instance: nova/compute/manager.py:7768-7770 start, 7867-7869 end",
    ),
    row(
        "volume_attach",
        &[Action::AttachVolume],
        SEE,
        Part::Whole,
        "_attach_volume: nova/compute/manager.py:8205-8208 start, 8233-8236 error, 8243-8246 end",
    ),
    row(
        "volume_detach",
        &[Action::DetachVolume],
        SE,
        Part::Whole,
        "_detach_volume: nova/compute/manager.py:8294-8297 start, 8312-8315 end",
    ),
    row(
        "volume_swap",
        &[Action::SwapVolume],
        SEE,
        Part::Whole,
        "_do_swap_volume: nova/compute/manager.py:8561-8563 start, 8635-8637 end; _swap_volume: 8439-8441 error; nova/compute/utils.py:675-703",
    ),
    row(
        "interface_attach",
        &[Action::AttachInterface],
        SEE,
        Part::Whole,
        "_attach_interface: nova/compute/manager.py:8931-8934 start, 9014-9017 error, 9037-9040 end",
    ),
    row(
        "interface_detach",
        &[Action::DetachInterface],
        SE,
        Part::Whole,
        "_detach_interface: nova/compute/manager.py:9090-9093 start, 9115-9118 end",
    ),
    row(
        "live_migration_pre",
        &[Action::LiveMigrate],
        SE,
        Part::Opens,
        "_do_pre_live_migration, on the destination: nova/compute/manager.py:9454-9457 start, 9565-9568 end",
    ),
    row(
        "live_migration_post",
        &[Action::LiveMigrate],
        SE,
        Part::Inside,
        "_post_live_migration, on the source: nova/compute/manager.py:10157-10160 start, 10247-10250 end",
    ),
    row(
        "live_migration_post_dest",
        &[Action::LiveMigrate],
        SE,
        Part::Closes,
        "_do_post_live_migration_at_destination: nova/compute/manager.py:10330-10333 start, 10397-10400 end",
    ),
    row(
        "live_migration_rollback",
        &[Action::LiveMigrate],
        SE,
        Part::Undoes,
        "_rollback_live_migration, on the source: nova/compute/manager.py:10538-10541 start, 10604-10607 end",
    ),
    row(
        "live_migration_rollback_dest",
        &[Action::LiveMigrate],
        SE,
        Part::Undoes,
        "_do_rollback_live_migration_at_destination: nova/compute/manager.py:10656-10659 start, 10718-10721 end",
    ),
    row(
        "live_migration_force_complete",
        &[Action::LiveMigrateForceComplete],
        SE,
        Part::Whole,
        "live_migration_force_complete: nova/compute/manager.py:9856-9859 start, 9863-9866 end",
    ),
    row(
        "live_migration_abort",
        &[Action::LiveMigrateAbort],
        SE,
        Part::Whole,
        "live_migration_abort: nova/compute/manager.py:9889-9892 start, 9871-9874 end",
    ),
    row(
        "share_attach",
        &[],
        SEE,
        Part::Whole,
        "allow_share: nova/compute/manager.py:4770-4771 start, 4795-4796 end, 4812-4851 error (no share action in this model)",
    ),
    row(
        "share_detach",
        &[],
        SEE,
        Part::Whole,
        "deny_share: nova/compute/manager.py:4933-4934 start, 4963-4964 and 5009-5010 end, 4979-4995 error (no share action in this model)",
    ),
];

/// What an `event_type` is to this model.
///
/// # Examples
///
/// ```
/// use nova_states::read::{EventType, Phase};
///
/// let e = EventType::parse("instance.reboot.error")?;
/// assert!(matches!(e, EventType::Instance { phase: Phase::Error, .. }));
/// assert_eq!(e.to_string(), "instance.reboot.error");
/// // An instance notification without a phase, or one the table lacks.
/// assert!(matches!(EventType::parse("instance.update")?, EventType::Unmapped(_)));
/// assert!(matches!(EventType::parse("instance.shutdown.start")?, EventType::Unmapped(_)));
/// # Ok::<(), nova_states::read::NotificationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `instance.<action>.<phase>` with a row in [`NOTIFIED_ACTIONS`] that
    /// sends that phase and maps to at least one action.
    Instance {
        /// The row.
        action: &'static NotifiedAction,
        /// The phase.
        phase: Phase,
    },
    /// An `instance.` notification the table does not map (no phase, an
    /// action or phase it does not list, a row that maps to no action:
    /// `instance.shutdown.start`), as written.
    Unmapped(Found),
    /// A notification about something else (`compute.exception`,
    /// `scheduler.select_destinations.start`...), as written.
    Other(Found),
}

impl EventType {
    /// Reads an `event_type`: `object.action` or `object.action.phase`
    /// (nova/notifications/objects/base.py:92-97).
    ///
    /// # Errors
    /// [`NotificationError::MalformedEventType`] for text that is not
    /// dot-separated non-empty words (`""`, `"instance"`, `"a..b"`).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{EventType, NotificationError};
    /// assert!(EventType::parse("instance.pause.start").is_ok());
    /// assert!(matches!(EventType::parse("instance"), Err(NotificationError::MalformedEventType(_))));
    /// ```
    pub fn parse(text: &str) -> Result<EventType, NotificationError> {
        let malformed = || NotificationError::MalformedEventType(Found::new(text));
        let mut parts = text.split('.');
        let object = parts.next().ok_or_else(malformed)?;
        let action = parts.next().ok_or_else(malformed)?;
        let phase = parts.next();
        let more = parts.next().is_some();
        if more
            || object.is_empty()
            || action.is_empty()
            || phase.is_some_and(str::is_empty)
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(malformed());
        }
        if object != "instance" {
            return Ok(EventType::Other(Found::new(text)));
        }
        let mapped = phase.and_then(Phase::parse).and_then(|phase| {
            let row = NotifiedAction::find(action)?;
            (row.sends(phase) && !row.actions.is_empty())
                .then_some(EventType::Instance { action: row, phase })
        });
        Ok(mapped.unwrap_or(EventType::Unmapped(Found::new(text))))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventType::Instance { action, phase } => write!(f, "instance.{}.{phase}", action.name),
            EventType::Unmapped(text) | EventType::Other(text) => f.write_str(text.as_str()),
        }
    }
}

/// A UUID (8-4-4-4-12 hex digits), kept as its 128 bits: the instance's
/// `uuid` (a `UUIDField`, nova/notifications/objects/instance.py:75), and
/// the simulator's server ids.
///
/// # Examples
///
/// ```
/// use nova_states::read::Uuid;
/// let id = Uuid::parse("178b0921-8f85-4257-88b6-2e743b5a975c")?;
/// assert_eq!(id.to_string(), "178b0921-8f85-4257-88b6-2e743b5a975c");
/// assert_eq!(Uuid(1).to_string(), "00000000-0000-0000-0000-000000000001");
/// assert!(Uuid::parse("fake-uuid").is_err());
/// # Ok::<(), nova_states::read::NotificationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub u128);

impl Uuid {
    /// Reads the hyphenated form (either case).
    ///
    /// # Errors
    /// [`NotificationError::BadUuid`] for anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::Uuid;
    /// assert_eq!(Uuid::parse("00000000-0000-0000-0000-0000000000FF")?, Uuid(255));
    /// # Ok::<(), nova_states::read::NotificationError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Uuid, NotificationError> {
        let bad = || NotificationError::BadUuid(Found::new(text));
        if text.len() != 36 {
            return Err(bad());
        }
        let mut value: u128 = 0;
        for (i, b) in text.bytes().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return Err(bad());
                }
                continue;
            }
            let digit = char::from(b).to_digit(16).ok_or_else(bad)?;
            value = (value << 4) | u128::from(digit);
        }
        Ok(Uuid(value))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) & 0xffff_ffff,
            (v >> 80) & 0xffff,
            (v >> 64) & 0xffff,
            (v >> 48) & 0xffff,
            v & 0xffff_ffff_ffff
        )
    }
}

/// The state part of an instance notification's payload
/// (`nova_object.data`): `uuid`, `state` (the vm_state), `task_state`,
/// `power_state` by name.
///
/// # Examples
///
/// ```
/// use nova_states::read::{InstanceState, Uuid};
/// use nova_states::{PowerState, TaskState, VmState};
///
/// let s = InstanceState {
///     uuid: Uuid(7),
///     vm: VmState::Active,
///     task: Some(TaskState::ImageSnapshot),
///     power: Some(PowerState::Running),
/// };
/// let obs = s.observation();
/// assert_eq!((obs.vm, obs.task), (VmState::Active, Some(TaskState::ImageSnapshot)));
/// assert_eq!(obs.status, None); // a notification has no status
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceState {
    /// `uuid`.
    pub uuid: Uuid,
    /// `state`: the vm_state.
    pub vm: VmState,
    /// `task_state` (`null`: none).
    pub task: Option<TaskState>,
    /// `power_state` (`null`: not said).
    pub power: Option<PowerState>,
}

impl InstanceState {
    /// What a trace observes: vm_state, task_state, power_state, no status.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{InstanceState, Uuid};
    /// use nova_states::VmState;
    /// let s = InstanceState { uuid: Uuid(1), vm: VmState::Stopped, task: None, power: None };
    /// assert_eq!(s.observation().vm, VmState::Stopped);
    /// ```
    pub const fn observation(&self) -> Observation {
        Observation {
            vm: self.vm,
            task: self.task,
            power: self.power,
            status: None,
        }
    }

    /// The payload's state of a server in `state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::read::{InstanceState, Uuid};
    /// use nova_states::ServerState;
    /// let s = InstanceState::of(Uuid(2), ServerState::BUILD_REQUEST);
    /// assert_eq!(s.vm, ServerState::BUILD_REQUEST.vm);
    /// ```
    pub const fn of(uuid: Uuid, state: ServerState) -> InstanceState {
        InstanceState {
            uuid,
            vm: state.vm,
            task: state.task,
            power: Some(state.power),
        }
    }
}

/// One notification as this model reads it: what kind, and, for an
/// instance notification the table maps, the payload's state.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use nova_states::read::{EventType, Notification};
/// use nova_states::{TaskState, VmState};
///
/// let text = r#"{"event_type": "instance.snapshot.start", "priority": "INFO",
///   "payload": {"nova_object.name": "InstanceActionSnapshotPayload",
///     "nova_object.data": {"uuid": "178b0921-8f85-4257-88b6-2e743b5a975c",
///       "state": "active", "task_state": "image_snapshot", "power_state": "running",
///       "display_name": "some-server"}}}"#;
/// let n: Notification = serde_json::from_str(text).unwrap();
/// let state = n.state.unwrap();
/// assert_eq!((state.vm, state.task), (VmState::Active, Some(TaskState::ImageSnapshot)));
/// // Other kinds are read without their payload.
/// let n: Notification = serde_json::from_str(r#"{"event_type": "compute.exception", "payload": {}}"#).unwrap();
/// assert!(matches!(n.event, EventType::Other(_)) && n.state.is_none());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Notification {
    /// `event_type`.
    pub event: EventType,
    /// The payload's state: `Some` exactly for [`EventType::Instance`].
    pub state: Option<InstanceState>,
}

/// A notification this model cannot read.
///
/// # Examples
///
/// ```
/// use nova_states::read::NotificationError;
/// assert_eq!(NotificationError::MissingField("uuid").to_string(),
///     "the payload's nova_object.data has no uuid");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// No `event_type`.
    #[error("no event_type: not a Nova notification")]
    MissingEventType,
    /// An `event_type` that is not `object.action[.phase]`.
    #[error("event_type {0} is not object.action or object.action.phase")]
    MalformedEventType(Found),
    /// No `payload`, or no `nova_object.data` in it, for an instance
    /// notification.
    #[error("an instance notification without payload.nova_object.data")]
    MissingPayload,
    /// A state field missing from `nova_object.data`.
    #[error("the payload's nova_object.data has no {0}")]
    MissingField(&'static str),
    /// `uuid` or `state` is `null`.
    #[error("the payload's {0} is null")]
    NullField(&'static str),
    /// A name that is not Nova's.
    #[error("the payload's {field}: {error}")]
    Name {
        /// `state`, `task_state` or `power_state`.
        field: &'static str,
        /// What is wrong with it.
        error: ParseError,
    },
    /// A `uuid` that is not one.
    #[error("uuid {0} is not a UUID (8-4-4-4-12 hex digits)")]
    BadUuid(Found),
    /// A state field that is not a string (nor `null`).
    #[error("the payload's {0} is not a string")]
    NotAString(&'static str),
    /// A key given twice.
    #[error("{0} given twice: which one is meant?")]
    Duplicate(&'static str),
    /// An oslo envelope whose `oslo.version` is not 2.x.
    #[error("oslo.version {0}: only envelope version 2.x is known")]
    EnvelopeVersion(Found),
    /// An oslo envelope without `oslo.message` or `oslo.version`.
    #[error("an oslo envelope without {0}")]
    EnvelopeField(&'static str),
    /// The buffer given for `oslo.message` is too small.
    #[error("oslo.message is {needed} bytes, the buffer {capacity}")]
    BufferTooSmall {
        /// The message's length.
        needed: usize,
        /// The buffer's.
        capacity: usize,
    },
}

#[cfg(feature = "serde")]
mod de;

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use de::EnvelopeSeed;
