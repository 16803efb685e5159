#!/usr/bin/env python3
"""One table from a benches/compare.sh run.

Reads criterion's results (CRITERION_DIR/<group>/<bench>/new/) and the
CPython baseline's JSON, and prints, as Markdown: the machine, each
operation's median time per operation with its ratio to each baseline,
the baselines themselves, and the issue's targets with whether each is met.

    report.py CRITERION_DIR PYTHON_JSON [--doc docs/performance.md]

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
    ("parse `VmState` (`FromStr`)", "parse VmState/from_str", {}),
    ("parse `TaskState` (`FromStr`)", "parse TaskState/from_str", {}),
    ("parse `PowerState` (`FromStr`, names and codes)", "parse PowerState/from_str", {}),
    ("parse `ServerStatus` (`FromStr`)", "parse ServerStatus/from_str",
     {"openstack": "status serde_json/openstack::compute::ServerStatus"}),
    ("parse `ServerStatus` (serde_json)", "status serde_json/nova_states::ServerStatus",
     {"floor": "status serde_json/floor: serde_json &str",
      "openstack": "status serde_json/openstack::compute::ServerStatus"}),
    ("parse `PowerState` (serde_json, integer codes)", "power serde_json/nova_states::PowerState",
     {"openstack": "power serde_json/openstack::compute::ServerPowerState"}),
    ("document: `ServerDocument` (serde_json, 2.4 KB)",
     "document/ServerDocument (serde_json::from_str)",
     {"floor": "document/floor: serde_json IgnoredAny", "cpython": "document"}),
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
    ("`serde_json::Value` of the document + 4 lookups", "document/serde_json::Value + 4 lookups"),
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
        "| operation | median / op | vs floor (bare index) | vs `openstack` crate | vs CPython (Nova) |",
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


def targets(rust, py):
    cpy = py.get("median_ns", {})
    rows = []

    def ratio(a, b):
        return None if a is None or b is None else a / b

    def add(target, measured, met):
        verdict = "not run" if met is None else ("met" if met else "**NOT met**")
        rows.append(f"| {target} | {measured} | {verdict} |")

    for name, key, floor_key, py_key in [
        ("projection", "projection/status(vm, task)", "projection/floor: index [u8; 12x43]",
         "projection"),
        ("check", "check/Action::check", "check/floor: index [bool; Ax12x43]", "check"),
    ]:
        ours = per_op(rust, key)
        r = ratio(ours, per_op(rust, floor_key))
        add(f"{name} within 2× of the bare index",
            "—" if r is None else f"{r:.1f}× the index",
            None if r is None else r <= 2)
        s = ratio(cpy.get(py_key), ours)
        add(f"{name} ≥ 100× faster than CPython",
            "—" if s is None else f"{s:.0f}× faster",
            None if s is None else s >= 100)

    ostack = per_op(rust, "status serde_json/openstack::compute::ServerStatus")
    s = ratio(ostack, per_op(rust, "status serde_json/nova_states::ServerStatus"))
    add("wire-name parsing ≥ 2× faster than `openstack`'s serde parse "
        "(both through serde_json)",
        "—" if s is None else f"{s:.1f}× faster", None if s is None else s >= 2)
    s = ratio(ostack, per_op(rust, "parse ServerStatus/from_str"))
    add("(the same, our `FromStr` against their serde parse)",
        "—" if s is None else f"{s:.1f}× faster", None if s is None else s >= 2)

    small, large = rust.get("validator/observe x1000"), rust.get("validator/observe x100000")
    interleaved = rust.get("validator ratio")
    target = "validator constant per step: 100,000 observations ≈ 100× 1,000 (75–125×)"
    if interleaved:
        measured = f"{interleaved:.0f}× (timed in alternation)"
        if small and large:
            measured += f"; {large[0] / small[0]:.0f}× from the two criterion medians"
        add(target, measured, 75 <= interleaved <= 125)
    elif small and large:
        r = large[0] / small[0]
        add(target, f"{r:.0f}× from the two criterion medians", 75 <= r <= 125)
    else:
        add(target, "—", None)

    ms = per_op(rust, "exploration/reachable_from_build()")
    add("exhaustive exploration under 50 ms",
        "—" if ms is None else fmt_time(ms), None if ms is None else ms < 50e6)
    return ["| target | measured | |", "| --- | --- | --- |"] + rows


def report(rust, py):
    return (
        ["Machine:", ""] + machine(py)
        + ["", "Median per operation (each benchmark times a whole pass over its inputs "
           "and divides by their number):", ""]
        + table(rust, py)
        + ["", "Targets:", ""]
        + targets(rust, py)
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
    parser.add_argument("--doc", help="rewrite the marked section of this file")
    args = parser.parse_args()
    rust = load_criterion(args.criterion_dir)
    try:
        with open(args.python_json, encoding="utf-8") as f:
            py = json.load(f)
    except OSError:
        py = {}
    lines = report(rust, py)
    print("\n".join(lines))
    if args.doc:
        write_doc(args.doc, lines)
        print(f"\n(table written to {args.doc})")


if __name__ == "__main__":
    main()
