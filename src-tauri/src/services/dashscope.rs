//! Calls that use an API key itself (DashScope): does a saved key still
//! work, and temporary keys made from it.

use super::held::Held;
use super::views::TempKeyValue;
use super::views::{KeyCheck as HeldValueCheck, TempKeyView, VerifyOutcome, VerifyResult};
use super::{Studio, Who};
use crate::cloud::dashscope::{DashScope, KeyCheck};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::protocol::wire::ApiKey;
use crate::storage::profiles::{Profile, ProfileKind};
use crate::storage::vault::KeyRef;
use std::time::Instant;

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
        if let Some(url) = self.inner.acting.dashscope_override()? {
            return DashScope::new(region, None, Some(url));
        }
        match profile.kind {
            ProfileKind::Sandbox => {
                let sb = self.inner.clients.sandbox().await?;
                DashScope::new(region, None, Some(&sb.dashscope_base_url(region)))
            }
            ProfileKind::AlibabaCloud => DashScope::new(region, workspace_host, None),
        }
    }

    /// What DashScope calls need about a saved key: the key as the cloud has
    /// it (best effort) and its workspace's host.
    async fn saved_key_context(
        &self,
        profile: &Profile,
        key: &KeyRef,
    ) -> Result<(Option<ApiKey>, Option<String>)> {
        let region = key.region;
        let client = self.client_for(profile, region).await?;
        // Best effort: a key deleted elsewhere still gets checked (and reported invalid).
        let listed = client.get_api_key(key.api_key_id).await.ok();
        let workspace = listed.as_ref().and_then(|k| k.workspace_id.clone());
        let host = self
            .workspace_api_host(profile, region, workspace.as_deref())
            .await;
        Ok((listed, host))
    }

    /// Does the saved copy of this key still work, here? Marks a copy that no
    /// longer verifies as stale (the key was reset or deleted elsewhere).
    pub async fn key_verify(&self, region: RegionId, api_key_id: String) -> Result<VerifyResult> {
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
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
        let (listed, host) = self.saved_key_context(&profile, &key).await?;
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
        let ttl = crate::domain::rules::check_ttl(Some(i64::from(ttl_seconds)))?;
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        let value = self.saved_value(&key).await?;
        let (listed, host) = self.saved_key_context(&profile, &key).await?;
        let listed_workspace = listed.and_then(|k| k.workspace_id);
        let what = super::audit::Audited::new("temporary_key", &profile)
            .region(region)
            .key(key.api_key_id)
            .masked(Some(crate::domain::keyformat::mask(value.expose())))
            .note(format!("{ttl} s"));
        let dashscope = self
            .dashscope_for(&profile, region, host.as_deref())
            .await?;
        let temp = self
            .audited(what, || {
                dashscope.temporary_key(&value, Some(i64::from(ttl)))
            })
            .await?;
        let handle = self.inner.held.insert(Held {
            key,
            region,
            workspace_id: listed_workspace,
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

impl Studio {
    /// What DashScope makes of `value` in `region` (at the workspace's host
    /// when known): a rotation's twin is checked so.
    pub(crate) async fn check_value_with(
        &self,
        profile: &Profile,
        region: RegionId,
        workspace_host: Option<&str>,
        value: &Secret,
    ) -> Result<KeyCheck> {
        let dashscope = self.dashscope_for(profile, region, workspace_host).await?;
        dashscope.check_key(value).await
    }

    /// A temporary `st-` key of `ttl` seconds made from `value` (`skm exec
    /// --temporary`: the program gets this, never the saved value).
    pub(crate) async fn temporary_from(
        &self,
        profile: &Profile,
        region: RegionId,
        workspace_host: Option<&str>,
        value: &Secret,
        ttl: u32,
    ) -> Result<Secret> {
        let dashscope = self.dashscope_for(profile, region, workspace_host).await?;
        Ok(dashscope
            .temporary_key(value, Some(i64::from(ttl)))
            .await?
            .token)
    }

    /// A temporary `st-` key from a value the caller holds (`skm temp-key`
    /// reads it from the environment or stdin, never from its arguments).
    pub async fn temp_key_from_value(
        &self,
        region: RegionId,
        value: &Secret,
        ttl_seconds: Option<i64>,
        workspace_id: Option<&str>,
    ) -> Result<TempKeyValue> {
        let dashscope = self.dashscope_near(region, workspace_id).await?;
        let temp = dashscope.temporary_key(value, ttl_seconds).await?;
        Ok(TempKeyValue {
            token: temp.token,
            expires_at: temp.expires_at,
        })
    }

    /// Whether a value the caller holds works as an API key in `region`.
    pub async fn key_check_value(
        &self,
        region: RegionId,
        value: &Secret,
        workspace_id: Option<&str>,
    ) -> Result<HeldValueCheck> {
        let dashscope = self.dashscope_near(region, workspace_id).await?;
        Ok(match dashscope.check_key(value).await? {
            KeyCheck::Valid => HeldValueCheck::Valid,
            KeyCheck::Invalid => HeldValueCheck::Invalid,
            KeyCheck::Denied => HeldValueCheck::Denied,
        })
    }

    /// Where a value the caller holds is checked: the base URL override if
    /// given; the named profile's DashScope (the sandbox's for a sandbox
    /// profile), at `workspace_id`'s host when it can be found (best effort);
    /// otherwise the region's shared host: a key from the environment is a
    /// cloud key unless said otherwise.
    async fn dashscope_near(
        &self,
        region: RegionId,
        workspace_id: Option<&str>,
    ) -> Result<DashScope> {
        if let Some(url) = self.inner.acting.dashscope_override()? {
            return DashScope::new(region, None, Some(url));
        }
        if matches!(self.inner.acting.who, Who::ActiveProfile) {
            return DashScope::new(region, None, None);
        }
        let profile = self.acting_profile().await?;
        let host = match workspace_id {
            Some(ws) => self.workspace_api_host(&profile, region, Some(ws)).await,
            None => None,
        };
        self.dashscope_for(&profile, region, host.as_deref()).await
    }
}
