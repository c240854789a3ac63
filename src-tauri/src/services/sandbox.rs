//! The local sandbox, as the app (in-process, on its own database) and
//! `skm sandbox` (on any database) reach it: through here, never directly.

use crate::domain::error::Result;
use crate::domain::regions::RegionId;
use std::path::Path;

pub use crate::sandbox::seed::ROOT as ROOT_IDENTITY;
pub use crate::sandbox::{Identity, PortChoice, SandboxConfig, SandboxHandle, SeedCount};

/// Serve all six regions on `config.db_path`, creating its folder.
pub async fn serve(config: SandboxConfig) -> Result<SandboxHandle> {
    if let Some(dir) = config.db_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::sandbox::start(config).await
}

/// The sandbox's identities and their sandbox-only AccessKey pairs.
pub fn identities(db: &Path) -> Result<Vec<Identity>> {
    crate::sandbox::identities(db)
}

/// Make keys owned by `owner` under the same rules as CreateApiKey (so the
/// quota holds) unless `past_limit`; returns their ids.
pub fn seed_keys(
    db: &Path,
    region: RegionId,
    count: SeedCount,
    owner: &str,
    past_limit: bool,
) -> Result<Vec<i64>> {
    let keys = match count {
        SeedCount::Add(n) if past_limit => {
            crate::sandbox::seed_keys_past_limit(db, region, n, owner)?
        }
        count => crate::sandbox::seed_keys(db, region, count, owner)?,
    };
    Ok(keys.iter().map(|k| k.id).collect())
}
