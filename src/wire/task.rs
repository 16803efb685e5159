//! `OS-EXT-STS:task_state`: the one operation in flight.

use super::macros::{serde_by_name, wire_enum};

wire_enum! {
    /// The operation in flight (`OS-EXT-STS:task_state`); a server with no
    /// task has `None` (JSON `null`), so the field is `Option<TaskState>`.
    ///
    /// The 42 values of `InstanceTaskState`, in its order, with its exact
    /// strings (nova/objects/fields.py:1054-1096 @ 00a030403f67). Three are
    /// hyphenated: `powering-off`, `powering-on`, `soft-deleting`.
    ///
    /// Not `#[non_exhaustive]`, for the reason given on [`VmState`](crate::VmState).
    ///
    /// ```
    /// use nova_states::TaskState;
    /// assert_eq!("powering-off".parse::<TaskState>(), Ok(TaskState::PoweringOff));
    /// assert_eq!(TaskState::PoweringOff.as_str(), "powering-off");
    /// // The underscore spelling of old vendor docs parses, and prints as Nova does.
    /// assert_eq!("powering_off".parse::<TaskState>().map(|t| t.to_string()).as_deref(),
    ///            Ok("powering-off"));
    /// // Other hyphen/underscore swaps were never seen and are refused.
    /// assert!("soft_deleting".parse::<TaskState>().is_err());
    /// ```
    pub enum TaskState for TaskState, case_insensitive = false, from_str = parse {
        /// `scheduling` (build). fields.py:1055
        Scheduling = 0, "scheduling";
        /// `block_device_mapping` (build). fields.py:1056
        BlockDeviceMapping = 1, "block_device_mapping";
        /// `networking` (build). fields.py:1057
        Networking = 2, "networking";
        /// `spawning` (build, unshelve). fields.py:1058
        Spawning = 3, "spawning";
        /// `image_snapshot` (snapshot). fields.py:1059
        ImageSnapshot = 4, "image_snapshot";
        /// `image_snapshot_pending` (snapshot, before the compute host starts). fields.py:1060
        ImageSnapshotPending = 5, "image_snapshot_pending";
        /// `image_pending_upload` (snapshot, backup). fields.py:1061
        ImagePendingUpload = 6, "image_pending_upload";
        /// `image_uploading` (snapshot, backup). fields.py:1062
        ImageUploading = 7, "image_uploading";
        /// `image_backup` (backup). fields.py:1063
        ImageBackup = 8, "image_backup";
        /// `updating_password`. fields.py:1064
        UpdatingPassword = 9, "updating_password";
        /// `resize_prep`. fields.py:1065
        ResizePrep = 10, "resize_prep";
        /// `resize_migrating`. fields.py:1066
        ResizeMigrating = 11, "resize_migrating";
        /// `resize_migrated`. fields.py:1067
        ResizeMigrated = 12, "resize_migrated";
        /// `resize_finish`. fields.py:1068
        ResizeFinish = 13, "resize_finish";
        /// `resize_reverting`. fields.py:1069
        ResizeReverting = 14, "resize_reverting";
        /// `resize_confirming`: declared, but no Nova code writes it. fields.py:1070
        ResizeConfirming = 15, "resize_confirming";
        /// `rebooting` (soft reboot). fields.py:1071
        Rebooting = 16, "rebooting";
        /// `reboot_pending` (soft reboot). fields.py:1072
        RebootPending = 17, "reboot_pending";
        /// `reboot_started` (soft reboot). fields.py:1073
        RebootStarted = 18, "reboot_started";
        /// `rebooting_hard`. fields.py:1074
        RebootingHard = 19, "rebooting_hard";
        /// `reboot_pending_hard`. fields.py:1075
        RebootPendingHard = 20, "reboot_pending_hard";
        /// `reboot_started_hard`. fields.py:1076
        RebootStartedHard = 21, "reboot_started_hard";
        /// `pausing`. fields.py:1077
        Pausing = 22, "pausing";
        /// `unpausing`. fields.py:1078
        Unpausing = 23, "unpausing";
        /// `suspending`. fields.py:1079
        Suspending = 24, "suspending";
        /// `resuming`. fields.py:1080
        Resuming = 25, "resuming";
        /// `powering-off` (stop). fields.py:1081
        PoweringOff = 26, "powering-off";
        /// `powering-on` (start). fields.py:1082
        PoweringOn = 27, "powering-on";
        /// `rescuing`. fields.py:1083
        Rescuing = 28, "rescuing";
        /// `unrescuing`. fields.py:1084
        Unrescuing = 29, "unrescuing";
        /// `rebuilding`. fields.py:1085
        Rebuilding = 30, "rebuilding";
        /// `rebuild_block_device_mapping`. fields.py:1086
        RebuildBlockDeviceMapping = 31, "rebuild_block_device_mapping";
        /// `rebuild_spawning`. fields.py:1087
        RebuildSpawning = 32, "rebuild_spawning";
        /// `migrating` (live migration). fields.py:1088
        Migrating = 33, "migrating";
        /// `deleting`. fields.py:1089
        Deleting = 34, "deleting";
        /// `soft-deleting`. fields.py:1090
        SoftDeleting = 35, "soft-deleting";
        /// `restoring`. fields.py:1091
        Restoring = 36, "restoring";
        /// `shelving`. fields.py:1092
        Shelving = 37, "shelving";
        /// `shelving_image_pending_upload`. fields.py:1093
        ShelvingImagePendingUpload = 38, "shelving_image_pending_upload";
        /// `shelving_image_uploading`. fields.py:1094
        ShelvingImageUploading = 39, "shelving_image_uploading";
        /// `shelving_offloading`. fields.py:1095
        ShelvingOffloading = 40, "shelving_offloading";
        /// `unshelving`. fields.py:1096
        Unshelving = 41, "unshelving";
    }
    aliases {
        "powering_off" => PoweringOff,
            "Rackspace Cloud Servers guide, Extended Status Extension";
        "powering_on" => PoweringOn,
            "Rackspace Cloud Servers guide, Extended Status Extension";
        "stopping" => PoweringOff,
            "Rackspace Cloud Servers guide; Nova's name before powering-off";
        "starting" => PoweringOn,
            "Rackspace Cloud Servers guide; Nova's name before powering-on";
    }
}

serde_by_name!(
    TaskState,
    "a Nova task_state such as \"image_uploading\" or \"powering-off\""
);

impl TaskState {
    /// The slot of an optional task state in [`TaskState::ALL_OR_NULL`]:
    /// 0 for `null`, `index() + 1` otherwise. The one place tables keyed on
    /// (vm_state, task_state) compute their column.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::TaskState;
    ///
    /// assert_eq!(TaskState::slot(None), 0);
    /// let deleting = Some(TaskState::Deleting);
    /// assert_eq!(TaskState::ALL_OR_NULL[TaskState::slot(deleting)], deleting);
    /// ```
    pub const fn slot(task: Option<TaskState>) -> usize {
        match task {
            Some(task) => task.index() + 1,
            None => 0,
        }
    }

    /// Every value the task field can hold: `None` first, then [`TaskState::ALL`].
    // Evaluated at compile time: an index out of bounds would fail the build.
    #[allow(clippy::indexing_slicing)]
    pub const ALL_OR_NULL: [Option<TaskState>; TaskState::COUNT + 1] = {
        let mut out = [None; TaskState::COUNT + 1];
        let mut i = 0;
        while i < TaskState::COUNT {
            out[i + 1] = Some(TaskState::ALL[i]);
            i += 1;
        }
        out
    };

    /// The wire form of an optional task state: its name, or `null`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::TaskState;
    ///
    /// assert_eq!(TaskState::name_or_null(None), "null");
    /// assert_eq!(TaskState::name_or_null(Some(TaskState::PoweringOff)), "powering-off");
    /// ```
    pub const fn name_or_null(task: Option<TaskState>) -> &'static str {
        match task {
            Some(task) => task.as_str(),
            None => "null",
        }
    }
}
