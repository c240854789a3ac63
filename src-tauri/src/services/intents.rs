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

/// The key a signer's caller id is remembered under: endpoint host and AccessKey id.
fn signer(client: &Client) -> String {
    format!(
        "{}|{}",
        client.endpoint().host_str().unwrap_or_default(),
        client.access_key_id()
    )
}

impl Studio {
    pub(crate) fn journal(&self) -> Journal {
        Journal::new(self.inner.dirs.data.join("intents"))
    }

    fn caller_ids(&self) -> CallerIds {
        CallerIds::new(self.inner.dirs.data.join("callers.json"))
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
            pid: std::process::id(),
        }
    }

    pub(crate) async fn begin_intent(&self, intent: Intent) -> Result<HeldIntent> {
        self.blocking(move |s| s.journal().begin(intent)).await
    }

    /// Remove a settled intent. A failure only means the next start looks
    /// again and finds nothing to do, so it is logged, not raised.
    pub(crate) async fn finish_intent(&self, held: HeldIntent) {
        let finished = tokio::task::spawn_blocking(move || held.finish()).await;
        if let Ok(Err(e)) = finished {
            log::warn!("intent journal entry not removed: {}", e.code);
        }
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
    async fn caller_of(&self, client: &Client) -> Option<String> {
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

    /// The one key `lost` can be proved to have made, if the rules allow
    /// recovering it: its caller is known and no other Create or Reset of
    /// the profile is in flight on this computer.
    async fn own_lost_key(
        &self,
        client: &Client,
        profile: &Profile,
        lost: &LostCreate,
        own_intent: &str,
    ) -> Option<i64> {
        let caller = self.caller_of(client).await?;
        let (profile_id, own) = (profile.id.clone(), own_intent.to_owned());
        let others = self
            .blocking(move |s| Ok(s.journal().in_flight(&profile_id, &own)))
            .await
            .unwrap_or(usize::MAX);
        if others > 0 {
            log::warn!("lost create not recovered: {others} other create/reset in flight");
            return None;
        }
        lost.own_key(&caller)
    }

    /// A Create whose answer was lost: its key, reset for a value when the
    /// rules single it out; otherwise what is known, as an error.
    pub(crate) async fn recover_lost_create(
        &self,
        client: &Client,
        profile: &Profile,
        request: &CreateApiKeyRequest,
        lost: LostCreate,
        own_intent: &str,
    ) -> Result<NewKey> {
        let Some(id) = self.own_lost_key(client, profile, &lost, own_intent).await else {
            return Err(lost.report());
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
        let me = self.clone();
        let claimed = self
            .blocking(move |s| {
                let endpoint = s.inner.acting.endpoint.clone();
                let env_key = match &me.inner.acting.who {
                    Who::Credentials(c) => Some(c.access_key_id.clone()),
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
        let mut notices = Vec::new();
        for held in claimed {
            match self.resume(&held.intent).await {
                Ok(notice) => {
                    notices.push(notice);
                    self.finish_intent(held).await;
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

    async fn resume_profile(&self, intent: &Intent) -> Result<Profile> {
        if intent.profile_id == ENVIRONMENT_PROFILE_ID {
            return self.acting_profile().await;
        }
        let id = intent.profile_id.clone();
        self.blocking(move |s| s.inner.profiles.find(&id)).await
    }

    async fn resume(&self, intent: &Intent) -> Result<IntentNotice> {
        let profile = self.resume_profile(intent).await?;
        let client = self.client_for(&profile, intent.region).await?;
        match intent.action {
            IntentAction::Reset => self.resume_reset(intent, &profile, &client).await,
            IntentAction::Create => self.resume_create(intent, &profile, &client).await,
        }
    }

    /// A Reset killed after sending: the value it made is lost (or it never
    /// arrived). Reset once more and keep the value, if it can be kept.
    async fn resume_reset(
        &self,
        intent: &Intent,
        profile: &Profile,
        client: &Client,
    ) -> Result<IntentNotice> {
        let id = intent.api_key_id.unwrap_or_default();
        match client.get_api_key(id).await {
            Err(e) if e.code == ErrorCode::NotFound => {
                return Ok(notice(intent, "intent_reset_gone", Some(id), &[], false))
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        if !self.saves_new_keys(profile) {
            return Ok(notice(intent, "intent_reset_lost", Some(id), &[], false));
        }
        let key = client.reset_api_key(id).await?;
        self.keep_recovered(intent, profile, key, "intent_reset_recovered")
            .await
    }

    /// A Create killed after sending: find the key it made, as a lost answer
    /// is found, and reset it for a value when the rules allow.
    async fn resume_create(
        &self,
        intent: &Intent,
        profile: &Profile,
        client: &Client,
    ) -> Result<IntentNotice> {
        let request = CreateApiKeyRequest {
            auth: None,
            description: intent.description.clone(),
            workspace_id: intent.workspace_id.clone(),
        };
        let lost = client
            .find_lost_create(&request, &intent.before_ids, intent.requested_at_ms)
            .await?;
        let ids: Vec<i64> = lost.new_keys.iter().filter_map(|k| k.api_key_id).collect();
        let own = self.own_lost_key(client, profile, &lost, &intent.id).await;
        match (own, ids.as_slice()) {
            (Some(id), _) if self.saves_new_keys(profile) => {
                let key = client.reset_api_key(id).await?;
                self.keep_recovered(intent, profile, key, "intent_create_recovered")
                    .await
            }
            (Some(id), _) => Ok(notice(intent, "intent_create_found", Some(id), &[], false)),
            (None, []) => Ok(notice(intent, "intent_create_none", None, &[], false)),
            (None, [id]) => Ok(notice(intent, "intent_create_found", Some(*id), &[], false)),
            (None, many) => {
                let list = many
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(notice(
                    intent,
                    "intent_create_unclear",
                    None,
                    &[("apiKeyIds", &list)],
                    false,
                ))
            }
        }
    }

    /// Save a value recovered for an interrupted run; the person is told
    /// where it is (it is not shown: they are not there to see it).
    async fn keep_recovered(
        &self,
        intent: &Intent,
        profile: &Profile,
        key: NewKey,
        reason: &str,
    ) -> Result<IntentNotice> {
        let id = key.api_key_id;
        let made = self.made_key(profile, intent.region, key).await;
        match made.saved {
            Ok(true) => Ok(notice(intent, reason, Some(id), &[], true)),
            // The new value could not be kept: the key needs one more reset.
            _ => Ok(notice(intent, "intent_reset_lost", Some(id), &[], false)),
        }
    }
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
    let region_name = match lang {
        i18n::Lang::ZhCn => region.name_zh,
        _ => region.name_en,
    };
    let mut params: Vec<(&str, &str)> = vec![
        ("apiKeyId", &id),
        ("description", &description),
        ("when", &when),
        ("region", region_name),
    ];
    params.extend_from_slice(extra);
    IntentNotice {
        region: intent.region,
        api_key_id: api_key_id.map(|i| i.to_string()),
        reason: reason.to_owned(),
        message: i18n::tr(lang, &format!("intents.{reason}"), &params),
        saved,
    }
}
