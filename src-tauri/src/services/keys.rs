//! API keys as Model Studio has them: list, get, create and reset (saved to
//! the keychain before anything returns), update, enable/disable, delete.
//! One operation per action; the app and `skm` call the same one and each
//! shows what it needs of the result.

use super::audit::Audited;
use super::convert::key_view;
use super::held::Held;
use super::views::{
    CreateKeyInput, DeleteOutcome, KeyOrder, KeyPage, KeyQuery, KeySort, KeyView, OneTimeKey,
    PermissionChange, PermissionType, Quota, RegionKeys, SaveStatus, UpdateKeyInput,
};
use super::{parse_api_key_id, Studio};
use crate::cloud::reconcile::CreateOutcome;
use crate::cloud::{NewKey, Recovered};
use crate::domain::error::{ErrorCode, Result};
use crate::domain::keyformat::display_server_value;
use crate::domain::permission::Permission;
use crate::domain::regions::{KeyLimitScope, RegionId};
use crate::domain::rules;
use crate::protocol::requests::{
    CreateApiKeyRequest, ListApiKeysRequest, OrderBy, SortOrder, UpdateApiKeyRequest,
};
use crate::protocol::wire::{ApiKey, Auth};
use crate::storage::intents::IntentAction;
use crate::storage::profiles::Profile;
use crate::storage::review_dates::ReviewDates;
use crate::storage::saved_keys::Listed;
use crate::storage::vault::KeyRef;
use std::collections::HashMap;

/// Keys asked for per page of a listing: the most a region holds within its
/// limit (console rules), so one call lists a whole region; the service's
/// own default is 10 a page (a 50-key region took five calls in a row).
const WHOLE_REGION_PAGE: i64 = 50;

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
pub(crate) struct MadeKey {
    pub new: NewKey,
    pub key: KeyRef,
    pub saved: Result<bool>,
}

/// What to tell the person about a value that came from a second try.
pub(crate) fn recovered_note(how: Recovered) -> String {
    let key = match how {
        Recovered::ResetRepeated => "reasons.recovered_reset_repeated",
        Recovered::CreateFound => "reasons.recovered_create_found",
    };
    crate::domain::i18n::tr(crate::domain::i18n::current(), key, &[])
}

/// Whether a listed key is one `query` asks for (its filters beyond the
/// workspace's: an exact id, a description containing the text, as the
/// console's fuzzy search matches it, ignoring case).
fn matches(k: &ApiKey, query: &KeyQuery) -> bool {
    let workspace = query
        .workspace_id
        .as_deref()
        .filter(|w| !w.is_empty())
        .is_none_or(|w| k.workspace_id.as_deref() == Some(w));
    let id = query.api_key_id.is_none_or(|id| k.api_key_id == Some(id));
    let description = query
        .description
        .as_deref()
        .filter(|d| !d.is_empty())
        .is_none_or(|d| {
            k.description
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains(&d.to_lowercase())
        });
    workspace && id && description
}

/// What the audit record of a Create or Reset says of the key it made: its
/// id and a mask of its value, never the value.
fn made_into_record(entry: &mut crate::storage::audit::Entry, shown: &OneTimeKey) {
    entry.api_key_id = Some(shown.api_key_id.clone());
    entry.masked = Some(crate::domain::keyformat::mask(shown.value.expose()));
    if shown.recovered {
        entry.note = Some("recovered after a lost answer".into());
    }
}

/// How long Rust holds a one-time value for Copy/Download while its dialog is open.
const ONE_TIME_HOLD_SECS: i64 = 60 * 60;

impl Studio {
    pub(crate) async fn saved_index(
        &self,
    ) -> Result<HashMap<KeyRef, crate::storage::saved_keys::SavedKeyRecord>> {
        self.blocking(|s| s.inner.saved.list())
            .await
            .map(|l| l.into_iter().map(|r| (r.key.clone(), r)).collect())
    }

    /// The keys of a region that `query` asks for, as the list shows them
    /// (values never more than masked), with the region's quota. Every page
    /// of the whole region is listed, so the quota counts the keys of every
    /// workspace; the query narrows what is returned. A workspace that no
    /// key names and the region does not have is `NotFound`.
    pub async fn keys_list(&self, region: RegionId, query: KeyQuery) -> Result<KeyPage> {
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        // Who "you" are rides along with the list: remembered after the first time.
        let every = ListApiKeysRequest {
            max_results: query.page_size.or(Some(WHOLE_REGION_PAGE)),
            order: query.order.map(|o| match o {
                KeyOrder::Asc => SortOrder::Asc,
                KeyOrder::Desc => SortOrder::Desc,
            }),
            order_by: query.sort.map(|s| match s {
                KeySort::Id => OrderBy::ApiKeyId,
                KeySort::Created => OrderBy::GmtCreate,
            }),
            ..Default::default()
        };
        let (all, you) = tokio::join!(client.list_api_keys(&every), self.you(&client));
        let all = all?;
        let saved = self.saved_index().await?;
        let reviews = self.review_dates_all().await;
        self.sync_reviews(&profile, region, &all, &reviews).await;
        if let Some(ws) = query.workspace_id.as_deref().filter(|w| !w.is_empty()) {
            let named = all.iter().any(|k| k.workspace_id.as_deref() == Some(ws));
            if !named {
                self.workspace_or_default(region, Some(ws)).await?;
            }
        }
        self.learn_from_listing(&profile, region, &all, &saved)
            .await;
        let info = region.info();
        let keys: Vec<KeyView> = all
            .iter()
            .filter(|k| matches(k, &query))
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

    /// Saved copies learn their key's workspace (`skm exec` sends calls to
    /// the workspace's host), description and masked value (the tray shows
    /// them) from a listing. Best effort: no write when nothing changed.
    async fn learn_from_listing(
        &self,
        profile: &Profile,
        region: RegionId,
        listed: &[ApiKey],
        saved: &HashMap<KeyRef, crate::storage::saved_keys::SavedKeyRecord>,
    ) {
        let seen: Vec<Listed> = listed
            .iter()
            .filter_map(|k| {
                let key = Studio::key_ref(profile, region, k.api_key_id?);
                saved.contains_key(&key).then(|| Listed {
                    key,
                    workspace_id: k.workspace_id.clone(),
                    // A listing knows every description (ListApiKeys answers
                    // the field for each key): none is an empty one; `None`
                    // would keep a cleared one in the index.
                    description: Some(k.description.clone().unwrap_or_default()),
                    masked: k.api_key_value.as_deref().map(display_server_value),
                })
            })
            .collect();
        self.learn_saved(seen).await;
    }

    /// Keep what is now known of saved keys in the index (`SavedKeys::learn`).
    pub(crate) async fn learn_saved(&self, seen: Vec<Listed>) {
        if seen.is_empty() || !self.keychain_names_are_ours() {
            return;
        }
        if let Err(e) = self.blocking(move |s| s.inner.saved.learn(&seen)).await {
            log::debug!("what the list says of saved keys not kept: {}", e.code);
        }
    }

    /// One key as the server has it now, as the list shows it.
    pub async fn key_get(&self, region: RegionId, api_key_id: String) -> Result<KeyView> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let fresh = client.get_api_key(id).await?;
        self.view_of(&profile, region, &fresh).await
    }

    async fn view_of(&self, profile: &Profile, region: RegionId, k: &ApiKey) -> Result<KeyView> {
        let saved = self.saved_index().await?;
        let key = Studio::key_ref(profile, region, k.api_key_id.unwrap_or_default());
        let reviews = self.review_dates_all().await;
        Ok(key_view(
            k,
            region,
            saved.get(&key),
            ReviewDates::lookup(&reviews, &key),
        ))
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
        let known = Listed {
            key: key.clone(),
            workspace_id: new.workspace_id.clone(),
            description: new.description.clone(),
            masked: None,
        };
        let saved = self.save_new_value(profile, known, &new.value).await;
        MadeKey { new, key, saved }
    }

    /// The one-time display of a kept value: Rust holds it for Copy and
    /// Download by handle while the dialog is open (`skm` prints it instead).
    fn one_time(&self, region: RegionId, made: MadeKey) -> OneTimeKey {
        let MadeKey { new, key, saved } = made;
        self.inner.held.remove_key(&key);
        let handle = self.inner.held.insert(Held {
            key,
            region,
            workspace_id: new.workspace_id.clone(),
            // Looked up if the value is exported: only that needs it.
            workspace_api_host: None,
            value: new.value.clone(),
            // Dropped when the dialog closes; this bounds how long a value outlives
            // a dialog that never said so (a crashed or reloaded webview).
            expires_at: Some(chrono::Utc::now().timestamp() + ONE_TIME_HOLD_SECS),
        });
        let (saved_to_keychain, save_error) = match saved {
            Ok(true) => (SaveStatus::Saved, None),
            Ok(false) => (SaveStatus::Off, None),
            Err(e) => (
                SaveStatus::Failed {
                    error: e.clone().into(),
                },
                Some(e),
            ),
        };
        OneTimeKey {
            handle,
            api_key_id: new.api_key_id.to_string(),
            region,
            workspace_id: new.workspace_id,
            description: new.description,
            // The one deliberate exposure: the one-time display.
            value: new.value,
            saved_to_keychain,
            save_error,
            recovered: new.recovered.is_some(),
            recovered_note: new.recovered.map(recovered_note),
        }
    }

    /// Create a key; its value is saved (per the profile's preference) before
    /// it is returned to be shown once.
    pub async fn key_create(&self, input: CreateKeyInput) -> Result<OneTimeKey> {
        let profile = self.acting_profile().await?;
        self.create_key_as(&profile, input).await
    }

    /// `key_create` as `profile` (a rotation's twin is saved whatever the
    /// profile prefers: it passes a copy that says so).
    pub(crate) async fn create_key_as(
        &self,
        profile: &Profile,
        input: CreateKeyInput,
    ) -> Result<OneTimeKey> {
        let profile = profile.clone();
        let region = input.region;
        let info = region.info();
        // Where Custom is not offered (Virginia) a Custom request is refused by the
        // rules, never silently widened to All.
        let auth = if info.custom_permissions || input.permission.kind == PermissionType::Custom {
            Some(Auth::from_permission(&rules::validate_permission(
                &input.permission,
                info,
            )?))
        } else {
            None
        };
        let request = CreateApiKeyRequest {
            auth,
            description: rules::normalize_description(&input.description)?,
            workspace_id: input.workspace_id.filter(|w| !w.is_empty()),
        };
        let client = self.client_for(&profile, region).await?;
        // The intent's time is taken before the "before" list: any key made
        // by a run that settled earlier is in that list.
        let mut intent = self.intent(IntentAction::Create, &profile, &client, region);
        let before = client.create_candidates(&request).await?;
        intent.description = request.description.clone();
        intent.workspace_id = request.workspace_id.clone();
        intent.before_ids = before.clone();
        let started = self
            .audit_start(
                Audited::new("create", &profile)
                    .region(region)
                    .note(request.description.clone().unwrap_or_default()),
            )
            .await?;
        intent.audit_seq = Some(started.seq());
        let held = self.begin_intent(intent).await?;
        let created = match client.create_api_key_after(&request, &before).await {
            Ok(CreateOutcome::Made(key)) => {
                self.remember_caller(&client, key.created_by.as_deref())
                    .await;
                Ok(key)
            }
            Ok(CreateOutcome::Lost(lost)) => {
                self.recover_lost_create(&client, &profile, &request, lost, &held.intent)
                    .await
            }
            Err(e) => Err(e),
        };
        let shown = self
            .keep_made(&profile, region, created, held, "create")
            .await
            .map(|made| self.one_time(region, made));
        self.audit_end(started, &shown, made_into_record).await;
        shown
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
    pub async fn key_reset(&self, region: RegionId, api_key_id: String) -> Result<OneTimeKey> {
        let profile = self.acting_profile().await?;
        let id = parse_api_key_id(&api_key_id)?;
        let client = self.client_for(&profile, region).await?;
        let mut intent = self.intent(IntentAction::Reset, &profile, &client, region);
        intent.api_key_id = Some(id);
        let started = self
            .audit_start(Audited::new("reset", &profile).region(region).key(id))
            .await?;
        intent.audit_seq = Some(started.seq());
        let held = self.begin_intent(intent).await?;
        let reset = client.reset_api_key(id).await;
        let shown = self
            .keep_made(&profile, region, reset, held, "reset")
            .await
            .map(|made| self.one_time(region, made));
        self.audit_end(started, &shown, made_into_record).await;
        shown
    }

    /// Change what `input` gives and keep the rest: the key is read first,
    /// because Update replaces the description and the whole permission block.
    pub async fn key_update(&self, input: UpdateKeyInput) -> Result<KeyView> {
        let id = parse_api_key_id(&input.api_key_id)?;
        let profile = self.acting_profile().await?;
        let region = input.region;
        let info = region.info();
        let client = self.client_for(&profile, region).await?;
        let current = client.get_api_key(id).await?;
        let wanted = input
            .permission
            .apply(&Auth::permission(current.auth.as_ref()));
        // No change asked: no block sent, so the server keeps the key's own
        // (even one set in the console that this app's rules would refuse).
        // Where the region has no Custom permissions, the block is left alone
        // unless Custom was asked for, which the rules refuse.
        let auth = if input.permission.is_empty() {
            None
        } else if info.custom_permissions || wanted.kind == PermissionType::Custom {
            Some(Auth::from_permission(&rules::validate_permission(
                &wanted, info,
            )?))
        } else {
            None
        };
        let description = match &input.description {
            Some(given) => rules::normalize_description(given)?,
            None => current.description.clone().filter(|d| !d.is_empty()),
        };
        // An empty description clears it: Update sends the whole state.
        let request = UpdateApiKeyRequest {
            auth,
            description: Some(description.unwrap_or_default()),
        };
        let what = Audited::new("update", &profile)
            .region(region)
            .key(id)
            .masked(current.api_key_value.as_deref().map(display_server_value));
        self.audited(what, || client.update_api_key(id, &request))
            .await?;
        // The change is made: a read-back lost to the network or the server
        // (after its retries) must not report it as failed. The key is then
        // shown as it was with what the server accepted. Any other answer
        // (the key deleted meanwhile, a refusal) is the person's to know.
        let fresh = match client.get_api_key(id).await {
            Ok(fresh) => fresh,
            Err(e) if crate::cloud::retry::is_transient(&e) => {
                log::warn!("key {id} updated; reading it back failed ({})", e.code);
                ApiKey {
                    description: request.description.clone(),
                    auth: request.auth.clone().or(current.auth),
                    ..current
                }
            }
            Err(e) => return Err(e),
        };
        self.view_of(&profile, region, &fresh).await
    }

    pub async fn key_set_enabled(&self, region: RegionId, id: String, enabled: bool) -> Result<()> {
        let id = parse_api_key_id(&id)?;
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let action = if enabled { "enable" } else { "disable" };
        let what = Audited::new(action, &profile).region(region).key(id);
        self.audited(what, || async {
            if enabled {
                client.enable_api_key(id).await
            } else {
                client.disable_api_key(id).await
            }
        })
        .await
    }

    /// Delete the key and its saved copy (the copy is worthless once the key is
    /// gone). A key deleted elsewhere is gone all the same: the outcome says
    /// which (the app counts both as done; `skm` exits 5 for the second).
    pub async fn key_delete(&self, region: RegionId, api_key_id: String) -> Result<DeleteOutcome> {
        let id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let what = Audited::new("delete", &profile).region(region).key(id);
        let deleted = self
            .audited(what, || async {
                match client.delete_api_key(id).await {
                    // Gone already counts as done, in the log too.
                    Err(e) if e.code == ErrorCode::NotFound => Ok(Err(e)),
                    other => other.map(Ok),
                }
            })
            .await?;
        let outcome = match deleted {
            Ok(()) => DeleteOutcome::Deleted,
            Err(e) => DeleteOutcome::AlreadyGone { error: e },
        };
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
        Ok(outcome)
    }

    /// The keys of all six regions at once, asked in parallel. A region that
    /// fails carries its error; the others still show.
    pub async fn keys_list_all_regions(&self) -> Vec<RegionKeys> {
        self.in_every_region(
            |me, region| async move { me.keys_list(region, KeyQuery::default()).await },
        )
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
}

impl PermissionChange {
    /// Whether this change asks for nothing.
    pub fn is_empty(&self) -> bool {
        self == &PermissionChange::default()
    }

    /// The block a key gets: `current` with what this change gives. A whole
    /// block replaces it; a whitelist or a model list replaces that part
    /// alone (and makes the block Custom); nothing given keeps it.
    pub fn apply(&self, current: &Permission) -> Permission {
        if let Some(whole) = &self.whole {
            return whole.clone();
        }
        let parts = self.access_ips.is_some() || self.accessible_models.is_some();
        let kind = self.kind.unwrap_or(if parts {
            PermissionType::Custom
        } else {
            current.kind
        });
        if kind == PermissionType::All {
            return Permission::all();
        }
        // From All to Custom nothing of the old block is kept: any address
        // and every model, but for the lists given.
        let base = match current.kind {
            PermissionType::All => Permission::all(),
            PermissionType::Custom => current.clone(),
        };
        let mut p = Permission { kind, ..base };
        if let Some(ips) = &self.access_ips {
            p.access_ips = ips.clone();
        }
        if let Some(models) = &self.accessible_models {
            p.allow_all_models = models.is_empty();
            p.accessible_models = models.clone();
        }
        p
    }
}

/// Tests of the parts of an update (the whole path runs in the suite).
#[cfg(test)]
mod tests {
    use super::*;

    fn custom(ips: &[&str], models: &[&str]) -> Permission {
        Permission {
            kind: PermissionType::Custom,
            access_ips: ips.iter().map(|s| s.to_string()).collect(),
            allow_all_models: models.is_empty(),
            accessible_models: models.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_new_whitelist_keeps_the_model_list_and_a_new_model_list_keeps_the_whitelist() {
        let current = custom(&["10.0.0.0/8"], &["qwen-plus"]);
        let ips = PermissionChange {
            access_ips: Some(vec!["192.168.0.0/16".into()]),
            ..Default::default()
        };
        assert_eq!(
            ips.apply(&current),
            custom(&["192.168.0.0/16"], &["qwen-plus"])
        );
        let models = PermissionChange {
            accessible_models: Some(vec!["qwen-max".into()]),
            ..Default::default()
        };
        assert_eq!(
            models.apply(&current),
            custom(&["10.0.0.0/8"], &["qwen-max"])
        );
        assert_eq!(PermissionChange::default().apply(&current), current);
    }

    #[test]
    fn all_drops_the_lists_and_custom_from_all_starts_open() {
        let current = custom(&["10.0.0.0/8"], &["qwen-plus"]);
        let all = PermissionChange {
            kind: Some(PermissionType::All),
            ..Default::default()
        };
        assert_eq!(all.apply(&current), Permission::all());
        let to_custom = PermissionChange {
            kind: Some(PermissionType::Custom),
            ..Default::default()
        };
        assert_eq!(to_custom.apply(&Permission::all()), custom(&[], &[]));
        let ips_from_all = PermissionChange {
            access_ips: Some(vec!["1.2.3.4".into()]),
            ..Default::default()
        };
        assert_eq!(
            ips_from_all.apply(&Permission::all()),
            custom(&["1.2.3.4"], &[])
        );
    }

    #[test]
    fn a_listed_key_matches_by_id_workspace_and_description_in_any_case() {
        let k = ApiKey {
            api_key_id: Some(7),
            description: Some("CI runner".into()),
            workspace_id: Some("ws-1".into()),
            ..Default::default()
        };
        let q = |f: fn(&mut KeyQuery)| {
            let mut q = KeyQuery::default();
            f(&mut q);
            matches(&k, &q)
        };
        assert!(q(|_| {}));
        assert!(q(|q| q.description = Some("ci RUN".into())));
        assert!(!q(|q| q.description = Some("deploy".into())));
        assert!(q(|q| q.api_key_id = Some(7)));
        assert!(!q(|q| q.api_key_id = Some(8)));
        assert!(q(|q| q.workspace_id = Some("ws-1".into())));
        assert!(!q(|q| q.workspace_id = Some("ws-2".into())));
    }
}
