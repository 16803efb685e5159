//! Every wire name both ways, every alias, and the errors for unknown input.

use nova_states::{Field, ParseError, PowerState, ServerStatus, TaskState, VmState};
use std::str::FromStr;

/// Round-trips every value of a wire-name type through as_str, Display,
/// FromStr, TryFrom and serde, and checks names are unique.
fn round_trip<T>(all: &[T], names: &[&str], as_str: fn(T) -> &'static str)
where
    T: Copy
        + PartialEq
        + std::fmt::Debug
        + std::fmt::Display
        + FromStr<Err = ParseError>
        + for<'a> TryFrom<&'a str, Error = ParseError>
        + serde::Serialize
        + serde::de::DeserializeOwned,
{
    assert_eq!(all.len(), names.len());
    for (value, name) in all.iter().zip(names) {
        assert_eq!(as_str(*value), *name);
        assert_eq!(value.to_string(), *name);
        assert_eq!(name.parse::<T>(), Ok(*value), "{name}");
        assert_eq!(T::try_from(name), Ok(*value));
        let json = serde_json::to_string(value).unwrap();
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *value);
    }
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate wire names");
}

#[test]
fn vm_states_are_novas_twelve_in_order() {
    assert_eq!(
        VmState::NAMES,
        [
            "active",
            "building",
            "paused",
            "suspended",
            "stopped",
            "rescued",
            "resized",
            "soft-delete",
            "deleted",
            "error",
            "shelved",
            "shelved_offloaded"
        ]
    );
    round_trip(&VmState::ALL, &VmState::NAMES, VmState::as_str);
}

#[test]
fn task_states_are_novas_forty_two_with_three_hyphens() {
    assert_eq!(TaskState::COUNT, 42);
    let hyphenated: Vec<_> = TaskState::NAMES
        .iter()
        .filter(|n| n.contains('-'))
        .collect();
    assert_eq!(
        hyphenated,
        [&"powering-off", &"powering-on", &"soft-deleting"]
    );
    assert_eq!(TaskState::ALL.first(), Some(&TaskState::Scheduling));
    assert_eq!(TaskState::ALL.last(), Some(&TaskState::Unshelving));
    round_trip(&TaskState::ALL, &TaskState::NAMES, TaskState::as_str);
}

#[test]
fn statuses_are_twenty_upper_case_and_parse_ignoring_case() {
    assert_eq!(ServerStatus::COUNT, 20);
    round_trip(
        &ServerStatus::ALL,
        &ServerStatus::NAMES,
        ServerStatus::as_str,
    );
    for status in ServerStatus::ALL {
        let lower = status.as_str().to_ascii_lowercase();
        assert_eq!(lower.parse::<ServerStatus>(), Ok(status));
        let mixed: String = lower
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        assert_eq!(mixed.parse::<ServerStatus>(), Ok(status));
        let json = format!("\"{lower}\"");
        assert_eq!(serde_json::from_str::<ServerStatus>(&json).unwrap(), status);
    }
}

#[test]
fn vm_and_task_names_are_case_sensitive() {
    // Nova compares them as exact strings; ACTIVE is a status, not a vm_state.
    assert!("ACTIVE".parse::<VmState>().is_err());
    assert!("Powering-Off".parse::<TaskState>().is_err());
}

#[test]
fn power_states_keep_novas_codes() {
    let codes: Vec<u8> = PowerState::ALL.iter().map(|p| p.code()).collect();
    assert_eq!(codes, [0, 1, 3, 4, 6, 7]);
    assert_eq!(
        PowerState::NAMES,
        [
            "pending",
            "running",
            "paused",
            "shutdown",
            "crashed",
            "suspended"
        ]
    );
    for power in PowerState::ALL {
        assert_eq!(PowerState::from_code(power.code().into()), Ok(power));
        assert_eq!(power.code().to_string().parse::<PowerState>(), Ok(power));
        assert_eq!(power.as_str().parse::<PowerState>(), Ok(power));
        assert_eq!(power.to_string(), power.as_str());
        // serde: the wire form is the integer code.
        let json = serde_json::to_string(&power).unwrap();
        assert_eq!(json, power.code().to_string());
        assert_eq!(serde_json::from_str::<PowerState>(&json).unwrap(), power);
        assert_eq!(
            serde_json::from_str::<Option<PowerState>>("null").unwrap(),
            None
        );
    }
}

#[test]
fn unused_and_out_of_range_power_codes_are_refused() {
    for code in [2, 5] {
        assert_eq!(
            PowerState::from_code(code),
            Err(ParseError::UnusedPowerCode { code: code as u8 })
        );
    }
    for code in [-1, 8, 9, 255, 256, i64::MAX.into(), i128::MIN] {
        assert_eq!(
            PowerState::from_code(code),
            Err(ParseError::PowerCodeOutOfRange { code })
        );
    }
    assert_eq!(
        "99999999999999999999999999999999999999999".parse::<PowerState>(),
        Err(ParseError::PowerCodeOutOfRange { code: i128::MAX })
    );
    let err = serde_json::from_str::<PowerState>("5")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("power_state code 5 is an unused slot"),
        "{err}"
    );
    let err = serde_json::from_str::<PowerState>("-3")
        .unwrap_err()
        .to_string();
    assert!(err.contains("power_state code -3 is out of range"), "{err}");
    assert!(serde_json::from_str::<PowerState>("1.0").is_err());
    assert!(serde_json::from_str::<PowerState>("true").is_err());
}

#[test]
fn every_alias_parses_to_its_value_and_is_never_printed() {
    fn check<T>(aliases: &[nova_states::wire::Alias<T>], names: &[&str])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + FromStr<Err = ParseError>,
    {
        for alias in aliases {
            assert_eq!(
                alias.spelling.parse::<T>(),
                Ok(alias.value),
                "{}",
                alias.spelling
            );
            assert_ne!(alias.value.to_string(), alias.spelling);
            assert!(!names.contains(&alias.spelling), "alias shadows a name");
            assert!(!alias.seen_in.is_empty());
        }
    }
    check(VmState::ALIASES, &VmState::NAMES);
    check(TaskState::ALIASES, &TaskState::NAMES);
    check(PowerState::ALIASES, &PowerState::NAMES);
    check(ServerStatus::ALIASES, &ServerStatus::NAMES);
    // The spellings the seeds list.
    assert_eq!("build".parse(), Ok(VmState::Building));
    assert_eq!("soft_deleted".parse(), Ok(VmState::SoftDeleted));
    assert_eq!("powering_off".parse(), Ok(TaskState::PoweringOff));
    assert_eq!("powering_on".parse(), Ok(TaskState::PoweringOn));
    assert_eq!("Shutdown".parse(), Ok(PowerState::Shutdown));
    // serde accepts them and writes the wire name back.
    let vm: VmState = serde_json::from_str("\"build\"").unwrap();
    assert_eq!(serde_json::to_string(&vm).unwrap(), "\"building\"");
}

#[test]
fn unknown_names_give_a_typed_error_with_field_found_and_expected() {
    let err = "soft_delete".parse::<VmState>().unwrap_err();
    assert_eq!(err.field(), Field::VmState);
    let ParseError::Unknown { field, found } = err else {
        panic!("{err:?}")
    };
    assert_eq!(field, Field::VmState);
    assert_eq!(found.as_str(), "soft_delete");
    assert_eq!(
        err.to_string(),
        "unknown vm_state \"soft_delete\": expected one of active, building, paused, \
         suspended, stopped, rescued, resized, soft-delete, deleted, error, shelved, \
         shelved_offloaded"
    );
    let err = "soft_deleting".parse::<TaskState>().unwrap_err();
    assert_eq!(err.field(), Field::TaskState);
    assert!(err
        .to_string()
        .starts_with("unknown task_state \"soft_deleting\": expected one of scheduling, "));
    let err = "CONFIRMING_RESIZE".parse::<ServerStatus>().unwrap_err();
    assert!(err
        .to_string()
        .starts_with("unknown status \"CONFIRMING_RESIZE\""));
    let err = "N/A".parse::<PowerState>().unwrap_err();
    assert!(err
        .to_string()
        .starts_with("unknown power_state \"N/A\": expected one of pending, running"));
    assert!("".parse::<VmState>().is_err());
    assert!(" active".parse::<VmState>().is_err());
    let err = serde_json::from_str::<TaskState>("\"spawn\"")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("unknown task_state \"spawn\""), "{err}");
    assert!(serde_json::from_str::<TaskState>("3").is_err());
}

#[test]
fn long_and_multibyte_input_is_kept_truncated_on_a_char_boundary() {
    let long = "é".repeat(100);
    let ParseError::Unknown { found, .. } = long.parse::<VmState>().unwrap_err() else {
        panic!()
    };
    assert!(found.is_truncated());
    assert_eq!(found.len(), 200);
    assert_eq!(
        found.as_str(),
        "é".repeat(nova_states::wire::Found::CAPACITY / 2)
    );
    assert!(found.to_string().ends_with("... (200 bytes)"));
}

#[test]
fn found_reports_empty_input_and_debugs_as_it_displays() {
    let ParseError::Unknown { found, .. } = "".parse::<VmState>().unwrap_err() else {
        panic!("not Unknown")
    };
    assert!(found.is_empty());
    assert_eq!(found.len(), 0);
    let ParseError::Unknown { found, .. } = "actve".parse::<VmState>().unwrap_err() else {
        panic!("not Unknown")
    };
    assert!(!found.is_empty());
    assert_eq!(found.len(), 5);
    assert_eq!(format!("{found:?}"), format!("{found}"));
    assert_eq!(format!("{found:?}"), "\"actve\"");
}
