#!/usr/bin/env bash
# Runs each cargo-fuzz target for N seconds (default 60) on nightly.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: events parse trace readers fake (default: all)
#
# Installs cargo-fuzz (cargo install --locked) if it is missing. Each run
# starts from the committed seeds (fuzz/seeds/<target>/) plus the local
# corpus (fuzz/corpus/<target>/, ignored by git). A crash is saved in
# fuzz/artifacts/<target>/: reproduce it with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-...
# then copy it into fuzz/seeds/<target>/ under a name that says what broke,
# add a named regression test (tests/integration/bad_inputs.rs or
# tests/integration/relation.rs) and fix the bug; the integration tests'
# fuzz_replay module (tests/integration/fuzz_replay.rs) replays every seed
# on stable.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(events parse trace readers fake)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi
cargo +nightly --version
cargo fuzz --version

for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    echo "== fuzz $target for ${seconds}s"
    start=$(date +%s)
    # -timeout: a single input taking over 10 s is a hang, reported as a crash.
    cargo +nightly fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1
    echo "== $target: no crash in $(( $(date +%s) - start ))s (corpus: $(ls "fuzz/corpus/$target" | wc -l) inputs)"
done
