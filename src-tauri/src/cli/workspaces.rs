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
    /// and for the workspace (--workspace, default: the default one);
    /// `set` and `clear` change the workspace's own.
    Limits {
        #[command(subcommand)]
        change: Option<LimitsCmd>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LimitsCmd {
    /// Set the workspace's own limit of a model (--workspace is required);
    /// what is not given keeps its current value.
    Set {
        #[arg(long)]
        model: String,
        /// Requests per period: N/minute, N/hour or N/day.
        #[arg(long)]
        requests: Option<String>,
        /// Tokens (total) per period: N/minute, N/hour or N/day.
        #[arg(long)]
        tokens: Option<String>,
    },
    /// Remove the workspace's own limit of a model: the account's applies.
    Clear {
        #[arg(long)]
        model: String,
    },
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
        ModelsCmd::Limits {
            change: Some(change),
        } => {
            let Some(ws) = g.workspace.as_deref().filter(|w| !w.trim().is_empty()) else {
                return Err(
                    Error::new(ErrorCode::InvalidInput).with_reason("limits_workspace_needed")
                );
            };
            let (model, limits, done) = match change {
                LimitsCmd::Set {
                    model,
                    requests,
                    tokens,
                } => {
                    let rate = |field: &str, text: Option<String>| {
                        text.map(|t| crate::domain::rules::parse_rate(field, &t))
                            .transpose()
                    };
                    let requests = rate("requests", requests)?;
                    let tokens = rate("tokens", tokens)?;
                    let limits = studio
                        .model_limit_set(region, ws, &model, requests, tokens, true)
                        .await?;
                    (model, limits, "limits_set")
                }
                LimitsCmd::Clear { model } => {
                    let limits = studio.model_limit_clear(region, ws, &model).await?;
                    (model, limits, "limits_clear")
                }
            };
            if g.json {
                output::json(&limits);
            } else {
                output::done(g, done, &model);
                for l in &limits {
                    println!("{}", output::limit_line(l));
                }
            }
        }
        ModelsCmd::Limits { change: None } => {
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
