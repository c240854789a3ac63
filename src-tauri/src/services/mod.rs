//! What a person does, as one API for the GUI commands and the `skm` CLI:
//! `Studio` ties the active profile, the Model Studio client (or the local
//! sandbox), the vault, saved keys and the clipboard together.
//!
//! Every method is async; keychain and file work runs on the blocking pool
//! (`spawn_blocking`) because a keychain call can take ~300 ms on Linux.

pub mod audit;
pub mod clients;
pub mod convert;
pub mod costs;
pub mod dashscope;
pub mod exec;
pub mod export;
pub mod held;
pub mod intents;
pub mod keys;
pub mod profiles;
pub mod reviews;
pub mod rotation;
pub mod sandbox;
pub mod saved;
pub mod tray;
pub mod views;
pub mod workspaces;

use crate::domain::error::{Error, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::storage::clipboard::SecretClipboard;
use crate::storage::profiles::{Profile, ProfileKind, Profiles, SettingsStore};
use crate::storage::saved_keys::SavedKeys;
use crate::storage::vault::{KeyRef, KeyScope, Vault};
use std::sync::Arc;
use views::ClipboardStatus;

/// Where Studio keeps its files; from the environment overrides or the platform dirs.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub config: std::path::PathBuf,
    pub data: std::path::PathBuf,
}

impl Dirs {
    pub fn from_env() -> Self {
        Dirs {
            config: crate::storage::paths::config_dir(),
            data: crate::storage::paths::data_dir(),
        }
    }
}

/// Who `Studio` acts as and where it sends requests. The app always acts as
/// the active profile at the official endpoints (`Acting::default()`); `skm`
/// may name a profile, bring credentials from the environment, or point at
/// another endpoint, and then runs the same operations.
#[derive(Debug, Clone, Default)]
pub struct Acting {
    pub who: Who,
    /// The Model Studio OpenAPI endpoint instead of the region's (or the sandbox's).
    pub endpoint: Option<String>,
    /// The DashScope base URL instead of the region's or the workspace's.
    pub dashscope_url: Option<String>,
    /// `Some(false)`: never save new key values, whatever the profile prefers.
    pub save_new_keys: Option<bool>,
    /// Let `endpoint` and `dashscope_url` name a host that is neither the
    /// cloud's (`https://*.aliyuncs.com`) nor this computer's.
    pub allow_foreign_endpoint: bool,
}

impl Acting {
    /// Refuse, before any request, an endpoint override that would send
    /// signed requests to a host that is not the cloud's or this computer's,
    /// unless that was allowed explicitly. The DashScope override is checked
    /// where DashScope is used (`dashscope_override`): a `DASHSCOPE_BASE_URL`
    /// exported for other tools must not break commands that never use it.
    fn check(&self) -> Result<()> {
        if let Some(url) = &self.endpoint {
            crate::cloud::endpoint::check_endpoint(url, self.allow_foreign_endpoint)?;
        }
        Ok(())
    }

    /// The DashScope base URL override, checked like the endpoint: it
    /// receives API keys as Bearer tokens.
    pub(crate) fn dashscope_override(&self) -> Result<Option<&str>> {
        match self
            .dashscope_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => {
                crate::cloud::dashscope::check_base_url(url, self.allow_foreign_endpoint)?;
                Ok(Some(url))
            }
            None => Ok(None),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub enum Who {
    /// The profile chosen in the app (or with `skm profiles use`).
    #[default]
    ActiveProfile,
    /// A profile by id or name.
    Profile(String),
    /// An AccessKey that is no profile (the environment's). New keys are
    /// saved as cloud keys, so the app finds them.
    Credentials(AccessKey),
}

/// An AccessKey pair (and STS token) given to `Studio` directly, not kept
/// in a profile: `skm`'s environment variables.
#[derive(Debug, Clone)]
pub struct AccessKey {
    pub id: String,
    pub secret: Secret,
    pub security_token: Option<Secret>,
}

/// The id under which credentials that are no profile act.
pub const ENVIRONMENT_PROFILE_ID: &str = "environment";

pub(crate) struct Inner {
    pub(crate) acting: Acting,
    pub(crate) dirs: Dirs,
    pub(crate) profiles: Profiles,
    pub(crate) saved: SavedKeys,
    pub(crate) clipboard: SecretClipboard,
    pub(crate) held: held::HeldValues,
    pub(crate) clients: clients::Clients,
    /// Signers whose caller identity could not be learned in this run: the
    /// list stops waiting on STS for "you" (see `Studio::you`).
    pub(crate) callers_unknown: std::sync::Mutex<std::collections::HashSet<String>>,
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

    /// Open for `skm`: acting as `acting` says.
    pub fn open_acting(dirs: Dirs, acting: Acting) -> Result<Self> {
        Self::build(dirs, SecretClipboard::system(), acting)
    }

    pub fn with_clipboard(dirs: Dirs, clipboard: SecretClipboard) -> Result<Self> {
        Self::build(dirs, clipboard, Acting::default())
    }

    /// Test builds (`fault-injection`): the app's own sandbox injects `fault`.
    #[cfg(feature = "fault-injection")]
    pub fn with_sandbox_faults(
        dirs: Dirs,
        clipboard: SecretClipboard,
        fault: crate::sandbox::FaultConfig,
    ) -> Result<Self> {
        let mut studio = Self::build(dirs, clipboard, Acting::default())?;
        if let Some(inner) = Arc::get_mut(&mut studio.inner) {
            inner.clients.sandbox_fault = Some(fault);
        }
        Ok(studio)
    }

    fn build(dirs: Dirs, clipboard: SecretClipboard, acting: Acting) -> Result<Self> {
        acting.check()?;
        let vault = Vault::new();
        let store = Arc::new(SettingsStore::open(&dirs.config)?);
        let profiles = Profiles::new(store, vault.clone());
        let saved = SavedKeys::new(&dirs.config, vault);
        let clients = clients::Clients::new(crate::storage::paths::sandbox_db_in(&dirs.data));
        Ok(Studio {
            inner: Arc::new(Inner {
                acting,
                dirs,
                profiles,
                saved,
                clipboard,
                held: Default::default(),
                clients,
                callers_unknown: Default::default(),
            }),
        })
    }

    /// The in-process sandbox (started now if needed), for tools and tests
    /// that act on it directly, as "someone else" would.
    pub async fn sandbox(&self) -> Result<&crate::sandbox::SandboxHandle> {
        self.inner.clients.sandbox().await
    }

    /// Whether the in-process sandbox has been started (it starts on first use).
    pub fn sandbox_started(&self) -> bool {
        self.inner.clients.sandbox_started()
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

    /// `ask` in each of the six regions, in parallel; the answers in region
    /// order (a task that panicked leaves its region out).
    pub(crate) async fn in_every_region<T, F, Fut>(&self, ask: F) -> Vec<(RegionId, T)>
    where
        T: Send + 'static,
        F: Fn(Studio, RegionId) -> Fut,
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        let mut asks = tokio::task::JoinSet::new();
        for region in RegionId::ALL {
            let answer = ask(self.clone(), region);
            asks.spawn(async move { (region, answer.await) });
        }
        let mut found = Vec::new();
        while let Some(joined) = asks.join_next().await {
            if let Ok(answer) = joined {
                found.push(answer);
            }
        }
        found.sort_by_key(|(r, _)| RegionId::ALL.iter().position(|x| x == r));
        found
    }

    /// The profile this Studio acts as (see `Acting`): the active one in the app.
    pub async fn acting_profile(&self) -> Result<Profile> {
        match &self.inner.acting.who {
            Who::ActiveProfile => self.blocking(|s| s.inner.profiles.active()).await,
            Who::Profile(name) => {
                let name = name.clone();
                self.blocking(move |s| s.inner.profiles.find(&name)).await
            }
            Who::Credentials(c) => Ok(Profile::transient(ENVIRONMENT_PROFILE_ID, &c.id)),
        }
    }

    /// Whether there is someone to act as (the profile exists, or
    /// credentials were given): `skm` says what to do before any request.
    pub async fn acting_check(&self) -> Result<()> {
        self.acting_profile().await.map(|_| ())
    }

    /// Whether a new key value is saved for `profile`: its preference, unless
    /// saving is turned off or the keychain's names are not this endpoint's.
    pub(crate) fn saves_new_keys(&self, profile: &Profile) -> bool {
        profile.preferences.save_keys_on_create
            && self.inner.acting.save_new_keys != Some(false)
            && self.keychain_names_are_ours()
    }

    /// Whether saved copies of keys this Studio reaches are named as the app
    /// names them: only at the official endpoints (or the app's own sandbox).
    /// A loopback endpoint is some other sandbox, whose key ids repeat across
    /// databases, and a foreign host is not the cloud: saving or forgetting
    /// there would touch the app's unrelated copies.
    pub(crate) fn keychain_names_are_ours(&self) -> bool {
        match self.inner.acting.endpoint.as_deref() {
            None => true,
            Some(e) => crate::cloud::endpoint::parse_endpoint(e)
                .is_ok_and(|u| crate::cloud::endpoint::is_official(&u)),
        }
    }

    /// How a key of the active profile is named in the vault.
    pub(crate) fn key_ref(profile: &Profile, region: RegionId, api_key_id: i64) -> KeyRef {
        KeyRef::new(Studio::scope_of(profile), region, api_key_id)
    }

    /// Which keys a profile's keychain entries and records belong to.
    pub(crate) fn scope_of(profile: &Profile) -> KeyScope {
        match profile.kind {
            ProfileKind::Sandbox => KeyScope::Sandbox,
            ProfileKind::AlibabaCloud => KeyScope::Cloud,
        }
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
