//! Error answers as the gateway and the product send them.
//!
//! OpenAPI errors are an HTTP status plus `{"code","message","requestId",
//! "httpStatusCode","success":false}`; the official runtime reads `code`/`Code`,
//! `message`/`Message` and `requestId`/`RequestId` from it, and treats any
//! answer carrying `x-acs-retry-after` as throttling. DashScope errors are
//! `{"code","message","request_id"}`. The full table is in the module docs of
//! `sandbox` (mod.rs).

use super::values::request_id;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An OpenAPI error answer. Messages never contain a secret: they name
/// fields, ids and rules, never key values or AccessKey secrets.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Seconds for `x-acs-retry-after` (throttling only).
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    // --- gateway: authentication ---
    pub fn incomplete_signature(what: &str) -> Self {
        Self::new(
            400,
            "IncompleteSignature",
            format!("The request signature is incomplete: {what}."),
        )
    }
    pub fn unknown_access_key() -> Self {
        Self::new(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    }
    pub fn signature_mismatch() -> Self {
        Self::new(
            400,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        )
    }
    pub fn timestamp_expired() -> Self {
        Self::new(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired (more than 15 minutes off).",
        )
    }
    pub fn timestamp_format() -> Self {
        Self::new(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    }
    pub fn nonce_used() -> Self {
        Self::new(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    }
    pub fn content_sha256_mismatch() -> Self {
        Self::new(
            400,
            "InvalidContentSha256.Mismatch",
            "The x-acs-content-sha256 header does not match the SHA-256 of the request body.",
        )
    }
    pub fn unsupported_version(v: &str) -> Self {
        Self::new(
            400,
            "InvalidVersion",
            format!("Specified API version '{v}' is not valid."),
        )
    }
    pub fn unknown_action(action: &str) -> Self {
        Self::new(
            404,
            "InvalidAction.NotFound",
            format!("Specified api '{action}' is not found."),
        )
    }
    pub fn host_not_served() -> Self {
        Self::new(
            403,
            "Forbidden.Host",
            "The Host header names no host this server answers for.",
        )
    }
    pub fn throttled(retry_after: u32) -> Self {
        let mut e = Self::new(
            429,
            "Throttling.User",
            "Request was denied due to user flow control.",
        );
        e.retry_after = Some(retry_after);
        e
    }
    pub fn unavailable() -> Self {
        Self::new(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )
    }
    pub fn internal() -> Self {
        Self::new(
            500,
            "InternalError",
            "The request processing has failed due to some unknown error.",
        )
    }

    // --- identity ---
    pub fn no_permission() -> Self {
        Self::new(
            403,
            "Forbidden.RAM",
            "User not authorized to operate on the specified resource, or this API does not support RAM.",
        )
    }

    // --- parameters ---
    pub fn missing(param: &str) -> Self {
        Self::new(
            400,
            "MissingParameter",
            format!("The parameter {param} is required."),
        )
    }
    pub fn invalid(param: &str, why: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            "InvalidParameter",
            format!("The parameter {param} is invalid: {why}."),
        )
    }
    pub fn invalid_max_results(max: i64) -> Self {
        Self::new(
            400,
            "InvalidParameter.maxResults",
            format!("maxResults must be between 1 and {max}."),
        )
    }

    // --- console rules ---
    pub fn key_not_found(id: &str) -> Self {
        Self::new(
            404,
            "ApiKey.NotFound",
            format!("The API key {id} does not exist."),
        )
    }
    pub fn workspace_not_found(id: &str) -> Self {
        Self::new(
            404,
            "Workspace.NotFound",
            format!("The workspace {id} does not exist in this region."),
        )
    }
    pub fn quota_exceeded(limit: u32, per_owner: bool) -> Self {
        let whom = if per_owner {
            "this owner"
        } else {
            "this account"
        };
        Self::new(
            400,
            "ApiKey.QuotaExceeded",
            format!(
                "The number of API keys of {whom} in this region has reached the limit of {limit}."
            ),
        )
    }
    pub fn custom_not_supported(region: &str) -> Self {
        Self::new(
            400,
            "ApiKey.CustomAuthNotSupported",
            format!("Custom permissions are not supported in region {region}."),
        )
    }
    pub fn ipv6_not_supported(region: &str, entry: &str) -> Self {
        Self::new(
            400,
            "InvalidParameter.AccessIps.IPv6NotSupported",
            format!("IPv6 whitelist entry {entry} is not supported in region {region}."),
        )
    }
    pub fn bad_ip(entry: &str) -> Self {
        Self::new(
            400,
            "InvalidParameter.AccessIps",
            format!("The whitelist entry '{entry}' is not an IP address or CIDR block."),
        )
    }
    pub fn too_many_ips(max: usize) -> Self {
        Self::new(
            400,
            "InvalidParameter.AccessIps.TooMany",
            format!("The IP whitelist holds at most {max} entries."),
        )
    }
    pub fn model_not_authorized(model: &str) -> Self {
        Self::new(
            400,
            "InvalidParameter.AccessibleModels",
            format!("The model {model} is not authorized in this workspace."),
        )
    }
    pub fn already_disabled() -> Self {
        Self::new(
            400,
            "ApiKey.AlreadyDisabled",
            "The API key is already disabled.",
        )
    }
    pub fn already_enabled() -> Self {
        Self::new(
            400,
            "ApiKey.AlreadyEnabled",
            "The API key is already enabled.",
        )
    }
    pub fn workspace_name_exists(name: &str) -> Self {
        Self::new(
            400,
            "Workspace.NameExists",
            format!("A workspace named '{name}' already exists."),
        )
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        // Internal failures are described only by code; details go to the log.
        log::error!(
            "sandbox internal error: {}",
            e.details.technical.as_deref().unwrap_or("")
        );
        ApiError::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "code": self.code,
            "message": self.message,
            "requestId": request_id(),
            "httpStatusCode": self.status,
            "success": false,
        });
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert("x-acs-retry-after", HeaderValue::from(secs));
        }
        resp
    }
}

/// A DashScope error answer: `{"code","message","request_id"}`.
pub struct DashError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl DashError {
    pub fn invalid_key() -> Self {
        DashError {
            status: 401,
            code: "InvalidApiKey",
            message: "Invalid API-key provided.".into(),
        }
    }
    pub fn ip_denied() -> Self {
        DashError {
            status: 403,
            code: "AccessDenied",
            message: "Access denied: the caller's IP address is not in the API key's whitelist."
                .into(),
        }
    }
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        DashError {
            status: 400,
            code: "InvalidParameter",
            message: message.into(),
        }
    }
    pub fn internal() -> Self {
        DashError {
            status: 500,
            code: "InternalError",
            message: "Internal server error.".into(),
        }
    }
}

impl From<crate::Error> for DashError {
    fn from(e: crate::Error) -> Self {
        log::error!(
            "sandbox internal error: {}",
            e.details.technical.as_deref().unwrap_or("")
        );
        DashError::internal()
    }
}

impl IntoResponse for DashError {
    fn into_response(self) -> Response {
        let request_id = uuid::Uuid::new_v4().to_string();
        // A workspace limit (`throttle.rs`) is answered in the compatible
        // mode's OpenAI-style error object, which OpenAI clients read as a
        // rate limit.
        let body = if self.status == 429 {
            json!({"error": {"message": self.message, "type": self.code, "code": self.code, "param": null},
                   "request_id": request_id})
        } else {
            json!({"code": self.code, "message": self.message, "request_id": request_id})
        };
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(body)).into_response()
    }
}
