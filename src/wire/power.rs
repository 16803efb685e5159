//! `OS-EXT-STS:power_state`: what the hypervisor last said.

use super::macros::wire_enum;
use crate::wire::error::Field;
use crate::wire::error::ParseError;

wire_enum! {
    /// What the hypervisor last reported (`OS-EXT-STS:power_state`), with
    /// Nova's integer codes as discriminants.
    ///
    /// `InstancePowerState.ALL` (nova/objects/fields.py:1111-1130 @
    /// 00a030403f67) is indexed by code: 0 `pending` (Nova's NOSTATE),
    /// 1 `running`, 3 `paused`, 4 `shutdown`, 6 `crashed`, 7 `suspended`;
    /// 2 and 5 are `_UNUSED` slots and are refused ([`ParseError::UnusedPowerCode`]).
    /// The API sends the code as a JSON integer, or `null` (the field is
    /// nullable, nova/objects/instance.py:144), so the field is
    /// `Option<PowerState>`. The names are those of fields.py; the labels
    /// `openstack server show` prints in its table view are aliases.
    ///
    /// ```
    /// use nova_states::{PowerState, ParseError};
    /// assert_eq!(PowerState::from_code(4), Ok(PowerState::Shutdown));
    /// assert_eq!(PowerState::Shutdown.code(), 4);
    /// assert_eq!(PowerState::from_code(5), Err(ParseError::UnusedPowerCode { code: 5 }));
    /// assert_eq!("4".parse::<PowerState>(), Ok(PowerState::Shutdown));
    /// assert_eq!("Shutdown".parse::<PowerState>(), Ok(PowerState::Shutdown));
    /// assert_eq!(PowerState::NoState.to_string(), "pending");
    /// ```
    pub enum PowerState for PowerState, case_insensitive = false, from_str = parse_code_or_name {
        /// 0, `pending` in fields.py; Nova's NOSTATE (nova/compute/power_state.py:30).
        NoState = 0, "pending";
        /// 1, `running`.
        Running = 1, "running";
        /// 3, `paused`.
        Paused = 3, "paused";
        /// 4, `shutdown`.
        Shutdown = 4, "shutdown";
        /// 6, `crashed`.
        Crashed = 6, "crashed";
        /// 7, `suspended`.
        Suspended = 7, "suspended";
    }
    aliases {
        "NOSTATE" => NoState, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
        "Running" => Running, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
        "Paused" => Paused, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
        "Shutdown" => Shutdown, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
        "Crashed" => Crashed, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
        "Suspended" => Suspended, "python-openstackclient PowerStateColumn (openstackclient/compute/v2/server.py)";
    }
}

impl PowerState {
    /// Nova's integer code.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::PowerState;
    ///
    /// assert_eq!(PowerState::Crashed.code(), 6);
    /// for power in PowerState::ALL {
    ///     assert_eq!(PowerState::from_code(power.code().into()), Ok(power));
    /// }
    /// ```
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The state for one of Nova's integer codes.
    ///
    /// # Errors
    /// [`ParseError::UnusedPowerCode`] for 2 and 5,
    /// [`ParseError::PowerCodeOutOfRange`] for anything outside 0..=7.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{ParseError, PowerState};
    ///
    /// assert_eq!(PowerState::from_code(1), Ok(PowerState::Running));
    /// assert_eq!(PowerState::from_code(2), Err(ParseError::UnusedPowerCode { code: 2 }));
    /// assert_eq!(PowerState::from_code(-1), Err(ParseError::PowerCodeOutOfRange { code: -1 }));
    /// ```
    #[inline]
    pub const fn from_code(code: i128) -> Result<PowerState, ParseError> {
        match code {
            0 => Ok(PowerState::NoState),
            1 => Ok(PowerState::Running),
            3 => Ok(PowerState::Paused),
            4 => Ok(PowerState::Shutdown),
            6 => Ok(PowerState::Crashed),
            7 => Ok(PowerState::Suspended),
            2 => Err(ParseError::UnusedPowerCode { code: 2 }),
            5 => Err(ParseError::UnusedPowerCode { code: 5 }),
            _ => Err(ParseError::PowerCodeOutOfRange { code }),
        }
    }

    /// Parses a decimal code (`"4"`), a fields.py name (`"shutdown"`) or an
    /// alias (`"Shutdown"`). This is what `FromStr` does.
    ///
    /// # Errors
    /// As [`PowerState::from_code`] for a number, [`ParseError::Unknown`] otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use nova_states::{Field, ParseError, PowerState};
    ///
    /// assert_eq!(PowerState::parse_code_or_name("6"), Ok(PowerState::Crashed));
    /// assert_eq!(PowerState::parse_code_or_name("crashed"), Ok(PowerState::Crashed));
    /// assert_eq!(PowerState::parse_code_or_name("Crashed"), Ok(PowerState::Crashed)); // an alias
    /// assert_eq!(
    ///     PowerState::parse_code_or_name("5"),
    ///     Err(ParseError::UnusedPowerCode { code: 5 })
    /// );
    /// let err = PowerState::parse_code_or_name("crash").unwrap_err();
    /// assert_eq!(err.field(), Field::PowerState);
    /// ```
    // Always: the success path is small, and a call would hand the caller
    // the 80-byte Result through memory (see wire_enum!'s parse).
    #[inline(always)]
    pub fn parse_code_or_name(text: &str) -> Result<PowerState, ParseError> {
        // The two common forms inline: a fields.py name, a one-digit code.
        if let Some(state) = PowerState::from_wire(text) {
            return Ok(state);
        }
        if let [digit @ b'0'..=b'9'] = text.as_bytes() {
            return PowerState::from_code(i128::from(digit - b'0'));
        }
        PowerState::parse_other_code_or_name(text)
    }

    /// [`PowerState::parse_code_or_name`] for anything but a name or a
    /// one-digit code: longer numbers, aliases, errors.
    #[cold]
    #[inline(never)]
    fn parse_other_code_or_name(text: &str) -> Result<PowerState, ParseError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return match text.parse::<i128>() {
                Ok(code) => PowerState::from_code(code),
                // More digits than i128 holds: out of range all the same.
                Err(_) => Err(ParseError::PowerCodeOutOfRange {
                    code: if text.starts_with('-') {
                        i128::MIN
                    } else {
                        i128::MAX
                    },
                }),
            };
        }
        PowerState::parse(text).map_err(|_| ParseError::unknown(Field::PowerState, text))
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for PowerState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> serde::Deserialize<'de> for PowerState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PowerState;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a Nova power_state code (0, 1, 3, 4, 6 or 7) or its name")
            }
            #[inline]
            fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<PowerState, E> {
                PowerState::from_code(i128::from(code)).map_err(E::custom)
            }
            #[inline]
            fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<PowerState, E> {
                PowerState::from_code(i128::from(code)).map_err(E::custom)
            }
            #[inline]
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<PowerState, E> {
                PowerState::parse_code_or_name(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
