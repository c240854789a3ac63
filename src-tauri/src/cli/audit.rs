//! `skm audit ...`: the local audit log (list, export, verify).

use super::{output, GlobalArgs};
use crate::domain::error::Result;
use crate::domain::i18n;
use crate::services::audit::{audit_csv, parse_since};
use crate::services::export::ExportFile;
use crate::services::views::{AuditFilter, AuditRecordView, AuditVerdict};
use crate::services::Studio;
use clap::Subcommand;

/// `skm audit verify` when the chain is broken.
pub const EXIT_TAMPERED: i32 = 13;
/// `skm audit verify` when the chain holds but a line was cut short by a crash.
pub const EXIT_DAMAGED: i32 = 14;

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Records, oldest first.
    List {
        /// Only this key's records.
        #[arg(long = "key", value_name = "ID")]
        key: Option<String>,
        /// Only this action (create, reset, update, disable, enable, delete,
        /// copy, copy_env, export, temporary_key, exec, profile_add, ...).
        #[arg(long)]
        action: Option<String>,
        /// From this time on: YYYY-MM-DD, YYYY-MM-DDTHH:MM or 7d.
        #[arg(long)]
        since: Option<String>,
    },
    /// Write every record to a CSV file.
    Export {
        #[arg(long, value_name = "FILE")]
        csv: std::path::PathBuf,
    },
    /// Check that no record was edited, deleted, reordered or cut from the end.
    Verify,
}

fn t(key: &str, params: &[(&str, &str)]) -> String {
    i18n::tr(i18n::current(), key, params)
}

/// Runs `cmd`; the exit status (`verify` has its own).
pub async fn run(g: &GlobalArgs, studio: &Studio, cmd: AuditCmd) -> Result<i32> {
    match cmd {
        AuditCmd::List { key, action, since } => {
            let since = since
                .map(|s| parse_since(&s, chrono::Local::now()))
                .transpose()?;
            let records = studio
                .audit_list(AuditFilter {
                    api_key_id: key,
                    action,
                    since,
                })
                .await?;
            if g.json {
                output::json(&records);
            } else {
                records.iter().for_each(|r| println!("{}", line(r)));
            }
            Ok(0)
        }
        AuditCmd::Export { csv } => {
            let records = studio.audit_list(AuditFilter::default()).await?;
            let text = audit_csv(&records)?;
            studio
                .export_write(
                    csv.clone(),
                    ExportFile::plain("audit.csv", crate::domain::secret::Secret::new(text)),
                )
                .await?;
            let count = records.len().to_string();
            output::say(&t(
                "cli.audit.exported",
                &[("count", &count), ("path", &csv.display().to_string())],
            ));
            Ok(0)
        }
        AuditCmd::Verify => {
            let report = studio.audit_verify().await?;
            if g.json {
                output::json(&report);
            }
            let (text, status) = match &report.verdict {
                AuditVerdict::Intact { records } => (
                    t("cli.audit.intact", &[("records", &records.to_string())]),
                    0,
                ),
                AuditVerdict::Damaged {
                    records,
                    file,
                    line,
                } => (
                    t(
                        "cli.audit.damaged",
                        &[
                            ("records", &records.to_string()),
                            ("file", file),
                            ("line", &line.to_string()),
                        ],
                    ),
                    EXIT_DAMAGED,
                ),
                AuditVerdict::Tampered {
                    file,
                    line,
                    how,
                    seq,
                } => (
                    t(
                        &format!("cli.audit.tampered_{how}"),
                        &[
                            ("seq", &seq.to_string()),
                            ("file", file),
                            ("line", &line.to_string()),
                        ],
                    ),
                    EXIT_TAMPERED,
                ),
            };
            if !g.json {
                println!("{text}");
                if !report.keychain_anchor_checked {
                    output::say(&t("cli.audit.no_keychain_anchor", &[]));
                }
            } else if status != 0 {
                output::say(&format!("skm: {text}"));
            }
            Ok(status)
        }
    }
}

/// One record as a line: time, action and outcome, key, profile, the rest.
fn line(r: &AuditRecordView) -> String {
    let of = r.of.map(|o| format!(" (#{o})")).unwrap_or_default();
    format!(
        "#{:<6} {} {:<14} {:<8}{of} {:<10} {:<15} {:<20} {}{}",
        r.seq,
        r.time,
        r.action,
        r.outcome,
        r.api_key_id.as_deref().unwrap_or("-"),
        r.region.as_deref().unwrap_or("-"),
        r.profile.as_deref().unwrap_or("-"),
        r.masked.as_deref().unwrap_or(""),
        r.note
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default(),
    )
}
