//! `skm profiles ...`: the same profiles (settings.json + keychain) the app uses,
//! and the helpers the rest of `skm` calls to resolve `--profile NAME` and to
//! save a created key before printing it.
//!
//! Secrets are never taken from the command line (other users can read argv):
//! `skm profiles add` reads the AccessKey secret (and, with
//! `--with-sts-token`, the STS token on the next line) from standard input.

// The shared `Error` is large by design (catalog params + server details);
// boxing it is a crate-wide decision, not this module's.
#![allow(clippy::result_large_err)]

use crate::error::{Error, Result};
use crate::modelstudio::Credentials;
use crate::profiles::{ProfileInput, ProfileKind, Profiles, SettingsStore};
use crate::regions::RegionId;
use crate::saved_keys::{SavedKeyRecord, SavedKeys};
use crate::secret::Secret;
use crate::services::{Dirs, Studio};
use crate::vault::{KeyRef, KeyScope, Vault};
use std::io::BufRead;
use std::sync::Arc;

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

fn studio() -> Result<Studio> {
    // skm never clears the clipboard on a timer: it exits right away.
    Studio::open(Dirs::from_env())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(e.to_string()))
}

/// Run a `skm profiles` command; returns the exit code.
pub fn run(cmd: ProfilesCommand) -> i32 {
    match runtime().and_then(|rt| rt.block_on(execute(cmd))) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("skm: {}", e.message());
            e.code.exit_code()
        }
    }
}

async fn execute(cmd: ProfilesCommand) -> Result<()> {
    let studio = studio()?;
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
                .add_profile(ProfileInput {
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
            let id = studio.profiles().find(&name)?.id;
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
            let id = studio.profiles().find(&name)?.id;
            let p = studio.profile_activate(id).await?;
            println!("active profile: {}", p.name);
        }
        ProfilesCommand::Remove { name } => {
            let p = studio.profiles().find(&name)?;
            studio.profile_delete(p.id).await?;
            println!("removed profile {}", p.name);
        }
    }
    Ok(())
}

fn read_secrets(with_token: bool) -> Result<(Secret, Option<Secret>)> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut next = |what: &str| -> Result<Secret> {
        match lines.next() {
            Some(Ok(l)) if !l.trim().is_empty() => Ok(Secret::new(l.trim())),
            _ => Err(Error::invalid_input(what, "", "secret_invalid")),
        }
    };
    let secret = next("accessKeySecret")?;
    let token = if with_token {
        Some(next("securityToken")?)
    } else {
        None
    };
    Ok((secret, token))
}

/// What `--profile NAME` (or the active profile) resolves to for `skm`.
pub enum ResolvedProfile {
    /// The local sandbox, acting as one of its seeded identities: the caller
    /// starts it in-process on the app's own sandbox database.
    Sandbox { identity: String, save_keys: bool },
    Cloud {
        profile_id: String,
        credentials: Credentials,
        save_keys: bool,
    },
}

/// Resolve `--profile NAME` (id or name; `None` = the active profile) to
/// credentials from the keychain. Blocking (keychain).
pub fn resolve_profile(name: Option<&str>) -> Result<ResolvedProfile> {
    let store = Arc::new(SettingsStore::open_default()?);
    let profiles = Profiles::new(store, Vault::new());
    let p = match name {
        Some(n) => profiles.find(n)?,
        None => profiles.active()?,
    };
    if p.kind == ProfileKind::Sandbox {
        return Ok(ResolvedProfile::Sandbox {
            identity: p.sandbox_identity_name().to_owned(),
            save_keys: p.preferences.save_keys_on_create,
        });
    }
    let c = profiles.credentials(&p)?;
    let mut credentials = Credentials::new(c.access_key_id, c.access_key_secret);
    if let Some(t) = c.security_token {
        credentials = credentials.with_security_token(t);
    }
    Ok(ResolvedProfile::Cloud {
        profile_id: p.id,
        credentials,
        save_keys: p.preferences.save_keys_on_create,
    })
}

/// Save a key value `skm` just received from Create or Reset, BEFORE printing
/// it. `scope` is `Cloud` for any Alibaba Cloud credentials (profile or
/// environment) and `Sandbox` for the sandbox, so the app finds the same copy.
/// Blocking (keychain). On error the caller still prints the value (it exists
/// nowhere else) and reports that it was not saved.
pub fn save_created_key(
    scope: KeyScope,
    region: RegionId,
    api_key_id: i64,
    value: &Secret,
) -> Result<SavedKeyRecord> {
    let saved = SavedKeys::open_default(Vault::new());
    let format = crate::services::keys::format_name(value.expose());
    saved.save(&KeyRef::new(scope, region, api_key_id), value, &format)
}

/// The saved value of a key (for `skm` copy/verify/export), or `NotSaved`.
pub fn saved_key_value(scope: KeyScope, region: RegionId, api_key_id: i64) -> Result<Secret> {
    SavedKeys::open_default(Vault::new()).value(&KeyRef::new(scope, region, api_key_id))
}

/// Forget the saved copy of a deleted key.
pub fn forget_saved_key(scope: KeyScope, region: RegionId, api_key_id: i64) -> Result<bool> {
    SavedKeys::open_default(Vault::new()).forget(&KeyRef::new(scope, region, api_key_id))
}
