#!/usr/bin/env bash
# Every benchmark beside its baselines, in one table.
#
#   benches/compare.sh                 print the table (Markdown)
#   benches/compare.sh --doc           and write it into docs/performance.md
#   benches/compare.sh -- ARGS...      extra criterion arguments, e.g.
#                                      -- --measurement-time 5 --sample-size 50
#
# Runs the criterion benches (benches/nova.rs, benches/validator.rs: the
# crate, the bare-index floors, the openstack crate, serde_json) with short
# settings, then Nova's algorithm in CPython (benches/nova_baseline.py), and
# prints each operation's median time per operation and its ratio to each
# baseline (benches/report.py). About a minute and a half on two cores once
# built. Criterion's results go to a temporary directory, removed at the end,
# so every table comes from one run. Honors CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

doc=()
criterion_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --doc) doc=(--doc docs/performance.md) ;;
        --) shift; criterion_args=("$@"); break ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export CRITERION_HOME="$out/criterion"

echo "== cargo bench: nova, validator (criterion, short runs)" >&2
cargo bench --bench nova --bench validator -- --noplot ${criterion_args[@]+"${criterion_args[@]}"} >&2

echo "== CPython: Nova's algorithm (benches/nova_baseline.py)" >&2
python3 benches/nova_baseline.py --json "$out/python.json" >&2

echo "== report" >&2
python3 benches/report.py "$CRITERION_HOME" "$out/python.json" ${doc[@]+"${doc[@]}"}
