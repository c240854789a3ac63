//! `skm keys ...`

#![allow(clippy::result_large_err)]

use super::{context, output, GlobalArgs};
use crate::error::Result;
use crate::modelstudio::requests::*;
use crate::modelstudio::wire::{ApiKey, Auth, ModelAccessScope, AUTH_TYPE_ALL, AUTH_TYPE_CUSTOM};
use crate::rules;
use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// List keys (every page).
    List(ListArgs),
    /// Show one key.
    Get {
        api_key_id: i64,
    },
    /// Create a key; its value is printed once.
    Create(PermArgs),
    /// Change description and permissions (the whole permission block is sent).
    Update {
        api_key_id: i64,
        #[command(flatten)]
        perm: PermArgs,
        /// Back to All permissions.
        #[arg(long, conflicts_with = "custom")]
        all: bool,
    },
    Disable {
        api_key_id: i64,
    },
    Enable {
        api_key_id: i64,
    },
    Delete {
        api_key_id: i64,
    },
    /// New value for the key (printed once); the old one stops working.
    Reset {
        api_key_id: i64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Sort {
    Id,
    Created,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys whose description contains this.
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub id: Option<i64>,
    #[arg(long, value_enum)]
    pub order: Option<Order>,
    #[arg(long, value_enum)]
    pub sort: Option<Sort>,
    /// Page size used while fetching.
    #[arg(long)]
    pub page_size: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PermArgs {
    #[arg(long)]
    pub description: Option<String>,
    /// Custom permissions (IP whitelist and model list).
    #[arg(long)]
    pub custom: bool,
    /// IP address or CIDR block for the whitelist (repeatable, at most 20).
    #[arg(long = "ip", value_name = "ADDR_OR_CIDR")]
    pub ip: Vec<String>,
    /// Model the key may call (repeatable; none: every model of the workspace).
    #[arg(long = "model", value_name = "MODEL")]
    pub model: Vec<String>,
}

fn custom_auth(p: &PermArgs, region: crate::regions::RegionId) -> Result<Auth> {
    let auth = Auth {
        auth_type: Some(AUTH_TYPE_CUSTOM.into()),
        access_ips: (!p.ip.is_empty()).then(|| p.ip.clone()),
        model_access_scope: Some(ModelAccessScope {
            allow_all_models: Some(p.model.is_empty()),
            accessible_models: (!p.model.is_empty()).then(|| p.model.clone()),
        }),
    };
    rules::validate_auth(&auth, region.info())
}

pub async fn run(g: &GlobalArgs, cmd: KeysCmd) -> Result<()> {
    let region = context::region(g)?;
    let (c, save_scope) = context::client(g)?;
    match cmd {
        KeysCmd::List(a) => {
            let keys = c
                .list_api_keys(&ListApiKeysRequest {
                    api_key_id: a.id,
                    description: a.description,
                    max_results: a.page_size,
                    order: a.order.map(|o| match o {
                        Order::Asc => SortOrder::Asc,
                        Order::Desc => SortOrder::Desc,
                    }),
                    order_by: a.sort.map(|s| match s {
                        Sort::Id => OrderBy::ApiKeyId,
                        Sort::Created => OrderBy::GmtCreate,
                    }),
                    workspace_id: g.workspace.clone(),
                    next_token: None,
                })
                .await?;
            if g.json {
                let keys: Vec<ApiKey> = keys.into_iter().map(masked).collect();
                output::json(&keys);
            } else {
                keys.iter()
                    .for_each(|k| println!("{}", output::key_line(k)));
            }
        }
        KeysCmd::Get { api_key_id } => {
            let k = masked(c.get_api_key(api_key_id).await?);
            if g.json {
                output::json(&k);
            } else {
                println!("{}", output::key_line(&k));
                if let Some(auth) = &k.auth {
                    println!(
                        "  ips: {}",
                        auth.access_ips.clone().unwrap_or_default().join(", ")
                    );
                    if let Some(s) = &auth.model_access_scope {
                        println!(
                            "  models: {}",
                            s.accessible_models.clone().unwrap_or_default().join(", ")
                        );
                    }
                }
            }
        }
        KeysCmd::Create(p) => {
            let description = match &p.description {
                Some(d) => rules::normalize_description(d)?,
                None => None,
            };
            let auth = if p.custom || !p.ip.is_empty() || !p.model.is_empty() {
                Some(custom_auth(&p, region)?)
            } else {
                None
            };
            let key = c
                .create_api_key(&CreateApiKeyRequest {
                    auth,
                    description,
                    workspace_id: g.workspace.clone(),
                })
                .await?;
            save_then_print(g, save_scope, region, &key)?;
        }
        KeysCmd::Update {
            api_key_id,
            perm,
            all,
        } => {
            let current = c.get_api_key(api_key_id).await?;
            let description = match &perm.description {
                Some(d) => Some(rules::normalize_description(d)?.unwrap_or_default()),
                None => None,
            };
            let changes_perm = all || perm.custom || !perm.ip.is_empty() || !perm.model.is_empty();
            // The server replaces the whole block: send the current one when unchanged.
            let auth = if all {
                Auth {
                    auth_type: Some(AUTH_TYPE_ALL.into()),
                    ..Default::default()
                }
            } else if changes_perm {
                custom_auth(&perm, region)?
            } else {
                current.auth.unwrap_or(Auth {
                    auth_type: Some(AUTH_TYPE_ALL.into()),
                    ..Default::default()
                })
            };
            c.update_api_key(
                api_key_id,
                &UpdateApiKeyRequest {
                    auth: Some(auth),
                    description,
                },
            )
            .await?;
            output::done(g, "update", &api_key_id.to_string());
        }
        KeysCmd::Disable { api_key_id } => {
            c.disable_api_key(api_key_id).await?;
            output::done(g, "disable", &api_key_id.to_string());
        }
        KeysCmd::Enable { api_key_id } => {
            c.enable_api_key(api_key_id).await?;
            output::done(g, "enable", &api_key_id.to_string());
        }
        KeysCmd::Delete { api_key_id } => {
            let deleted = c.delete_api_key(api_key_id).await;
            // Deleted here or already gone elsewhere: a saved copy is worthless now.
            let gone = match &deleted {
                Ok(()) => true,
                Err(e) => e.code == crate::error::ErrorCode::NotFound,
            };
            if let (true, Some(scope)) = (gone, save_scope) {
                if let Err(e) = tokio::task::block_in_place(|| {
                    super::profiles::forget_saved_key(scope, region, api_key_id)
                }) {
                    eprintln!("{}", e.message());
                }
            }
            deleted?;
            output::done(g, "delete", &api_key_id.to_string());
        }
        KeysCmd::Reset { api_key_id } => {
            let key = c.reset_api_key(api_key_id).await?;
            save_then_print(g, save_scope, region, &key)?;
        }
    }
    Ok(())
}

/// A listed key as printed: never more of the value than the server's own mask.
fn masked(mut k: ApiKey) -> ApiKey {
    k.api_key_value = k
        .api_key_value
        .as_deref()
        .map(crate::keyformat::display_server_value);
    k
}

/// As in the GUI: the keychain copy is written before the value is shown.
/// A failed save still prints the value (it exists nowhere else), then fails
/// the command with the keychain's error, so a script cannot take an unsaved
/// key for a saved one.
fn save_then_print(
    g: &GlobalArgs,
    scope: Option<crate::vault::KeyScope>,
    region: crate::regions::RegionId,
    key: &crate::modelstudio::NewKey,
) -> Result<()> {
    let saved = match scope {
        Some(scope) => tokio::task::block_in_place(|| {
            super::profiles::save_created_key(scope, region, key.api_key_id, &key.value).map(|_| ())
        }),
        None => Ok(()),
    };
    output::one_time_key(g, key, scope.map(|_| saved.is_ok()));
    saved
}
