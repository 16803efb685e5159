#!/usr/bin/env bash
# Runs the test suite under miri (undefined-behaviour checker) on nightly.
#
#   scripts/miri.sh                       the verification tests (about 7 min)
#   scripts/miri.sh [cargo test args...]  e.g. scripts/miri.sh --test names
#
# Installs the miri component (rustup +nightly component add miri) and runs
# `cargo +nightly miri test --all-features`. Isolation is disabled because
# some tests read files (golden tables, fuzz seeds, ../shared/corpus). In
# the verification tests (bad_inputs, fuzz_replay, invariants, proptest_*)
# the exhaustive and property tests are #[cfg_attr(miri, ignore)]: under
# miri they would take hours (they run in full under `cargo test`). With no
# arguments only those six test targets run; other targets may walk the
# whole state space (e.g. reachable_from_build) and take hours under miri.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup +nightly component add miri rust-src
cargo +nightly miri setup
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"
start=$(date +%s)
if [ "$#" -eq 0 ]; then
    set -- --test bad_inputs --test fuzz_replay --test invariants \
        --test proptest_parse --test proptest_relation --test surface
fi
cargo +nightly miri test --all-features "$@"
echo "== miri: passed in $(( $(date +%s) - start ))s"
