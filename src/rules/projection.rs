//! `status`: what users see, derived by Nova from vm_state and task_state.
//!
//! The projection is Nova's `_STATE_MAP` and `status_from_state`
//! (nova/api/openstack/common.py:44-123 @ 00a030403f67), declared here once
//! as [`explicit_status`] (the task entries of each vm_state's dictionary)
//! and [`default_status`] (its `'default'` entry). [`status`], the reverse
//! ([`ServerStatus::preimage`]) and the list filter ([`ListFilter`]) are
//! computed from those two.

use crate::wire::set::TaskStateSet;
use crate::wire::set::VmStateSet;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// The `'default'` entry of a vm_state's dictionary in `_STATE_MAP`: the
/// status shown when the task state is null or has no entry of its own.
///
/// ```
/// use nova_states::rules::default_status;
/// use nova_states::{ServerStatus, VmState};
/// assert_eq!(default_status(VmState::Resized), ServerStatus::VerifyResize);
/// ```
pub const fn default_status(vm: VmState) -> ServerStatus {
    use ServerStatus as S;
    // nova/api/openstack/common.py @ 00a030403f67, the 'default' key of each
    // vm_state's dictionary; no `_` arm, so a new vm_state breaks the build.
    match vm {
        VmState::Active => S::Active,                     // common.py:46
        VmState::Building => S::Build,                    // common.py:64
        VmState::Stopped => S::Shutoff,                   // common.py:67
        VmState::Resized => S::VerifyResize,              // common.py:77
        VmState::Paused => S::Paused,                     // common.py:84
        VmState::Suspended => S::Suspended,               // common.py:88
        VmState::Rescued => S::Rescue,                    // common.py:91
        VmState::Error => S::Error,                       // common.py:94
        VmState::Deleted => S::Deleted,                   // common.py:100
        VmState::SoftDeleted => S::SoftDeleted,           // common.py:103
        VmState::Shelved => S::Shelved,                   // common.py:106
        VmState::ShelvedOffloaded => S::ShelvedOffloaded, // common.py:109
    }
}

/// The entry a task state has of its own in a vm_state's dictionary in
/// `_STATE_MAP`, if any (`None`: Nova falls back to [`default_status`]).
///
/// ```
/// use nova_states::rules::explicit_status;
/// use nova_states::{ServerStatus, TaskState, VmState};
/// assert_eq!(explicit_status(VmState::Stopped, TaskState::ResizeMigrating), Some(ServerStatus::Resize));
/// // A paused server being resized? Not in the map: it shows PAUSED.
/// assert_eq!(explicit_status(VmState::Paused, TaskState::ResizePrep), None);
/// ```
pub const fn explicit_status(vm: VmState, task: TaskState) -> Option<ServerStatus> {
    use ServerStatus as S;
    use TaskState as T;
    // nova/api/openstack/common.py:44-111 @ 00a030403f67.
    let status = match vm {
        VmState::Active => match task {
            T::Rebooting | T::RebootPending | T::RebootStarted => S::Reboot, // :47-49
            T::RebootingHard | T::RebootPendingHard | T::RebootStartedHard => S::HardReboot, // :50-52
            T::UpdatingPassword => S::Password,                                              // :53
            T::Rebuilding | T::RebuildBlockDeviceMapping | T::RebuildSpawning => S::Rebuild, // :54-56
            T::Migrating => S::Migrating,                                                    // :57
            T::ResizePrep | T::ResizeMigrating | T::ResizeMigrated | T::ResizeFinish => S::Resize, // :58-61
            _ => return None,
        },
        VmState::Stopped => match task {
            T::ResizePrep | T::ResizeMigrating | T::ResizeMigrated | T::ResizeFinish => S::Resize, // :68-71
            T::Rebuilding | T::RebuildBlockDeviceMapping | T::RebuildSpawning => S::Rebuild, // :72-74
            _ => return None,
        },
        // :78-80 comment out RESIZE_CONFIRMING; only RESIZE_REVERTING has an entry.
        VmState::Resized => match task {
            T::ResizeReverting => S::RevertResize, // :81
            _ => return None,
        },
        VmState::Paused => match task {
            T::Migrating => S::Migrating, // :85
            _ => return None,
        },
        VmState::Error => match task {
            T::Rebuilding | T::RebuildBlockDeviceMapping | T::RebuildSpawning => S::Rebuild, // :95-97
            _ => return None,
        },
        // Dictionaries with only a 'default' key: common.py:63-65, 87-92, 99-110.
        VmState::Building
        | VmState::Suspended
        | VmState::Rescued
        | VmState::Deleted
        | VmState::SoftDeleted
        | VmState::Shelved
        | VmState::ShelvedOffloaded => return None,
    };
    Some(status)
}

/// The status Nova shows for a server: `status_from_state(vm_state,
/// task_state)` (nova/api/openstack/common.py:114-123). Total: every one of
/// the 12 × 43 cells has a status.
///
/// ```
/// use nova_states::{status, ServerStatus, TaskState, VmState};
/// assert_eq!(status(VmState::Active, None), ServerStatus::Active);
/// assert_eq!(status(VmState::Active, Some(TaskState::RebootingHard)), ServerStatus::HardReboot);
/// // A snapshot in progress does not show: the status stays ACTIVE.
/// assert_eq!(status(VmState::Active, Some(TaskState::ImageUploading)), ServerStatus::Active);
/// ```
#[inline]
// The indices are an enum's position (< 12) and a task slot (< 43), so the
// bounds checks cannot fail and the compiler removes them.
#[allow(clippy::indexing_slicing)]
pub const fn status(vm: VmState, task: Option<TaskState>) -> ServerStatus {
    let slot = TaskState::slot(task);
    STATUS_TABLE[vm.index()][slot]
}

/// [`status`] spelled out from the two dictionaries, as Nova's
/// `status_from_state` does (`task_map.get(task, task_map['default'])`).
const fn status_from_dictionaries(vm: VmState, task: Option<TaskState>) -> ServerStatus {
    match task {
        Some(task) => match explicit_status(vm, task) {
            Some(status) => status,
            None => default_status(vm),
        },
        None => default_status(vm),
    }
}

/// The projection as a table, computed at compile time from
/// [`explicit_status`] and [`default_status`] (so it is declared once): one
/// row per vm_state, one column per task slot (`null` first).
// Evaluated at compile time only; an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const STATUS_TABLE: [[ServerStatus; TaskState::COUNT + 1]; VmState::COUNT] = {
    let mut table = [[ServerStatus::Unknown; TaskState::COUNT + 1]; VmState::COUNT];
    let mut v = 0;
    while v < VmState::COUNT {
        let mut t = 0;
        while t < TaskState::COUNT + 1 {
            table[v][t] = status_from_dictionaries(VmState::ALL[v], TaskState::ALL_OR_NULL[t]);
            t += 1;
        }
        v += 1;
    }
    table
};

/// [`status`] over raw strings, exactly as Nova treats values it does not
/// know: an absent or unknown vm_state gives `UNKNOWN` (common.py:116), an
/// absent or unknown task_state falls back to the vm_state's default
/// (common.py:117). Only Nova's exact wire names count: aliases such as
/// `build` are unknown to Nova, so they give `UNKNOWN` here too.
///
/// For tools reading documents from clouds newer than the pinned commit.
///
/// ```
/// use nova_states::rules::status_from_raw;
/// use nova_states::ServerStatus;
/// assert_eq!(status_from_raw(Some("stopped"), Some("resize_prep")), ServerStatus::Resize);
/// assert_eq!(status_from_raw(Some("active"), Some("some_future_task")), ServerStatus::Active);
/// assert_eq!(status_from_raw(Some("hibernated"), None), ServerStatus::Unknown);
/// assert_eq!(status_from_raw(Some("build"), None), ServerStatus::Unknown);
/// ```
pub fn status_from_raw(vm: Option<&str>, task: Option<&str>) -> ServerStatus {
    match vm.and_then(VmState::from_wire) {
        Some(vm) => status(vm, task.and_then(TaskState::from_wire)),
        None => ServerStatus::Unknown,
    }
}

/// The (vm_state, task_state) pairs that project to one status, in
/// vm_state order then task order (`null` first). See
/// [`ServerStatus::preimage`].
#[derive(Debug, Clone)]
pub struct Preimage {
    status: ServerStatus,
    vm: usize,
    task: usize,
}

impl Iterator for Preimage {
    type Item = (VmState, Option<TaskState>);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(vm) = VmState::ALL.get(self.vm).copied() {
            while let Some(task) = TaskState::ALL_OR_NULL.get(self.task).copied() {
                self.task += 1;
                if status(vm, task) == self.status {
                    return Some((vm, task));
                }
            }
            self.vm += 1;
            self.task = 0;
        }
        None
    }
}

impl ServerStatus {
    /// Every (vm_state, task_state) pair whose status is `self`: the exact
    /// reverse of [`status`]. `UNKNOWN` has none (Nova shows it only for
    /// vm_states outside its map and for down cells).
    ///
    /// This is **not** what `GET /servers?status=X` returns: see
    /// [`ListFilter`].
    ///
    /// ```
    /// use nova_states::{ServerStatus, TaskState, VmState};
    /// let pairs: Vec<_> = ServerStatus::RevertResize.preimage().collect();
    /// assert_eq!(pairs, [(VmState::Resized, Some(TaskState::ResizeReverting))]);
    /// assert_eq!(ServerStatus::Unknown.preimage().count(), 0);
    /// ```
    pub const fn preimage(self) -> Preimage {
        Preimage {
            status: self,
            vm: 0,
            task: 0,
        }
    }

    /// The vm_states that show `self` with this task_state: the reverse of
    /// [`status`] for a document that has a status and a task_state but no
    /// vm_state (`openstack server list --long`). One vm_state: it is
    /// known; several: any of them; none: Nova never shows this pair.
    ///
    /// `DELETED` is the exception: Nova shows it for any row whose
    /// `deleted` flag is set, whatever its states (views/servers.py:597-599),
    /// so every vm_state remains.
    ///
    /// ```
    /// use nova_states::{ServerStatus, TaskState, VmState, VmStateSet};
    /// assert_eq!(ServerStatus::Shutoff.vm_states_with(None), VmStateSet::from_slice(&[VmState::Stopped]));
    /// // A rebuild shows REBUILD from active, stopped and error alike.
    /// let rebuilding = ServerStatus::Rebuild.vm_states_with(Some(TaskState::Rebuilding));
    /// assert_eq!(rebuilding, VmStateSet::from_slice(&[VmState::Active, VmState::Stopped, VmState::Error]));
    /// // ACTIVE with a soft reboot in flight: Nova would show REBOOT.
    /// assert!(ServerStatus::Active.vm_states_with(Some(TaskState::Rebooting)).is_empty());
    /// ```
    pub const fn vm_states_with(self, task: Option<TaskState>) -> VmStateSet {
        if matches!(self, ServerStatus::Deleted) {
            return VmStateSet::FULL;
        }
        let mut set = VmStateSet::EMPTY;
        let mut vms: &[VmState] = &VmState::ALL;
        while let [vm, rest @ ..] = vms {
            vms = rest;
            if status(*vm, task) as u8 == self as u8 {
                set = set.with(*vm);
            }
        }
        set
    }

    /// The vm_states that show `self` with some task_state (or none): the
    /// candidates when the task_state is not known either (`openstack
    /// server list` without `--long`, or a task_state name this model does
    /// not know). `DELETED` leaves every vm_state, as in
    /// [`ServerStatus::vm_states_with`].
    ///
    /// ```
    /// use nova_states::{ServerStatus, VmState, VmStateSet};
    /// assert_eq!(ServerStatus::Active.vm_states(), VmStateSet::from_slice(&[VmState::Active]));
    /// assert_eq!(ServerStatus::Migrating.vm_states(), VmStateSet::from_slice(&[VmState::Active, VmState::Paused]));
    /// assert!(ServerStatus::Unknown.vm_states().is_empty());
    /// ```
    pub const fn vm_states(self) -> VmStateSet {
        let mut set = VmStateSet::EMPTY;
        let mut slots: &[Option<TaskState>] = &TaskState::ALL_OR_NULL;
        while let [task, rest @ ..] = slots {
            slots = rest;
            set = set.union(self.vm_states_with(*task));
        }
        set
    }

    /// What `GET /servers?status=<self>` filters on. See [`ListFilter`].
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{status, ServerStatus, TaskState, VmState};
    ///
    /// // ?status=SHUTOFF also returns stopped servers being resized...
    /// let shutoff = ServerStatus::Shutoff.list_filter();
    /// let resizing = (VmState::Stopped, Some(TaskState::ResizePrep));
    /// assert!(shutoff.matches(resizing.0, resizing.1));
    /// assert_eq!(status(resizing.0, resizing.1), ServerStatus::Resize);
    /// // ...and ?status=UNKNOWN is refused.
    /// assert!(ServerStatus::Unknown.list_filter().is_rejected());
    /// ```
    pub const fn list_filter(self) -> ListFilter {
        ListFilter::for_statuses(&[self])
    }
}

/// What Nova's `GET /servers?status=...` really filters on.
///
/// Nova does not filter on the status itself. `task_and_vm_state_from_status`
/// (nova/api/openstack/common.py:126-140) walks `_STATE_MAP` and collects,
/// over every requested status (ASCII case ignored), the union of the
/// vm_states and the union of the task keys (`'default'` included) whose
/// status matches; its caller (nova/api/openstack/compute/servers.py:217-231)
/// then filters on `vm_state IN vm_states` and adds `task_state IN
/// task_states` **only when `'default'` is not among the task keys**.
///
/// The trap: `?status=ACTIVE` matches `active`'s default, so no task filter
/// is applied and servers showing `REBOOT`, `RESIZE`, `MIGRATING`... come
/// back too. `?status=SHUTOFF` returns stopped servers being resized or
/// rebuilt. `?status=REBOOT&status=SHUTOFF` drops the task filter for both
/// and returns every active and stopped server. And `?status=REBUILD`
/// applies a task filter across `active`, `stopped` and `error`.
///
/// ```
/// use nova_states::{ServerStatus, TaskState, VmState, status};
/// let filter = ServerStatus::Active.list_filter();
/// assert!(filter.task_states.is_none()); // no task filter at all
/// let rebooting = (VmState::Active, Some(TaskState::Rebooting));
/// assert!(filter.matches(rebooting.0, rebooting.1));
/// assert_eq!(status(rebooting.0, rebooting.1), ServerStatus::Reboot);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListFilter {
    /// `vm_state IN (...)`.
    pub vm_states: VmStateSet,
    /// `task_state IN (...)`, or `None` when Nova applies no task filter
    /// (a requested status is a vm_state's default, or Nova refuses the
    /// query and builds no filter at all: [`ListFilter::is_rejected`]). A
    /// task filter never matches a null task_state (SQL `IN`).
    pub task_states: Option<TaskStateSet>,
}

impl ListFilter {
    /// The filter Nova builds for `?status=s1&status=s2...`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{ListFilter, ServerStatus, TaskState, VmState};
    ///
    /// // REBOOT alone filters on the reboot task states...
    /// let reboot = ListFilter::for_statuses(&[ServerStatus::Reboot]);
    /// assert!(reboot.matches(VmState::Active, Some(TaskState::Rebooting)));
    /// assert!(!reboot.matches(VmState::Active, None));
    /// // ...but asked with SHUTOFF the task filter is dropped for both:
    /// // every active and every stopped server comes back.
    /// let both = ListFilter::for_statuses(&[ServerStatus::Reboot, ServerStatus::Shutoff]);
    /// assert!(both.task_states.is_none());
    /// assert!(both.matches(VmState::Active, None));
    /// ```
    pub const fn for_statuses(statuses: &[ServerStatus]) -> ListFilter {
        let mut vm_states = VmStateSet::EMPTY;
        let mut task_states = TaskStateSet::EMPTY;
        let mut any_default = false;
        let mut rest = statuses;
        while let [wanted, tail @ ..] = rest {
            rest = tail;
            let mut vms: &[VmState] = &VmState::ALL;
            while let [vm, vm_tail @ ..] = vms {
                vms = vm_tail;
                if default_status(*vm) as u8 == *wanted as u8 {
                    vm_states = vm_states.with(*vm);
                    any_default = true;
                }
                let mut tasks: &[TaskState] = &TaskState::ALL;
                while let [task, task_tail @ ..] = tasks {
                    tasks = task_tail;
                    if let Some(s) = explicit_status(*vm, *task) {
                        if s as u8 == *wanted as u8 {
                            vm_states = vm_states.with(*vm);
                            task_states = task_states.with(*task);
                        }
                    }
                }
            }
        }
        ListFilter {
            vm_states,
            // No status matched: Nova builds no filter at all (it refuses
            // the query, see `is_rejected`), so there is no task filter
            // either, not an empty one.
            task_states: if any_default || vm_states.is_empty() {
                None
            } else {
                Some(task_states)
            },
        }
    }

    /// Whether Nova refuses the query: no status matched (`UNKNOWN`, or a
    /// name Nova does not know). Since microversion 2.38 the API answers
    /// 400 "Invalid status value"; before, an empty list
    /// (servers.py:221-226).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{ListFilter, ServerStatus};
    ///
    /// assert!(ServerStatus::Unknown.list_filter().is_rejected());
    /// assert!(ListFilter::for_statuses(&[]).is_rejected());
    /// assert!(!ServerStatus::Active.list_filter().is_rejected());
    /// ```
    pub const fn is_rejected(self) -> bool {
        self.vm_states.is_empty()
    }

    /// Whether a server with this vm_state and task_state is returned.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{ServerStatus, TaskState, VmState};
    ///
    /// let rebuild = ServerStatus::Rebuild.list_filter();
    /// assert!(rebuild.matches(VmState::Error, Some(TaskState::Rebuilding)));
    /// // A task filter never matches a null task_state.
    /// assert!(!rebuild.matches(VmState::Error, None));
    /// ```
    pub const fn matches(self, vm: VmState, task: Option<TaskState>) -> bool {
        if !self.vm_states.contains(vm) {
            return false;
        }
        match (self.task_states, task) {
            (None, _) => true,
            (Some(tasks), Some(task)) => tasks.contains(task),
            (Some(_), None) => false,
        }
    }
}
