//! Saved copies of keys and the values Rust holds by handle: copy to the
//! clipboard (in Rust; the webview never sees a saved value), `.env` lines
//! and export files, forget, save a pasted key; the one-time value after
//! Create or Reset and temporary keys.

use super::audit::Audited;
use super::export;
use super::export::ExportFile;
use super::held::Held;
use super::views::{ClipboardStatus, ExportFormat};
use super::{parse_api_key_id, Studio};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::keyformat::{mask, KeyFormat};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::storage::profiles::Profile;
use crate::storage::saved_keys::Listed;
use crate::storage::vault::KeyRef;

impl Studio {
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
    /// `known` names the key and what its answer said of it (description,
    /// workspace): kept with the copy, so the tray names it at once.
    pub(crate) async fn save_new_value(
        &self,
        profile: &Profile,
        known: Listed,
        value: &Secret,
    ) -> Result<bool> {
        if !self.saves_new_keys(profile) {
            return Ok(false);
        }
        let value = value.clone();
        let format = format_name(value.expose());
        self.blocking(move |s| s.inner.saved.save_known(&known, &value, &format))
            .await
            .map(|_| true)
    }

    pub(crate) async fn saved_value(&self, key: &KeyRef) -> Result<Secret> {
        let key = key.clone();
        self.blocking(move |s| s.inner.saved.value(&key)).await
    }

    /// The profile acted as and the key named in it: the one read of the
    /// profile an action on a saved key needs.
    pub(crate) async fn acting_key(
        &self,
        region: RegionId,
        api_key_id: &str,
    ) -> Result<(Profile, KeyRef)> {
        let id = parse_api_key_id(api_key_id)?;
        let profile = self.acting_profile().await?;
        let key = Studio::key_ref(&profile, region, id);
        Ok((profile, key))
    }

    /// Copy the saved value to the clipboard, in Rust; the webview never sees it.
    pub async fn key_copy_saved(
        &self,
        region: RegionId,
        api_key_id: String,
    ) -> Result<ClipboardStatus> {
        self.copy_saved_key(region, api_key_id, false, None).await
    }

    /// Copy `DASHSCOPE_API_KEY=...` with the base URL as a comment.
    pub async fn key_copy_env(
        &self,
        region: RegionId,
        api_key_id: String,
    ) -> Result<ClipboardStatus> {
        self.copy_saved_key(region, api_key_id, true, None).await
    }

    /// The saved value, or its `.env` line, on the clipboard; audited with
    /// `from` as its note (the tray says so).
    pub(crate) async fn copy_saved_key(
        &self,
        region: RegionId,
        api_key_id: String,
        env_line: bool,
        from: Option<&str>,
    ) -> Result<ClipboardStatus> {
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        let (value, host) = if env_line {
            self.saved_with_host(&profile, &key).await?
        } else {
            (self.saved_value(&key).await?, None)
        };
        let mut what = Audited::new(if env_line { "copy_env" } else { "copy" }, &profile)
            .region(region)
            .key(key.api_key_id)
            .masked(Some(mask(value.expose())));
        if let Some(from) = from {
            what = what.note(from);
        }
        let copied = if env_line {
            export::env_snippet(region, host.as_deref(), &value)
        } else {
            value
        };
        self.audited(what, || self.copy_secret(copied)).await
    }

    /// An export file of a saved key, for the window's save dialog.
    pub async fn key_export(
        &self,
        region: RegionId,
        api_key_id: String,
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        let (value, host) = self.saved_with_host(&profile, &key).await?;
        let audit = Audited::new("export", &profile)
            .region(region)
            .key(key.api_key_id)
            .masked(Some(mask(value.expose())));
        Ok(ExportFile {
            suggested_name: export::suggested_file_name(format, &api_key_id),
            content: export::file_content(format, region, host.as_deref(), &value),
            audit: Some(audit),
        })
    }

    /// Write an export file where the person chose: owner-only, whole, never
    /// through a link (`storage::export`). A key's export is in the audit
    /// log (with the file's path) before it is written.
    pub async fn export_write(&self, path: std::path::PathBuf, file: ExportFile) -> Result<()> {
        let ExportFile { content, audit, .. } = file;
        let write = || async {
            let p = path.clone();
            self.blocking(move |_| crate::storage::export::write_file(&p, &content))
                .await
        };
        match audit {
            Some(what) => {
                let what = what.note(path.display().to_string());
                self.audited(what, write).await
            }
            None => write().await,
        }
    }

    /// A saved value with the host of its key's workspace, for snippets and files.
    async fn saved_with_host(
        &self,
        profile: &Profile,
        key: &KeyRef,
    ) -> Result<(Secret, Option<String>)> {
        let value = self.saved_value(key).await?;
        let host = self.workspace_host_of(profile, key).await;
        Ok((value, host))
    }

    /// Remove the saved copy of a key.
    pub async fn key_forget(&self, region: RegionId, api_key_id: String) -> Result<()> {
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        let what = Audited::new("forget", &profile)
            .region(region)
            .key(key.api_key_id);
        self.audited(what, || {
            self.blocking(move |s| s.inner.saved.forget(&key).map(|_| ()))
        })
        .await
    }

    /// Save a key the person already has, by pasting it. Returns the format name.
    pub async fn key_save_pasted(
        &self,
        region: RegionId,
        api_key_id: String,
        value: Secret,
    ) -> Result<KeyFormat> {
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        let value = Secret::new(value.expose().trim());
        let format = classify_pasted(&value)?;
        let name = format!("{format:?}");
        let what = Audited::new("save_pasted", &profile)
            .region(region)
            .key(key.api_key_id)
            .masked(Some(mask(value.expose())));
        self.audited(what, || {
            self.blocking(move |s| s.inner.saved.save(&key, &value, &name))
        })
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
        self.copy_held(handle, "new key").await
    }

    /// Copy a value held by handle, recorded as a copy of its key.
    async fn copy_held(&self, handle: String, what_it_is: &str) -> Result<ClipboardStatus> {
        let held = self.held(&handle)?;
        let profile = self.acting_profile().await?;
        let what = Audited::new("copy", &profile)
            .region(held.region)
            .key(held.key.api_key_id)
            .masked(Some(mask(held.value.expose())))
            .note(what_it_is);
        self.audited(what, || self.copy_secret(held.value)).await
    }

    /// An export file of the value a one-time dialog shows.
    pub async fn one_time_export(
        &self,
        handle: String,
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let h = self.held(&handle)?;
        // Looked up now, not when the key was made, and only for a `.env`
        // file, the one export that names the host (best effort: the
        // region's shared host otherwise).
        let profile = self.acting_profile().await?;
        let host = match (format, h.workspace_api_host.clone()) {
            (_, Some(host)) => Some(host),
            (ExportFormat::Txt, None) => None,
            (ExportFormat::Env, None) => {
                self.workspace_api_host(&profile, h.region, h.workspace_id.as_deref())
                    .await
            }
        };
        let audit = Audited::new("export", &profile)
            .region(h.region)
            .key(h.key.api_key_id)
            .masked(Some(mask(h.value.expose())));
        Ok(ExportFile {
            suggested_name: export::suggested_file_name(format, "new"),
            content: export::file_content(format, h.region, host.as_deref(), &h.value),
            audit: Some(audit),
        })
    }

    /// The dialog closed: drop the value from memory.
    pub fn one_time_close(&self, handle: &str) {
        self.inner.held.remove(handle);
    }

    pub async fn temp_key_copy(&self, handle: String) -> Result<ClipboardStatus> {
        self.copy_held(handle, "temporary key").await
    }

    /// The workspace inference host of a saved key (best effort: one
    /// ListWorkspaces; `None` falls back to the region's shared host).
    pub(crate) async fn workspace_host_of(
        &self,
        profile: &Profile,
        key: &KeyRef,
    ) -> Option<String> {
        let ws = self.workspace_of_saved(profile, key).await;
        self.workspace_api_host(profile, key.region, ws.as_deref())
            .await
    }

    /// The workspace of a saved key: as its saved record learnt it from a
    /// listing, else from one GetApiKey (remembered for next time).
    async fn workspace_of_saved(&self, profile: &Profile, key: &KeyRef) -> Option<String> {
        let k = key.clone();
        if let Ok(Some(record)) = self.blocking(move |s| s.inner.saved.record(&k)).await {
            if record.workspace_id.is_some() {
                return record.workspace_id;
            }
        }
        let client = self.client_for(profile, key.region).await.ok()?;
        let ws = client
            .get_api_key(key.api_key_id)
            .await
            .ok()?
            .workspace_id?;
        self.learn_saved(vec![Listed {
            key: key.clone(),
            workspace_id: Some(ws.clone()),
            description: None,
            masked: None,
        }])
        .await;
        Some(ws)
    }
}

/// The format name recorded with a saved key (`Workspace`, `Legacy`...).
pub fn format_name(value: &str) -> String {
    format!("{:?}", KeyFormat::classify(value))
}

/// Accept a pasted pay-as-you-go key; refuse plan, temporary and unknown
/// values with the reason (`domain::keyformat::PREFIXES`).
pub fn classify_pasted(value: &Secret) -> Result<KeyFormat> {
    let format = KeyFormat::classify(value.expose());
    match format.paste_reason() {
        None => Ok(format),
        Some(reason) => Err(Error::new(ErrorCode::InvalidInput).with_reason(reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_plan_and_temporary_keys_are_refused_with_a_reason() {
        let plan = classify_pasted(&Secret::new(format!(
            "sk-sp-{}",
            "abcdefghijklmnopqrstuvwxyz012345"
        )))
        .unwrap_err();
        assert_eq!(plan.reason.as_deref(), Some("paste_plan_key"));
        assert!(plan
            .message_in(crate::domain::i18n::Lang::En)
            .contains("Coding Plan"));
        let temp = classify_pasted(&Secret::new("st-abcdefghijklmnop")).unwrap_err();
        assert_eq!(temp.reason.as_deref(), Some("paste_temporary_key"));
        assert!(classify_pasted(&Secret::new("hello world")).is_err());
        let ws = classify_pasted(&Secret::new(format!(
            "sk-ws-{}",
            "abcdefghijklmnopqrstuvwxyz0123456789"
        )))
        .unwrap();
        assert_eq!(ws, KeyFormat::Workspace);
    }
}
