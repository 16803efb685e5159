//! A server's observable state, and the (vm_state, task_state) pair the
//! status is derived from.

use core::fmt;

use crate::bits;
use crate::machine::reach_table::{POSSIBLE, REACH};
use crate::wire::power::PowerState;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

/// A server's state: what the three `OS-EXT-STS` fields say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerState {
    /// `OS-EXT-STS:vm_state`.
    pub vm: VmState,
    /// `OS-EXT-STS:task_state`.
    pub task: Option<TaskState>,
    /// `OS-EXT-STS:power_state`.
    pub power: PowerState,
}

impl ServerState {
    /// A server the API just accepted for build: `building`, `scheduling`,
    /// NOSTATE (nova/compute/api.py:1210-1211, 2146-2147).
    pub const BUILD_REQUEST: ServerState = ServerState {
        vm: VmState::Building,
        task: Some(TaskState::Scheduling),
        power: PowerState::NoState,
    };

    /// How many states there are: 12 × 43 × 6.
    pub const COUNT: usize = VmState::COUNT * (TaskState::COUNT + 1) * PowerState::COUNT;

    /// A dense index in `0..COUNT`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::ServerState;
    ///
    /// let s = ServerState::BUILD_REQUEST;
    /// assert!(s.index() < ServerState::COUNT);
    /// assert_eq!(ServerState::from_index(s.index()), Some(s));
    /// ```
    pub const fn index(self) -> usize {
        let task = TaskState::slot(self.task);
        (self.vm.index() * (TaskState::COUNT + 1) + task) * PowerState::COUNT + self.power.index()
    }

    /// The state at a dense index, if in range.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::ServerState;
    ///
    /// let first = ServerState::from_index(0).unwrap();
    /// assert_eq!(first.to_string(), "active/null/pending");
    /// assert_eq!(ServerState::from_index(ServerState::COUNT), None);
    /// ```
    pub fn from_index(index: usize) -> Option<ServerState> {
        let power = *PowerState::ALL.get(index % PowerState::COUNT)?;
        let rest = index / PowerState::COUNT;
        let task = *TaskState::ALL_OR_NULL.get(rest % (TaskState::COUNT + 1))?;
        let vm = *VmState::ALL.get(rest / (TaskState::COUNT + 1))?;
        Some(ServerState { vm, task, power })
    }

    /// Every state, in index order.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{ServerState, VmState};
    ///
    /// assert_eq!(ServerState::COUNT, 12 * 43 * 6);
    /// assert_eq!(ServerState::all().count(), ServerState::COUNT);
    /// assert_eq!(ServerState::all().filter(|s| s.vm == VmState::Deleted).count(), 43 * 6);
    /// ```
    pub fn all() -> impl Iterator<Item = ServerState> {
        (0..Self::COUNT).filter_map(Self::from_index)
    }

    /// The status Nova shows for it.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{PowerState, ServerState, ServerStatus, TaskState, VmState};
    ///
    /// assert_eq!(ServerState::BUILD_REQUEST.status(), ServerStatus::Build);
    /// let resizing = ServerState {
    ///     vm: VmState::Stopped,
    ///     task: Some(TaskState::ResizeMigrating),
    ///     power: PowerState::Shutdown,
    /// };
    /// assert_eq!(resizing.status(), ServerStatus::Resize);
    /// ```
    pub const fn status(self) -> crate::ServerStatus {
        crate::status(self.vm, self.task)
    }
}

impl fmt::Display for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.vm,
            TaskState::name_or_null(self.task),
            self.power
        )
    }
}

/// A (vm_state, task_state) pair, the part of a state the validator tracks
/// (power_state moves with the hypervisor between polls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pair {
    /// The vm_state.
    pub vm: VmState,
    /// The task_state.
    pub task: Option<TaskState>,
}

impl Pair {
    /// How many pairs there are (12 × 43).
    pub const COUNT: usize = VmState::COUNT * (TaskState::COUNT + 1);

    /// A dense index in `0..COUNT`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Pair, TaskState, VmState};
    ///
    /// let pair = Pair { vm: VmState::Stopped, task: Some(TaskState::PoweringOn) };
    /// assert!(pair.index() < Pair::COUNT);
    /// assert_eq!(Pair::from_index(pair.index()), Some(pair));
    /// ```
    pub const fn index(self) -> usize {
        // By discriminant: the same as `vm.index()` and `TaskState::slot`
        // (asserted at compile time in flight/tables.rs), without their chains
        // of comparisons.
        crate::machine::flight::pair_i(self)
    }

    /// The pair at a dense index.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Pair, VmState};
    ///
    /// assert_eq!(Pair::from_index(0), Some(Pair { vm: VmState::Active, task: None }));
    /// assert_eq!(Pair::from_index(Pair::COUNT), None);
    /// ```
    pub fn from_index(index: usize) -> Option<Pair> {
        let vm = *VmState::ALL.get(index / (TaskState::COUNT + 1))?;
        let task = *TaskState::ALL_OR_NULL.get(index % (TaskState::COUNT + 1))?;
        Some(Pair { vm, task })
    }

    /// Whether Nova can produce the pair: it is reachable from a fresh build.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Pair, TaskState, VmState};
    ///
    /// let uploading = Some(TaskState::ImageUploading);
    /// assert!(Pair { vm: VmState::Active, task: uploading }.is_possible());
    /// // No build takes an image.
    /// assert!(!Pair { vm: VmState::Building, task: uploading }.is_possible());
    /// let possible = (0..Pair::COUNT).filter_map(Pair::from_index).filter(|p| p.is_possible());
    /// assert_eq!(possible.count(), 147);
    /// ```
    pub fn is_possible(self) -> bool {
        bits::get(&POSSIBLE, self.index())
    }

    /// Whether `to` is reachable from `self` in zero or more steps of the
    /// relation (any power states).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Pair, VmState};
    ///
    /// let active = Pair { vm: VmState::Active, task: None };
    /// let verify = Pair { vm: VmState::Resized, task: None };
    /// let deleted = Pair { vm: VmState::Deleted, task: None };
    /// assert!(active.reaches(verify)); // a resize
    /// assert!(active.reaches(deleted));
    /// assert!(!deleted.reaches(active)); // deleted is final
    /// ```
    pub fn reaches(self, to: Pair) -> bool {
        REACH
            .get(self.index())
            .is_some_and(|row| bits::get(row, to.index()))
    }
}
