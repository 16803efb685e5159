//! Constant bit sets of states and actions, all made by one macro with the
//! same operations, so that a precondition or a filter is checked in a few
//! instructions with no allocation; and [`TaskFilter`], a task set with `null`.

use crate::wire::action::Action;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

macro_rules! state_set {
    ($(#[$meta:meta])* $Set:ident, $Item:ident, $Bits:ty, $Iter:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $Set($Bits);

        impl $Set {
            /// The empty set.
            pub const EMPTY: Self = $Set(0);

            /// Every value.
            pub const FULL: Self = Self::from_slice(&$Item::ALL);

            /// The set holding exactly `items`.
            pub const fn from_slice(items: &[$Item]) -> Self {
                let mut bits: $Bits = 0;
                let mut rest = items;
                while let [first, tail @ ..] = rest {
                    bits |= 1 << first.index();
                    rest = tail;
                }
                $Set(bits)
            }

            /// The set with these raw bits (see [`Self::bits`]); bits past
            /// the last item are dropped.
            pub const fn from_bits(bits: $Bits) -> Self {
                $Set(bits & Self::FULL.0)
            }

            /// This set with `item` added.
            #[must_use]
            pub const fn with(self, item: $Item) -> Self {
                $Set(self.0 | (1 << item.index()))
            }

            /// Whether `item` is in the set.
            pub const fn contains(self, item: $Item) -> bool {
                self.0 & (1 << item.index()) != 0
            }

            /// Every item in either set.
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                $Set(self.0 | other.0)
            }

            /// Every item in both sets.
            #[must_use]
            pub const fn intersection(self, other: Self) -> Self {
                $Set(self.0 & other.0)
            }

            /// How many items the set holds.
            pub const fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// Whether the set is empty.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The raw bits: bit `i` stands for the item at position `i` of
            /// the item type's `ALL`.
            pub const fn bits(self) -> $Bits {
                self.0
            }

            /// The items, in declaration order.
            pub const fn iter(self) -> $Iter {
                $Iter { set: self, next: 0 }
            }
        }

        impl core::fmt::Debug for $Set {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_set().entries(self.iter()).finish()
            }
        }

        impl FromIterator<$Item> for $Set {
            fn from_iter<I: IntoIterator<Item = $Item>>(items: I) -> Self {
                items.into_iter().fold(Self::EMPTY, Self::with)
            }
        }

        impl IntoIterator for $Set {
            type Item = $Item;
            type IntoIter = $Iter;
            fn into_iter(self) -> $Iter {
                self.iter()
            }
        }

        /// The items of a set, in declaration order.
        #[derive(Debug, Clone)]
        pub struct $Iter {
            set: $Set,
            next: usize,
        }

        impl Iterator for $Iter {
            type Item = $Item;
            fn next(&mut self) -> Option<$Item> {
                while let Some(item) = $Item::ALL.get(self.next).copied() {
                    self.next += 1;
                    if self.set.contains(item) {
                        return Some(item);
                    }
                }
                None
            }
        }
    };
}

state_set!(
    /// A set of [`VmState`]s.
    VmStateSet, VmState, u16, VmStateSetIter
);
state_set!(
    /// A set of [`TaskState`]s (`null` is not a member: where `null` matters
    /// the owner says so beside the set).
    TaskStateSet, TaskState, u64, TaskStateSetIter
);
state_set!(
    /// A set of [`ServerStatus`]es.
    StatusSet, ServerStatus, u32, StatusSetIter
);
state_set!(
    /// A set of [`Action`]s.
    ActionSet, Action, u64, ActionSetIter
);

/// The task states a precondition (or a save guard) accepts: a set, and
/// whether `null` is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskFilter {
    /// Non-null task states accepted.
    pub tasks: TaskStateSet,
    /// Whether `null` (no task) is accepted.
    pub null: bool,
}

impl TaskFilter {
    /// Only `null`: the decorator's default `task_state=(None,)`.
    pub const NULL_ONLY: TaskFilter = TaskFilter {
        tasks: TaskStateSet::EMPTY,
        null: true,
    };
    /// Anything: the decorator's `task_state=None`.
    pub const ANY: TaskFilter = TaskFilter {
        tasks: TaskStateSet::FULL,
        null: true,
    };

    /// Exactly these tasks, and `null` if `null`.
    pub const fn of(tasks: &[TaskState], null: bool) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_slice(tasks),
            null,
        }
    }

    /// Anything but these tasks (`null` accepted): `@reject_instance_state`.
    pub const fn all_but(tasks: &[TaskState]) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_bits(
                TaskStateSet::FULL.bits() & !TaskStateSet::from_slice(tasks).bits(),
            ),
            null: true,
        }
    }

    /// Whether `task` passes.
    pub const fn contains(self, task: Option<TaskState>) -> bool {
        match task {
            Some(task) => self.tasks.contains(task),
            None => self.null,
        }
    }

    /// How many values pass (`null` counted).
    pub const fn len(self) -> usize {
        self.tasks.len() + self.null as usize
    }

    /// Whether nothing passes.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The values that pass: `None` first when `null` does, then the tasks.
    pub fn iter(self) -> impl Iterator<Item = Option<TaskState>> {
        self.null
            .then_some(None)
            .into_iter()
            .chain(self.tasks.iter().map(Some))
    }
}
