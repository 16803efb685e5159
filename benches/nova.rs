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

#[path = "support/alternate.rs"]
mod alternate;
#[path = "support/floor.rs"]
mod floor;

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

/// Ratios timed in alternation, written beside criterion's results for
/// `benches/report.py` (`ratios-nova.json` under `CRITERION_HOME`).
static RATIOS: std::sync::Mutex<Vec<(String, f64)>> = std::sync::Mutex::new(Vec::new());

/// [`alternate::alternate`], the median also recorded in the ratios file.
fn alternate(name: &str, thing: impl FnMut() -> usize, floor: impl FnMut() -> usize) -> f64 {
    let median = alternate::alternate(name, thing, floor);
    if let Ok(mut all) = RATIOS.lock() {
        all.push((name.to_string(), median));
        write_ratios(&all);
    }
    median
}

/// Writes every ratio so far to `ratios-nova.json` under `CRITERION_HOME`.
fn write_ratios(all: &[(String, f64)]) {
    let body: Vec<String> = all.iter().map(|(k, v)| format!("  {k:?}: {v}")).collect();
    alternate::write_result(
        "ratios-nova.json",
        &format!("{{\n{}\n}}\n", body.join(",\n")),
    );
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

/// The longest name a [`Decision`] handles.
const MAX_LEN: usize = 48;

/// Lengths and one byte: for each length, the position of the byte that
/// best tells the names of that length apart, and for each (length, byte)
/// the first such name's position + 1 (0: no name). Built once from an
/// enum's `NAMES` (and, for power states, the one-digit codes). One byte
/// does not always suffice (the task states of length 10 agree pairwise at
/// every position), so names that share their length and byte are chained.
struct Decision {
    position: [u8; MAX_LEN + 1],
    slot: Vec<[u8; 256]>,
    /// `next[i]`: the next name (position + 1) with name i's length and byte.
    next: Vec<u8>,
}

impl Decision {
    fn new(names: &[&str]) -> Decision {
        let mut position = [0u8; MAX_LEN + 1];
        let mut slot = vec![[0u8; 256]; MAX_LEN + 1];
        let mut next = vec![0u8; names.len()];
        for len in 1..=MAX_LEN {
            let same: Vec<(usize, &str)> = names
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, n)| n.len() == len)
                .collect();
            let distinct = |p: usize| {
                let mut bytes: Vec<u8> = same.iter().map(|(_, n)| n.as_bytes()[p]).collect();
                bytes.sort_unstable();
                bytes.dedup();
                bytes.len()
            };
            let p = (0..len)
                .max_by_key(|&p| (distinct(p), usize::MAX - p))
                .unwrap_or(0);
            position[len] = p as u8;
            for &(i, n) in same.iter().rev() {
                let cell = &mut slot[len][usize::from(n.as_bytes()[p])];
                next[i] = *cell;
                *cell = i as u8 + 1;
            }
        }
        Decision {
            position,
            slot,
            next,
        }
    }

    /// The floor: the length and one byte, nothing verified (the first
    /// candidate's position + 1, or 0).
    #[inline]
    fn floor(&self, name: &str) -> u8 {
        let bytes = name.as_bytes();
        let len = bytes.len();
        if len > MAX_LEN {
            return 0;
        }
        let byte = bytes
            .get(usize::from(self.position[len]))
            .copied()
            .unwrap_or(0);
        self.slot[len][usize::from(byte)]
    }

    /// The same, comparing in 8-byte words (the names have the input's
    /// length; the last word overlaps the one before it) instead of `==`.
    #[inline]
    fn find_words(&self, names: &[&str], name: &str) -> Option<usize> {
        let mut candidate = self.floor(name);
        while let Some(index) = usize::from(candidate).checked_sub(1) {
            if same_bytes(names[index].as_bytes(), name.as_bytes()) {
                return Some(index);
            }
            candidate = self.next[index];
        }
        None
    }

    /// A generated length-then-byte decision as a parser would use it: the
    /// floor's candidate, then a comparison with the whole name (a second
    /// candidate for the few names one byte does not separate).
    #[inline]
    fn find(&self, names: &[&str], name: &str) -> Option<usize> {
        let mut candidate = self.floor(name);
        while let Some(index) = usize::from(candidate).checked_sub(1) {
            if names[index] == name {
                return Some(index);
            }
            candidate = self.next[index];
        }
        None
    }
}

/// Whether `a` and `b` (of the same length) hold the same bytes, compared
/// a word at a time.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap());
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap());
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        word(a, len - 8) == word(b, len - 8)
    } else if len >= 4 {
        half(a, 0) == half(b, 0) && half(a, len - 4) == half(b, len - 4)
    } else {
        a == b
    }
}

/// The `phf` crate's lookup (what `phf::Map::get` does: SipHash-1-3 of the
/// key, two displacements, one comparison), over a table generated at run
/// time by `phf_generator` from the same names.
struct Phf {
    state: phf_generator::HashState,
    names: Vec<&'static str>,
}

impl Phf {
    fn new(names: &[&'static str]) -> Phf {
        Phf {
            state: phf_generator::generate_hash(names),
            names: names.to_vec(),
        }
    }

    #[inline]
    fn find(&self, name: &str) -> Option<usize> {
        let hashes = phf_shared::hash(name, &self.state.key);
        let slot = phf_shared::get_index(&hashes, &self.state.disps, self.state.map.len());
        let index = self.state.map[slot as usize];
        (self.names[index] == name).then_some(index)
    }
}

/// One `FromStr` pass over a list of names beside its floor (a bare index
/// on the length and one byte), a length-then-byte decision with one
/// comparison, and `phf`; every result goes through `black_box`.
fn bench_from_str<T: std::str::FromStr + Copy + PartialEq + std::fmt::Debug>(
    c: &mut Criterion,
    group: &str,
    names: &[String],
    all: &[T],
    floor: fn(&str) -> u8,
) {
    let keys: Vec<&'static str> = names
        .iter()
        .map(|n| &*Box::leak(n.clone().into_boxed_str()))
        .collect();
    let decision = Decision::new(&keys);
    let phf = Phf::new(&keys);
    // All four give the same answers (power codes map to the same values
    // as their names: `all` is indexed by position in `names`).
    for (i, name) in names.iter().enumerate() {
        assert_eq!(name.parse::<T>().ok(), Some(all[i]), "{name}");
        assert_ne!(floor(name), 0, "{name}: benches/support/floor.rs is stale");
        assert_eq!(decision.find(&keys, name), Some(i), "{name}");
        assert_eq!(decision.find_words(&keys, name), Some(i), "{name}");
        assert_eq!(phf.find(name), Some(i), "{name}");
    }
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
    g.bench_function("floor: match on length and one byte", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for name in black_box(names) {
                acc = acc.wrapping_add(u32::from(black_box(floor(name)) != 0));
            }
            acc
        })
    });
    g.bench_function("length, one byte, one comparison", |b| {
        b.iter(|| {
            let decision = black_box(&decision);
            let mut acc = 0u32;
            for name in black_box(names) {
                acc = acc.wrapping_add(u32::from(
                    black_box(decision.find(&keys, name).map(|i| all[i])).is_some(),
                ));
            }
            acc
        })
    });
    g.bench_function("length, one byte, word comparison", |b| {
        b.iter(|| {
            let decision = black_box(&decision);
            let mut acc = 0u32;
            for name in black_box(names) {
                acc = acc.wrapping_add(u32::from(
                    black_box(decision.find_words(&keys, name).map(|i| all[i])).is_some(),
                ));
            }
            acc
        })
    });
    g.bench_function("phf (SipHash, displacement)", |b| {
        b.iter(|| {
            let phf = black_box(&phf);
            let mut acc = 0u32;
            for name in black_box(names) {
                acc = acc.wrapping_add(u32::from(
                    black_box(phf.find(name).map(|i| all[i])).is_some(),
                ));
            }
            acc
        })
    });
    g.finish();
    alternate(
        &format!("{group}/length, one byte, word comparison vs from_str"),
        || {
            let decision = black_box(&decision);
            let mut acc = 0usize;
            for name in black_box(names) {
                acc += usize::from(
                    black_box(decision.find_words(&keys, name).map(|i| all[i])).is_some(),
                );
            }
            acc
        },
        || {
            let mut acc = 0usize;
            for name in black_box(names) {
                acc += usize::from(black_box(name.parse::<T>()).is_ok());
            }
            acc
        },
    );
    alternate(
        &format!("{group}/from_str"),
        || {
            let mut acc = 0usize;
            for name in black_box(names) {
                acc += usize::from(black_box(name.parse::<T>()).is_ok());
            }
            acc
        },
        || {
            let mut acc = 0usize;
            for name in black_box(names) {
                acc += usize::from(black_box(floor(name)) != 0);
            }
            acc
        },
    );
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
    bench_from_str(
        c,
        "parse VmState",
        &owned(&VmState::NAMES),
        &VmState::ALL,
        floor::vm_state,
    );
    bench_from_str(
        c,
        "parse TaskState",
        &owned(&TaskState::NAMES),
        &TaskState::ALL,
        floor::task_state,
    );
    // Power states arrive as integer codes in JSON and as names in
    // Nova's fields and the CLI: both forms.
    let mut power = owned(&PowerState::NAMES);
    power.extend(PowerState::ALL.iter().map(|p| p.code().to_string()));
    let power_values: Vec<PowerState> = PowerState::ALL
        .iter()
        .chain(&PowerState::ALL)
        .copied()
        .collect();
    bench_from_str(
        c,
        "parse PowerState",
        &power,
        &power_values,
        floor::power_state,
    );
    bench_from_str(
        c,
        "parse ServerStatus",
        &owned(&ServerStatus::NAMES),
        &ServerStatus::ALL,
        floor::server_status,
    );

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
    alternate(
        "status serde_json/openstack against ours",
        || serde_pass::<openstack::compute::ServerStatus>(&quoted) as usize,
        || serde_pass::<ServerStatus>(&quoted) as usize,
    );
    alternate(
        "status serde_json/nova_states::ServerStatus",
        || serde_pass::<ServerStatus>(&quoted) as usize,
        || {
            let mut acc = 0usize;
            for json in black_box(&quoted) {
                acc = acc.wrapping_add(
                    black_box(serde_json::from_str::<&str>(json)).map_or(0, str::len),
                );
            }
            acc
        },
    );

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

/// Every corpus document `ServerDocument` reads (bare server objects, as
/// the elements of a `GET /servers/detail` body are), with its name.
fn corpus() -> Vec<(String, String)> {
    let dir = format!("{}/tests/data/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, text))
        })
        .filter(|(_, text)| serde_json::from_str::<ServerDocument>(text).is_ok())
        .collect();
    docs.sort();
    docs
}

/// A `GET /servers/detail` body of `count` servers: the corpus documents
/// in turn, as one JSON text `{"servers": [...]}`.
fn servers_detail(docs: &[(String, String)], count: usize) -> String {
    let mut body = String::from("{\"servers\": [");
    for (i, (_, text)) in docs.iter().cycle().take(count).enumerate() {
        if i > 0 {
            body.push_str(", ");
        }
        body.push_str(text.trim());
    }
    body.push_str("]}");
    body
}

/// Reads a `{"servers": [...]}` body element by element, each as `T`,
/// without collecting them: what a client polling `GET /servers/detail`
/// does. Returns how many elements were read.
struct ServersBody<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ServersBody<T> {
    type Value = usize;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a {\"servers\": [...]} body")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while let Some(key) = map.next_key::<&str>()? {
            if key == "servers" {
                count += map.next_value_seed(Elements::<T>(std::marker::PhantomData))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(count)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::de::DeserializeSeed<'de> for ServersBody<T> {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_map(self)
    }
}

/// The `servers` array of [`ServersBody`]: each element read as `T` and
/// dropped.
struct Elements<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Elements<T> {
    type Value = usize;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of servers")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while let Some(element) = seq.next_element::<T>()? {
            black_box(&element);
            count += 1;
        }
        Ok(count)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::de::DeserializeSeed<'de> for Elements<T> {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

/// Reads a `{"servers": [...]}` body with elements of type `T`.
fn read_servers<T: for<'de> serde::Deserialize<'de>>(body: &str) -> usize {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(body);
    ServersBody::<T>(std::marker::PhantomData)
        .deserialize(&mut de)
        .unwrap_or(0)
}

/// A second floor, for readers that must know the keys: every key read as
/// a borrowed `&str` (and compared with nothing), every value skipped.
/// `IgnoredAny` skips the keys too, without even reading them as strings.
struct KeysOnly;

impl<'de> serde::Deserialize<'de> for KeysOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeysOnly, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeysOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeysOnly, A::Error> {
                while let Some(key) = map.next_key::<&str>()? {
                    black_box(key);
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(KeysOnly)
            }
        }
        d.deserialize_map(V)
    }
}

/// A pass over every corpus document, each read as `T`.
fn corpus_pass<T: for<'de> serde::Deserialize<'de>>(docs: &[(String, String)]) -> usize {
    black_box(docs)
        .iter()
        .filter(|(_, text)| black_box(serde_json::from_str::<T>(text)).is_ok())
        .count()
}

/// Reading the state part of real server documents: one 2.4 KB
/// `GET /servers/{id}` body, every corpus document in turn, and a
/// `GET /servers/detail` body of 1,000 servers made from them.
fn document(c: &mut Criterion) {
    let docs = corpus();
    let Some((_, text)) = docs.iter().find(|(name, _)| name == DOCUMENT).cloned() else {
        eprintln!("document: skipped, cannot read tests/data/corpus/{DOCUMENT}");
        return;
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
    g.bench_function("floor: keys as &str, values skipped", |b| {
        b.iter(|| serde_json::from_str::<KeysOnly>(black_box(&text)).is_ok())
    });
    g.finish();
    alternate(
        "document/ServerDocument",
        || usize::from(serde_json::from_str::<ServerDocument>(black_box(&text)).is_ok()),
        || usize::from(serde_json::from_str::<IgnoredAny>(black_box(&text)).is_ok()),
    );
    alternate(
        "document/ServerDocument vs keys as &str",
        || usize::from(serde_json::from_str::<ServerDocument>(black_box(&text)).is_ok()),
        || usize::from(serde_json::from_str::<KeysOnly>(black_box(&text)).is_ok()),
    );

    assert_eq!(corpus_pass::<ServerDocument>(&docs), docs.len());
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("ServerDocument", |b| {
        b.iter(|| corpus_pass::<ServerDocument>(&docs))
    });
    g.bench_function("floor: serde_json IgnoredAny", |b| {
        b.iter(|| corpus_pass::<IgnoredAny>(&docs))
    });
    g.bench_function("floor: keys as &str, values skipped", |b| {
        b.iter(|| corpus_pass::<KeysOnly>(&docs))
    });
    g.finish();
    alternate(
        "corpus/ServerDocument",
        || corpus_pass::<ServerDocument>(&docs),
        || corpus_pass::<IgnoredAny>(&docs),
    );
    alternate(
        "corpus/ServerDocument vs keys as &str",
        || corpus_pass::<ServerDocument>(&docs),
        || corpus_pass::<KeysOnly>(&docs),
    );

    let body = servers_detail(&docs, 1_000);
    assert_eq!(read_servers::<ServerDocument>(&body), 1_000);
    assert_eq!(read_servers::<IgnoredAny>(&body), 1_000);
    let mut g = c.benchmark_group("servers detail");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000));
    g.bench_function("ServerDocument x1000", |b| {
        b.iter(|| read_servers::<ServerDocument>(black_box(&body)))
    });
    g.bench_function("floor: IgnoredAny x1000", |b| {
        b.iter(|| read_servers::<IgnoredAny>(black_box(&body)))
    });
    g.bench_function("floor: keys as &str x1000", |b| {
        b.iter(|| read_servers::<KeysOnly>(black_box(&body)))
    });
    g.finish();
    alternate(
        "servers detail/ServerDocument",
        || read_servers::<ServerDocument>(black_box(&body)),
        || read_servers::<IgnoredAny>(black_box(&body)),
    );
    alternate(
        "servers detail/ServerDocument vs keys as &str",
        || read_servers::<ServerDocument>(black_box(&body)),
        || read_servers::<KeysOnly>(black_box(&body)),
    );
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
