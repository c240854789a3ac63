//! The settings document (`settings.json`): profiles and app settings, no secrets.
//!
//! Versioned: `version` is bumped whenever the shape changes, and
//! [`migrate`] lifts every older shape to the current one, step by step.

use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CURRENT_VERSION: u32 = 2;
pub const SANDBOX_PROFILE_ID: &str = "sandbox";
pub use crate::domain::settings::{
    AppSettings, LangSetting, ProfileKind, ProfilePreferences, Theme,
    DEFAULT_CLIPBOARD_CLEAR_SECONDS,
};

/// A set of credentials and the person's choices for it. The AccessKey secret
/// and STS token are in the vault, under this profile's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub kind: ProfileKind,
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// Whether an STS token is stored with the secret (temporary credentials).
    #[serde(default)]
    pub has_sts_token: bool,
    pub default_region: RegionId,
    #[serde(default)]
    pub last_region: Option<RegionId>,
    /// The workspace preselected in each region.
    #[serde(default)]
    pub default_workspaces: BTreeMap<RegionId, String>,
    #[serde(default)]
    pub preferences: ProfilePreferences,
    /// For a sandbox profile: the seeded sandbox identity it acts as
    /// (`None` = the root account). Added within version 2: older files simply
    /// lack it, and the field is left out when unset so they stay byte-stable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_identity: Option<String>,
}

impl Profile {
    pub fn sandbox() -> Self {
        Profile {
            id: SANDBOX_PROFILE_ID.into(),
            name: "Sandbox".into(),
            kind: ProfileKind::Sandbox,
            access_key_id: None,
            has_sts_token: false,
            default_region: RegionId::CnBeijing,
            last_region: None,
            default_workspaces: BTreeMap::new(),
            preferences: ProfilePreferences::default(),
            sandbox_identity: None,
        }
    }

    /// Alibaba Cloud credentials that are no saved profile (`skm` with the
    /// environment's AccessKey): never stored, saves new keys by default.
    pub fn transient(id: &str, access_key_id: &str) -> Self {
        Profile {
            id: id.into(),
            name: id.into(),
            kind: ProfileKind::AlibabaCloud,
            access_key_id: Some(access_key_id.into()),
            default_region: RegionId::CnBeijing,
            ..Profile::sandbox()
        }
    }

    /// The sandbox identity this profile acts as (root unless chosen otherwise).
    /// Meaningless for cloud profiles.
    pub fn sandbox_identity_name(&self) -> &str {
        self.sandbox_identity
            .as_deref()
            .unwrap_or(crate::domain::identity::ROOT)
    }

    /// The region to open: the one last used, else the default.
    pub fn current_region(&self) -> RegionId {
        self.last_region.unwrap_or(self.default_region)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDoc {
    pub version: u32,
    pub active_profile_id: String,
    pub profiles: Vec<Profile>,
    #[serde(default)]
    pub app: AppSettings,
}

impl Default for SettingsDoc {
    fn default() -> Self {
        SettingsDoc {
            version: CURRENT_VERSION,
            active_profile_id: SANDBOX_PROFILE_ID.into(),
            profiles: vec![Profile::sandbox()],
            app: AppSettings::default(),
        }
    }
}

impl SettingsDoc {
    /// Restore the invariants: the sandbox profile exists and the active profile exists.
    pub fn normalize(&mut self) {
        if !self.profiles.iter().any(|p| p.id == SANDBOX_PROFILE_ID) {
            self.profiles.insert(0, Profile::sandbox());
        }
        if !self.profiles.iter().any(|p| p.id == self.active_profile_id) {
            self.active_profile_id = SANDBOX_PROFILE_ID.into();
        }
        self.version = CURRENT_VERSION;
    }

    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn profile_mut(&mut self, id: &str) -> Option<&mut Profile> {
        self.profiles.iter_mut().find(|p| p.id == id)
    }

    pub fn active(&self) -> &Profile {
        // normalize() guarantees the active profile exists; fall back to the first.
        self.profile(&self.active_profile_id)
            .unwrap_or(&self.profiles[0])
    }
}

/// Lift a document of any known version to [`CURRENT_VERSION`].
///
/// Version 1 (the first preview) keyed profiles by name, called the default
/// region `region`, and kept `language`/`clipboardSeconds` at the top level.
pub fn migrate(mut v: serde_json::Value) -> Result<SettingsDoc> {
    let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(1) as u32;
    if version > CURRENT_VERSION {
        return Err(Error::new(ErrorCode::Config)
            .with_reason("config_newer_version")
            .with_param("version", version.to_string()));
    }
    if version < 2 {
        v = migrate_v1_to_v2(v);
    }
    let mut doc: SettingsDoc = serde_json::from_value(v).map_err(|e| {
        Error::new(ErrorCode::Config)
            .with_reason("config_bad_shape")
            .with_technical(e.to_string())
    })?;
    doc.normalize();
    Ok(doc)
}

fn migrate_v1_to_v2(v: serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    let str_of = |o: &Value, k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut profiles = Vec::new();
    for p in v
        .get("profiles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = str_of(p, "name") else {
            continue;
        };
        let is_sandbox = str_of(p, "kind").as_deref() == Some("sandbox") || name == "sandbox";
        // v1 used the name as the key of the keychain entries, so it becomes the id.
        let id = if is_sandbox {
            SANDBOX_PROFILE_ID.to_owned()
        } else {
            name.clone()
        };
        profiles.push(json!({
            "id": id,
            "name": if is_sandbox { "Sandbox".to_owned() } else { name },
            "kind": if is_sandbox { "Sandbox" } else { "AlibabaCloud" },
            "accessKeyId": str_of(p, "accessKeyId"),
            "defaultRegion": str_of(p, "region").unwrap_or_else(|| "cn-beijing".into()),
        }));
    }
    let active = str_of(&v, "active").unwrap_or_else(|| SANDBOX_PROFILE_ID.into());
    let active = if active == "sandbox" {
        SANDBOX_PROFILE_ID.to_owned()
    } else {
        active
    };
    json!({
        "version": 2,
        "activeProfileId": active,
        "profiles": profiles,
        "app": {
            "lang": str_of(&v, "language").unwrap_or_else(|| "system".into()),
            "clipboardClearSeconds": v.get("clipboardSeconds").and_then(Value::as_u64)
                .unwrap_or(DEFAULT_CLIPBOARD_CLEAR_SECONDS as u64),
        },
    })
}
