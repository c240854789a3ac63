//! The audit log as the actions use it (`storage::audit` keeps the file).
//!
//! An action that changes or reveals something appends a `started` record
//! before it acts; when that append fails, the action is refused with the
//! reason and nothing is sent. Its outcome is a second record naming the
//! first by sequence number. After each outcome the chain's end is also
//! written to the keychain (best effort: a locked or missing keychain never
//! blocks an action; the anchor beside the log still counts).

use super::views::{AuditFilter, AuditRecordView, AuditReport, AuditVerdict};
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::storage::audit::{Anchor, AuditLog, Entry, Verdict};
use crate::storage::profiles::{Profile, ProfileKind};
use crate::storage::vault::EntryName;
use std::sync::atomic::{AtomicBool, Ordering};

/// The keychain refused an anchor in this process: not asked again.
static KEYCHAIN_ANCHOR_REFUSED: AtomicBool = AtomicBool::new(false);

/// What an action is about to do, for its `started` record.
#[derive(Debug, Clone, Default)]
pub(crate) struct Audited {
    pub action: &'static str,
    pub profile: Option<(String, ProfileKind)>,
    pub region: Option<RegionId>,
    pub api_key_id: Option<String>,
    pub masked: Option<String>,
    pub note: Option<String>,
}

impl Audited {
    pub fn new(action: &'static str, profile: &Profile) -> Self {
        Audited {
            action,
            profile: Some((profile.name.clone(), profile.kind)),
            ..Default::default()
        }
    }

    pub fn region(mut self, region: RegionId) -> Self {
        self.region = Some(region);
        self
    }

    pub fn key(mut self, api_key_id: impl ToString) -> Self {
        self.api_key_id = Some(api_key_id.to_string());
        self
    }

    pub fn masked(mut self, masked: Option<String>) -> Self {
        self.masked = masked;
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    fn entry(&self, outcome: &str) -> Entry {
        Entry {
            action: self.action.into(),
            outcome: outcome.into(),
            of: None,
            profile: self.profile.as_ref().map(|(n, _)| n.clone()),
            profile_kind: self.profile.as_ref().map(|(_, k)| kind_name(*k).into()),
            region: self.region.map(|r| r.as_str().to_owned()),
            api_key_id: self.api_key_id.clone(),
            masked: self.masked.clone(),
            request_id: None,
            note: self.note.clone(),
        }
    }
}

fn kind_name(kind: ProfileKind) -> &'static str {
    match kind {
        ProfileKind::Sandbox => "sandbox",
        ProfileKind::AlibabaCloud => "alibabaCloud",
    }
}

/// A `started` record, to be concluded by `audit_end`.
#[must_use = "an action's outcome is recorded with audit_end"]
#[derive(Debug)]
pub(crate) struct Started {
    seq: u64,
    what: Audited,
}

impl Started {
    pub fn seq(&self) -> u64 {
        self.seq
    }
}

/// The keychain entry holding the chain's end of the log in `dir`: named
/// by a digest of the folder, so two homes (a portable setup, the tests)
/// keep apart.
fn anchor_entry(dir: &std::path::Path) -> EntryName {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(dir.to_string_lossy().as_bytes());
    EntryName::AuditAnchor {
        log: hex::encode(&digest[..8]),
    }
}

/// The actions the log records, for `skm audit list --action`.
pub const ACTIONS: &[&str] = &[
    "create",
    "reset",
    "update",
    "disable",
    "enable",
    "delete",
    "copy",
    "copy_env",
    "export",
    "temporary_key",
    "exec",
    "rotate",
    "save_pasted",
    "forget",
    "profile_add",
    "profile_remove",
    "profile_import",
    "model_limits",
    "spend_alert",
];

/// Refuse an action the log does not record, naming those it does.
fn check_action(action: &str) -> Result<()> {
    if ACTIONS.contains(&action) {
        return Ok(());
    }
    Err(Error::new(ErrorCode::InvalidInput)
        .with_reason("audit_action_unknown")
        .with_param("value", action)
        .with_param("actions", ACTIONS.join(", ")))
}

impl Studio {
    pub(crate) fn audit_log(&self) -> AuditLog {
        AuditLog::new(crate::storage::paths::audit_dir(&self.inner.dirs.data))
    }

    /// Append the `started` record of `what`; an error refuses the action.
    pub(crate) async fn audit_start(&self, what: Audited) -> Result<Started> {
        let entry = what.entry("started");
        let (record, _) = self
            .blocking(move |s| s.audit_log().append(entry))
            .await
            .map_err(|e| {
                Error::new(ErrorCode::Config)
                    .with_reason("audit_refused")
                    .with_param("action", what.action)
                    .with_technical(e.details.technical.clone().unwrap_or_default())
            })?;
        Ok(Started {
            seq: record.seq,
            what,
        })
    }

    /// Run `act` as the audited action `what`: its `started` record first
    /// (the action is refused when it cannot be written), its outcome after.
    pub(crate) async fn audited<T, Fut>(
        &self,
        what: Audited,
        act: impl FnOnce() -> Fut,
    ) -> Result<T>
    where
        Fut: std::future::Future<Output = Result<T>>,
    {
        let started = self.audit_start(what).await?;
        let result = act().await;
        self.audit_end(started, &result, |_, _| {}).await;
        result
    }

    /// Conclude `started` with what became of the action. Best effort: the
    /// action has happened, so a failed append is logged, not returned.
    pub(crate) async fn audit_end<T>(
        &self,
        started: Started,
        result: &Result<T>,
        after: impl FnOnce(&mut Entry, &T),
    ) {
        let mut entry = started.what.entry(match result {
            Ok(_) => "ok",
            Err(e) if e.code == ErrorCode::OutcomeUnknown => "unknown",
            Err(_) => "failed",
        });
        entry.of = Some(started.seq);
        match result {
            Ok(value) => after(&mut entry, value),
            Err(e) => {
                entry.request_id = e.details.request_id.clone();
                entry.note = Some(match &e.reason {
                    Some(r) => format!("{}: {r}", e.code),
                    None => e.code.to_string(),
                });
            }
        }
        self.audit_append(entry).await;
    }

    /// A record that concludes an earlier one (`of`), such as an interrupted
    /// Create settled on the next start.
    pub(crate) async fn audit_append(&self, entry: Entry) {
        let appended = self
            .blocking(move |s| {
                let log = s.audit_log();
                let (_, anchor) = log.append(entry)?;
                // The keychain's copy of the end: someone who can rewrite the
                // files still cannot cut records unseen without it. Once the
                // keychain said no (locked, missing), this process stops
                // asking: an unlock prompt after every action would block it.
                if KEYCHAIN_ANCHOR_REFUSED.load(Ordering::Relaxed) {
                    return Ok(());
                }
                if let Err(e) = s.inner.profiles.vault().set(
                    &anchor_entry(log.dir()),
                    &crate::domain::secret::Secret::new(anchor.to_line()),
                ) {
                    KEYCHAIN_ANCHOR_REFUSED.store(true, Ordering::Relaxed);
                    log::debug!("audit anchor not in the keychain: {}", e.code);
                }
                Ok(())
            })
            .await;
        if let Err(e) = appended {
            log::warn!("audit record not written: {e}");
        }
    }

    /// The records that `filter` asks for, oldest first. A key's records
    /// include the `started` record of each of its actions, written before
    /// the key's id was known (a Create's).
    pub async fn audit_list(&self, filter: AuditFilter) -> Result<Vec<AuditRecordView>> {
        if let Some(action) = &filter.action {
            check_action(action)?;
        }
        let records = self.blocking(|s| s.audit_log().records()).await?;
        let started_of_admitted: std::collections::HashSet<u64> = records
            .iter()
            .filter(|r| filter.admits(r))
            .filter_map(|r| r.entry.of)
            .collect();
        let without_key = AuditFilter {
            api_key_id: None,
            ..filter.clone()
        };
        Ok(records
            .into_iter()
            .filter(|r| {
                filter.admits(r) || (started_of_admitted.contains(&r.seq) && without_key.admits(r))
            })
            .map(AuditRecordView::from)
            .collect())
    }

    /// The records `filter` asks for, as CSV (for a spreadsheet).
    pub async fn audit_csv(&self, filter: AuditFilter) -> Result<crate::domain::secret::Secret> {
        let records = self.audit_list(filter).await?;
        audit_csv(&records).map(crate::domain::secret::Secret::new)
    }

    /// Walk the chain and hold it against both anchors. The keychain's is
    /// read when it can be; without it the file's anchor alone counts.
    pub async fn audit_verify(&self) -> Result<AuditReport> {
        self.blocking(|s| {
            let log = s.audit_log();
            let keychain = s.inner.profiles.vault().get(&anchor_entry(log.dir()));
            let (keychain_anchor, keychain_read) = match keychain {
                Ok(found) => (found.and_then(|v| Anchor::from_line(v.expose())), true),
                Err(_) => (None, false),
            };
            let verdict = log.verify(keychain_anchor.as_ref())?;
            Ok(AuditReport {
                verdict: match verdict {
                    Verdict::Intact { records } => AuditVerdict::Intact {
                        records: records as u32,
                    },
                    Verdict::Damaged {
                        records,
                        file,
                        line,
                    } => AuditVerdict::Damaged {
                        records: records as u32,
                        file,
                        line: line as u32,
                    },
                    Verdict::Tampered { at } => AuditVerdict::Tampered {
                        file: at.file,
                        line: at.line as u32,
                        how: at.how.to_owned(),
                        seq: at.seq as u32,
                    },
                },
                keychain_anchor_checked: keychain_read && keychain_anchor.is_some(),
                folder: log.dir().display().to_string(),
            })
        })
        .await
    }
}

/// `--since` as a person writes it: `YYYY-MM-DD` (midnight, this computer's
/// time zone), `YYYY-MM-DDTHH:MM` (likewise), or `Nd` (N days before `now`);
/// as RFC 3339 for `AuditFilter::since`.
pub fn parse_since(text: &str, now: chrono::DateTime<chrono::Local>) -> Result<String> {
    use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};
    let t = text.trim();
    let refuse = || Error::invalid_input("since", t, "audit_since_invalid");
    let local = |naive: NaiveDateTime| {
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|d| d.to_rfc3339())
            .ok_or_else(refuse)
    };
    if let Some(days) = t.strip_suffix('d') {
        let days: i64 = days.parse().ok().filter(|d| *d >= 0).ok_or_else(refuse)?;
        return Ok((now - chrono::Duration::days(days)).to_rfc3339());
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return local(d.and_hms_opt(0, 0, 0).ok_or_else(refuse)?);
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M") {
        return local(d);
    }
    Err(refuse())
}

/// The records as CSV (RFC 4180 quoting), for a spreadsheet.
pub fn audit_csv(records: &[AuditRecordView]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = |w: &mut csv::Writer<Vec<u8>>, fields: [&str; 12]| {
        w.write_record(fields)
            .map_err(|e| Error::internal(e.to_string()))
    };
    row(
        &mut w,
        [
            "seq",
            "time",
            "action",
            "outcome",
            "of",
            "profile",
            "profileKind",
            "region",
            "apiKeyId",
            "masked",
            "requestId",
            "note",
        ],
    )?;
    for r in records {
        let seq = r.seq.to_string();
        let of = r.of.map(|o| o.to_string()).unwrap_or_default();
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let (profile, kind, region, id, masked, request, note) = (
            s(&r.profile),
            s(&r.profile_kind),
            s(&r.region),
            s(&r.api_key_id),
            s(&r.masked),
            s(&r.request_id),
            s(&r.note),
        );
        row(
            &mut w,
            [
                &seq, &r.time, &r.action, &r.outcome, &of, &profile, &kind, &region, &id, &masked,
                &request, &note,
            ],
        )?;
    }
    let bytes = w.into_inner().map_err(|e| Error::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_day_a_minute_or_a_count_of_days_and_names_the_forms_otherwise() {
        let now = chrono::Local::now();
        assert!(parse_since("2026-12-01", now)
            .unwrap()
            .starts_with("2026-12-01T00:00:00"));
        assert!(parse_since("2026-12-01T09:30", now)
            .unwrap()
            .starts_with("2026-12-01T09:30:00"));
        let week = parse_since("7d", now).unwrap();
        let back = chrono::DateTime::parse_from_rfc3339(&week).unwrap();
        assert_eq!((now.fixed_offset() - back).num_days(), 7);
        for bad in ["yesterday", "2026-13-01", "-1d", "7", "2026-12-01 09:30"] {
            let e = parse_since(bad, now).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert_eq!(e.reason.as_deref(), Some("audit_since_invalid"));
            let text = e.message_in(crate::domain::i18n::Lang::En);
            assert!(text.contains("YYYY-MM-DD") && text.contains("7d"), "{text}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let r = AuditRecordView {
            seq: 3,
            time: "2026-12-06T01:00:00.000Z".into(),
            action: "exec".into(),
            outcome: "ok".into(),
            of: Some(2),
            profile: Some("Team, prod".into()),
            profile_kind: None,
            region: Some("cn-beijing".into()),
            api_key_id: Some("7".into()),
            masked: None,
            request_id: None,
            note: Some("say \"hi\"".into()),
        };
        let text = audit_csv(&[r]).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("seq,time,action"));
        let row = lines.next().unwrap();
        assert!(
            row.contains("\"Team, prod\"") && row.contains("\"say \"\"hi\"\"\""),
            "{row}"
        );
    }
}
