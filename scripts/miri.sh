#!/usr/bin/env bash
# Runs the test suite under miri (undefined-behaviour checker) on nightly.
#
#   scripts/miri.sh                       the verification tests (about 7 min)
#   scripts/miri.sh [cargo test args...]  e.g. scripts/miri.sh --test integration wire::
#
# Installs the miri component (rustup +nightly component add miri) and runs
# `cargo +nightly miri test --all-features`. Isolation is disabled because
# some tests read files (golden tables, fuzz seeds, tests/data/corpus). In
# the verification tests (the integration tests' bad_inputs, fuzz_replay
# and relation modules, the property tests, and the accessor tests written
# for mutants, now in their subjects' modules) the exhaustive and property
# tests are #[cfg_attr(miri, ignore)]: under miri they would take hours
# (they run in full under `cargo test`). With no arguments only those run,
# picked by name from the integration binary, plus the whole proptest
# binary; the other integration tests may walk the whole state space (e.g.
# reachable_from_build) and take hours under miri.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup +nightly component add miri rust-src
cargo +nightly miri setup
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"
start=$(date +%s)
if [ "$#" -eq 0 ]; then
    cargo +nightly miri test --all-features --test integration -- \
        bad_inputs:: fuzz_replay:: relation:: \
        actions::task_filter_len_and_emptiness \
        actions::action_set_algebra \
        actions::rejection_lists_every_allowed_state \
        documents::document_keys_are_the_api_keys \
        documents::a_non_string_key_names_what_was_expected \
        wire::found_reports_empty_input_and_debugs_as_it_displays \
        projection::status_table_agrees_with_the_projection \
        trace::validator_numbers_steps_and_remembers_the_start \
        trace::validator_start_of_an_operation_seen_after_another \
        trace::reset_state_targets_are_reachable_without_reset \
        trace::continues_is_a_walk_of_the_actions_own_writes \
        trace::a_new_operation_is_the_one_the_previous_state_could_start \
        trace::capture_tracker_ignores_operations_without_a_capture
    cargo +nightly miri test --all-features --test proptest
else
    cargo +nightly miri test --all-features "$@"
fi
echo "== miri: passed in $(( $(date +%s) - start ))s"
