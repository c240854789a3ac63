//! `skm keys ...`: each command is one `Studio` operation, as in the app.

use super::{context, output, GlobalArgs};
use crate::domain::error::Result;
use crate::services::rotation::GRACE_DEFAULT;
use crate::services::views::{
    CreateKeyInput, DeleteOutcome, KeyOrder, KeyQuery, KeySort, OneTimeKey, Permission,
    PermissionChange, PermissionType, UpdateKeyInput,
};
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
    /// Change what is given and keep the rest: --description the
    /// description, --ip the whitelist, --model the model list, --all or
    /// --custom the permission type.
    Update {
        api_key_id: i64,
        #[command(flatten)]
        perm: PermArgs,
        /// Back to All permissions.
        #[arg(long, conflicts_with_all = ["custom", "ip", "model"])]
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
    /// Rotate without downtime: make a twin now (printed once, saved first);
    /// with --finish, disable the old key (and delete it once the grace
    /// period has ended, or at once with --delete-now).
    Rotate {
        api_key_id: i64,
        /// How long the old key stays disabled before its deletion is offered.
        #[arg(long, value_name = "now|1h|24h|7d|YYYY-MM-DD")]
        grace: Option<String>,
        #[arg(long)]
        finish: bool,
        #[arg(long, requires = "finish")]
        delete_now: bool,
    },
    /// The rotations in progress, with their step and dates.
    Rotations,
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

    /// The change these options make to a key's block: only the parts named.
    fn change(&self, all: bool) -> PermissionChange {
        PermissionChange {
            kind: if all {
                Some(PermissionType::All)
            } else {
                self.custom.then_some(PermissionType::Custom)
            },
            access_ips: (!self.ip.is_empty()).then(|| self.ip.clone()),
            accessible_models: (!self.model.is_empty()).then(|| self.model.clone()),
            whole: None,
        }
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
            let query = KeyQuery {
                workspace_id: g.workspace.clone(),
                description: a.description,
                api_key_id: a.id,
                order: a.order.map(|o| match o {
                    Order::Asc => KeyOrder::Asc,
                    Order::Desc => KeyOrder::Desc,
                }),
                sort: a.sort.map(|s| match s {
                    Sort::Id => KeySort::Id,
                    Sort::Created => KeySort::Created,
                }),
                page_size: a.page_size,
            };
            let page = studio.keys_list(region, query).await?;
            if g.json {
                output::json(&page.keys.iter().map(output::KeyDoc::of).collect::<Vec<_>>());
            } else {
                page.keys
                    .iter()
                    .for_each(|k| println!("{}", output::key_line(k)));
            }
        }
        KeysCmd::Get { api_key_id } => {
            let k = studio.key_get(region, api_key_id.to_string()).await?;
            if g.json {
                output::json(&output::KeyDoc::of(&k));
            } else {
                println!("{}", output::key_line(&k));
                if k.permission.kind == PermissionType::Custom {
                    println!("  ips: {}", k.permission.access_ips.join(", "));
                    println!("  models: {}", k.permission.accessible_models.join(", "));
                }
            }
        }
        KeysCmd::Create(p) => {
            let made = studio
                .key_create(CreateKeyInput {
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
            studio
                .key_update(UpdateKeyInput {
                    region,
                    api_key_id: api_key_id.to_string(),
                    description: perm.description.clone(),
                    permission: perm.change(all),
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
            // A key that was already gone is reported (exit 5), its copy forgotten.
            match studio.key_delete(region, api_key_id.to_string()).await? {
                DeleteOutcome::Deleted => output::done(g, "delete", &api_key_id.to_string()),
                DeleteOutcome::AlreadyGone { error } => return Err(error),
            }
        }
        KeysCmd::Reset { api_key_id } => {
            let made = studio.key_reset(region, api_key_id.to_string()).await?;
            print_made(g, made)?;
        }
        KeysCmd::Rotate {
            api_key_id,
            grace,
            finish,
            delete_now,
        } => {
            if finish {
                let r = studio
                    .rotate_finish(region, api_key_id.to_string(), delete_now)
                    .await?;
                if g.json {
                    output::json(&r);
                } else {
                    println!("{}", output::rotation_line(&r));
                }
                return Ok(());
            }
            let grace = grace.as_deref().unwrap_or(GRACE_DEFAULT);
            let started = studio
                .rotate_start(region, api_key_id.to_string(), grace)
                .await?;
            match &started.twin {
                Some(twin) => {
                    output::one_time_key_of(g, twin, Some(api_key_id));
                    output::say(&output::rotation_line(&started.rotation));
                    if let Some(e) = &twin.save_error {
                        return Err(e.clone());
                    }
                }
                None if g.json => output::json(&started.rotation),
                None => println!("{}", output::rotation_line(&started.rotation)),
            }
        }
        KeysCmd::Rotations => {
            let report = studio.rotations_list().await?;
            for refused in &report.refused {
                output::say(&format!("skm: {refused}"));
            }
            if g.json {
                output::json(&report);
            } else {
                report
                    .rotations
                    .iter()
                    .for_each(|r| println!("{}", output::rotation_line(r)));
            }
        }
        KeysCmd::Idle { days } => super::costs::idle(g, studio, days).await?,
    }
    Ok(())
}

/// As in the app, the keychain copy was written before the value is shown.
/// A failed save still prints the value (it exists nowhere else), then fails
/// the command with the keychain's error, so a script cannot take an unsaved
/// key for a saved one.
fn print_made(g: &GlobalArgs, made: OneTimeKey) -> Result<()> {
    output::one_time_key(g, &made);
    match made.save_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
