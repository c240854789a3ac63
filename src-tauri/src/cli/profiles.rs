//! `skm profiles ...`: the same profiles (settings.json + keychain) the app
//! uses, through the same `Studio` operations.
//!
//! Secrets are never taken from the command line (other users can read argv):
//! `skm profiles add` reads the AccessKey secret (and, with
//! `--with-sts-token`, the STS token on the next line) from standard input.

use crate::domain::error::{Error, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::services::views::ProfileInputView;
use crate::services::Studio;

#[derive(Debug, clap::Subcommand)]
pub enum ProfilesCommand {
    /// List profiles (the active one is marked with *).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add an Alibaba Cloud profile; the AccessKey secret is read from stdin.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        access_key_id: String,
        #[arg(long, default_value = "cn-beijing")]
        region: RegionId,
        /// Read an STS token from the line after the secret.
        #[arg(long)]
        with_sts_token: bool,
    },
    /// Without arguments, list credentials found in the environment, the aliyun
    /// CLI config and ~/.alibabacloud/credentials; with an id, import it.
    Import {
        candidate_id: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Call ListWorkspaces in every region and report what the credentials may do.
    Test { name: String },
    /// Make a profile the active one (for the app and for skm without --profile).
    Use { name: String },
    /// Remove a profile and its keychain entries.
    Remove { name: String },
}

pub async fn run(studio: &Studio, cmd: ProfilesCommand) -> Result<()> {
    match cmd {
        ProfilesCommand::List { json } => {
            let list = studio.profiles_list().await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list)
                        .map_err(|e| Error::internal(e.to_string()))?
                );
            } else {
                for p in list {
                    let mark = if p.active { "*" } else { " " };
                    let ak = p.access_key_id_masked.unwrap_or_else(|| "-".into());
                    println!(
                        "{mark} {:<24} {:<13} {:<15} {ak}",
                        p.name,
                        format!("{:?}", p.kind),
                        p.current_region
                    );
                }
            }
        }
        ProfilesCommand::Add {
            name,
            access_key_id,
            region,
            with_sts_token,
        } => {
            let (secret, token) = read_secrets(with_sts_token)?;
            let p = studio
                .profile_add(ProfileInputView {
                    name,
                    access_key_id,
                    access_key_secret: secret,
                    security_token: token,
                    default_region: region,
                })
                .await?;
            println!("added profile {} ({})", p.name, p.id);
        }
        ProfilesCommand::Import {
            candidate_id: None, ..
        } => {
            let found = studio.profile_import_candidates().await?;
            if found.candidates.is_empty() {
                println!("no importable credentials found");
            }
            for c in found.candidates {
                let pref = if c.preferred { " (preferred)" } else { "" };
                println!("{:<32} {} {}{pref}", c.id, c.access_key_id_masked, c.label);
            }
            for s in found.skipped {
                println!(
                    "skipped {:?} {}: mode {} cannot be imported",
                    s.source, s.label, s.mode
                );
            }
        }
        ProfilesCommand::Import {
            candidate_id: Some(id),
            name,
        } => {
            let name = name.unwrap_or_else(|| id.rsplit(':').next().unwrap_or(&id).to_owned());
            let p = studio.profile_import(id, name).await?;
            println!("imported profile {} ({})", p.name, p.id);
        }
        ProfilesCommand::Test { name } => {
            let id = studio.profile_find(name).await?.id;
            let report = studio.profile_test(id).await?;
            for r in &report.regions {
                match (&r.ok, &r.error) {
                    (true, _) => println!(
                        "{:<15} ok ({} workspaces)",
                        r.region,
                        r.workspace_count.unwrap_or(0)
                    ),
                    (false, Some(e)) => println!("{:<15} {}: {}", r.region, e.code, e.message),
                    (false, None) => println!("{:<15} failed", r.region),
                }
            }
            println!(
                "can manage keys: {}",
                if report.can_manage_keys { "yes" } else { "no" }
            );
        }
        ProfilesCommand::Use { name } => {
            let id = studio.profile_find(name).await?.id;
            let p = studio.profile_activate(id).await?;
            println!("active profile: {}", p.name);
        }
        ProfilesCommand::Remove { name } => {
            let p = studio.profile_find(name).await?;
            studio.profile_delete(p.id).await?;
            println!("removed profile {}", p.name);
        }
    }
    Ok(())
}

fn read_secrets(with_token: bool) -> Result<(Secret, Option<Secret>)> {
    let next = |what: &str, prompt: &str| -> Result<Secret> {
        super::context::read_secret_line(prompt)?
            .ok_or_else(|| Error::invalid_input(what, "", "secret_invalid"))
    };
    let secret = next("accessKeySecret", "AccessKey secret: ")?;
    let token = if with_token {
        Some(next("securityToken", "STS token: ")?)
    } else {
        None
    };
    Ok((secret, token))
}
