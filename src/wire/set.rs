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
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let set = S::from_slice(&[I::ALL[0], I::ALL[1], I::ALL[0]]);
            /// assert_eq!(set.len(), 2);
            /// assert!(set.contains(I::ALL[1]));
            /// assert!(!set.contains(I::ALL[2]));
            /// ```
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
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let set = S::from_slice(&[I::ALL[1], I::ALL[2]]);
            /// assert_eq!(S::from_bits(set.bits()), set);
            /// // Bits past the last item are dropped.
            /// assert_eq!(S::from_bits(!0), S::FULL);
            /// ```
            pub const fn from_bits(bits: $Bits) -> Self {
                $Set(bits & Self::FULL.0)
            }

            /// This set with `item` added.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let set = S::EMPTY.with(I::ALL[0]);
            /// assert!(set.contains(I::ALL[0]));
            /// assert_eq!(set.with(I::ALL[0]), set);
            /// assert_eq!(set.with(I::ALL[1]).len(), 2);
            /// ```
            #[must_use]
            pub const fn with(self, item: $Item) -> Self {
                $Set(self.0 | (1 << item.index()))
            }

            /// Whether `item` is in the set.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let set = S::from_slice(&[I::ALL[0]]);
            /// assert!(set.contains(I::ALL[0]));
            /// assert!(!set.contains(I::ALL[1]));
            /// assert!(!S::EMPTY.contains(I::ALL[0]));
            /// ```
            pub const fn contains(self, item: $Item) -> bool {
                self.0 & (1 << item.index()) != 0
            }

            /// Every item in either set.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let a = S::EMPTY.with(I::ALL[0]);
            /// let b = S::EMPTY.with(I::ALL[1]);
            /// let both = a.union(b);
            /// assert_eq!(both.len(), 2);
            /// assert!(both.contains(I::ALL[0]) && both.contains(I::ALL[1]));
            /// ```
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                $Set(self.0 | other.0)
            }

            /// Every item in both sets.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let a = S::from_slice(&[I::ALL[0], I::ALL[1]]);
            /// let b = S::from_slice(&[I::ALL[1], I::ALL[2]]);
            /// assert_eq!(a.intersection(b), S::EMPTY.with(I::ALL[1]));
            /// assert!(a.intersection(S::EMPTY).is_empty());
            /// ```
            #[must_use]
            pub const fn intersection(self, other: Self) -> Self {
                $Set(self.0 & other.0)
            }

            /// How many items the set holds.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// assert_eq!(S::FULL.len(), I::COUNT);
            /// assert_eq!(S::EMPTY.len(), 0);
            /// ```
            pub const fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// Whether the set is empty.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// assert!(S::EMPTY.is_empty());
            /// assert!(!S::FULL.is_empty());
            /// ```
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The raw bits: bit `i` stands for the item at position `i` of
            /// the item type's `ALL`.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// assert_eq!(S::EMPTY.with(I::ALL[1]).bits(), 0b10);
            /// assert_eq!(S::FULL.bits().count_ones() as usize, I::COUNT);
            /// ```
            pub const fn bits(self) -> $Bits {
                self.0
            }

            /// The items, in declaration order.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::wire::{", stringify!($Set), " as S, ", stringify!($Item), " as I};")]
            ///
            /// let set = S::from_slice(&[I::ALL[2], I::ALL[0]]);
            /// // Declaration order, whatever the order of insertion.
            /// let items: Vec<I> = set.iter().collect();
            /// assert_eq!(items, [I::ALL[0], I::ALL[2]]);
            /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{TaskFilter, TaskState};
    ///
    /// let filter = TaskFilter::of(&[TaskState::Migrating], false);
    /// assert!(filter.contains(Some(TaskState::Migrating)));
    /// assert!(!filter.contains(None));
    /// assert_eq!(filter.len(), 1);
    /// ```
    pub const fn of(tasks: &[TaskState], null: bool) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_slice(tasks),
            null,
        }
    }

    /// Anything but these tasks (`null` accepted): `@reject_instance_state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Action, TaskFilter, TaskState};
    ///
    /// // The consoles' @reject_instance_state(task_state=[DELETING, MIGRATING]).
    /// let consoles = TaskFilter::all_but(&[TaskState::Deleting, TaskState::Migrating]);
    /// assert!(consoles.contains(None));
    /// assert!(consoles.contains(Some(TaskState::ImageUploading)));
    /// assert!(!consoles.contains(Some(TaskState::Deleting)));
    /// assert_eq!(consoles.len(), TaskState::COUNT + 1 - 2);
    /// assert_eq!(Action::GetVncConsole.precondition().task_states, consoles);
    /// ```
    pub const fn all_but(tasks: &[TaskState]) -> TaskFilter {
        TaskFilter {
            tasks: TaskStateSet::from_bits(
                TaskStateSet::FULL.bits() & !TaskStateSet::from_slice(tasks).bits(),
            ),
            null: true,
        }
    }

    /// Whether `task` passes.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::rules::ALLOW_REBOOT;
    /// use nova_states::{TaskFilter, TaskState};
    ///
    /// assert!(TaskFilter::NULL_ONLY.contains(None));
    /// assert!(!TaskFilter::NULL_ONLY.contains(Some(TaskState::Rebooting)));
    /// // A hard reboot may pre-empt a soft one.
    /// assert!(ALLOW_REBOOT.contains(Some(TaskState::Rebooting)));
    /// assert!(!ALLOW_REBOOT.contains(Some(TaskState::ImageUploading)));
    /// ```
    pub const fn contains(self, task: Option<TaskState>) -> bool {
        match task {
            Some(task) => self.tasks.contains(task),
            None => self.null,
        }
    }

    /// How many values pass (`null` counted).
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{TaskFilter, TaskState};
    ///
    /// assert_eq!(TaskFilter::ANY.len(), TaskState::COUNT + 1);
    /// assert_eq!(TaskFilter::NULL_ONLY.len(), 1);
    /// ```
    pub const fn len(self) -> usize {
        self.tasks.len() + self.null as usize
    }

    /// Whether nothing passes.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{TaskFilter, TaskState};
    ///
    /// assert!(TaskFilter::of(&[], false).is_empty());
    /// assert!(!TaskFilter::NULL_ONLY.is_empty());
    /// assert!(!TaskFilter::of(&[TaskState::Deleting], false).is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The values that pass: `None` first when `null` does, then the tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{TaskFilter, TaskState};
    ///
    /// let filter = TaskFilter::of(&[TaskState::Deleting, TaskState::Migrating], true);
    /// let values: Vec<Option<TaskState>> = filter.iter().collect();
    /// // null first, then the tasks in Nova's order.
    /// assert_eq!(values, [None, Some(TaskState::Migrating), Some(TaskState::Deleting)]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Option<TaskState>> {
        self.null
            .then_some(None)
            .into_iter()
            .chain(self.tasks.iter().map(Some))
    }
}
