//! Replays the committed fuzz seeds (fuzz/seeds/<target>/) of the
//! targets through the fuzz targets' bodies (tests/support/fuzz_*.rs) on
//! stable, so that every seed, and every crash turned into a seed, is
//! checked by `cargo test`.
//!
//! The seeds are read through `tests/data/fuzz-seeds`, a symlink to
//! `fuzz/seeds`: cargo leaves `fuzz/` (a package of its own) out of the
//! library's published package, but follows the symlink and packs the
//! seeds under `tests/data/`, so the packaged tests replay them too.
//!
//! The `events` seeds named after a scenario are generated from the
//! scenarios below (`NOVA_STATES_BLESS=1 cargo test --test integration
//! fuzz_replay::` rewrites them); a test fails when one drifts, i.e. its
//! bytes no longer decode to its scenario (e.g. because the event list
//! changed).

use std::path::{Path, PathBuf};

use nova_states::machine::all_events;
use nova_states::{apply, Action, Event, PowerState, ServerState, TaskState, VmState};

use crate::support::{fuzz_events, fuzz_parse, fuzz_trace, oracle};

/// Where the seeds are read (and, blessing, written): see the module docs.
const SEEDS: &str = "tests/data/fuzz-seeds";

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SEEDS)
        .join(target);
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
#[cfg_attr(miri, ignore)] // explores the reachable set: hours under miri
fn every_events_seed_keeps_every_invariant() {
    let files = seeds("events");
    assert!(files.len() >= 20, "{} events seeds", files.len());
    for (path, bytes) in files {
        let result = std::panic::catch_unwind(|| fuzz_events::events(&bytes));
        assert!(result.is_ok(), "{} broke an invariant", path.display());
    }
}

#[test]
fn every_parse_seed_round_trips() {
    let files = seeds("parse");
    assert!(files.len() >= 20, "{} parse seeds", files.len());
    for (path, bytes) in files {
        let result = std::panic::catch_unwind(|| fuzz_parse::parse(&bytes));
        assert!(result.is_ok(), "{} broke a parser property", path.display());
    }
}

/// The `fake` seeds: a correct fake driven by each seed's legal walk passes
/// the model checker at every step (tests/support/fuzz_fake.rs). Together
/// the seeds take every kind of step: requests accepted and refused,
/// failures, power syncs, compute restarts, a reset-state.
#[cfg(feature = "arbitrary")]
#[test]
#[cfg_attr(miri, ignore)] // the checker closes over every state: slow under miri
fn every_fake_seed_passes_the_model_checker() {
    use crate::support::fuzz_fake;

    let files = seeds("fake");
    assert!(files.len() >= 8, "{} fake seeds", files.len());
    let mut kinds = [false; 5];
    for (path, bytes) in files {
        // What `fuzz_fake::fake` does, keeping the walk to look at.
        let walk = fuzz_fake::walk(&bytes);
        let result = std::panic::catch_unwind(|| fuzz_fake::check_walk(&walk));
        let seen = result.unwrap_or_else(|_| panic!("{} diverged", path.display()));
        assert!(seen >= walk.steps.len(), "{}", path.display());
        for event in walk.events() {
            let kind = match event {
                Event::Accept(_) => 0,
                Event::Fail { .. } | Event::ComputeRestartFails(_) => 1,
                Event::PowerObserved(_) => 2,
                Event::ComputeRestart(_) => 3,
                Event::ResetState(_) => 4,
                Event::Write { .. } => continue,
            };
            kinds[kind] = true;
        }
    }
    assert_eq!(
        kinds, [true; 5],
        "accept, failure, power sync, restart, reset"
    );
}

/// The `fake` body is not vacuous: a fake that reports a state Nova cannot
/// reach without a request (a build request rescued) fails it.
#[cfg(feature = "arbitrary")]
#[test]
fn the_fake_body_catches_a_wrong_fake() {
    use nova_states::harness::fuzzing::LegalWalk;

    use crate::support::fuzz_fake;

    let event = Event::PowerObserved(PowerState::Running);
    let rescued = ServerState {
        vm: VmState::Rescued,
        task: None,
        power: PowerState::Running,
    };
    let wrong = LegalWalk {
        steps: vec![(event, rescued)],
    };
    let result = std::panic::catch_unwind(|| fuzz_fake::check_walk(&wrong));
    assert!(
        result.is_err(),
        "the checker let a build request be rescued"
    );
    // The same event with the state the relation gives passes.
    let after = apply(ServerState::BUILD_REQUEST, event).unwrap();
    let right = LegalWalk {
        steps: vec![(event, after)],
    };
    assert!(fuzz_fake::check_walk(&right) >= 1);
    // The fuzz target's entry point, on a short input.
    fuzz_fake::fake(&[0, 1, 2, 3]);
}

/// The inverse of the `events` decoder: the bytes that make it apply
/// `sequence` from a fresh build. Every event is written in the two-byte
/// form (its index in `all_events()`), so that the bytes keep their meaning
/// when the set of events a state accepts changes; only a change to
/// `all_events()` itself changes them.
pub fn encode_events(sequence: &[Event]) -> Vec<u8> {
    let all = oracle::events_list();
    let mut out = Vec::new();
    for event in sequence {
        let i = all
            .iter()
            .position(|e| e == event)
            .unwrap_or_else(|| panic!("{event:?} is not an event"));
        out.push(0x80 | u8::try_from(i >> 8).unwrap_or(0x7f));
        out.push(u8::try_from(i & 0xff).unwrap_or(0));
    }
    out
}

/// The `trace` seeds: the validator's answer must agree with a brute-force
/// reachability check.
#[test]
#[cfg_attr(miri, ignore)]
fn trace_seeds_agree_with_brute_force_reachability() {
    let files = seeds("trace");
    assert!(files.len() >= 9, "{} trace seeds", files.len());
    for (_, bytes) in files {
        fuzz_trace::trace(&bytes);
    }
    // Every pair, one after another, both ways: a dense check of the table.
    let mut all = Vec::new();
    for i in 0..nova_states::Pair::COUNT {
        all.extend_from_slice(&[(i >> 8) as u8, i as u8]);
    }
    fuzz_trace::trace(&all);
    all.reverse();
    fuzz_trace::trace(&all);
}

// --- The events scenarios ------------------------------------------------------

/// A step of a scenario, resolved against the state it is taken in.
#[derive(Clone, Copy)]
enum Step {
    /// The API request.
    Accept(Action),
    /// The action's write that leads to this task_state (first edge that
    /// applies and does).
    Write(Action, Option<TaskState>),
    /// A failure of the action that leaves this vm_state (`None`: the one
    /// it has) and task_state (first failure row that applies and does).
    Fail(Action, Option<VmState>, Option<TaskState>),
    Power(PowerState),
    Reset(VmState),
    Restart(PowerState),
    /// An event as is.
    Raw(Event),
}

use Step::{Accept as A, Fail as F, Power as P, Raw as E, Reset as R, Restart as C, Write as W};

fn resolve(steps: &[Step]) -> Vec<Event> {
    let mut s = ServerState::BUILD_REQUEST;
    let mut out = Vec::new();
    for step in steps {
        let event = match *step {
            Step::Accept(a) => Event::Accept(a),
            Step::Write(action, to) => (0..action.edges().len())
                .map(|i| Event::Write {
                    action,
                    edge: i as u8,
                })
                .find(|e| apply(s, *e).is_ok_and(|n| n.task == to))
                // A write the state refuses: keep the first edge to `to`.
                .or_else(|| {
                    let i = action.edges().iter().position(|e| e.to == to)?;
                    Some(Event::Write {
                        action,
                        edge: i as u8,
                    })
                })
                .unwrap_or_else(|| panic!("{action} never writes {to:?}")),
            Step::Fail(action, vm, task) => {
                let fails: Vec<Event> = all_events()
                    .filter(|e| matches!(e, Event::Fail { action: a, .. } if *a == action))
                    .collect();
                fails
                    .iter()
                    .copied()
                    .find(|e| {
                        apply(s, *e).is_ok_and(|n| n.vm == vm.unwrap_or(s.vm) && n.task == task)
                    })
                    // A failure the state refuses: keep the first to `task`.
                    .or_else(|| {
                        fails.iter().copied().find(|e| {
                            let Event::Fail { phase, end, .. } = e else {
                                return false;
                            };
                            action.failure_phases()[usize::from(*phase)].ends[usize::from(*end)]
                                .task
                                == task
                        })
                    })
                    .unwrap_or_else(|| panic!("{action} never fails to {task:?}"))
            }
            Step::Power(p) => Event::PowerObserved(p),
            Step::Reset(vm) => Event::ResetState(vm),
            Step::Restart(p) => Event::ComputeRestart(p),
            Step::Raw(e) => e,
        };
        if let Ok(next) = apply(s, event) {
            s = next;
        }
        out.push(event);
    }
    out
}

const BUILD: &[Step] = &[
    W(Action::Create, None),
    W(Action::Create, Some(TaskState::Networking)),
    W(Action::Create, Some(TaskState::BlockDeviceMapping)),
    W(Action::Create, Some(TaskState::Spawning)),
    W(Action::Create, None),
];

fn after_build(rest: &[Step]) -> Vec<Step> {
    [BUILD, rest].concat()
}

/// Each scenario: the seed's file name and its steps from a fresh build.
fn scenarios() -> Vec<(&'static str, Vec<Step>)> {
    use Action as X;
    use TaskState as T;
    use VmState as V;
    let stop = [A(X::Stop), W(X::Stop, None)];
    let resize = [
        A(X::Resize),
        W(X::Resize, Some(T::ResizeMigrating)),
        W(X::Resize, Some(T::ResizeMigrated)),
        W(X::Resize, Some(T::ResizeFinish)),
        W(X::Resize, None),
    ];
    vec![
        ("build_to_active", BUILD.to_vec()),
        (
            "build_rescheduled_twice",
            vec![
                W(X::Create, None),
                W(X::Create, Some(T::Networking)),
                W(X::Create, Some(T::Scheduling)),
                W(X::Create, None),
                W(X::Create, Some(T::Networking)),
                W(X::Create, Some(T::BlockDeviceMapping)),
                W(X::Create, Some(T::Spawning)),
                W(X::Create, Some(T::Scheduling)),
                W(X::Create, None),
                W(X::Create, Some(T::BlockDeviceMapping)),
            ],
        ),
        (
            "build_fails_then_restart",
            vec![
                W(X::Create, None),
                W(X::Create, Some(T::Networking)),
                C(PowerState::NoState),
                A(X::Delete),
                W(X::Delete, None),
            ],
        ),
        (
            "snapshot_libvirt_two_rounds",
            after_build(&[
                A(X::Snapshot),
                W(X::Snapshot, Some(T::ImageSnapshot)),
                W(X::Snapshot, Some(T::ImagePendingUpload)),
                W(X::Snapshot, Some(T::ImageUploading)),
                W(X::Snapshot, Some(T::ImagePendingUpload)),
                W(X::Snapshot, Some(T::ImageUploading)),
                W(X::Snapshot, None),
            ]),
        ),
        (
            "second_snapshot_and_backup_refused",
            after_build(&[
                A(X::Snapshot),
                A(X::Snapshot),
                A(X::Backup),
                A(X::SnapshotVolumeBacked),
                W(X::Snapshot, Some(T::ImageSnapshot)),
                A(X::Backup),
                F(X::Snapshot, None, None),
                A(X::Backup),
                W(X::Backup, Some(T::ImagePendingUpload)),
                A(X::Snapshot),
                C(PowerState::Running),
            ]),
        ),
        (
            "stop_start",
            after_build(&[A(X::Stop), W(X::Stop, None), A(X::Start), W(X::Start, None)]),
        ),
        (
            "power_sync_stops_active",
            after_build(&[
                P(PowerState::Shutdown),
                W(X::Stop, None),
                P(PowerState::Running),
            ]),
        ),
        (
            "pause_then_sync_force_stop",
            after_build(&[
                A(X::Pause),
                W(X::Pause, None),
                P(PowerState::Shutdown),
                W(X::Stop, None),
                F(X::Stop, None, None),
                R(V::Active),
            ]),
        ),
        (
            "reboot_hard_preempts_soft",
            after_build(&[
                A(X::RebootSoft),
                W(X::RebootSoft, Some(T::RebootPending)),
                A(X::RebootHard),
                W(X::RebootHard, Some(T::RebootPendingHard)),
                A(X::RebootHard),
                W(X::RebootHard, Some(T::RebootStartedHard)),
                W(X::RebootHard, None),
            ]),
        ),
        (
            "reboot_fails_looks_like_success",
            after_build(&[
                A(X::RebootSoft),
                W(X::RebootSoft, Some(T::RebootPending)),
                F(X::RebootSoft, Some(V::Active), None),
                A(X::RebootSoft),
                C(PowerState::Shutdown),
            ]),
        ),
        (
            "resize_confirm",
            after_build(
                &[
                    resize.as_slice(),
                    &[A(X::ConfirmResize), W(X::ConfirmResize, None)],
                ]
                .concat(),
            ),
        ),
        (
            "resize_revert_of_stopped",
            after_build(
                &[
                    stop.as_slice(),
                    &resize,
                    &[
                        A(X::RevertResize),
                        W(X::RevertResize, Some(T::ResizeReverting)),
                        W(X::RevertResize, Some(T::PoweringOff)),
                        W(X::RevertResize, None),
                    ],
                ]
                .concat(),
            ),
        ),
        (
            "shelve_offload_unshelve",
            after_build(&[
                A(X::Shelve),
                W(X::Shelve, Some(T::ShelvingImagePendingUpload)),
                W(X::Shelve, Some(T::ShelvingImageUploading)),
                W(X::Shelve, Some(T::ShelvingOffloading)),
                W(X::Shelve, None),
                A(X::Unshelve),
                W(X::Unshelve, Some(T::Spawning)),
                W(X::Unshelve, None),
            ]),
        ),
        (
            "unshelve_image_gone",
            after_build(&[
                A(X::Shelve),
                W(X::Shelve, Some(T::ShelvingImagePendingUpload)),
                W(X::Shelve, Some(T::ShelvingImageUploading)),
                W(X::Shelve, None),
                A(X::Unshelve),
                F(X::Unshelve, Some(V::Error), Some(T::Unshelving)),
                C(PowerState::Shutdown),
                R(V::Error),
            ]),
        ),
        (
            "delete_then_gone",
            after_build(&[
                A(X::Delete),
                W(X::Delete, None),
                A(X::Restore),
                A(X::Delete),
                R(V::Active),
                P(PowerState::Running),
                C(PowerState::Running),
                F(X::Delete, Some(V::Error), None),
            ]),
        ),
        (
            "soft_delete_restore",
            after_build(&[
                A(X::SoftDelete),
                W(X::SoftDelete, None),
                A(X::Stop),
                A(X::Restore),
                W(X::Restore, None),
            ]),
        ),
        (
            "rebuild_fails_to_error_then_reset",
            after_build(&[
                A(X::Rebuild),
                W(X::Rebuild, Some(T::RebuildBlockDeviceMapping)),
                F(X::Rebuild, Some(V::Error), None),
                A(X::Start),
                A(X::Stop),
                W(X::Stop, None),
                R(V::Active),
            ]),
        ),
        (
            "evacuate_stopped",
            after_build(
                &[
                    stop.as_slice(),
                    &[
                        A(X::Evacuate),
                        W(X::Evacuate, Some(T::RebuildBlockDeviceMapping)),
                        W(X::Evacuate, Some(T::RebuildSpawning)),
                        W(X::Evacuate, None),
                        W(X::Evacuate, Some(T::PoweringOff)),
                        W(X::Evacuate, None),
                    ],
                ]
                .concat(),
            ),
        ),
        (
            "rescue_unrescue",
            after_build(&[
                A(X::Rescue),
                W(X::Rescue, None),
                A(X::RebootHard),
                A(X::Unrescue),
                W(X::Unrescue, None),
            ]),
        ),
        (
            "suspend_resume_with_sync",
            after_build(&[
                A(X::Suspend),
                P(PowerState::Running),
                W(X::Suspend, None),
                P(PowerState::Running),
                A(X::Resume),
                F(X::Resume, Some(V::Error), None),
                A(X::RebootHard),
                W(X::RebootHard, Some(T::RebootPendingHard)),
                C(PowerState::Running),
            ]),
        ),
        (
            "live_migrate_abort_and_consoles",
            after_build(&[
                A(X::LiveMigrate),
                A(X::GetVncConsole),
                A(X::LiveMigrateForceComplete),
                A(X::UpdateInstanceMetadata),
                A(X::LiveMigrateAbort),
                W(X::LiveMigrateAbort, None),
                A(X::LiveMigrateAbort),
            ]),
        ),
        (
            "accept_only_actions",
            after_build(&[
                A(X::SetAdminPassword),
                W(X::SetAdminPassword, None),
                A(X::TriggerCrashDump),
                A(X::AttachVolume),
                A(X::SnapshotVolumeBacked),
                F(X::Stop, None, None),
                A(X::VolumeSnapshotCreate),
            ]),
        ),
        (
            "refusals_of_every_kind",
            after_build(&[
                E(Event::Write {
                    action: X::Create,
                    edge: 0,
                }),
                W(X::Snapshot, Some(T::ImageUploading)),
                F(X::Pause, None, None),
                A(X::LiveMigrateAbort),
                A(X::Start),
                A(X::Unpause),
            ]),
        ),
    ]
}

#[test]
#[cfg_attr(miri, ignore)] // explores the reachable set: hours under miri
fn scenario_seeds_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SEEDS)
        .join("events");
    let bless = std::env::var_os("NOVA_STATES_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, steps) in scenarios() {
        let events = resolve(&steps);
        let bytes = encode_events(&events);
        assert_eq!(
            fuzz_events::run_events(&bytes),
            events,
            "{name}: the encoding round-trips"
        );
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, &bytes).unwrap();
        } else {
            // The committed bytes must still mean this scenario (they may
            // differ from today's shortest encoding).
            match std::fs::read(&path) {
                Ok(committed) if fuzz_events::run_events(&committed) == events => {}
                _ => stale.push(name),
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale events seeds {stale:?}: regenerate with NOVA_STATES_BLESS=1 cargo test --test integration fuzz_replay::"
    );
}
