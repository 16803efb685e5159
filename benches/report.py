#!/usr/bin/env python3
"""One table from a benches/compare.sh run.

Reads criterion's results (CRITERION_DIR/<group>/<bench>/new/) and the
CPython baseline's JSON, and prints, as Markdown: the machine, each
goal of every open issue with what this run measured and whether it is
met, each operation's median time per operation with its ratio to each
baseline, the baselines themselves, and the scaling table.

    report.py CRITERION_DIR PYTHON_JSON [PROCESS_JSON] [--doc docs/performance.md]

PROCESS_JSON is benches/process.py's output: the scaling runs and the
command's throughput.

--doc replaces the text between the markers
<!-- compare.sh:begin --> and <!-- compare.sh:end --> in that file.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

# The floor of name parsing (benches/support/floor.rs).
MATCH_FLOOR = "floor: match on length and one byte"

# (label, criterion id, {baseline kind: baseline key}). Criterion ids are
# "group/function"; CPython keys name entries of nova_baseline.py's output.
ROWS = [
    ("projection: `status(vm, task)`", "projection/status(vm, task)",
     {"floor": "projection/floor: index [u8; 12x43]", "cpython": "projection"}),
    ("check: `Action::check`", "check/Action::check",
     {"floor": "check/floor: index [bool; Ax12x43]", "cpython": "check"}),
    ("check: `Action::accepts`", "check/Action::accepts",
     {"floor": "check/floor: index [bool; Ax12x43]", "cpython": "check"}),
    ("what can I do now: `Action::allowed`", "allowed/Action::allowed",
     {"floor": "allowed/floor: index [ActionSet; 12x43]", "cpython": "allowed"}),
    ("parse `VmState` (`FromStr`)", "parse VmState/from_str",
     {"floor": "parse VmState/" + MATCH_FLOOR}),
    ("parse `TaskState` (`FromStr`)", "parse TaskState/from_str",
     {"floor": "parse TaskState/" + MATCH_FLOOR}),
    ("parse `PowerState` (`FromStr`, names and codes)", "parse PowerState/from_str",
     {"floor": "parse PowerState/" + MATCH_FLOOR}),
    ("parse `ServerStatus` (`FromStr`)", "parse ServerStatus/from_str",
     {"floor": "parse ServerStatus/" + MATCH_FLOOR,
      "openstack": "status serde_json/openstack::compute::ServerStatus"}),
    ("parse `ServerStatus` (serde_json)", "status serde_json/nova_states::ServerStatus",
     {"floor": "status serde_json/floor: serde_json &str",
      "openstack": "status serde_json/openstack::compute::ServerStatus"}),
    ("parse `PowerState` (serde_json, integer codes)", "power serde_json/nova_states::PowerState",
     {"openstack": "power serde_json/openstack::compute::ServerPowerState"}),
    ("document: `ServerDocument` (serde_json, 2.4 KB)",
     "document/ServerDocument (serde_json::from_str)",
     {"floor": "document/floor: serde_json IgnoredAny", "cpython": "document"}),
    ("document: every corpus document in turn", "corpus/ServerDocument",
     {"floor": "corpus/floor: serde_json IgnoredAny"}),
    ("document: `GET /servers/detail` of 1,000 servers, per server",
     "servers detail/ServerDocument x1000",
     {"floor": "servers detail/floor: IgnoredAny x1000"}),
    ("`Action::outcome`", "derived/Action::outcome", {}),
    ("`WaitFor::new`", "derived/WaitFor::new", {}),
    ("`apply` (a legal edge)", "derived/apply (every legal edge)", {}),
    ("exploration: `reachable_from_build()`", "exploration/reachable_from_build()", {}),
    ("full pass: `legal_edges().count()`", "exploration/legal_edges().count()", {}),
    ("validator: `observe`, 1,000 observations", "validator/observe x1000", {}),
    ("validator: `observe`, 100,000 observations", "validator/observe x100000", {}),
]

BASELINES = [
    ("floor: index `[u8; 12x43]`", "projection/floor: index [u8; 12x43]"),
    ("floor: index `[bool; 46x12x43]` (action × vm × task)", "check/floor: index [bool; Ax12x43]"),
    ("floor: index `[ActionSet; 12x43]`", "allowed/floor: index [ActionSet; 12x43]"),
    ("floor: serde_json to a borrowed `&str` (same 20 strings)",
     "status serde_json/floor: serde_json &str"),
    ("`openstack::compute::ServerStatus` (serde_json)",
     "status serde_json/openstack::compute::ServerStatus"),
    ("`openstack::compute::ServerPowerState` (serde_json)",
     "power serde_json/openstack::compute::ServerPowerState"),
    ("floor: serde_json `IgnoredAny` of the document", "document/floor: serde_json IgnoredAny"),
    ("floor for a reader that reads the keys: every key as `&str`, values skipped (the document)",
     "document/floor: keys as &str, values skipped"),
    ("`serde_json::Value` of the document + 4 lookups", "document/serde_json::Value + 4 lookups"),
    ("floor: `IgnoredAny`, every corpus document", "corpus/floor: serde_json IgnoredAny"),
    ("floor: keys as `&str`, every corpus document", "corpus/floor: keys as &str, values skipped"),
    ("floor: `IgnoredAny` per server of the 1,000-server body", "servers detail/floor: IgnoredAny x1000"),
    ("floor: keys as `&str` per server of the 1,000-server body", "servers detail/floor: keys as &str x1000"),
    ("floor: index `reach[prev][pair]` per observation", "validator/floor: index reach[prev][pair] x1000"),
] + [
    (f"{label} `{enum}` per name", f"parse {enum}/{key}")
    for enum in ("VmState", "TaskState", "PowerState", "ServerStatus")
    for label, key in (
        ("floor: a bare `match` on the length and one byte,", MATCH_FLOOR),
        ("length, one byte, one comparison (a table, then `==`),", "length, one byte, one comparison"),
        ("length, one byte, a comparison by 8-byte words,", "length, one byte, word comparison"),
        ("`phf`'s lookup (SipHash-1-3, displacement, `==`),", "phf (SipHash, displacement)"),
    )
]

CPYTHON = [
    ("CPython: Nova's `_STATE_MAP` projection", "projection"),
    ("CPython: `check_instance_state` set membership", "check"),
    ("CPython: the same as Nova runs it (decorator, attributes, raise)", "check_decorated"),
    ("CPython: that check for every action", "allowed"),
    ("CPython: `json.loads` of the document + 4 lookups", "document"),
]


def load_criterion(root):
    """{full_id: (median ns per iteration, elements per iteration)}."""
    out = {}
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json"), encoding="utf-8") as f:
            bench = json.load(f)
        with open(os.path.join(dirpath, "estimates.json"), encoding="utf-8") as f:
            estimates = json.load(f)
        elements = (bench.get("throughput") or {}).get("Elements", 1)
        out[bench["full_id"]] = (estimates["median"]["point_estimate"], elements)
    # Written by benches/validator.rs beside criterion's results.
    try:
        with open(os.path.join(root, "validator-ratio.json"), encoding="utf-8") as f:
            out["validator ratio"] = json.load(f)["median_ratio"]
    except (OSError, ValueError, KeyError):
        pass
    # Ratios timed in alternation (benches/nova.rs, benches/validator.rs,
    # benches/waiter.rs).
    for name in ("ratios-nova.json", "ratios-validator.json", "ratios-waiter.json"):
        try:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                for key, value in json.load(f).items():
                    out["alternation/" + key] = value
        except (OSError, ValueError):
            pass
    return out


def per_op(results, key):
    if key not in results:
        return None
    total, elements = results[key]
    return total / elements


def fmt_time(ns):
    if ns is None:
        return "not run"
    if ns < 1e3:
        return f"{ns:.2f} ns" if ns < 10 else f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns / 1e6:.2f} ms"


def fmt_ratio(ours, base):
    if ours is None or base is None:
        return "—"
    if ours <= base:
        return f"{base / ours:.1f}× faster"
    return f"{ours / base:.1f}× slower"


def command(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load():
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) at the end of the run"


def revision():
    commit = command("git", "rev-parse", "--short", "HEAD")
    dirty = command("git", "status", "--porcelain", "--untracked-files=no", "--", "src")
    return commit + (" with uncommitted changes to tracked files in src/" if dirty not in ("", "unknown") else "")


def machine(py):
    return [
        f"- crate: {revision()}",
        f"- date: {datetime.date.today().isoformat()}",
        f"- cpu: {cpu_model()}, nproc {os.cpu_count()}",
        f"- {command('rustc', '--version')}",
        f"- criterion {CRITERION_VERSION}, bench profile, short runs (settings in benches/nova.rs, benches/validator.rs)",
        f"- CPython {py.get('python', 'not run')}",
        f"- load average: {load()}",
    ]


CRITERION_VERSION = "0.8"


def table(rust, py):
    cpy = py.get("median_ns", {})
    lines = [
        "| operation | median / op | vs its floor | vs `openstack` crate | vs CPython (Nova) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, key, base in ROWS:
        ours = per_op(rust, key)
        floor = per_op(rust, base["floor"]) if "floor" in base else None
        ostack = per_op(rust, base["openstack"]) if "openstack" in base else None
        python = cpy.get(base["cpython"]) if "cpython" in base else None
        lines.append(
            f"| {label} | {fmt_time(ours)} | {fmt_ratio(ours, floor)} "
            f"| {fmt_ratio(ours, ostack)} | {fmt_ratio(ours, python)} |"
        )
    lines += ["", "Baselines:", "", "| baseline | median / op |", "| --- | ---: |"]
    for label, key in BASELINES:
        lines.append(f"| {label} | {fmt_time(per_op(rust, key))} |")
    for label, key in CPYTHON:
        lines.append(f"| {label} | {fmt_time(cpy.get(key))} |")
    return lines


def goals(rust, py, proc):
    """Every goal of every open issue, measured in this run, met or not."""
    cpy = py.get("median_ns", {})
    rows = []

    def ratio(a, b):
        return None if a is None or b is None else a / b

    def add(issue, goal, measured, met):
        verdict = {None: "not run", True: "met", False: "**NOT met**"}.get(met, met)
        rows.append(f"| {issue} | {goal} | {measured} | {verdict} |")

    def alternation(key):
        return rust.get("alternation/" + key)

    # Issue 6, the first round.
    for name, key, floor_key, py_key in [
        ("projection", "projection/status(vm, task)", "projection/floor: index [u8; 12x43]",
         "projection"),
        ("check", "check/Action::check", "check/floor: index [bool; Ax12x43]", "check"),
    ]:
        ours = per_op(rust, key)
        r = ratio(ours, per_op(rust, floor_key))
        add("first round", f"{name} within 2× of the bare index",
            "—" if r is None else f"{r:.2f}× the index",
            None if r is None else r <= 2)
        sp = ratio(cpy.get(py_key), ours)
        add("first round", f"~~{name} ≥ 100× faster than CPython~~",
            "—" if sp is None else f"{sp:.0f}× faster",
            "retired: no reader of its input can (see below)")

    sp = alternation("status serde_json/openstack against ours")
    floor = alternation("status serde_json/nova_states::ServerStatus")
    measured = "—" if sp is None else f"{sp:.2f}× faster (in alternation)"
    if sp is not None and floor is not None:
        measured += (f"; ours {floor:.2f}× serde_json's borrowed `&str`, so at most "
                     f"{sp * floor:.2f}× is possible")
    add("first round", "wire-name parsing ≥ 2× faster than `openstack`'s serde parse "
        "(both through serde_json)", measured, None if sp is None else sp >= 2)
    small, large = rust.get("validator/observe x1000"), rust.get("validator/observe x100000")
    interleaved = rust.get("validator ratio")
    goal = "validator constant per step: 100,000 observations ≈ 100× 1,000 (75–125×)"
    if interleaved:
        add("first round", goal, f"{interleaved:.0f}× (in alternation)", 75 <= interleaved <= 125)
    elif small and large:
        r = large[0] / small[0]
        add("first round", goal, f"{r:.0f}× (criterion medians)", 75 <= r <= 125)
    else:
        add("first round", goal, "—", None)
    ms = per_op(rust, "exploration/reachable_from_build()")
    add("first round", "exhaustive exploration under 50 ms",
        "—" if ms is None else fmt_time(ms), None if ms is None else ms < 50e6)

    # This round: parsing.
    enums = ("VmState", "TaskState", "PowerState", "ServerStatus")
    ratios = {e: alternation(f"parse {e}/from_str") for e in enums}
    if all(ratios.values()):
        worst = max(ratios, key=ratios.get)
        add("second round", "`FromStr` of every wire name within 2× of a bare `match` on "
            "the length and one byte",
            ", ".join(f"{e} {ratios[e]:.2f}×" for e in enums) + " (in alternation)",
            ratios[worst] <= 2)
    else:
        add("second round", "`FromStr` within 2× of a bare `match` on length and one byte",
            "—", None)
    per_name = {e: per_op(rust, f"parse {e}/from_str") for e in enums}
    if all(per_name.values()):
        add("second round", "`FromStr` ≤ 4 ns per name (this machine's class)",
            ", ".join(f"{e} {fmt_time(per_name[e])}" for e in enums),
            max(per_name.values()) <= 4)
    else:
        add("second round", "`FromStr` ≤ 4 ns per name", "—", None)

    # This round: documents.
    for label, key in [
        ("the 2.4 KB document", "document/ServerDocument"),
        ("every corpus document", "corpus/ServerDocument"),
        ("`GET /servers/detail`, 1,000 servers", "servers detail/ServerDocument"),
    ]:
        r = alternation(key)
        keys = alternation(key + " vs keys as &str")
        measured = "—" if r is None else f"{r:.2f}× `IgnoredAny`"
        if r is not None and keys is not None:
            measured += f" ({keys:.2f}× reading the keys as `&str`)"
        add("second round", f"`ServerDocument` within 1.1× of `IgnoredAny`: {label}",
            measured, None if r is None else r <= 1.1)

    # This round: scaling.
    for what, unit in (("validator", "observation"), ("reader", "document")):
        got = sorted((r for r in proc.get("scaling", []) if r["what"] == what),
                     key=lambda r: r["items"])
        if len(got) < 2:
            add("second round", f"{what}: constant cost per {unit} at 10^3, 10^5, 10^7", "—", None)
            continue
        against = [r.get("against_1000", 1.0) for r in got]
        peaks = [r.get("vm_hwm_kib") or r.get("peak_kib") for r in got]
        flat = max(peaks) - min(peaks) <= 1024
        add("second round",
            f"{what}: constant cost per {unit} at " + ", ".join(f"{r['items']:,}" for r in got)
            + " (its pieces of 1,000 within 0.8–1.25× fresh runs of 1,000 timed beside them), "
            "flat memory (peaks within 1 MiB)",
            ", ".join(f"{a:.2f}×" for a in against) + "; peaks "
            + ", ".join(f"{p / 1024:.1f}" for p in peaks) + " MiB",
            all(0.8 <= a <= 1.25 for a in against) and flat)

    # The trace issue: one observation.
    obs = per_op(rust, "validator/observe x100000")
    r = alternation("validator/observe")
    add("trace", "`Validator::observe` ≤ 25 ns per observation",
        ("—" if obs is None else fmt_time(obs))
        + ("" if r is None else f"; {r:.0f}× a bare index `reach[prev][pair]` (in alternation)"),
        None if obs is None else obs <= 25)
    step = per_op(rust, "waiter/observe x1000")
    r = alternation("waiter/observe")
    add("waiter", "the waiter's step `Waiter::observe` ≤ 5 ns",
        ("—" if step is None else fmt_time(step))
        + ("" if r is None else f"; {r:.1f}× a bare index `table[pair]` (in alternation)"),
        None if step is None else step <= 5)
    new = per_op(rust, "waiter/WaitFor::new, every (action, start)")
    r = alternation("waiter/WaitFor::new")
    add("waiter", "`WaitFor::new` ≤ 5 ns",
        ("—" if new is None else fmt_time(new))
        + ("" if r is None else f"; {r:.1f}× a bare index `table[action][start]` (in alternation)"),
        None if new is None else new <= 5)
    add("simulator", "one simulator step", "—", "no goal set; not benchmarked")

    c = proc.get("cli")
    if c:
        per_million = c["median_wall_s"] * 1e6 / c["lines"]
        add("command", "`nova-states trace`: a million polling lines well under a second "
            "(judged: ≤ 0.5 s wall)",
            f"{per_million:.2f} s wall, {c['median_cpu_s'] * 1e6 / c['lines']:.2f} s cpu per "
            f"million lines; peak {c['median_peak_kib'] / 1024:.1f} MiB (median of {len(c['runs'])})",
            per_million <= 0.5)
    else:
        add("command", "`nova-states trace`: a million polling lines well under a second", "—", None)
    f = proc.get("fleet")
    if f:
        n = f["servers"] * f["observations"]
        add("command", f"`nova-states trace`: a fleet stream, {f['servers']:,} servers × "
            f"{f['observations']} observations interleaved (JSON Lines), memory per server",
            f"{f['median_wall_s']:.2f} s wall, {f['median_cpu_s']:.2f} s cpu "
            f"({f['median_cpu_s'] * 1e9 / n:.0f} ns cpu per document); peak "
            f"{f['median_peak_kib'] / 1024:.1f} MiB (median of {len(f['runs'])})",
            "measured")
    return ["| issue | goal | measured (this run) | |", "| --- | --- | --- | --- |"] + rows


def scaling_table(proc):
    got = proc.get("scaling", [])
    if not got:
        return []
    lines = [
        "", "Scaling (one process per size; the run of 1,000 is repeated 1,000 times "
        "and timed together; longer runs are timed in pieces of 1,000, every tenth one "
        "beside a fresh run of 1,000, median of those ratios):", "",
        "| subject | items | cost per item | pieces of 1,000 against fresh runs of 1,000 "
        "| allocations per item | heap beyond the input | peak resident |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(got, key=lambda r: (r["what"], r["items"])):
        subject = {"validator": "`Validator::observe`", "reader": "`ServerDocument` (serde_json)"}[r["what"]]
        peak = r.get("vm_hwm_kib") or r.get("peak_kib")
        lines.append(
            f"| {subject} | {r['items']:,} | {fmt_time(r['ns_per_item'])} "
            f"| {r.get('against_1000', 1.0):.2f}× "
            f"| {r['allocations_per_item']:.2f} | {r['heap_growth_bytes']} B | {peak / 1024:.1f} MiB |"
        )
    return lines


def report(rust, py, proc):
    return (
        ["Machine:", ""] + machine(py)
        + ["", "Every goal (ratios timed side by side in this run; docs/performance.md "
           "explains each one not met):", ""]
        + goals(rust, py, proc)
        + ["", "Median per operation (each benchmark times a whole pass over its inputs "
           "and divides by their number):", ""]
        + table(rust, py)
        + scaling_table(proc)
    )


def write_doc(path, lines):
    begin, end = "<!-- compare.sh:begin -->", "<!-- compare.sh:end -->"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if begin not in text or end not in text:
        sys.exit(f"{path}: markers {begin} / {end} not found")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("criterion_dir")
    parser.add_argument("python_json")
    parser.add_argument("process_json", nargs="?",
                        help="benches/process.py's output (scaling, the command)")
    parser.add_argument("--doc", help="rewrite the marked section of this file")
    args = parser.parse_args()
    rust = load_criterion(args.criterion_dir)
    py, proc = {}, {}
    try:
        with open(args.python_json, encoding="utf-8") as f:
            py = json.load(f)
    except OSError:
        pass
    if args.process_json:
        try:
            with open(args.process_json, encoding="utf-8") as f:
                proc = json.load(f)
        except (OSError, ValueError):
            pass
    lines = report(rust, py, proc)
    print("\n".join(lines))
    if args.doc:
        write_doc(args.doc, lines)
        print(f"\n(table written to {args.doc})")


if __name__ == "__main__":
    main()
