//! What a person does, as one API for the GUI commands and the `skm` CLI:
//! `Studio` ties the active profile, the Model Studio client (or the local
//! sandbox), the vault, saved keys and the clipboard together.
//!
//! Every method is async; keychain and file work runs on the blocking pool
//! (`spawn_blocking`) because a keychain call can take ~300 ms on Linux.

// The shared `Error` is large by design (catalog params + server details);
// boxing it is a crate-wide decision, not this module's.
#![allow(clippy::result_large_err)]

pub mod convert;
pub mod export;
pub mod held;
pub mod keys;
pub mod profiles;
pub mod remote;
pub mod views;

use crate::clipboard::{ClipboardStatus, SecretClipboard};
use crate::error::{Error, Result};
use crate::profiles::{Profile, ProfileKind, Profiles, SettingsStore};
use crate::regions::RegionId;
use crate::saved_keys::SavedKeys;
use crate::vault::{KeyRef, KeyScope, Vault};
use std::sync::Arc;

/// Where Studio keeps its files; from the environment overrides or the platform dirs.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: std::path::PathBuf,
    pub data: std::path::PathBuf,
}

impl Dirs {
    pub fn from_env() -> Self {
        Dirs {
            config: crate::profiles::paths::config_dir(),
            data: crate::profiles::paths::data_dir(),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) dirs: Dirs,
    pub(crate) profiles: Profiles,
    pub(crate) saved: SavedKeys,
    pub(crate) clipboard: SecretClipboard,
    pub(crate) held: held::HeldValues,
    pub(crate) clients: keys::Clients,
}

/// The app's core. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Studio {
    pub(crate) inner: Arc<Inner>,
}

impl Studio {
    /// Open the settings in `dirs` with the system keychain and clipboard.
    pub fn open(dirs: Dirs) -> Result<Self> {
        Self::with_clipboard(dirs, SecretClipboard::system())
    }

    pub fn with_clipboard(dirs: Dirs, clipboard: SecretClipboard) -> Result<Self> {
        let vault = Vault::new();
        let store = Arc::new(SettingsStore::open(&dirs.config)?);
        let profiles = Profiles::new(store, vault.clone());
        let saved = SavedKeys::new(&dirs.config, vault);
        let clients = keys::Clients::new(dirs.data.join("sandbox.db"));
        Ok(Studio {
            inner: Arc::new(Inner {
                dirs,
                profiles,
                saved,
                clipboard,
                held: Default::default(),
                clients,
            }),
        })
    }

    /// The in-process sandbox (started now if needed), for tools and tests
    /// that act on it directly, as "someone else" would.
    pub async fn sandbox(&self) -> Result<&crate::sandbox::SandboxHandle> {
        self.inner.clients.sandbox().await
    }

    pub fn dirs(&self) -> &Dirs {
        &self.inner.dirs
    }

    pub fn clipboard(&self) -> &SecretClipboard {
        &self.inner.clipboard
    }

    pub fn profiles(&self) -> &Profiles {
        &self.inner.profiles
    }

    pub fn saved_keys(&self) -> &SavedKeys {
        &self.inner.saved
    }

    /// Run blocking storage work (keychain, files) off the async executor.
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Studio) -> Result<T> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me))
            .await
            .map_err(|e| Error::internal(format!("background task failed: {e}")))?
    }

    pub(crate) async fn active_profile(&self) -> Result<Profile> {
        self.blocking(|s| s.inner.profiles.active()).await
    }

    /// How a key of the active profile is named in the vault.
    pub(crate) fn key_ref(profile: &Profile, region: RegionId, api_key_id: i64) -> KeyRef {
        let scope = match profile.kind {
            ProfileKind::Sandbox => KeyScope::Sandbox,
            ProfileKind::AlibabaCloud => KeyScope::Cloud,
        };
        KeyRef::new(scope, region, api_key_id)
    }

    pub fn clipboard_status(&self) -> ClipboardStatus {
        self.inner.clipboard.status()
    }

    /// Copy non-secret text (an id, a masked key).
    pub async fn clipboard_copy_text(&self, text: String) -> Result<()> {
        self.blocking(move |s| s.inner.clipboard.copy_text(&text))
            .await
    }

    /// On quit: clear our secret from the clipboard if it is still there.
    pub fn shutdown(&self) {
        self.inner.clipboard.clear_now();
    }
}

/// Parse an `apiKeyId` that crossed IPC as a string.
pub fn parse_api_key_id(id: &str) -> Result<i64> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::invalid_input("apiKeyId", id, "api_key_id_invalid"))
}
