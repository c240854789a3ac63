//! Printing results and errors, as text or as JSON.

use super::GlobalArgs;
use crate::domain::error::{Error, IpcError};
use crate::domain::i18n;
use crate::domain::keyformat::display_server_value;
use crate::domain::redact;
use crate::domain::secret::Secret;
use crate::protocol::wire::ApiKey;
use crate::services::views::WorkspaceView;
use crate::services::NewKey;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether a JSON document is already on stdout: a script reads exactly one,
/// so an error after a result (a key made but not saved) goes to stderr.
static RESULT_PRINTED: AtomicBool = AtomicBool::new(false);

/// Print `e` and return its exit status. With `--json` the error is the one
/// document on stdout, unless a result was printed first.
pub fn error(g: &GlobalArgs, e: &Error) -> i32 {
    if g.json {
        let ipc = IpcError::from(e.clone());
        // A server's message can echo what it was sent: scrubbed like a log.
        let doc = redact::scrub(
            &serde_json::to_string_pretty(&serde_json::json!({ "error": ipc })).unwrap_or_default(),
        );
        if RESULT_PRINTED.load(Ordering::SeqCst) {
            say(&doc);
        } else {
            println!("{doc}");
        }
    } else {
        say(&format!("skm: {}", e.message()));
        let d = &e.details;
        let facts: Vec<String> = [
            d.server_code.as_ref().map(|c| format!("code {c}")),
            d.http_status.map(|s| format!("HTTP {s}")),
            d.request_id.as_ref().map(|r| format!("request {r}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !facts.is_empty() {
            say(&format!("     ({})", facts.join(", ")));
        }
    }
    e.code.exit_code()
}

/// A line on stderr, scrubbed like a log line: everything skm says there
/// passes through here.
pub fn say(line: &str) {
    eprintln!("{}", redact::scrub(line));
}

pub fn json(value: &impl serde::Serialize) {
    RESULT_PRINTED.store(true, Ordering::SeqCst);
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn t(key: &str) -> String {
    i18n::tr(i18n::current(), key, &[])
}

pub fn key_line(k: &ApiKey) -> String {
    let status = if k.disabled == Some(1) {
        t("cli.disabled")
    } else {
        t("cli.enabled")
    };
    let perm = k
        .auth
        .as_ref()
        .and_then(|a| a.auth_type.clone())
        .unwrap_or_else(|| "All".into());
    format!(
        "{:<10} {:<36} {:<9} {:<7} {:<20} {}",
        k.api_key_id.map(|i| i.to_string()).unwrap_or_default(),
        k.api_key_value
            .as_deref()
            .map(display_server_value)
            .unwrap_or_default(),
        status,
        perm,
        k.workspace_name
            .clone()
            .or(k.workspace_id.clone())
            .unwrap_or_default(),
        k.description.clone().unwrap_or_default(),
    )
}

/// A model's limits: the workspace's where it has its own, else the account's.
pub fn limit_line(l: &crate::protocol::limits::ModelLimit) -> String {
    let v = l.workspace_limit.as_ref().or(l.model_limit.as_ref());
    let per = |n: Option<i64>, secs: Option<i64>| match (n, secs) {
        (Some(n), Some(s)) => format!("{n}/{s}s"),
        (Some(n), None) => n.to_string(),
        _ => "-".into(),
    };
    format!(
        "{:<24} {:>14} {} {:>16} {}",
        l.model.as_deref().unwrap_or_default(),
        per(
            v.and_then(|v| v.request_limit),
            v.and_then(|v| v.request_limit_period)
        ),
        t("cli.limits.requests"),
        per(
            v.and_then(|v| v.usage_limit),
            v.and_then(|v| v.usage_limit_period)
        ),
        v.and_then(|v| v.usage_limit_field.as_deref())
            .unwrap_or("tokens"),
    )
}

pub fn workspace_line(w: &WorkspaceView) -> String {
    format!(
        "{:<24} {:<28} {}",
        w.workspace_id,
        w.workspace_name,
        w.api_host.as_deref().unwrap_or_default()
    )
}

/// `--json`'s document for a new key: the only one with a full value in it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct OneTimeKeyDoc<'a> {
    api_key_id: i64,
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    api_key_value: &'a Secret,
    workspace_id: Option<&'a str>,
    description: Option<&'a str>,
    saved: Option<bool>,
    /// The first answer was lost and the value came from a second try.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    recovered: bool,
}

/// The one and only display of a new key value: stdout, with a warning on stderr.
/// `saved`: whether the keychain holds a copy now; `None` when saving was not
/// asked for (SKM_NO_SAVE, a loopback endpoint), so scripts can tell the two apart.
pub fn one_time_key(g: &GlobalArgs, key: &NewKey, saved: Option<bool>) {
    if g.json {
        // Deliberate: the caller asked for the value, and this is the only time it exists.
        json(&OneTimeKeyDoc {
            api_key_id: key.api_key_id,
            api_key_value: &key.value,
            workspace_id: key.workspace_id.as_deref(),
            description: key.description.as_deref(),
            saved,
            recovered: key.recovered.is_some(),
        });
    } else {
        println!("{}", key.value.expose());
        say(&format!(
            "{} (apiKeyId {})",
            t("cli.shown_once"),
            key.api_key_id
        ));
    }
    if let Some(how) = key.recovered {
        say(&format!(
            "skm: {}",
            crate::services::remote::recovered_note(how)
        ));
    }
}

/// What an earlier, interrupted run left behind and what became of it: on
/// stderr, so `--json` output and the exit status stay this command's.
pub fn notices(notices: &[crate::services::views::IntentNotice]) {
    for n in notices {
        say(&format!("skm: {}", n.message));
    }
}

pub fn done(g: &GlobalArgs, what: &str, id: &str) {
    if g.json {
        json(&serde_json::json!({ "ok": true, "action": what, "id": id }));
    } else {
        say(&i18n::tr(
            i18n::current(),
            &format!("cli.done.{what}"),
            &[("id", id)],
        ));
    }
}
