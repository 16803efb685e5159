//! The invariants of the transition relation, one named test each
//! (docs/invariants.md says what each means and where Nova says so), and
//! the exhaustive exploration: every state × every event through `apply`,
//! and a breadth-first walk of the set reachable from a fresh build that
//! checks every invariant on every edge; and the state bitmaps the
//! exploration keys states by.
//!
//! The edge checks live in tests/support/oracle.rs, shared with the fuzz
//! targets. The exhaustive tests are skipped under miri (too slow there);
//! `cargo test --test integration relation:: -- --nocapture` prints the
//! counts recorded in docs/testing.md.

use std::collections::BTreeSet;

use crate::support::oracle::{
    check_edge, events_list, nova_accepts_task, reachable, FailAt, ERROR_ACCEPTS, IMAGE_ACTIONS,
    PREEMPTERS,
};
use crate::support::{cells, fuzz_parse, oracle, state};
use nova_states::machine::{all_events, legal_edges, reachable_from_build, StateSet};
use nova_states::{
    apply, Action, Event, Pair, PowerState, ServerState, ServerStatus, TaskFilter, TaskState,
    TransitionError, VmState,
};

type Check = fn(ServerState, Event, &Result<ServerState, TransitionError>);

/// Runs `check` on every state × every event; returns how many edges it saw.
fn on_every_edge(check: Check) -> usize {
    let mut edges = 0;
    for state in ServerState::all() {
        for &event in events_list() {
            check(state, event, &apply(state, event));
            edges += 1;
        }
    }
    edges
}

/// Runs `check` on every event from every reachable state.
fn on_every_reachable_edge(check: Check) -> usize {
    let reach = reachable();
    let mut edges = 0;
    for state in ServerState::all().filter(|s| reach[s.index()]) {
        for &event in events_list() {
            check(state, event, &apply(state, event));
            edges += 1;
        }
    }
    edges
}

// --- 1. One task at a time --------------------------------------------------

/// An action is accepted only with task_state null, except Nova's explicit
/// pre-empters (the delete family, evacuate, hard reboot within
/// ALLOW_REBOOT, reset-state, the metadata updates and consoles whose
/// decorator says `task_state=None` or rejects only deleting/migrating, and
/// the live-migration follow-ups that need migrating). The list is derived
/// from `Action::precondition` and must equal Nova's.
#[test]
#[cfg_attr(miri, ignore)]
fn one_task_at_a_time() {
    let derived: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| a.precondition().task_states != TaskFilter::NULL_ONLY)
        .collect();
    assert_eq!(derived, PREEMPTERS);
    for action in Action::ALL {
        for task in TaskState::ALL_OR_NULL {
            assert_eq!(
                action.precondition().task_states.contains(task),
                nova_accepts_task(action, task),
                "{action} with task_state {}",
                TaskState::name_or_null(task)
            );
        }
    }
    // Hard reboot pre-empts exactly ALLOW_REBOOT.
    assert_eq!(
        Action::RebootHard.precondition().task_states,
        nova_states::rules::ALLOW_REBOOT
    );
    assert_eq!(
        nova_states::rules::ALLOW_REBOOT,
        TaskFilter::of(&oracle::ALLOW_REBOOT, true)
    );
    on_every_edge(oracle::one_task_at_a_time);
    // And the relation refuses every other action while any task runs.
    for s in ServerState::all().filter(|s| s.task.is_some() && s.vm != VmState::Deleted) {
        for action in Action::ALL
            .into_iter()
            .filter(|a| !PREEMPTERS.contains(a) && *a != Action::Create)
        {
            assert!(
                matches!(
                    apply(s, Event::Accept(action)),
                    Err(TransitionError::Rejected(_))
                ),
                "{action} in {s}"
            );
        }
    }
}

// --- 2. No image-create or backup while a task runs ---------------------------

/// Snapshot, volume-backed snapshot and backup are refused while any task
/// runs, in particular any image_* task (a second snapshot while one
/// uploads is a 409).
#[test]
#[cfg_attr(miri, ignore)]
fn no_image_create_or_backup_while_a_task_runs() {
    on_every_edge(oracle::no_image_while_task);
    for task in TaskState::ALL
        .into_iter()
        .filter(|t| t.as_str().starts_with("image_"))
    {
        for vm in [
            VmState::Active,
            VmState::Stopped,
            VmState::Paused,
            VmState::Suspended,
        ] {
            for action in IMAGE_ACTIONS {
                let err = apply(state(vm, Some(task)), Event::Accept(action)).unwrap_err();
                let TransitionError::Rejected(r) = err else {
                    panic!("{action} in {vm}/{task}: {err:?}")
                };
                assert_eq!(r.field, nova_states::RejectedField::TaskState);
            }
        }
    }
}

// --- 3. Every reachable state shows a known status ----------------------------

/// Every state reachable from a fresh build projects to a status other
/// than UNKNOWN (UNKNOWN is for vm_states Nova does not know and down
/// cells).
#[test]
#[cfg_attr(miri, ignore)]
fn every_reachable_state_shows_a_known_status() {
    let reach = reachable();
    let mut n = 0;
    for s in ServerState::all().filter(|s| reach[s.index()]) {
        assert_ne!(s.status(), ServerStatus::Unknown, "{s}");
        n += 1;
    }
    assert!(n > 0);
    on_every_reachable_edge(oracle::status_known);
}

// --- 4. Deleted is terminal ---------------------------------------------------

/// From a reachable state with vm_state deleted, no event leads to another
/// vm_state (and every API request answers Gone).
#[test]
#[cfg_attr(miri, ignore)]
fn deleted_is_terminal() {
    let reach = reachable();
    let deleted: Vec<ServerState> = ServerState::all()
        .filter(|s| reach[s.index()] && s.vm == VmState::Deleted)
        .collect();
    assert!(!deleted.is_empty(), "delete must be reachable");
    for s in &deleted {
        for &event in events_list() {
            oracle::deleted_is_terminal(*s, event, &apply(*s, event));
        }
    }
    // Unreachable deleted states are outside the claim: deleted/deleting
    // can "fail" to error because Action::Delete counts deleted among its
    // starts (see docs/invariants.md).
    let odd = ServerState {
        vm: VmState::Deleted,
        task: Some(TaskState::Deleting),
        power: PowerState::NoState,
    };
    assert!(!reach[odd.index()]);
}

// --- 5. Every success ends with task_state null ---------------------------------

/// Every edge that completes an action (`end = true`) writes task_state
/// null, and so does every such write the relation takes.
#[test]
#[cfg_attr(miri, ignore)]
fn every_success_ends_with_task_null() {
    let mut ends = 0;
    for action in Action::ALL {
        for (i, e) in action.edges().iter().enumerate() {
            if e.end {
                assert_eq!(e.to, None, "{action} edge {i} ends with a task");
                ends += 1;
            }
        }
    }
    assert!(ends > 0);
    on_every_edge(oracle::success_ends_null);
}

// --- 6. Task writes follow the chain and its guards --------------------------------

/// Every write the relation takes is an edge of that action, from the
/// edge's task_state, landing exactly where the edge says, and its guard
/// (`expected_task_state`) admits the task_state it replaces unless the
/// save is unguarded.
#[test]
#[cfg_attr(miri, ignore)]
fn task_writes_follow_chain_and_guards() {
    // Statically: every guarded edge admits its own starting task_state.
    for action in Action::ALL {
        for (i, e) in action.edges().iter().enumerate() {
            if let (nova_states::rules::Guard::Expect(f), false) = (e.guard, e.api) {
                assert!(
                    f.contains(e.from),
                    "{action} edge {i}: guard refuses its from"
                );
            }
        }
    }
    on_every_edge(oracle::writes_follow_chain);
}

// --- 7. Error accepts only what Nova accepts from error --------------------------

/// From vm_state error, exactly the actions whose decorator lists ERROR (or
/// any vm_state) are accepted, each within its task rule.
#[test]
#[cfg_attr(miri, ignore)]
fn error_accepts_only_what_nova_accepts() {
    for task in TaskState::ALL_OR_NULL {
        let got: Vec<Action> = Action::allowed(VmState::Error, task, true).iter().collect();
        let want: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| ERROR_ACCEPTS.contains(a) && nova_accepts_task(*a, task))
            .collect();
        assert_eq!(got, want, "error/{}", TaskState::name_or_null(task));
    }
    let from_error: Vec<&str> = Action::allowed(VmState::Error, None, true)
        .iter()
        .map(Action::as_str)
        .collect();
    assert_eq!(
        from_error,
        [
            "soft_delete",
            "delete",
            "force_delete",
            "stop",
            "trigger_crash_dump",
            "reboot_hard",
            "rebuild",
            "rescue",
            "get_vnc_console",
            "get_spice_console",
            "get_serial_console",
            "get_mks_console",
            "evacuate",
            "volume_snapshot_create",
            "volume_snapshot_delete",
            "reset_state",
        ]
    );
    on_every_edge(oracle::error_accepts_only_novas);
}

// --- 8. Projection and reverse agree ------------------------------------------------

/// `ServerStatus::preimage` is exactly the reverse of `status`: every
/// (vm_state, task_state) pair is in the preimage of its status and of no
/// other, in vm_state then task order; UNKNOWN has none; and the list
/// filter for a status returns at least every pair showing it.
#[test]
fn projection_and_reverse_agree() {
    let mut pairs = 0;
    for s in ServerStatus::ALL {
        let pre: Vec<_> = s.preimage().collect();
        let want: Vec<_> = cells()
            .into_iter()
            .filter(|(vm, t)| nova_states::status(*vm, *t) == s)
            .collect();
        assert_eq!(pre, want, "{s}");
        let filter = s.list_filter();
        for (vm, t) in &pre {
            assert!(filter.matches(*vm, *t), "?status={s} misses {vm}/{t:?}");
        }
        assert_eq!(filter.is_rejected(), pre.is_empty(), "{s}");
        pairs += pre.len();
    }
    assert_eq!(ServerStatus::Unknown.preimage().count(), 0);
    assert_eq!(pairs, VmState::COUNT * (TaskState::COUNT + 1));
}

// --- 9. Parsing and printing agree -----------------------------------------------------

/// Every value prints as its wire name and parses back from it; aliases
/// parse to their value and are never printed; statuses parse in any case;
/// power states also by code; serde agrees with both.
#[test]
fn parsing_and_printing_agree() {
    fn both_ways<T>(all: &[T], aliases: &[nova_states::wire::Alias<T>])
    where
        T: Copy
            + PartialEq
            + std::fmt::Debug
            + std::fmt::Display
            + std::str::FromStr<Err = nova_states::ParseError>
            + serde::Serialize
            + serde::de::DeserializeOwned,
    {
        let mut names = BTreeSet::new();
        for v in all {
            let name = v.to_string();
            assert!(names.insert(name.clone()), "{name} printed twice");
            assert_eq!(name.parse::<T>(), Ok(*v), "{name}");
            assert_eq!(format!("{v:>40}").trim_start(), name, "Display pads");
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v, "{json}");
            fuzz_parse::parse_text(&name);
        }
        for a in aliases {
            assert_eq!(a.spelling.parse::<T>(), Ok(a.value), "{}", a.spelling);
            assert!(
                !names.contains(a.spelling),
                "alias {} is printed",
                a.spelling
            );
            assert!(!a.seen_in.is_empty());
            fuzz_parse::parse_text(a.spelling);
        }
    }
    both_ways(&VmState::ALL, VmState::ALIASES);
    both_ways(&TaskState::ALL, TaskState::ALIASES);
    both_ways(&ServerStatus::ALL, ServerStatus::ALIASES);
    both_ways(&Action::ALL, Action::ALIASES);
    both_ways(&PowerState::ALL, PowerState::ALIASES);
    for v in VmState::ALL {
        assert_eq!(VmState::from_wire(v.as_str()), Some(v));
    }
    for s in ServerStatus::ALL {
        let lower = s.as_str().to_ascii_lowercase();
        assert_eq!(lower.parse::<ServerStatus>(), Ok(s));
        assert_eq!(
            lower.parse::<ServerStatus>().unwrap().to_string(),
            s.as_str()
        );
    }
    for p in PowerState::ALL {
        assert_eq!(PowerState::from_code(i128::from(p.code())), Ok(p));
        assert_eq!(p.code().to_string().parse::<PowerState>(), Ok(p));
        assert_eq!(serde_json::to_string(&p).unwrap(), p.code().to_string());
    }
    // Null task and power states print as JSON null and read back.
    assert_eq!(
        serde_json::from_str::<Option<TaskState>>("null").unwrap(),
        None
    );
    assert_eq!(TaskState::name_or_null(None), "null");
}

// --- 10. A power observation never changes vm_state -----------------------------------

/// The power sync never writes vm_state; while a task runs it returns
/// before touching anything (power_state included); otherwise it records
/// the observed power state and at most calls stop (task powering-off).
#[test]
#[cfg_attr(miri, ignore)]
fn power_observation_never_changes_vm_state() {
    for s in ServerState::all() {
        for p in PowerState::ALL {
            let e = Event::PowerObserved(p);
            oracle::power_observation(s, e, &apply(s, e));
        }
    }
    // Nova's sync says stop for an active server found shut down.
    let s = apply(
        state(VmState::Active, None),
        Event::PowerObserved(PowerState::Shutdown),
    )
    .unwrap();
    assert_eq!(
        (s.vm, s.task, s.power),
        (
            VmState::Active,
            Some(TaskState::PoweringOff),
            PowerState::Shutdown
        )
    );
}

// --- 11. Refusals are typed and say the truth ---------------------------------------

/// Every refusal is the right `TransitionError`: a `Rejected` names the
/// action and the state and equals `Action::check`'s answer; a deleted
/// server answers `Gone` to every API request; an edge index past the
/// chain is `NoSuchEdge`; and so on.
#[test]
#[cfg_attr(miri, ignore)]
fn refusals_are_typed() {
    on_every_edge(oracle::errors_are_typed);
}

// --- 12. Every task can end ----------------------------------------------------------

/// No server is left with a task forever: from every reachable state with
/// a task, the compute side alone (writes, failures, power observations,
/// restarts; no new API request) can bring task_state back to null. The
/// only exception is Nova's own: unshelve's failure that sets vm_state
/// error and leaves the task (conductor/manager.py:1041-1042), which only
/// reset-state or delete clears.
///
/// Regression: the power sync's stop()/force_stop() of a paused or
/// stopped server wrote powering-off, but the stop could never finish
/// there (Action::Stop's walk started only from its decorator's active and
/// error), so paused/powering-off was a dead end.
#[test]
#[cfg_attr(miri, ignore)]
fn every_task_can_end() {
    let reach = reachable();
    let compute_side: Vec<Event> = events_list()
        .iter()
        .copied()
        .filter(|e| oracle::requested(*e).is_none() && !matches!(e, Event::ResetState(_)))
        .collect();
    let mut ends = vec![false; ServerState::COUNT];
    for s in ServerState::all().filter(|s| s.task.is_none()) {
        ends[s.index()] = true;
    }
    let mut changed = true;
    while changed {
        changed = false;
        for s in ServerState::all() {
            if !reach[s.index()] || ends[s.index()] {
                continue;
            }
            if compute_side
                .iter()
                .any(|e| apply(s, *e).is_ok_and(|n| ends[n.index()]))
            {
                ends[s.index()] = true;
                changed = true;
            }
        }
    }
    let stuck: BTreeSet<(VmState, Option<TaskState>)> = ServerState::all()
        .filter(|s| reach[s.index()] && !ends[s.index()])
        .map(|s| (s.vm, s.task))
        .collect();
    // Nova's own: a failure that writes vm_state error and leaves a task
    // the action is no longer in flight at, or a compute restart whose VIF
    // plug fails under a task it has no branch for (restated in the
    // oracle).
    let nova_leaves_error_with = |task: Option<TaskState>| {
        oracle::RESTART_LEAVES_ERROR_WITH.contains(&task)
            || Action::ALL.iter().any(|a| {
                TaskState::ALL_OR_NULL.iter().any(|t| {
                    VmState::ALL.iter().any(|v| {
                        oracle::nova_failure_ends(*a, FailAt::Task(*t), *v)
                            .contains(&(VmState::Error, task))
                    })
                })
            })
    };
    println!(
        "stuck without a new request: {}",
        stuck
            .iter()
            .map(|(vm, t)| format!("{vm}/{}", TaskState::name_or_null(*t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (vm, task) in &stuck {
        assert!(
            *vm == VmState::Error && nova_leaves_error_with(*task),
            "{vm}/{} never ends without a new request",
            TaskState::name_or_null(*task)
        );
        let s = state(*vm, *task);
        assert_eq!(
            apply(s, Event::ResetState(VmState::Error)),
            Ok(state(VmState::Error, None))
        );
    }
    assert!(stuck.contains(&(VmState::Error, Some(TaskState::Unshelving))));
}

// --- The exhaustive exploration ------------------------------------------------------

/// The exploration's bitmaps (`StateSet`, the oracle's reachable set) key
/// states by `ServerState::index`: it must be a bijection onto
/// `0..COUNT`, built from each enum's position in its `ALL`. (A constant
/// `PowerState::index` made states differing only in power collide, and
/// every other test still passed: cargo-mutants found it.)
#[test]
fn state_indices_are_a_bijection() {
    for (i, v) in VmState::ALL.iter().enumerate() {
        assert_eq!(v.index(), i, "{v}");
    }
    for (i, t) in TaskState::ALL.iter().enumerate() {
        assert_eq!(t.index(), i, "{t}");
    }
    for (i, p) in PowerState::ALL.iter().enumerate() {
        assert_eq!(p.index(), i, "{p}");
    }
    for (i, s) in ServerStatus::ALL.iter().enumerate() {
        assert_eq!(s.index(), i, "{s}");
    }
    for (i, a) in Action::ALL.iter().enumerate() {
        assert_eq!(a.index(), i, "{a}");
    }
    for i in 0..ServerState::COUNT {
        let s = ServerState::from_index(i).expect("in range");
        assert_eq!(s.index(), i, "{s}");
    }
    assert_eq!(ServerState::from_index(ServerState::COUNT), None);
    let mut set = nova_states::machine::StateSet::EMPTY;
    for s in ServerState::all() {
        assert!(set.insert(s), "{s} collides");
        assert!(set.contains(s));
    }
    assert_eq!(set.len(), ServerState::COUNT);
}

/// Every state × every event through `apply`, with every invariant checked
/// on each; the legal edges counted agree with `legal_edges()`.
#[test]
#[cfg_attr(miri, ignore)]
fn exhaustive_every_state_times_every_event() {
    let events = events_list();
    assert_eq!(events.len(), all_events().count());
    let distinct: std::collections::HashSet<_> = events.iter().collect();
    assert_eq!(distinct.len(), events.len(), "all_events repeats an event");
    let mut applied = 0;
    let mut legal = 0;
    for state in ServerState::all() {
        for &event in events {
            let result = apply(state, event);
            check_edge(state, event, &result);
            applied += 1;
            legal += usize::from(result.is_ok());
        }
    }
    assert_eq!(ServerState::all().count(), ServerState::COUNT);
    assert_eq!(applied, ServerState::COUNT * events.len());
    assert_eq!(legal, legal_edges().count());
    println!(
        "exhaustive: {} states x {} events = {} applications, {} legal edges",
        ServerState::COUNT,
        events.len(),
        applied,
        legal
    );
}

/// A breadth-first walk from `ServerState::BUILD_REQUEST`, checking every
/// invariant on every edge (refused ones included) of every reachable
/// state; the set found is the library's `reachable_from_build()`.
#[test]
#[cfg_attr(miri, ignore)]
fn breadth_first_walk_of_the_reachable_set() {
    let mut seen = vec![false; ServerState::COUNT];
    let mut queue = std::collections::VecDeque::from([ServerState::BUILD_REQUEST]);
    seen[ServerState::BUILD_REQUEST.index()] = true;
    let (mut states, mut edges, mut tried) = (0usize, 0usize, 0usize);
    let mut distinct_edges = BTreeSet::new();
    while let Some(s) = queue.pop_front() {
        states += 1;
        for &event in events_list() {
            let result = apply(s, event);
            check_edge(s, event, &result);
            tried += 1;
            if let Ok(next) = result {
                edges += 1;
                distinct_edges.insert((s, next));
                if !seen[next.index()] {
                    seen[next.index()] = true;
                    queue.push_back(next);
                }
            }
        }
    }
    let library = reachable_from_build();
    assert_eq!(states, library.len());
    for s in ServerState::all() {
        assert_eq!(seen[s.index()], library.contains(s), "{s}");
    }
    assert_eq!(seen, reachable().to_vec());
    let vms: BTreeSet<VmState> = library.iter().map(|s| s.vm).collect();
    assert_eq!(vms.len(), VmState::COUNT, "every vm_state is reachable");
    assert!(!library
        .iter()
        .any(|s| s.task == Some(TaskState::ResizeConfirming)));
    let pairs: BTreeSet<_> = library.iter().map(|s| (s.vm, s.task)).collect();
    println!(
        "reachable from BUILD_REQUEST: {states} states ({} vm x task pairs), \
         {edges} legal edges ({} distinct state pairs), {tried} events tried",
        pairs.len(),
        distinct_edges.len()
    );
}

#[test]
#[cfg_attr(miri, ignore)] // every pair or state: skipped with the exhaustive checks
fn state_set_insert_reports_newness_and_counts() {
    let mut set = StateSet::EMPTY;
    assert!(set.is_empty());
    assert_eq!(set.len(), 0);
    assert_eq!(format!("{set:?}"), "StateSet(0 states)");
    // States in different 64-bit words and at the ends of the index range.
    let all: Vec<ServerState> = ServerState::all().collect();
    let picks = [
        all[0],
        all[1],
        all[63],
        all[64],
        all[65],
        all[all.len() - 1],
    ];
    for (n, s) in picks.iter().enumerate() {
        assert!(!set.contains(*s), "{s:?} before insert");
        assert!(set.insert(*s), "{s:?} is new");
        assert!(!set.insert(*s), "{s:?} is not new twice");
        assert!(set.contains(*s));
        assert_eq!(set.len(), n + 1);
        assert!(!set.is_empty());
    }
    assert_eq!(set.iter().collect::<Vec<_>>(), picks);
    assert_eq!(format!("{set:?}"), "StateSet(6 states)");
    // Inserting one state adds exactly that one.
    for s in &all {
        let mut one = StateSet::EMPTY;
        one.insert(*s);
        assert!(one.contains(*s) && one.len() == 1, "{s:?}");
    }
}

/// How much the pair reachability table (what the trace validator reads)
/// constrains: of the ordered pairs (a, b), a ≠ b, of possible
/// (vm_state, task_state) pairs, how many have b reachable from a, and into
/// how many classes of mutually reachable pairs the possible pairs fall;
/// and, one step at a time (reset-state excluded), how many distinct pair
/// steps the relation takes and how many pairs step into (error, null).
/// The numbers are in docs/invariants.md ("How much the relation says").
fn pair_reachability() -> (usize, usize, usize, usize, usize) {
    let possible: Vec<Pair> = (0..Pair::COUNT)
        .filter_map(Pair::from_index)
        .filter(|p| p.is_possible())
        .collect();
    let mut reachable = 0;
    for a in &possible {
        for b in &possible {
            if a != b && a.reaches(*b) {
                reachable += 1;
            }
        }
    }
    let mut classes: Vec<Vec<Pair>> = Vec::new();
    for p in &possible {
        match classes
            .iter_mut()
            .find(|c| c[0].reaches(*p) && p.reaches(c[0]))
        {
            Some(class) => class.push(*p),
            None => classes.push(vec![*p]),
        }
    }
    let pair = |s: ServerState| Pair {
        vm: s.vm,
        task: s.task,
    };
    let error = Pair {
        vm: VmState::Error,
        task: None,
    };
    let mut steps = BTreeSet::new();
    let mut into_error = BTreeSet::new();
    for (s, e, n) in legal_edges() {
        let reset = matches!(
            e,
            Event::ResetState(_)
                | Event::Accept(Action::ResetState)
                | Event::Write {
                    action: Action::ResetState,
                    ..
                }
                | Event::Fail {
                    action: Action::ResetState,
                    ..
                }
        );
        let (a, b) = (pair(s), pair(n));
        if reset || a == b || !a.is_possible() {
            continue;
        }
        steps.insert((a.index(), b.index()));
        if b == error {
            into_error.insert(a.index());
        }
    }
    (
        possible.len(),
        reachable,
        classes.len(),
        steps.len(),
        into_error.len(),
    )
}

/// Measured with one failure list per action (any phase could fail into
/// error), before the per-phase failure rows: 130 possible pairs, 15,787 of
/// 16,770 ordered pairs reachable (94.1%), 3 classes; 653 one-step pair
/// steps, 68 pairs stepping into (error, null). With the per-phase rows:
/// 134 possible pairs (the new (error, resize_migrating | resize_migrated |
/// resize_finish | reboot_started) are ends Nova's code leaves), 16,807 of
/// 17,822 (94.3%), still 3 classes; 714 steps, 63 into (error, null). With
/// a compute restart's own failures too (the VIF plug at the tail of
/// `_init_instance` puts any server it reaches in error with its task,
/// manager.py:1197-1212): 147 pairs, 20,343 of 21,462 (94.8%), 3 classes;
/// 837 steps, 94 into (error, null); 839 steps once a resized server's
/// soft delete shows the confirm's vm_state (api.py:2581-2594). The transitive numbers do not shrink
/// because a failed delete puts any server in error (manager.py:3434-3445,
/// and delete accepts every state), and error leads back to active
/// (rebuild, hard reboot).
#[test]
#[cfg_attr(miri, ignore)]
fn pair_reachability_is_measured() {
    let (possible, reachable, classes, steps, into_error) = pair_reachability();
    let ordered = possible * (possible - 1);
    println!(
        "pair reachability: {possible} possible pairs, {reachable} of {ordered} ordered pairs reachable ({:.1}%), {classes} classes; {steps} one-step pair steps, {into_error} pairs step into error/null",
        100.0 * reachable as f64 / ordered as f64
    );
    assert_eq!(
        (possible, reachable, classes, steps, into_error),
        (147, 20_343, 3, 839, 94)
    );
}

/// Every failure end Nova's code can leave (restated in the oracle) is in
/// the relation: from every reachable state where an action can fail (its
/// API request accepted there, or in flight at the state's task_state),
/// each end the oracle lists is what some `Fail` of that action leads to.
/// With `failures_follow_nova` (run on every edge by `check_edge`), the
/// relation's failures are exactly the restated ones.
#[test]
#[cfg_attr(miri, ignore)]
fn every_failure_nova_leaves_is_in_the_relation() {
    let reach = reachable();
    let mut checked = 0;
    for s in ServerState::all().filter(|s| reach[s.index()]) {
        for action in Action::ALL {
            let fails: Vec<(VmState, Option<TaskState>)> = events_list()
                .iter()
                .filter(|e| matches!(e, Event::Fail { action: a, .. } if *a == action))
                .filter_map(|e| apply(s, *e).ok())
                .map(|n| (n.vm, n.task))
                .collect();
            let mut want = Vec::new();
            let in_flight = action.in_flight(s.vm, s.task)
                && (s.task.is_some() || matches!(action, Action::Create | Action::ConfirmResize));
            if in_flight {
                want.extend(oracle::nova_failure_ends(
                    action,
                    FailAt::Task(s.task),
                    s.vm,
                ));
            }
            if action != Action::Create
                && s.vm != VmState::Deleted
                && action.accepts(s.vm, s.task, true)
            {
                want.extend(oracle::nova_failure_ends(action, FailAt::Api, s.vm));
            }
            for end in want {
                assert!(
                    fails.contains(&end),
                    "{action} failing in {s}: Nova can leave {}/{}, the relation cannot",
                    end.0,
                    TaskState::name_or_null(end.1)
                );
                checked += 1;
            }
        }
    }
    println!("failure ends checked from reachable states: {checked}");
}
