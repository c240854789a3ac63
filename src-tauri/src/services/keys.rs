//! API keys: list, create/reset (saved to the vault before anything returns),
//! update, enable/disable, delete (+ forget), copy, verify, temporary keys.

use super::held::Held;
use super::views::ExportFormat;
use super::{parse_api_key_id, Studio, Who};
use crate::cloud::{Client, Credentials};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::keyformat::KeyFormat;
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::sandbox::{SandboxConfig, SandboxHandle};
use crate::storage::clipboard::ClipboardStatus;
use crate::storage::export;
use crate::storage::profiles::Profile;
use crate::storage::profiles::ProfileKind;
use crate::storage::vault::KeyRef;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// The Model Studio clients of this process: the in-process sandbox
/// (started on first use, its database in the data dir) and cloud clients
/// built from the active profile's credentials (read from the vault once per
/// profile and kept in memory, so each call does not cost a keychain round trip).
pub struct Clients {
    sandbox_db: PathBuf,
    /// Test builds: faults the in-process sandbox injects.
    pub(crate) sandbox_fault: Option<crate::sandbox::FaultConfig>,
    sandbox: tokio::sync::OnceCell<SandboxHandle>,
    credentials: Mutex<HashMap<String, Credentials>>,
}

impl Clients {
    pub fn new(sandbox_db: PathBuf) -> Self {
        Clients {
            sandbox_db,
            sandbox_fault: None,
            sandbox: Default::default(),
            credentials: Default::default(),
        }
    }

    pub fn sandbox_db(&self) -> &std::path::Path {
        &self.sandbox_db
    }

    /// The running in-process sandbox (started now if needed).
    pub async fn sandbox(&self) -> Result<&SandboxHandle> {
        self.sandbox
            .get_or_try_init(|| async {
                super::sandbox::serve_own(SandboxConfig {
                    fault: self.sandbox_fault.clone(),
                    ..SandboxConfig::new(self.sandbox_db.clone())
                })
                .await
            })
            .await
    }

    /// Whether the in-process sandbox has been started.
    pub fn sandbox_started(&self) -> bool {
        self.sandbox.initialized()
    }

    /// Drop cached credentials (after a profile is removed or replaced).
    pub fn forget_cloud(&self) {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn cached(&self, profile_id: &str) -> Option<Credentials> {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(profile_id)
            .cloned()
    }

    fn remember(&self, profile_id: &str, c: Credentials) {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(profile_id.to_owned(), c);
    }
}

impl Studio {
    /// A Model Studio client for `profile` in `region`: the profile's sandbox
    /// identity (root unless chosen) for a sandbox profile, the vault's
    /// AccessKey otherwise.
    pub async fn client_for(&self, profile: &Profile, region: RegionId) -> Result<Client> {
        let endpoint = self.inner.acting.endpoint.as_deref();
        match profile.kind {
            ProfileKind::Sandbox => {
                let sb = self.inner.clients.sandbox().await?;
                let name = profile.sandbox_identity_name();
                let id = sb.identity(name).ok_or_else(|| {
                    Error::new(ErrorCode::NotFound)
                        .with_reason("sandbox_identity_missing")
                        .with_param("name", name)
                })?;
                let creds =
                    Credentials::new(id.access_key_id.clone(), id.access_key_secret.clone());
                let own = sb.openapi_base_url(region);
                Client::new(region, creds, Some(endpoint.unwrap_or(&own)))
            }
            ProfileKind::AlibabaCloud => {
                let creds = self.cloud_credentials(profile).await?;
                Client::new(region, creds, endpoint)
            }
        }
    }

    /// Launch work the first key list would otherwise wait for, begun by the
    /// app while its window loads: for a sandbox profile, the in-process
    /// sandbox's start (its database, its server). A cloud profile starts
    /// nothing: its AccessKey is read by the first call, so the keychain is
    /// asked once (a locked keychain prompts once). A failure is left for the
    /// list to report in its own words.
    pub async fn warm_up(&self) {
        let Ok(profile) = self.acting_profile().await else {
            return;
        };
        if profile.kind != ProfileKind::Sandbox {
            return;
        }
        let region = profile.last_region.unwrap_or(profile.default_region);
        if let Err(e) = self.client_for(&profile, region).await {
            log::debug!("warm-up: {}", e.code);
        }
    }

    /// A client for the profile this Studio acts as.
    pub(crate) async fn acting_client(&self, region: RegionId) -> Result<Client> {
        let profile = self.acting_profile().await?;
        self.client_for(&profile, region).await
    }

    /// The AccessKey of a cloud profile: the environment's when acting with
    /// it, else the vault's (read once per profile, then kept in memory).
    async fn cloud_credentials(&self, profile: &Profile) -> Result<Credentials> {
        if let Who::Credentials(c) = &self.inner.acting.who {
            return Ok(c.clone());
        }
        if let Some(c) = self.inner.clients.cached(&profile.id) {
            return Ok(c);
        }
        let p = profile.clone();
        let c = self
            .blocking(move |s| s.inner.profiles.credentials(&p))
            .await?;
        let mut creds = Credentials::new(c.access_key_id, c.access_key_secret);
        if let Some(t) = c.security_token {
            creds = creds.with_security_token(t);
        }
        self.inner.clients.remember(&profile.id, creds.clone());
        Ok(creds)
    }

    async fn clipboard_seconds(&self) -> Result<u32> {
        Ok(self.settings_get().await?.clipboard_clear_seconds)
    }

    /// Put `value` on the clipboard with the configured auto-clear.
    pub(crate) async fn copy_secret(&self, value: Secret) -> Result<ClipboardStatus> {
        let seconds = self.clipboard_seconds().await?;
        self.blocking(move |s| s.inner.clipboard.copy_secret(&value, seconds))
            .await
    }

    /// Save a freshly created or reset value, unless the profile says not to:
    /// `Ok(true)` saved, `Ok(false)` not asked to. Runs before the value is
    /// returned to anyone (`made_key`, for the app and `skm` alike).
    pub(crate) async fn save_new_value(
        &self,
        profile: &Profile,
        key: &KeyRef,
        value: &Secret,
    ) -> Result<bool> {
        if !self.saves_new_keys(profile) {
            return Ok(false);
        }
        let (key, value) = (key.clone(), value.clone());
        let format = format_name(value.expose());
        self.blocking(move |s| s.inner.saved.save(&key, &value, &format))
            .await
            .map(|_| true)
    }

    pub(crate) async fn saved_value(&self, key: &KeyRef) -> Result<Secret> {
        let key = key.clone();
        self.blocking(move |s| s.inner.saved.value(&key)).await
    }

    pub(crate) async fn key_ref_for(&self, region: RegionId, api_key_id: &str) -> Result<KeyRef> {
        let id = parse_api_key_id(api_key_id)?;
        let profile = self.acting_profile().await?;
        Ok(Studio::key_ref(&profile, region, id))
    }

    /// Copy the saved value to the clipboard, in Rust; the webview never sees it.
    pub async fn key_copy_saved(
        &self,
        region: RegionId,
        api_key_id: String,
    ) -> Result<ClipboardStatus> {
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = self.saved_value(&key).await?;
        self.copy_secret(value).await
    }

    /// Copy `DASHSCOPE_API_KEY=...` with the base URL as a comment.
    pub async fn key_copy_env(
        &self,
        region: RegionId,
        api_key_id: String,
    ) -> Result<ClipboardStatus> {
        let (value, host) = self.saved_with_host(region, &api_key_id).await?;
        self.copy_secret(export::env_snippet(region, host.as_deref(), &value))
            .await
    }

    /// The content of an export file of a saved key.
    pub async fn key_export_content(
        &self,
        region: RegionId,
        api_key_id: String,
        format: ExportFormat,
    ) -> Result<Secret> {
        let (value, host) = self.saved_with_host(region, &api_key_id).await?;
        Ok(export::file_content(
            format,
            region,
            host.as_deref(),
            &value,
        ))
    }

    /// A saved value with the host of its key's workspace, for snippets and files.
    async fn saved_with_host(
        &self,
        region: RegionId,
        api_key_id: &str,
    ) -> Result<(Secret, Option<String>)> {
        let key = self.key_ref_for(region, api_key_id).await?;
        let value = self.saved_value(&key).await?;
        let host = self.workspace_host_of(&key).await;
        Ok((value, host))
    }

    /// Remove the saved copy of a key.
    pub async fn key_forget(&self, region: RegionId, api_key_id: String) -> Result<()> {
        let key = self.key_ref_for(region, &api_key_id).await?;
        self.blocking(move |s| s.inner.saved.forget(&key).map(|_| ()))
            .await
    }

    /// Save a key the person already has, by pasting it. Returns the format name.
    pub async fn key_save_pasted(
        &self,
        region: RegionId,
        api_key_id: String,
        value: Secret,
    ) -> Result<KeyFormat> {
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = Secret::new(value.expose().trim());
        let format = classify_pasted(&value)?;
        let name = format!("{format:?}");
        self.blocking(move |s| s.inner.saved.save(&key, &value, &name))
            .await?;
        Ok(format)
    }

    // --- one-time and temporary values, by handle ---

    fn held(&self, handle: &str) -> Result<Held> {
        self.inner
            .held
            .get(handle)
            .ok_or_else(|| Error::new(ErrorCode::NotFound).with_reason("handle_gone"))
    }

    pub async fn one_time_copy(&self, handle: String) -> Result<ClipboardStatus> {
        let held = self.held(&handle)?;
        self.copy_secret(held.value).await
    }

    pub async fn one_time_export_content(
        &self,
        handle: String,
        format: ExportFormat,
    ) -> Result<Secret> {
        let h = self.held(&handle)?;
        Ok(export::file_content(
            format,
            h.region,
            h.workspace_api_host.as_deref(),
            &h.value,
        ))
    }

    /// The dialog closed: drop the value from memory.
    pub fn one_time_close(&self, handle: &str) {
        self.inner.held.remove(handle);
    }

    pub async fn temp_key_copy(&self, handle: String) -> Result<ClipboardStatus> {
        let held = self.held(&handle)?;
        self.copy_secret(held.value).await
    }

    /// The workspace inference host of a saved key (best effort: one GetApiKey
    /// and one ListWorkspaces; `None` falls back to the region's shared host).
    async fn workspace_host_of(&self, key: &KeyRef) -> Option<String> {
        let profile = self.acting_profile().await.ok()?;
        let client = self.client_for(&profile, key.region).await.ok()?;
        let ws = client.get_api_key(key.api_key_id).await.ok()?.workspace_id;
        self.workspace_api_host(&profile, key.region, ws.as_deref())
            .await
    }
}

/// The format name recorded with a saved key (`Workspace`, `Legacy`...).
pub fn format_name(value: &str) -> String {
    format!("{:?}", KeyFormat::classify(value))
}

/// Accept a pasted pay-as-you-go key; refuse plan, temporary and unknown
/// values with the reason.
pub fn classify_pasted(value: &Secret) -> Result<KeyFormat> {
    match KeyFormat::classify(value.expose()) {
        f @ (KeyFormat::Workspace | KeyFormat::Legacy) => Ok(f),
        KeyFormat::Plan => Err(Error::new(ErrorCode::InvalidInput).with_reason("paste_plan_key")),
        KeyFormat::Temporary => {
            Err(Error::new(ErrorCode::InvalidInput).with_reason("paste_temporary_key"))
        }
        KeyFormat::Unknown => {
            Err(Error::new(ErrorCode::InvalidInput).with_reason("paste_not_a_key"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_plan_and_temporary_keys_are_refused_with_a_reason() {
        let plan =
            classify_pasted(&Secret::new("sk-sp-abcdefghijklmnopqrstuvwxyz012345")).unwrap_err();
        assert_eq!(plan.reason.as_deref(), Some("paste_plan_key"));
        assert!(plan
            .message_in(crate::domain::i18n::Lang::En)
            .contains("Coding Plan"));
        let temp = classify_pasted(&Secret::new("st-abcdefghijklmnop")).unwrap_err();
        assert_eq!(temp.reason.as_deref(), Some("paste_temporary_key"));
        assert!(classify_pasted(&Secret::new("hello world")).is_err());
        let ws =
            classify_pasted(&Secret::new("sk-ws-abcdefghijklmnopqrstuvwxyz0123456789")).unwrap();
        assert_eq!(ws, KeyFormat::Workspace);
    }
}
