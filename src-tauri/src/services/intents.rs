//! Lost answers and interrupted runs, resolved for the person.
//!
//! Every Create and Reset is journalled before it is sent (`storage::intents`)
//! and the entry is removed once the value is kept. A Create whose answer is
//! lost is recovered here when the rules allow (one new key, made by this
//! caller, inside the call's window, no other Create or Reset of the profile in
//! flight on this computer): that key's value was never shown to anyone, so it
//! is reset to get one. On start, the app and `skm` settle what a killed run
//! left behind and say what happened.

use super::views::IntentNotice;
use super::{Studio, Who, ENVIRONMENT_PROFILE_ID};
use crate::cloud::reconcile::LostCreate;
use crate::cloud::Recovered;
use crate::cloud::{Client, NewKey};
use crate::domain::error::{ErrorCode, Result};
use crate::domain::i18n;
use crate::domain::regions::RegionId;
use crate::protocol::requests::CreateApiKeyRequest;
use crate::storage::callers::CallerIds;
use crate::storage::intents::{HeldIntent, Intent, IntentAction, Journal};
use crate::storage::profiles::Profile;

/// Test builds only (`fault-injection`): stop after a Create or Reset answer
/// arrived and before its value is kept, until the process is killed, when
/// `STUDIO_KEYS_PAUSE_AFTER_ANSWER` names the action (`create`, `reset`).
#[cfg(feature = "fault-injection")]
pub(crate) fn pause_after_answer(action: &str) {
    if std::env::var("STUDIO_KEYS_PAUSE_AFTER_ANSWER").as_deref() == Ok(action) {
        eprintln!("paused after the {action} answer");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

#[cfg(not(feature = "fault-injection"))]
pub(crate) fn pause_after_answer(_action: &str) {}

/// The key a signer's caller id is remembered under: endpoint (host and
/// port: sandboxes on one computer differ by port) and AccessKey id.
fn signer(client: &Client) -> String {
    let e = client.endpoint();
    format!(
        "{}:{}|{}",
        e.host_str().unwrap_or_default(),
        e.port_or_known_default().unwrap_or_default(),
        client.access_key_id()
    )
}

/// How long the key list may wait for STS to say who "you" are.
const YOU_LOOKUP_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// Past this age an interrupted run is only reported, never acted on: the
/// person has had time to act on the key themselves.
const RESUME_ACT_WITHIN_MS: i64 = 24 * 60 * 60 * 1000;

impl Studio {
    pub(crate) fn journal(&self) -> Journal {
        Journal::new(crate::storage::paths::intents_dir(&self.inner.dirs.data))
    }

    fn caller_ids(&self) -> CallerIds {
        CallerIds::new(crate::storage::paths::callers_file(&self.inner.dirs.data))
    }

    /// A journal entry for a Create or Reset `client` is about to send.
    pub(crate) fn intent(
        &self,
        action: IntentAction,
        profile: &Profile,
        client: &Client,
        region: RegionId,
    ) -> Intent {
        Intent {
            id: uuid::Uuid::new_v4().to_string(),
            action,
            region,
            profile_id: profile.id.clone(),
            access_key_id: client.access_key_id().to_owned(),
            endpoint: self.inner.acting.endpoint.clone(),
            description: None,
            workspace_id: None,
            api_key_id: None,
            requested_at_ms: chrono::Utc::now().timestamp_millis(),
            before_ids: Vec::new(),
            settled_at_ms: None,
            made_key_id: None,
            audit_seq: None,
        }
    }

    pub(crate) async fn begin_intent(&self, intent: Intent) -> Result<HeldIntent> {
        self.blocking(move |s| s.journal().begin(intent)).await
    }

    /// Mark an intent settled (naming the key it made, if any). If that
    /// fails the entry stays unsettled, and the next start finds its key
    /// already saved here (`kept_here`) and leaves it alone.
    pub(crate) async fn finish_intent(&self, held: HeldIntent, made_key_id: Option<i64>) {
        let finished = tokio::task::spawn_blocking(move || held.finish(made_key_id)).await;
        if let Ok(Err(e)) = finished {
            log::warn!("intent journal entry not settled: {}", e.code);
        }
    }

    /// Who "you" are for the key list: the remembered caller id, else one
    /// short STS question per run. A signer STS could not answer for is not
    /// asked again in this run, so no list waits on STS twice.
    pub(crate) async fn you(&self, client: &Client) -> Option<String> {
        let key = signer(client);
        if self
            .inner
            .callers_unknown
            .lock()
            .is_ok_and(|u| u.contains(&key))
        {
            return None;
        }
        let found = tokio::time::timeout(YOU_LOOKUP_WITHIN, self.caller_of(client))
            .await
            .ok()
            .flatten();
        if found.is_none() {
            if let Ok(mut unknown) = self.inner.callers_unknown.lock() {
                unknown.insert(key);
            }
        }
        found
    }

    /// Learn the caller id from a key this signer just made.
    pub(crate) async fn remember_caller(&self, client: &Client, created_by: Option<&str>) {
        let Some(caller) = created_by.filter(|c| !c.is_empty()).map(str::to_owned) else {
            return;
        };
        let key = signer(client);
        let _ = self
            .blocking(move |s| s.caller_ids().remember(&key, &caller))
            .await;
    }

    /// Who `client` signs as, as `createdBy` records it: remembered from an
    /// earlier key, else asked of STS (and remembered). `None` if unknown.
    pub(crate) async fn caller_of(&self, client: &Client) -> Option<String> {
        let key = signer(client);
        let known = {
            let key = key.clone();
            self.blocking(move |s| Ok(s.caller_ids().get(&key)))
                .await
                .ok()
                .flatten()
        };
        if known.is_some() {
            return known;
        }
        match client.caller_identity().await {
            Ok(id) => {
                self.remember_caller(client, Some(&id)).await;
                Some(id)
            }
            Err(e) => {
                log::warn!("caller identity unknown: {}", e.code);
                None
            }
        }
    }

    /// What a lost Create left, less the keys this computer accounts for
    /// (made by another journalled run, or with a value saved here) and keys
    /// outside the asked workspace (the default one when none was named); and
    /// the one key the Create can be proved to have made, if the rules allow
    /// recovering it: its caller is known, no other Create or Reset ran in this
    /// region at this endpoint during the call (in flight, or finished
    /// meanwhile, whoever signed it), and exactly one new key of that caller is left.
    async fn narrow_lost(
        &self,
        client: &Client,
        profile: &Profile,
        lost: LostCreate,
        own: &Intent,
    ) -> (LostCreate, Option<i64>) {
        let (region, endpoint, own_id) = (own.region, own.endpoint.clone(), own.id.clone());
        // Runs that settled before this call began left their keys in its
        // "before" list; only those that overlap the call can confuse it.
        let since = own.requested_at_ms;
        let (others, made_here) = self
            .blocking(move |s| {
                let journal = s.journal();
                let others = journal.others_since(region, endpoint.as_deref(), since, &own_id);
                Ok((others.len(), journal.made_keys()))
            })
            .await
            .unwrap_or((usize::MAX, Vec::new()));
        let saved = self.saved_index().await.unwrap_or_default();
        let workspace = match &own.workspace_id {
            Some(w) => Some(w.clone()),
            None => self.default_workspace_id(profile, region).await,
        };
        let mut narrowed = lost;
        narrowed.new_keys.retain(|k| {
            let id = k.api_key_id.unwrap_or_default();
            !made_here.contains(&id) && !saved.contains_key(&Studio::key_ref(profile, region, id))
        });
        if others > 0 {
            log::warn!("lost create not recovered: {others} other create/reset ran meanwhile");
            return (narrowed, None);
        }
        // The workspace narrows the choice only: what is reported stays whole,
        // so a wrong guess of the default workspace can hide no key.
        let Some(workspace) = workspace else {
            log::warn!("lost create not recovered: the default workspace is unknown");
            return (narrowed, None);
        };
        let mut in_workspace = narrowed.clone();
        in_workspace
            .new_keys
            .retain(|k| k.workspace_id.as_deref() == Some(workspace.as_str()));
        let own_key = match self.caller_of(client).await {
            Some(caller) => in_workspace.own_key(&caller),
            None => None,
        };
        (narrowed, own_key)
    }

    /// The id of the region's default workspace, where a Create that names
    /// none puts its key.
    async fn default_workspace_id(&self, profile: &Profile, region: RegionId) -> Option<String> {
        let client = self.client_for(profile, region).await.ok()?;
        let list = client
            .list_workspaces(&crate::protocol::requests::ListWorkspacesRequest::default())
            .await
            .ok()?;
        super::convert::workspace_views(region, &list)
            .into_iter()
            .find(|w| w.is_default)
            .map(|w| w.workspace_id)
    }

    /// A Create whose answer was lost: its key, reset for a value when the
    /// rules single it out; otherwise what is known, as an error.
    pub(crate) async fn recover_lost_create(
        &self,
        client: &Client,
        profile: &Profile,
        request: &CreateApiKeyRequest,
        lost: LostCreate,
        own: &Intent,
    ) -> Result<NewKey> {
        let (narrowed, own_key) = self.narrow_lost(client, profile, lost, own).await;
        let Some(id) = own_key else {
            return Err(narrowed.report());
        };
        log::warn!("CreateApiKey answer lost; key {id} identified, resetting it for a value");
        match client.reset_api_key(id).await {
            Ok(mut key) => {
                key.recovered = Some(Recovered::CreateFound);
                key.description = request.description.clone();
                Ok(key)
            }
            // The key exists and is ours, but no value came back: say which key.
            Err(e) => Err(
                crate::cloud::errors::outcome_unknown("create_value_lost", e)
                    .with_param("apiKeyId", id.to_string()),
            ),
        }
    }

    // --- what a killed run left behind ---

    /// Settle every orphaned intent this Studio can act on, and say what
    /// happened to each. Intents of other profiles or endpoints, and intents
    /// another run is carrying out, are left alone.
    pub async fn intents_resume(&self) -> Vec<IntentNotice> {
        let refused = self
            .blocking(|s| Ok(s.journal().refuse_planted()))
            .await
            .unwrap_or_default();
        let mut notices: Vec<IntentNotice> = refused
            .into_iter()
            .map(|r| {
                log::warn!("journal record {} refused: {}", r.file, r.why);
                IntentNotice {
                    region: None,
                    api_key_id: None,
                    reason: "intent_record_refused".into(),
                    message: i18n::tr(
                        i18n::current(),
                        "intents.record_refused",
                        &[("file", &r.file), ("why", r.why)],
                    ),
                    saved: false,
                }
            })
            .collect();
        let me = self.clone();
        let claimed = self
            .blocking(move |s| {
                let endpoint = s.inner.acting.endpoint.clone();
                let env_key = match &me.inner.acting.who {
                    Who::Credentials(c) => Some(c.id.clone()),
                    _ => None,
                };
                Ok(s.journal().claim_orphans(|i| {
                    i.endpoint == endpoint
                        && (i.profile_id != ENVIRONMENT_PROFILE_ID
                            || env_key.as_deref() == Some(i.access_key_id.as_str()))
                }))
            })
            .await
            .unwrap_or_default();
        for held in claimed {
            match self.resume(&held.intent).await {
                Ok(notice) => {
                    let made = notice
                        .as_ref()
                        .and_then(|n| n.api_key_id.as_deref())
                        .and_then(|id| id.parse().ok());
                    let how = notice.as_ref().map_or("settled", |n| n.reason.as_str());
                    self.audit_resolved(&held.intent, made, how).await;
                    notices.extend(notice);
                    self.finish_intent(held, made).await;
                }
                // Its profile is gone, or it could not be checked for a day:
                // said once more, then let go (it would be said on every start).
                Err(e) if e.code == ErrorCode::NotFound || too_old_to_act(&held.intent) => {
                    log::warn!("interrupted {:?} given up: {}", held.intent.action, e.code);
                    self.audit_resolved(&held.intent, None, "intent_given_up")
                        .await;
                    notices.push(notice(&held.intent, "intent_given_up", None, &[], false));
                    self.finish_intent(held, None).await;
                }
                Err(e) => {
                    log::warn!(
                        "interrupted {:?} not settled yet: {}",
                        held.intent.action,
                        e.code
                    );
                    notices.push(notice(&held.intent, "intent_unsettled", None, &[], false));
                    held.release();
                }
            }
        }
        notices
    }

    /// The audit record that says how an interrupted Create or Reset was
    /// settled, naming the record written before it was sent.
    async fn audit_resolved(&self, intent: &Intent, made: Option<i64>, how: &str) {
        let action = match intent.action {
            IntentAction::Create => "create",
            IntentAction::Reset => "reset",
        };
        self.audit_append(crate::storage::audit::Entry {
            action: action.into(),
            outcome: "resolved".into(),
            of: intent.audit_seq,
            region: Some(intent.region.as_str().to_owned()),
            api_key_id: made.or(intent.api_key_id).map(|id| id.to_string()),
            note: Some(how.to_owned()),
            ..Default::default()
        })
        .await;
    }

    async fn resume_profile(&self, intent: &Intent) -> Result<Profile> {
        if intent.profile_id == ENVIRONMENT_PROFILE_ID {
            return self.acting_profile().await;
        }
        let id = intent.profile_id.clone();
        self.blocking(move |s| s.inner.profiles.find(&id)).await
    }

    /// `None`: settled already (its value is saved here), nothing to say.
    async fn resume(&self, intent: &Intent) -> Result<Option<IntentNotice>> {
        let profile = self.resume_profile(intent).await?;
        let client = self.client_for(&profile, intent.region).await?;
        match intent.action {
            IntentAction::Reset => self.resume_reset(intent, &profile, &client).await,
            IntentAction::Create => self.resume_create(intent, &profile, &client).await,
        }
    }

    /// A Reset killed after sending: the value it made is lost (or it never
    /// arrived). Reset once more and keep the value, if it can be kept, and
    /// unless the key was given a value since (saved here after the intent).
    async fn resume_reset(
        &self,
        intent: &Intent,
        profile: &Profile,
        client: &Client,
    ) -> Result<Option<IntentNotice>> {
        let id = intent.api_key_id.unwrap_or_default();
        if self
            .kept_here(profile, intent.region, id, intent.requested_at_ms)
            .await
        {
            return Ok(None);
        }
        match client.get_api_key(id).await {
            Err(e) if e.code == ErrorCode::NotFound => {
                return Ok(Some(notice(
                    intent,
                    "intent_reset_gone",
                    Some(id),
                    &[],
                    false,
                )))
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        if !self.saves_new_keys(profile) || too_old_to_act(intent) {
            return Ok(Some(notice(
                intent,
                "intent_reset_lost",
                Some(id),
                &[],
                false,
            )));
        }
        let key = client.reset_api_key(id).await?;
        self.keep_recovered(intent, profile, key).await.map(Some)
    }

    /// A Create killed after sending: find the key it made, as a lost answer
    /// is found, and reset it for a value when the rules allow.
    async fn resume_create(
        &self,
        intent: &Intent,
        profile: &Profile,
        client: &Client,
    ) -> Result<Option<IntentNotice>> {
        let request = CreateApiKeyRequest {
            auth: None,
            description: intent.description.clone(),
            workspace_id: intent.workspace_id.clone(),
        };
        let lost = client
            .find_lost_create(&request, &intent.before_ids, intent.requested_at_ms)
            .await?;
        let (lost, own) = self.narrow_lost(client, profile, lost, intent).await;
        if let Some(id) = own {
            if self
                .kept_here(profile, intent.region, id, intent.requested_at_ms)
                .await
            {
                return Ok(None);
            }
        }
        let ids: Vec<i64> = lost.new_keys.iter().filter_map(|k| k.api_key_id).collect();
        let note =
            |reason, id, extra: &[(&str, &str)]| Ok(Some(notice(intent, reason, id, extra, false)));
        match (own, ids.as_slice()) {
            (Some(id), _) if self.saves_new_keys(profile) && !too_old_to_act(intent) => {
                let key = client.reset_api_key(id).await?;
                self.keep_recovered(intent, profile, key).await.map(Some)
            }
            (Some(id), _) => note("intent_create_found", Some(id), &[]),
            (None, []) => note("intent_create_none", None, &[]),
            (None, [id]) => note("intent_create_found", Some(*id), &[]),
            (None, many) => {
                let list = many
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                note("intent_create_unclear", None, &[("apiKeyIds", &list)])
            }
        }
    }

    /// Whether this computer saved a value for the key after `since_ms`: the
    /// interrupted run's outcome was kept after all, or the person has since
    /// given the key a value. Either way, nothing to redo.
    async fn kept_here(&self, profile: &Profile, region: RegionId, id: i64, since_ms: i64) -> bool {
        self.saved_index()
            .await
            .ok()
            .and_then(|saved| saved.get(&Studio::key_ref(profile, region, id)).cloned())
            .is_some_and(|r| r.saved_at >= since_ms)
    }

    /// Save a value recovered for an interrupted run; the person is told
    /// where it is (it is not shown: they are not there to see it).
    async fn keep_recovered(
        &self,
        intent: &Intent,
        profile: &Profile,
        key: NewKey,
    ) -> Result<IntentNotice> {
        let id = key.api_key_id;
        let made = self.made_key(profile, intent.region, key).await;
        let (kept, not_kept) = match intent.action {
            IntentAction::Create => ("intent_create_recovered", "intent_create_found"),
            IntentAction::Reset => ("intent_reset_recovered", "intent_reset_lost"),
        };
        match made.saved {
            Ok(true) => Ok(notice(intent, kept, Some(id), &[], true)),
            // The new value could not be kept: the key needs one more reset.
            _ => Ok(notice(intent, not_kept, Some(id), &[], false)),
        }
    }
}

fn too_old_to_act(intent: &Intent) -> bool {
    chrono::Utc::now().timestamp_millis() - intent.requested_at_ms > RESUME_ACT_WITHIN_MS
}

fn notice(
    intent: &Intent,
    reason: &str,
    api_key_id: Option<i64>,
    extra: &[(&str, &str)],
    saved: bool,
) -> IntentNotice {
    let id = api_key_id.map(|i| i.to_string()).unwrap_or_default();
    let description = intent.description.clone().unwrap_or_default();
    let when = chrono::DateTime::from_timestamp_millis(intent.requested_at_ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let lang = i18n::current();
    let region = intent.region.info();
    let region_name = region.name_in(lang);
    let mut params: Vec<(&str, &str)> = vec![
        ("apiKeyId", &id),
        ("description", &description),
        ("when", &when),
        ("region", region_name),
    ];
    params.extend_from_slice(extra);
    IntentNotice {
        region: Some(intent.region),
        api_key_id: api_key_id.map(|i| i.to_string()),
        reason: reason.to_owned(),
        message: i18n::tr(lang, &format!("intents.{reason}"), &params),
        saved,
    }
}
