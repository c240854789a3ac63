//! Where Studio Keys keeps its files. Each directory can be moved with an
//! environment variable, which the tests (and portable setups) use.

use std::path::PathBuf;

/// Application folder name under the platform directories.
pub const APP_DIR: &str = "studio-keys";

fn from_env_or(var: &str, base: Option<PathBuf>) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        // No platform directory at all (a stripped container): the working directory
        // is the least surprising place, and nothing secret is ever written here.
        _ => base.unwrap_or_else(|| PathBuf::from(".")).join(APP_DIR),
    }
}

/// Non-secret settings and the saved-key index: `STUDIO_KEYS_CONFIG_DIR` or
/// the platform config dir (`~/.config/studio-keys` on Linux).
pub fn config_dir() -> PathBuf {
    from_env_or("STUDIO_KEYS_CONFIG_DIR", dirs::config_dir())
}

/// The sandbox database: `STUDIO_KEYS_DATA_DIR` or the platform data dir.
pub fn data_dir() -> PathBuf {
    from_env_or("STUDIO_KEYS_DATA_DIR", dirs::data_dir())
}

/// Caches: `STUDIO_KEYS_CACHE_DIR` or the platform cache dir.
pub fn cache_dir() -> PathBuf {
    from_env_or("STUDIO_KEYS_CACHE_DIR", dirs::cache_dir())
}

/// The sandbox's SQLite file.
pub fn sandbox_db() -> PathBuf {
    data_dir().join("sandbox.db")
}
