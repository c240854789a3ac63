//! Create and Reset are never repeated: a second Create makes a second key,
//! a second Reset throws away the value the first one made. When their
//! answer is lost, find out from a listing what happened and say exactly that.
//! A lost Delete is checked the same way: a key that is gone was deleted.

use super::client::{Client, NewKey};
use super::errors::{missing, outcome_unknown};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::protocol::requests::{
    Action, CreateApiKeyRequest, ListApiKeysRequest, OrderBy, SortOrder,
};
use crate::protocol::wire::{CreateApiKeyResponseBody, ResetApiKeyResponseBody};

// The calls whose answer can be lost after the server acted. They live here,
// beside their reconciliation, and are methods of `Client` like every other call.
impl Client {
    pub async fn create_api_key(&self, request: &CreateApiKeyRequest) -> Result<NewKey> {
        create_api_key(self, request).await
    }

    /// New value for the key; the old one stops working.
    pub async fn reset_api_key(&self, api_key_id: i64) -> Result<NewKey> {
        reset_api_key(self, api_key_id).await
    }

    /// Deletes a key; a lost answer is settled by looking the key up.
    pub async fn delete_api_key(&self, api_key_id: i64) -> Result<()> {
        delete_api_key(self, api_key_id).await
    }
}

/// Keys that could be the one this create makes: same description, same
/// workspace (when one was named).
async fn candidates(client: &Client, request: &CreateApiKeyRequest) -> Result<Vec<i64>> {
    let keys = client
        .list_api_keys(&ListApiKeysRequest {
            description: request.description.clone(),
            workspace_id: request.workspace_id.clone().filter(|w| !w.is_empty()),
            order: Some(SortOrder::Desc),
            order_by: Some(OrderBy::GmtCreate),
            ..Default::default()
        })
        .await?;
    Ok(keys
        .into_iter()
        // The description filter is fuzzy; only an exact match is ours.
        .filter(|k| {
            k.description.as_deref().unwrap_or("") == request.description.as_deref().unwrap_or("")
        })
        .filter_map(|k| k.api_key_id)
        .collect())
}

/// Candidates not in `before`, listing again after each delay while none shows.
async fn new_candidates(
    client: &Client,
    request: &CreateApiKeyRequest,
    before: &[i64],
) -> Result<Vec<i64>> {
    let mut waits = client.reconcile_policy().relist_delays.iter();
    loop {
        let new: Vec<i64> = candidates(client, request)
            .await?
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        match waits.next() {
            Some(wait) if new.is_empty() => tokio::time::sleep(*wait).await,
            _ => return Ok(new),
        }
    }
}

async fn create_api_key(client: &Client, request: &CreateApiKeyRequest) -> Result<NewKey> {
    // What exists before: afterwards, a key not in this set is the one we made.
    let before = candidates(client, request).await?;
    let sent = client
        .once::<CreateApiKeyResponseBody>(
            Action::CreateApiKey,
            "",
            &request.query(),
            &request.form(),
        )
        .await;
    // `applied`: the server said it made a key, only its answer was unusable.
    let (failed, applied) = match sent {
        Ok(body) => {
            let key = body.api_key.unwrap_or_default();
            match (key.api_key_id, key.api_key_value) {
                (Some(api_key_id), Some(value)) => {
                    return Ok(NewKey {
                        api_key_id,
                        value,
                        workspace_id: key.workspace_id,
                        description: key.description,
                        created_by: key.created_by,
                        gmt_create: key.gmt_create,
                    })
                }
                // The answer names the key: nothing to look for.
                (Some(api_key_id), None) => {
                    return Err(
                        outcome_unknown("create_value_lost", missing("apiKey.apiKeyValue"))
                            .with_param("apiKeyId", api_key_id.to_string()),
                    )
                }
                (None, _) => (missing("apiKey.apiKeyId"), true),
            }
        }
        Err(f) if !f.maybe_applied => return Err(f.error),
        Err(f) => (f.error, false),
    };
    log::warn!(
        "CreateApiKey outcome lost ({}); reconciling by listing",
        failed.code
    );
    let new = match new_candidates(client, request, &before).await {
        Ok(new) => new,
        Err(_) => return Err(outcome_unknown("create_unverified", failed)),
    };
    Err(report(new, applied, failed))
}

/// What the listing says about a create whose answer was lost.
fn report(new: Vec<i64>, applied: bool, cause: Error) -> Error {
    match new.as_slice() {
        [] if applied => outcome_unknown("create_value_lost_unidentified", cause),
        [] => outcome_unknown("create_not_created", cause),
        [id] => outcome_unknown("create_value_lost", cause).with_param("apiKeyId", id.to_string()),
        many => outcome_unknown("create_ambiguous", cause).with_param(
            "apiKeyIds",
            many.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

async fn reset_api_key(client: &Client, api_key_id: i64) -> Result<NewKey> {
    let sent = client
        .once::<ResetApiKeyResponseBody>(
            Action::ResetApiKey,
            &api_key_id.to_string(),
            &vec![],
            &vec![],
        )
        .await;
    let failed = match sent {
        Ok(body) => {
            let key = body.api_key.unwrap_or_default();
            let Some(value) = key.api_key_value else {
                // The server reset the key (the old value is dead) but its
                // answer lacks the new value: nothing to look up, say so.
                return Err(
                    outcome_unknown("reset_value_unknown", missing("apiKey.apiKeyValue"))
                        .with_param("apiKeyId", api_key_id.to_string()),
                );
            };
            return Ok(NewKey {
                api_key_id: key.api_key_id.unwrap_or(api_key_id),
                value,
                workspace_id: key.workspace_id,
                description: None,
                created_by: None,
                gmt_create: None,
            });
        }
        Err(f) if !f.maybe_applied => return Err(f.error),
        Err(f) => f,
    };
    log::warn!(
        "ResetApiKey outcome lost ({}); checking the key",
        failed.error.code
    );
    // A reset leaves no trace in the listing, so whether it happened cannot
    // be known; only whether the key still exists.
    let reason = match client.get_api_key(api_key_id).await {
        Ok(_) => "reset_value_unknown",
        Err(e) if e.code == ErrorCode::NotFound => "reset_key_gone",
        Err(_) => "reset_unverified",
    };
    Err(outcome_unknown(reason, failed.error).with_param("apiKeyId", api_key_id.to_string()))
}

/// Delete's answer was lost: if the service says the key does not exist, the
/// delete landed (or someone else's did, which is the same to the person).
/// If it is still there the delete may yet be applied, so the person is told
/// to refresh; nothing is assumed either way.
async fn delete_api_key(client: &Client, api_key_id: i64) -> Result<()> {
    let failed = match client
        .once::<crate::protocol::wire::Envelope>(
            Action::DeleteApiKey,
            &api_key_id.to_string(),
            &vec![],
            &vec![],
        )
        .await
    {
        Ok(_) => return Ok(()),
        Err(f) if !f.maybe_applied => return Err(f.error),
        Err(f) => f.error,
    };
    log::warn!(
        "DeleteApiKey outcome lost ({}); checking the key",
        failed.code
    );
    match client.get_api_key(api_key_id).await {
        // Only the API's own answer: a bare 404 from a proxy proves nothing.
        Err(e) if e.details.server_code.as_deref() == Some("ApiKey.NotFound") => Ok(()),
        _ => Err(outcome_unknown("outcome_unknown_refresh", failed)),
    }
}
