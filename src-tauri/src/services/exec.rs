//! A saved key handed to a program in its environment, never on screen and
//! never in anyone's argv (`skm exec`; aws-vault's `exec` and 1Password's
//! `op run` are the models). `Studio` prepares the variables; the face
//! spawns the program and waits.

use super::audit::{Audited, Started};
use super::views::ExecEnv;
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::storage::profiles::ProfileKind;

/// The variables most tools read: DashScope's own, and OpenAI's, since most
/// OpenAI-style tools speak DashScope's compatible mode.
pub const DASHSCOPE_API_KEY: &str = "DASHSCOPE_API_KEY";
pub const OPENAI_API_KEY: &str = "OPENAI_API_KEY";
pub const OPENAI_BASE_URL: &str = "OPENAI_BASE_URL";

/// The compatible-mode path under a DashScope host.
const COMPATIBLE_MODE: &str = "/compatible-mode/v1";

impl Studio {
    /// The environment for `program` to use saved key `api_key_id`: its
    /// value (or, with `temporary`, a fresh `st-` key of that many seconds
    /// made from it, so the long-lived value never reaches the program) and
    /// the compatible-mode base of its workspace or region. The `started`
    /// record is in the audit log before anything is returned; conclude it
    /// with `exec_finished`.
    pub async fn exec_env(
        &self,
        region: RegionId,
        api_key_id: String,
        temporary: Option<u32>,
        program: &str,
    ) -> Result<(ExecEnv, ExecTicket)> {
        let ttl = match temporary {
            Some(t) => Some(crate::domain::rules::check_ttl(Some(i64::from(t)))?),
            None => None,
        };
        let (profile, key) = self.acting_key(region, &api_key_id).await?;
        // The saved value first: a key not saved here (exit 5) or a locked
        // keychain (exit 11) stops before any request.
        let value = self.saved_value(&key).await?;
        // The workspace's host, looked up once: the base URL and a temporary
        // key's DashScope call both need it (the sandbox has one host).
        let host = match profile.kind {
            ProfileKind::Sandbox => None,
            ProfileKind::AlibabaCloud => self.workspace_host_of(&profile, &key).await,
        };
        let base_url = match profile.kind {
            ProfileKind::Sandbox => {
                let sb = self.inner.clients.sandbox().await?;
                format!(
                    "{}{COMPATIBLE_MODE}",
                    sb.dashscope_base_url(region).trim_end_matches('/')
                )
            }
            ProfileKind::AlibabaCloud => super::export::base_url(region, host.as_deref())
                .ok_or_else(|| {
                    Error::new(ErrorCode::Unsupported)
                        .with_reason("dashscope_needs_workspace")
                        .with_param("region", region.info().name_en)
                })?,
        };
        let started = self
            .audit_start(
                Audited::new("exec", &profile)
                    .region(region)
                    .key(key.api_key_id)
                    .masked(Some(crate::domain::keyformat::mask(value.expose())))
                    .note(match ttl {
                        Some(t) => format!("{program} (temporary key, {t} s)"),
                        None => program.to_owned(),
                    }),
            )
            .await?;
        let handed = match ttl {
            None => Ok(value),
            Some(ttl) => {
                self.temporary_from(&profile, region, host.as_deref(), &value, ttl)
                    .await
            }
        };
        let handed = match handed {
            Ok(v) => v,
            Err(e) => {
                let failed: Result<()> = Err(e.clone());
                self.audit_end(started, &failed, |_, _| {}).await;
                return Err(e);
            }
        };
        Ok((
            ExecEnv {
                vars: vec![
                    (DASHSCOPE_API_KEY, handed.clone()),
                    (OPENAI_API_KEY, handed),
                    (OPENAI_BASE_URL, Secret::new(base_url)),
                ],
            },
            ExecTicket { started },
        ))
    }

    /// The program ended (`Ok(status)`, its exit status or 128 + signal) or
    /// could not start (`Err`): the `exec` record's outcome.
    pub async fn exec_finished(&self, ticket: ExecTicket, result: &Result<i32>) {
        self.audit_end(ticket.started, result, |entry, status| {
            entry.note = Some(format!("exit {status}"));
        })
        .await;
    }
}

/// An `exec` in progress: its `started` record, concluded by `exec_finished`.
#[derive(Debug)]
pub struct ExecTicket {
    started: Started,
}
