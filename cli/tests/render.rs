//! The renderers against the library they render.

use nova_states::{status, ServerStatus, TaskState, VmState, NOVA_COMMIT};
use nova_states_cli::render::table::write_status_table;

#[test]
fn status_table_agrees_with_the_projection() {
    let mut text = String::new();
    write_status_table(&mut text).unwrap();
    assert!(
        text.lines().next().unwrap().contains(&NOVA_COMMIT[..12]),
        "{text}"
    );
    // Rebuild (vm, task) -> status from the table alone, then compare every
    // pair with the projection.
    let mut default: Option<(VmState, ServerStatus)> = None;
    let mut explicit = Vec::new();
    for line in text.lines().skip(4) {
        let vm_col = line.get(..18).unwrap().trim();
        let status_col = line.get(19..36).unwrap().trim();
        let tasks = line.get(37..).unwrap();
        let s: ServerStatus = status_col.parse().unwrap();
        if !vm_col.is_empty() {
            assert_eq!(tasks, "null, or any task not listed below", "{line}");
            default = Some((vm_col.parse().unwrap(), s));
            let (vm, s) = default.unwrap();
            explicit.push((vm, None, s));
        } else {
            let (vm, _) = default.unwrap();
            for t in tasks.split(", ") {
                let t: TaskState = t.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
                explicit.push((vm, Some(t), s));
            }
        }
    }
    for vm in VmState::ALL {
        let default = explicit
            .iter()
            .find(|(v, t, _)| *v == vm && t.is_none())
            .map(|(_, _, s)| *s)
            .unwrap_or_else(|| panic!("no row for {vm}"));
        for task in TaskState::ALL_OR_NULL {
            let listed: Vec<_> = explicit
                .iter()
                .filter(|(v, t, _)| *v == vm && t.is_some() && *t == task)
                .collect();
            assert!(listed.len() <= 1, "{vm} {task:?} listed twice");
            let from_table = listed.first().map_or(default, |(_, _, s)| *s);
            assert_eq!(from_table, status(vm, task), "{vm} {task:?}");
        }
    }
}
