//! The simulator's randomness: SplitMix64, the same numbers on every
//! platform for the same seed.

/// The splitmix64 generator (Steele, Lea, Flood 2014): 64 bits of state,
/// the same numbers on every platform.
///
/// # Examples
///
/// ```
/// use nova_states::harness::sim::SplitMix64;
///
/// let mut a = SplitMix64::new(1);
/// let mut b = SplitMix64::new(1);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::SplitMix64;
    /// assert_eq!(SplitMix64::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    /// ```
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::SplitMix64;
    /// let mut r = SplitMix64::new(0);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::SplitMix64;
    /// let mut r = SplitMix64::new(3);
    /// assert!((0..1000).all(|_| r.below(6) < 6));
    /// assert_eq!(r.below(0), 0);
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `per_million` / 1 000 000.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::harness::sim::SplitMix64;
    /// let mut r = SplitMix64::new(3);
    /// assert!(!r.chance(0));
    /// assert!(r.chance(1_000_000));
    /// ```
    pub fn chance(&mut self, per_million: u32) -> bool {
        self.below(1_000_000) < u64::from(per_million)
    }
}
