//! The trajectory validator on the seeds' polled snapshot and on impossible sequences.

use nova_states::{
    Action, CaptureTracker, Driver, Observation, Pair, ServerStatus, StepKind, TaskState,
    Validator, Violation, VmState,
};

const SEED: &str = include_str!("../../examples/data/seed-snapshot.txt");

/// The seed's lines, read by a parser of this test's own.
fn seed() -> Vec<(String, Observation)> {
    SEED.lines()
        .filter(|l| l.contains("vm_state:"))
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            let task = (t[6] != "null").then(|| t[6].parse().unwrap());
            let obs = Observation {
                status: Some(t[2].parse().unwrap()),
                vm: t[4].parse().unwrap(),
                task,
                power: Some(t[8].parse().unwrap()),
            };
            (t[0].to_string(), obs)
        })
        .collect()
}

#[test]
fn the_seed_is_one_snapshot_and_says_when_the_disk_was_captured() {
    let mut v = Validator::new();
    let mut starts = 0;
    let mut ended_at = None;
    let mut libvirt = CaptureTracker::new(Driver::LibvirtStandard);
    let mut rbd = CaptureTracker::new(Driver::LibvirtRbdDirect);
    let obs = seed();
    assert_eq!(obs.len(), 13);
    for (i, (time, o)) in obs.iter().enumerate() {
        let step = v.observe(*o).unwrap();
        libvirt.feed(i, o, &step);
        rbd.feed(i, o, &step);
        if step.new_operation {
            assert_eq!(
                step.operations.iter().collect::<Vec<_>>(),
                [Action::Snapshot],
                "{time}"
            );
            starts += 1;
        }
        if o.task.is_some() {
            assert_eq!(
                step.operations.iter().collect::<Vec<_>>(),
                [Action::Snapshot],
                "{time}"
            );
        }
        if step.kind == StepKind::Ended {
            ended_at = Some(time.clone());
        }
    }
    assert_eq!(starts, 1);
    assert_eq!(ended_at.as_deref(), Some("17:16:26"));
    // libvirt (non-RBD) and VMware: captured by the first image_uploading.
    let by = libvirt.window().by.map(|i| obs[i].0.as_str());
    assert_eq!(by, Some("17:15:05"));
    assert_eq!(
        libvirt.window().not_yet.map(|i| obs[i].0.as_str()),
        Some("17:15:02")
    );
    // RBD direct snapshot reads the disk during image_uploading: only the end is certain.
    assert_eq!(rbd.window().by.map(|i| obs[i].0.as_str()), Some("17:16:26"));
}

fn o(vm: VmState, task: Option<TaskState>) -> Observation {
    Observation {
        vm,
        task,
        power: None,
        status: None,
    }
}

#[test]
fn impossible_observations_are_flagged() {
    let mut v = Validator::new();
    // A paused server in resize_prep: Nova never produces it.
    assert_eq!(
        v.observe(o(VmState::Paused, Some(TaskState::ResizePrep))),
        Err(Violation::ImpossiblePair {
            vm: VmState::Paused,
            task: Some(TaskState::ResizePrep)
        })
    );
    // resize_confirming is never written.
    assert!(v
        .observe(o(VmState::Resized, Some(TaskState::ResizeConfirming)))
        .is_err());
    // A reported status that is not the projection.
    let mut bad = o(VmState::Active, None);
    bad.status = Some(ServerStatus::Build);
    assert_eq!(
        v.observe(bad),
        Err(Violation::StatusMismatch {
            reported: ServerStatus::Build,
            derived: ServerStatus::Active
        })
    );
    // A deleted server coming back.
    let mut v = Validator::new();
    v.observe(o(VmState::Deleted, None)).unwrap();
    assert!(matches!(
        v.observe(o(VmState::Active, None)),
        Err(Violation::Unreachable { .. })
    ));
    // A launched server going back to building.
    let mut v = Validator::new();
    v.observe(o(VmState::Active, Some(TaskState::ImageUploading)))
        .unwrap();
    assert!(matches!(
        v.observe(o(VmState::Building, Some(TaskState::Scheduling))),
        Err(Violation::Unreachable { .. })
    ));
    // But polls skip: uploading, then a new snapshot's first phase, is fine.
    let mut v = Validator::new();
    v.observe(o(VmState::Active, Some(TaskState::ImageUploading)))
        .unwrap();
    let step = v
        .observe(o(VmState::Active, Some(TaskState::ImageSnapshotPending)))
        .unwrap();
    assert!(step.new_operation);
}

#[test]
fn skipped_states_are_fine_and_named() {
    let mut v = Validator::new();
    v.observe(o(VmState::Active, None)).unwrap();
    // A whole resize between two polls.
    let step = v.observe(o(VmState::Resized, None)).unwrap();
    assert_eq!(step.kind, StepKind::Jumped);
    assert!(step.operations.contains(Action::Resize) && step.operations.contains(Action::Migrate));
    // Confirm writes no task: it shows as a jump too.
    let step = v.observe(o(VmState::Active, None)).unwrap();
    assert!(step.operations.contains(Action::ConfirmResize));
    // An admin reset explains error from anywhere.
    let mut v = Validator::new();
    v.observe(o(VmState::Shelved, None)).unwrap();
    let step = v.observe(o(VmState::Error, None)).unwrap();
    assert_eq!(
        step.operations.iter().collect::<Vec<_>>(),
        [Action::ResetState]
    );
}

#[test]
fn reachability_agrees_with_the_relation_on_direct_edges() {
    // Every legal edge of the relation (reset-state aside) is a reachable pair step.
    for (from, event, to) in nova_states::legal_edges() {
        if matches!(event, nova_states::Event::ResetState(_))
            || matches!(event, nova_states::Event::Accept(Action::ResetState))
            || matches!(
                event,
                nova_states::Event::Write {
                    action: Action::ResetState,
                    ..
                }
            )
        {
            continue;
        }
        let a = Pair {
            vm: from.vm,
            task: from.task,
        };
        let b = Pair {
            vm: to.vm,
            task: to.task,
        };
        assert!(a.reaches(b), "{from} -> {to} by {event:?}");
    }
}
