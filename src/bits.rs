//! Bitmaps over `[u64]` words: the one place the word/bit arithmetic of
//! the crate's dense sets (reachability rows, visited sets, state sets) is
//! written.

/// Whether bit `index` is set (`false` past the end).
pub(crate) fn get(words: &[u64], index: usize) -> bool {
    words
        .get(index / 64)
        .is_some_and(|w| w & (1 << (index % 64)) != 0)
}

/// Sets bit `index`; returns whether it was clear before (`false` past the
/// end, where nothing is set).
pub(crate) fn set(words: &mut [u64], index: usize) -> bool {
    match words.get_mut(index / 64) {
        Some(word) => {
            let new = *word & (1 << (index % 64)) == 0;
            *word |= 1 << (index % 64);
            new
        }
        None => false,
    }
}

/// How many bits are set.
pub(crate) fn count(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}
