//! Wire types: the JSON bodies of API version 2026-02-10, field for field as
//! the official SDK's `models/` has them (camelCase, every field optional
//! because the SDK treats every field as optional).
//!
//! These are shared by the client (deserialising) and the sandbox
//! (serialising). Screens get their own types; convert in one place.
//! The full key value appears only in `CreatedApiKey` and `ResetApiKeyValue`;
//! their Debug output hides it.

use crate::domain::permission::{Permission, PermissionType};
use crate::domain::secret::Secret;
use serde::{Deserialize, Serialize};

/// `auth.type` values.
pub const AUTH_TYPE_ALL: &str = "All";
pub const AUTH_TYPE_CUSTOM: &str = "Custom";

/// Fields every response body carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelAccessScope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessible_models: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_all_models: Option<bool>,
}

/// The `auth` block of a key: permission type, IP whitelist and model scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_ips: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_access_scope: Option<ModelAccessScope>,
    /// `All` or `Custom`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
}

impl Auth {
    /// What a stored block means to the app: an absent block, or a type
    /// other than Custom, is All; an absent model scope allows every model.
    pub fn permission(auth: Option<&Auth>) -> Permission {
        let auth = auth.cloned().unwrap_or_default();
        let scope = auth.model_access_scope.unwrap_or_default();
        let kind = match auth.auth_type.as_deref() {
            Some(AUTH_TYPE_CUSTOM) => PermissionType::Custom,
            _ => PermissionType::All,
        };
        Permission {
            kind,
            access_ips: auth.access_ips.unwrap_or_default(),
            allow_all_models: scope.allow_all_models.unwrap_or(true),
            accessible_models: scope.accessible_models.unwrap_or_default(),
        }
    }

    /// The whole block for Create and Update (the server replaces it).
    pub fn from_permission(p: &Permission) -> Auth {
        match p.kind {
            PermissionType::All => Auth {
                auth_type: Some(AUTH_TYPE_ALL.into()),
                access_ips: None,
                model_access_scope: None,
            },
            PermissionType::Custom => Auth {
                auth_type: Some(AUTH_TYPE_CUSTOM.into()),
                access_ips: Some(p.access_ips.clone()),
                model_access_scope: Some(ModelAccessScope {
                    allow_all_models: Some(p.allow_all_models),
                    accessible_models: (!p.allow_all_models).then(|| p.accessible_models.clone()),
                }),
            },
        }
    }
}

/// A key as ListApiKeys and GetApiKey return it (value masked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<i64>,
    /// Masked, e.g. `sk-ws-djI.8O7d*****2aICctnid4u4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 0 active, 1 disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<i64>,
    /// Epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_create: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
}

/// CreateApiKey's `apiKey`: the only place besides Reset with the FULL value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<i64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::domain::secret::serialize_exposed"
    )]
    pub api_key_value: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_create: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// ResetApiKey's `apiKey`: same id, new FULL value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetApiKeyValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<i64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::domain::secret::serialize_exposed"
    )]
    pub api_key_value: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// The workspace's own inference host, e.g. `llm-xxxx.cn-beijing.maas.aliyuncs.com`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_create: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelPermissions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelPermission {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<ModelPermissions>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailReason {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<CreatedApiKey>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListApiKeysResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Vec<ApiKey>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetApiKeyResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<ApiKey>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetApiKeyResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<ResetApiKeyValue>,
}

/// UpdateApiKey, DeleteApiKey, DisableApiKey and EnableApiKey answer the envelope only.
pub type UpdateApiKeyResponseBody = Envelope;
pub type DeleteApiKeyResponseBody = Envelope;
pub type DisableApiKeyResponseBody = Envelope;
pub type EnableApiKeyResponseBody = Envelope;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWorkspacesResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspaces: Option<Vec<Workspace>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWorkspaceResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Workspace>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteWorkspaceResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_reasons: Option<Vec<FailReason>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_deleted: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListModelPermissionsResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<ModelPermission>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

/// An error answer. The gateway writes `Code`/`Message`/`RequestId`, the
/// product writes `code`/`message`/`requestId`; accept both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(alias = "Code", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(alias = "Message", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(alias = "RequestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(alias = "HttpStatusCode", skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<i64>,
    #[serde(alias = "Success", skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_permission_round_trips_through_the_wire_block() {
        let p = Permission {
            kind: PermissionType::Custom,
            access_ips: vec!["10.0.0.0/8".into()],
            allow_all_models: false,
            accessible_models: vec!["qwen-plus".into()],
        };
        assert_eq!(Auth::permission(Some(&Auth::from_permission(&p))), p);
        let all = Auth::permission(None);
        assert_eq!(all.kind, PermissionType::All);
        assert!(all.allow_all_models);
    }

    #[test]
    fn list_item_parses_the_documented_shape() {
        let body = r#"{"requestId":"r1","success":true,"code":"200","httpStatusCode":200,
            "apiKeys":[{"apiKeyId":42,"apiKeyValue":"sk-ws-djI.8O7d*****2aICctnid4u4",
            "auth":{"type":"Custom","accessIps":["10.0.0.0/8"],
            "modelAccessScope":{"allowAllModels":false,"accessibleModels":["qwen-plus"]}},
            "createdBy":"u","description":"d","disabled":1,"gmtCreate":1700000000000,
            "workspaceId":"llm-1","workspaceName":"Default"}],
            "maxResults":20,"nextToken":"t","totalCount":1}"#;
        let parsed: ListApiKeysResponseBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.envelope.request_id.as_deref(), Some("r1"));
        let key = &parsed.api_keys.unwrap()[0];
        assert_eq!(key.api_key_id, Some(42));
        assert_eq!(key.disabled, Some(1));
        let auth = key.auth.as_ref().unwrap();
        assert_eq!(auth.auth_type.as_deref(), Some(AUTH_TYPE_CUSTOM));
        assert_eq!(
            auth.model_access_scope.as_ref().unwrap().allow_all_models,
            Some(false)
        );
    }

    #[test]
    fn error_body_accepts_both_casings() {
        let a: ErrorBody =
            serde_json::from_str(r#"{"Code":"Throttling.User","Message":"m","RequestId":"R"}"#)
                .unwrap();
        let b: ErrorBody =
            serde_json::from_str(r#"{"code":"Throttling.User","message":"m","requestId":"R"}"#)
                .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.code.as_deref(), Some("Throttling.User"));
    }

    #[test]
    fn delete_workspace_fail_reasons_parse() {
        let body =
            r#"{"isDeleted":false,"failReasons":[{"reason":"has keys","resourceType":"ApiKey"}]}"#;
        let parsed: DeleteWorkspaceResponseBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.is_deleted, Some(false));
        assert_eq!(
            parsed.fail_reasons.unwrap()[0].resource_type.as_deref(),
            Some("ApiKey")
        );
    }

    #[test]
    fn full_values_never_reach_debug_output() {
        let created = CreatedApiKey {
            api_key_value: Some(Secret::new("sk-ws-SECRETVALUE")),
            ..Default::default()
        };
        let reset = ResetApiKeyValue {
            api_key_value: Some(Secret::new("sk-ws-SECRETVALUE")),
            ..Default::default()
        };
        let printed = format!("{created:?} {reset:?}");
        assert!(!printed.contains("SECRETVALUE"), "{printed}");
    }
}

/// STS GetCallerIdentity's answer (an RPC API: PascalCase fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CallerIdentityBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The RAM user's id, or the account's for the root account: what
    /// Model Studio records as a key's `createdBy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// `Account`, `RAMUser` or `AssumedRoleUser`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}
