//! API keys: list, create/reset (saved to the vault before anything returns),
//! update, enable/disable, delete (+ forget), copy, verify, temporary keys.

use super::export;
use super::held::Held;
use super::views::{ExportFormat, SaveStatus};
use super::{parse_api_key_id, Studio};
use crate::clipboard::ClipboardStatus;
use crate::error::{Error, ErrorCode, Result};
use crate::keyformat::KeyFormat;
use crate::profiles::Profile;
use crate::regions::RegionId;
use crate::secret::Secret;
use crate::vault::KeyRef;
use std::path::PathBuf;

/// The Model Studio clients of this process: one per profile, and the
/// in-process sandbox started on first use.
pub struct Clients {
    sandbox_db: PathBuf,
}

impl Clients {
    pub fn new(sandbox_db: PathBuf) -> Self {
        Clients { sandbox_db }
    }

    pub fn sandbox_db(&self) -> &std::path::Path {
        &self.sandbox_db
    }

    /// Drop cached cloud clients (after a profile change).
    pub fn forget_cloud(&self) {}
}

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

    /// Save a freshly created or reset value, unless the profile says not to.
    /// Runs before the value is returned to anyone (the GUI and `skm` both call it).
    pub async fn save_new_value(
        &self,
        profile: &Profile,
        key: &KeyRef,
        value: &Secret,
    ) -> SaveStatus {
        if !profile.preferences.save_keys_on_create {
            return SaveStatus::Off;
        }
        let (key, value) = (key.clone(), value.clone());
        let format = format_name(value.expose());
        match self
            .blocking(move |s| s.inner.saved.save(&key, &value, &format))
            .await
        {
            Ok(_) => SaveStatus::Saved,
            Err(e) => SaveStatus::Failed { error: e.into() },
        }
    }

    async fn saved_value(&self, key: &KeyRef) -> Result<Secret> {
        let key = key.clone();
        self.blocking(move |s| s.inner.saved.value(&key)).await
    }

    pub(crate) async fn key_ref_for(&self, region: RegionId, api_key_id: &str) -> Result<KeyRef> {
        let id = parse_api_key_id(api_key_id)?;
        let profile = self.active_profile().await?;
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
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = self.saved_value(&key).await?;
        let host = self.workspace_host_of(&key).await;
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
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = self.saved_value(&key).await?;
        let host = self.workspace_host_of(&key).await;
        Ok(export::file_content(
            format,
            region,
            host.as_deref(),
            &value,
        ))
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
        value: String,
    ) -> Result<KeyFormat> {
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = Secret::new(value.trim());
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

    /// The workspace inference host of a key, if the key list told us (best effort).
    async fn workspace_host_of(&self, _key: &KeyRef) -> Option<String> {
        None
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
            .message_in(crate::i18n::Lang::En)
            .contains("Coding Plan"));
        let temp = classify_pasted(&Secret::new("st-abcdefghijklmnop")).unwrap_err();
        assert_eq!(temp.reason.as_deref(), Some("paste_temporary_key"));
        assert!(classify_pasted(&Secret::new("hello world")).is_err());
        let ws =
            classify_pasted(&Secret::new("sk-ws-abcdefghijklmnopqrstuvwxyz0123456789")).unwrap();
        assert_eq!(ws, KeyFormat::Workspace);
    }
}
