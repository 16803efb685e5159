//! Nova's versioned notifications (`nova_states::read::notification`): the
//! samples in tests/data/notifications (Nova's doc/notification_samples,
//! see its INDEX.md) read as Nova's functional tests produce them, the
//! table's mapping, typed errors for malformed input, the oslo envelope,
//! and the simulator's notifications against the table and the validator.

use nova_states::harness::sim::{Config, Operation, Server, Simulator};
use nova_states::read::{
    EnvelopeSeed, EventType, Notification, NotificationError, NotifiedAction, Phase, Uuid,
    NOTIFIED_ACTIONS,
};
use nova_states::{
    Action, Event, Observation, PowerState, StepKind, TaskState, Validator, VmState,
};
use serde::de::DeserializeSeed;

const SAMPLE_UUID: &str = "178b0921-8f85-4257-88b6-2e743b5a975c";

fn stream(name: &str) -> Vec<Notification> {
    let path = format!(
        "{}/tests/data/notifications/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

fn mapped(n: &Notification) -> Option<(&'static NotifiedAction, Phase)> {
    match n.event {
        EventType::Instance { action, phase } => Some((action, phase)),
        _ => None,
    }
}

/// What `trace` does with one notification: a `.start` tells the validator
/// the one mapped action that can be in flight at its state.
fn feed(
    v: &mut Validator,
    n: &Notification,
) -> Option<Result<nova_states::Step, nova_states::Violation>> {
    let (row, phase) = mapped(n)?;
    let obs = n.state?.observation();
    if phase == Phase::Start {
        let began: Vec<Action> = row
            .actions
            .iter()
            .filter(|a| a.in_flight_from(obs.vm, obs.vm, obs.task))
            .collect();
        if let [one] = began[..] {
            v.started(one, obs.vm);
        }
    }
    Some(v.observe(obs))
}

/// Every sample line reads; the instance ones the table maps carry the
/// sample's uuid and a (vm_state, task_state) pair Nova reaches; the
/// others carry no state.
#[test]
fn notification_samples_read() {
    let mut seen_mapped = 0;
    for name in [
        "snapshot.jsonl",
        "reboot-error.jsonl",
        "resize-error.jsonl",
        "resize-revert.jsonl",
        "create-delete.jsonl",
        "power.jsonl",
    ] {
        for n in stream(name) {
            match mapped(&n) {
                Some((row, phase)) => {
                    assert!(row.sends(phase), "{name}: {}", n.event);
                    let state = n.state.unwrap();
                    assert_eq!(state.uuid, Uuid::parse(SAMPLE_UUID).unwrap());
                    let pair = state.observation().pair();
                    assert!(pair.is_possible(), "{name}: {} at {pair:?}", n.event);
                    seen_mapped += 1;
                }
                None => assert!(n.state.is_none(), "{name}: {}", n.event),
            }
        }
    }
    assert!(seen_mapped >= 20, "{seen_mapped}");
}

/// The snapshot of nova/tests/functional/notification_sample_tests/
/// test_instance.py:1205-1225: snapshot.start at (active, image_snapshot)
/// tells the validator a snapshot (not a backup) began; .end ends it.
#[test]
fn notification_stream_snapshot() {
    let notes = stream("snapshot.jsonl");
    let events: Vec<String> = notes.iter().map(|n| n.event.to_string()).collect();
    assert_eq!(events, ["instance.snapshot.start", "instance.snapshot.end"]);
    let mut v = Validator::new();
    let first = feed(&mut v, &notes[0]).unwrap().unwrap();
    assert_eq!(first.kind, StepKind::First);
    assert_eq!(v.current().iter().collect::<Vec<_>>(), [Action::Snapshot]);
    let last = feed(&mut v, &notes[1]).unwrap().unwrap();
    assert_eq!(last.kind, StepKind::Ended);
    assert!(last.operations.contains(Action::Snapshot));
}

/// A `.start` sent from memory before the save (reboot.start at
/// reboot_pending_hard, nova/compute/manager.py:4432-4461) and an `.error`
/// with the state from before the failure (reboot_started_hard,
/// manager.py:4521-4526): both are states of a hard reboot.
#[test]
fn notification_reboot_start_and_error_states() {
    let notes = stream("reboot-error.jsonl");
    let start = notes[0].state.unwrap();
    assert_eq!(start.task, Some(TaskState::RebootPendingHard));
    let error = notes[1].state.unwrap();
    assert_eq!(mapped(&notes[1]).unwrap().1, Phase::Error);
    assert_eq!(error.task, Some(TaskState::RebootStartedHard));
    let mut v = Validator::new();
    feed(&mut v, &notes[0]).unwrap().unwrap();
    assert_eq!(v.current().iter().collect::<Vec<_>>(), [Action::RebootHard]);
    let step = feed(&mut v, &notes[1]).unwrap().unwrap();
    assert_eq!(
        step.operations.iter().collect::<Vec<_>>(),
        [Action::RebootHard]
    );
}

/// The resize that fails in prep_resize (test_instance.py:1125-1203): the
/// scheduler's, instance.exists and compute.exception are other kinds;
/// resize.error still says resize_prep.
#[test]
fn notification_resize_error_stream() {
    let notes = stream("resize-error.jsonl");
    let kinds: Vec<&str> = notes
        .iter()
        .map(|n| match n.event {
            EventType::Instance { .. } => "instance",
            EventType::Unmapped(_) => "unmapped",
            EventType::Other(_) => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["other", "other", "unmapped", "instance", "instance", "instance", "other"]
    );
    let error = notes
        .iter()
        .find(|n| n.event.to_string() == "instance.resize.error")
        .unwrap();
    assert_eq!(error.state.unwrap().task, Some(TaskState::ResizePrep));
    let mut v = Validator::new();
    for n in &notes {
        if let Some(step) = feed(&mut v, n) {
            step.unwrap();
        }
    }
}

/// Names, phases and the mapping: "several to several, or none".
#[test]
fn notification_table_mapping() {
    let names: Vec<&str> = NOTIFIED_ACTIONS.iter().map(|r| r.name).collect();
    for (i, n) in names.iter().enumerate() {
        assert!(!names[..i].contains(n), "{n} twice");
    }
    for row in NOTIFIED_ACTIONS {
        assert!(
            row.source.contains("nova/compute/manager.py:"),
            "{}",
            row.name
        );
        assert!(
            row.sends(Phase::Start) && row.sends(Phase::End),
            "{}",
            row.name
        );
        for phase in row.phases {
            let text = format!("instance.{}.{phase}", row.name);
            let parsed = EventType::parse(&text).unwrap();
            assert_eq!(parsed.to_string(), text);
            assert_eq!(
                matches!(parsed, EventType::Instance { .. }),
                !row.actions.is_empty(),
                "{text}"
            );
        }
    }
    let of = |a| NotifiedAction::of(a).map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(of(Action::Backup), ["snapshot"]);
    assert_eq!(of(Action::Evacuate), ["rebuild"]);
    assert_eq!(of(Action::SoftDelete), ["soft_delete", "delete"]);
    assert_eq!(of(Action::LiveMigrate).len(), 5);
    // Actions no notification names: the consoles, metadata, reset-state.
    for a in [
        Action::GetVncConsole,
        Action::UpdateInstanceMetadata,
        Action::ResetState,
    ] {
        assert!(of(a).is_empty(), "{a}");
    }
    // A phase a row does not send is not mapped.
    assert!(matches!(
        EventType::parse("instance.pause.error").unwrap(),
        EventType::Unmapped(_)
    ));
    assert!(matches!(
        EventType::parse("instance.evacuate").unwrap(),
        EventType::Unmapped(_)
    ));
}

fn read(text: &str) -> Result<Notification, String> {
    serde_json::from_str::<Notification>(text).map_err(|e| e.to_string())
}

fn payload(data: &str) -> String {
    format!(r#"{{"event_type": "instance.pause.end", "payload": {{"nova_object.data": {data}}}}}"#)
}

/// Each malformed notification gets its own typed error.
#[test]
fn notification_bad_inputs() {
    let full = format!(
        r#"{{"uuid": "{SAMPLE_UUID}", "state": "paused", "task_state": null, "power_state": "running"}}"#
    );
    let n = read(&payload(&full)).unwrap();
    let state = n.state.unwrap();
    assert_eq!(
        (state.vm, state.task, state.power),
        (VmState::Paused, None, Some(PowerState::Running))
    );
    let cases: Vec<(String, NotificationError)> = vec![
        (
            r#"{"payload": {}}"#.to_string(),
            NotificationError::MissingEventType,
        ),
        (
            r#"{"event_type": "instance.pause.end"}"#.to_string(),
            NotificationError::MissingPayload,
        ),
        (
            payload(r#"{"state": "paused", "task_state": null, "power_state": "running"}"#),
            NotificationError::MissingField("uuid"),
        ),
        (
            payload(&full.replace("\"paused\"", "null")),
            NotificationError::NullField("state"),
        ),
        (
            payload(&full.replace("\"running\"", "1")),
            NotificationError::NotAString("power_state"),
        ),
        (
            payload(&full.replace(SAMPLE_UUID, "fake-uuid")),
            NotificationError::BadUuid(nova_states::wire::Found::new("fake-uuid")),
        ),
        (
            payload(&full.replace(
                "\"state\": \"paused\"",
                "\"state\": \"paused\", \"state\": \"active\"",
            )),
            NotificationError::Duplicate("state"),
        ),
    ];
    for (text, expected) in cases {
        let err = read(&text).unwrap_err();
        assert!(err.starts_with(&expected.to_string()), "{text}: {err}");
    }
    // A name that is not Nova's says which field.
    let err = read(&payload(&full.replace("\"paused\"", "\"pausd\""))).unwrap_err();
    assert!(
        err.starts_with("the payload's state: unknown vm_state"),
        "{err}"
    );
    let err = read(r#"{"event_type": "instance..end", "payload": {}}"#).unwrap_err();
    assert!(
        err.starts_with("event_type \"instance..end\" is not"),
        "{err}"
    );
    // Other kinds are read without looking at their payload.
    assert!(
        read(r#"{"event_type": "compute.exception", "payload": [1, 2]}"#)
            .unwrap()
            .state
            .is_none()
    );
}

fn unwrap_envelope(text: &str, buffer: &mut [u8]) -> Result<String, String> {
    EnvelopeSeed { buffer }
        .deserialize(&mut serde_json::Deserializer::from_str(text))
        .map(str::to_string)
        .map_err(|e| e.to_string())
}

/// The oslo envelope: the inner JSON text comes out whole; another major
/// version, a missing key or a short buffer is refused.
#[test]
fn notification_oslo_envelope() {
    let path = format!(
        "{}/tests/data/notifications/snapshot-oslo.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let plain = stream("snapshot.jsonl");
    for (line, expected) in std::fs::read_to_string(path).unwrap().lines().zip(&plain) {
        let mut buffer = vec![0u8; line.len()];
        let inner = unwrap_envelope(line, &mut buffer).unwrap();
        assert_eq!(&read(&inner).unwrap(), expected);
        let mut short = vec![0u8; 10];
        let err = unwrap_envelope(line, &mut short).unwrap_err();
        assert!(err.starts_with("oslo.message is "), "{err}");
    }
    let mut buffer = [0u8; 64];
    let err = unwrap_envelope(
        r#"{"oslo.version": "1.0", "oslo.message": "{}"}"#,
        &mut buffer,
    )
    .unwrap_err();
    assert!(err.starts_with("oslo.version \"1.0\""), "{err}");
    let err = unwrap_envelope(r#"{"oslo.message": "{}"}"#, &mut buffer).unwrap_err();
    assert!(
        err.starts_with("an oslo envelope without oslo.version"),
        "{err}"
    );
    let err = unwrap_envelope(r#"{"oslo.version": "2.0"}"#, &mut buffer).unwrap_err();
    assert!(
        err.starts_with("an oslo envelope without oslo.message"),
        "{err}"
    );
}

/// The simulator's notifications: each names a row that maps the write's
/// action and sends that phase (Nova's event types for that action); a
/// `.start` or `.end` carries the state after the write, an `.error` the
/// state before; they read back as written; fed as `trace` feeds them,
/// every one is legal.
#[test]
fn notification_sim_matches_table_and_validates() {
    let mut total = 0;
    let mut errors = 0;
    let mut reboot_errors = 0;
    for seed in 0..30 {
        let config = Config {
            failures: 100_000,
            ..Config::DEFAULT
        };
        let mut sim = Simulator::new(seed, config, [Server::new(seed, 0)]);
        let id = sim.servers()[0].id;
        let mut v = Validator::new();
        for _ in 0..1500 {
            let Some(w) = sim.step() else { break };
            for n in w.notifications(id).into_iter().flatten() {
                total += 1;
                let Operation::Action(action) = w.operation else {
                    panic!("a notification for {:?}", w.operation)
                };
                assert!(n.action.actions.contains(action), "{w:?}: {}", n.event());
                assert!(n.action.sends(n.phase));
                let expected = match n.phase {
                    Phase::Error => {
                        errors += 1;
                        assert!(matches!(w.event, Event::Fail { .. }));
                        w.before
                    }
                    _ => w.after,
                };
                // A reboot's failure sends .error then .end, and only when
                // it recovers to (active, null) (manager.py:4514-4550).
                if matches!(w.event, Event::Fail { .. })
                    && matches!(action, Action::RebootSoft | Action::RebootHard)
                {
                    assert_eq!((w.after.vm, w.after.task), (VmState::Active, None), "{w:?}");
                    reboot_errors += usize::from(n.phase == Phase::Error);
                }
                assert_eq!(
                    (n.state.vm, n.state.task, n.state.power),
                    (expected.vm, expected.task, Some(expected.power))
                );
                assert_eq!(n.state.uuid, Uuid(id));
                let text = serde_json::to_string(&n).unwrap();
                let back: Notification = serde_json::from_str(&text).unwrap();
                assert_eq!(back.event, n.event());
                assert_eq!(back.state, Some(n.state));
                let step = feed(&mut v, &back).unwrap();
                assert!(step.is_ok(), "seed {seed}: {text}: {step:?}");
            }
        }
    }
    assert!(
        total > 500 && errors > 5 && reboot_errors > 0,
        "{total} notifications, {errors} errors, {reboot_errors} of a reboot"
    );
}

/// The observation a payload makes has no status (a notification carries
/// none), so the validator derives it.
#[test]
fn notification_observation_has_no_status() {
    let n = &stream("power.jsonl")[1];
    let obs: Observation = n.state.unwrap().observation();
    assert_eq!((obs.vm, obs.status), (VmState::Stopped, None));
    assert_eq!(obs.power, Some(PowerState::Shutdown));
}
