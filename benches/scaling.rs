//! Cost per item and memory at 10^3, 10^5 and 10^7 items, one size per
//! process, so the process's peak memory belongs to that size alone:
//!
//! ```sh
//! cargo bench --bench scaling -- validator 1000000   # or: reader N
//! ```
//!
//! prints one JSON line: the items, the nanoseconds per item (a run of
//! 1,000 is repeated 1,000 times and timed together), the cost per item of
//! the long run's pieces of 1,000 against fresh runs of 1,000 timed beside
//! them (the figure to judge constancy by on a shared machine), the heap
//! allocations per item and the most heap the timed loop held beyond its
//! prepared input (a counting global allocator sees every allocation) and
//! the process's peak resident memory (Linux's `VmHWM`). `benches/compare.sh` runs it for each
//! size through `benches/process.py`, which adds the process's peak
//! resident memory as the operating system counts it.
//!
//! - `validator N`: one `Validator` takes N observations of one polled
//!   server: a closed walk over the relation's legal edges (the walk of
//!   `benches/validator.rs`, from `active` back to `active`, polled the
//!   same way) repeated as often as N needs, so the trajectory is one long
//!   legal life whatever N is, while the input in memory stays the same.
//! - `reader N`: N server documents read one after another through
//!   serde_json as `ServerDocument`, the corpus documents in turn (a poller
//!   reading `GET /servers/{id}` bodies).
//!
//! Without arguments (as `cargo bench` runs every bench target) it runs
//! both at 10^3 and says how to ask for more.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use nova_states::machine::legal_edges;
use nova_states::{Observation, ServerDocument, ServerState, Validator, VmState};

/// The system allocator, counting allocations and live bytes.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are atomics that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A small deterministic generator (64-bit LCG, high bits), as in
/// `benches/validator.rs`.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
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

/// At least `len` polled observations of a walk from `active` (no task,
/// running) back to it: observed in a loop, it is one legal life.
fn closed_walk(len: usize) -> Vec<Observation> {
    let mut next: Vec<Vec<ServerState>> = vec![Vec::new(); ServerState::COUNT];
    for (from, _, to) in legal_edges() {
        if to != from && to.vm != VmState::Deleted {
            next[from.index()].push(to);
        }
    }
    let home = ServerState {
        vm: VmState::Active,
        task: None,
        power: nova_states::PowerState::Running,
    };
    let mut rng = Lcg(0x6e6f_7661);
    let mut state = home;
    let mut out = vec![observation(home)];
    loop {
        let choices = &next[state.index()];
        state = choices[rng.below(choices.len())];
        if state == home && out.len() >= len {
            return out;
        }
        // One poll in three misses the state; one in four sees it twice.
        if rng.below(3) != 0 {
            out.push(observation(state));
            if rng.below(4) == 0 {
                out.push(observation(state));
            }
        }
    }
}

/// What the timed loops did: items timed, items accepted, seconds,
/// allocations, the most heap held beyond what was live at the start (the
/// prepared input), and the cost per item of the long run against runs of
/// 1,000 timed in alternation with it.
struct Run {
    items: usize,
    ok: usize,
    seconds: f64,
    allocations: usize,
    /// The items the allocations were counted over (the long run's and the
    /// runs of 1,000 in between).
    allocations_over: usize,
    heap_growth: usize,
    against_1000: f64,
}

/// The long run is timed in pieces of 1,000 items; after every
/// [`EVERY`]th piece comes a fresh run of 1,000 (timed too), and that
/// piece's cost is compared with it. Pieces and runs are equally short, so
/// a process switch on a busy machine is as likely to fall in either.
const PIECE: usize = 1_000;
const EVERY: usize = 10;

/// Times `items` items of `long` (which continues where it stopped: one
/// validator, one stream of documents) in pieces of 1,000, comparing
/// pieces with fresh runs of 1,000 (`short`) timed beside them; a run of
/// 1,000 or fewer is repeated for 10^6 items. Allocations and heap are
/// counted over all of it.
fn measure(
    items: usize,
    mut long: impl FnMut(usize) -> usize,
    mut short: impl FnMut() -> usize,
) -> Run {
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed);
    let mut run = Run {
        items: 0,
        ok: 0,
        seconds: 0.0,
        allocations: 0,
        allocations_over: 1,
        heap_growth: 0,
        against_1000: 1.0,
    };
    if items <= PIECE {
        let runs = (1_000_000 / items).max(1);
        let start = Instant::now();
        run.ok = (0..runs).map(|_| short()).sum();
        run.seconds = start.elapsed().as_secs_f64();
        run.items = runs * PIECE;
        run.allocations_over = run.items;
    } else {
        // Preallocated before counting: the long run's heap is what counts.
        let pieces = items.div_ceil(PIECE);
        let mut ratios = Vec::with_capacity(pieces / EVERY + 1);
        let live = LIVE.load(Relaxed);
        PEAK.store(live, Relaxed);
        let counted = ALLOCATIONS.load(Relaxed);
        let mut done = 0;
        let mut shorts = 0;
        for piece in 0..pieces {
            let size = PIECE.min(items - done);
            done += size;
            let start = Instant::now();
            run.ok += long(size);
            let seconds = start.elapsed().as_secs_f64();
            run.seconds += seconds;
            if piece % EVERY == EVERY - 1 && size == PIECE {
                let start = Instant::now();
                black_box(short());
                ratios.push(seconds / start.elapsed().as_secs_f64());
                shorts += 1;
            }
        }
        // Unstable: the stable sort would allocate a buffer.
        ratios.sort_unstable_by(f64::total_cmp);
        run.against_1000 = ratios.get(ratios.len() / 2).copied().unwrap_or(1.0);
        run.items = items;
        // The runs of 1,000 in between allocate as the long run does.
        run.allocations_over = items + shorts * PIECE;
        run.allocations = ALLOCATIONS.load(Relaxed) - counted;
        run.heap_growth = PEAK.load(Relaxed) - live;
        return run;
    }
    run.allocations = ALLOCATIONS.load(Relaxed) - allocations;
    run.heap_growth = PEAK.load(Relaxed) - live;
    run
}

/// One validator over `items` observations of the walk, in a loop; the
/// runs of 1,000 each take a fresh validator at the next window of the
/// walk, so both see the same mix of steps.
fn validator(items: usize) -> Run {
    let walk = closed_walk(100_000);
    let window = |at: usize, len: usize| walk.iter().cycle().skip(at % walk.len()).take(len);
    let mut one = Validator::new();
    let mut at = 0;
    let mut window_at = 0;
    // Warm up (untimed).
    black_box(
        window(0, 100_000)
            .filter(|o| Validator::new().observe(**o).is_ok())
            .count(),
    );
    measure(
        items,
        |len| {
            let ok = window(at, len)
                .filter(|obs| one.observe(black_box(**obs)).is_ok())
                .count();
            at += len;
            ok
        },
        || {
            let mut fresh = Validator::new();
            let ok = window(window_at, 1_000)
                .filter(|obs| fresh.observe(black_box(**obs)).is_ok())
                .count();
            window_at += 1_000;
            ok
        },
    )
}

/// `items` corpus documents read in turn, one after another.
fn reader(items: usize) -> Run {
    let dir = format!("{}/tests/data/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|text| serde_json::from_str::<ServerDocument>(text).is_ok())
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no corpus documents under {dir}");
    let read = |at: usize, len: usize| {
        docs.iter()
            .cycle()
            .skip(at % docs.len())
            .take(len)
            .filter(|text| serde_json::from_str::<ServerDocument>(black_box(text)).is_ok())
            .count()
    };
    black_box(read(0, 10_000));
    let mut at = 0;
    measure(
        items,
        |len| {
            let ok = read(at, len);
            at += len;
            ok
        },
        || read(0, 1_000),
    )
}

/// The process's peak resident memory in KiB (`VmHWM`, Linux only).
fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run(what: &str, items: usize) {
    let run = match what {
        "validator" => validator(items),
        _ => reader(items),
    };
    println!(
        "{{\"what\": \"{what}\", \"items\": {items}, \"timed\": {}, \"ok\": {}, \
         \"ns_per_item\": {:.3}, \"allocations_per_item\": {:.6}, \
         \"heap_growth_bytes\": {}, \"against_1000\": {:.4}, \"vm_hwm_kib\": {}}}",
        run.items,
        run.ok,
        run.seconds * 1e9 / run.items as f64,
        run.allocations as f64 / run.allocations_over as f64,
        run.heap_growth,
        run.against_1000,
        peak_resident_kib().map_or("null".to_string(), |k| k.to_string()),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the rest is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.as_slice() {
        [what, items] if matches!(what.as_str(), "validator" | "reader") => {
            match items.replace('_', "").parse::<usize>() {
                Ok(items) if items > 0 => run(what, items),
                _ => eprintln!("scaling: not a count of items: {items}"),
            }
        }
        [] => {
            run("validator", 1_000);
            run("reader", 1_000);
            eprintln!(
                "scaling: for other sizes, `cargo bench --bench scaling -- validator|reader N`"
            );
        }
        _ => eprintln!("usage: cargo bench --bench scaling -- validator|reader N"),
    }
}
