//! Printing results and errors, as text or as JSON.

use super::GlobalArgs;
use crate::domain::error::{Error, IpcError};
use crate::domain::i18n;
use crate::domain::permission::PermissionType;
use crate::domain::redact;
use crate::domain::secret::Secret;
use crate::services::views::{
    IntentNotice, KeyView, ModelLimitView, OneTimeKey, Permission, RotationStep, RotationView,
    SaveStatus, WorkspaceView,
};
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

pub fn key_line(k: &KeyView) -> String {
    let status = if k.enabled {
        t("cli.enabled")
    } else {
        t("cli.disabled")
    };
    let perm = match k.permission.kind {
        PermissionType::All => "All",
        PermissionType::Custom => "Custom",
    };
    format!(
        "{:<10} {:<36} {:<9} {:<7} {:<20} {}",
        k.api_key_id,
        k.masked_value,
        status,
        perm,
        k.workspace_name.as_deref().unwrap_or(&k.workspace_id),
        k.description,
    )
}

/// `skm keys list|get --json`: one key under the API's own field names,
/// which scripts read (`apiKeyId` a number, `disabled` 0 or 1, `auth` the
/// permission block), made from the same view the app shows.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDoc<'a> {
    api_key_id: i64,
    api_key_value: &'a str,
    auth: AuthDoc<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by: Option<&'a str>,
    description: &'a str,
    disabled: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    gmt_create: Option<i64>,
    #[serde(skip_serializing_if = "str::is_empty")]
    workspace_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_name: Option<&'a str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthDoc<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_ips: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_access_scope: Option<ScopeDoc<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ScopeDoc<'a> {
    allow_all_models: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    accessible_models: Option<&'a [String]>,
}

impl<'a> KeyDoc<'a> {
    pub fn of(k: &'a KeyView) -> Self {
        KeyDoc {
            api_key_id: k.api_key_id.parse().unwrap_or_default(),
            api_key_value: &k.masked_value,
            auth: AuthDoc::of(&k.permission),
            created_by: k.created_by.as_deref(),
            description: &k.description,
            disabled: u8::from(!k.enabled),
            gmt_create: k.created_at.map(|ms| ms as i64),
            workspace_id: &k.workspace_id,
            workspace_name: k.workspace_name.as_deref(),
        }
    }
}

impl<'a> AuthDoc<'a> {
    fn of(p: &'a Permission) -> Self {
        match p.kind {
            PermissionType::All => AuthDoc {
                kind: "All",
                access_ips: None,
                model_access_scope: None,
            },
            PermissionType::Custom => AuthDoc {
                kind: "Custom",
                access_ips: Some(&p.access_ips),
                model_access_scope: Some(ScopeDoc {
                    allow_all_models: p.allow_all_models,
                    accessible_models: (!p.allow_all_models).then_some(&p.accessible_models[..]),
                }),
            },
        }
    }
}

/// A model's limits: the workspace's where it has its own, else the account's.
pub fn limit_line(l: &ModelLimitView) -> String {
    let v = l.workspace_limit.as_ref().or(l.model_limit.as_ref());
    let per = |n: Option<i64>, secs: Option<i64>| match (n, secs) {
        (Some(n), Some(s)) => format!("{n}/{s}s"),
        (Some(n), None) => n.to_string(),
        _ => "-".into(),
    };
    format!(
        "{:<24} {:>14} {} {:>16} {}",
        l.model,
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
    /// `skm keys rotate`: the key this one replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    rotated_from: Option<i64>,
}

/// The one and only display of a new key value: stdout, with a warning on stderr.
/// `saved` in `--json`: whether the keychain holds a copy now; `null` when
/// saving was not asked for (SKM_NO_SAVE, a loopback endpoint), so scripts
/// can tell the two apart.
pub fn one_time_key(g: &GlobalArgs, key: &OneTimeKey) {
    one_time_key_of(g, key, None)
}

/// `one_time_key`, for a twin that replaces key `rotated_from`.
pub fn one_time_key_of(g: &GlobalArgs, key: &OneTimeKey, rotated_from: Option<i64>) {
    if g.json {
        let saved = match key.saved_to_keychain {
            SaveStatus::Saved => Some(true),
            SaveStatus::Off => None,
            SaveStatus::Failed { .. } => Some(false),
        };
        // Deliberate: the caller asked for the value, and this is the only time it exists.
        json(&OneTimeKeyDoc {
            api_key_id: key.api_key_id.parse().unwrap_or_default(),
            api_key_value: &key.value,
            workspace_id: key.workspace_id.as_deref(),
            description: key.description.as_deref(),
            saved,
            recovered: key.recovered,
            rotated_from,
        });
    } else {
        println!("{}", key.value.expose());
        say(&format!(
            "{} (apiKeyId {})",
            t("cli.shown_once"),
            key.api_key_id
        ));
    }
    if let Some(note) = &key.recovered_note {
        say(&format!("skm: {note}"));
    }
}

/// What an earlier, interrupted run left behind and what became of it: on
/// stderr, so `--json` output and the exit status stay this command's.
pub fn notices(notices: &[IntentNotice]) {
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

/// A rotation in one line: its key, step, twin and dates, and its note.
pub fn rotation_line(r: &RotationView) -> String {
    let when = |ms: Option<f64>| {
        ms.and_then(|ms| chrono::DateTime::from_timestamp_millis(ms as i64))
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "-".into())
    };
    let step = match r.step {
        RotationStep::Twin => "twin",
        RotationStep::HandOver => "hand-over",
        RotationStep::Disabled => "disabled",
        RotationStep::Retired => "retired",
        RotationStep::Paused => "paused",
        RotationStep::Ended => "ended",
    };
    format!(
        "{:<10} {:<15} {:<10} twin {:<10} grace {:<10} ends {}{}{}",
        r.old_key_id,
        r.region,
        step,
        r.twin_key_id.as_deref().unwrap_or("-"),
        r.grace,
        when(r.grace_ends_at),
        if r.retire_due { " (retire now)" } else { "" },
        r.note
            .as_deref()
            .map(|n| format!("\n  {n}"))
            .unwrap_or_default(),
    )
}
