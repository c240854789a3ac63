//! A copied key does not outlive a process that ends abnormally: the
//! clipboard is cleared on a panic and on SIGTERM / SIGINT, not only on a
//! normal quit. Each case runs in a child process of this test binary (a
//! signal or panic there must not touch the other tests), with a clipboard
//! that is a file, so the parent can read what the child left behind.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use studio_keys::storage::clipboard::{clear_on_abnormal_exit, ClipboardBackend, SecretClipboard};
use studio_keys::{Result, Secret};

const BOARD_ENV: &str = "STUDIO_KEYS_TEST_BOARD";
const HOW_ENV: &str = "STUDIO_KEYS_TEST_ENDING";
const CHILD: &str = "storage_clipboard_exit::a_process_that_ends_abnormally";

/// The "system clipboard" of these tests: a file another process can read.
struct FileBoard(PathBuf);

impl ClipboardBackend for FileBoard {
    fn set_secret_text(&mut self, text: &str) -> Result<()> {
        Ok(std::fs::write(&self.0, text)?)
    }
    fn set_text(&mut self, text: &str) -> Result<()> {
        self.set_secret_text(text)
    }
    fn get_text(&mut self) -> Result<Option<String>> {
        Ok(std::fs::read_to_string(&self.0)
            .ok()
            .filter(|t| !t.is_empty()))
    }
    fn clear(&mut self) -> Result<()> {
        Ok(std::fs::write(&self.0, "")?)
    }
}

fn end_child(board: &Path, how: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args([
            CHILD,
            "--exact",
            "--include-ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(BOARD_ENV, board)
        .env(HOW_ENV, how)
        .output()
        .unwrap()
}

#[test]
fn a_copied_key_is_cleared_when_the_process_panics_or_is_signalled() {
    for (how, status) in [("panic", 101), ("SIGTERM", 143), ("SIGINT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let board = dir.path().join("clipboard");
        let out = end_child(&board, how);
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("copied, now ending"),
            "{how}: the child ran: {said}"
        );
        assert_eq!(out.status.code(), Some(status), "{how}: {said}");
        assert_eq!(
            std::fs::read_to_string(&board).unwrap(),
            "",
            "{how}: the key must not stay on the clipboard"
        );
    }
}

/// The child: copy a key with no timer, then end as `HOW_ENV` says.
#[test]
#[ignore = "ends its own process: run by a_copied_key_is_cleared_when_the_process_panics_or_is_signalled"]
fn a_process_that_ends_abnormally() {
    let (Some(board), Some(how)) = (std::env::var_os(BOARD_ENV), std::env::var(HOW_ENV).ok())
    else {
        return; // `--include-ignored` in the shared process: the test above runs it.
    };
    let clip = SecretClipboard::new(Box::new(FileBoard(board.into())));
    clear_on_abnormal_exit(&clip, None);
    let value = ["sk-ws", "exit", &"0".repeat(24)].join("-");
    clip.copy_secret(&Secret::new(value), 0).unwrap();
    eprintln!("copied, now ending by {how}");
    match how.as_str() {
        "panic" => panic!("a bug"),
        signal => {
            let name = signal.trim_start_matches("SIG");
            Command::new("kill")
                .args([&format!("-{name}"), &std::process::id().to_string()])
                .status()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_secs(30));
            panic!("the signal did not end the process");
        }
    }
}
