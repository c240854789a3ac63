//! Request parameters of each action and how they go on the wire
//! (which go in the query, which in the form body), as in the SDK's `client.py`.

use super::codec::{flatten_auth, Pairs};
use super::signer::percent_encode;
use super::wire::Auth;

pub const API_VERSION: &str = "2026-02-10";
/// STS, asked only who the caller is (`GetCallerIdentity`, an RPC-style action).
pub const STS_API_VERSION: &str = "2015-04-01";

/// The Model Studio actions this app uses, and STS's GetCallerIdentity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    CreateApiKey,
    ListApiKeys,
    GetApiKey,
    UpdateApiKey,
    DeleteApiKey,
    DisableApiKey,
    EnableApiKey,
    ResetApiKey,
    ListWorkspaces,
    CreateWorkspace,
    DeleteWorkspace,
    ListModelPermissions,
    /// Cost by day or month, grouped and filtered by dimension (`protocol::billing`).
    GetBillingTrend,
    /// A month's cost, grouped and filtered by dimension.
    GetBillingOverview,
    /// Request and token limits per model and workspace.
    ListModelLimits,
    /// A workspace's own limits of its models: set, replace or remove.
    UpdateModelLimits,
    /// STS: the identity the AccessKey belongs to (its id is what `createdBy` holds).
    GetCallerIdentity,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::CreateApiKey,
        Action::ListApiKeys,
        Action::GetApiKey,
        Action::UpdateApiKey,
        Action::DeleteApiKey,
        Action::DisableApiKey,
        Action::EnableApiKey,
        Action::ResetApiKey,
        Action::ListWorkspaces,
        Action::CreateWorkspace,
        Action::DeleteWorkspace,
        Action::ListModelPermissions,
        Action::GetBillingTrend,
        Action::GetBillingOverview,
        Action::ListModelLimits,
        Action::UpdateModelLimits,
        Action::GetCallerIdentity,
    ];

    /// The `x-acs-action` header value.
    pub fn name(self) -> &'static str {
        match self {
            Action::CreateApiKey => "CreateApiKey",
            Action::ListApiKeys => "ListApiKeys",
            Action::GetApiKey => "GetApiKey",
            Action::UpdateApiKey => "UpdateApiKey",
            Action::DeleteApiKey => "DeleteApiKey",
            Action::DisableApiKey => "DisableApiKey",
            Action::EnableApiKey => "EnableApiKey",
            Action::ResetApiKey => "ResetApiKey",
            Action::ListWorkspaces => "ListWorkspaces",
            Action::CreateWorkspace => "CreateWorkspace",
            Action::DeleteWorkspace => "DeleteWorkspace",
            Action::ListModelPermissions => "ListModelPermissions",
            Action::GetBillingTrend => "GetBillingTrend",
            Action::GetBillingOverview => "GetBillingOverview",
            Action::ListModelLimits => "ListModelLimits",
            Action::UpdateModelLimits => "UpdateModelLimits",
            Action::GetCallerIdentity => "GetCallerIdentity",
        }
    }

    /// The `x-acs-version` header value.
    pub fn version(self) -> &'static str {
        match self {
            Action::GetCallerIdentity => STS_API_VERSION,
            _ => API_VERSION,
        }
    }

    pub fn method(self) -> &'static str {
        match self {
            Action::CreateApiKey
            | Action::CreateWorkspace
            | Action::UpdateModelLimits
            | Action::GetCallerIdentity => "POST",
            Action::ListApiKeys
            | Action::GetApiKey
            | Action::ListWorkspaces
            | Action::ListModelPermissions
            | Action::GetBillingTrend
            | Action::GetBillingOverview
            | Action::ListModelLimits => "GET",
            Action::UpdateApiKey
            | Action::DisableApiKey
            | Action::EnableApiKey
            | Action::ResetApiKey => "PUT",
            Action::DeleteApiKey | Action::DeleteWorkspace => "DELETE",
        }
    }

    /// The request path; `id` is the apiKeyId or workspaceId where the path has one.
    pub fn path(self, id: &str) -> String {
        let id = percent_encode(id);
        match self {
            Action::CreateApiKey | Action::ListApiKeys => "/modelstudio/apikeys".into(),
            Action::GetApiKey | Action::UpdateApiKey | Action::DeleteApiKey => {
                format!("/modelstudio/apikeys/{id}")
            }
            Action::DisableApiKey => format!("/modelstudio/apikeys/{id}/disable"),
            Action::EnableApiKey => format!("/modelstudio/apikeys/{id}/enable"),
            Action::ResetApiKey => format!("/modelstudio/apikeys/{id}/reset"),
            Action::ListWorkspaces | Action::CreateWorkspace => "/modelstudio/workspaces".into(),
            Action::DeleteWorkspace => format!("/modelstudio/workspaces/{id}"),
            Action::ListModelPermissions => "/modelstudio/models/permissions".into(),
            Action::GetBillingTrend => "/modelstudio/billing/trend".into(),
            Action::GetBillingOverview => "/modelstudio/billing/overview".into(),
            Action::ListModelLimits | Action::UpdateModelLimits => {
                "/modelstudio/models/limits".into()
            }
            // RPC style: the action is named by the header, the path is the root.
            Action::GetCallerIdentity => "/".into(),
        }
    }

    /// Reads, which may be repeated freely.
    pub fn is_read(self) -> bool {
        self.method() == "GET" || self == Action::GetCallerIdentity
    }
}

pub(crate) fn push(out: &mut Pairs, key: &str, value: &Option<impl ToString>) {
    if let Some(v) = value {
        out.push((key.to_string(), v.to_string()));
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateApiKeyRequest {
    pub auth: Option<Auth>,
    pub description: Option<String>,
    /// Empty or absent: the default workspace.
    pub workspace_id: Option<String>,
}

impl CreateApiKeyRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "description", &self.description);
        push(&mut q, "workspaceId", &self.workspace_id);
        q
    }
    pub fn form(&self) -> Pairs {
        let mut f = Vec::new();
        if let Some(auth) = &self.auth {
            flatten_auth("auth", auth, &mut f);
        }
        f
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}
impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
        }
    }
}
impl std::fmt::Display for SortOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    ApiKeyId,
    GmtCreate,
}
impl OrderBy {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderBy::ApiKeyId => "apiKeyId",
            OrderBy::GmtCreate => "gmtCreate",
        }
    }
}
impl std::fmt::Display for OrderBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListApiKeysRequest {
    /// Exact match.
    pub api_key_id: Option<i64>,
    /// Fuzzy match.
    pub description: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub order: Option<SortOrder>,
    pub order_by: Option<OrderBy>,
    pub workspace_id: Option<String>,
}

impl ListApiKeysRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "apiKeyId", &self.api_key_id);
        push(&mut q, "description", &self.description);
        push(&mut q, "maxResults", &self.max_results);
        push(&mut q, "nextToken", &self.next_token);
        push(&mut q, "order", &self.order);
        push(&mut q, "orderBy", &self.order_by);
        push(&mut q, "workspaceId", &self.workspace_id);
        q
    }
}

/// UpdateApiKey: `auth` must be the whole block (the server replaces it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateApiKeyRequest {
    pub auth: Option<Auth>,
    pub description: Option<String>,
}

impl UpdateApiKeyRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "description", &self.description);
        q
    }
    pub fn form(&self) -> Pairs {
        let mut f = Vec::new();
        if let Some(auth) = &self.auth {
            flatten_auth("auth", auth, &mut f);
        }
        f
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListWorkspacesRequest {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub workspace_id: Option<String>,
    /// Fuzzy match.
    pub workspace_name: Option<String>,
}

impl ListWorkspacesRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "maxResults", &self.max_results);
        push(&mut q, "nextToken", &self.next_token);
        push(&mut q, "workspaceId", &self.workspace_id);
        push(&mut q, "workspaceName", &self.workspace_name);
        q
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateWorkspaceRequest {
    pub service_site: Option<String>,
    pub workspace_name: String,
}

impl CreateWorkspaceRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "serviceSite", &self.service_site);
        q.push(("workspaceName".into(), self.workspace_name.clone()));
        q
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelFilter {
    pub model: Option<String>,
    pub name: Option<String>,
}

/// `AUTHORIZED` (what the workspace may call) or `AUTHORIZABLE`.
pub const SCOPE_AUTHORIZED: &str = "AUTHORIZED";
pub const SCOPE_AUTHORIZABLE: &str = "AUTHORIZABLE";
pub const MODEL_ACTION_INFERENCE: &str = "INFERENCE";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListModelPermissionsRequest {
    pub authorization_scope: Option<String>,
    pub filter: Option<ModelFilter>,
    pub max_results: Option<i64>,
    pub model_action: Option<String>,
    pub next_token: Option<String>,
    pub workspace_id: String,
}

impl ListModelPermissionsRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "authorizationScope", &self.authorization_scope);
        if let Some(f) = &self.filter {
            push(&mut q, "filter.model", &f.model);
            push(&mut q, "filter.name", &f.name);
        }
        push(&mut q, "maxResults", &self.max_results);
        push(&mut q, "modelAction", &self.model_action);
        push(&mut q, "nextToken", &self.next_token);
        q.push(("workspaceId".into(), self.workspace_id.clone()));
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_ids_and_match_the_sdk() {
        assert_eq!(
            Action::ResetApiKey.path("42"),
            "/modelstudio/apikeys/42/reset"
        );
        assert_eq!(
            Action::DeleteWorkspace.path("llm a/b"),
            "/modelstudio/workspaces/llm%20a%2Fb"
        );
        assert_eq!(Action::ListModelPermissions.method(), "GET");
        assert!(Action::ListApiKeys.is_read() && !Action::CreateApiKey.is_read());
    }

    #[test]
    fn list_request_carries_every_filter() {
        let q = ListApiKeysRequest {
            api_key_id: Some(7),
            description: Some("prod".into()),
            max_results: Some(10),
            next_token: Some("t".into()),
            order: Some(SortOrder::Asc),
            order_by: Some(OrderBy::GmtCreate),
            workspace_id: Some("llm-1".into()),
        }
        .query();
        let keys: Vec<_> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            vec![
                "apiKeyId=7",
                "description=prod",
                "maxResults=10",
                "nextToken=t",
                "order=ASC",
                "orderBy=gmtCreate",
                "workspaceId=llm-1"
            ]
        );
    }
}
