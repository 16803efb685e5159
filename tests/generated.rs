//! Generated files must match what the tables produce today.
//!
//! Run with `NOVA_STATES_BLESS=1` to rewrite them instead of failing.

use std::path::Path;

fn ensure_file_contents(relative: &str, expected: &str, command: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if std::env::var_os("NOVA_STATES_BLESS").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!(
        "{relative} is out of date with the tables.\n\
         Regenerate it with:\n    {command}\n\
         (or run the tests with NOVA_STATES_BLESS=1)"
    );
}

#[test]
fn model_json_is_up_to_date() {
    let mut model = String::new();
    nova_states::export::write_model_json(&mut model).unwrap();
    // It is JSON, and the schema keys are there.
    let value: serde_json::Value = serde_json::from_str(&model).unwrap();
    assert_eq!(value["schema"], "nova-states/model/v1");
    assert_eq!(value["nova_commit"], nova_states::NOVA_COMMIT);
    assert_eq!(value["status"]["stopped"]["resize_prep"], "RESIZE");
    assert_eq!(
        value["list_filter"]["ACTIVE"]["task_states"],
        serde_json::Value::Null
    );
    ensure_file_contents(
        "docs/model.json",
        &model,
        "cargo run --example nova-states -- model --format json > docs/model.json",
    );
}
