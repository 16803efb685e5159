//! Benchmarks of the core operations, each beside its baselines.
//!
//! Every group measures a whole pass over a fixed input list and declares
//! how many operations the pass holds (`Throughput::Elements`), so the
//! report (`benches/compare.sh`) can print nanoseconds per operation. The
//! input lists sit behind `black_box`, so the compiler cannot fold them,
//! and every result is consumed.
//!
//! Baselines in the same run:
//! - `floor: index ...`: a bare array index over a table of the same shape,
//!   built once from the model (so it returns the same answers);
//! - `openstack::compute::ServerStatus` (and `ServerPowerState`): the
//!   `openstack` crate's serde deserialization of the same JSON values;
//! - `serde_json::Value` / `IgnoredAny`: generic JSON reading of the same
//!   server document.
//!
//! The CPython baseline (Nova's own algorithm) is `benches/nova_baseline.py`.
//! The trajectory validator has its own file, `benches/validator.rs`.
//!
//! Run everything with `benches/compare.sh`; a quick look with
//! `cargo bench --bench nova -- projection`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nova_states::machine::{legal_edges, reachable_from_build};
use nova_states::{
    status, Action, ActionSet, PowerState, ServerDocument, ServerStatus, TaskState, VmState,
    WaitFor,
};
use serde::de::IgnoredAny;

/// The server document read by the `document` group: a real 2-3 KB
/// `GET /servers/{id}` body from Nova's API samples.
const DOCUMENT: &str = "nova-v2.100-server-get.json";

/// Short runs: the whole comparison has to finish in a few minutes on two
/// cores. Command-line flags (`--measurement-time`, ...) still override.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(30)
        .without_plots()
}

/// Every (vm_state, task_state) cell, 12 × 43 = 516, in index order.
fn cells() -> Vec<(VmState, Option<TaskState>)> {
    VmState::ALL
        .into_iter()
        .flat_map(|vm| {
            TaskState::ALL_OR_NULL
                .into_iter()
                .map(move |task| (vm, task))
        })
        .collect()
}

/// Column of a task in a 43-wide table (`null` first).
fn column(task: Option<TaskState>) -> usize {
    task.map_or(0, |t| t.index() + 1)
}

/// `status` over all 516 cells, against a 12 × 43 byte table.
fn projection(c: &mut Criterion) {
    let cells = cells();
    let mut table = [[0u8; TaskState::COUNT + 1]; VmState::COUNT];
    for &(vm, task) in &cells {
        table[vm.index()][column(task)] = status(vm, task) as u8;
    }
    let mut g = c.benchmark_group("projection");
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("status(vm, task)", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for &(vm, task) in black_box(&cells) {
                acc = acc.wrapping_add(u32::from(status(vm, task) as u8));
            }
            acc
        })
    });
    g.bench_function("floor: index [u8; 12x43]", |b| {
        b.iter(|| {
            let table = black_box(&table);
            let mut acc = 0u32;
            for &(vm, task) in black_box(&cells) {
                acc = acc.wrapping_add(u32::from(table[vm.index()][column(task)]));
            }
            acc
        })
    });
    g.finish();
}

/// Every action (but create) over every cell, with `launched_at` set.
fn action_cells() -> Vec<(Action, VmState, Option<TaskState>)> {
    let cells = cells();
    Action::ALL
        .into_iter()
        .filter(|a| !matches!(a, Action::Create))
        .flat_map(|a| cells.iter().map(move |&(vm, task)| (a, vm, task)))
        .collect()
}

/// `Action::check` and `Action::accepts` over every action × cell, against
/// a table of booleans of the same shape (actions × 12 × 43).
fn check(c: &mut Criterion) {
    let inputs = action_cells();
    let mut table = vec![[[false; TaskState::COUNT + 1]; VmState::COUNT]; Action::COUNT];
    for &(action, vm, task) in &inputs {
        table[action.index()][vm.index()][column(task)] = action.accepts(vm, task, true);
    }
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("Action::check", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(action, vm, task) in black_box(&inputs) {
                // The rejection is consumed (its field), not just is_ok().
                acc = acc.wrapping_add(match action.check(vm, task, true) {
                    Ok(()) => 1,
                    Err(rejection) => rejection.field.as_str().len(),
                });
            }
            acc
        })
    });
    g.bench_function("Action::accepts", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for &(action, vm, task) in black_box(&inputs) {
                acc = acc.wrapping_add(u32::from(action.accepts(vm, task, true)));
            }
            acc
        })
    });
    g.bench_function("floor: index [bool; Ax12x43]", |b| {
        b.iter(|| {
            let table = black_box(&table);
            let mut acc = 0u32;
            for &(action, vm, task) in black_box(&inputs) {
                acc = acc.wrapping_add(u32::from(table[action.index()][vm.index()][column(task)]));
            }
            acc
        })
    });
    g.finish();
}

/// "What can I do now" over all 516 cells, against a table of precomputed
/// answers (12 × 43 `ActionSet`s).
fn allowed(c: &mut Criterion) {
    let cells = cells();
    let mut table = [[ActionSet::EMPTY; TaskState::COUNT + 1]; VmState::COUNT];
    for &(vm, task) in &cells {
        table[vm.index()][column(task)] = Action::allowed(vm, task, true);
    }
    let mut g = c.benchmark_group("allowed");
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("Action::allowed", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(vm, task) in black_box(&cells) {
                acc = acc.wrapping_add(Action::allowed(vm, task, true).len());
            }
            acc
        })
    });
    g.bench_function("floor: index [ActionSet; 12x43]", |b| {
        b.iter(|| {
            let table = black_box(&table);
            let mut acc = 0usize;
            for &(vm, task) in black_box(&cells) {
                acc = acc.wrapping_add(table[vm.index()][column(task)].len());
            }
            acc
        })
    });
    g.finish();
}

/// One `FromStr` pass over a list of names; the result is consumed.
fn bench_from_str<T: std::str::FromStr>(c: &mut Criterion, group: &str, names: &[String]) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(names.len() as u64));
    g.bench_function("from_str", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for name in black_box(names) {
                acc = acc.wrapping_add(u32::from(black_box(name.parse::<T>()).is_ok()));
            }
            acc
        })
    });
    g.finish();
}

/// One `serde_json::from_str` pass over JSON strings; the result is consumed.
fn serde_pass<T: serde::de::DeserializeOwned>(quoted: &[String]) -> u32 {
    let mut acc = 0u32;
    for json in black_box(quoted) {
        acc = acc.wrapping_add(u32::from(
            black_box(serde_json::from_str::<T>(json)).is_ok(),
        ));
    }
    acc
}

/// Parsing each enum from its wire string; `ServerStatus` and power codes
/// also through serde_json, beside the `openstack` crate's types.
fn parse(c: &mut Criterion) {
    let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    bench_from_str::<VmState>(c, "parse VmState", &owned(&VmState::NAMES));
    bench_from_str::<TaskState>(c, "parse TaskState", &owned(&TaskState::NAMES));
    // Power states arrive as integer codes in JSON and as names in
    // Nova's fields and the CLI: both forms.
    let mut power = owned(&PowerState::NAMES);
    power.extend(PowerState::ALL.iter().map(|p| p.code().to_string()));
    bench_from_str::<PowerState>(c, "parse PowerState", &power);
    bench_from_str::<ServerStatus>(c, "parse ServerStatus", &owned(&ServerStatus::NAMES));

    let quoted: Vec<String> = ServerStatus::NAMES
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect();
    // Both types accept every one of the 20 statuses.
    assert_eq!(serde_pass::<ServerStatus>(&quoted), 20);
    assert_eq!(serde_pass::<openstack::compute::ServerStatus>(&quoted), 20);
    let mut g = c.benchmark_group("status serde_json");
    g.throughput(Throughput::Elements(quoted.len() as u64));
    g.bench_function("nova_states::ServerStatus", |b| {
        b.iter(|| serde_pass::<ServerStatus>(&quoted))
    });
    g.bench_function("openstack::compute::ServerStatus", |b| {
        b.iter(|| serde_pass::<openstack::compute::ServerStatus>(&quoted))
    });
    // The least serde_json can do with the value: hand out the borrowed str.
    g.bench_function("floor: serde_json &str", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for json in black_box(&quoted) {
                acc = acc.wrapping_add(
                    black_box(serde_json::from_str::<&str>(json)).map_or(0, str::len),
                );
            }
            acc
        })
    });
    g.finish();

    // Power states as they arrive in JSON, integer codes, beside the
    // openstack crate's ServerPowerState.
    let codes: Vec<String> = PowerState::ALL
        .iter()
        .map(|p| p.code().to_string())
        .collect();
    assert_eq!(serde_pass::<PowerState>(&codes), 6);
    assert_eq!(
        serde_pass::<openstack::compute::ServerPowerState>(&codes),
        6
    );
    let mut g = c.benchmark_group("power serde_json");
    g.throughput(Throughput::Elements(codes.len() as u64));
    g.bench_function("nova_states::PowerState", |b| {
        b.iter(|| serde_pass::<PowerState>(&codes))
    });
    g.bench_function("openstack::compute::ServerPowerState", |b| {
        b.iter(|| serde_pass::<openstack::compute::ServerPowerState>(&codes))
    });
    g.finish();
}

/// The state fields a generic reader picks out of a `serde_json::Value`.
fn state_of_value(text: &str) -> usize {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return 0;
    };
    let server = value.get("server").unwrap_or(&value);
    [
        "status",
        "OS-EXT-STS:vm_state",
        "OS-EXT-STS:task_state",
        "OS-EXT-STS:power_state",
    ]
    .iter()
    .filter(|key| server.get(**key).is_some())
    .count()
}

/// Reading the state part of a real server document.
fn document(c: &mut Criterion) {
    let path = format!(
        "{}/tests/data/corpus/{DOCUMENT}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("document: skipped, cannot read {path}: {err}");
            return;
        }
    };
    let doc = serde_json::from_str::<ServerDocument>(&text);
    assert!(matches!(doc, Ok(ref d) if d.is_consistent()), "{doc:?}");
    assert_eq!(state_of_value(&text), 4);
    let mut g = c.benchmark_group("document");
    g.throughput(Throughput::Elements(1));
    g.bench_function("ServerDocument (serde_json::from_str)", |b| {
        b.iter(|| serde_json::from_str::<ServerDocument>(black_box(&text)).is_ok())
    });
    g.bench_function("serde_json::Value + 4 lookups", |b| {
        b.iter(|| state_of_value(black_box(&text)))
    });
    g.bench_function("floor: serde_json IgnoredAny", |b| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(&text)).is_ok())
    });
    g.finish();
}

/// `outcome`, `WaitFor::new` and `apply`: the derived answers.
fn derived(c: &mut Criterion) {
    let starts: Vec<(Action, VmState)> = Action::ALL
        .into_iter()
        .flat_map(|a| VmState::ALL.into_iter().map(move |vm| (a, vm)))
        .collect();
    let mut g = c.benchmark_group("derived");
    g.throughput(Throughput::Elements(starts.len() as u64));
    g.bench_function("Action::outcome", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(action, vm) in black_box(&starts) {
                acc = acc.wrapping_add(action.outcome(vm).len());
            }
            acc
        })
    });
    g.bench_function("WaitFor::new", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(action, vm) in black_box(&starts) {
                acc = acc.wrapping_add(WaitFor::new(action, vm).done.len());
            }
            acc
        })
    });
    let steps: Vec<_> = legal_edges()
        .map(|(from, event, _)| (from, event))
        .collect();
    g.throughput(Throughput::Elements(steps.len() as u64));
    g.bench_function("apply (every legal edge)", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for &(state, event) in black_box(&steps) {
                acc = acc.wrapping_add(usize::from(nova_states::apply(state, event).is_ok()));
            }
            acc
        })
    });
    g.finish();
}

/// The exhaustive exploration and a full pass over the relation.
fn exploration(c: &mut Criterion) {
    let mut g = c.benchmark_group("exploration");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    g.bench_function("reachable_from_build()", |b| {
        b.iter(|| reachable_from_build().len())
    });
    g.bench_function("legal_edges().count()", |b| {
        b.iter(|| legal_edges().count())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = projection, check, allowed, parse, document, derived, exploration
}
criterion_main!(benches);
