//! The projection as a fixed-width text table (`nova-states table`).

use core::fmt::{self, Write};

use nova_states::rules::{default_status, explicit_status};
use nova_states::{ServerStatus, TaskState, VmState, NOVA_COMMIT};

/// Writes the projection as a readable table: for each vm_state, its
/// default status, then each status some task states give instead.
///
/// # Errors
/// Only those of `out`.
pub fn write_status_table(out: &mut dyn Write) -> fmt::Result {
    writeln!(
        out,
        "How Nova derives `status` from vm_state and task_state \
         (nova/api/openstack/common.py:44-123 @ {})\n",
        NOVA_COMMIT.get(..12).unwrap_or(NOVA_COMMIT)
    )?;
    writeln!(out, "{:<18} {:<17} task_state", "vm_state", "status")?;
    writeln!(out, "{:-<18} {:-<17} {:-<40}", "", "", "")?;
    for vm in VmState::ALL {
        writeln!(
            out,
            "{:<18} {:<17} null, or any task not listed below",
            vm.as_str(),
            default_status(vm).as_str()
        )?;
        for s in ServerStatus::ALL {
            let mut tasks = TaskState::ALL
                .iter()
                .filter(|t| explicit_status(vm, **t) == Some(s))
                .peekable();
            if tasks.peek().is_none() {
                continue;
            }
            write!(out, "{:<18} {:<17} ", "", s.as_str())?;
            for (i, task) in tasks.enumerate() {
                if i > 0 {
                    out.write_str(", ")?;
                }
                out.write_str(task.as_str())?;
            }
            out.write_char('\n')?;
        }
    }
    Ok(())
}
