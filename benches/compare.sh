#!/usr/bin/env bash
# Every benchmark beside its baselines, in one table.
#
#   benches/compare.sh                 print the table (Markdown)
#   benches/compare.sh --doc           and write it into docs/performance.md
#   benches/compare.sh -- ARGS...      extra criterion arguments, e.g.
#                                      -- --measurement-time 5 --sample-size 50
#
# Runs the criterion benches (benches/nova.rs, benches/validator.rs: the
# crate, its floors timed beside it and in alternation, the openstack crate,
# serde_json, phf) with short settings; the scaling runs (benches/scaling.rs
# at 10^3, 10^5 and 10^7 items, one process each) and the release command
# over a million polling lines (benches/process.py); Nova's algorithm in
# CPython (benches/nova_baseline.py). Then prints one table with every goal,
# met or not, and each operation's median time per operation with its ratio
# to each baseline (benches/report.py). About five minutes on two cores once
# built. Results go to a temporary directory, removed at the end, so every
# table comes from one run. Honors CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

doc=()
criterion_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --doc) doc=(--doc docs/performance.md) ;;
        --) shift; criterion_args=("$@"); break ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export CRITERION_HOME="$out/criterion"

echo "== cargo bench: nova, validator, waiter (criterion, short runs)" >&2
cargo bench --bench nova --bench validator --bench waiter -- --noplot ${criterion_args[@]+"${criterion_args[@]}"} >&2

echo "== scaling and the command, whole processes (benches/process.py)" >&2
cargo build --release -p nova-states-cli >&2
target="${CARGO_TARGET_DIR:-target}"
scaling="$(cargo bench --bench scaling --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "scaling" and m.get("executable"):
        print(m["executable"])')"
python3 benches/process.py --scaling "$scaling" --cli "$target/release/nova-states" \
    --json "$out/process.json" >&2

echo "== CPython: Nova's algorithm (benches/nova_baseline.py)" >&2
python3 benches/nova_baseline.py --json "$out/python.json" >&2

echo "== report" >&2
python3 benches/report.py "$CRITERION_HOME" "$out/python.json" "$out/process.json" \
    ${doc[@]+"${doc[@]}"}
