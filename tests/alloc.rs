//! Zero heap allocations for every core operation (issue 6).
//!
//! A counting global allocator counts the allocations made *on the calling
//! thread* while a closure runs (the test harness's other threads do not
//! count), and each test asserts that count is zero over every input:
//! every cell, every name and alias, every action, every relation edge,
//! every corpus document. Input lists and file contents are prepared
//! before counting starts.
//!
//! The size guarantees are const asserts in src/sizes.rs, checked whenever
//! the library compiles; the `sizes` test below restates the main ones at
//! run time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::de::IgnoredAny;
use serde::Deserialize;

use nova_states::machine::{all_events, legal_edges, reachable_from_build};
use nova_states::rules::status_from_raw;
use nova_states::{
    apply, status, Action, Observation, Pair, PowerState, ServerDocument, ServerState,
    ServerStatus, TaskState, Validator, VmState, WaitFor,
};

/// The system allocator, counting what this thread allocates.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // try_with: the thread-local may already be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialized thread-local that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the allocations it made.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    let after = ALLOCATIONS.with(Cell::get);
    (result, after - before)
}

/// Asserts that `f` allocates nothing; returns its result.
#[track_caller]
fn assert_no_alloc<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let (result, count) = allocations(f);
    assert_eq!(count, 0, "{what}: {count} heap allocation(s)");
    result
}

#[test]
fn the_counter_counts() {
    let (_, count) = allocations(|| std::hint::black_box(vec![1u8; 16]));
    assert_eq!(count, 1);
    let (_, count) = allocations(|| std::hint::black_box(String::from("x")).len());
    assert_eq!(count, 1);
}

/// Every (vm_state, task_state) cell.
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

#[test]
fn projection_allocates_nothing() {
    let cells = cells();
    let raw: Vec<(Option<&str>, Option<&str>)> = cells
        .iter()
        .map(|&(vm, task)| (Some(vm.as_str()), task.map(TaskState::as_str)))
        .chain([(Some("hibernated"), Some("some_future_task")), (None, None)])
        .collect();
    let shown = assert_no_alloc("status", || {
        cells
            .iter()
            .map(|&(vm, task)| status(vm, task))
            .filter(|s| *s == ServerStatus::Active)
            .count()
    });
    assert!(shown > 0);
    assert_no_alloc("status_from_raw", || {
        for &(vm, task) in &raw {
            std::hint::black_box(status_from_raw(vm, task));
        }
    });
    assert_no_alloc("preimage and list filter", || {
        for s in ServerStatus::ALL {
            std::hint::black_box(s.preimage());
            std::hint::black_box(s.list_filter());
        }
    });
}

/// Parses every name and alias of `T`, and some bad input; nothing may
/// allocate, errors included (they keep what was found inline).
fn parse_all<T: std::str::FromStr>(what: &str, good: &[&str]) {
    let bad = [
        "",
        "nope",
        "ACTIVE ",
        "a much longer value than any wire name, longer than the inline buffer keeps",
    ];
    let parsed = assert_no_alloc(what, || {
        let ok = good.iter().filter(|s| s.parse::<T>().is_ok()).count();
        let err = bad.iter().filter(|s| s.parse::<T>().is_err()).count();
        (ok, err)
    });
    assert_eq!(parsed, (good.len(), bad.len()), "{what}");
}

#[test]
fn parsing_each_enum_allocates_nothing() {
    let vm: Vec<&str> = VmState::NAMES
        .iter()
        .copied()
        .chain(VmState::ALIASES.iter().map(|a| a.spelling))
        .collect();
    parse_all::<VmState>("VmState", &vm);
    let task: Vec<&str> = TaskState::NAMES
        .iter()
        .copied()
        .chain(TaskState::ALIASES.iter().map(|a| a.spelling))
        .collect();
    parse_all::<TaskState>("TaskState", &task);
    let codes: Vec<String> = PowerState::ALL
        .iter()
        .map(|p| p.code().to_string())
        .collect();
    let power: Vec<&str> = PowerState::NAMES
        .iter()
        .copied()
        .chain(PowerState::ALIASES.iter().map(|a| a.spelling))
        .chain(codes.iter().map(String::as_str))
        .collect();
    parse_all::<PowerState>("PowerState", &power);
    let lower: Vec<String> = ServerStatus::NAMES
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let statuses: Vec<&str> = ServerStatus::NAMES
        .iter()
        .copied()
        .chain(lower.iter().map(String::as_str))
        .collect();
    parse_all::<ServerStatus>("ServerStatus", &statuses);
    let actions: Vec<&str> = Action::NAMES.to_vec();
    parse_all::<Action>("Action", &actions);
}

/// A `fmt::Write` into a fixed buffer, so rendering can be measured too.
struct Fixed {
    buf: [u8; 512],
    len: usize,
}

impl std::fmt::Write for Fixed {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[test]
fn check_and_allowed_allocate_nothing() {
    let cells = cells();
    let (accepted, refused) = assert_no_alloc("Action::check / accepts", || {
        let (mut accepted, mut refused) = (0usize, 0usize);
        for action in Action::ALL {
            for &(vm, task) in &cells {
                for launched in [true, false] {
                    match action.check(vm, task, launched) {
                        Ok(()) => accepted += 1,
                        Err(_) => refused += 1,
                    }
                    assert_eq!(
                        action.accepts(vm, task, launched),
                        action.check(vm, task, launched).is_ok()
                    );
                }
            }
        }
        (accepted, refused)
    });
    assert!(accepted > 0 && refused > 0);
    let rendered = assert_no_alloc("rendering a rejection", || {
        let mut out = Fixed {
            buf: [0; 512],
            len: 0,
        };
        let refusal =
            Action::Snapshot.check(VmState::Active, Some(TaskState::ImageUploading), true);
        if let Err(rejection) = refusal {
            let _ = write!(out, "{}", rejection.conflict_message("c2d5da0a"));
            let _ = write!(out, "|{rejection}");
        }
        out.len
    });
    assert!(rendered > 0);
    let total = assert_no_alloc("Action::allowed", || {
        cells
            .iter()
            .map(|&(vm, task)| Action::allowed(vm, task, true).len())
            .sum::<usize>()
    });
    assert!(total > 0);
}

#[test]
fn preflight_and_its_messages_allocate_nothing() {
    use nova_states::rules::{HostStatus, MigrationStatus, Request, Role};
    use nova_states::Microversion;
    let cells = cells();
    let versions = [2u16, 19, 20, 64, 65, 86, 87, 92, 93, 104];
    let (accepted, refused, written) = assert_no_alloc("Request::preflight", || {
        let (mut accepted, mut refused, mut written) = (0usize, 0usize, 0usize);
        for action in Action::ALL {
            for &(vm, task) in &cells {
                for caller in Role::ALL {
                    for locked in [false, true] {
                        for minor in versions {
                            let mut request = Request::new(action, vm, task);
                            request.caller = caller;
                            request.server.locked = locked;
                            request.server.host_status = Some(HostStatus::Down);
                            request.microversion = Microversion::new(2, minor);
                            request.facts.volume_backed = locked;
                            request.facts.availability_zone = true;
                            request.facts.migration = Some(MigrationStatus::Queued);
                            match request.preflight() {
                                Ok(_) => accepted += 1,
                                Err(refusal) => {
                                    refused += 1;
                                    let mut out = Fixed {
                                        buf: [0; 512],
                                        len: 0,
                                    };
                                    let _ = write!(out, "{}", refusal.message("c2d5da0a"));
                                    written += out.len;
                                }
                            }
                        }
                    }
                }
            }
        }
        (accepted, refused, written)
    });
    assert!(accepted > 0 && refused > 0 && written > 0);
    let parsed = assert_no_alloc("parsing REST words and microversions", || {
        ["os-stop", "createImage", "reboot:SOFT", "confirmResize"]
            .iter()
            .filter(|w| Action::parse_request(w).is_ok())
            .count()
            + ["2.1", "2.104", "latest"]
                .iter()
                .filter(|v| v.parse::<Microversion>().is_ok())
                .count()
    });
    assert_eq!(parsed, 7);
}

#[test]
fn outcome_and_wait_for_allocate_nothing() {
    let ends = assert_no_alloc("Action::outcome / WaitFor::new", || {
        let mut ends = 0;
        for action in Action::ALL {
            for start in VmState::ALL {
                ends += action.outcome(start).len();
                let wait = WaitFor::new(action, start);
                std::hint::black_box((wait, wait.ambiguous()));
            }
        }
        ends
    });
    assert!(ends > 0);
}

#[test]
fn the_waiter_allocates_nothing() {
    use nova_states::machine::{WaitProgress, Waiter};
    let cells = cells();
    let done = assert_no_alloc("Waiter::new / observe / image_settled", || {
        let mut done = 0usize;
        for action in Action::ALL {
            for start in VmState::ALL {
                let mut w = Waiter::new(action, start);
                let _ = w.may_stall();
                for (vm, task) in &cells {
                    if w.observe(*vm, *task).progress == WaitProgress::Done {
                        done += 1;
                    }
                    let _ = w.image_settled(nova_states::Driver::VMware);
                }
            }
        }
        done
    });
    assert!(done > 0);
}

#[test]
fn the_relation_allocates_nothing() {
    // Every state × every event, legal or not.
    let states: Vec<ServerState> = ServerState::all().collect();
    let events: Vec<_> = all_events().collect();
    let legal = assert_no_alloc("apply", || {
        let mut legal = 0usize;
        for &state in &states {
            for &event in &events {
                legal += usize::from(apply(state, event).is_ok());
            }
        }
        legal
    });
    assert!(legal > 0);
    let (reachable, edges) = assert_no_alloc("reachable_from_build / legal_edges", || {
        (reachable_from_build().len(), legal_edges().count())
    });
    assert!(reachable > 0);
    assert_eq!(edges, legal);
}

#[test]
fn the_validator_allocates_nothing() {
    let obs = |vm, task: Option<TaskState>| Observation {
        vm,
        task,
        power: Some(PowerState::Running),
        status: Some(status(vm, task)),
    };
    let snapshot = [
        obs(VmState::Building, Some(TaskState::Scheduling)),
        obs(VmState::Building, Some(TaskState::Spawning)),
        obs(VmState::Active, None),
        obs(VmState::Active, Some(TaskState::ImageSnapshot)),
        obs(VmState::Active, Some(TaskState::ImagePendingUpload)),
        obs(VmState::Active, Some(TaskState::ImageUploading)),
        obs(VmState::Active, None),
        obs(VmState::Deleted, None),
        // Not producible from deleted: an error, still no allocation.
        obs(VmState::Active, None),
    ];
    let accepted = assert_no_alloc("Validator::observe", || {
        let mut validator = Validator::new();
        snapshot
            .iter()
            .filter(|o| validator.observe(**o).is_ok())
            .count()
    });
    assert_eq!(accepted, snapshot.len() - 1);
}

#[test]
fn every_validator_step_and_its_tables_allocate_nothing() {
    // Every step from every pair to every pair (a fresh validator placed at
    // the first), and the compile-time tables behind a step: in flight,
    // continues, phase.
    let pairs: Vec<Pair> = (0..Pair::COUNT).filter_map(Pair::from_index).collect();
    let obs = |pair: Pair| Observation {
        vm: pair.vm,
        task: pair.task,
        power: None,
        status: None,
    };
    let (steps, rest) = assert_no_alloc(
        "Validator::observe, every step; Pair::in_flight, Action::continues, Action::phase_of",
        || {
            let mut steps = 0usize;
            for &from in &pairs {
                let mut placed = Validator::new();
                if placed.observe(obs(from)).is_err() {
                    continue;
                }
                for &to in &pairs {
                    let mut v = placed;
                    steps += usize::from(v.observe(obs(to)).is_ok());
                }
            }
            let mut rest = 0usize;
            for &from in &pairs {
                rest += from.in_flight().len();
                for action in from.in_flight().iter() {
                    for &to in &pairs {
                        rest += usize::from(action.continues(from, to));
                    }
                    if let Some(task) = from.task {
                        rest += usize::from(action.phase_of(task).is_some());
                    }
                }
            }
            (steps, rest)
        },
    );
    assert!(steps > 0 && rest > 0);
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus")
}

/// Every corpus document ServerDocument reads, with its text.
fn readable_corpus() -> Vec<(PathBuf, String)> {
    let entries = std::fs::read_dir(corpus_dir()).expect("tests/data/corpus");
    let mut texts = Vec::new();
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable corpus file");
            texts.push((path, text));
        }
    }
    texts.sort();
    // Only the success path is ours to measure: serde_json boxes its errors.
    texts.retain(|(_, text)| serde_json::from_str::<ServerDocument>(text).is_ok());
    assert!(
        texts.len() >= 30,
        "only {} corpus documents read",
        texts.len()
    );
    texts
}

/// Our reader adds no allocation of its own to serde_json's.
///
/// serde_json itself allocates (once per document) on the success path: to
/// skip a value with containers nested in it (`"addresses": {"private":
/// [...]}`) it keeps a stack of open brackets in a `Vec`
/// (`Deserializer::ignore_value`). Skipping the whole document unread
/// (`IgnoredAny`) makes that allocation too, so the test asserts ours makes
/// no more than that, and at most one; the next two tests show the reader
/// itself makes none.
#[test]
fn reading_server_documents_adds_no_allocation_to_serde_json() {
    for (path, text) in readable_corpus() {
        let (skipped, floor) = allocations(|| serde_json::from_str::<IgnoredAny>(&text).is_ok());
        let (read, ours) = allocations(|| {
            serde_json::from_str::<ServerDocument>(&text).map(|doc| (doc, doc.assess().is_ok()))
        });
        assert!(skipped && read.is_ok(), "{}", path.display());
        assert!(
            ours <= floor,
            "{}: {ours} > IgnoredAny's {floor}",
            path.display()
        );
        assert!(ours <= 1, "{}: {ours} allocations", path.display());
    }
}

/// Reads `{"servers": [...]}` element by element as `T`, keeping nothing:
/// how a client reads a `GET /servers/detail` body without collecting it.
/// Returns how many elements were read.
struct ServersBody<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ServersBody<T> {
    type Value = usize;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a servers body")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while let Some(key) = map.next_key::<&str>()? {
            if key == "servers" {
                count += map.next_value_seed(ServersBody::<T>(std::marker::PhantomData))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(count)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while seq.next_element::<T>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }
}

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for ServersBody<T> {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

fn read_servers<T: for<'de> Deserialize<'de>>(body: &str) -> Result<usize, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(body);
    ServersBody::<T>(std::marker::PhantomData).deserialize(&mut de)
}

/// A `GET /servers/detail` body of 1,000 servers (the corpus documents in
/// turn, as benches/nova.rs makes it), read element by element: borrowed
/// strings, and no allocation beyond serde_json's own (what it makes to
/// skip the same body unread).
#[test]
fn reading_a_servers_detail_body_adds_no_allocation_to_serde_json() {
    let docs = readable_corpus();
    let elements: Vec<&str> = docs
        .iter()
        .cycle()
        .take(1_000)
        .map(|(_, text)| text.trim())
        .collect();
    let body = format!("{{\"servers\": [{}]}}", elements.join(", "));
    let (skipped, floor) = allocations(|| read_servers::<IgnoredAny>(&body));
    let (read, ours) = allocations(|| read_servers::<ServerDocument>(&body));
    assert_eq!(skipped.ok(), Some(1_000));
    assert_eq!(read.ok(), Some(1_000));
    assert!(ours <= floor, "{ours} allocations > IgnoredAny's {floor}");
}

/// The same documents deserialized from an already-parsed
/// `serde_json::Value`: our `Deserialize` impl alone, with no allocation.
#[test]
fn the_document_reader_itself_allocates_nothing() {
    for (path, text) in readable_corpus() {
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let doc = assert_no_alloc(&format!("ServerDocument from {}", path.display()), || {
            ServerDocument::deserialize(&value).map(|doc| (doc, doc.assess().is_ok()))
        });
        assert!(doc.is_ok(), "{}", path.display());
    }
}

/// From text, straight through serde_json: zero when no skipped value has
/// containers nested in it (here the fault object holds only scalars).
#[test]
fn reading_a_document_from_text_allocates_nothing() {
    let flat = r#"{"server": {"id": "c2d5da0a", "status": "ERROR",
        "OS-EXT-STS:vm_state": "error", "OS-EXT-STS:task_state": null,
        "OS-EXT-STS:power_state": 4, "locked": false,
        "fault": {"code": 500, "message": "No valid host was found."}}}"#;
    let doc = assert_no_alloc("ServerDocument from flat text", || {
        serde_json::from_str::<ServerDocument>(flat)
    });
    assert!(doc.is_ok_and(|d| d.has_fault && d.is_consistent()));
    let values = assert_no_alloc("each enum from a JSON string", || {
        let vm = serde_json::from_str::<VmState>("\"soft-delete\"").is_ok();
        let task = serde_json::from_str::<Option<TaskState>>("\"powering-off\"").is_ok();
        let null = serde_json::from_str::<Option<TaskState>>("null").is_ok();
        let power = serde_json::from_str::<PowerState>("4").is_ok();
        let shown = serde_json::from_str::<ServerStatus>("\"VERIFY_RESIZE\"").is_ok();
        [vm, task, null, power, shown]
    });
    assert_eq!(values, [true; 5]);
}

/// Every shape (a list body, SDK dicts, `openstack server show/list`,
/// ansible's result), every server of it, strict and lenient: the
/// reader, the assessment and the vm_state inference allocate nothing.
#[test]
fn every_shape_and_every_server_reads_without_allocation() {
    use nova_states::read::ReadOptions;
    use serde::de::DeserializeSeed;
    let entries = std::fs::read_dir(corpus_dir()).expect("tests/data/corpus");
    let mut values = Vec::new();
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable corpus file");
            values.push((
                path,
                serde_json::from_str::<serde_json::Value>(&text).expect("JSON"),
            ));
        }
    }
    values.sort_by(|a, b| a.0.cmp(&b.0));
    // A name from a newer Nova, read leniently.
    values.push((
        PathBuf::from("(inline: a newer Nova's task_state)"),
        serde_json::json!([{"Status": "ACTIVE", "Task State": "hibernating", "Power State": 1},
                           {"status": "ACTIVE", "vm_state": "active", "task_state": "hibernating",
                            "power_state": 1}]),
    ));
    let mut lists = 0;
    for (path, value) in &values {
        for options in [ReadOptions::STRICT, ReadOptions::LENIENT] {
            // Only the success path is ours to measure: serde's errors box.
            let strict_refuses_newer =
                options == ReadOptions::STRICT && path.to_string_lossy().starts_with("(inline");
            if strict_refuses_newer {
                continue;
            }
            let read = assert_no_alloc(&format!("{} ({options:?})", path.display()), || {
                let mut consistent = 0usize;
                let mut candidates = 0usize;
                let servers = options
                    .each(|_, doc| {
                        consistent += usize::from(doc.assess().is_ok());
                        candidates += doc.vm_state_candidates().len();
                    })
                    .deserialize(value)
                    .map(|s| (s.container.is_list(), s.count));
                (servers, consistent, candidates)
            });
            assert!(read.0.is_ok(), "{}: {:?}", path.display(), read.0);
            lists += usize::from(read.0.is_ok_and(|(list, _)| list));
        }
    }
    // The Nova list body, the server list, ansible's result (twice each), and the inline one.
    assert!(lists >= 7, "{lists} lists read");
}

#[test]
fn sizes() {
    use std::mem::size_of;
    assert_eq!(size_of::<VmState>(), 1);
    assert_eq!(size_of::<Option<TaskState>>(), 1);
    assert_eq!(size_of::<Option<PowerState>>(), 1);
    assert_eq!(size_of::<ServerStatus>(), 1);
    assert_eq!(size_of::<Action>(), 1);
    assert!(size_of::<ServerState>() <= 4);
}

/// The harness core: the events possible now, a run's next writes and
/// failures, the simulator's steps and the model checker for fakes.
#[test]
fn harness_core_allocates_nothing() {
    use nova_states::harness::fake::{FakeChecker, FakeStep, Moves};
    use nova_states::harness::sim::{Config, Server, Simulator};
    use nova_states::machine::{enabled, Run};
    let reach = reachable_from_build();
    let states: Vec<ServerState> = reach.iter().collect();
    assert_no_alloc("enabled and Run", || {
        let mut n = 0usize;
        for state in &states {
            n += enabled(*state).count();
            for action in Action::ALL {
                let run = Run {
                    action,
                    start: state.vm,
                };
                n += run.next_writes(*state).count() + run.failures(*state).count();
            }
        }
        n
    });
    assert_no_alloc("the simulator", || {
        let servers = [Server::new(3, 0), Server::new(3, 1), Server::new(3, 2)];
        let mut sim = Simulator::new(3, Config::DEFAULT, servers);
        (0..2000).filter_map(|_| sim.step()).count()
    });
    assert_no_alloc("the fake checker", || {
        let mut nova = FakeChecker::with_moves(ServerState::BUILD_REQUEST, Moves::WRITES);
        let _ = nova.step(FakeStep::Request {
            action: Action::Stop,
            accepted: false,
        });
        nova.possible().len()
    });
}

#[test]
fn distances_and_explanations_allocate_nothing() {
    use nova_states::machine::{explain, min_operations};
    use nova_states::{ActionSet, Pair};
    let pairs: Vec<Pair> = (0..Pair::COUNT)
        .filter_map(Pair::from_index)
        .filter(|p| p.is_possible())
        .collect();
    let from = Pair {
        vm: VmState::Active,
        task: Some(TaskState::ResizeMigrating),
    };
    let in_flight = ActionSet::EMPTY.with(Action::Resize);
    let total = assert_no_alloc("min_operations / explain", || {
        let mut total = 0usize;
        for to in &pairs {
            total += usize::from(min_operations(from, in_flight, *to).unwrap_or(0));
            if let Some(why) = explain(from, in_flight, *to) {
                total += why.operations().count();
            }
        }
        total
    });
    // Both counted each step's operations once.
    assert!(total > 0 && total % 2 == 0);
}
