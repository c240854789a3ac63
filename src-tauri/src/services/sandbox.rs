//! The local sandbox, as the app (in-process, on its own database) and
//! `skm sandbox` (on any database) reach it: through here, never directly.

use crate::domain::error::Result;
use crate::domain::regions::RegionId;
use std::path::Path;

pub use crate::domain::identity::ROOT as ROOT_IDENTITY;
pub use crate::sandbox::{Identity, PortChoice, SandboxConfig, SandboxHandle, SeedCount};

/// Serve all six regions on `config.db_path` (a missing folder is created
/// private, the database files are 0600: see `sandbox::db::make_private`).
pub async fn serve(config: SandboxConfig) -> Result<SandboxHandle> {
    crate::sandbox::start(config).await
}

/// The app's own sandbox, in the app's data folder: that folder is ours, so it
/// is made private (0700) too, even if an older build created it open.
pub async fn serve_own(config: SandboxConfig) -> Result<SandboxHandle> {
    if let Some(dir) = config.db_path.parent() {
        private_dir(dir)?;
    }
    serve(config).await
}

fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
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
