//! Compile-time size guarantees: every state enum, and an absent task or
//! power state, takes one byte; a whole server state at most four. A change
//! that makes any of them larger fails the build.

use core::mem::size_of;

use crate::machine::ServerState;
use crate::wire::{Action, PowerState, ServerStatus, TaskState, VmState};

const _: () = assert!(size_of::<VmState>() == 1);
const _: () = assert!(size_of::<Option<VmState>>() == 1);
const _: () = assert!(size_of::<TaskState>() == 1);
const _: () = assert!(size_of::<Option<TaskState>>() == 1);
const _: () = assert!(size_of::<PowerState>() == 1);
const _: () = assert!(size_of::<Option<PowerState>>() == 1);
const _: () = assert!(size_of::<ServerStatus>() == 1);
const _: () = assert!(size_of::<Option<ServerStatus>>() == 1);
const _: () = assert!(size_of::<Action>() == 1);
const _: () = assert!(size_of::<ServerState>() <= 4);
