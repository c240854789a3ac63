//! ListModelLimits: request and answer, field for field as the official
//! SDK's `models/` has them.

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
