//! The compute API microversion a request is sent with
//! (`OpenStack-API-Version: compute X.Y`).

use core::fmt;

/// A compute API microversion, `major.minor` (Nova serves 2.1 to 2.104 at
/// the pinned commit: `_MIN_API_VERSION`, `_MAX_API_VERSION`,
/// nova/api/openstack/api_version_request.py:299-300).
///
/// Ordered as Nova compares them (major, then minor).
///
/// ```
/// use nova_states::Microversion;
/// let v: Microversion = "2.20".parse()?;
/// assert_eq!(v, Microversion::new(2, 20));
/// assert!(v < Microversion::new(2, 100));
/// assert_eq!(v.to_string(), "2.20");
/// assert_eq!("latest".parse::<Microversion>()?, Microversion::LATEST);
/// # Ok::<(), nova_states::MicroversionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Microversion {
    /// The major version (2).
    pub major: u16,
    /// The minor version.
    pub minor: u16,
}

/// Why a microversion was not read.
///
/// ```
/// use nova_states::{Microversion, MicroversionError};
/// assert_eq!("2".parse::<Microversion>(), Err(MicroversionError::Malformed));
/// assert_eq!(
///     "2.105".parse::<Microversion>(),
///     Err(MicroversionError::Unsupported(Microversion::new(2, 105)))
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MicroversionError {
    /// Not `X.Y` with decimal numbers (nor `latest`).
    #[error("a microversion is X.Y (such as 2.95) or latest")]
    Malformed,
    /// Outside what the pinned Nova serves (2.1 to 2.104); Nova answers
    /// 406 for it.
    #[error("microversion {0} is outside 2.1-2.104, what this Nova serves")]
    Unsupported(Microversion),
}

impl Microversion {
    /// The oldest microversion, 2.1
    /// (nova/api/openstack/api_version_request.py:299).
    pub const MIN: Microversion = Microversion::new(2, 1);
    /// The newest microversion at the pinned commit, 2.104
    /// (nova/api/openstack/api_version_request.py:300); what a request
    /// without one is answered for here.
    pub const LATEST: Microversion = Microversion::new(2, 104);

    /// A microversion from its two numbers.
    ///
    /// ```
    /// use nova_states::Microversion;
    /// assert_eq!(Microversion::new(2, 95).minor, 95);
    /// ```
    pub const fn new(major: u16, minor: u16) -> Microversion {
        Microversion { major, minor }
    }

    /// Whether a request at this microversion is at least `other` (Nova's
    /// `api_version_request.is_supported(req, other)`).
    ///
    /// ```
    /// use nova_states::Microversion;
    /// assert!(Microversion::new(2, 20).at_least(Microversion::new(2, 20)));
    /// assert!(!Microversion::new(2, 19).at_least(Microversion::new(2, 20)));
    /// ```
    pub const fn at_least(self, other: Microversion) -> bool {
        self.major > other.major || (self.major == other.major && self.minor >= other.minor)
    }

    /// Parses `X.Y` or `latest`.
    ///
    /// # Errors
    /// [`MicroversionError`]: malformed, or outside 2.1-2.104.
    ///
    /// ```
    /// use nova_states::Microversion;
    /// assert_eq!(Microversion::parse("2.1"), Ok(Microversion::MIN));
    /// assert!(Microversion::parse("2.x").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Microversion, MicroversionError> {
        if text == "latest" {
            return Ok(Microversion::LATEST);
        }
        let (major, minor) = text.split_once('.').ok_or(MicroversionError::Malformed)?;
        let number = |part: &str| -> Result<u16, MicroversionError> {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MicroversionError::Malformed);
            }
            part.parse::<u16>()
                .map_err(|_| MicroversionError::Malformed)
        };
        let version = Microversion::new(number(major)?, number(minor)?);
        if version < Microversion::MIN || version > Microversion::LATEST {
            return Err(MicroversionError::Unsupported(version));
        }
        Ok(version)
    }
}

impl Default for Microversion {
    fn default() -> Self {
        Microversion::LATEST
    }
}

impl fmt::Display for Microversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl core::str::FromStr for Microversion {
    type Err = MicroversionError;
    fn from_str(text: &str) -> Result<Self, MicroversionError> {
        Microversion::parse(text)
    }
}
