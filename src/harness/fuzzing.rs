//! `arbitrary::Arbitrary` for the model's types (feature `arbitrary`, off
//! by default; arbitrary links `std`).
//!
//! Every enum ([`VmState`], [`TaskState`], [`PowerState`],
//! [`ServerStatus`], [`Action`]), [`ServerState`] and [`Event`] (any event
//! of [`all_events`], legal or not), and [`LegalWalk`]: the fuzzer's bytes
//! decoded into a legal event sequence from a fresh build, so that a
//! cargo-fuzz target of a client starts from the model in one line:
//!
//! ```
//! # use nova_states::harness::fuzzing::LegalWalk;
//! # fn client_under_test(_: &LegalWalk) {}
//! // fuzz_target!(|walk: LegalWalk| client_under_test(&walk));
//! # let walk: LegalWalk = arbitrary::Arbitrary::arbitrary(
//! #     &mut arbitrary::Unstructured::new(&[1, 2, 3])).unwrap();
//! # client_under_test(&walk);
//! ```
//!
//! arbitrary 1.x builds with the crate's MSRV (1.81).

extern crate std;

use std::vec::Vec;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::machine::enabled::enabled;
use crate::machine::explore::all_events;
use crate::machine::relation::Event;
use crate::machine::state::ServerState;
use crate::wire::action::Action;
use crate::wire::power::PowerState;
use crate::wire::status::ServerStatus;
use crate::wire::task::TaskState;
use crate::wire::vm::VmState;

macro_rules! arbitrary_enum {
    ($($T:ty),*) => {$(
        impl<'a> Arbitrary<'a> for $T {
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                u.choose(&<$T>::ALL).copied()
            }
        }
    )*};
}

arbitrary_enum!(VmState, TaskState, PowerState, ServerStatus, Action);

impl<'a> Arbitrary<'a> for ServerState {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let index = u.choose_index(ServerState::COUNT)?;
        ServerState::from_index(index).ok_or(arbitrary::Error::IncorrectFormat)
    }
}

impl<'a> Arbitrary<'a> for Event {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let index = u.choose_index(all_events().count())?;
        all_events()
            .nth(index)
            .ok_or(arbitrary::Error::IncorrectFormat)
    }
}

/// A legal event sequence from [`ServerState::BUILD_REQUEST`], decoded
/// from the fuzzer's bytes: at each step one of the events
/// [`enabled`] lists in the current state, until the bytes run out or
/// [`LegalWalk::MAX_LEN`] events.
///
/// # Examples
///
/// ```
/// use arbitrary::{Arbitrary, Unstructured};
/// use nova_states::harness::fuzzing::LegalWalk;
/// use nova_states::{apply, ServerState};
///
/// let bytes = [7u8, 200, 3, 99, 41, 0, 17, 250];
/// let walk = LegalWalk::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
/// let mut state = ServerState::BUILD_REQUEST;
/// for (event, next) in &walk.steps {
///     assert_eq!(apply(state, *event), Ok(*next));
///     state = *next;
/// }
/// assert_eq!(walk.last(), state);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalWalk {
    /// Each event with the state it leads to.
    pub steps: Vec<(Event, ServerState)>,
}

impl LegalWalk {
    /// The longest walk decoded.
    ///
    /// # Examples
    ///
    /// ```
    /// use arbitrary::{Arbitrary, Unstructured};
    /// use nova_states::harness::fuzzing::LegalWalk;
    /// let walk = LegalWalk::arbitrary(&mut Unstructured::new(&[5; 4096])).unwrap();
    /// assert!(walk.steps.len() <= LegalWalk::MAX_LEN);
    /// ```
    pub const MAX_LEN: usize = 1024;

    /// The state the walk ends in.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fuzzing::LegalWalk;
    /// use nova_states::ServerState;
    /// assert_eq!(LegalWalk { steps: Vec::new() }.last(), ServerState::BUILD_REQUEST);
    /// ```
    pub fn last(&self) -> ServerState {
        self.steps
            .last()
            .map_or(ServerState::BUILD_REQUEST, |(_, s)| *s)
    }

    /// The events alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::fuzzing::LegalWalk;
    /// assert_eq!(LegalWalk { steps: Vec::new() }.events().count(), 0);
    /// ```
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        self.steps.iter().map(|(e, _)| *e)
    }
}

impl<'a> Arbitrary<'a> for LegalWalk {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut state = ServerState::BUILD_REQUEST;
        let mut steps = Vec::new();
        while !u.is_empty() && steps.len() < LegalWalk::MAX_LEN {
            let n = enabled(state).count();
            let k = u.choose_index(n)?;
            let Some(step) = enabled(state).nth(k) else {
                break;
            };
            steps.push(step);
            state = step.1;
        }
        Ok(LegalWalk { steps })
    }
}
