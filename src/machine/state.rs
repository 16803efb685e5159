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
    pub const fn index(self) -> usize {
        let task = TaskState::slot(self.task);
        (self.vm.index() * (TaskState::COUNT + 1) + task) * PowerState::COUNT + self.power.index()
    }

    /// The state at a dense index, if in range.
    pub fn from_index(index: usize) -> Option<ServerState> {
        let power = *PowerState::ALL.get(index % PowerState::COUNT)?;
        let rest = index / PowerState::COUNT;
        let task = *TaskState::ALL_OR_NULL.get(rest % (TaskState::COUNT + 1))?;
        let vm = *VmState::ALL.get(rest / (TaskState::COUNT + 1))?;
        Some(ServerState { vm, task, power })
    }

    /// Every state, in index order.
    pub fn all() -> impl Iterator<Item = ServerState> {
        (0..Self::COUNT).filter_map(Self::from_index)
    }

    /// The status Nova shows for it.
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
    pub const fn index(self) -> usize {
        let task = TaskState::slot(self.task);
        self.vm.index() * (TaskState::COUNT + 1) + task
    }

    /// The pair at a dense index.
    pub fn from_index(index: usize) -> Option<Pair> {
        let vm = *VmState::ALL.get(index / (TaskState::COUNT + 1))?;
        let task = *TaskState::ALL_OR_NULL.get(index % (TaskState::COUNT + 1))?;
        Some(Pair { vm, task })
    }

    /// Whether Nova can produce the pair: it is reachable from a fresh build.
    pub fn is_possible(self) -> bool {
        bits::get(&POSSIBLE, self.index())
    }

    /// Whether `to` is reachable from `self` in zero or more steps of the
    /// relation (any power states).
    pub fn reaches(self, to: Pair) -> bool {
        REACH
            .get(self.index())
            .is_some_and(|row| bits::get(row, to.index()))
    }
}
