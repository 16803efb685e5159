//! Replays the committed seeds of the `trace` fuzz target on stable: the
//! validator's answer must agree with a brute-force reachability check.

use crate::support::fuzz_trace;

#[test]
#[cfg_attr(miri, ignore)]
fn trace_seeds_agree_with_brute_force_reachability() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/trace");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        fuzz_trace::trace(&data);
        count += 1;
    }
    assert!(count >= 9, "{count} seeds");
    // Every pair, one after another, both ways: a dense check of the table.
    let mut all = Vec::new();
    for i in 0..nova_states::Pair::COUNT {
        all.extend_from_slice(&[(i >> 8) as u8, i as u8]);
    }
    fuzz_trace::trace(&all);
    all.reverse();
    fuzz_trace::trace(&all);
}
