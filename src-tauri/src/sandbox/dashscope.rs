//! The DashScope side: temporary keys and the cheap "does this key work" check.
//!
//! A key works only in its own region, only while enabled, only under its
//! current value (Reset replaces the stored hash, so the old value is unknown
//! at once), and only from an address inside its whitelist. A temporary `st-`
//! token copies its parent's permissions when issued: it cannot be revoked,
//! it simply expires.

use super::apierror::DashError;
use super::db::db_error;
use super::net::Conn;
use super::store::permissions::{parse_ip_entry, StoredAuth};
use super::store::{json_list, keys, workspaces};
use super::{region_for_host, values, AppState};
use crate::domain::regions::RegionId;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;
use std::collections::HashMap;
use std::net::IpAddr;

/// Temporary key lifetime bounds and default, in seconds (the app's own rule table).
const TOKEN_TTL_MIN: i64 = crate::domain::rules::TTL_MIN_SECS as i64;
const TOKEN_TTL_MAX: i64 = crate::domain::rules::TTL_MAX_SECS as i64;
const TOKEN_TTL_DEFAULT: i64 = crate::domain::rules::TTL_DEFAULT_SECS as i64;

/// What a bearer credential may do, whichever kind it is.
pub(super) struct Grant {
    pub region: String,
    pub workspace_id: String,
    pub auth: StoredAuth,
    /// The permanent key it is (temporary tokens cannot mint tokens).
    pub parent_id: Option<i64>,
    /// The key its use is billed to: itself, or a temporary token's parent.
    pub billed_key_id: i64,
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn resolve(
    tx: &Transaction,
    pepper: &[u8],
    value: &str,
    now: i64,
) -> Result<Option<Grant>, DashError> {
    let hash = values::value_hash(pepper, value);
    if value.starts_with("st-") {
        let row = tx
            .query_row(
                "SELECT region, workspace_id, access_ips, allow_all_models, accessible_models, expires_at,
                    parent_id
                 FROM temp_tokens WHERE value_hash = ?1",
                [&hash],
                |r| {
                    Ok((
                        Grant {
                            region: r.get(0)?,
                            workspace_id: r.get(1)?,
                            auth: StoredAuth {
                                auth_type: String::new(),
                                access_ips: json_list(&r.get::<_, String>(2)?),
                                allow_all_models: r.get(3)?,
                                accessible_models: json_list(&r.get::<_, String>(4)?),
                            },
                            parent_id: None,
                            billed_key_id: r.get(6)?,
                        },
                        r.get::<_, i64>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(db_error)?;
        return Ok(row.filter(|(_, expires)| *expires > now).map(|(g, _)| g));
    }
    let key = keys::by_value_hash(tx, &hash).map_err(|_| DashError::internal())?;
    Ok(key.filter(|k| !k.disabled).map(|k| Grant {
        region: k.region,
        workspace_id: k.workspace_id,
        auth: k.auth,
        parent_id: Some(k.id),
        billed_key_id: k.id,
    }))
}

/// An empty whitelist (All keys) admits everyone.
fn address_allowed(auth: &StoredAuth, peer: IpAddr) -> bool {
    if auth.access_ips.is_empty() {
        return true;
    }
    let peer = match peer {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    auth.access_ips
        .iter()
        .filter_map(|e| parse_ip_entry(e))
        .any(|net| net.contains(&peer))
}

/// Authenticates a DashScope request: 401 unless the credential is valid in
/// this region, 403 when the caller's address or host is not allowed.
pub(super) fn authorize(
    app: &AppState,
    tx: &Transaction,
    headers: &HeaderMap,
    conn: &Conn,
    region: RegionId,
) -> Result<Grant, DashError> {
    let value = bearer(headers).ok_or_else(DashError::invalid_key)?;
    let now = chrono::Utc::now().timestamp();
    let grant = resolve(tx, &app.shared.pepper, &value, now)?
        .filter(|g| g.region == region.as_str())
        .ok_or_else(DashError::invalid_key)?;
    if !address_allowed(&grant.auth, conn.peer.ip()) {
        return Err(DashError::ip_denied());
    }
    // On a workspace's own host, only that workspace's keys are accepted.
    if let Some(host) = headers.get("host").and_then(|h| h.to_str().ok()) {
        let host = host.split(':').next().unwrap_or(host);
        if let Some(ws) = workspaces::by_api_host(tx, host).map_err(|_| DashError::internal())? {
            if ws.id != grant.workspace_id {
                return Err(DashError {
                    status: 403,
                    code: "Workspace.AccessDenied",
                    message: "The API key does not belong to this workspace.".into(),
                });
            }
        }
    }
    Ok(grant)
}

/// `POST /api/v1/tokens?expire_in_seconds=N`
pub async fn create_token(
    State(app): State<AppState>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let region = region_for_host(&headers, app.region);
    let ttl = match q.get("expire_in_seconds").map(|s| s.trim()) {
        None | Some("") => TOKEN_TTL_DEFAULT,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (TOKEN_TTL_MIN..=TOKEN_TTL_MAX).contains(&n) => n,
            _ => {
                return DashError::invalid_parameter(format!(
                    "expire_in_seconds must be an integer from {TOKEN_TTL_MIN} to {TOKEN_TTL_MAX}"
                ))
                .into_response()
            }
        },
    };
    let done = tokio::task::spawn_blocking(move || {
        app.shared.db.write(|tx| -> Result<Response, DashError> {
            let grant = authorize(&app, tx, &headers, &conn, region)?;
            let Some(parent_id) = grant.parent_id else {
                return Err(DashError::invalid_parameter(
                    "a temporary key cannot issue temporary keys",
                ));
            };
            let now = chrono::Utc::now().timestamp();
            tx.execute("DELETE FROM temp_tokens WHERE expires_at <= ?1", [now])
                .map_err(db_error)?;
            let token = values::new_temp_token();
            let expires_at = now + ttl;
            tx.execute(
                "INSERT INTO temp_tokens (value_hash, parent_id, region, workspace_id, access_ips,
                    allow_all_models, accessible_models, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    values::value_hash(&app.shared.pepper, token.expose()),
                    parent_id,
                    grant.region,
                    grant.workspace_id,
                    serde_json::to_string(&grant.auth.access_ips).unwrap_or_else(|_| "[]".into()),
                    grant.auth.allow_all_models,
                    serde_json::to_string(&grant.auth.accessible_models)
                        .unwrap_or_else(|_| "[]".into()),
                    expires_at
                ],
            )
            .map_err(db_error)?;
            Ok(axum::Json(TokenAnswer { token, expires_at }).into_response())
        })
    })
    .await;
    done.unwrap_or_else(|_| Err(DashError::internal()))
        .unwrap_or_else(|e| e.into_response())
}

/// `GET /compatible-mode/v1/models`: the models this key may call.
pub async fn list_models(
    State(app): State<AppState>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
) -> Response {
    let region = region_for_host(&headers, app.region);
    let done = tokio::task::spawn_blocking(move || {
        app.shared.db.read(|tx| -> Result<Response, DashError> {
            let grant = authorize(&app, tx, &headers, &conn, region)?;
            let authorized = workspaces::authorized_models(tx, &grant.workspace_id).map_err(|_| DashError::internal())?;
            let usable: Vec<&String> = authorized
                .iter()
                .filter(|m| grant.auth.allow_all_models || grant.auth.accessible_models.contains(m))
                .collect();
            let data: Vec<_> = usable
                .iter()
                .map(|m| json!({"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "system"}))
                .collect();
            Ok(axum::Json(json!({"object": "list", "data": data})).into_response())
        })
    })
    .await;
    done.unwrap_or_else(|_| Err(DashError::internal()))
        .unwrap_or_else(|e| e.into_response())
}

/// `POST /api/v1/tokens`'s answer: the temporary key, shown to its caller once.
#[derive(serde::Serialize)]
struct TokenAnswer {
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    token: crate::domain::secret::Secret,
    expires_at: i64,
}
