//! The nova-states command line: `cargo run --example nova-states -- help`.

use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: nova-states [table | model --format json | help]\n\
     \n  (no arguments)          the vm_state x task_state -> status table\n\
     \x20 table                   the same\n\
     \x20 model --format json     the machine-readable model (docs/model.json)\n"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut text = String::new();
    let written = match args.as_slice() {
        [] | ["table"] => nova_states::export::write_status_table(&mut text),
        ["model"] | ["model", "--format", "json"] | ["model", "--format=json"] => {
            nova_states::export::write_model_json(&mut text)
        }
        ["help" | "--help" | "-h"] => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("nova-states: unrecognised arguments {args:?}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    if written.is_err() {
        eprintln!("nova-states: could not format the output");
        return ExitCode::from(1);
    }
    print!("{text}");
    ExitCode::SUCCESS
}
