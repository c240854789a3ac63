//! What one `skm` run did, judged against the sandbox before and after it.

use super::ops::{Op, PermChange};
use super::Run;
use crate::support::sandbox::check_key;
use serde_json::Value;
use std::collections::BTreeMap;
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::wire::ApiKey;
use studio_keys::sandbox::SandboxHandle;

/// `skm`'s exit code for "sent, but whether it was applied is unknown".
const EXIT_OUTCOME_UNKNOWN: i32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 10: the person is told the outcome is unknown.
    Unknown,
    /// Any other exit: a definite failure.
    Failed,
}

#[derive(Debug)]
pub struct Verdict {
    pub outcome: Outcome,
    /// A create or reset that succeeded after resolving a lost answer.
    pub recovered: bool,
    /// A single create left more than one new key.
    pub duplicate: bool,
    /// Exit 0, but the sandbox does not show it: why.
    pub false_success: Option<String>,
    /// A value was made but the person was not told: why.
    pub lost_value: Option<String>,
    /// The error `skm` printed, for the report: (code, reason).
    pub error: Option<(String, String)>,
    /// A definite failure, yet the change it was asked for was made: why.
    pub applied_but_failed: Option<String>,
}

/// The printed error's reason, wherever this build puts it.
fn reason(error: &Value) -> String {
    error["reason"]
        .as_str()
        .or_else(|| error["details"]["reason"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Key ids an error names in its `apiKeyId` / `apiKeyIds` parameters, given
/// as an object or as name/value pairs.
fn named_ids(error: &Value) -> Vec<i64> {
    let mut values: Vec<String> = Vec::new();
    for params in [&error["params"], &error["details"]["params"]] {
        match params {
            Value::Object(map) => values.extend(
                ["apiKeyId", "apiKeyIds"]
                    .iter()
                    .filter_map(|k| map.get(*k))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
            ),
            Value::Array(pairs) => values.extend(pairs.iter().filter_map(|p| {
                let name = p[0].as_str()?;
                matches!(name, "apiKeyId" | "apiKeyIds")
                    .then(|| p[1].as_str().map(str::to_string))?
            })),
            _ => {}
        }
    }
    values
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|id| id.trim().trim_matches('"').parse().ok())
        .collect()
}

/// Whether `value` is `key`'s: its head and tail are those of the listed mask,
/// and the value service accepts it (403, refused for its IP whitelist, also
/// proves the value is a live key's). A disabled key's value is refused like
/// any unknown one, so there only the mask can tell.
async fn value_is_keys(h: &SandboxHandle, value: &str, key: &ApiKey) -> bool {
    let Some((head, tail)) = key
        .api_key_value
        .as_deref()
        .and_then(|m| m.split_once("*****"))
    else {
        return false;
    };
    if !(value.len() > head.len() + tail.len() && value.starts_with(head) && value.ends_with(tail))
    {
        return false;
    }
    key.disabled == Some(1) || matches!(check_key(h, CnBeijing, value).await, 200 | 403)
}

/// (type, IP whitelist, model list) of a key's permission block.
fn permission(key: &ApiKey) -> (String, Vec<String>, Vec<String>) {
    let auth = key.auth.clone().unwrap_or_default();
    let mut ips = auth.access_ips.unwrap_or_default();
    ips.sort();
    let mut models = auth
        .model_access_scope
        .and_then(|s| s.accessible_models)
        .unwrap_or_default();
    models.sort();
    (auth.auth_type.unwrap_or_else(|| "All".into()), ips, models)
}

/// The key `skm` printed for a create or reset: (apiKeyId, apiKeyValue).
fn printed_key(doc: &Option<Value>) -> (Option<i64>, Option<String>) {
    let doc = doc.as_ref();
    (
        doc.and_then(|d| d["apiKeyId"].as_i64()),
        doc.and_then(|d| d["apiKeyValue"].as_str().map(str::to_string)),
    )
}

pub async fn judge(
    h: &SandboxHandle,
    op: &Op,
    run: &Run,
    before: &BTreeMap<i64, ApiKey>,
    after: &BTreeMap<i64, ApiKey>,
) -> Verdict {
    let outcome = match run.code {
        0 => Outcome::Ok,
        EXIT_OUTCOME_UNKNOWN => Outcome::Unknown,
        _ => Outcome::Failed,
    };
    let error = run
        .doc
        .as_ref()
        .map(|d| &d["error"])
        .filter(|e| e.is_object());
    let mut v = Verdict {
        outcome,
        recovered: run
            .doc
            .as_ref()
            .is_some_and(|d| d["recovered"] == Value::Bool(true)),
        duplicate: false,
        false_success: None,
        lost_value: None,
        error: error.map(|e| (e["code"].as_str().unwrap_or("").to_string(), reason(e))),
        applied_but_failed: None,
    };
    let gone = |id: &i64| !after.contains_key(id);
    match op {
        Op::Create { .. } => {
            let new: Vec<i64> = after
                .keys()
                .filter(|id| !before.contains_key(id))
                .copied()
                .collect();
            v.duplicate = new.len() > 1;
            match outcome {
                Outcome::Ok => {
                    v.false_success = match printed_key(&run.doc) {
                        (Some(id), Some(value)) if new.contains(&id) => {
                            (!value_is_keys(h, &value, &after[&id]).await)
                                .then(|| format!("the printed value is not key {id}'s"))
                        }
                        (Some(id), _) => Some(format!("printed key {id}, which is not a new key")),
                        _ => Some("no key printed".into()),
                    }
                }
                // Told "unknown": fine if the message names the key or says a
                // value was made and lost (or which keys it may be). Any
                // other reason, with a key made, lets the person believe there
                // is nothing to clean up and no value to look for.
                Outcome::Unknown if !new.is_empty() => {
                    let e = error.cloned().unwrap_or_default();
                    let (named, why) = (named_ids(&e), reason(&e));
                    v.lost_value = if !named.is_empty() {
                        (!named.iter().any(|id| new.contains(id)))
                            .then(|| format!("made {new:?} but the error names {named:?}"))
                    } else if why.contains("value_lost") || why.contains("ambiguous") {
                        None
                    } else {
                        Some(format!("made {new:?}, exit 10 without naming it ({why})"))
                    };
                }
                Outcome::Failed if !new.is_empty() => {
                    v.lost_value = Some(format!(
                        "made {new:?}, exit {} (a definite failure)",
                        run.code
                    ));
                }
                _ => {}
            }
        }
        Op::Reset { id } => {
            let changed = match (before.get(id), after.get(id)) {
                (Some(b), Some(a)) => a.api_key_value != b.api_key_value,
                _ => false,
            };
            match outcome {
                Outcome::Ok => {
                    v.false_success = match (printed_key(&run.doc), after.get(id)) {
                        ((Some(pid), Some(value)), Some(key)) if pid == *id && changed => {
                            (!value_is_keys(h, &value, key).await)
                                .then(|| "the printed value does not work".into())
                        }
                        _ if !changed => Some("the value did not change".into()),
                        _ => Some("no value printed for the key".into()),
                    }
                }
                Outcome::Failed if changed => {
                    v.lost_value = Some(format!(
                        "reset applied, exit {} (a definite failure)",
                        run.code
                    ));
                }
                _ => {}
            }
        }
        Op::Update {
            id,
            description,
            perm,
        } if outcome == Outcome::Ok => {
            v.false_success = match after.get(id) {
                None => Some("the key is gone".into()),
                Some(a) if a.description.as_deref() != Some(description.as_str()) => {
                    Some("description not as asked".into())
                }
                Some(a) => {
                    let (kind, ips, _) = permission(a);
                    let as_asked = match perm {
                        PermChange::Keep => before.get(id).map(permission) == Some(permission(a)),
                        PermChange::CustomTenSlashEight => {
                            kind == "Custom" && ips == ["10.0.0.0/8"]
                        }
                        PermChange::All => kind == "All" && ips.is_empty(),
                    };
                    (!as_asked).then(|| format!("permission not as asked ({perm:?})"))
                }
            }
        }
        Op::Delete { id } if outcome == Outcome::Ok => {
            v.false_success = (!gone(id)).then(|| "the key is still there".into());
        }
        Op::Delete { id } if outcome == Outcome::Failed && before.contains_key(id) && gone(id) => {
            v.applied_but_failed = Some(format!("deleted, yet exit {}", run.code));
        }
        Op::SetEnabled { id, enabled } if outcome == Outcome::Failed => {
            let want = if *enabled { 0 } else { 1 };
            let was = before.get(id).map(|b| b.disabled.unwrap_or(0));
            let now = after.get(id).map(|a| a.disabled.unwrap_or(0));
            if was != Some(want) && now == Some(want) {
                v.applied_but_failed = Some(format!("state changed, yet exit {}", run.code));
            }
        }
        Op::Update {
            id, description, ..
        } if outcome == Outcome::Failed => {
            let was = before.get(id).and_then(|b| b.description.clone());
            let now = after.get(id).and_then(|a| a.description.clone());
            if was.as_deref() != Some(description.as_str())
                && now.as_deref() == Some(description.as_str())
            {
                v.applied_but_failed = Some(format!("updated, yet exit {}", run.code));
            }
        }
        Op::SetEnabled { id, enabled } if outcome == Outcome::Ok => {
            let want = if *enabled { 0 } else { 1 };
            v.false_success = match after.get(id) {
                Some(a) if a.disabled.unwrap_or(0) == want => None,
                Some(_) => Some("state not as asked".into()),
                None => Some("the key is gone".into()),
            };
        }
        // A read that exits 0 must show what the sandbox holds.
        Op::Get { id } if outcome == Outcome::Ok => {
            let doc = run.doc.clone().unwrap_or_default();
            v.false_success = match after.get(id) {
                Some(a)
                    if doc["apiKeyId"].as_i64() == Some(*id)
                        && doc["description"].as_str() == a.description.as_deref()
                        && doc["disabled"].as_i64() == a.disabled =>
                {
                    None
                }
                _ => Some("printed key differs from the sandbox's".into()),
            };
        }
        Op::List if outcome == Outcome::Ok => {
            let printed: Option<Vec<i64>> = run
                .doc
                .as_ref()
                .and_then(|d| d.as_array())
                .map(|keys| keys.iter().filter_map(|k| k["apiKeyId"].as_i64()).collect());
            let mut printed = printed.unwrap_or_default();
            printed.sort();
            let truth: Vec<i64> = after.keys().copied().collect();
            v.false_success =
                (printed != truth).then(|| "printed list differs from the sandbox's".into());
        }
        _ => {}
    }
    v
}
