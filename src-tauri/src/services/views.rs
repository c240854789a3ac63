//! What the screens (and `skm --json`) get: IPC view types. Serialize +
//! specta::Type, camelCase; `apiKeyId` is a string so JavaScript never rounds
//! an int64. Wire types become views only in `convert.rs`.

use crate::domain::error::IpcError;
use crate::domain::regions::{KeyLimitScope, RegionId};
use crate::domain::secret::Secret;
use crate::storage::clipboard::ClipboardStatus;
pub use crate::storage::export::ExportFormat;
use crate::storage::profiles::file::MovedAside;
use crate::storage::profiles::import::{ImportSource, SkippedEntry};
use crate::storage::profiles::{ProfileKind, ProfilePreferences};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum PermissionType {
    All,
    Custom,
}

/// A key's `auth` block as the edit dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(rename = "type")]
    pub kind: PermissionType,
    pub access_ips: Vec<String>,
    pub allow_all_models: bool,
    pub accessible_models: Vec<String>,
}

impl Permission {
    /// All permissions: any IP, every model of the workspace.
    pub fn all() -> Self {
        Permission {
            kind: PermissionType::All,
            access_ips: vec![],
            allow_all_models: true,
            accessible_models: vec![],
        }
    }
}

/// Whether this computer holds the key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SavedState {
    NotSaved,
    Saved,
    /// Saved, but the saved value failed a check (reset elsewhere?).
    Stale,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub api_key_id: String,
    pub region: RegionId,
    /// As the server masks it, e.g. `sk-ws-djI.8O7d*****2aICctnid4u4`.
    pub masked_value: String,
    /// What kind of key it is, read from the masked value's prefix.
    pub format: crate::domain::keyformat::KeyFormat,
    /// Made before the `sk-ws-` upgrade (a plain `sk-` key): the list flags it.
    pub legacy: bool,
    pub description: String,
    pub workspace_id: String,
    pub workspace_name: Option<String>,
    pub created_by: Option<String>,
    /// Epoch milliseconds (an f64 so TypeScript gets a plain number, exact to 2^53).
    pub created_at: Option<f64>,
    pub enabled: bool,
    pub permission: Permission,
    pub saved: SavedState,
    /// The date (`YYYY-MM-DD`) by which the person wants to look at this key
    /// again, kept on this computer.
    pub review_by: Option<String>,
    /// The review date has come: the list flags the key.
    pub review_due: bool,
}

/// One region's share of the all-regions list: its keys, or why they could
/// not be listed (the other regions still show).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RegionKeys {
    pub region: RegionId,
    pub page: Option<KeyPage>,
    pub error: Option<crate::domain::error::IpcError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub used: u32,
    pub limit: u32,
    pub scope: KeyLimitScope,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyPage {
    pub keys: Vec<KeyView>,
    pub total_count: u32,
    pub quota: Quota,
    /// The `createdBy` of the active account's own keys, when known: the list
    /// says "you" for them.
    pub you: Option<String>,
}

/// A key whose review date has come, named as it was last listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDue {
    pub region: RegionId,
    pub api_key_id: String,
    /// The key's description when last listed; empty when it has none.
    pub label: String,
    pub review_by: String,
}

impl ReviewDue {
    pub fn new(
        key: crate::storage::vault::KeyRef,
        entry: crate::storage::review_dates::ReviewEntry,
    ) -> Self {
        ReviewDue {
            region: key.region,
            api_key_id: key.api_key_id.to_string(),
            label: entry.label,
            review_by: entry.by,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CreateKeyInput {
    pub region: RegionId,
    /// `None`: the default workspace.
    pub workspace_id: Option<String>,
    pub description: String,
    pub permission: Permission,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateKeyInput {
    pub region: RegionId,
    pub api_key_id: String,
    pub description: String,
    /// `None` leaves the permission as it is (always `None` in us-east-1).
    pub permission: Option<Permission>,
}

/// Whether the value shown once was also put in the keychain.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum SaveStatus {
    Saved,
    /// The profile's "save keys on create" preference is off.
    Off,
    /// The keychain refused; the value exists only in this dialog now.
    Failed {
        error: IpcError,
    },
}

/// The one-time display after Create or Reset. `value` is the only full key
/// value that ever crosses IPC; Rust keeps it under `handle` until closed.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OneTimeKey {
    pub handle: String,
    pub api_key_id: String,
    pub region: RegionId,
    pub workspace_id: Option<String>,
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    #[specta(type = String)]
    pub value: Secret,
    pub saved_to_keychain: SaveStatus,
    /// Set when the first answer was lost and this value came from a second
    /// try; says what happened, in the person's language.
    pub recovered_note: Option<String>,
}

/// What became of a Create or Reset that a killed run (the app or `skm`)
/// left unfinished, found and settled on the next start.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentNotice {
    pub region: RegionId,
    pub api_key_id: Option<String>,
    /// Stable: `intent_create_recovered`, `intent_create_none`, ...
    pub reason: String,
    /// What happened and what to do, in the person's language.
    pub message: String,
    /// A recovered value was saved to the keychain.
    pub saved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum VerifyOutcome {
    Works,
    Invalid,
    WrongRegion,
    Disabled,
    NotSaved,
    /// The check itself failed (network, throttling); `error` says why.
    Unknown,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    pub outcome: VerifyOutcome,
    pub latency_ms: Option<u32>,
    pub error: Option<IpcError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TempKeyView {
    pub handle: String,
    /// Unix seconds.
    pub expires_at: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub is_default: bool,
    pub api_host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelView {
    pub model: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DefaultWorkspace {
    pub region: RegionId,
    pub workspace_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub kind: ProfileKind,
    pub access_key_id_masked: Option<String>,
    pub has_sts_token: bool,
    pub default_region: RegionId,
    /// The region to open: last used, else default.
    pub current_region: RegionId,
    pub default_workspaces: Vec<DefaultWorkspace>,
    pub preferences: ProfilePreferences,
    pub active: bool,
}

/// What a person types to add a profile. The secret goes straight to the vault.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInputView {
    pub name: String,
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    pub default_region: RegionId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportCandidateView {
    pub id: String,
    pub source: ImportSource,
    pub label: String,
    pub access_key_id_masked: String,
    pub has_sts_token: bool,
    pub region: Option<RegionId>,
    pub preferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportCandidates {
    pub candidates: Vec<ImportCandidateView>,
    /// Entries found but not importable (RAM role, ECS role...).
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RegionCheck {
    pub region: RegionId,
    pub ok: bool,
    pub workspace_count: Option<u32>,
    pub error: Option<IpcError>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub regions: Vec<RegionCheck>,
    /// Whether listing keys was allowed in at least one region that answered.
    pub can_manage_keys: bool,
}

/// The state of this computer's storage, for the settings screen and first-run notes.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StorageStatus {
    /// `None` when the keychain answers; else what a person should do.
    pub keychain_error: Option<IpcError>,
    /// A settings file found damaged and moved aside at start.
    pub settings_moved_aside: Option<MovedAside>,
    pub config_dir: String,
    pub data_dir: String,
}

/// Re-exported so commands name one module.
pub type ClipboardView = ClipboardStatus;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_key_debug_never_prints_the_value() {
        let k = OneTimeKey {
            handle: "h".into(),
            api_key_id: "1".into(),
            region: RegionId::CnBeijing,
            workspace_id: None,
            value: Secret::new(format!("sk-ws-{}{}", "TopSecret", "Value0123456789")),
            saved_to_keychain: SaveStatus::Off,
            recovered_note: None,
        };
        let printed = format!("{k:?}");
        assert!(!printed.contains("TopSecret"), "{printed}");
    }
}
