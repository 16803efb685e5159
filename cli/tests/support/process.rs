//! Running the `nova-states` binary: the one child-process helper of the
//! command's tests (each test file includes this file with `#[path]`).

#![allow(dead_code)]

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nova-states"))
}

/// The repository's root, where `tests/data` is.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the binary in `dir` (or the test's own directory) with `args`,
/// `stdin` written to its standard input.
pub fn run_raw_in(dir: Option<&Path>, args: &[OsString], stdin: &[u8]) -> Output {
    let mut command = Command::new(exe());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may stop reading early (an error at the first line) or
    // not read at all (a file argument): a refused write is not the test's
    // failure.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// [`run_raw_in`] the test's own directory.
pub fn run_raw(args: &[OsString], stdin: &[u8]) -> Output {
    run_raw_in(None, args, stdin)
}

/// [`run_raw`] with text arguments and input.
pub fn run(args: &[&str], stdin: &str) -> Output {
    let args: Vec<OsString> = args.iter().map(Into::into).collect();
    run_raw(&args, stdin.as_bytes())
}

/// [`run`] from the repository's root (paths such as `tests/data/...`).
pub fn run_at_root(args: &[&str], stdin: &str) -> Output {
    let args: Vec<OsString> = args.iter().map(Into::into).collect();
    run_raw_in(Some(&repo()), &args, stdin.as_bytes())
}

/// The standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
