//! Operations that talk to Model Studio (the cloud or the sandbox) through
//! the client. Create and Reset save the new value to the vault before they
//! return (see `save_new_value`).

use super::convert::{key_view, permission_to_wire};
use super::held::Held;
use super::views::{
    ConnectionReport, CreateKeyInput, KeyPage, KeyView, OneTimeKey, PermissionType, Quota,
    RegionCheck, RegionKeys, SaveStatus, UpdateKeyInput,
};
use super::{parse_api_key_id, Studio};
use crate::cloud::reconcile::CreateOutcome;
use crate::cloud::NewKey;
use crate::cloud::Recovered;
use crate::domain::error::{ErrorCode, Result};
use crate::domain::regions::{KeyLimitScope, RegionId};
use crate::protocol::requests::{
    CreateApiKeyRequest, ListApiKeysRequest, ListWorkspacesRequest, UpdateApiKeyRequest,
};
use crate::protocol::wire::ApiKey;
use crate::storage::intents::IntentAction;
use crate::storage::profiles::Profile;
use crate::storage::review_dates::{ReviewDates, ReviewEntry};
use crate::storage::saved_keys::SavedKeyRecord;
use crate::storage::vault::KeyRef;
use std::collections::HashMap;

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

/// A value Create or Reset just returned, and what became of its keychain
/// copy: `Ok(true)` saved, `Ok(false)` not asked to, `Err` the keychain's refusal.
pub struct MadeKey {
    pub new: NewKey,
    pub key: KeyRef,
    pub saved: Result<bool>,
}

/// What to tell the person about a value that came from a second try.
pub fn recovered_note(how: Recovered) -> String {
    let key = match how {
        Recovered::ResetRepeated => "reasons.recovered_reset_repeated",
        Recovered::CreateFound => "reasons.recovered_create_found",
    };
    crate::domain::i18n::tr(crate::domain::i18n::current(), key, &[])
}

/// A listed key as shown anywhere: never more of the value than a mask, even
/// if a server sent the whole value.
fn masked(mut k: ApiKey) -> ApiKey {
    k.api_key_value = k
        .api_key_value
        .as_deref()
        .map(crate::domain::keyformat::display_server_value);
    k
}

/// How long Rust holds a one-time value for Copy/Download while its dialog is open.
const ONE_TIME_HOLD_SECS: i64 = 60 * 60;

impl Studio {
    pub(crate) async fn saved_index(&self) -> Result<HashMap<KeyRef, SavedKeyRecord>> {
        self.blocking(|s| s.inner.saved.list())
            .await
            .map(|l| l.into_iter().map(|r| (r.key.clone(), r)).collect())
    }

    pub async fn keys_list(&self, region: RegionId, workspace: Option<String>) -> Result<KeyPage> {
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        // The whole region, so the quota counts keys of every workspace.
        // Who "you" are rides along with the list: remembered after the first time.
        let every = ListApiKeysRequest::default();
        let (all, you) = tokio::join!(client.list_api_keys(&every), self.you(&client));
        let all = all?;
        let saved = self.saved_index().await?;
        let reviews = self.review_dates_all().await;
        self.sync_reviews(&profile, region, &all, &reviews).await;
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
                key_view(k, region, saved.get(&r), ReviewDates::lookup(&reviews, &r))
            })
            .collect();
        Ok(KeyPage {
            total_count: keys.len() as u32,
            keys,
            you,
            quota: Quota {
                used: quota_used(&all, info.key_limit_scope),
                limit: info.key_limit,
                scope: info.key_limit_scope,
            },
        })
    }

    /// Keep a value Create or Reset just returned: the keychain copy first (per
    /// the profile's preference), before anyone is shown the value.
    pub(crate) async fn made_key(
        &self,
        profile: &Profile,
        region: RegionId,
        new: NewKey,
    ) -> MadeKey {
        let key = Studio::key_ref(profile, region, new.api_key_id);
        let saved = self.save_new_value(profile, &key, &new.value).await;
        MadeKey { new, key, saved }
    }

    /// The one-time display of a kept value: Rust holds it for Copy and
    /// Download by handle while the dialog is open.
    async fn one_time(&self, profile: &Profile, region: RegionId, made: MadeKey) -> OneTimeKey {
        let MadeKey { new, key, saved } = made;
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
            value: new.value.clone(),
            saved_to_keychain: match saved {
                Ok(true) => SaveStatus::Saved,
                Ok(false) => SaveStatus::Off,
                Err(e) => SaveStatus::Failed { error: e.into() },
            },
            recovered_note: new.recovered.map(recovered_note),
        }
    }

    /// Create a key and keep its value (`skm` prints it; the app shows it once).
    pub async fn key_create_kept(&self, input: CreateKeyInput) -> Result<MadeKey> {
        let profile = self.acting_profile().await?;
        self.create_as(&profile, input).await
    }

    pub async fn key_create(&self, input: CreateKeyInput) -> Result<OneTimeKey> {
        let profile = self.acting_profile().await?;
        let region = input.region;
        let made = self.create_as(&profile, input).await?;
        Ok(self.one_time(&profile, region, made).await)
    }

    async fn create_as(&self, profile: &Profile, input: CreateKeyInput) -> Result<MadeKey> {
        let info = input.region.info();
        // Where Custom is not offered (Virginia) a Custom request is refused by the
        // rules, never silently widened to All.
        let auth = if info.custom_permissions || input.permission.kind == PermissionType::Custom {
            Some(crate::protocol::rules::validate_auth(
                &permission_to_wire(&input.permission),
                info,
            )?)
        } else {
            None
        };
        let request = CreateApiKeyRequest {
            auth,
            description: crate::protocol::rules::normalize_description(&input.description)?,
            workspace_id: input.workspace_id.filter(|w| !w.is_empty()),
        };
        let region = input.region;
        let client = self.client_for(profile, region).await?;
        // The intent's time is taken before the "before" list: any key made
        // by a run that settled earlier is in that list.
        let mut intent = self.intent(IntentAction::Create, profile, &client, region);
        let before = client.create_candidates(&request).await?;
        intent.description = request.description.clone();
        intent.workspace_id = request.workspace_id.clone();
        intent.before_ids = before.clone();
        let held = self.begin_intent(intent).await?;
        let created = match client.create_api_key_after(&request, &before).await {
            Ok(CreateOutcome::Made(key)) => {
                self.remember_caller(&client, key.created_by.as_deref())
                    .await;
                Ok(key)
            }
            Ok(CreateOutcome::Lost(lost)) => {
                self.recover_lost_create(&client, profile, &request, lost, &held.intent)
                    .await
            }
            Err(e) => Err(e),
        };
        self.keep_made(profile, region, created, held, "create")
            .await
    }

    /// Keep the value a Create or Reset returned (saved before anyone sees
    /// it), then clear its journal entry: from here on it is not lost.
    async fn keep_made(
        &self,
        profile: &Profile,
        region: RegionId,
        outcome: Result<NewKey>,
        held: crate::storage::intents::HeldIntent,
        action: &str,
    ) -> Result<MadeKey> {
        let new = match outcome {
            Ok(new) => new,
            Err(e) => {
                let named = e
                    .params
                    .iter()
                    .find(|(k, _)| k == "apiKeyId")
                    .and_then(|(_, v)| v.parse().ok());
                self.finish_intent(held, named).await;
                return Err(e);
            }
        };
        super::intents::pause_after_answer(action);
        let id = new.api_key_id;
        let made = self.made_key(profile, region, new).await;
        self.finish_intent(held, Some(id)).await;
        Ok(made)
    }

    /// A new value for the key, kept like a created one; the old one stops working.
    pub async fn key_reset_kept(&self, region: RegionId, api_key_id: String) -> Result<MadeKey> {
        let profile = self.acting_profile().await?;
        self.reset_as(&profile, region, &api_key_id).await
    }

    pub async fn key_reset(&self, region: RegionId, api_key_id: String) -> Result<OneTimeKey> {
        let profile = self.acting_profile().await?;
        let made = self.reset_as(&profile, region, &api_key_id).await?;
        Ok(self.one_time(&profile, region, made).await)
    }

    async fn reset_as(
        &self,
        profile: &Profile,
        region: RegionId,
        api_key_id: &str,
    ) -> Result<MadeKey> {
        let id = parse_api_key_id(api_key_id)?;
        let client = self.client_for(profile, region).await?;
        let mut intent = self.intent(IntentAction::Reset, profile, &client, region);
        intent.api_key_id = Some(id);
        let held = self.begin_intent(intent).await?;
        let reset = client.reset_api_key(id).await;
        self.keep_made(profile, region, reset, held, "reset").await
    }

    /// Keys as the server lists them, filtered and ordered as `request` asks,
    /// every page; values never more than masked (for `skm keys list`).
    pub async fn keys_query(
        &self,
        region: RegionId,
        request: ListApiKeysRequest,
    ) -> Result<Vec<ApiKey>> {
        let client = self.acting_client(region).await?;
        let keys = client.list_api_keys(&request).await?;
        Ok(keys.into_iter().map(masked).collect())
    }

    /// One key as the server has it, its value never more than masked.
    pub async fn key_get(&self, region: RegionId, api_key_id: String) -> Result<ApiKey> {
        let id = parse_api_key_id(&api_key_id)?;
        let client = self.acting_client(region).await?;
        Ok(masked(client.get_api_key(id).await?))
    }

    /// Whether the acting credentials work in `region`: its workspace count.
    pub async fn credentials_check(&self, region: RegionId) -> Result<usize> {
        let client = self.acting_client(region).await?;
        let list = client
            .list_workspaces(&ListWorkspacesRequest::default())
            .await?;
        Ok(list.len())
    }

    pub async fn key_update(&self, input: UpdateKeyInput) -> Result<KeyView> {
        let id = parse_api_key_id(&input.api_key_id)?;
        let profile = self.acting_profile().await?;
        let info = input.region.info();
        let auth = match &input.permission {
            Some(p) if info.custom_permissions || p.kind == PermissionType::Custom => Some(
                crate::protocol::rules::validate_auth(&permission_to_wire(p), info)?,
            ),
            _ => None,
        };
        // Update sends the whole state: an empty description clears it.
        let description = crate::protocol::rules::normalize_description(&input.description)?;
        let request = UpdateApiKeyRequest {
            auth,
            description: Some(description.unwrap_or_default()),
        };
        let client = self.client_for(&profile, input.region).await?;
        client.update_api_key(id, &request).await?;
        let fresh = client.get_api_key(id).await?;
        let saved = self.saved_index().await?;
        let key = Studio::key_ref(&profile, input.region, id);
        let reviews = self.review_dates_all().await;
        Ok(key_view(
            &fresh,
            input.region,
            saved.get(&key),
            ReviewDates::lookup(&reviews, &key),
        ))
    }

    pub async fn key_set_enabled(&self, region: RegionId, id: String, enabled: bool) -> Result<()> {
        let id = parse_api_key_id(&id)?;
        let client = self.acting_client(region).await?;
        if enabled {
            client.enable_api_key(id).await
        } else {
            client.disable_api_key(id).await
        }
    }

    /// Delete the key and its saved copy (the copy is worthless once the key is
    /// gone). A key deleted elsewhere already counts as done.
    pub async fn key_delete(&self, region: RegionId, api_key_id: String) -> Result<()> {
        match self.key_delete_reporting(region, api_key_id).await {
            Err(e) if e.code == ErrorCode::NotFound => Ok(()),
            other => other,
        }
    }

    /// `key_delete`, but a key that was already gone is still reported as
    /// `NotFound` (after its saved copy is forgotten): `skm` exits by it.
    pub async fn key_delete_reporting(&self, region: RegionId, api_key_id: String) -> Result<()> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let deleted = client.delete_api_key(id).await;
        let gone = match &deleted {
            Ok(()) => true,
            Err(e) => e.code == ErrorCode::NotFound,
        };
        if gone {
            let key = Studio::key_ref(&profile, region, id);
            self.inner.held.remove_key(&key);
            if self.keychain_names_are_ours() {
                let dated = key.clone();
                self.blocking(move |s| s.inner.saved.forget(&key).map(|_| ()))
                    .await?;
                let _ = self
                    .blocking(move |s| s.review_dates().forget(&dated))
                    .await;
            }
        }
        deleted
    }

    /// The keys of all six regions at once, asked in parallel. A region that
    /// fails carries its error; the others still show.
    pub async fn keys_list_all_regions(&self) -> Vec<RegionKeys> {
        self.in_every_region(|me, region| async move { me.keys_list(region, None).await })
            .await
            .into_iter()
            .map(|(region, listed)| match listed {
                Ok(page) => RegionKeys {
                    region,
                    page: Some(page),
                    error: None,
                },
                Err(e) => RegionKeys {
                    region,
                    page: None,
                    error: Some(e.into()),
                },
            })
            .collect()
    }

    /// Every review date kept here (a read failure shows no dates, never an error).
    async fn review_dates_all(&self) -> std::collections::BTreeMap<String, ReviewEntry> {
        self.blocking(|s| Ok(s.review_dates().all()))
            .await
            .unwrap_or_default()
    }

    pub(crate) fn review_dates(&self) -> ReviewDates {
        ReviewDates::new(self.inner.dirs.config.join("review-dates.json"))
    }

    /// Set (`YYYY-MM-DD`) or clear (`None`) the date by which the person
    /// wants to look at a key again. Kept on this computer only.
    pub async fn key_set_review_date(
        &self,
        region: RegionId,
        api_key_id: String,
        date: Option<String>,
        label: String,
    ) -> Result<()> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        let key = Studio::key_ref(&profile, region, id);
        self.blocking(move |s| {
            s.review_dates()
                .set(&key, date.as_deref(), &label, &profile.id)
        })
        .await
    }

    /// After a full listing of a region: reminders name keys by their
    /// description as last listed, and a key deleted elsewhere takes its
    /// review date with it. Only when some date is kept (no write otherwise).
    async fn sync_reviews(
        &self,
        profile: &Profile,
        region: RegionId,
        listed: &[ApiKey],
        reviews: &std::collections::BTreeMap<String, ReviewEntry>,
    ) {
        if reviews.is_empty() {
            return;
        }
        let labels: Vec<(KeyRef, String)> = listed
            .iter()
            .map(|k| {
                let r = Studio::key_ref(profile, region, k.api_key_id.unwrap_or_default());
                (r, k.description.clone().unwrap_or_default())
            })
            .collect();
        let scope = Studio::scope_of(profile);
        let profile_id = profile.id.clone();
        let _ = self
            .blocking(move |s| {
                s.review_dates()
                    .sync_listed(&profile_id, scope, region, &labels)
            })
            .await;
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
