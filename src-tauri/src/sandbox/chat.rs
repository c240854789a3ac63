//! `POST /compatible-mode/v1/chat/completions`: an OpenAI-compatible chat
//! call that runs no model. It checks the key exactly as DashScope does
//! (`dashscope::authorize`: region, disabled, whitelist, workspace host),
//! then the model (authorized in the key's workspace and inside the key's
//! scope) and the workspace's own limits (`throttle`), answers a canned
//! message with a `usage` block, and meters the tokens at the model's price
//! for the key, model, workspace and billing day.
//!
//! With `stream: true` the answer comes as server-sent events, as the
//! compatible mode sends them: `chat.completion.chunk` objects (the role,
//! then the answer a word at a time, then the finish reason), with
//! `stream_options.include_usage` a last chunk with no choices and the
//! `usage`, then `data: [DONE]`. Every refusal is the JSON error, before any
//! chunk. A streamed call is metered like a plain one when it ends; a client
//! that goes away mid-stream is metered for the words sent until then.

use super::apierror::DashError;
use super::dashscope::authorize;
use super::metering::{self, Usage};
use super::net::Conn;
use super::store::workspaces;
use super::throttle;
use super::{region_for_host, AppState};
use crate::domain::billing;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::time::Duration;

/// What the sandbox says instead of a model's answer.
const ANSWER: &str = "This is the Studio Keys sandbox: no model ran, but this call was checked and metered like a real one.";

/// The pause between two streamed chunks: long enough that a client can
/// leave mid-answer, short enough that a streamed call stays quick.
const CHUNK_PAUSE: Duration = Duration::from_millis(20);

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

/// A call that passed every check, ready to be answered and metered.
#[derive(Clone)]
struct Admitted {
    app: AppState,
    region: &'static str,
    billed_key_id: i64,
    workspace_id: String,
    model: String,
    input_tokens: i64,
    id: String,
    created: i64,
}

impl Admitted {
    /// Records the call's spend (one request, its prompt and `output` tokens)
    /// and counts the answer's tokens against the workspace's windows.
    fn meter(&self, tx: &rusqlite::Transaction, output: i64) -> Result<(), DashError> {
        let now = chrono::Utc::now();
        metering::record(
            tx,
            &Usage {
                region: self.region,
                day: billing::day_of(now),
                api_key_id: self.billed_key_id,
                workspace_id: &self.workspace_id,
                model: &self.model,
                requests: 1,
                input_tokens: self.input_tokens,
                output_tokens: output,
            },
        )?;
        throttle::count_tokens(tx, &self.workspace_id, &self.model, output, now.timestamp())
    }

    fn usage(&self, output: i64) -> Value {
        json!({
            "prompt_tokens": self.input_tokens,
            "completion_tokens": output,
            "total_tokens": self.input_tokens + output,
        })
    }
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
    let stream = match request.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return DashError::invalid_parameter("stream must be true or false").into_response()
        }
    };
    let include_usage = request
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        == Some(true);
    let done = tokio::task::spawn_blocking(move || {
        app.shared
            .db
            .write(|tx| -> Result<(Admitted, Option<i64>), DashError> {
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
                let now = chrono::Utc::now().timestamp();
                throttle::admit(tx, &grant.workspace_id, &model, now)?;
                let input_tokens = prompt_tokens(&messages);
                // The prompt counts against the token windows as soon as it is taken.
                throttle::count_tokens(tx, &grant.workspace_id, &model, input_tokens, now)?;
                let call = Admitted {
                    app: app.clone(),
                    region: region.as_str(),
                    billed_key_id: grant.billed_key_id,
                    workspace_id: grant.workspace_id,
                    model,
                    input_tokens,
                    id: format!("chatcmpl-{}", uuid::Uuid::new_v4().simple()),
                    created: now,
                };
                if stream {
                    return Ok((call, None));
                }
                let output = tokens(ANSWER);
                call.meter(tx, output)?;
                Ok((call, Some(output)))
            })
    })
    .await;
    let (call, output) = match done.unwrap_or_else(|_| Err(DashError::internal())) {
        Ok(admitted) => admitted,
        Err(e) => return e.into_response(),
    };
    let Some(output) = output else {
        return streamed(call, include_usage);
    };
    axum::Json(json!({
        "id": call.id,
        "object": "chat.completion",
        "created": call.created,
        "model": call.model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": ANSWER},
            "finish_reason": "stop",
        }],
        "usage": call.usage(output),
    }))
    .into_response()
}

/// Meters a streamed call once: when it ends, or when it is dropped because
/// the client went away (then for the words sent so far).
struct StreamMeter {
    call: Admitted,
    sent: String,
    metered: bool,
}

impl StreamMeter {
    fn output_tokens(&self) -> i64 {
        if self.sent.is_empty() {
            0
        } else {
            tokens(&self.sent)
        }
    }

    fn meter_now(&mut self) -> Result<(), DashError> {
        if std::mem::replace(&mut self.metered, true) {
            return Ok(());
        }
        let output = self.output_tokens();
        let call = &self.call;
        call.app.shared.db.write(|tx| call.meter(tx, output))
    }
}

impl Drop for StreamMeter {
    fn drop(&mut self) {
        if self.metered {
            return;
        }
        self.metered = true;
        // Plain data in the closure: if the runtime is shutting down and
        // drops it unrun, nothing else is dropped that would try again.
        let output = self.output_tokens();
        let call = self.call.clone();
        let meter = move || {
            if call
                .app
                .shared
                .db
                .write(|tx| call.meter(tx, output))
                .is_err()
            {
                log::warn!("sandbox: a stream's spend could not be recorded");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(meter)),
            Err(_) => meter(),
        }
    }
}

/// Where a streamed answer is.
enum Step {
    Role,
    Word(usize),
    Finish,
    /// The usage chunk, with the answer's tokens.
    Usage(i64),
    Done,
    End,
}

fn event(data: &Value) -> Bytes {
    Bytes::from(format!("data: {data}\n\n"))
}

/// One `chat.completion.chunk`; with `include_usage` every chunk carries
/// `usage: null` until the last, as the compatible mode sends them.
fn chunk(call: &Admitted, choices: Value, include_usage: bool) -> Value {
    let mut chunk = json!({
        "id": call.id,
        "object": "chat.completion.chunk",
        "created": call.created,
        "model": call.model,
        "choices": choices,
    });
    if include_usage {
        chunk["usage"] = Value::Null;
    }
    chunk
}

fn delta(content: Value, finish_reason: Value) -> Value {
    json!([{"index": 0, "delta": content, "finish_reason": finish_reason}])
}

fn streamed(call: Admitted, include_usage: bool) -> Response {
    let words: Vec<&'static str> = ANSWER.split_inclusive(' ').collect();
    let meter = StreamMeter {
        call,
        sent: String::new(),
        metered: false,
    };
    let events = futures_util::stream::unfold((meter, Step::Role), move |(mut meter, step)| {
        let words = words.clone();
        async move {
            if !matches!(step, Step::Role | Step::End) {
                tokio::time::sleep(CHUNK_PAUSE).await;
            }
            let (data, next) = match step {
                Step::Role => {
                    let role = delta(json!({"role": "assistant", "content": ""}), Value::Null);
                    (chunk(&meter.call, role, include_usage), Step::Word(0))
                }
                Step::Word(i) => {
                    meter.sent.push_str(words[i]);
                    let next = if i + 1 < words.len() {
                        Step::Word(i + 1)
                    } else {
                        Step::Finish
                    };
                    let word = delta(json!({"content": words[i]}), Value::Null);
                    (chunk(&meter.call, word, include_usage), next)
                }
                Step::Finish => {
                    // The whole answer is out: meter it before anything
                    // reports its usage or says it is done.
                    let output = meter.output_tokens();
                    let recorded =
                        tokio::task::spawn_blocking(move || (meter.meter_now(), meter)).await;
                    let Ok((recorded, metered)) = recorded else {
                        return None;
                    };
                    if recorded.is_err() {
                        log::warn!("sandbox: a stream's spend could not be recorded");
                    }
                    meter = metered;
                    let stop = delta(json!({}), json!("stop"));
                    let next = if include_usage {
                        Step::Usage(output)
                    } else {
                        Step::Done
                    };
                    (chunk(&meter.call, stop, include_usage), next)
                }
                Step::Usage(output) => {
                    let mut last = chunk(&meter.call, json!([]), true);
                    last["usage"] = meter.call.usage(output);
                    (last, Step::Done)
                }
                Step::Done => {
                    let done = Bytes::from_static(b"data: [DONE]\n\n");
                    return Some((Ok::<_, Infallible>(done), (meter, Step::End)));
                }
                Step::End => return None,
            };
            Some((Ok(event(&data)), (meter, next)))
        }
    });
    let mut response = Body::from_stream(events).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
