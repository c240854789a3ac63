//! `skm workspaces ...`, `skm models authorized`, `skm temp-key`, `skm verify`.

use super::{context, output, GlobalArgs};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::services::views::KeyCheck;
use crate::services::Studio;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum WorkspacesCmd {
    List,
    Create {
        name: String,
        #[arg(long)]
        service_site: Option<String>,
    },
    Delete {
        workspace_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsCmd {
    /// Models the workspace (--workspace, default: the default one) may call.
    Authorized,
    /// Requests and tokens per period each model may use, for the account
    /// and for the workspace (--workspace, default: the default one).
    Limits,
}

#[derive(Debug, Args)]
pub struct TempKeyArgs {
    /// Lifetime in seconds, 1 to 1800.
    #[arg(long, allow_negative_numbers = true)]
    pub ttl: Option<i64>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Check the API key in DASHSCOPE_API_KEY or on stdin instead of the AccessKey.
    #[arg(long)]
    pub key: bool,
}

pub async fn run(g: &GlobalArgs, studio: &Studio, cmd: WorkspacesCmd) -> Result<()> {
    let region = context::region(g)?;
    match cmd {
        WorkspacesCmd::List => {
            let list = studio.workspaces_list(region).await?;
            if g.json {
                output::json(&list);
            } else {
                list.iter()
                    .for_each(|w| println!("{}", output::workspace_line(w)));
            }
        }
        WorkspacesCmd::Create { name, service_site } => {
            let w = studio.workspace_create(region, name, service_site).await?;
            if g.json {
                output::json(&w);
            } else {
                println!("{}", output::workspace_line(&w));
            }
        }
        WorkspacesCmd::Delete { workspace_id } => {
            studio
                .workspace_delete(region, workspace_id.clone())
                .await?;
            output::done(g, "delete_workspace", &workspace_id);
        }
    }
    Ok(())
}

pub async fn run_models(g: &GlobalArgs, studio: &Studio, cmd: ModelsCmd) -> Result<()> {
    let region = context::region(g)?;
    match cmd {
        ModelsCmd::Authorized => {
            let ws = studio
                .workspace_or_default(region, g.workspace.as_deref())
                .await?;
            let models = studio.models_authorized(region, ws.workspace_id).await?;
            if g.json {
                output::json(&models);
            } else {
                for m in models {
                    println!("{:<32} {}", m.model, m.name);
                }
            }
        }
        ModelsCmd::Limits => {
            let limits = studio.model_limits(region, g.workspace.clone()).await?;
            if g.json {
                output::json(&limits);
            } else {
                for l in &limits {
                    println!("{}", output::limit_line(l));
                }
            }
        }
    }
    Ok(())
}

/// `skm temp-key --json`: the temporary key, shown this once.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct TempKeyDoc<'a> {
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    token: &'a crate::domain::secret::Secret,
    expires_at: i64,
}

pub async fn temp_key(g: &GlobalArgs, studio: &Studio, a: TempKeyArgs) -> Result<()> {
    // A bad lifetime is refused before anything is read from stdin.
    crate::domain::rules::check_ttl(a.ttl)?;
    let key = context::api_key_from_env_or_stdin()?;
    let temp = studio
        .temp_key_from_value(context::region(g)?, &key, a.ttl, g.workspace.as_deref())
        .await?;
    if g.json {
        output::json(&TempKeyDoc {
            token: &temp.token,
            expires_at: temp.expires_at,
        });
    } else {
        println!("{}", temp.token.expose());
    }
    Ok(())
}

pub async fn verify(g: &GlobalArgs, studio: &Studio, a: VerifyArgs) -> Result<()> {
    let region = context::region(g)?;
    if a.key {
        let key = context::api_key_from_env_or_stdin()?;
        let check = studio
            .key_check_value(region, &key, g.workspace.as_deref())
            .await?;
        if g.json {
            output::json(&serde_json::json!({ "key": check }));
        } else {
            println!("{check:?}");
        }
        return match check {
            KeyCheck::Valid => Ok(()),
            KeyCheck::Invalid => {
                Err(Error::new(ErrorCode::InvalidCredentials).with_reason("api_key_invalid"))
            }
            KeyCheck::Denied => Err(Error::new(ErrorCode::Forbidden).with_reason("api_key_denied")),
        };
    }
    let n = studio.credentials_check(region).await?;
    if g.json {
        output::json(&serde_json::json!({ "ok": true, "region": region, "workspaces": n }));
    } else {
        println!("OK: {region} ({n} workspaces)");
    }
    Ok(())
}
