//! Timing a thing against its floor in alternation, and writing a result
//! for `benches/report.py`, shared by the benches (each includes this file
//! with `#[path]`).

#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// What `thing` costs against `floor`, timed in alternation: a batch of
/// one, then a batch of the other, fifteen times over, so a change of load
/// on a shared machine hits both sides. Each batch runs for about 20 ms.
/// Prints and returns the median of the fifteen ratios.
pub fn alternate(
    name: &str,
    mut thing: impl FnMut() -> usize,
    mut floor: impl FnMut() -> usize,
) -> f64 {
    let mut batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(thing());
        }
        if start.elapsed() > Duration::from_millis(20) || batch > 1 << 30 {
            break;
        }
        batch *= 2;
    }
    let time = |f: &mut dyn FnMut() -> usize| {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..15)
        .map(|_| time(&mut thing) / time(&mut floor))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!("{name}: {median:.2}x its floor (median of 15, in alternation)");
    median
}

/// Writes `json` as `file` into `$CRITERION_HOME` (where
/// `benches/compare.sh` collects the ratios), when that is set.
pub fn write_result(file: &str, json: &str) {
    let Some(dir) = std::env::var_os("CRITERION_HOME") else {
        return;
    };
    let path = std::path::Path::new(&dir).join(file);
    if let Err(err) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json)) {
        eprintln!("cannot write {}: {err}", path.display());
    }
}
