//! The one place wire names are spelled: a macro that declares a state enum
//! together with its names and aliases, and derives every conversion from
//! them so that `as_str`, `Display`, `FromStr` and serde cannot disagree.

/// Declares a fieldless wire-name enum.
///
/// Each variant is written `Variant = discriminant, "wire-name";`. Aliases
/// follow in their own block as `"spelling" => Variant, "where seen";`.
/// `case_insensitive` makes parsing ignore ASCII case (Nova lower-cases
/// statuses before comparing them in its list filter). `from_str` names the
/// associated function `FromStr` and `TryFrom<&str>` call (`parse` unless the
/// type accepts more, as power codes do).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $Name:ident for $field:ident, case_insensitive = $ci:literal, from_str = $from_str:ident {
            $(
                $(#[$vmeta:meta])*
                $Var:ident = $disc:literal, $wire:literal;
            )*
        }
        aliases {
            $( $alias:literal => $AVar:ident, $seen:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum $Name {
            $( $(#[$vmeta])* $Var = $disc, )*
        }

        impl $Name {
            /// How many values there are.
            pub const COUNT: usize = {
                let names: &[&str] = &[ $( $wire, )* ];
                names.len()
            };

            /// Every value, in Nova's declaration order.
            pub const ALL: [Self; Self::COUNT] = [ $( Self::$Var, )* ];

            /// Every wire name, in the order of [`Self::ALL`].
            pub const NAMES: [&'static str; Self::COUNT] = [ $( $wire, )* ];

            /// Spellings accepted by [`Self::parse`] besides the wire names,
            /// each with where it was seen. Never produced on output.
            pub const ALIASES: &'static [$crate::wire::Alias<Self>] = &[
                $( $crate::wire::Alias { spelling: $alias, value: Self::$AVar, seen_in: $seen }, )*
            ];

            /// Position in [`Self::ALL`]: a dense index in `0..COUNT` (not
            /// the discriminant, which for power states is Nova's code).
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::", stringify!($Name), " as T;")]
            ///
            /// for (i, value) in T::ALL.into_iter().enumerate() {
            ///     assert_eq!(value.index(), i);
            /// }
            /// ```
            pub const fn index(self) -> usize {
                // Where every discriminant is its position (all but power
                // states), the index is the discriminant: one cast, no
                // comparisons (`SEQUENTIAL` is decided at compile time).
                if Self::SEQUENTIAL {
                    return self as usize;
                }
                let mut position = 0;
                $(
                    if matches!(self, Self::$Var) {
                        return position;
                    }
                    position += 1;
                )*
                position
            }

            /// Whether each discriminant equals the value's position in
            /// [`Self::ALL`] (evaluated at compile time).
            const SEQUENTIAL: bool = {
                let mut position: usize = 0;
                let mut sequential = true;
                $(
                    sequential = sequential && Self::$Var as usize == position;
                    position += 1;
                )*
                sequential && position == Self::COUNT
            };

            /// The wire name, exactly as Nova writes it.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::", stringify!($Name), " as T;")]
            ///
            /// for value in T::ALL {
            ///     assert_eq!(value.to_string(), value.as_str());
            ///     assert_eq!(T::from_wire(value.as_str()), Some(value));
            /// }
            /// // Aliases are read, never written.
            /// for alias in T::ALIASES {
            ///     assert_ne!(alias.value.as_str(), alias.spelling);
            /// }
            /// ```
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$Var => $wire, )*
                }
            }

            /// The value whose wire name is exactly `name` (no alias, case
            /// as Nova writes it). This is what Nova's own dictionaries match.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::", stringify!($Name), " as T;")]
            ///
            /// let first = T::ALL[0];
            /// assert_eq!(T::from_wire(first.as_str()), Some(first));
            /// assert_eq!(T::from_wire("no such name"), None);
            /// // Aliases are not wire names.
            /// for alias in T::ALIASES {
            ///     assert_eq!(T::from_wire(alias.spelling), None);
            /// }
            /// ```
            /// The `match` compiles to a jump on the length and then a
            /// comparison with the few names of that length (constants
            /// folded into the instructions): inline, it costs about as
            /// much as a bare `match` on the length and one byte.
            #[inline(always)]
            pub fn from_wire(name: &str) -> Option<Self> {
                match name {
                    $( $wire => Some(Self::$Var), )*
                    _ => None,
                }
            }

            /// Parses a wire name or an alias.
            ///
            /// # Errors
            /// [`ParseError::Unknown`](crate::ParseError::Unknown), naming the
            /// field, what was found and the accepted names.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use nova_states::", stringify!($Name), " as T;")]
            /// use nova_states::Field;
            ///
            /// for value in T::ALL {
            ///     assert_eq!(T::parse(value.as_str()), Ok(value));
            /// }
            /// for alias in T::ALIASES {
            ///     assert_eq!(T::parse(alias.spelling), Ok(alias.value));
            /// }
            /// let err = T::parse("no such name").unwrap_err();
            #[doc = concat!("assert_eq!(err.field(), Field::", stringify!($field), ");")]
            /// ```
            #[inline(always)]
            pub fn parse(text: &str) -> Result<Self, $crate::wire::error::ParseError> {
                // The exact wire name is the common case and is inlined into
                // the caller; everything else (case folding, aliases, the
                // error with its copy of the text) is out of line, so the
                // caller's fast path never touches the error's bytes.
                match Self::from_wire(text) {
                    Some(value) => Ok(value),
                    None => Self::parse_other(text),
                }
            }

            /// [`Self::parse`] once the exact wire names did not match.
            #[cold]
            #[inline(never)]
            fn parse_other(text: &str) -> Result<Self, $crate::wire::error::ParseError> {
                let same = |a: &str, b: &str| if $ci { a.eq_ignore_ascii_case(b) } else { a == b };
                if $ci {
                    for value in Self::ALL {
                        if same(value.as_str(), text) {
                            return Ok(value);
                        }
                    }
                }
                for alias in Self::ALIASES {
                    if same(alias.spelling, text) {
                        return Ok(alias.value);
                    }
                }
                Err($crate::wire::error::ParseError::unknown($crate::wire::error::Field::$field, text))
            }
        }

        impl core::fmt::Display for $Name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl core::str::FromStr for $Name {
            type Err = $crate::wire::error::ParseError;
            #[inline(always)]
            fn from_str(text: &str) -> Result<Self, $crate::wire::error::ParseError> {
                Self::$from_str(text)
            }
        }

        impl TryFrom<&str> for $Name {
            type Error = $crate::wire::error::ParseError;
            #[inline(always)]
            fn try_from(text: &str) -> Result<Self, $crate::wire::error::ParseError> {
                Self::$from_str(text)
            }
        }

        impl From<$Name> for &'static str {
            fn from(value: $Name) -> Self {
                value.as_str()
            }
        }

        impl PartialEq<str> for $Name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $Name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

/// Serde support through the wire name (serialize) and [`parse`] (deserialize).
#[cfg(feature = "serde")]
macro_rules! serde_by_name {
    ($Name:ident, $expecting:literal) => {
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl serde::Serialize for $Name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de> serde::Deserialize<'de> for $Name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $Name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str($expecting)
                    }
                    #[inline]
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$Name, E> {
                        $Name::parse(text).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

#[cfg(not(feature = "serde"))]
macro_rules! serde_by_name {
    ($Name:ident, $expecting:literal) => {};
}

pub(crate) use serde_by_name;
pub(crate) use wire_enum;
