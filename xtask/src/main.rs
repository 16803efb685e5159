//! `cargo xtask codegen [--check]`: writes every generated file (or, with
//! `--check`, lists the stale ones and exits 1).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::Generated;

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen(&root(), check) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes (or checks) every generated file; returns how many were stale.
fn codegen(root: &Path, check: bool) -> Result<usize, String> {
    let mut stale = 0;
    for file in Generated::all() {
        let path = file.path();
        let text = file.contents()?;
        let full = root.join(&path);
        match std::fs::read_to_string(&full) {
            Ok(current) if current == text => continue,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{path}: {e}")),
        }
        stale += 1;
        if check {
            println!("out of date: {path}");
        } else {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&full, text).map_err(|e| format!("{path}: {e}"))?;
            println!("wrote {path}");
        }
    }
    println!(
        "{} generated files, {stale} {}",
        Generated::all().count(),
        if check { "out of date" } else { "rewritten" }
    );
    Ok(if check { stale } else { 0 })
}
