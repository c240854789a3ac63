//! Shared by the integration tests that drive `Studio` and `skm` on one home:
//! a clipboard that behaves like the system one but can be read back, the real
//! `skm` binary run on that home, and settings written by another build.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::ClipboardBackend;
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::Result;

/// The clipboard as another program would see it.
#[derive(Clone, Default)]
pub struct Board(pub Arc<Mutex<Option<String>>>);

impl ClipboardBackend for Board {
    fn set_secret_text(&mut self, text: &str) -> Result<()> {
        *self.0.lock().unwrap() = Some(text.into());
        Ok(())
    }
    fn set_text(&mut self, text: &str) -> Result<()> {
        self.set_secret_text(text)
    }
    fn get_text(&mut self) -> Result<Option<String>> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn clear(&mut self) -> Result<()> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }
}

/// Runs the real `skm` on the settings and data in `dirs`, in `lang`, with
/// no credentials from the environment but `env`: (exit code, stdout, stderr).
pub fn skm_on(
    dirs: &Dirs,
    lang: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skm"));
    cmd.args(["--lang", lang])
        .args(args)
        .env("STUDIO_KEYS_CONFIG_DIR", &dirs.config)
        .env("STUDIO_KEYS_DATA_DIR", &dirs.data)
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env_remove("SKM_ENDPOINT")
        .env_remove("SKM_NO_SAVE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Settings whose active profile acts as a sandbox identity, "ghost", that
/// the sandbox does not have (as if written by a build whose sandbox had it).
pub fn write_settings_acting_as_a_missing_identity(config: &Path) {
    std::fs::create_dir_all(config).unwrap();
    std::fs::write(
        config.join("settings.json"),
        r#"{"version":2,"activeProfileId":"sandbox-ghost","profiles":[
            {"id":"sandbox","name":"Sandbox","kind":"Sandbox","defaultRegion":"cn-beijing"},
            {"id":"sandbox-ghost","name":"Ghost","kind":"Sandbox","defaultRegion":"cn-beijing",
             "sandboxIdentity":"ghost"}]}"#,
    )
    .unwrap();
}

/// The app's `Studio` on a home under `root` (config/ and data/), with `board`
/// as its clipboard; the same dirs for `skm_on`.
pub fn app_on(root: &Path, board: &Board) -> (Studio, Dirs) {
    let dirs = Dirs {
        config: root.join("config"),
        data: root.join("data"),
    };
    let s = Studio::with_clipboard(dirs.clone(), SecretClipboard::new(Box::new(board.clone())))
        .unwrap();
    (s, dirs)
}
