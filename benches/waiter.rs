//! The waiter's step and `WaitFor::new`, each measured side by side with a
//! bare table index in the same run (the goal: about what a lookup costs).
//!
//! The step is timed on 1,000 in-flight observations of a snapshot (every
//! phase, in turn), so that the waiter never becomes final and every step
//! does the whole judgement; `WaitFor::new` over every (action, start).
//! Each goal's ratio to its floor is also timed in alternation (a batch of
//! the thing, then a batch of its floor, fifteen times; the median ratio),
//! printed and, under `benches/compare.sh` (`CRITERION_HOME` set), written
//! to `ratios-waiter.json` there.

use std::hint::black_box;
use std::time::Duration;

#[path = "support/alternate.rs"]
mod alternate;
use alternate::alternate;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nova_states::machine::{WaitProgress, Waiter};
use nova_states::{Action, Pair, TaskState, VmState, WaitFor};

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .without_plots()
}

fn observations() -> Vec<Pair> {
    let phases = [
        TaskState::ImageSnapshotPending,
        TaskState::ImageSnapshot,
        TaskState::ImagePendingUpload,
        TaskState::ImageUploading,
    ];
    (0..1000)
        .map(|i| Pair {
            vm: VmState::Active,
            task: Some(phases[i % phases.len()]),
        })
        .collect()
}

/// One pass of the step: a fresh snapshot waiter fed every observation.
fn observe_pass(fresh: Waiter, pairs: &[Pair]) -> usize {
    let mut w = black_box(fresh);
    let mut running = 0usize;
    for p in black_box(pairs) {
        if w.observe(p.vm, p.task).progress == WaitProgress::InProgress {
            running += 1;
        }
    }
    running
}

/// Its floor: one bare index per observation.
fn index_pass(table: &[u8], pairs: &[Pair]) -> usize {
    let mut sum = 0usize;
    for p in black_box(pairs) {
        sum += usize::from(table.get(p.index()).copied().unwrap_or(0));
    }
    sum
}

/// `WaitFor::new` for every (action, start).
fn wait_for_pass(starts: &[(Action, VmState)]) -> usize {
    let mut n = 0usize;
    for (a, v) in black_box(starts) {
        n += WaitFor::new(*a, *v).done.len();
    }
    n
}

/// Its floor: one bare index per (action, start).
fn start_index_pass(floor: &[u16], starts: &[(Action, VmState)]) -> usize {
    let mut n = 0usize;
    for (i, _) in black_box(starts).iter().enumerate() {
        n += usize::from(floor.get(i).copied().unwrap_or(0));
    }
    n
}

fn waiter(c: &mut Criterion) {
    let pairs = observations();
    let table: Vec<u8> = (0..Pair::COUNT).map(|i| (i % 4) as u8).collect();
    let fresh = Waiter::new(Action::Snapshot, VmState::Active);
    assert_eq!(observe_pass(fresh, &pairs), pairs.len());
    let mut g = c.benchmark_group("waiter");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("observe x1000", |b| b.iter(|| observe_pass(fresh, &pairs)));
    g.bench_function("floor: index table[pair] x1000", |b| {
        b.iter(|| index_pass(black_box(&table), &pairs))
    });
    let starts: Vec<(Action, VmState)> = Action::ALL
        .iter()
        .flat_map(|a| VmState::ALL.iter().map(move |v| (*a, *v)))
        .collect();
    let floor: Vec<u16> = (0..starts.len()).map(|i| i as u16).collect();
    g.throughput(Throughput::Elements(starts.len() as u64));
    g.bench_function("WaitFor::new, every (action, start)", |b| {
        b.iter(|| wait_for_pass(&starts))
    });
    g.bench_function(
        "floor: index table[action][start], every (action, start)",
        |b| b.iter(|| start_index_pass(black_box(&floor), &starts)),
    );
    g.finish();
    let observe = alternate(
        "waiter/observe",
        || observe_pass(fresh, &pairs),
        || index_pass(black_box(&table), &pairs),
    );
    let wait_for = alternate(
        "waiter/WaitFor::new",
        || wait_for_pass(&starts),
        || start_index_pass(black_box(&floor), &starts),
    );
    alternate::write_result(
        "ratios-waiter.json",
        &format!("{{\"waiter/observe\": {observe}, \"waiter/WaitFor::new\": {wait_for}}}\n"),
    );
}

criterion_group! {
    name = benches;
    config = config();
    targets = waiter
}
criterion_main!(benches);
