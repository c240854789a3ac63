//! Turning what went wrong on the wire into the app's `Error`.
//!
//! Server codes come from the API reference and the gateway; anything not
//! listed falls back on the HTTP status. The server's code, request id and
//! status always travel along in `ErrorDetails`.

use crate::domain::error::{Error, ErrorCode};
use crate::protocol::wire::ErrorBody;
use crate::protocol::Action;

/// The code and, where it helps, a finer catalog reason for a server error code.
pub fn classify_server_code(code: &str, status: u16) -> (ErrorCode, Option<&'static str>) {
    use ErrorCode::*;
    let exact = match code {
        "InvalidAccessKeyId.NotFound" | "InvalidAccessKeyId" | "InvalidAccessKeyId.Inactive" => {
            Some((InvalidCredentials, None))
        }
        "InvalidSecurityToken.Expired"
        | "InvalidSecurityToken.Malformed"
        | "InvalidSecurityToken.MismatchWithAccessKey" => {
            Some((InvalidCredentials, Some("sts_token_invalid")))
        }
        "SignatureDoesNotMatch" | "IncompleteSignature" => Some((SignatureMismatch, None)),
        "InvalidTimeStamp.Expired" => Some((ClockSkew, None)),
        "InvalidTimeStamp.Format" => Some((Internal, Some("bad_timestamp_format"))),
        "SignatureNonceUsed" => Some((NonceReused, None)),
        "Forbidden.RAM" | "NoPermission" | "Forbidden" | "AccessDenied" => Some((Forbidden, None)),
        "ApiKey.QuotaExceeded" => Some((QuotaExceeded, None)),
        "ApiKey.NotFound" => Some((NotFound, Some("api_key_not_found"))),
        "Workspace.NotFound" => Some((NotFound, Some("workspace_not_found"))),
        "ApiKey.AlreadyDisabled" => Some((Conflict, Some("already_disabled"))),
        "ApiKey.AlreadyEnabled" => Some((Conflict, Some("already_enabled"))),
        "Workspace.NameExists" => Some((Conflict, Some("workspace_name_exists"))),
        "ApiKey.CustomAuthNotSupported" => {
            Some((InvalidInput, Some("custom_not_supported_server")))
        }
        "InvalidParameter.AccessIps" => Some((InvalidInput, Some("server_rejected_ips"))),
        "InvalidParameter.AccessIps.TooMany" => Some((InvalidInput, Some("server_rejected_ips"))),
        "InvalidParameter.AccessibleModels" => Some((InvalidInput, Some("server_rejected_models"))),
        "InvalidVersion" | "InvalidAction.NotFound" => Some((Unsupported, Some("api_changed"))),
        "ServiceUnavailable" | "InternalError" => Some((Server, None)),
        _ => None,
    };
    if let Some(found) = exact {
        return found;
    }
    // Families, for codes the reference lists only by prefix.
    if code.starts_with("Throttling") {
        (Throttled, None)
    } else if code.starts_with("InvalidAccessKeyId") {
        (InvalidCredentials, None)
    } else if code.starts_with("Forbidden") {
        (Forbidden, None)
    } else if code.contains("QuotaExceeded") || code.contains("LimitExceeded") {
        (QuotaExceeded, None)
    } else if code.ends_with("NotFound") || code.ends_with("NotExist") {
        (NotFound, None)
    } else if code.starts_with("InvalidParameter") || code.starts_with("MissingParameter") {
        (InvalidInput, Some("server_rejected_input"))
    } else {
        (code_for_status(status), None)
    }
}

/// The code for an HTTP status when the body says nothing usable.
pub fn code_for_status(status: u16) -> ErrorCode {
    match status {
        401 => ErrorCode::InvalidCredentials,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        429 => ErrorCode::Throttled,
        400 | 422 => ErrorCode::InvalidInput,
        500..=599 => ErrorCode::Server,
        _ => ErrorCode::BadResponse,
    }
}

/// An error answer (status >= 400) turned into an `Error`.
pub fn from_error_response(status: u16, header_request_id: Option<String>, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) if parsed.code.is_some() => {
            let code = parsed.code.clone().unwrap_or_default();
            let (kind, reason) = classify_server_code(&code, status);
            let mut e = Error::new(kind);
            if let Some(r) = reason {
                e = e.with_reason(r);
            }
            if let Some(m) = parsed.message {
                e = e.with_technical(m);
            }
            e.with_server(
                Some(code),
                parsed.request_id.or(header_request_id),
                Some(status),
            )
        }
        _ => {
            let kind = code_for_status(status);
            // A 4xx without a readable body is itself a protocol surprise.
            let kind = if kind == ErrorCode::InvalidInput {
                ErrorCode::BadResponse
            } else {
                kind
            };
            let mut e = Error::new(kind);
            if kind == ErrorCode::BadResponse {
                e = e.with_reason("body_not_json");
            }
            e.with_server(None, header_request_id, Some(status))
        }
    }
}

/// A 2xx answer whose body could not be read as the expected JSON.
pub fn bad_body(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
    err: &serde_json::Error,
) -> Error {
    let reason = if err.is_eof() || body.is_empty() {
        "body_truncated"
    } else {
        "body_not_json"
    };
    Error::new(ErrorCode::BadResponse)
        .with_reason(reason)
        .with_technical(err.to_string())
        .with_server(None, request_id, Some(status))
}

/// What a transport failure means, and whether the request may have reached the server.
pub fn from_transport(err: &reqwest::Error) -> (Error, bool) {
    let text = err.to_string();
    let chain = error_chain(err);
    if err.is_timeout() {
        // A connect timeout never reached the server; a read timeout may have.
        let sent = !err.is_connect();
        return (Error::new(ErrorCode::Timeout).with_technical(chain), sent);
    }
    if err.is_connect() {
        let lower = chain.to_ascii_lowercase();
        let reason = if lower.contains("dns")
            || lower.contains("resolve")
            || lower.contains("name or service")
        {
            "dns_failed"
        } else if lower.contains("refused") {
            "connection_refused"
        } else if lower.contains("certificate") || lower.contains("tls") {
            "tls_failed"
        } else {
            "connect_failed"
        };
        return (
            Error::new(ErrorCode::Network)
                .with_reason(reason)
                .with_technical(chain),
            false,
        );
    }
    if err.is_builder() {
        return (Error::internal(text), false);
    }
    // Connection closed or reset mid-exchange: the request may have been applied.
    (
        Error::new(ErrorCode::Network)
            .with_reason("connection_dropped")
            .with_technical(chain),
        true,
    )
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

pub(crate) fn missing(field: &str) -> Error {
    Error::new(ErrorCode::BadResponse)
        .with_reason("field_missing")
        .with_param("field", field)
}

/// An `OutcomeUnknown` error that keeps the transport facts of `cause`.
pub(crate) fn outcome_unknown(reason: &str, cause: Error) -> Error {
    let mut e = Error::new(ErrorCode::OutcomeUnknown).with_reason(reason);
    e.details.server_code = cause.details.server_code;
    e.details.request_id = cause.details.request_id;
    e.details.http_status = cause.details.http_status;
    e.details.technical = Some(format!(
        "{}: {}",
        cause.code,
        cause.details.technical.unwrap_or_default()
    ));
    e
}

/// Whether an error answer to `action` may come after the backend already
/// acted. Reads never change anything, and Disable/Enable are idempotent and
/// retried; every other change is asked: Create, Reset and Delete are then
/// looked up, Update and the workspace changes say "refresh to see". A gateway
/// (502/503/504), or a 5xx whose body carries no error code of the API, can be
/// answering for a backend that applied the request and then failed or timed
/// out. A 4xx, or a 5xx with a code the API defines, is the service itself
/// refusing: nothing was done.
pub(crate) fn error_may_follow_apply(action: Action, status: u16, error: &Error) -> bool {
    if !matches!(
        action,
        Action::CreateApiKey
            | Action::ResetApiKey
            | Action::UpdateApiKey
            | Action::DeleteApiKey
            | Action::CreateWorkspace
            | Action::DeleteWorkspace
    ) {
        return false;
    }
    match status {
        502..=504 => true,
        500..=599 => !error
            .details
            .server_code
            .as_deref()
            .is_some_and(is_known_server_code),
        _ => false,
    }
}

/// Whether the service itself answered with an error of its own (500 or 503
/// with a code the API defines), not a gateway (502, 504) or a broken answer:
/// its handler ran to the end and said it failed.
pub(crate) fn answered_by_service(e: &Error) -> bool {
    matches!(e.details.http_status, Some(500) | Some(503))
        && e.details
            .server_code
            .as_deref()
            .is_some_and(is_known_server_code)
}

/// A server code `classify_server_code` knows by name or by family; unknown
/// ones fall back on the status, which with status 0 gives `BadResponse`.
pub(crate) fn is_known_server_code(code: &str) -> bool {
    classify_server_code(code, 0).0 != code_for_status(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_code_maps_to_its_class() {
        use ErrorCode::*;
        for (code, want) in [
            ("InvalidAccessKeyId.NotFound", InvalidCredentials),
            ("SignatureDoesNotMatch", SignatureMismatch),
            ("InvalidTimeStamp.Expired", ClockSkew),
            ("SignatureNonceUsed", NonceReused),
            ("Forbidden.RAM", Forbidden),
            ("NoPermission", Forbidden),
            ("Throttling.User", Throttled),
            ("Throttling.Api", Throttled),
            ("ServiceUnavailable", Server),
            ("InternalError", Server),
            ("ApiKey.QuotaExceeded", QuotaExceeded),
            ("ApiKey.NotFound", NotFound),
            ("Workspace.NotFound", NotFound),
            ("ApiKey.AlreadyDisabled", Conflict),
            ("InvalidParameter.AccessIps", InvalidInput),
            ("MissingParameter", InvalidInput),
        ] {
            assert_eq!(classify_server_code(code, 400).0, want, "{code}");
        }
        assert_eq!(classify_server_code("Something.New", 503).0, Server);
        assert_eq!(classify_server_code("Something.New", 429).0, Throttled);
    }

    #[test]
    fn error_body_keeps_server_facts() {
        let e = from_error_response(
            404,
            None,
            br#"{"Code":"ApiKey.NotFound","Message":"gone","RequestId":"REQ-1"}"#,
        );
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(e.details.server_code.as_deref(), Some("ApiKey.NotFound"));
        assert_eq!(e.details.request_id.as_deref(), Some("REQ-1"));
        assert_eq!(e.details.http_status, Some(404));
    }

    #[test]
    fn unreadable_error_bodies_fall_back_on_the_status() {
        assert_eq!(
            from_error_response(503, None, b"<html>").code,
            ErrorCode::Server
        );
        assert_eq!(
            from_error_response(429, None, b"").code,
            ErrorCode::Throttled
        );
        let e = from_error_response(400, Some("R".into()), b"oops");
        assert_eq!(e.code, ErrorCode::BadResponse);
        assert_eq!(e.details.request_id.as_deref(), Some("R"));
    }

    #[test]
    fn truncated_success_bodies_are_bad_responses() {
        let body = br#"{"requestId":"x","apiKey":{"apiKe"#;
        let err = serde_json::from_slice::<serde_json::Value>(body).unwrap_err();
        let e = bad_body(200, None, body, &err);
        assert_eq!(
            (e.code, e.reason.as_deref()),
            (ErrorCode::BadResponse, Some("body_truncated"))
        );
    }

    fn answer(status: u16, body: &str) -> Error {
        from_error_response(status, None, body.as_bytes())
    }

    #[test]
    fn gateway_errors_may_follow_an_applied_create_or_reset() {
        for status in [502, 503, 504] {
            let e = answer(status, r#"{"code":"ServiceUnavailable"}"#);
            assert!(error_may_follow_apply(Action::CreateApiKey, status, &e));
            assert!(error_may_follow_apply(Action::ResetApiKey, status, &e));
        }
        let bare = answer(500, "<html>oops</html>");
        assert!(error_may_follow_apply(Action::CreateApiKey, 500, &bare));
        let unknown = answer(500, r#"{"code":"Proxy.Upstream"}"#);
        assert!(error_may_follow_apply(Action::ResetApiKey, 500, &unknown));
    }

    #[test]
    fn refusals_by_the_service_are_definitely_not_applied() {
        let internal = answer(500, r#"{"code":"InternalError"}"#);
        assert!(!error_may_follow_apply(
            Action::CreateApiKey,
            500,
            &internal
        ));
        for (status, body) in [
            (400, r#"{"code":"InvalidParameter.AccessIps"}"#),
            (403, r#"{"code":"Forbidden.RAM"}"#),
            (404, ""),
            (429, r#"{"code":"Throttling.User"}"#),
        ] {
            let e = answer(status, body);
            assert!(!error_may_follow_apply(Action::CreateApiKey, status, &e));
        }
        // Reads and the retried Disable/Enable never count as maybe applied.
        let gateway = answer(504, "");
        for action in [
            Action::ListApiKeys,
            Action::GetApiKey,
            Action::DisableApiKey,
        ] {
            assert!(!error_may_follow_apply(action, 504, &gateway));
        }
        for action in [
            Action::DeleteApiKey,
            Action::UpdateApiKey,
            Action::CreateWorkspace,
        ] {
            assert!(error_may_follow_apply(action, 504, &gateway));
        }
    }
}
