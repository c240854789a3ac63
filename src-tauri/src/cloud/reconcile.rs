//! The calls whose answer can be lost after the server acted, and how a lost
//! answer is resolved instead of merely reported.
//!
//! - Create is never sent twice while the first may still make a key: a
//!   second Create makes a second key. A lost answer is looked up in the
//!   listing; when the rules single out the one key it made
//!   (`LostCreate::own_key`), the caller may reset that key to get a value,
//!   since nobody ever saw the first one. Only when the service itself said
//!   it failed and the listings show nothing (`LostCreate::nothing_made`) is
//!   it sent again, up to `CREATE_SENDS` times.
//! - Reset is sent again when its answer was lost, up to `RESET_SENDS` times
//!   with a growing pause: nobody holds a lost value, so another reset loses
//!   nothing and gives the person a value.
//! - Delete is repeated on passing problems; a key that is gone was deleted.
//! - Update is read back when its answer was lost: it holds when the key
//!   now has what was asked (`update_holds`).
//!
//! Create and Reset are sent again only when the request provably never
//! reached the service (a refused connection, a connect timeout, throttling).
//! Any other failure may follow an applied request (a 5xx, even with the API's
//! own code, or "nonce already used", which means this very request arrived
//! before) and is looked up instead.

use super::client::{Client, NewKey, Recovered};
use super::errors::{answered_by_service, missing, outcome_unknown};
use super::retry::is_transient;
use super::transport::AttemptError;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::protocol::requests::{
    Action, CreateApiKeyRequest, ListApiKeysRequest, OrderBy, SortOrder, UpdateApiKeyRequest,
};
use crate::protocol::wire::{
    ApiKey, Auth, CreateApiKeyResponseBody, Envelope, ResetApiKeyResponseBody, AUTH_TYPE_ALL,
};
use ipnet::IpNet;
use std::net::IpAddr;

/// How many times a Create is sent, at most, while the service refuses it
/// and nothing was made (`LostCreate::nothing_made`).
pub const CREATE_SENDS: usize = 3;
/// How many times a Reset is sent, at most, while its answers are lost.
pub const RESET_SENDS: usize = 4;
/// The first pause before a Reset is sent again; it doubles each time.
const RESET_BACKOFF: std::time::Duration = std::time::Duration::from_millis(250);

/// A Create whose answer was lost, and the keys that appeared meanwhile.
#[derive(Debug, Clone)]
pub struct LostCreate {
    /// What went wrong with the answer.
    pub cause: Error,
    /// The server said it made a key; only its answer was unusable.
    pub applied: bool,
    /// Keys with the request's description and workspace that were not there before.
    pub new_keys: Vec<ApiKey>,
    /// When the request was sent (epoch ms, this computer's clock).
    pub sent_at_ms: i64,
    /// When the listing was taken (epoch ms).
    pub listed_at_ms: i64,
}

/// How far a key's `gmtCreate` (the server's clock) may lie outside the
/// call's time window on this computer's clock. The service refuses requests
/// whose clocks differ by more than 15 minutes, so no more is needed; the
/// list taken before the call is the main guard, this one only bounds it.
const CLOCK_SLACK_MS: i64 = 15 * 60 * 1000;

/// The longest a Create can take from sending to its last try: four attempts
/// of at most a minute each (the transport's total deadline) and the waits
/// between them.
pub const MAX_CALL_MS: i64 = 5 * 60 * 1000;

impl LostCreate {
    /// The key this create made, if exactly one new key was created by
    /// `caller` inside the call's time window. `None` when there are none or
    /// several: then nobody can tell which one is this create's.
    pub fn own_key(&self, caller: &str) -> Option<i64> {
        let from = self.sent_at_ms - CLOCK_SLACK_MS;
        let to = self.listed_at_ms + CLOCK_SLACK_MS;
        let mine: Vec<i64> = self
            .new_keys
            .iter()
            .filter(|k| k.created_by.as_deref() == Some(caller))
            .filter(|k| k.gmt_create.is_some_and(|t| (from..=to).contains(&t)))
            .filter_map(|k| k.api_key_id)
            .collect();
        match mine.as_slice() {
            [id] => Some(*id),
            _ => None,
        }
    }

    /// The service answered with an error of its own (its handler ran to the
    /// end) and the listings, taken over some seconds, show no new key: this
    /// Create made nothing and cannot make anything any more.
    fn nothing_made(&self) -> bool {
        !self.applied && self.new_keys.is_empty() && answered_by_service(&self.cause)
    }

    /// What is known, for the person: which key (if any) was made.
    pub fn report(&self) -> Error {
        let cause = self.cause.clone();
        let ids: Vec<i64> = self.new_keys.iter().filter_map(|k| k.api_key_id).collect();
        match ids.as_slice() {
            [] if self.applied => outcome_unknown("create_value_lost_unidentified", cause),
            // The service answered with its own error, and three listings over
            // some seconds show no new key: its handler finished without making
            // one. That is a failure to report, not an unknown.
            [] if self.nothing_made() => {
                let mut e = Error::new(ErrorCode::Server).with_reason("create_failed_nothing_made");
                e.details = cause.details;
                e
            }
            [] => outcome_unknown("create_not_created", cause),
            [id] => {
                outcome_unknown("create_value_lost", cause).with_param("apiKeyId", id.to_string())
            }
            many => outcome_unknown("create_ambiguous", cause).with_param(
                "apiKeyIds",
                many.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }
}

/// How a Create ended: with its key, or with its answer lost.
#[derive(Debug)]
pub enum CreateOutcome {
    Made(NewKey),
    Lost(LostCreate),
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Client {
    /// Create a key; a lost answer is reported with what the listing shows.
    pub async fn create_api_key(&self, request: &CreateApiKeyRequest) -> Result<NewKey> {
        let before = self.create_candidates(request).await?;
        match self.create_api_key_after(request, &before).await? {
            CreateOutcome::Made(key) => Ok(key),
            CreateOutcome::Lost(lost) => Err(lost.report()),
        }
    }

    /// The ids of keys a Create with `request` could be confused with: taken
    /// before the call, so that afterwards a key not in this set is new.
    pub async fn create_candidates(&self, request: &CreateApiKeyRequest) -> Result<Vec<i64>> {
        Ok(self
            .same_description(request)
            .await?
            .into_iter()
            .filter_map(|k| k.api_key_id)
            .collect())
    }

    /// Send a Create (again only if it provably never arrived). A lost
    /// answer is looked up: keys not in `before` with the same description.
    /// When the service itself answered with an error and the listings show
    /// no new key, that request has ended and can no longer make one: the
    /// Create is sent once more, up to `CREATE_SENDS` in all, against the same
    /// `before` (a key any of them made is new to it).
    pub async fn create_api_key_after(
        &self,
        request: &CreateApiKeyRequest,
        before: &[i64],
    ) -> Result<CreateOutcome> {
        let mut sent = 1;
        loop {
            match self.create_once(request, before).await? {
                CreateOutcome::Lost(lost) if lost.nothing_made() && sent < CREATE_SENDS => {
                    log::warn!(
                        "CreateApiKey refused by the service ({}) and no key made; sending it again",
                        lost.cause.code
                    );
                    sent += 1;
                }
                outcome => return Ok(outcome),
            }
        }
    }

    async fn create_once(
        &self,
        request: &CreateApiKeyRequest,
        before: &[i64],
    ) -> Result<CreateOutcome> {
        let sent_at_ms = now_ms();
        let sent = self
            .unless_lost::<CreateApiKeyResponseBody>(
                Action::CreateApiKey,
                "",
                &request.query(),
                &request.form(),
            )
            .await;
        let (cause, applied) = match sent {
            Ok(body) => {
                let key = body.api_key.unwrap_or_default();
                match (key.api_key_id, key.api_key_value) {
                    (Some(api_key_id), Some(value)) => {
                        return Ok(CreateOutcome::Made(NewKey {
                            api_key_id,
                            value,
                            workspace_id: key.workspace_id,
                            description: key.description,
                            created_by: key.created_by,
                            gmt_create: key.gmt_create,
                            recovered: None,
                        }))
                    }
                    // The answer names the key but lacks its value: that key is ours.
                    (Some(api_key_id), None) => {
                        return Ok(CreateOutcome::Lost(LostCreate {
                            cause: missing("apiKey.apiKeyValue"),
                            applied: true,
                            new_keys: vec![ApiKey {
                                api_key_id: Some(api_key_id),
                                created_by: key.created_by,
                                gmt_create: key.gmt_create,
                                ..Default::default()
                            }],
                            sent_at_ms,
                            listed_at_ms: now_ms(),
                        }))
                    }
                    (None, _) => (missing("apiKey.apiKeyId"), true),
                }
            }
            Err(f) if !may_have_arrived(&f) => return Err(f.error),
            Err(f) => (f.error, false),
        };
        log::warn!(
            "CreateApiKey outcome lost ({}); reconciling by listing",
            cause.code
        );
        match self.new_since(request, before).await {
            Ok(new_keys) => Ok(CreateOutcome::Lost(LostCreate {
                cause,
                applied,
                new_keys,
                sent_at_ms,
                listed_at_ms: now_ms(),
            })),
            Err(_) => Err(outcome_unknown("create_unverified", cause)),
        }
    }

    /// A Create that was sent at `sent_at_ms` by a run that did not live to
    /// read its answer: the keys that appeared since `before` was taken.
    pub async fn find_lost_create(
        &self,
        request: &CreateApiKeyRequest,
        before: &[i64],
        sent_at_ms: i64,
    ) -> Result<LostCreate> {
        let new_keys = self.new_since(request, before).await?;
        Ok(LostCreate {
            cause: Error::new(ErrorCode::OutcomeUnknown).with_reason("create_interrupted"),
            applied: false,
            new_keys,
            sent_at_ms,
            // The run that sent it is gone: its call cannot have lasted longer.
            listed_at_ms: now_ms().min(sent_at_ms + MAX_CALL_MS),
        })
    }

    /// Keys that could be the one `request` makes: same description, same
    /// workspace (when one was named).
    async fn same_description(&self, request: &CreateApiKeyRequest) -> Result<Vec<ApiKey>> {
        let keys = self
            .list_api_keys(&ListApiKeysRequest {
                description: request.description.clone(),
                workspace_id: request.workspace_id.clone().filter(|w| !w.is_empty()),
                order: Some(SortOrder::Desc),
                order_by: Some(OrderBy::GmtCreate),
                ..Default::default()
            })
            .await?;
        // The description filter is fuzzy; only an exact match is ours.
        let wanted = request.description.as_deref().unwrap_or("");
        Ok(keys
            .into_iter()
            .filter(|k| k.description.as_deref().unwrap_or("") == wanted)
            .collect())
    }

    /// Keys not in `before`, listing again after each delay while none shows:
    /// a server that timed out may still be applying the create.
    async fn new_since(
        &self,
        request: &CreateApiKeyRequest,
        before: &[i64],
    ) -> Result<Vec<ApiKey>> {
        let mut waits = self.reconcile_policy().relist_delays.iter();
        loop {
            let new: Vec<ApiKey> = self
                .same_description(request)
                .await?
                .into_iter()
                .filter(|k| k.api_key_id.is_some_and(|id| !before.contains(&id)))
                .collect();
            match waits.next() {
                Some(wait) if new.is_empty() => tokio::time::sleep(*wait).await,
                _ => return Ok(new),
            }
        }
    }

    /// A new value for the key; the old one stops working. An answer lost
    /// after sending is followed by another reset, up to `RESET_SENDS` in all
    /// (`Recovered::ResetRepeated`). Not the transport's `RetryPolicy`: that
    /// one re-sends only what never arrived, and may be off (`none`) while a
    /// lost reset must still be made good.
    pub async fn reset_api_key(&self, api_key_id: i64) -> Result<NewKey> {
        let id = api_key_id.to_string();
        let mut lost_before: Option<Error> = None;
        let mut sent = 0usize;
        loop {
            sent += 1;
            let failed = match self
                .unless_lost::<ResetApiKeyResponseBody>(Action::ResetApiKey, &id, &vec![], &vec![])
                .await
            {
                Ok(body) => {
                    let key = body.api_key.unwrap_or_default();
                    match key.api_key_value {
                        Some(value) => {
                            return Ok(NewKey {
                                api_key_id: key.api_key_id.unwrap_or(api_key_id),
                                value,
                                workspace_id: key.workspace_id,
                                description: None,
                                created_by: None,
                                gmt_create: None,
                                recovered: lost_before
                                    .is_some()
                                    .then_some(Recovered::ResetRepeated),
                            })
                        }
                        // Reset, but the answer lacks the value: as good as lost.
                        None => missing("apiKey.apiKeyValue"),
                    }
                }
                Err(f) if !may_have_arrived(&f) => {
                    return Err(match (&lost_before, f.error.code) {
                        (Some(_), ErrorCode::NotFound) => {
                            outcome_unknown("reset_key_gone", f.error)
                                .with_param("apiKeyId", id.clone())
                        }
                        // The first answer was lost and the second attempt failed:
                        // the first may have reset the key.
                        (Some(first), _) => outcome_unknown("reset_value_unknown", first.clone())
                            .with_param("apiKeyId", id.clone()),
                        (None, _) => f.error,
                    });
                }
                Err(f) => f.error,
            };
            if sent >= RESET_SENDS {
                log::warn!(
                    "ResetApiKey answer lost {sent} times ({}); checking the key",
                    failed.code
                );
                return Err(self.reset_lost_report(api_key_id, failed).await);
            }
            log::warn!(
                "ResetApiKey answer lost ({}); resetting once more",
                failed.code
            );
            // Nobody holds a lost value, so repeating loses nothing: after a
            // pause that grows, a passing fault has room to clear.
            tokio::time::sleep(RESET_BACKOFF * 2u32.pow(sent as u32 - 1)).await;
            lost_before.get_or_insert(failed);
        }
    }

    /// A reset whose value cannot be had: what the key's state says.
    async fn reset_lost_report(&self, api_key_id: i64, cause: Error) -> Error {
        // A reset leaves no trace in the listing; only whether the key exists.
        let reason = match self.get_api_key(api_key_id).await {
            Ok(_) => "reset_value_unknown",
            Err(e) if e.code == ErrorCode::NotFound => "reset_key_gone",
            Err(_) => "reset_unverified",
        };
        outcome_unknown(reason, cause).with_param("apiKeyId", api_key_id.to_string())
    }

    /// `request.auth` must be the key's whole `auth` block: the server replaces
    /// it. The request carries the whole state, so it is repeated on passing
    /// problems; if no answer arrives the key is read to see whether it holds.
    pub async fn update_api_key(
        &self,
        api_key_id: i64,
        request: &UpdateApiKeyRequest,
    ) -> Result<()> {
        let failed = match self
            .attempts::<Envelope>(
                Action::UpdateApiKey,
                &api_key_id.to_string(),
                &request.query(),
                &request.form(),
                None,
            )
            .await
        {
            Ok(_) => return Ok(()),
            Err(f) => f,
        };
        if !failed.maybe_applied && !is_transient(&failed.error) {
            return Err(failed.error);
        }
        match self.get_api_key(api_key_id).await {
            Ok(key) if update_holds(request, &key) => Ok(()),
            Ok(_) if !failed.maybe_applied => Err(failed.error),
            _ => Err(outcome_unknown("outcome_unknown_refresh", failed.error)),
        }
    }

    /// Deletes a key, repeating on passing problems. After an attempt that may
    /// have landed, the service's "no such key" means it did.
    pub async fn delete_api_key(&self, api_key_id: i64) -> Result<()> {
        let id = api_key_id.to_string();
        let mut may_have_landed = false;
        let mut attempt = 1;
        let last = loop {
            match self
                .once::<crate::protocol::wire::Envelope>(
                    Action::DeleteApiKey,
                    &id,
                    &vec![],
                    &vec![],
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(f) if may_have_landed && is_api_not_found(&f.error) => return Ok(()),
                Err(f) => {
                    may_have_landed |= may_have_arrived(&f);
                    if attempt >= self.retry_policy().max_attempts || !is_transient(&f.error) {
                        break f;
                    }
                    tokio::time::sleep(self.retry_policy().delay(attempt, f.retry_after)).await;
                    attempt += 1;
                }
            }
        };
        if !may_have_landed {
            return Err(last.error);
        }
        log::warn!(
            "DeleteApiKey outcome lost ({}); checking the key",
            last.error.code
        );
        match self.get_api_key(api_key_id).await {
            Err(e) if is_api_not_found(&e) => Ok(()),
            _ => Err(outcome_unknown("outcome_unknown_refresh", last.error)),
        }
    }

    /// One call of an action that must not be repeated once it may have
    /// arrived, repeated while it provably did not (refused connection, the
    /// service's own throttling or busy answer).
    pub(crate) async fn unless_lost<T: serde::de::DeserializeOwned>(
        &self,
        action: Action,
        id: &str,
        query: &crate::protocol::codec::Pairs,
        form: &crate::protocol::codec::Pairs,
    ) -> std::result::Result<T, AttemptError> {
        let mut attempt = 1;
        loop {
            match self.once::<T>(action, id, query, form).await {
                Err(f) if never_arrived(&f) && attempt < self.retry_policy().max_attempts => {
                    tokio::time::sleep(self.retry_policy().delay(attempt, f.retry_after)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// The request provably did not reach the service, or the service refused it
/// before acting (throttling): sending it again cannot make a second key.
fn never_arrived(f: &AttemptError) -> bool {
    !f.maybe_applied
        && matches!(
            f.error.code,
            ErrorCode::Network | ErrorCode::Timeout | ErrorCode::Throttled
        )
        && f.error.reason.as_deref() != Some("dns_failed")
}

/// The request may have been applied: its answer was lost, or the failure is
/// one a service can give after acting (a 5xx, even with the API's own code,
/// a bad answer, "nonce already used"). Only a 4xx refusal, or a request that
/// never arrived, says for sure that nothing happened.
fn may_have_arrived(f: &AttemptError) -> bool {
    f.maybe_applied
        || matches!(
            f.error.code,
            ErrorCode::Server | ErrorCode::BadResponse | ErrorCode::NonceReused
        )
}

/// Only the API's own answer: a bare 404 from a proxy proves nothing.
fn is_api_not_found(e: &Error) -> bool {
    e.details.server_code.as_deref() == Some("ApiKey.NotFound")
}

/// Whether `key`, as the server now has it, holds what `request` asked:
/// the description, and the permission block when one was sent. Both blocks
/// are compared in canonical form, and a Custom block with no IPs counts the
/// same as the "any address" blocks the server stores for it.
pub fn update_holds(request: &UpdateApiKeyRequest, key: &ApiKey) -> bool {
    let asked = request.description.as_deref().unwrap_or("").trim();
    if key.description.as_deref().unwrap_or("").trim() != asked {
        return false;
    }
    let Some(asked) = &request.auth else {
        return true;
    };
    let stored = key.auth.clone().unwrap_or_default();
    match (canonical(asked), canonical(&stored)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A permission block as a comparable value: (type, sorted IPs, all models,
/// sorted models). Lenient: it reads what a server stored, not what a person typed.
fn canonical(auth: &Auth) -> Option<(String, Vec<String>, bool, Vec<String>)> {
    let kind = auth
        .auth_type
        .clone()
        .unwrap_or_else(|| AUTH_TYPE_ALL.into());
    if kind == AUTH_TYPE_ALL {
        return Some((kind, vec![], true, vec![]));
    }
    let mut ips: Vec<String> = auth
        .access_ips
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map(|n| n.trunc().to_string())
                .unwrap_or_else(|_| e.to_string())
        })
        // "Any address" is what an empty list means, in either family.
        .filter(|n| n != "0.0.0.0/0" && n != "::/0")
        .collect();
    ips.sort();
    ips.dedup();
    let scope = auth.model_access_scope.clone().unwrap_or_default();
    let all = scope.allow_all_models.unwrap_or(true);
    let mut models: Vec<String> = if all {
        vec![]
    } else {
        scope
            .accessible_models
            .unwrap_or_default()
            .iter()
            .map(|m| m.trim().to_string())
            .collect()
    };
    models.sort();
    Some((kind, ips, all, models))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, by: &str, at: i64) -> ApiKey {
        ApiKey {
            api_key_id: Some(id),
            created_by: Some(by.into()),
            gmt_create: Some(at),
            ..Default::default()
        }
    }

    fn lost(new_keys: Vec<ApiKey>) -> LostCreate {
        LostCreate {
            cause: Error::new(ErrorCode::Network),
            applied: false,
            new_keys,
            sent_at_ms: 1_000_000_000,
            listed_at_ms: 1_000_005_000,
        }
    }

    #[test]
    fn the_one_new_key_of_the_caller_in_the_window_is_ours() {
        let l = lost(vec![
            key(7, "me", 1_000_001_000),
            key(8, "someone", 1_000_001_000),
        ]);
        assert_eq!(l.own_key("me"), Some(7));
        assert_eq!(l.own_key("nobody"), None);
    }

    #[test]
    fn two_new_keys_of_the_caller_are_never_guessed_between() {
        let l = lost(vec![
            key(7, "me", 1_000_001_000),
            key(9, "me", 1_000_002_000),
        ]);
        assert_eq!(l.own_key("me"), None);
        let e = l.report();
        assert_eq!(e.reason.as_deref(), Some("create_ambiguous"));
    }

    #[test]
    fn a_key_made_long_before_the_call_is_not_ours() {
        let hour = 3_600_000;
        let l = lost(vec![key(7, "me", 1_000_000_000 - hour)]);
        assert_eq!(l.own_key("me"), None);
    }

    #[test]
    fn an_update_holds_when_the_stored_block_is_the_asked_one_in_any_spelling() {
        use crate::protocol::wire::{ModelAccessScope, AUTH_TYPE_CUSTOM};
        let asked = UpdateApiKeyRequest {
            description: Some("ci".into()),
            auth: Some(Auth {
                auth_type: Some(AUTH_TYPE_CUSTOM.into()),
                access_ips: Some(vec!["10.0.0.1".into(), "192.168.0.0/16".into()]),
                model_access_scope: Some(ModelAccessScope {
                    allow_all_models: Some(false),
                    accessible_models: Some(vec!["qwen-plus".into(), "qwen-max".into()]),
                }),
            }),
        };
        let mut stored = ApiKey {
            description: Some("ci".into()),
            auth: Some(Auth {
                auth_type: Some(AUTH_TYPE_CUSTOM.into()),
                access_ips: Some(vec!["192.168.0.0/16".into(), "10.0.0.1/32".into()]),
                model_access_scope: Some(ModelAccessScope {
                    allow_all_models: Some(false),
                    accessible_models: Some(vec!["qwen-max".into(), "qwen-plus".into()]),
                }),
            }),
            ..Default::default()
        };
        assert!(update_holds(&asked, &stored));
        stored.description = Some("old".into());
        assert!(!update_holds(&asked, &stored));
        stored.description = Some("ci".into());
        stored.auth.as_mut().unwrap().access_ips = Some(vec!["10.0.0.1".into()]);
        assert!(!update_holds(&asked, &stored));
        // An empty Custom list is stored as "any address".
        let open = UpdateApiKeyRequest {
            description: Some("ci".into()),
            auth: Some(Auth {
                auth_type: Some(AUTH_TYPE_CUSTOM.into()),
                access_ips: Some(vec![]),
                model_access_scope: None,
            }),
        };
        stored.auth = Some(Auth {
            auth_type: Some(AUTH_TYPE_CUSTOM.into()),
            access_ips: Some(vec!["0.0.0.0/0".into(), "::/0".into()]),
            model_access_scope: Some(ModelAccessScope {
                allow_all_models: Some(true),
                accessible_models: None,
            }),
        });
        assert!(update_holds(&open, &stored));
    }
}
