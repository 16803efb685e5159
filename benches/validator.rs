//! The trajectory validator: observations per second at 1,000 and
//! at 100,000 observations of one polled server. Constant work per step
//! means the second costs about 100× the first (the report prints the ratio).
//!
//! The trajectory is a pseudo-random walk over the relation's legal edges
//! from a fresh build (never into `deleted`, so one server lives through it),
//! polled as a client would: some states are skipped, some seen twice. It is
//! generated once, checked to validate cleanly, then timed: whole, and as
//! 100 windows of 1,000 taken in turn.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "support/alternate.rs"]
mod alternate;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nova_states::machine::legal_edges;
use nova_states::machine::Pair;
use nova_states::{Observation, ServerState, Validator, VmState};

/// The two lengths the issue asks for.
const LENGTHS: [usize; 2] = [1_000, 100_000];

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20)
        .without_plots()
}

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // n is small: the high 32 bits are uniform enough.
        ((self.0 >> 32) as usize) % n.max(1)
    }
}

fn observation(state: ServerState) -> Observation {
    Observation {
        vm: state.vm,
        task: state.task,
        power: Some(state.power),
        status: Some(state.status()),
    }
}

/// `len` polled observations of one server.
fn trajectory(len: usize) -> Vec<Observation> {
    let mut next: Vec<Vec<ServerState>> = vec![Vec::new(); ServerState::COUNT];
    for (from, _, to) in legal_edges() {
        if to != from && to.vm != VmState::Deleted {
            next[from.index()].push(to);
        }
    }
    let mut rng = Lcg(0x6e6f_7661);
    let mut state = ServerState::BUILD_REQUEST;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        // One poll in three misses the state; one in four sees it twice.
        if rng.below(3) != 0 {
            out.push(observation(state));
            if rng.below(4) == 0 && out.len() < len {
                out.push(observation(state));
            }
        }
        let choices = &next[state.index()];
        if choices.is_empty() {
            state = ServerState::BUILD_REQUEST;
            out.clear();
            continue;
        }
        state = choices[rng.below(choices.len())];
    }
    out
}

/// Feeds every observation to a fresh validator; counts accepted steps.
fn validate(observations: &[Observation]) -> usize {
    let mut validator = Validator::new();
    let mut ok = 0;
    for &obs in observations {
        ok += usize::from(validator.observe(obs).is_ok());
    }
    ok
}

fn validator(c: &mut Criterion) {
    let longest = trajectory(LENGTHS[1]);
    let accepted = validate(&longest);
    if accepted != longest.len() {
        eprintln!(
            "validator: {} of {} generated observations rejected",
            longest.len() - accepted,
            longest.len()
        );
    }
    let mut g = c.benchmark_group("validator");
    for len in LENGTHS {
        // The shorter runs take the long trajectory's windows in turn (a
        // fresh validator for each), so both lengths see the same mix of
        // steps, not just the first minutes of a server's life.
        let windows: Vec<&[Observation]> = longest.chunks_exact(len).collect();
        if len > 10_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(3));
        }
        g.throughput(Throughput::Elements(len as u64));
        g.bench_function(format!("observe x{len}"), |b| {
            let mut turn = 0;
            b.iter(|| {
                turn = (turn + 1) % windows.len();
                validate(black_box(windows[turn]))
            })
        });
    }
    g.finish();
    interleaved_ratio(&longest);
    floor(c, &longest);
}

/// Reachability as a bare table: `reach[from * Pair::COUNT + to]`, one
/// `bool` per pair of pairs, built once from `Pair::reaches`.
fn reach_table() -> Vec<bool> {
    let pairs: Vec<Pair> = (0..Pair::COUNT).filter_map(Pair::from_index).collect();
    let mut reach = vec![false; Pair::COUNT * Pair::COUNT];
    for from in &pairs {
        for to in &pairs {
            reach[from.index() * Pair::COUNT + to.index()] = from.reaches(*to);
        }
    }
    reach
}

/// The floor of a validator's step: one bare index per observation into
/// the reachability table, from the previous pair to this one.
fn index_pass(reach: &[bool], observations: &[Observation]) -> usize {
    let mut prev = observations.first().map_or(0, |o| o.pair().index());
    let mut ok = 0;
    for obs in observations {
        let pair = obs.pair().index();
        ok += usize::from(reach[prev * Pair::COUNT + pair]);
        prev = pair;
    }
    ok
}

/// `observe` beside its floor, 1,000 observations a pass (the windows in
/// turn), and the two timed in alternation (`ratios-validator.json`).
fn floor(c: &mut Criterion, longest: &[Observation]) {
    let reach = reach_table();
    let windows: Vec<&[Observation]> = longest.chunks_exact(LENGTHS[0]).collect();
    assert_eq!(index_pass(&reach, longest), longest.len());
    let mut g = c.benchmark_group("validator");
    g.throughput(Throughput::Elements(LENGTHS[0] as u64));
    g.bench_function("floor: index reach[prev][pair] x1000", |b| {
        let mut turn = 0;
        b.iter(|| {
            turn = (turn + 1) % windows.len();
            index_pass(black_box(&reach), black_box(windows[turn]))
        })
    });
    g.finish();
    // Every window in turn, beside the bare index over the same windows.
    let median = alternate::alternate(
        "validator/observe",
        || windows.iter().map(|w| validate(black_box(w))).sum(),
        || {
            windows
                .iter()
                .map(|w| index_pass(black_box(&reach), black_box(w)))
                .sum()
        },
    );
    alternate::write_result(
        "ratios-validator.json",
        &format!("{{\"validator/observe\": {median}}}\n"),
    );
}

/// What 100,000 observations cost against 1,000, timed in alternation: the
/// whole trajectory, then its 100 windows of 1,000 (the same observations),
/// fifteen times over, so a change of load on a shared machine hits both
/// sides. Prints the median ratio and, under `benches/compare.sh`
/// (`CRITERION_HOME` set), writes it to `validator-ratio.json` there.
fn interleaved_ratio(longest: &[Observation]) {
    let [short, long] = LENGTHS;
    let windows: Vec<&[Observation]> = longest.chunks_exact(short).collect();
    let mut ratios = Vec::new();
    for _ in 0..15 {
        let start = Instant::now();
        black_box(validate(black_box(longest)));
        let whole = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for window in &windows {
            black_box(validate(black_box(window)));
        }
        let one_window = start.elapsed().as_secs_f64() / windows.len() as f64;
        ratios.push(whole / one_window);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!("validator: {long} observations cost {median:.1}x what {short} cost (median of 15, interleaved)");
    alternate::write_result(
        "validator-ratio.json",
        &format!("{{\"short\": {short}, \"long\": {long}, \"median_ratio\": {median}}}\n"),
    );
}

criterion_group! {
    name = benches;
    config = config();
    targets = validator
}
criterion_main!(benches);
