//! Operations that talk to Model Studio (the cloud or the sandbox) through
//! the client. Create and Reset save the new value to the vault before they
//! return (see `save_new_value`).

use super::convert::{key_view, model_views, permission_to_wire, workspace_views};
use super::held::Held;
use super::views::{
    ConnectionReport, CreateKeyInput, KeyPage, KeyView, ModelView, OneTimeKey, PermissionType,
    Quota, RegionCheck, TempKeyView, UpdateKeyInput, VerifyOutcome, VerifyResult, WorkspaceView,
};
use super::{parse_api_key_id, Studio};
use crate::dashscope::{DashScope, KeyCheck};
use crate::error::{Error, ErrorCode, Result};
use crate::modelstudio::requests::{
    CreateApiKeyRequest, ListApiKeysRequest, ListWorkspacesRequest, UpdateApiKeyRequest,
};
use crate::modelstudio::wire::ApiKey;
use crate::modelstudio::NewKey;
use crate::profiles::{Profile, ProfileKind};
use crate::regions::{KeyLimitScope, RegionId};
use crate::saved_keys::SavedKeyRecord;
use crate::secret::Secret;
use crate::vault::KeyRef;
use std::collections::HashMap;
use std::time::Instant;

/// Keys counted against the limit. Per-account regions count every key; in
/// per-owner regions (us-east-1) a root account sees everyone's keys, so the
/// owner closest to the limit is shown (a RAM user only sees its own anyway).
pub fn quota_used(keys: &[ApiKey], scope: KeyLimitScope) -> u32 {
    match scope {
        KeyLimitScope::Account => keys.len() as u32,
        KeyLimitScope::Owner => {
            let mut by_owner: HashMap<&str, u32> = HashMap::new();
            for k in keys {
                *by_owner
                    .entry(k.created_by.as_deref().unwrap_or(""))
                    .or_default() += 1;
            }
            by_owner.values().copied().max().unwrap_or(0)
        }
    }
}

/// How long Rust holds a one-time value for Copy/Download while its dialog is open.
const ONE_TIME_HOLD_SECS: i64 = 60 * 60;

impl Studio {
    async fn saved_index(&self) -> Result<HashMap<KeyRef, SavedKeyRecord>> {
        self.blocking(|s| s.inner.saved.list())
            .await
            .map(|l| l.into_iter().map(|r| (r.key.clone(), r)).collect())
    }

    pub async fn keys_list(&self, region: RegionId, workspace: Option<String>) -> Result<KeyPage> {
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        // The whole region, so the quota counts keys of every workspace.
        let all = client.list_api_keys(&ListApiKeysRequest::default()).await?;
        let saved = self.saved_index().await?;
        let info = region.info();
        let keys: Vec<KeyView> = all
            .iter()
            .filter(|k| {
                workspace
                    .as_deref()
                    .is_none_or(|w| k.workspace_id.as_deref() == Some(w))
            })
            .map(|k| {
                let r = Studio::key_ref(&profile, region, k.api_key_id.unwrap_or_default());
                key_view(k, region, saved.get(&r))
            })
            .collect();
        Ok(KeyPage {
            total_count: keys.len() as u32,
            keys,
            quota: Quota {
                used: quota_used(&all, info.key_limit_scope),
                limit: info.key_limit,
                scope: info.key_limit_scope,
            },
        })
    }

    /// Keep the new value: vault first (per the profile's preference), then a handle.
    async fn one_time(&self, profile: &Profile, region: RegionId, new: NewKey) -> OneTimeKey {
        let key = Studio::key_ref(profile, region, new.api_key_id);
        let saved_to_keychain = self.save_new_value(profile, &key, &new.value).await;
        self.inner.held.remove_key(&key);
        let host = self
            .workspace_api_host(profile, region, new.workspace_id.as_deref())
            .await;
        let handle = self.inner.held.insert(Held {
            key,
            region,
            workspace_api_host: host,
            value: new.value.clone(),
            // Dropped when the dialog closes; this bounds how long a value outlives
            // a dialog that never said so (a crashed or reloaded webview).
            expires_at: Some(chrono::Utc::now().timestamp() + ONE_TIME_HOLD_SECS),
        });
        OneTimeKey {
            handle,
            api_key_id: new.api_key_id.to_string(),
            region,
            workspace_id: new.workspace_id,
            // The one deliberate exposure: the one-time display.
            value: new.value.expose().to_owned(),
            saved_to_keychain,
        }
    }

    pub async fn key_create(&self, input: CreateKeyInput) -> Result<OneTimeKey> {
        let profile = self.active_profile().await?;
        let info = input.region.info();
        // Where Custom is not offered (Virginia) a Custom request is refused by the
        // rules, never silently widened to All.
        let auth = if info.custom_permissions || input.permission.kind == PermissionType::Custom {
            Some(crate::rules::validate_auth(
                &permission_to_wire(&input.permission),
                info,
            )?)
        } else {
            None
        };
        let request = CreateApiKeyRequest {
            auth,
            description: crate::rules::normalize_description(&input.description)?,
            workspace_id: input.workspace_id.filter(|w| !w.is_empty()),
        };
        let client = self.client_for(&profile, input.region).await?;
        let new = client.create_api_key(&request).await?;
        Ok(self.one_time(&profile, input.region, new).await)
    }

    pub async fn key_reset(&self, region: RegionId, api_key_id: String) -> Result<OneTimeKey> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let new = client.reset_api_key(id).await?;
        Ok(self.one_time(&profile, region, new).await)
    }

    pub async fn key_update(&self, input: UpdateKeyInput) -> Result<KeyView> {
        let id = parse_api_key_id(&input.api_key_id)?;
        let profile = self.active_profile().await?;
        let info = input.region.info();
        let auth = match &input.permission {
            Some(p) if info.custom_permissions || p.kind == PermissionType::Custom => {
                Some(crate::rules::validate_auth(&permission_to_wire(p), info)?)
            }
            _ => None,
        };
        let request = UpdateApiKeyRequest {
            auth,
            description: crate::rules::normalize_description(&input.description)?,
        };
        let client = self.client_for(&profile, input.region).await?;
        client.update_api_key(id, &request).await?;
        let fresh = client.get_api_key(id).await?;
        let saved = self.saved_index().await?;
        let key = Studio::key_ref(&profile, input.region, id);
        Ok(key_view(&fresh, input.region, saved.get(&key)))
    }

    pub async fn key_set_enabled(&self, region: RegionId, id: String, enabled: bool) -> Result<()> {
        let id = parse_api_key_id(&id)?;
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        if enabled {
            client.enable_api_key(id).await
        } else {
            client.disable_api_key(id).await
        }
    }

    /// Delete the key and its saved copy (the copy is worthless once the key is gone).
    pub async fn key_delete(&self, region: RegionId, api_key_id: String) -> Result<()> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        match client.delete_api_key(id).await {
            Ok(()) => {}
            // Deleted elsewhere already: still forget our copy.
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
        let key = Studio::key_ref(&profile, region, id);
        self.inner.held.remove_key(&key);
        self.blocking(move |s| s.inner.saved.forget(&key).map(|_| ()))
            .await
    }

    pub async fn workspaces_list(&self, region: RegionId) -> Result<Vec<WorkspaceView>> {
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let list = client
            .list_workspaces(&ListWorkspacesRequest::default())
            .await?;
        Ok(workspace_views(&list))
    }

    /// The workspace's inference host, for base URLs in exports (best effort).
    pub(crate) async fn workspace_api_host(
        &self,
        profile: &Profile,
        region: RegionId,
        workspace_id: Option<&str>,
    ) -> Option<String> {
        let workspace_id = workspace_id?;
        let client = self.client_for(profile, region).await.ok()?;
        let req = ListWorkspacesRequest {
            workspace_id: Some(workspace_id.to_owned()),
            ..Default::default()
        };
        let list = client.list_workspaces(&req).await.ok()?;
        list.into_iter()
            .find(|w| w.workspace_id.as_deref() == Some(workspace_id))
            .and_then(|w| w.api_host)
            .filter(|h| !h.is_empty())
    }

    pub async fn models_authorized(&self, region: RegionId, ws: String) -> Result<Vec<ModelView>> {
        let profile = self.active_profile().await?;
        let client = self.client_for(&profile, region).await?;
        Ok(model_views(&client.authorized_models(&ws).await?))
    }

    /// Which regions answer ListWorkspaces with these credentials, and whether
    /// listing keys (the key-management permission) is allowed.
    pub async fn profile_test(&self, profile_id: String) -> Result<ConnectionReport> {
        let profile = self
            .blocking(move |s| s.inner.profiles.find(&profile_id))
            .await?;
        self.inner.clients.forget_cloud();
        let mut regions = Vec::new();
        let mut can_manage_keys = false;
        for region in RegionId::ALL {
            let client = self.client_for(&profile, region).await?;
            match client
                .list_workspaces(&ListWorkspacesRequest::default())
                .await
            {
                Ok(ws) => {
                    if !can_manage_keys {
                        let probe = ListApiKeysRequest {
                            max_results: Some(1),
                            ..Default::default()
                        };
                        can_manage_keys = client.list_api_keys_page(&probe).await.is_ok();
                    }
                    regions.push(RegionCheck {
                        region,
                        ok: true,
                        workspace_count: Some(ws.len() as u32),
                        error: None,
                    });
                }
                Err(e) => regions.push(RegionCheck {
                    region,
                    ok: false,
                    workspace_count: None,
                    error: Some(e.into()),
                }),
            }
        }
        Ok(ConnectionReport {
            regions,
            can_manage_keys,
        })
    }
}

impl Studio {
    /// A DashScope client for `region`: the sandbox's own listener for the
    /// sandbox profile; otherwise the workspace host when known, else the
    /// region's shared host.
    async fn dashscope_for(
        &self,
        profile: &Profile,
        region: RegionId,
        workspace_host: Option<&str>,
    ) -> Result<DashScope> {
        match profile.kind {
            ProfileKind::Sandbox => {
                let sb = self.inner.clients.sandbox().await?;
                DashScope::new(region, None, Some(&sb.dashscope_base_url(region)))
            }
            ProfileKind::AlibabaCloud => DashScope::new(region, workspace_host, None),
        }
    }

    /// The saved value of a key and the facts DashScope calls need about it.
    async fn saved_key_context(
        &self,
        region: RegionId,
        api_key_id: &str,
    ) -> Result<(Profile, KeyRef, Option<ApiKey>, Option<String>)> {
        let profile = self.active_profile().await?;
        let key = self.key_ref_for(region, api_key_id).await?;
        let client = self.client_for(&profile, region).await?;
        // Best effort: a key deleted elsewhere still gets checked (and reported invalid).
        let listed = client.get_api_key(key.api_key_id).await.ok();
        let workspace = listed.as_ref().and_then(|k| k.workspace_id.clone());
        let host = self
            .workspace_api_host(&profile, region, workspace.as_deref())
            .await;
        Ok((profile, key, listed, host))
    }

    /// Does the saved copy of this key still work, here? Marks a copy that no
    /// longer verifies as stale (the key was reset or deleted elsewhere).
    pub async fn key_verify(&self, region: RegionId, api_key_id: String) -> Result<VerifyResult> {
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = match self.saved_value(&key).await {
            Ok(v) => v,
            Err(e) if e.code == ErrorCode::NotSaved => {
                return Ok(VerifyResult {
                    outcome: VerifyOutcome::NotSaved,
                    latency_ms: None,
                    error: None,
                })
            }
            Err(e) => return Err(e),
        };
        let (profile, key, listed, host) = self.saved_key_context(region, &api_key_id).await?;
        let dashscope = self
            .dashscope_for(&profile, region, host.as_deref())
            .await?;
        let started = Instant::now();
        let checked = dashscope.check_key(&value).await;
        let latency_ms = Some(started.elapsed().as_millis().min(u32::MAX as u128) as u32);
        let disabled = listed.as_ref().is_some_and(|k| k.disabled == Some(1));
        let outcome = match checked {
            Ok(KeyCheck::Valid) => VerifyOutcome::Works,
            Ok(KeyCheck::Invalid) if disabled => VerifyOutcome::Disabled,
            Ok(KeyCheck::Invalid) => {
                if self.works_in_another_region(&profile, region, &value).await {
                    VerifyOutcome::WrongRegion
                } else {
                    VerifyOutcome::Invalid
                }
            }
            Ok(KeyCheck::Denied) => {
                let error = Error::new(ErrorCode::Forbidden).with_reason("api_key_denied");
                return Ok(VerifyResult {
                    outcome: VerifyOutcome::Unknown,
                    latency_ms,
                    error: Some(error.into()),
                });
            }
            Err(e) => {
                return Ok(VerifyResult {
                    outcome: VerifyOutcome::Unknown,
                    latency_ms,
                    error: Some(e.into()),
                })
            }
        };
        let stale = outcome == VerifyOutcome::Invalid;
        self.blocking(move |s| s.inner.saved.set_stale(&key, stale))
            .await?;
        Ok(VerifyResult {
            outcome,
            latency_ms,
            error: None,
        })
    }

    /// Keys work only in their own region: a key that fails here but works in
    /// another region was saved against the wrong one.
    async fn works_in_another_region(
        &self,
        profile: &Profile,
        here: RegionId,
        value: &Secret,
    ) -> bool {
        for region in RegionId::ALL.into_iter().filter(|r| *r != here) {
            let Ok(dashscope) = self.dashscope_for(profile, region, None).await else {
                continue; // no shared host in that region: nothing to ask
            };
            if matches!(dashscope.check_key(value).await, Ok(KeyCheck::Valid)) {
                return true;
            }
        }
        false
    }

    /// A temporary `st-` key from the saved copy. Its value stays in Rust
    /// (copied by handle) until it expires.
    pub async fn temp_key_create(
        &self,
        region: RegionId,
        api_key_id: String,
        ttl_seconds: u32,
    ) -> Result<TempKeyView> {
        let ttl = crate::rules::check_ttl(Some(i64::from(ttl_seconds)))?;
        let key = self.key_ref_for(region, &api_key_id).await?;
        let value = self.saved_value(&key).await?;
        let (profile, key, _, host) = self.saved_key_context(region, &api_key_id).await?;
        let dashscope = self
            .dashscope_for(&profile, region, host.as_deref())
            .await?;
        let temp = dashscope
            .temporary_key(&value, Some(i64::from(ttl)))
            .await?;
        let handle = self.inner.held.insert(Held {
            key,
            region,
            workspace_api_host: host,
            value: temp.token,
            expires_at: Some(temp.expires_at),
        });
        Ok(TempKeyView {
            handle,
            expires_at: temp.expires_at as f64,
        })
    }
}
