//! Create and Reset are never repeated: a second Create makes a second key,
//! a second Reset throws away the value the first one made. When their
//! answer is lost, find out from a listing what happened and say exactly that.

#![allow(clippy::result_large_err)]

use super::client::{missing, outcome_unknown, Client, NewKey};
use super::requests::{Action, CreateApiKeyRequest, ListApiKeysRequest, OrderBy, SortOrder};
use super::wire::{CreateApiKeyResponseBody, ResetApiKeyResponseBody};
use crate::error::{ErrorCode, Result};
use crate::secret::Secret;

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

pub(crate) async fn create_api_key(
    client: &Client,
    request: &CreateApiKeyRequest,
) -> Result<NewKey> {
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
    let failed = match sent {
        Ok(body) => {
            let key = body.api_key.ok_or_else(|| missing("apiKey"))?;
            let (Some(api_key_id), Some(value)) = (key.api_key_id, key.api_key_value) else {
                return Err(missing("apiKey.apiKeyValue"));
            };
            return Ok(NewKey {
                api_key_id,
                value: Secret::new(value),
                workspace_id: key.workspace_id,
                description: key.description,
                created_by: key.created_by,
                gmt_create: key.gmt_create,
            });
        }
        Err(f) if !f.maybe_applied => return Err(f.error),
        Err(f) => f,
    };
    log::warn!(
        "CreateApiKey outcome lost ({}); reconciling by listing",
        failed.error.code
    );
    let after = match candidates(client, request).await {
        Ok(after) => after,
        Err(_) => return Err(outcome_unknown("create_unverified", failed.error)),
    };
    let new: Vec<i64> = after
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    Err(match new.as_slice() {
        [] => outcome_unknown("create_not_created", failed.error),
        [id] => outcome_unknown("create_value_lost", failed.error)
            .with_param("apiKeyId", id.to_string()),
        many => outcome_unknown("create_ambiguous", failed.error).with_param(
            "apiKeyIds",
            many.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    })
}

pub(crate) async fn reset_api_key(client: &Client, api_key_id: i64) -> Result<NewKey> {
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
            let key = body.api_key.ok_or_else(|| missing("apiKey"))?;
            let value = key
                .api_key_value
                .ok_or_else(|| missing("apiKey.apiKeyValue"))?;
            return Ok(NewKey {
                api_key_id: key.api_key_id.unwrap_or(api_key_id),
                value: Secret::new(value),
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
