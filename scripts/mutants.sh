#!/usr/bin/env bash
# Mutation testing of src/ with cargo-mutants (not in CI: a full run takes
# hours; see docs/testing.md for the measured time per mutant).
#
#   scripts/mutants.sh                              every mutant of src/
#   scripts/mutants.sh --file src/rules/projection.rs         one file (any cargo-mutants args)
#   scripts/mutants.sh --list --file src/rules/projection.rs  just list the mutants
#
# Installs cargo-mutants (cargo install --locked) if it is missing. The
# script makes its own copy of this working tree in $MUTANTS_WORK (default: a
# temp dir) and mutates that copy in place, one mutant at a time (--in-place
# implies one job), so the checkout itself is never touched and a reused
# copy keeps its build. Only the library package is mutated. Results land in mutants.out/
# here (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "== installing cargo-mutants"
    cargo install --locked cargo-mutants
fi
cargo mutants --version

work="${MUTANTS_WORK:-$(mktemp -d -t nova-states-mutants.XXXXXX)}"
mkdir -p "$work/main"
# The working tree as it is (tracked and new files), without build output.
# -m stamps the files now: with their old times, a reused $MUTANTS_WORK's
# build (last touched by the final mutant) would look fresh to cargo.
git ls-files --cached --others --exclude-standard -z |
    tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null |
    tar -xmf - -C "$work/main"
echo "== mutating a copy in $work/main"

start=$(date +%s)
status=0
(
    cd "$work/main"
    cargo mutants --in-place --package nova-states --all-features --profile mutants \
        "$@" --output "$work"
) || status=$?
rm -rf "$repo/mutants.out"
cp -r "$work/mutants.out" "$repo/mutants.out" 2>/dev/null || true
echo "== cargo-mutants exited $status after $(( $(date +%s) - start ))s; results in mutants.out/"
# 0: all caught; 2: some missed; 3: some timed out (cargo-mutants' codes).
exit "$status"
