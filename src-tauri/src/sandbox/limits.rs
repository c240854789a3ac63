//! ListModelLimits and UpdateModelLimits: the request and token limits of
//! each model a workspace may call, for the account (canned figures of the
//! right shape) and the workspace's own, set with UpdateModelLimits. The
//! default workspace always has the account's limits; another workspace has
//! its own only where one was set (`workspaceLimit` absent otherwise). The
//! sandbox's rules for a change, as the console has them: the root account
//! only (RAM users are refused `Forbidden.RAM`), never the default workspace,
//! periods of a minute, an hour or a day, and no more than the account allows
//! in that period. `throttle.rs` enforces them on chat calls.

use super::apierror::ApiError;
use super::billing::envelope;
use super::db::db_error;
use super::store::{self, workspaces, Identity};
use crate::domain::regions::RegionId;
use crate::protocol::codec;
use crate::protocol::limits::{
    LimitValues, ListModelLimitsResponseBody, ModelLimit, WorkspaceLimitChange, LIMIT_DELETE,
    LIMIT_OVERLAY,
};
use crate::protocol::wire::Envelope;
use rusqlite::{params, OptionalExtension, Transaction};

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
        let account = LimitValues {
            async_user_concurrency_limit: Some(5),
            async_user_queue_limit: Some(100),
            request_limit: Some(rpm),
            request_limit_period: Some(60),
            usage_limit: Some(tpm),
            usage_limit_field: Some("total_tokens".into()),
            usage_limit_period: Some(60),
        };
        let workspace_limit = if ws.is_default {
            Some(account.clone())
        } else {
            own_limit(tx, &ws.id, &model)?
        };
        all.push(ModelLimit {
            model: Some(model.clone()),
            model_limit: Some(account),
            name: Some(name),
            workspace_id: Some(ws.id.clone()),
            workspace_limit,
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

/// A workspace's own limit of `model`, if one was set (`throttle.rs` enforces it).
pub(super) fn own_limit(
    tx: &Transaction,
    workspace_id: &str,
    model: &str,
) -> crate::Result<Option<LimitValues>> {
    let row = tx
        .query_row(
            "SELECT request_limit, request_limit_period, usage_limit, usage_limit_period
             FROM workspace_limits WHERE workspace_id = ?1 AND model = ?2",
            params![workspace_id, model],
            |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            },
        )
        .optional()
        .map_err(db_error)?;
    Ok(row.map(
        |(requests, requests_period, usage, usage_period)| LimitValues {
            request_limit: requests,
            request_limit_period: requests_period,
            usage_limit: usage,
            usage_limit_field: usage.map(|_| "total_tokens".into()),
            usage_limit_period: usage_period,
            ..Default::default()
        },
    ))
}

/// UpdateModelLimits: every change is checked before any is made; one bad
/// entry refuses them all.
pub fn update_model_limits(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    form: Query,
) -> Result<(), ApiError> {
    if !caller.is_root() {
        return Err(ApiError::new(
            403,
            "Forbidden.RAM",
            "User not authorized to change the model limits of this account.",
        ));
    }
    let ws_id = codec::value(form, "workspaceId")
        .filter(|w| !w.trim().is_empty())
        .ok_or_else(|| ApiError::missing("workspaceId"))?;
    let ws = workspaces::resolve_workspace(tx, region, Some(ws_id))?;
    if ws.is_default {
        return Err(ApiError::invalid(
            "workspaceId",
            "the default workspace always uses the account's limits",
        ));
    }
    let raw = codec::value(form, "workspaceLimits")
        .ok_or_else(|| ApiError::missing("workspaceLimits"))?;
    let changes: Vec<WorkspaceLimitChange> = serde_json::from_str(raw).map_err(|e| {
        ApiError::invalid(
            "workspaceLimits",
            format!("not a JSON list of limits ({e})"),
        )
    })?;
    if changes.is_empty() {
        return Err(ApiError::invalid("workspaceLimits", "it names no model"));
    }
    let models = workspaces::authorized_models(tx, &ws.id)?;
    for change in &changes {
        check_change(change, &models)?;
    }
    for change in &changes {
        let model = change.model.as_deref().unwrap_or_default();
        if change.operation_type.as_deref() == Some(LIMIT_DELETE) {
            tx.execute(
                "DELETE FROM workspace_limits WHERE workspace_id = ?1 AND model = ?2",
                params![ws.id, model],
            )
            .map_err(db_error)?;
        } else {
            tx.execute(
                "INSERT INTO workspace_limits (workspace_id, model, request_limit,
                     request_limit_period, usage_limit, usage_limit_period)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (workspace_id, model) DO UPDATE SET
                     request_limit = excluded.request_limit,
                     request_limit_period = excluded.request_limit_period,
                     usage_limit = excluded.usage_limit,
                     usage_limit_period = excluded.usage_limit_period",
                params![
                    ws.id,
                    model,
                    change.request_limit,
                    change.request_limit_period,
                    change.usage_limit,
                    change.usage_limit_period
                ],
            )
            .map_err(db_error)?;
        }
    }
    Ok(())
}

/// One entry of `workspaceLimits`, against the workspace's models and the account's limits.
fn check_change(change: &WorkspaceLimitChange, models: &[String]) -> Result<(), ApiError> {
    let model = change
        .model
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| ApiError::missing("workspaceLimits.model"))?;
    // Removing is always allowed, even of a model the workspace may no longer call.
    if change.operation_type.as_deref() == Some(LIMIT_DELETE) {
        return Ok(());
    }
    if !models.iter().any(|m| m == model) {
        return Err(ApiError::invalid(
            "workspaceLimits.model",
            format!("{model} is not a model this workspace may call"),
        ));
    }
    match change.operation_type.as_deref() {
        Some(LIMIT_OVERLAY) => {}
        _ => {
            return Err(ApiError::invalid(
                "workspaceLimits.operationType",
                "it must be OVERLAY or DELETE",
            ))
        }
    }
    let (rpm, tpm) = model_limits_of(model);
    let pairs = [
        (
            "requestLimit",
            change.request_limit,
            change.request_limit_period,
            rpm,
        ),
        (
            "usageLimit",
            change.usage_limit,
            change.usage_limit_period,
            tpm,
        ),
    ];
    if pairs
        .iter()
        .all(|(_, value, period, _)| value.is_none() && period.is_none())
    {
        return Err(ApiError::invalid(
            "workspaceLimits",
            format!("OVERLAY of {model} sets neither requestLimit nor usageLimit"),
        ));
    }
    for (name, value, period, per_minute) in pairs {
        match (value, period) {
            (None, None) => {}
            (Some(value), Some(period)) => {
                if !crate::domain::rules::is_limit_period(period) {
                    return Err(ApiError::invalid(
                        &format!("workspaceLimits.{name}Period"),
                        "it must be 60, 3600 or 86400 seconds",
                    ));
                }
                let most = per_minute * (period / 60);
                if value < 1 || value > most {
                    return Err(ApiError::invalid(
                        &format!("workspaceLimits.{name}"),
                        format!("it must be between 1 and {most}, the account's limit of {model} for {period} seconds"),
                    ));
                }
            }
            _ => {
                return Err(ApiError::invalid(
                    &format!("workspaceLimits.{name}"),
                    "a limit and its period go together",
                ))
            }
        }
    }
    Ok(())
}
