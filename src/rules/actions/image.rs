//! Image-taking and shelving: snapshot, backup, shelve, shelve offload, unshelve.
//!
//! One [`ActionSpec`] row per action, every fact citing its line in
//! openstack/nova @ 00a030403f67 (nova/compute/api.py:3400-3637, 4545-4806).

use super::prelude::*;

/// The image-taking actions' vm_states (api.py:3400-3401, 3441-3442, 3498-3499).
const IMAGE_VMS: &[VmState] = &[V::Active, V::Stopped, V::Paused, V::Suspended];

/// The driver's update_task_state callbacks after the first image task
/// (libvirt driver.py:3369-3442, vmops.py:1009-1016) and the final save
/// (manager.py:4659-4660).
const fn image_chain(first: TaskState) -> [Edge; 4] {
    [
            step(first, T::ImagePendingUpload, &[first], "nova/virt/libvirt/driver.py:3369; nova/virt/vmwareapi/vmops.py:1009"),
            step(T::ImagePendingUpload, T::ImageUploading, &[T::ImagePendingUpload], "nova/virt/libvirt/driver.py:3371-3372, 3441-3442; nova/virt/vmwareapi/vmops.py:1015-1016"),
            step(T::ImageUploading, T::ImagePendingUpload, &[T::ImageUploading], "nova/virt/libvirt/driver.py:3394-3395").on(Branch::LibvirtFallback),
            finish(T::ImageUploading, only(T::ImageUploading), None, None, "nova/compute/manager.py:4659-4660"),
        ]
}

/// The guard of shelve's final save (manager.py:7603-7613).
const SHELVE_END_GUARD: &[TaskState] = &[T::Shelving, T::ShelvingImageUploading];

/// The guard of _shelve_offload_instance's save (manager.py:7697-7700).
const OFFLOAD_GUARD: Guard =
    Guard::Expect(TaskFilter::of(&[T::Shelving, T::ShelvingOffloading], false));

/// `ImageNotFound` while the image is taken: task_state null, unguarded
/// save (manager.py:4683-4686).
const IMAGE_NOT_FOUND: FailurePhase = phase(
    At(T::ImageSnapshot),
    &[CLEARED],
    M::ClearsTask,
    "nova/compute/manager.py:4683-4686",
);

/// The same for backup's first phase.
const IMAGE_NOT_FOUND_BACKUP: FailurePhase = phase(
    At(T::ImageBackup),
    &[CLEARED],
    M::ClearsTask,
    "nova/compute/manager.py:4683-4686",
);

/// Extraction (libvirt) or the VMware VM snapshot fails, or the image is
/// gone: `@reverts_task_state` on `_snapshot_instance`, or the explicit
/// null of `ImageNotFound`.
const PENDING_UPLOAD_REVERTED: FailurePhase = phase(
    At(T::ImagePendingUpload),
    &[CLEARED],
    M::RevertsTaskState,
    "nova/compute/manager.py:4620-4624, 4683-4686; nova/virt/libvirt/driver.py:3409-3434; nova/virt/vmwareapi/vmops.py:1009-1013",
);

/// The domain disappears during libvirt's extraction (second round):
/// `InstanceNotFound`, swallowed; the task stays.
const PENDING_UPLOAD_SWALLOWED: FailurePhase = phase(
    At(T::ImagePendingUpload),
    &[kept(T::ImagePendingUpload)],
    M::Swallowed,
    "nova/virt/libvirt/driver.py:3421-3432; nova/compute/manager.py:4667-4682",
)
.on(Branch::LibvirtFallback);

/// The upload fails, or the final save fails (its null is written by the
/// revert): `@reverts_task_state` on `_snapshot_instance`.
const UPLOADING_REVERTED: FailurePhase = phase(
    At(T::ImageUploading),
    &[CLEARED],
    M::RevertsTaskState,
    "nova/compute/manager.py:4620-4624, 4659-4660, 4683-4686; nova/virt/libvirt/driver.py:3374-3382, 3443-3467",
);

/// `snapshot` (`createImage` of an image-backed server).
pub(crate) const SNAPSHOT: ActionSpec = ActionSpec {
    precondition: pre(
        IMAGE_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:3441-3443",
    ),
    api_method: "snapshot",
    rest: Some("createImage"), // servers.py:1426
    http: SERVER_ACTION,
    conflict_action: Some("createImage"), // servers.py:1466-1468
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1425).
    refused_with: Some(409),
    edges: &{
        let [a, b, c, d] = image_chain(T::ImageSnapshot);
        [
            api(
                None,
                T::ImageSnapshotPending,
                NULL,
                "nova/compute/api.py:3456-3458",
            ),
            step(
                T::ImageSnapshotPending,
                T::ImageSnapshot,
                &[T::ImageSnapshotPending],
                "nova/compute/manager.py:4589-4591",
            ),
            a,
            b,
            c,
            d,
        ]
    },
    failure_phases: &[
        phase(
            Api,
            &[kept(T::ImageSnapshotPending)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:3456-3492",
        ),
        // The compute's first save fails with something other than a
        // conflict, or recording the event does.
        phase(
            At(T::ImageSnapshotPending),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:4571-4591, 150-189",
        ),
        phase(
            At(T::ImageSnapshot),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:4615-4624, 150-189",
        ),
        IMAGE_NOT_FOUND,
        // The guest is missing on the hypervisor (libvirt
        // InstanceNotRunning, VMware InstanceNotFound): swallowed.
        phase(
            At(T::ImageSnapshot),
            &[kept(T::ImageSnapshot)],
            M::Swallowed,
            "nova/compute/manager.py:4667-4682; nova/virt/libvirt/driver.py:3301-3304",
        ),
        PENDING_UPLOAD_REVERTED,
        PENDING_UPLOAD_SWALLOWED,
        UPLOADING_REVERTED,
    ],
    image_tasks: Some((T::ImagePendingUpload, T::ImageUploading)),
    starts: None,
    lock: unlocked("nova/compute/api.py:3439-3440 (no lock check for snapshot)"),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:servers:create_image",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/servers.py:434-435",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1424
    accepted: 202,
};

/// `snapshot_volume_backed` (`createImage` of a volume-backed server).
pub(crate) const SNAPSHOT_VOLUME_BACKED: ActionSpec = ActionSpec {
    precondition: pre(
        IMAGE_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:3498-3500",
    ),
    api_method: "snapshot_volume_backed",
    rest: Some("createImage"), // servers.py:1426
    http: SERVER_ACTION,
    conflict_action: Some("createImage"), // servers.py:1466-1468
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (servers.py:1425).
    refused_with: Some(409),
    // No task_state written (api.py and manager.py at the lines
    // cited on the precondition; e.g. trigger_crash_dump
    // manager.py:3586-3588, snapshot_volume_backed api.py:3500-3637,
    // force_complete manager.py:9844-9865).
    edges: &[],
    failure_phases: NO_STATE_WRITTEN,
    image_tasks: None,
    starts: None,
    lock: unlocked("nova/compute/api.py:3496-3497 (no lock check for snapshot)"),
    host: NO_HOST_CHECK,
    policy: policy("os_compute_api:servers:create_image", PolicyDefault::ProjectMemberOrAdmin, "nova/policies/servers.py:434-435, 445-446 (then create_image:allow_volume_backed, also member, servers.py:1452-1454)"),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/servers.py:1424
    accepted: 202,
};

/// `backup` (`createBackup`).
pub(crate) const BACKUP: ActionSpec = ActionSpec {
    precondition: pre(
        IMAGE_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:3400-3402",
    ),
    api_method: "backup",
    rest: Some("createBackup"), // create_backup.py:36
    http: SERVER_ACTION,
    conflict_action: Some("createBackup"), // create_backup.py:76-78
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (create_backup.py:35).
    refused_with: Some(409),
    edges: &{
        let [a, b, c, d] = image_chain(T::ImageBackup);
        [
            api(None, T::ImageBackup, NULL, "nova/compute/api.py:3427-3428"),
            a,
            b,
            c,
            d,
        ]
    },
    failure_phases: &[
        phase(
            Api,
            &[kept(T::ImageBackup)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:3427-3436",
        ),
        // Any failure in _snapshot_instance (not threaded), or in
        // _rotate_backups after the end (then null again).
        phase(
            At(T::ImageBackup),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:4557-4569, 4620-4624, 150-189",
        ),
        IMAGE_NOT_FOUND_BACKUP,
        phase(
            At(T::ImageBackup),
            &[kept(T::ImageBackup)],
            M::Swallowed,
            "nova/compute/manager.py:4667-4682; nova/virt/libvirt/driver.py:3301-3304",
        ),
        PENDING_UPLOAD_REVERTED,
        PENDING_UPLOAD_SWALLOWED,
        UPLOADING_REVERTED,
    ],
    image_tasks: Some((T::ImagePendingUpload, T::ImageUploading)),
    starts: None,
    lock: unlocked("nova/compute/api.py:3398-3399 (no lock check for backup)"),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-create-backup",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/create_backup.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/create_backup.py:34
    accepted: 202,
};

/// `shelve`.
pub(crate) const SHELVE: ActionSpec = ActionSpec {
    precondition: pre(
        IMAGE_VMS,
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4545-4547",
    ),
    api_method: "shelve",
    rest: Some("shelve"), // shelve.py:40
    http: SERVER_ACTION,
    conflict_action: Some("shelve"), // shelve.py:58-60
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (shelve.py:39).
    refused_with: Some(409),
    edges: &[
        api(None, T::Shelving, NULL, "nova/compute/api.py:4553-4561"),
        // The driver's image callbacks, renamed by _shelve_instance (manager.py:7584-7594).
        step(
            T::Shelving,
            T::ShelvingImagePendingUpload,
            &[T::Shelving],
            "nova/compute/manager.py:7584-7594; nova/virt/libvirt/driver.py:3369",
        ),
        step(
            T::ShelvingImagePendingUpload,
            T::ShelvingImageUploading,
            &[T::ShelvingImagePendingUpload],
            "nova/virt/libvirt/driver.py:3371-3372, 3441-3442",
        ),
        step(
            T::ShelvingImageUploading,
            T::ShelvingImagePendingUpload,
            &[T::ShelvingImageUploading],
            "nova/virt/libvirt/driver.py:3394-3395",
        )
        .on(Branch::LibvirtFallback),
        Edge {
            api: false,
            from: Some(T::ShelvingImageUploading),
            to: None,
            guard: Guard::Expect(TaskFilter::of(SHELVE_END_GUARD, false)),
            vm: Some(V::Shelved),
            power: Some(P::Shutdown),
            starts: ALL_STARTS,
            end: true,
            branch: Branch::OffloadLater,
            source: "nova/compute/manager.py:7603-7613",
        },
        Edge {
            api: false,
            from: Some(T::ShelvingImageUploading),
            to: Some(T::ShelvingOffloading),
            guard: Guard::Expect(TaskFilter::of(SHELVE_END_GUARD, false)),
            vm: Some(V::Shelved),
            power: Some(P::Shutdown),
            starts: ALL_STARTS,
            end: false,
            branch: Branch::OffloadNow,
            source: "nova/compute/manager.py:7603-7613",
        },
        finish(
            T::ShelvingOffloading,
            OFFLOAD_GUARD,
            Some(V::ShelvedOffloaded),
            Some(P::Shutdown),
            "nova/compute/manager.py:7692-7700",
        )
        .on(Branch::OffloadNow),
        finish(
            T::Shelving,
            OFFLOAD_GUARD,
            Some(V::ShelvedOffloaded),
            Some(P::Shutdown),
            "nova/compute/api.py:4578-4581; nova/compute/manager.py:7697-7700",
        )
        .on(Branch::VolumeBacked),
    ],
    failure_phases: &[
        // Also a Glance outage in create_image, after the save.
        phase(
            Api,
            &[kept(T::Shelving)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4553-4581",
        ),
        // Power-off or the snapshot start; a missing guest is not caught
        // here (unlike snapshot). Volume-backed: the offload fails.
        phase(
            At(T::Shelving),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7540-7544, 7598-7601, 7625-7690, 150-189",
        ),
        phase(
            At(T::ShelvingImagePendingUpload),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7540-7544; nova/virt/libvirt/driver.py:3409-3434",
        ),
        phase(
            At(T::ShelvingImageUploading),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7540-7544, 7601, 150-189",
        ),
        // vm_state shelved was written with shelving_offloading.
        phase(
            At(T::ShelvingOffloading),
            &[ends_as(V::Shelved, None)],
            M::RevertsTaskState,
            "nova/compute/manager.py:7606-7613, 7620-7623, 7662-7690, 150-189",
        )
        .on(Branch::OffloadNow),
        // After the end save: the resource tracker, the host-nulling save,
        // the scheduler report.
        phase(
            At(T::ShelvingOffloading),
            &[ends_as(V::ShelvedOffloaded, None)],
            M::AfterEnd,
            "nova/compute/manager.py:7697-7713, 164-175",
        )
        .on(Branch::OffloadNow),
        phase(
            At(T::Shelving),
            &[ends_as(V::ShelvedOffloaded, None)],
            M::AfterEnd,
            "nova/compute/manager.py:7697-7713, 164-175",
        )
        .on(Branch::VolumeBacked),
    ],
    image_tasks: Some((T::ShelvingImagePendingUpload, T::ShelvingImageUploading)),
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4544; nova/api/openstack/compute/shelve.py:53-57",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-shelve:shelve",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/shelve.py:26-27",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/shelve.py:38
    accepted: 202,
};

/// `shelve_offload` (`shelveOffload`).
pub(crate) const SHELVE_OFFLOAD: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Shelved],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4585-4586",
    ),
    api_method: "shelve_offload",
    rest: Some("shelveOffload"), // shelve.py:70
    http: SERVER_ACTION,
    conflict_action: Some("shelveOffload"), // shelve.py:84-87
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (shelve.py:69).
    refused_with: Some(409),
    edges: &[
        // Also written by the periodic _poll_shelved_instances (manager.py:10998-10999).
        api(
            None,
            T::ShelvingOffloading,
            NULL,
            "nova/compute/api.py:4588-4589",
        ),
        finish(
            T::ShelvingOffloading,
            OFFLOAD_GUARD,
            Some(V::ShelvedOffloaded),
            None,
            "nova/compute/manager.py:7697-7700",
        ),
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::ShelvingOffloading)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4588-4601",
        ),
        phase(
            At(T::ShelvingOffloading),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7625-7690, 150-189",
        ),
        phase(
            At(T::ShelvingOffloading),
            &[ends_as(V::ShelvedOffloaded, None)],
            M::AfterEnd,
            "nova/compute/manager.py:7697-7713, 164-175",
        ),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4584; nova/api/openstack/compute/shelve.py:82-83",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-shelve:shelve_offload",
        PolicyDefault::Admin,
        "nova/policies/shelve.py:60-61",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/shelve.py:68
    accepted: 202,
};

/// `unshelve`.
pub(crate) const UNSHELVE: ActionSpec = ActionSpec {
    precondition: pre(
        &[V::Shelved, V::ShelvedOffloaded],
        TF::NULL_ONLY,
        true,
        "nova/compute/api.py:4705-4707",
    ),
    api_method: "unshelve",
    rest: Some("unshelve"), // shelve.py:94
    http: SERVER_ACTION,
    conflict_action: Some("unshelve"), // shelve.py:143-145
    // 409: nova/api/openstack/common.py:346, passed by the method's
    // expected_errors (shelve.py:93).
    refused_with: Some(409),
    edges: &[
        api(None, T::Unshelving, NULL, "nova/compute/api.py:4805-4806"),
        step(
            T::Unshelving,
            T::PoweringOn,
            &[T::Unshelving],
            "nova/conductor/manager.py:1026-1027",
        )
        .for_starts(&[V::Shelved]),
        finish(
            T::PoweringOn,
            only(T::PoweringOn),
            Some(V::Active),
            Some(P::Running),
            "nova/compute/manager.py:3552-3565",
        )
        .for_starts(&[V::Shelved]),
        step(
            T::Unshelving,
            T::Spawning,
            &[],
            "nova/compute/manager.py:7772-7773",
        )
        .unguarded()
        .for_starts(&[V::ShelvedOffloaded]),
        finish(
            T::Spawning,
            only(T::Spawning),
            Some(V::Active),
            Some(P::Running),
            "nova/compute/manager.py:7860-7864",
        )
        .for_starts(&[V::ShelvedOffloaded]),
    ],
    failure_phases: &[
        phase(
            Api,
            &[kept(T::Unshelving)],
            M::ApiWriteNotUndone,
            "nova/compute/api.py:4805-4811",
        ),
        // Shelved: the conductor writes powering-on, then the
        // start_instance cast raises (no handler).
        phase(
            At(T::Unshelving),
            &[ends_as(V::Shelved, Some(T::PoweringOn))],
            M::NotReverted,
            "nova/conductor/manager.py:1025-1028",
        )
        .for_starts(&[V::Shelved]),
        phase(
            At(T::PoweringOn),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:3540-3552, 150-189",
        )
        .for_starts(&[V::Shelved]),
        phase(
            At(T::PoweringOn),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:3552-3565, 164-175",
        )
        .for_starts(&[V::Shelved]),
        // Offloaded, image-backed: the shelved image is gone.
        phase(
            At(T::Unshelving),
            &[error_with(T::Unshelving)],
            M::ErrorState,
            "nova/conductor/manager.py:1035-1052",
        )
        .for_starts(&[V::ShelvedOffloaded]),
        // Any other Glance error there is caught by nothing.
        phase(
            At(T::Unshelving),
            &[kept(T::Unshelving)],
            M::NotReverted,
            "nova/conductor/manager.py:1036-1040",
        )
        .for_starts(&[V::ShelvedOffloaded]),
        // Scheduling, quota, ARQ or the cast fail.
        phase(
            At(T::Unshelving),
            &[CLEARED],
            M::ClearsTask,
            "nova/conductor/manager.py:1149-1165",
        )
        .for_starts(&[V::ShelvedOffloaded]),
        // On the compute, before the spawning write.
        phase(
            At(T::Unshelving),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7720-7773, 150-189",
        )
        .for_starts(&[V::ShelvedOffloaded]),
        // Claim, network or spawn fail: no reschedule for unshelve.
        phase(
            At(T::Spawning),
            &[CLEARED],
            M::RevertsTaskState,
            "nova/compute/manager.py:7797-7852, 150-189",
        )
        .for_starts(&[V::ShelvedOffloaded]),
        phase(
            At(T::Spawning),
            &[ends_as(V::Active, None).power(P::Running)],
            M::DirtyFinalSave,
            "nova/compute/manager.py:7859-7864, 2224-2228, 164-175",
        )
        .for_starts(&[V::ShelvedOffloaded]),
    ],
    image_tasks: None,
    starts: None,
    lock: locked(
        LockWording::IsLocked,
        "nova/compute/api.py:4704; nova/api/openstack/compute/shelve.py:136-142",
    ),
    host: NO_HOST_CHECK,
    policy: policy(
        "os_compute_api:os-shelve:unshelve",
        PolicyDefault::ProjectMemberOrAdmin,
        "nova/policies/shelve.py:37-38",
    ),
    versions: EVERY_VERSION,
    // nova/api/openstack/compute/shelve.py:92
    accepted: 202,
};
