//! `skm workspaces ...`, `skm models authorized`, `skm temp-key`, `skm verify`.

#![allow(clippy::result_large_err)]

use super::{context, output, GlobalArgs};
use crate::dashscope::{DashScope, KeyCheck};
use crate::error::{Error, ErrorCode, Result};
use crate::modelstudio::requests::{CreateWorkspaceRequest, ListWorkspacesRequest};
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

pub async fn run(g: &GlobalArgs, cmd: WorkspacesCmd) -> Result<()> {
    let (c, _) = context::client(g)?;
    match cmd {
        WorkspacesCmd::List => {
            let list = c.list_workspaces(&ListWorkspacesRequest::default()).await?;
            if g.json {
                output::json(&list);
            } else {
                list.iter()
                    .for_each(|w| println!("{}", output::workspace_line(w)));
            }
        }
        WorkspacesCmd::Create { name, service_site } => {
            let w = c
                .create_workspace(&CreateWorkspaceRequest {
                    workspace_name: name,
                    service_site,
                })
                .await?;
            if g.json {
                output::json(&w);
            } else {
                println!("{}", output::workspace_line(&w));
            }
        }
        WorkspacesCmd::Delete { workspace_id } => {
            c.delete_workspace(&workspace_id).await?;
            output::done(g, "delete_workspace", &workspace_id);
        }
    }
    Ok(())
}

/// The workspace named by `--workspace`, or the region's default (first listed).
async fn workspace(
    g: &GlobalArgs,
    c: &crate::modelstudio::Client,
) -> Result<crate::modelstudio::wire::Workspace> {
    let list = c
        .list_workspaces(&ListWorkspacesRequest {
            workspace_id: g.workspace.clone(),
            ..Default::default()
        })
        .await?;
    list.into_iter()
        .find(|w| g.workspace.is_none() || w.workspace_id == g.workspace)
        .ok_or_else(|| Error::new(ErrorCode::NotFound).with_reason("workspace_not_found"))
}

pub async fn run_models(g: &GlobalArgs, cmd: ModelsCmd) -> Result<()> {
    let (c, _) = context::client(g)?;
    match cmd {
        ModelsCmd::Authorized => {
            let ws = workspace(g, &c).await?;
            let models = c
                .authorized_models(ws.workspace_id.as_deref().unwrap_or_default())
                .await?;
            if g.json {
                output::json(&models);
            } else {
                for m in models {
                    println!(
                        "{:<32} {}",
                        m.model.unwrap_or_default(),
                        m.name.unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

/// The workspace host when credentials allow finding it; else the region's shared host.
async fn dashscope(g: &GlobalArgs) -> Result<DashScope> {
    let region = context::region(g)?;
    let mut api_host = None;
    if g.dashscope_url.is_none() && g.workspace.is_some() {
        if let Ok((c, _)) = context::client(g) {
            api_host = workspace(g, &c).await.ok().and_then(|w| w.api_host);
        }
    }
    DashScope::new(region, api_host.as_deref(), g.dashscope_url.as_deref())
}

pub async fn temp_key(g: &GlobalArgs, a: TempKeyArgs) -> Result<()> {
    crate::rules::check_ttl(a.ttl)?;
    let key = context::api_key_from_env_or_stdin()?;
    let temp = dashscope(g).await?.temporary_key(&key, a.ttl).await?;
    if g.json {
        output::json(
            &serde_json::json!({ "token": temp.token.expose(), "expiresAt": temp.expires_at }),
        );
    } else {
        println!("{}", temp.token.expose());
    }
    Ok(())
}

pub async fn verify(g: &GlobalArgs, a: VerifyArgs) -> Result<()> {
    if a.key {
        let key = context::api_key_from_env_or_stdin()?;
        let check = dashscope(g).await?.check_key(&key).await?;
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
    let (c, _) = context::client(g)?;
    let n = c
        .list_workspaces(&ListWorkspacesRequest::default())
        .await?
        .len();
    if g.json {
        output::json(&serde_json::json!({ "ok": true, "region": c.region(), "workspaces": n }));
    } else {
        println!("OK: {} ({} workspaces)", c.region(), n);
    }
    Ok(())
}
