//! What the screens (and `skm --json`) get: IPC view types. Serialize +
//! specta::Type, camelCase; `apiKeyId` is a string so JavaScript never rounds
//! an int64. Wire types become views in `convert.rs` (a permission block
//! converts to the domain's `Permission` in `protocol::wire`).

pub use crate::domain::clipboard::ClipboardStatus;
use crate::domain::error::{Error, IpcError};
pub use crate::domain::permission::{Permission, PermissionType};
use crate::domain::regions::{KeyLimitScope, RegionId};
use crate::domain::secret::Secret;
use crate::domain::settings::{
    ImportSource, MovedAside, ProfileKind, ProfilePreferences, SkippedEntry,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// `DASHSCOPE_API_KEY=...` with the base URL as a comment.
    Env,
    /// The bare value, one line.
    Txt,
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

/// An edit of a key: what is given changes, everything else stays. The
/// edit dialog gives the description and the whole permission block; `skm
/// keys update` gives only the parts named on its command line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateKeyInput {
    pub region: RegionId,
    pub api_key_id: String,
    /// `None` keeps the description; an empty one clears it.
    #[serde(default)]
    #[specta(optional)]
    pub description: Option<String>,
    #[serde(default)]
    #[specta(optional)]
    pub permission: PermissionChange,
}

/// What an edit does to a key's permission block (`PermissionChange::apply`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct PermissionChange {
    /// The whole block, replacing the key's (the edit dialog).
    #[specta(optional)]
    pub whole: Option<Permission>,
    /// All or Custom; `None` keeps the kind, unless a list below makes it Custom.
    #[specta(optional)]
    pub kind: Option<PermissionType>,
    /// The IP whitelist, replacing the key's; the model list stays.
    #[specta(optional)]
    pub access_ips: Option<Vec<String>>,
    /// The models the key may call, replacing its list (empty: every model);
    /// the whitelist stays.
    #[specta(optional)]
    pub accessible_models: Option<Vec<String>>,
}

impl PermissionChange {
    /// Replace the whole block (the edit dialog's way).
    pub fn whole(p: Permission) -> Self {
        PermissionChange {
            whole: Some(p),
            ..Default::default()
        }
    }
}

/// Which keys of a region a listing returns, and in what order. The app
/// narrows by workspace; `skm keys list` by any of these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyQuery {
    pub workspace_id: Option<String>,
    /// Keys whose description contains this (any case).
    pub description: Option<String>,
    pub api_key_id: Option<i64>,
    pub order: Option<KeyOrder>,
    pub sort: Option<KeySort>,
    /// Page size used while fetching every page.
    pub page_size: Option<i64>,
}

impl KeyQuery {
    /// One workspace's keys (`None`: every workspace's).
    pub fn workspace(workspace_id: Option<String>) -> Self {
        KeyQuery {
            workspace_id,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySort {
    Id,
    Created,
}

/// What became of a Delete. Either way the key is gone and its saved copy
/// forgotten.
#[derive(Debug)]
pub enum DeleteOutcome {
    Deleted,
    /// Deleted elsewhere before: the server's `NotFound`, for a face that
    /// reports it.
    AlreadyGone {
        error: Error,
    },
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
    pub description: Option<String>,
    #[serde(serialize_with = "crate::domain::secret::serialize_exposed")]
    #[specta(type = String)]
    pub value: Secret,
    pub saved_to_keychain: SaveStatus,
    /// The keychain's refusal as Rust has it, for `skm`'s exit status
    /// (`saved_to_keychain` carries it, rendered, across IPC).
    #[serde(skip)]
    pub save_error: Option<Error>,
    /// The first answer was lost and this value came from a second try.
    pub recovered: bool,
    /// When `recovered`, what happened, in the person's language.
    pub recovered_note: Option<String>,
}

/// What became of a Create or Reset that a killed run (the app or `skm`)
/// left unfinished, found and settled on the next start.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntentNotice {
    /// `None` for a journal record that was refused (its region unknown).
    pub region: Option<RegionId>,
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

/// What DashScope makes of a key value the caller holds (`skm verify --key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyCheck {
    /// The key works here.
    Valid,
    /// Unknown, deleted, reset or disabled.
    Invalid,
    /// The key exists but may not call here (whitelist, workspace, model, arrears).
    Denied,
}

/// A temporary `st-` key made from a value the caller holds, for `skm` to
/// print once (the app's are held by handle: `TempKeyView`).
#[derive(Debug, Clone)]
pub struct TempKeyValue {
    pub token: Secret,
    /// Unix seconds.
    pub expires_at: i64,
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

/// Requests and tokens a model may use per period (seconds), as the
/// account or a workspace has it. Counts are numbers in the UI: a day's
/// tokens (billions at most) are far inside a double's exact integers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LimitView {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<f64>)]
    pub request_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<f64>)]
    pub request_limit_period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<f64>)]
    pub usage_limit: Option<i64>,
    /// What `usage_limit` counts (`total_tokens`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_limit_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<f64>)]
    pub usage_limit_period: Option<i64>,
}

/// A period a workspace limit counts over, as the app offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum LimitPeriod {
    Minute,
    Hour,
    Day,
}

impl LimitPeriod {
    pub fn seconds(self) -> i64 {
        match self {
            LimitPeriod::Minute => 60,
            LimitPeriod::Hour => 3_600,
            LimitPeriod::Day => 86_400,
        }
    }
}

/// A limit the app asks for: `count` per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LimitRate {
    #[specta(type = f64)]
    pub count: i64,
    pub period: LimitPeriod,
}

/// Why a workspace's limits are shown without a way to change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum LimitsReadOnlyReason {
    /// The default workspace always has the account's limits.
    DefaultWorkspace,
    /// Only the account's owner (root) changes limits.
    RamUser,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LimitsReadOnly {
    pub reason: LimitsReadOnlyReason,
    /// One line in the current language.
    pub message: String,
}

/// A workspace's limits as the Limits view shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceLimitsView {
    pub workspace_id: String,
    pub is_default: bool,
    pub limits: Vec<ModelLimitView>,
    pub read_only: Option<LimitsReadOnly>,
}

/// One model's limits: the account's, and the workspace's own where set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelLimitView {
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_limit: Option<LimitView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_limit: Option<LimitView>,
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
            description: None,
            value: Secret::new(format!("sk-ws-{}{}", "TopSecret", "Value0123456789")),
            saved_to_keychain: SaveStatus::Off,
            save_error: None,
            recovered: false,
            recovered_note: None,
        };
        let printed = format!("{k:?}");
        assert!(!printed.contains("TopSecret"), "{printed}");
    }
}

/// Which audit records to list: all of one key, of one action, since a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditFilter {
    #[specta(optional)]
    pub api_key_id: Option<String>,
    #[specta(optional)]
    pub action: Option<String>,
    /// RFC 3339; records at or after it.
    #[specta(optional)]
    pub since: Option<String>,
}

impl AuditFilter {
    pub fn admits(&self, r: &crate::storage::audit::Record) -> bool {
        let key = self
            .api_key_id
            .as_deref()
            .is_none_or(|id| r.entry.api_key_id.as_deref() == Some(id));
        let action = self.action.as_deref().is_none_or(|a| r.entry.action == a);
        let since = self.since.as_deref().is_none_or(|since| {
            match (
                chrono::DateTime::parse_from_rfc3339(since),
                chrono::DateTime::parse_from_rfc3339(&r.time),
            ) {
                (Ok(since), Ok(at)) => at >= since,
                _ => true,
            }
        });
        key && action && since
    }
}

/// One audit record as the audit view and `skm audit list --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecordView {
    pub seq: u32,
    /// RFC 3339, UTC.
    pub time: String,
    pub action: String,
    /// `started`, `ok`, `failed`, `unknown` or `resolved`.
    pub outcome: String,
    /// The `started` record this one concludes.
    pub of: Option<u32>,
    pub profile: Option<String>,
    pub profile_kind: Option<String>,
    pub region: Option<String>,
    pub api_key_id: Option<String>,
    pub masked: Option<String>,
    pub request_id: Option<String>,
    pub note: Option<String>,
}

impl From<crate::storage::audit::Record> for AuditRecordView {
    fn from(r: crate::storage::audit::Record) -> Self {
        let e = r.entry;
        AuditRecordView {
            seq: r.seq as u32,
            time: r.time,
            action: e.action,
            outcome: e.outcome,
            of: e.of.map(|s| s as u32),
            profile: e.profile,
            profile_kind: e.profile_kind,
            region: e.region,
            api_key_id: e.api_key_id,
            masked: e.masked,
            request_id: e.request_id,
            note: e.note,
        }
    }
}

/// What `audit_verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum AuditVerdict {
    Intact {
        records: u32,
    },
    /// Intact, but a file ends in a line a crash cut short.
    Damaged {
        records: u32,
        file: String,
        line: u32,
    },
    /// The chain is broken at this record: `how` is `edited`, `deleted`,
    /// `reordered` or `cut`.
    Tampered {
        file: String,
        line: u32,
        how: String,
        seq: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub verdict: AuditVerdict,
    /// The keychain's anchor was read and held against the log too.
    pub keychain_anchor_checked: bool,
    /// Where the log is.
    pub folder: String,
}

/// The variables `skm exec` sets for the program it runs.
#[derive(Debug)]
pub struct ExecEnv {
    pub vars: Vec<(&'static str, Secret)>,
}

pub use crate::domain::rotation::RotationStep;

/// A rotation in progress, as the app and `skm keys rotations` show it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RotationView {
    pub id: String,
    pub region: RegionId,
    pub old_key_id: String,
    pub old_description: String,
    pub old_masked: String,
    pub twin_key_id: Option<String>,
    pub twin_description: String,
    pub twin_masked: Option<String>,
    /// As `--grace` takes it: `now`, `1h`, `24h`, `7d` or a date.
    pub grace: String,
    pub step: RotationStep,
    /// Epoch ms.
    pub started_at: f64,
    pub disabled_at: Option<f64>,
    pub grace_ends_at: Option<f64>,
    /// The grace period has ended: deleting the old key is offered.
    pub retire_due: bool,
    /// Why it paused or ended, or what to know, in the person's language.
    pub note: Option<String>,
}

/// Step 1's result: the rotation, and the twin's one-time display when it
/// was made now (`None` when the rotation was already under way).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RotationStarted {
    pub rotation: RotationView,
    pub twin: Option<OneTimeKey>,
}

/// The rotations in progress, and the records refused (never acted on).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RotationsReport {
    pub rotations: Vec<RotationView>,
    pub refused: Vec<String>,
}
