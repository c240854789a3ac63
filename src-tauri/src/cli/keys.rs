//! `skm keys ...`: each command is one `Studio` operation, as in the app.

use super::{context, output, GlobalArgs};
use crate::domain::error::Result;
use crate::protocol::requests::{ListApiKeysRequest, OrderBy, SortOrder};
use crate::services::convert::permission_from_wire;
use crate::services::remote::MadeKey;
use crate::services::views::{CreateKeyInput, Permission, PermissionType, UpdateKeyInput};
use crate::services::Studio;
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
    /// Enabled keys, older than the period, that spent nothing in it.
    Idle {
        /// The last N billing days, today included.
        #[arg(long, default_value_t = 30)]
        days: u32,
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

impl PermArgs {
    /// Whether any option asks for Custom permissions (an IP or a model implies it).
    fn is_custom(&self) -> bool {
        self.custom || !self.ip.is_empty() || !self.model.is_empty()
    }

    /// The permission block these options describe; the rules are checked by `Studio`.
    fn permission(&self) -> Permission {
        if !self.is_custom() {
            return Permission::all();
        }
        Permission {
            kind: PermissionType::Custom,
            access_ips: self.ip.clone(),
            allow_all_models: self.model.is_empty(),
            accessible_models: self.model.clone(),
        }
    }
}

pub async fn run(g: &GlobalArgs, studio: &Studio, cmd: KeysCmd) -> Result<()> {
    let region = context::region(g)?;
    match cmd {
        KeysCmd::List(a) => {
            let request = ListApiKeysRequest {
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
            };
            let keys = studio.keys_query(region, request).await?;
            if g.json {
                output::json(&keys);
            } else {
                keys.iter()
                    .for_each(|k| println!("{}", output::key_line(k)));
            }
        }
        KeysCmd::Get { api_key_id } => {
            let k = studio.key_get(region, api_key_id.to_string()).await?;
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
            let made = studio
                .key_create_kept(CreateKeyInput {
                    region,
                    workspace_id: g.workspace.clone(),
                    description: p.description.clone().unwrap_or_default(),
                    permission: p.permission(),
                })
                .await?;
            print_made(g, made)?;
        }
        KeysCmd::Update {
            api_key_id,
            perm,
            all,
        } => {
            // The server replaces the whole block: unchanged options send the current one.
            let current = studio.key_get(region, api_key_id.to_string()).await?;
            let permission = if all {
                Permission::all()
            } else if perm.is_custom() {
                perm.permission()
            } else {
                permission_from_wire(current.auth.as_ref())
            };
            studio
                .key_update(UpdateKeyInput {
                    region,
                    api_key_id: api_key_id.to_string(),
                    description: perm.description.or(current.description).unwrap_or_default(),
                    permission: Some(permission),
                })
                .await?;
            output::done(g, "update", &api_key_id.to_string());
        }
        KeysCmd::Disable { api_key_id } => {
            studio
                .key_set_enabled(region, api_key_id.to_string(), false)
                .await?;
            output::done(g, "disable", &api_key_id.to_string());
        }
        KeysCmd::Enable { api_key_id } => {
            studio
                .key_set_enabled(region, api_key_id.to_string(), true)
                .await?;
            output::done(g, "enable", &api_key_id.to_string());
        }
        KeysCmd::Delete { api_key_id } => {
            // Also forgets the saved copy: it is worthless once the key is gone.
            studio
                .key_delete_reporting(region, api_key_id.to_string())
                .await?;
            output::done(g, "delete", &api_key_id.to_string());
        }
        KeysCmd::Reset { api_key_id } => {
            let made = studio
                .key_reset_kept(region, api_key_id.to_string())
                .await?;
            print_made(g, made)?;
        }
        KeysCmd::Idle { days } => super::costs::idle(g, studio, days).await?,
    }
    Ok(())
}

/// As in the app, the keychain copy was written before the value is shown.
/// A failed save still prints the value (it exists nowhere else), then fails
/// the command with the keychain's error, so a script cannot take an unsaved
/// key for a saved one.
fn print_made(g: &GlobalArgs, made: MadeKey) -> Result<()> {
    let saved = match &made.saved {
        Ok(true) => Some(true),
        Ok(false) => None,
        Err(_) => Some(false),
    };
    output::one_time_key(g, &made.new, saved);
    made.saved.map(|_| ())
}
