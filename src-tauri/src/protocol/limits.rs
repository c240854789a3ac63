//! ListModelLimits and UpdateModelLimits: requests and answers, field for
//! field as the official SDK's `models/` has them.

use super::codec::Pairs;
use super::requests::push;
use super::wire::Envelope;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListModelLimitsRequest {
    pub max_results: Option<i64>,
    pub model: Option<String>,
    pub name: Option<String>,
    pub next_token: Option<String>,
    pub workspace_id: Option<String>,
}

impl ListModelLimitsRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "maxResults", &self.max_results);
        push(&mut q, "model", &self.model);
        push(&mut q, "name", &self.name);
        push(&mut q, "nextToken", &self.next_token);
        push(&mut q, "workspaceId", &self.workspace_id);
        q
    }
}

/// `modelLimit` and `workspaceLimit`: requests and tokens per period (seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub async_user_concurrency_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub async_user_queue_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_limit_period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit_period: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelLimit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_limit: Option<LimitValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_limit: Option<LimitValues>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListModelLimitsResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Vec<ModelLimit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

/// `operationType` of a workspace limit change: set or replace the limit.
pub const LIMIT_OVERLAY: &str = "OVERLAY";
/// `operationType`: remove the workspace's own limit (the account's applies).
pub const LIMIT_DELETE: &str = "DELETE";

/// One entry of UpdateModelLimits' `workspaceLimits`; periods in seconds.
/// Field order is the SDK's: it is also the order in the JSON sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceLimitChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_limit_period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit_period: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateModelLimitsRequest {
    pub workspace_id: Option<String>,
    pub workspace_limits: Vec<WorkspaceLimitChange>,
}

impl UpdateModelLimitsRequest {
    /// The form body as the SDK sends it: `workspaceLimits` is one JSON
    /// string, compact (the SDK's `separators=(",", ":")`).
    pub fn form(&self) -> Pairs {
        let mut f = Vec::new();
        push(&mut f, "workspaceId", &self.workspace_id);
        let limits = serde_json::to_string(&self.workspace_limits).unwrap_or_else(|_| "[]".into());
        f.push(("workspaceLimits".into(), limits));
        f
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateModelLimitsResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}
