//! Where Studio Keys keeps its files: the folders (each can be moved with an
//! environment variable, which the tests and portable setups use) and every
//! file name in them, here and nowhere else.

use std::path::{Path, PathBuf};

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

// In the config folder: non-secret settings and what is known about keys.
/// Profiles and app settings (`storage::profiles::store`).
pub const SETTINGS_FILE: &str = "settings.json";
/// Which keys have a saved copy in the keychain, never a value (`storage::saved_keys`).
pub const SAVED_KEYS_INDEX: &str = "saved-keys.json";
/// Review-by dates (`storage::review_dates`).
pub const REVIEW_DATES_FILE: &str = "review-dates.json";
/// Monthly spend alerts per workspace (`storage::spend_alerts`).
pub const SPEND_ALERTS_FILE: &str = "spend-alerts.json";

// In the data folder: what the app made and must not lose.
/// The app's own sandbox (SQLite, with its `-wal` and `-shm` files).
pub const SANDBOX_DB: &str = "sandbox.db";
/// The journal of Creates and Resets in flight (`storage::intents`).
pub const INTENTS_DIR: &str = "intents";
/// Who "you" are per AccessKey (`storage::callers`).
pub const CALLERS_FILE: &str = "callers.json";
/// The audit log: `audit-NNNNNN.jsonl` files and their anchor (`storage::audit`).
pub const AUDIT_DIR: &str = "audit";
/// Rotations in progress, a record each (`storage::rotations`).
pub const ROTATIONS_DIR: &str = "rotations";

pub fn spend_alerts_file(config: &Path) -> PathBuf {
    config.join(SPEND_ALERTS_FILE)
}

pub fn review_dates_file(config: &Path) -> PathBuf {
    config.join(REVIEW_DATES_FILE)
}

pub fn sandbox_db_in(data: &Path) -> PathBuf {
    data.join(SANDBOX_DB)
}

pub fn intents_dir(data: &Path) -> PathBuf {
    data.join(INTENTS_DIR)
}

pub fn callers_file(data: &Path) -> PathBuf {
    data.join(CALLERS_FILE)
}

pub fn audit_dir(data: &Path) -> PathBuf {
    data.join(AUDIT_DIR)
}

pub fn rotations_dir(data: &Path) -> PathBuf {
    data.join(ROTATIONS_DIR)
}
