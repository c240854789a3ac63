//! One test alone in a child process, for the few tests that need the whole
//! process environment (an environment variable, say): every other test of
//! this binary runs in a parallel thread of the same process.
//!
//! The test that needs a process of its own is an `#[ignore]`d test that does
//! nothing unless [`is_alone`] says this process was started for it; a normal
//! test calls [`run_alone`] with the environment to give it, which runs this
//! test binary again for that one test and fails unless it ran and passed.

use std::ffi::OsStr;
use std::process::Command;

/// Set on the child process: the name of the one test it was started for.
const ALONE_ENV: &str = "STUDIO_KEYS_TEST_ALONE";

/// The name libtest gives the test `function` of the module at `module_path`
/// (`module_path!()`): the module path without this crate's name.
pub fn test_name(module_path: &str, function: &str) -> String {
    let module = module_path
        .split_once("::")
        .map_or("", |(_crate, module)| module);
    if module.is_empty() {
        function.to_string()
    } else {
        format!("{module}::{function}")
    }
}

/// Whether this process was started by [`run_alone`] for the test `name`.
pub fn is_alone(name: &str) -> bool {
    std::env::var_os(ALONE_ENV).as_deref() == Some(OsStr::new(name))
}

/// Runs the test `name` (see [`test_name`]), and only it, in a new process of
/// this test binary with `env` added to its environment. Panics, with the
/// child's output, unless exactly that test ran and passed.
pub fn run_alone(name: &str, env: &[(&str, &OsStr)]) {
    let exe = std::env::current_exe().expect("the path of this test binary");
    let mut cmd = Command::new(exe);
    cmd.args([
        name,
        "--exact",
        "--include-ignored",
        "--test-threads=1",
        "--show-output",
    ])
    .env(ALONE_ENV, name);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("this test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Shown with this test's own output (on failure, or with --nocapture).
    println!("--- {name}, in its own process: stdout ---\n{stdout}");
    eprintln!("--- {name}, in its own process: stderr ---\n{stderr}");
    let ran = format!("test {name} ... ok");
    let ran_and_passed = stdout.lines().any(|l| l.trim() == ran)
        && stdout
            .lines()
            .any(|l| l.starts_with("test result: ok. 1 passed; 0 failed;"));
    assert!(
        out.status.success() && ran_and_passed,
        "{name} did not run and pass in its own process ({}); its output is above",
        out.status
    );
}

/// Starts the test `name` alone in a new process of this test binary, like
/// [`run_alone`], without waiting: for tests that need several processes at
/// once. Wait with [`passed_alone`].
pub fn spawn_alone(name: &str, env: &[(&str, &OsStr)]) -> std::process::Child {
    let exe = std::env::current_exe().expect("the path of this test binary");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--include-ignored", "--test-threads=1"])
        .env(ALONE_ENV, name)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("this test binary runs again")
}

/// Waits for a process from [`spawn_alone`]; panics with its output unless
/// its one test ran and passed.
pub fn passed_alone(name: &str, child: std::process::Child) {
    let out = child.wait_with_output().expect("the test process ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ran = format!("test {name} ... ok");
    assert!(
        out.status.success() && stdout.lines().any(|l| l.trim() == ran),
        "{name} did not run and pass in its own process ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
