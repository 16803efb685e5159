//! The `readers` fuzz body over its committed seeds (fuzz/seeds/readers/),
//! on stable, and named regressions.

mod support {
    pub mod readers;
}

use support::readers::readers;

#[test]
fn every_readers_seed_keeps_the_properties() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/readers");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        readers(&std::fs::read(&path).unwrap());
        count += 1;
    }
    assert!(count >= 10, "only {count} seeds in {}", dir.display());
}

#[test]
fn readers_agree_on_the_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            readers(&std::fs::read(&path).unwrap());
        }
    }
}

/// Nova's notification samples (tests/data/notifications): explain and
/// trace read them the same way.
#[test]
fn readers_agree_on_the_notifications() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/notifications");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read(&path).unwrap();
            readers(&text);
            // And each line alone.
            for line in text.split(|b| *b == b'\n') {
                readers(line);
            }
            count += 1;
        }
    }
    assert!(count >= 6, "{count}");
}
