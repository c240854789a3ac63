//! `POST /compatible-mode/v1/chat/completions`: an OpenAI-compatible chat
//! call that runs no model. It checks the key exactly as DashScope does
//! (`dashscope::authorize`: region, disabled, whitelist, workspace host),
//! then the model (authorized in the key's workspace and inside the key's
//! scope), answers a canned message with a `usage` block, and meters the
//! tokens at the model's price for the key, model, workspace and billing day.

use super::apierror::DashError;
use super::dashscope::authorize;
use super::metering::{self, Usage};
use super::net::Conn;
use super::store::workspaces;
use super::{region_for_host, AppState};
use crate::domain::billing;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// What the sandbox says instead of a model's answer.
const ANSWER: &str = "This is the Studio Keys sandbox: no model ran, but this call was checked and metered like a real one.";

/// Tokens a text counts for: a rough four characters per token, at least one.
fn tokens(text: &str) -> i64 {
    ((text.chars().count() as i64 + 3) / 4).max(1)
}

/// The prompt's tokens: every text in the messages, plus a few per message.
fn prompt_tokens(messages: &[Value]) -> i64 {
    fn texts(v: &Value, out: &mut i64) {
        match v {
            Value::String(s) => *out += tokens(s),
            Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
            Value::Object(map) => map.values().for_each(|i| texts(i, out)),
            _ => {}
        }
    }
    let mut n = 0;
    for m in messages {
        n += 4;
        texts(m.get("content").unwrap_or(&Value::Null), &mut n);
    }
    n
}

pub async fn completions(
    State(app): State<AppState>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let region = region_for_host(&headers, app.region);
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return DashError::invalid_parameter("the body must be a JSON object").into_response(),
    };
    let Some(model) = request
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|m| !m.trim().is_empty())
    else {
        return DashError::invalid_parameter("model is required").into_response();
    };
    let messages = match request.get("messages").and_then(Value::as_array) {
        Some(m) if !m.is_empty() => m.clone(),
        _ => {
            return DashError::invalid_parameter("messages must be a non-empty list")
                .into_response()
        }
    };
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        return DashError::invalid_parameter("the sandbox does not stream; send stream: false")
            .into_response();
    }
    let done = tokio::task::spawn_blocking(move || {
        app.shared.db.write(|tx| -> Result<Response, DashError> {
            let grant = authorize(&app, tx, &headers, &conn, region)?;
            let authorized = workspaces::model_authorized(tx, &grant.workspace_id, &model)
                .map_err(|_| DashError::internal())?;
            if !authorized {
                return Err(DashError {
                    status: 404,
                    code: "ModelNotFound",
                    message: format!(
                        "The model {model} does not exist or is not authorized in this workspace."
                    ),
                });
            }
            if !grant.auth.allow_all_models && !grant.auth.accessible_models.contains(&model) {
                return Err(DashError {
                    status: 403,
                    code: "Model.AccessDenied",
                    message: format!("The API key may not call the model {model}."),
                });
            }
            let input = prompt_tokens(&messages);
            let output = tokens(ANSWER);
            metering::record(
                tx,
                &Usage {
                    region: region.as_str(),
                    day: billing::day_of(chrono::Utc::now()),
                    api_key_id: grant.billed_key_id,
                    workspace_id: &grant.workspace_id,
                    model: &model,
                    requests: 1,
                    input_tokens: input,
                    output_tokens: output,
                },
            )?;
            Ok(axum::Json(json!({
                "id": format!("chatcmpl-{}", uuid::Uuid::new_v4().simple()),
                "object": "chat.completion",
                "created": chrono::Utc::now().timestamp(),
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": ANSWER},
                    "finish_reason": "stop",
                }],
                "usage": {
                    "prompt_tokens": input,
                    "completion_tokens": output,
                    "total_tokens": input + output,
                },
            }))
            .into_response())
        })
    })
    .await;
    done.unwrap_or_else(|_| Err(DashError::internal()))
        .unwrap_or_else(|e| e.into_response())
}
