//! The management OpenAPI: routing, parameters, authentication, envelopes.

use super::apierror::ApiError;
use super::auth::{self, SignedRequest};
use super::store::{self, keys, workspaces, Identity};
use super::{region_for_host, AppState};
use crate::domain::regions::RegionId;
use crate::protocol::codec;
use crate::protocol::wire::{self, Envelope};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

type Pairs = Vec<(String, String)>;
const MAX_BODY: usize = 1 << 20;

/// What a request asks for, decided from method and path (the ROA way).
#[derive(Debug, Clone)]
enum Route {
    CreateApiKey,
    ListApiKeys,
    GetApiKey(String),
    UpdateApiKey(String),
    DeleteApiKey(String),
    DisableApiKey(String),
    EnableApiKey(String),
    ResetApiKey(String),
    ListWorkspaces,
    CreateWorkspace,
    DeleteWorkspace(String),
    ListModelPermissions,
    GetBillingTrend,
    GetBillingOverview,
    ListModelLimits,
    UpdateModelLimits,
    /// STS, which the sandbox answers at its own address: who is calling.
    GetCallerIdentity,
}

impl Route {
    fn action(&self) -> &'static str {
        match self {
            Route::CreateApiKey => "CreateApiKey",
            Route::ListApiKeys => "ListApiKeys",
            Route::GetApiKey(_) => "GetApiKey",
            Route::UpdateApiKey(_) => "UpdateApiKey",
            Route::DeleteApiKey(_) => "DeleteApiKey",
            Route::DisableApiKey(_) => "DisableApiKey",
            Route::EnableApiKey(_) => "EnableApiKey",
            Route::ResetApiKey(_) => "ResetApiKey",
            Route::ListWorkspaces => "ListWorkspaces",
            Route::CreateWorkspace => "CreateWorkspace",
            Route::DeleteWorkspace(_) => "DeleteWorkspace",
            Route::ListModelPermissions => "ListModelPermissions",
            Route::GetBillingTrend => "GetBillingTrend",
            Route::GetBillingOverview => "GetBillingOverview",
            Route::ListModelLimits => "ListModelLimits",
            Route::UpdateModelLimits => "UpdateModelLimits",
            Route::GetCallerIdentity => "GetCallerIdentity",
        }
    }

    fn api_version(&self) -> &'static str {
        match self {
            Route::GetCallerIdentity => crate::protocol::requests::STS_API_VERSION,
            _ => crate::protocol::requests::API_VERSION,
        }
    }

    fn mutates(&self) -> bool {
        !matches!(
            self,
            Route::ListApiKeys
                | Route::GetApiKey(_)
                | Route::ListWorkspaces
                | Route::ListModelPermissions
                | Route::GetBillingTrend
                | Route::GetBillingOverview
                | Route::ListModelLimits
                | Route::GetCallerIdentity
        )
    }
}

fn decode_segment(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

fn route(method: &Method, path: &str) -> Option<Route> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let id = |i: usize| decode_segment(segs[i]);
    Some(match (method, segs.as_slice()) {
        (&Method::POST, ["modelstudio", "apikeys"]) => Route::CreateApiKey,
        (&Method::GET, ["modelstudio", "apikeys"]) => Route::ListApiKeys,
        (&Method::GET, ["modelstudio", "apikeys", _]) => Route::GetApiKey(id(2)?),
        (&Method::PUT, ["modelstudio", "apikeys", _]) => Route::UpdateApiKey(id(2)?),
        (&Method::DELETE, ["modelstudio", "apikeys", _]) => Route::DeleteApiKey(id(2)?),
        (&Method::PUT, ["modelstudio", "apikeys", _, "disable"]) => Route::DisableApiKey(id(2)?),
        (&Method::PUT, ["modelstudio", "apikeys", _, "enable"]) => Route::EnableApiKey(id(2)?),
        (&Method::PUT, ["modelstudio", "apikeys", _, "reset"]) => Route::ResetApiKey(id(2)?),
        (&Method::GET, ["modelstudio", "workspaces"]) => Route::ListWorkspaces,
        (&Method::POST, ["modelstudio", "workspaces"]) => Route::CreateWorkspace,
        (&Method::DELETE, ["modelstudio", "workspaces", _]) => Route::DeleteWorkspace(id(2)?),
        (&Method::GET, ["modelstudio", "models", "permissions"]) => Route::ListModelPermissions,
        (&Method::GET, ["modelstudio", "billing", "trend"]) => Route::GetBillingTrend,
        (&Method::GET, ["modelstudio", "billing", "overview"]) => Route::GetBillingOverview,
        (&Method::GET, ["modelstudio", "models", "limits"]) => Route::ListModelLimits,
        (&Method::POST, ["modelstudio", "models", "limits"]) => Route::UpdateModelLimits,
        // RPC style: the root path, the action in `x-acs-action` (checked below).
        (&Method::POST, []) => Route::GetCallerIdentity,
        _ => return None,
    })
}

/// Entry point for every request that is not a DashScope path.
pub async fn handle(State(app): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::invalid("body", "larger than 1 MiB").into_response(),
    };
    let region = region_for_host(&parts.headers, app.region);
    let Some(route) = route(&parts.method, parts.uri.path()) else {
        let action = parts
            .headers
            .get("x-acs-action")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let name = if action.is_empty() {
            parts.uri.path()
        } else {
            action
        };
        return ApiError::unknown_action(name).into_response();
    };
    if let Some(action) = parts
        .headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
    {
        if action != route.action() {
            return ApiError::unknown_action(action).into_response();
        }
    }
    let query = match codec::decode_form(parts.uri.query().unwrap_or("")) {
        Ok(q) => q,
        Err(_) => return ApiError::invalid("query", "not valid UTF-8").into_response(),
    };
    let raw_path = parts.uri.path().to_string();
    let method = parts.method.clone();
    let headers = parts.headers.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let caller = authenticate(
            &app,
            &method,
            &raw_path,
            &query,
            &headers,
            &body,
            route.api_version(),
        )?;
        let form = form_pairs(&headers, &body)?;
        run(&app, &caller, region, route, &query, &form)
    })
    .await;
    match joined {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::internal().into_response(),
    }
}

fn authenticate(
    app: &AppState,
    method: &Method,
    raw_path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &Bytes,
    api_version: &str,
) -> Result<Identity, ApiError> {
    let req = SignedRequest {
        method,
        raw_path,
        query,
        headers,
        body,
        api_version,
    };
    auth::verify(&req, &app.shared.nonces, chrono::Utc::now(), |ak| {
        app.shared
            .db
            .read(|tx| store::identity_by_access_key(tx, ak).map_err(ApiError::from))
    })
}

fn form_pairs(headers: &HeaderMap, body: &Bytes) -> Result<Pairs, ApiError> {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if body.is_empty()
        || !ct
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    {
        return Ok(Vec::new());
    }
    let text =
        std::str::from_utf8(body).map_err(|_| ApiError::invalid("body", "not valid UTF-8"))?;
    codec::decode_form(text).map_err(|_| ApiError::invalid("body", "not a valid form"))
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    codec::value(pairs, key)
}

fn parse_auth(form: &[(String, String)]) -> Result<Option<wire::Auth>, ApiError> {
    codec::parse_auth(form, "auth").map_err(|e| {
        let field = e
            .params
            .iter()
            .find(|(k, _)| k == "field")
            .map(|(_, v)| v.clone())
            .unwrap_or("auth".into());
        ApiError::invalid(&field, e.reason.unwrap_or_default())
    })
}

/// `(offset, limit)` from `nextToken` and `maxResults`.
fn paging(query: &[(String, String)], default: i64) -> Result<(i64, i64), ApiError> {
    const MAX: i64 = 100;
    let limit = match get(query, "maxResults")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => default,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX).contains(n))
            .ok_or_else(|| ApiError::invalid_max_results(MAX))?,
    };
    let offset = match get(query, "nextToken")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => 0,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::invalid("nextToken", "not a token this server issued"))?,
    };
    Ok((offset, limit))
}

fn next_token(offset: i64, returned: usize, total: i64) -> Option<String> {
    let next = offset + returned as i64;
    (next < total).then(|| next.to_string())
}

fn envelope() -> Envelope {
    Envelope {
        code: Some(String::new()),
        http_status_code: Some(200),
        message: Some(String::new()),
        request_id: Some(super::values::request_id()),
        success: Some(true),
    }
}

fn ok<T: Serialize>(body: T) -> Result<Response, ApiError> {
    Ok(axum::Json(body).into_response())
}

fn run(
    app: &AppState,
    caller: &Identity,
    region: RegionId,
    route: Route,
    query: &[(String, String)],
    form: &[(String, String)],
) -> Result<Response, ApiError> {
    let db = &app.shared.db;
    let pepper = &app.shared.pepper;
    let op = |f: &dyn Fn(&rusqlite::Transaction) -> Result<Response, ApiError>| {
        if route.mutates() {
            db.write(|tx| f(tx))
        } else {
            db.read(|tx| f(tx))
        }
    };
    match &route {
        Route::CreateApiKey => {
            let auth = parse_auth(form)?;
            op(&|tx| {
                let (rec, value) = keys::create(
                    tx,
                    pepper,
                    caller,
                    region,
                    get(query, "workspaceId"),
                    get(query, "description"),
                    auth.as_ref(),
                )?;
                ok(wire::CreateApiKeyResponseBody {
                    envelope: envelope(),
                    api_key: Some(wire::CreatedApiKey {
                        api_key_id: Some(rec.id),
                        // The one answer besides Reset that carries the full value.
                        api_key_value: Some(value),
                        created_by: Some(rec.owner_uid.clone()),
                        description: Some(rec.description.clone()),
                        gmt_create: Some(rec.gmt_create),
                        workspace_id: Some(rec.workspace_id.clone()),
                    }),
                })
            })
        }
        Route::ListApiKeys => {
            let (offset, limit) = paging(query, 10)?;
            let order = get(query, "order").unwrap_or("DESC");
            let ascending = match order.to_ascii_uppercase().as_str() {
                "DESC" | "" => false,
                "ASC" => true,
                _ => return Err(ApiError::invalid("order", "must be ASC or DESC")),
            };
            let by_gmt_create = match get(query, "orderBy").unwrap_or("apiKeyId") {
                "apiKeyId" | "" => false,
                "gmtCreate" => true,
                _ => {
                    return Err(ApiError::invalid(
                        "orderBy",
                        "must be apiKeyId or gmtCreate",
                    ))
                }
            };
            let q = keys::ListQuery {
                api_key_id: get(query, "apiKeyId").map(str::to_string),
                description: get(query, "description").map(str::to_string),
                workspace_id: get(query, "workspaceId").map(str::to_string),
                ascending,
                by_gmt_create,
                offset,
                limit,
            };
            op(&|tx| {
                let (rows, total) = keys::list(tx, caller, region, &q)?;
                ok(wire::ListApiKeysResponseBody {
                    envelope: envelope(),
                    next_token: next_token(offset, rows.len(), total),
                    api_keys: Some(rows.iter().map(|k| k.to_wire()).collect()),
                    max_results: Some(limit),
                    total_count: Some(total),
                })
            })
        }
        Route::GetApiKey(id) => op(&|tx| {
            let key = keys::get_visible(tx, caller, region, id)?;
            ok(wire::GetApiKeyResponseBody {
                envelope: envelope(),
                api_key: Some(key.to_wire()),
            })
        }),
        Route::UpdateApiKey(id) => {
            let auth = parse_auth(form)?;
            op(&|tx| {
                keys::update(
                    tx,
                    caller,
                    region,
                    id,
                    get(query, "description"),
                    auth.as_ref(),
                )?;
                ok(envelope())
            })
        }
        Route::DeleteApiKey(id) => op(&|tx| {
            keys::delete(tx, caller, region, id)?;
            ok(envelope())
        }),
        Route::DisableApiKey(id) | Route::EnableApiKey(id) => {
            let disable = matches!(route, Route::DisableApiKey(_));
            op(&|tx| {
                keys::set_disabled(tx, caller, region, id, disable)?;
                ok(envelope())
            })
        }
        Route::ResetApiKey(id) => op(&|tx| {
            let (rec, value) = keys::reset(tx, pepper, caller, region, id)?;
            ok(wire::ResetApiKeyResponseBody {
                envelope: envelope(),
                api_key: Some(wire::ResetApiKeyValue {
                    api_key_id: Some(rec.id),
                    api_key_value: Some(value),
                    workspace_id: Some(rec.workspace_id.clone()),
                }),
            })
        }),
        Route::ListWorkspaces => {
            let (offset, limit) = paging(query, 10)?;
            op(&|tx| {
                let (rows, total) = workspaces::list(
                    tx,
                    caller,
                    region,
                    get(query, "workspaceId"),
                    get(query, "workspaceName"),
                    offset,
                    limit,
                )?;
                ok(wire::ListWorkspacesResponseBody {
                    envelope: envelope(),
                    max_results: Some(limit),
                    next_token: next_token(offset, rows.len(), total),
                    total_count: Some(total),
                    workspaces: Some(rows.iter().map(|w| w.to_wire()).collect()),
                })
            })
        }
        Route::CreateWorkspace => op(&|tx| {
            let ws = workspaces::create(
                tx,
                caller,
                region,
                get(query, "workspaceName"),
                get(query, "serviceSite"),
            )?;
            ok(wire::CreateWorkspaceResponseBody {
                envelope: envelope(),
                workspace: Some(ws.to_wire()),
            })
        }),
        Route::DeleteWorkspace(id) => op(&|tx| {
            let reasons = workspaces::delete(tx, caller, region, id)?;
            ok(wire::DeleteWorkspaceResponseBody {
                envelope: envelope(),
                is_deleted: Some(reasons.is_empty()),
                fail_reasons: Some(reasons),
            })
        }),
        Route::ListModelPermissions => {
            let (offset, limit) = paging(query, 20)?;
            let ws = get(query, "workspaceId")
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| ApiError::missing("workspaceId"))?;
            let authorized_only = match get(query, "authorizationScope")
                .unwrap_or("AUTHORIZED")
                .to_ascii_uppercase()
                .as_str()
            {
                "AUTHORIZED" | "" => true,
                "AUTHORIZABLE" => false,
                _ => {
                    return Err(ApiError::invalid(
                        "authorizationScope",
                        "must be AUTHORIZED or AUTHORIZABLE",
                    ))
                }
            };
            match get(query, "modelAction")
                .unwrap_or("INFERENCE")
                .to_ascii_uppercase()
                .as_str()
            {
                "INFERENCE" | "" => {}
                _ => return Err(ApiError::invalid("modelAction", "must be INFERENCE")),
            }
            op(&|tx| {
                let (rows, total) = workspaces::model_permissions(
                    tx,
                    caller,
                    region,
                    ws,
                    authorized_only,
                    get(query, "filter.model"),
                    get(query, "filter.name"),
                    offset,
                    limit,
                )?;
                ok(wire::ListModelPermissionsResponseBody {
                    envelope: envelope(),
                    error_message: None,
                    next_token: next_token(offset, rows.len(), total),
                    list: Some(
                        rows.into_iter()
                            .map(|m| wire::ModelPermission {
                                model: Some(m.model),
                                name: Some(m.name),
                                permissions: Some(wire::ModelPermissions {
                                    deploy: Some(false),
                                    fine_tune: Some(false),
                                    inference: Some(m.authorized),
                                }),
                            })
                            .collect(),
                    ),
                    max_results: Some(limit),
                    total_count: Some(total),
                })
            })
        }
        Route::GetBillingTrend | Route::GetBillingOverview => {
            // A sandbox left running past midnight (UTC+8) writes the day
            // that just ended before it answers, as a start would.
            super::metering::top_up(db, crate::domain::billing::day_of(chrono::Utc::now()))?;
            op(&|tx| match route {
                Route::GetBillingTrend => ok(super::billing::trend(tx, caller, region, query)?),
                _ => ok(super::billing::overview(tx, caller, region, query)?),
            })
        }
        Route::ListModelLimits => {
            let (offset, limit) = paging(query, 20)?;
            op(&|tx| {
                ok(super::limits::model_limits(
                    tx, caller, region, query, offset, limit,
                )?)
            })
        }
        Route::UpdateModelLimits => op(&|tx| {
            super::limits::update_model_limits(tx, caller, region, form)?;
            ok(crate::protocol::limits::UpdateModelLimitsResponseBody {
                envelope: envelope(),
                error_message: None,
            })
        }),
        Route::GetCallerIdentity => op(&|tx| {
            // The account is the root identity's; a RAM user is its own user.
            let account = store::identities(tx)?
                .into_iter()
                .find(|i| i.is_root())
                .map(|i| i.uid)
                .unwrap_or_else(|| caller.uid.clone());
            let (kind, arn) = if caller.is_root() {
                ("Account", format!("acs:ram::{account}:root"))
            } else {
                (
                    "RAMUser",
                    format!("acs:ram::{account}:user/{}", caller.name),
                )
            };
            ok(wire::CallerIdentityBody {
                request_id: Some(super::values::request_id()),
                account_id: Some(account.clone()),
                user_id: Some(caller.uid.clone()),
                principal_id: Some(caller.uid.clone()),
                identity_type: Some(kind.into()),
                arn: Some(arn),
            })
        }),
    }
}
