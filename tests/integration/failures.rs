//! One named test per action and failure point, each naming the line
//! where Nova decides it: the failures the relation takes at that point
//! (`Event::Fail` from a server there) are exactly the ones the oracle
//! restates from Nova's code (`nova_failure_ends` in
//! tests/support/oracle.rs), and one of the action's rows at that point
//! cites the line. The relation-wide checks (every edge, every reachable
//! state) are in `relation`; these pin each point by name.

use nova_states::machine::all_events;
use nova_states::rules::FailurePoint;
use nova_states::{apply, Action, Event, TaskState, VmState};

use crate::support::oracle::{nova_failure_ends, FailAt};
use crate::support::state;

/// The failures of `action` at `at` for a server in vm_state `vm`: those
/// the relation takes equal those the oracle restates, and a row of the
/// action at that point cites `line`.
#[track_caller]
fn check_point(action: Action, at: FailAt, vm: VmState, line: &str) {
    let task = match at {
        FailAt::Api => None,
        FailAt::Task(task) => task,
    };
    let s = state(vm, task);
    let api = at == FailAt::Api;
    let mut got: Vec<(VmState, Option<TaskState>)> = Vec::new();
    let mut cited = false;
    for e in all_events() {
        let Event::Fail {
            action: a, phase, ..
        } = e
        else {
            continue;
        };
        let row = a.failure_phases()[usize::from(phase)];
        if a != action || (row.at == FailurePoint::Api) != api {
            continue;
        }
        if let Ok(n) = apply(s, e) {
            got.push((n.vm, n.task));
            cited |= row.source.contains(line);
        }
    }
    let mut want = nova_failure_ends(action, at, vm);
    for v in [&mut got, &mut want] {
        v.sort();
        v.dedup();
    }
    assert!(!want.is_empty(), "{action} cannot fail at {at:?} in {s}");
    assert_eq!(got, want, "{action} failing at {at:?} in {s}");
    assert!(
        cited,
        "no row of {action} failing at {at:?} in {s} cites {line}"
    );
}

macro_rules! point {
    ($name:ident, $action:ident, Api, $vm:ident, $line:literal) => {
        #[doc = concat!("Nova: `", $line, "`.")]
        #[test]
        fn $name() {
            check_point(Action::$action, FailAt::Api, VmState::$vm, $line);
        }
    };
    ($name:ident, $action:ident, null, $vm:ident, $line:literal) => {
        #[doc = concat!("Nova: `", $line, "`.")]
        #[test]
        fn $name() {
            check_point(Action::$action, FailAt::Task(None), VmState::$vm, $line);
        }
    };
    ($name:ident, $action:ident, $task:ident, $vm:ident, $line:literal) => {
        #[doc = concat!("Nova: `", $line, "`.")]
        #[test]
        fn $name() {
            check_point(
                Action::$action,
                FailAt::Task(Some(TaskState::$task)),
                VmState::$vm,
                $line,
            );
        }
    };
}

point!(stop_api, Stop, Api, Active, "nova/compute/api.py:2857-2864");
point!(
    stop_at_powering_off,
    Stop,
    PoweringOff,
    Active,
    "nova/compute/manager.py:3495-3498"
);
point!(
    stop_from_error_at_powering_off,
    Stop,
    PoweringOff,
    Error,
    "nova/compute/manager.py:3461-3495"
);
point!(
    start_api,
    Start,
    Api,
    Stopped,
    "nova/compute/api.py:2880-2884"
);
point!(
    start_at_powering_on,
    Start,
    PoweringOn,
    Stopped,
    "nova/compute/manager.py:3552-3565"
);
point!(
    reboot_soft_api,
    RebootSoft,
    Api,
    Active,
    "nova/compute/api.py:3650-3658"
);
point!(
    reboot_soft_at_rebooting,
    RebootSoft,
    Rebooting,
    Active,
    "nova/compute/manager.py:4428-4461"
);
point!(
    reboot_soft_at_reboot_pending,
    RebootSoft,
    RebootPending,
    Active,
    "nova/compute/manager.py:4528-4531"
);
point!(
    reboot_soft_at_reboot_started,
    RebootSoft,
    RebootStarted,
    Active,
    "nova/compute/manager.py:4499-4527"
);
point!(
    reboot_hard_api,
    RebootHard,
    Api,
    Stopped,
    "nova/compute/api.py:3663-3670"
);
point!(
    reboot_hard_at_rebooting_hard,
    RebootHard,
    RebootingHard,
    Paused,
    "nova/compute/manager.py:4428-4461"
);
point!(
    reboot_hard_at_reboot_pending_hard,
    RebootHard,
    RebootPendingHard,
    Suspended,
    "nova/compute/manager.py:4486-4488"
);
point!(
    reboot_hard_at_reboot_started_hard,
    RebootHard,
    RebootStartedHard,
    Error,
    "nova/compute/manager.py:4496-4527"
);
point!(
    pause_api,
    Pause,
    Api,
    Active,
    "nova/compute/api.py:4829-4832"
);
point!(
    pause_at_pausing,
    Pause,
    Pausing,
    Active,
    "nova/compute/manager.py:7317-7318"
);
point!(
    unpause_api,
    Unpause,
    Api,
    Paused,
    "nova/compute/api.py:4838-4841"
);
point!(
    unpause_at_unpausing,
    Unpause,
    Unpausing,
    Paused,
    "nova/compute/manager.py:7339-7340"
);
point!(
    suspend_api,
    Suspend,
    Api,
    Active,
    "nova/compute/api.py:4865-4868"
);
point!(
    suspend_at_suspending,
    Suspend,
    Suspending,
    Active,
    "nova/compute/manager.py:7481-7483"
);
point!(
    resume_api,
    Resume,
    Api,
    Suspended,
    "nova/compute/api.py:4877-4880"
);
point!(
    resume_at_resuming,
    Resume,
    Resuming,
    Suspended,
    "nova/compute/manager.py:7522-7525"
);
point!(
    rescue_api,
    Rescue,
    Api,
    Stopped,
    "nova/compute/api.py:4939-4946"
);
point!(
    rescue_at_rescuing,
    Rescue,
    Rescuing,
    Error,
    "nova/compute/manager.py:5276-5290"
);
point!(
    unrescue_api,
    Unrescue,
    Api,
    Rescued,
    "nova/compute/api.py:4952-4957"
);
point!(
    unrescue_at_unrescuing,
    Unrescue,
    Unrescuing,
    Rescued,
    "nova/compute/manager.py:5324-5325"
);
point!(
    set_admin_password_api,
    SetAdminPassword,
    Api,
    Active,
    "nova/compute/api.py:4968-4976"
);
point!(
    set_admin_password_at_updating_password,
    SetAdminPassword,
    UpdatingPassword,
    Active,
    "nova/compute/manager.py:5166-5206"
);
point!(
    create_at_scheduling,
    Create,
    Scheduling,
    Building,
    "nova/conductor/manager.py:1665-1674"
);
point!(
    create_with_no_task,
    Create,
    null,
    Building,
    "nova/compute/manager.py:2661-2666"
);
point!(
    create_at_networking,
    Create,
    Networking,
    Building,
    "nova/compute/manager.py:2897-2938"
);
point!(
    create_at_block_device_mapping,
    Create,
    BlockDeviceMapping,
    Building,
    "nova/compute/manager.py:2917-2938"
);
point!(
    create_at_spawning,
    Create,
    Spawning,
    Building,
    "nova/compute/manager.py:2687-2693"
);
point!(
    delete_api,
    Delete,
    Api,
    Active,
    "nova/compute/api.py:2553-2557"
);
point!(
    delete_api_of_resized,
    Delete,
    Api,
    Resized,
    "nova/compute/api.py:2581-2582"
);
point!(
    delete_at_deleting,
    Delete,
    Deleting,
    Stopped,
    "nova/compute/manager.py:3434-3445"
);
point!(
    force_delete_api_of_resized,
    ForceDelete,
    Api,
    Resized,
    "nova/compute/api.py:2581-2582"
);
point!(
    force_delete_at_deleting,
    ForceDelete,
    Deleting,
    Error,
    "nova/compute/manager.py:3426-3433"
);
point!(
    soft_delete_api,
    SoftDelete,
    Api,
    Paused,
    "nova/compute/api.py:2553-2557"
);
point!(
    soft_delete_api_of_resized,
    SoftDelete,
    Api,
    Resized,
    "nova/compute/api.py:2581-2594"
);
point!(
    soft_delete_at_soft_deleting,
    SoftDelete,
    SoftDeleting,
    Active,
    "nova/compute/manager.py:3613-3616"
);
point!(
    restore_api,
    Restore,
    Api,
    SoftDeleted,
    "nova/compute/api.py:2830-2844"
);
point!(
    restore_at_restoring,
    Restore,
    Restoring,
    SoftDeleted,
    "nova/compute/manager.py:3634-3637"
);
point!(
    reset_state_api,
    ResetState,
    Api,
    Error,
    "nova/api/openstack/compute/admin_actions.py:88-91"
);
point!(
    snapshot_api,
    Snapshot,
    Api,
    Paused,
    "nova/compute/api.py:3456-3492"
);
point!(
    snapshot_at_image_snapshot_pending,
    Snapshot,
    ImageSnapshotPending,
    Active,
    "nova/compute/manager.py:4571-4591"
);
point!(
    snapshot_at_image_snapshot,
    Snapshot,
    ImageSnapshot,
    Active,
    "nova/compute/manager.py:4667-4682"
);
point!(
    snapshot_at_image_pending_upload,
    Snapshot,
    ImagePendingUpload,
    Stopped,
    "nova/virt/libvirt/driver.py:3421-3432"
);
point!(
    snapshot_at_image_uploading,
    Snapshot,
    ImageUploading,
    Active,
    "nova/compute/manager.py:4620-4624, 4659-4660"
);
point!(
    backup_api,
    Backup,
    Api,
    Active,
    "nova/compute/api.py:3427-3436"
);
point!(
    backup_at_image_backup,
    Backup,
    ImageBackup,
    Stopped,
    "nova/compute/manager.py:4557-4569"
);
point!(
    backup_at_image_pending_upload,
    Backup,
    ImagePendingUpload,
    Suspended,
    "nova/compute/manager.py:4620-4624, 4683-4686"
);
point!(
    backup_at_image_uploading,
    Backup,
    ImageUploading,
    Active,
    "nova/compute/manager.py:4620-4624, 4659-4660"
);
point!(
    shelve_api,
    Shelve,
    Api,
    Active,
    "nova/compute/api.py:4553-4581"
);
point!(
    shelve_at_shelving,
    Shelve,
    Shelving,
    Stopped,
    "nova/compute/manager.py:7540-7544, 7598-7601"
);
point!(
    shelve_at_shelving_image_pending_upload,
    Shelve,
    ShelvingImagePendingUpload,
    Active,
    "nova/virt/libvirt/driver.py:3409-3434"
);
point!(
    shelve_at_shelving_image_uploading,
    Shelve,
    ShelvingImageUploading,
    Paused,
    "nova/compute/manager.py:7540-7544, 7601"
);
point!(
    shelve_at_shelving_offloading,
    Shelve,
    ShelvingOffloading,
    Shelved,
    "nova/compute/manager.py:7606-7613"
);
point!(
    shelve_offload_api,
    ShelveOffload,
    Api,
    Shelved,
    "nova/compute/api.py:4588-4601"
);
point!(
    shelve_offload_at_shelving_offloading,
    ShelveOffload,
    ShelvingOffloading,
    Shelved,
    "nova/compute/manager.py:7625-7690"
);
point!(
    unshelve_api,
    Unshelve,
    Api,
    ShelvedOffloaded,
    "nova/compute/api.py:4805-4811"
);
point!(
    unshelve_of_shelved_at_unshelving,
    Unshelve,
    Unshelving,
    Shelved,
    "nova/conductor/manager.py:1025-1028"
);
point!(
    unshelve_of_offloaded_at_unshelving,
    Unshelve,
    Unshelving,
    ShelvedOffloaded,
    "nova/conductor/manager.py:1035-1052"
);
point!(
    unshelve_at_powering_on,
    Unshelve,
    PoweringOn,
    Shelved,
    "nova/compute/manager.py:3540-3552"
);
point!(
    unshelve_at_spawning,
    Unshelve,
    Spawning,
    ShelvedOffloaded,
    "nova/compute/manager.py:7797-7852"
);
point!(
    resize_api,
    Resize,
    Api,
    Active,
    "nova/compute/api.py:4446-4487"
);
point!(
    resize_at_resize_prep,
    Resize,
    ResizePrep,
    Active,
    "nova/conductor/manager.py:400-436"
);
point!(
    resize_at_resize_migrating,
    Resize,
    ResizeMigrating,
    Active,
    "nova/compute/manager.py:6746-6756"
);
point!(
    resize_at_resize_migrated,
    Resize,
    ResizeMigrated,
    Stopped,
    "nova/compute/manager.py:6780-6787"
);
point!(
    resize_at_resize_finish,
    Resize,
    ResizeFinish,
    Stopped,
    "nova/compute/manager.py:7029, 11707-11721"
);
point!(
    migrate_api,
    Migrate,
    Api,
    Stopped,
    "nova/compute/api.py:4446-4487"
);
point!(
    migrate_at_resize_prep,
    Migrate,
    ResizePrep,
    Stopped,
    "nova/compute/manager.py:6381-6385, 6224-6233"
);
point!(
    migrate_at_resize_finish,
    Migrate,
    ResizeFinish,
    Active,
    "nova/compute/manager.py:6932-6966"
);
point!(
    confirm_resize_with_no_task,
    ConfirmResize,
    null,
    Resized,
    "nova/compute/manager.py:5382-5384"
);
point!(
    revert_resize_api,
    RevertResize,
    Api,
    Resized,
    "nova/compute/api.py:4066-4088"
);
point!(
    revert_resize_at_resize_reverting,
    RevertResize,
    ResizeReverting,
    Resized,
    "nova/compute/manager.py:6001-6030"
);
point!(
    revert_resize_at_powering_off,
    RevertResize,
    PoweringOff,
    Resized,
    "nova/compute/manager.py:6136-6140"
);
point!(
    rebuild_api,
    Rebuild,
    Api,
    Error,
    "nova/compute/api.py:3841-3897"
);
point!(
    rebuild_at_rebuilding,
    Rebuild,
    Rebuilding,
    Active,
    "nova/conductor/manager.py:1349-1374"
);
point!(
    rebuild_at_rebuild_block_device_mapping,
    Rebuild,
    RebuildBlockDeviceMapping,
    Stopped,
    "nova/compute/manager.py:3832"
);
point!(
    rebuild_at_rebuild_spawning,
    Rebuild,
    RebuildSpawning,
    Error,
    "nova/compute/manager.py:3838-3843"
);
point!(
    rebuild_at_powering_off,
    Rebuild,
    PoweringOff,
    Active,
    "nova/compute/manager.py:4253-4260"
);
point!(
    evacuate_api,
    Evacuate,
    Api,
    Error,
    "nova/compute/api.py:5735-5785"
);
point!(
    evacuate_at_rebuilding,
    Evacuate,
    Rebuilding,
    Stopped,
    "nova/conductor/manager.py:1182-1212"
);
point!(
    evacuate_at_rebuild_block_device_mapping,
    Evacuate,
    RebuildBlockDeviceMapping,
    Active,
    "nova/compute/manager.py:3834-3836"
);
point!(
    evacuate_at_rebuild_spawning,
    Evacuate,
    RebuildSpawning,
    Active,
    "nova/compute/manager.py:3838-3843"
);
point!(
    evacuate_at_powering_off,
    Evacuate,
    PoweringOff,
    Active,
    "nova/compute/manager.py:4253-4260"
);
point!(
    live_migrate_api,
    LiveMigrate,
    Api,
    Paused,
    "nova/compute/api.py:5590-5626"
);
point!(
    live_migrate_at_migrating,
    LiveMigrate,
    Migrating,
    Active,
    "nova/conductor/manager.py:516-534"
);
point!(
    live_migrate_abort_at_migrating,
    LiveMigrateAbort,
    Migrating,
    Paused,
    "nova/compute/manager.py:9876-9956"
);

/// The actions that write no state have no failure rows: a failure of
/// theirs is refused before anything is written, or only records a fault
/// (trigger_crash_dump, manager.py:3571-3594; force_complete,
/// manager.py:9844-9866).
#[test]
fn actions_that_write_no_state_have_no_failure_that_changes_it() {
    for action in Action::ALL {
        let writes = !action.edges().is_empty();
        assert_eq!(
            !action.failure_phases().is_empty(),
            writes,
            "{action}: writes state {writes}, failure rows {:?}",
            action.failure_phases().len()
        );
    }
}

/// Every task_state an action writes has a failure row for the moment the
/// server shows it, and every action whose API writes a task_state has a
/// row for the API call: no phase is left without its failures.
#[test]
fn every_written_task_state_has_its_failure_rows() {
    for action in Action::ALL {
        let rows = action.failure_phases();
        for e in action.edges() {
            if let Some(task) = e.to {
                assert!(
                    rows.iter().any(|r| r.at == FailurePoint::At(task)),
                    "{action} writes {task} but has no failure row there"
                );
            }
            if e.api && e.to.is_some() {
                assert!(
                    rows.iter().any(|r| r.at == FailurePoint::Api),
                    "{action} writes in the API but has no API failure row"
                );
            }
        }
    }
}
