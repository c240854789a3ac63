//! ListModelLimits: the request and token limits of each model a workspace
//! may call, for the account and for the workspace (a sub-workspace gets a
//! share). Canned figures of the right shape; nothing enforces them.

use super::apierror::ApiError;
use super::billing::envelope;
use super::store::{self, workspaces, Identity};
use crate::domain::regions::RegionId;
use crate::protocol::codec;
use crate::protocol::limits::{LimitValues, ListModelLimitsResponseBody, ModelLimit};
use crate::protocol::wire::Envelope;
use rusqlite::{params, Transaction};

type Query<'a> = &'a [(String, String)];

/// (requests per minute, tokens per minute) of a model for a whole account.
fn model_limits_of(model: &str) -> (i64, i64) {
    match model {
        "qwen-max" => (1_200, 1_000_000),
        "qwen-plus" | "qwen-turbo" | "qwen-flash" => (15_000, 5_000_000),
        "text-embedding-v4" => (1_800, 1_200_000),
        _ => (600, 1_000_000),
    }
}

pub fn model_limits(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    query: Query,
    offset: i64,
    limit: i64,
) -> Result<ListModelLimitsResponseBody, ApiError> {
    store::require_manage(caller)?;
    let ws = workspaces::resolve_workspace(tx, region, codec::value(query, "workspaceId"))?;
    let model_filter = codec::value(query, "model").map(str::to_ascii_lowercase);
    let name_filter = codec::value(query, "name").map(str::to_ascii_lowercase);
    let mut all = Vec::new();
    for model in workspaces::authorized_models(tx, &ws.id)? {
        let name: String = tx
            .query_row(
                "SELECT name FROM models WHERE region = ?1 AND model = ?2",
                params![region.as_str(), model],
                |r| r.get(0),
            )
            .unwrap_or_else(|_| model.clone());
        if model_filter
            .as_ref()
            .is_some_and(|f| !model.to_ascii_lowercase().contains(f))
            || name_filter
                .as_ref()
                .is_some_and(|f| !name.to_ascii_lowercase().contains(f))
        {
            continue;
        }
        let (rpm, tpm) = model_limits_of(&model);
        let values = |share: i64| LimitValues {
            async_user_concurrency_limit: Some(5),
            async_user_queue_limit: Some(100),
            request_limit: Some(rpm / share),
            request_limit_period: Some(60),
            usage_limit: Some(tpm / share),
            usage_limit_field: Some("total_tokens".into()),
            usage_limit_period: Some(60),
        };
        all.push(ModelLimit {
            model: Some(model.clone()),
            model_limit: Some(values(1)),
            name: Some(name),
            workspace_id: Some(ws.id.clone()),
            // A sub-workspace gets a share of the account's limit.
            workspace_limit: Some(values(if ws.is_default { 1 } else { 4 })),
        });
    }
    let total = all.len() as i64;
    let page: Vec<ModelLimit> = all
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let next = offset + page.len() as i64;
    Ok(ListModelLimitsResponseBody {
        envelope: Envelope {
            http_status_code: Some(200),
            ..envelope()
        },
        error_message: None,
        next_token: (next < total).then(|| next.to_string()),
        limits: Some(page),
        max_results: Some(limit),
        total_count: Some(total),
    })
}
