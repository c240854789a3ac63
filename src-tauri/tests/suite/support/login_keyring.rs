//! The test session's real gnome-keyring, locked and unlocked the way a
//! person meets it: `Lock` over D-Bus (what a screen lock or Seahorse does),
//! and the unlock prompt gnome-keyring then shows (gcr-prompter, on the
//! session's Xvfb display) answered with xdotool: Escape to decline, or the
//! password and Return to unlock. The session starts the keyring with the
//! password in `STUDIO_KEYS_KEYRING_PASSWORD` (scripts/test-session.sh).
//!
//! Hold `keychain::lock()` while using this: a locked keyring would stall
//! every other keychain test.

use std::collections::HashSet;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const SERVICE: &str = "org.freedesktop.secrets";
const PASSWORD_ENV: &str = "STUDIO_KEYS_KEYRING_PASSWORD";
/// An item kept in the collection while it is locked, for `Drop` to unlock
/// it through (unlocking needs a prompt, and a prompt needs something to ask for).
const PROBE: [&str; 2] = ["studio-keys-lock-probe", "1"];

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} could not run ({e}): run inside scripts/test-session.sh")
        })
}

fn dbus(path: &str, method: &str, args: &[&str]) -> String {
    let dest = format!("--dest={SERVICE}");
    let mut all = vec!["--session", "--print-reply", &dest, path, method];
    all.extend_from_slice(args);
    let out = run("dbus-send", &all);
    assert!(
        out.status.success(),
        "{method}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How the person answers gnome-keyring's unlock prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Escape: the prompt is dismissed and the keyring stays locked.
    Decline,
    /// The keyring's password, then Return.
    Unlock,
}

/// The session's default collection ("login"), locked until this is dropped
/// or [`LockedKeyring::answer_prompts`] unlocks it. Dropping it unlocks the
/// collection if it still is locked, so other tests find it as they expect.
pub struct LockedKeyring {
    collection: String,
    password: String,
}

impl LockedKeyring {
    /// Locks the default collection.
    pub fn lock() -> LockedKeyring {
        let password = std::env::var(PASSWORD_ENV).unwrap_or_else(|_| {
            panic!("{PASSWORD_ENV} is not set: run inside scripts/test-session.sh")
        });
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY for the unlock prompt: run inside scripts/test-session.sh"
        );
        let alias = dbus(
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.ReadAlias",
            &["string:default"],
        );
        let collection = alias
            .split('"')
            .nth(1)
            .filter(|p| p.starts_with("/org/freedesktop/secrets/collection/"))
            .unwrap_or_else(|| panic!("no default collection: {alias}"))
            .to_string();
        let probe = Command::new("secret-tool")
            .args(["store", "--label=lock probe", PROBE[0], PROBE[1]])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(b"probe")?;
                c.wait()
            })
            .expect("secret-tool store");
        assert!(probe.success(), "the probe item could not be stored");
        let me = LockedKeyring {
            collection,
            password,
        };
        dbus(
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            &[&format!("array:objpath:{}", me.collection)],
        );
        assert!(me.is_locked(), "Lock left {} unlocked", me.collection);
        me
    }

    pub fn is_locked(&self) -> bool {
        let reply = dbus(
            &self.collection,
            "org.freedesktop.DBus.Properties.Get",
            &["string:org.freedesktop.Secret.Collection", "string:Locked"],
        );
        reply.contains("boolean true")
    }

    /// Runs `op` (which should make gnome-keyring ask to unlock) and answers
    /// every unlock prompt that appears while it runs with `answer`, as a
    /// person would. Returns what `op` returned and how many prompts were
    /// answered. Fails after 60 s.
    pub async fn answer_prompts<T: Send + 'static>(
        &self,
        answer: Answer,
        op: impl std::future::Future<Output = T> + Send + 'static,
    ) -> (T, usize) {
        let task = tokio::spawn(op);
        let password = self.password.clone();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut answered = HashSet::new();
        loop {
            if task.is_finished() {
                return (task.await.unwrap(), answered.len());
            }
            assert!(
                Instant::now() < deadline,
                "{answer:?}: the operation still waits after answering {} prompt(s)",
                answered.len()
            );
            let (ids, password) = (answered.clone(), password.clone());
            if let Some(id) =
                tokio::task::spawn_blocking(move || answer_one_prompt(answer, &password, &ids))
                    .await
                    .unwrap()
            {
                answered.insert(id);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Answers the first visible unlock prompt not in `done`; its window id.
fn answer_one_prompt(answer: Answer, password: &str, done: &HashSet<String>) -> Option<String> {
    let found = run(
        "xdotool",
        &["search", "--onlyvisible", "--class", "gcr-prompter"],
    );
    let id = String::from_utf8_lossy(&found.stdout)
        .split_whitespace()
        .find(|id| !done.contains(*id))?
        .to_string();
    if !run("xdotool", &["windowfocus", "--sync", &id])
        .status
        .success()
    {
        return None;
    }
    match answer {
        Answer::Decline => run("xdotool", &["key", "--clearmodifiers", "Escape"]),
        Answer::Unlock => {
            run("xdotool", &["type", "--delay", "20", password]);
            run("xdotool", &["key", "--clearmodifiers", "Return"])
        }
    };
    Some(id)
}

impl Drop for LockedKeyring {
    fn drop(&mut self) {
        if self.is_locked() {
            // Reading the probe asks to unlock; answer with the password.
            let mut reader = Command::new("secret-tool")
                .args(["lookup", PROBE[0], PROBE[1]])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("secret-tool lookup");
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut done = HashSet::new();
            while reader.try_wait().unwrap().is_none() && Instant::now() < deadline {
                if let Some(id) = answer_one_prompt(Answer::Unlock, &self.password, &done) {
                    done.insert(id);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if reader.try_wait().unwrap().is_none() {
                eprintln!("the unlock prompt was not answered; the keyring stays locked");
            }
        }
        let _ = run("secret-tool", &["clear", PROBE[0], PROBE[1]]);
        if self.is_locked() && !std::thread::panicking() {
            panic!(
                "{} is still locked: later keychain tests would stall",
                self.collection
            );
        }
    }
}
