#!/usr/bin/env python3
"""Whole-process measurements for benches/compare.sh: time and peak memory
as the operating system accounts them for the finished command (through
GNU time when installed, else os.wait4, whose peak cannot read below
Python's own size).

    process.py --scaling BIN [--sizes 1000,100000,10000000]
               [--cli BIN --seed tests/data/seed-snapshot.txt --lines 1000000 --runs 5]
               [--fleet-servers 10000 --fleet-observations 100]
               --json OUT

--scaling BIN: the `scaling` bench binary (benches/scaling.rs), run once
  per size and per subject (validator, reader), each in its own process:
  its JSON line (cost per item, allocations, heap growth) plus the
  process's peak resident memory.
--cli BIN: the release `nova-states` command, run as `nova-states trace
  FILE` over FILE = the seed snapshot's polling lines repeated to --lines
  lines, standard output to /dev/null; one warm-up run, then --runs runs,
  each with its wall time, cpu time (user + system) and peak memory.
  Then the same command over a fleet: --fleet-servers servers (ids
  server-00000...) each observed --fleet-observations times, interleaved
  (every server's first observation, then every server's second, ...), as
  JSON Lines of `GET /servers/{id}` bodies, each server walking the seed
  snapshot's states from its own offset; runs as above.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


# GNU time reports the command's own peak: the command is forked from
# `time`, a small process, whereas a child forked from Python starts its
# peak-memory count at Python's size (Linux keeps the pre-exec peak).
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(argv, stdout=subprocess.DEVNULL):
    """(exit status, wall s, cpu s, peak KiB, stdout text or None)."""
    capture = stdout is subprocess.PIPE
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        command = ([GNU_TIME, "-o", report.name, "-f", "%x %U %S %M"] if GNU_TIME else []) + argv
        start = time.monotonic()
        proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=capture)
        out = proc.stdout.read() if capture else None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
        fields = report.read().split() if GNU_TIME else []
        if len(fields) == 4:
            code, cpu, peak = int(fields[0]), float(fields[1]) + float(fields[2]), int(fields[3])
    return code, wall, cpu, peak, out


def scaling(binary, sizes):
    rows = []
    for what in ("validator", "reader"):
        for n in sizes:
            print(f"   scaling: {what} x{n}", file=sys.stderr)
            code, wall, _, peak, out = run([binary, "--bench", what, str(n)],
                                           stdout=subprocess.PIPE)
            line = next((l for l in (out or "").splitlines() if l.startswith("{")), None)
            if code != 0 or line is None:
                print(f"   scaling: {what} x{n} failed (exit {code})", file=sys.stderr)
                continue
            row = json.loads(line)
            row.update(peak_kib=peak, wall_s=wall)
            rows.append(row)
    return rows


def polling_lines(seed):
    """The observation lines of the seed snapshot (no comments, no gaps)."""
    with open(seed, encoding="utf-8") as f:
        return [l for l in f if re.match(r"\d\d:\d\d:\d\d\s", l)]


def cli(binary, seed, lines, runs):
    obs = polling_lines(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.txt")
        with open(path, "w", encoding="utf-8") as f:
            whole, rest = divmod(lines, len(obs))
            f.write("".join(obs) * whole + "".join(obs[:rest]))
        size = os.path.getsize(path)
        print(f"   cli: nova-states trace, {lines} lines ({size / 1e6:.0f} MB)",
              file=sys.stderr)
        result = {"lines": lines, "bytes": size}
        result.update(timed(binary, path, runs))
    return result


def seed_states(seed):
    """The seed snapshot's observations as (status, vm_state, task_state, power)."""
    states = []
    for line in polling_lines(seed):
        fields = dict(re.findall(r"(\w+): (\S+)", line))
        task = fields["task_state"]
        states.append((fields["status"], fields["vm_state"],
                       None if task in ("null", "None") else task, int(fields["power_state"])))
    return states


def fleet_lines(seed, servers, observations):
    """Interleaved JSON Lines: observation k of every server, then k + 1."""
    states = seed_states(seed)
    docs = []
    for server in range(servers):
        docs.append([
            json.dumps({"id": f"server-{server:05d}", "status": status,
                        "OS-EXT-STS:vm_state": vm, "OS-EXT-STS:task_state": task,
                        "OS-EXT-STS:power_state": power}) + "\n"
            for status, vm, task, power in states])
    for k in range(observations):
        for server in range(servers):
            yield docs[server][(k + server) % len(states)]


def timed(binary, path, runs):
    run([binary, "trace", path])  # warm-up: page cache, binary
    samples = []
    for _ in range(runs):
        code, wall, cpu, peak, _ = run([binary, "trace", path])
        samples.append({"exit": code, "wall_s": wall, "cpu_s": cpu, "peak_kib": peak})
    return {
        "runs": samples,
        "median_wall_s": statistics.median(s["wall_s"] for s in samples),
        "median_cpu_s": statistics.median(s["cpu_s"] for s in samples),
        "median_peak_kib": statistics.median(s["peak_kib"] for s in samples),
        "exits": sorted({s["exit"] for s in samples}),
    }


def fleet(binary, seed, servers, observations, runs):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fleet.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(fleet_lines(seed, servers, observations))
        size = os.path.getsize(path)
        print(f"   cli: nova-states trace, a fleet of {servers} servers x {observations} "
              f"observations ({size / 1e6:.0f} MB)", file=sys.stderr)
        result = {"servers": servers, "observations": observations, "bytes": size}
        result.update(timed(binary, path, runs))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scaling")
    parser.add_argument("--sizes", default="1000,100000,10000000")
    parser.add_argument("--cli")
    parser.add_argument("--seed", default="tests/data/seed-snapshot.txt")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fleet-servers", type=int, default=10_000)
    parser.add_argument("--fleet-observations", type=int, default=100)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    result = {}
    if args.scaling:
        result["scaling"] = scaling(args.scaling, [int(s) for s in args.sizes.split(",")])
    if args.cli:
        result["cli"] = cli(args.cli, args.seed, args.lines, args.runs)
        if args.fleet_servers > 0:
            result["fleet"] = fleet(args.cli, args.seed, args.fleet_servers,
                                    args.fleet_observations, args.runs)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
