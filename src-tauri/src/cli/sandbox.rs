//! `skm sandbox ...`: run the local Model Studio and read its demo identities.
//!
//! The AccessKey pairs printed by `identities` are sandbox-only credentials:
//! they open nothing but the sandbox database they come from.

use crate::domain::regions::RegionId;
use crate::services::sandbox::{self, PortChoice, SandboxConfig, SeedCount, ROOT_IDENTITY};
use crate::{Error, ErrorCode, Result};
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum SandboxCommand {
    /// Serve all six regions on consecutive loopback ports until interrupted.
    Serve {
        /// Port of cn-beijing; the other regions follow in order (0: any free ports).
        #[arg(long, default_value_t = 17800)]
        port: u16,
        /// The sandbox database (created and seeded when absent).
        #[arg(long)]
        db: PathBuf,
        /// Print the region-to-address mapping as one JSON line.
        #[arg(long)]
        json: bool,
    },
    /// List the sandbox's identities and their AccessKey pairs.
    Identities {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Create keys in the region given by the global `--region` (same rules
    /// as CreateApiKey, so the quota holds): COUNT more, or up to TOTAL.
    SeedKeys {
        #[arg(long)]
        db: PathBuf,
        /// How many keys to add.
        #[arg(long, required_unless_present = "total", conflicts_with = "total")]
        count: Option<u32>,
        /// How many keys should count against the owner's limit afterwards:
        /// the owner's own keys where the limit is per owner (Virginia), every
        /// key in the region elsewhere. Nothing is made if already there.
        #[arg(long, conflicts_with = "past_limit")]
        total: Option<u32>,
        /// Identity that owns the keys.
        #[arg(long, default_value = ROOT_IDENTITY)]
        owner: String,
        /// Go past the region's key limit (load tests and benchmarks only).
        #[arg(long)]
        past_limit: bool,
        #[arg(long)]
        json: bool,
    },
}

/// `skm sandbox identities --json`: a sandbox-only credential per identity,
/// printed on request by design (it opens nothing but that sandbox database).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityDoc<'a> {
    name: &'a str,
    kind: &'a str,
    uid: &'a str,
    can_manage_keys: bool,
    access_key_id: &'a str,
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    access_key_secret: &'a crate::domain::secret::Secret,
}

impl<'a> IdentityDoc<'a> {
    fn of(i: &'a sandbox::Identity) -> Self {
        IdentityDoc {
            name: &i.name,
            kind: i.kind.as_str(),
            uid: &i.uid,
            can_manage_keys: i.can_manage_keys,
            access_key_id: &i.access_key_id,
            access_key_secret: &i.access_key_secret,
        }
    }
}

/// Runs a sandbox subcommand. `region` is the global `--region` option
/// (shared with every other command).
pub async fn run(cmd: SandboxCommand, region: &str) -> Result<()> {
    match cmd {
        SandboxCommand::Serve { port, db, json } => serve(port, db, json).await,
        SandboxCommand::Identities { db, json } => {
            let ids = sandbox::identities(&db)?;
            if json {
                let list: Vec<_> = ids.iter().map(IdentityDoc::of).collect();
                println!(
                    "{}",
                    serde_json::to_string(&list).map_err(|e| Error::internal(e.to_string()))?
                );
            } else {
                for i in &ids {
                    println!(
                        "{:<20} {:<5} manage-keys={:<5} {}  {}",
                        i.name,
                        i.kind.as_str(),
                        i.can_manage_keys,
                        i.access_key_id,
                        i.access_key_secret.expose()
                    );
                }
            }
            Ok(())
        }
        SandboxCommand::SeedKeys {
            db,
            count,
            total,
            owner,
            past_limit,
            json,
        } => {
            let region: RegionId = region.parse()?;
            // clap guarantees exactly one of --count and --total.
            let count = match total {
                Some(t) => SeedCount::UpTo(t),
                None => SeedCount::Add(count.unwrap_or(0)),
            };
            let ids = sandbox::seed_keys(&db, region, count, &owner, past_limit)?;
            if json {
                println!("{}", json!({"region": region.as_str(), "apiKeyIds": ids}));
            } else {
                println!("created {} keys in {}: {:?}", ids.len(), region, ids);
            }
            Ok(())
        }
    }
}

async fn serve(port: u16, db: PathBuf, as_json: bool) -> Result<()> {
    let ports = if port == 0 {
        PortChoice::Ephemeral
    } else {
        PortChoice::From(port)
    };
    let handle = sandbox::serve(SandboxConfig {
        ports,
        ..SandboxConfig::new(db)
    })
    .await?;
    if as_json {
        let map: serde_json::Map<String, serde_json::Value> = handle
            .regions()
            .iter()
            .map(|(r, a)| (r.as_str().to_string(), json!(a.to_string())))
            .collect();
        println!("{}", json!({ "regions": map }));
    } else {
        println!("Studio Keys sandbox (Ctrl+C to stop)");
        for (region, addr) in handle.regions() {
            println!("  {:<15} http://{addr}", region.as_str());
        }
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    wait_for_stop().await?;
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_stop() -> Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())
            .map_err(|e| Error::new(ErrorCode::Internal).with_technical(e.to_string()))?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    Ok(())
}
