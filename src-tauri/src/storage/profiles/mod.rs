//! Profiles: who talks to Model Studio, and the app settings beside them.
//!
//! Non-secret parts (name, kind, AccessKey id, regions, workspaces,
//! preferences) live in `settings.json` ([`SettingsStore`]); the AccessKey
//! secret and any STS token live only in the [`Vault`]. The sandbox profile
//! always exists and is active on first start. Blocking (keychain and file I/O).

pub mod file;
pub mod import;
pub mod sandbox_identity;
pub mod settings;
pub mod store;

pub use settings::{
    AppSettings, LangSetting, Profile, ProfileKind, ProfilePreferences, SettingsDoc, Theme,
    SANDBOX_PROFILE_ID,
};
pub use store::SettingsStore;

use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::storage::vault::{EntryName, Vault};
use std::sync::Arc;

/// What a person enters to add an Alibaba Cloud profile.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub name: String,
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    pub default_region: RegionId,
}

/// The credentials of a cloud profile, read from the vault.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct Profiles {
    store: Arc<SettingsStore>,
    vault: Vault,
}

impl Profiles {
    pub fn new(store: Arc<SettingsStore>, vault: Vault) -> Self {
        Profiles { store, vault }
    }

    pub fn store(&self) -> &Arc<SettingsStore> {
        &self.store
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// All profiles (sandbox first) and the active profile's id.
    pub fn list(&self) -> Result<(Vec<Profile>, String)> {
        let doc = self.store.load()?;
        Ok((doc.profiles, doc.active_profile_id))
    }

    pub fn active(&self) -> Result<Profile> {
        Ok(self.store.load()?.active().clone())
    }

    /// A profile by id, or by name (case-insensitive) as typed on the command line.
    pub fn find(&self, id_or_name: &str) -> Result<Profile> {
        let doc = self.store.load()?;
        doc.profile(id_or_name)
            .or_else(|| {
                doc.profiles
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(id_or_name))
            })
            .cloned()
            .ok_or_else(|| not_found(id_or_name))
    }

    /// Make `id` the active profile. Choosing one (the sandbox included)
    /// also answers the welcome screen.
    pub fn activate(&self, id: &str) -> Result<Profile> {
        self.store.update(|doc| {
            let p = doc.profile(id).cloned().ok_or_else(|| not_found(id))?;
            doc.active_profile_id = p.id.clone();
            doc.app.welcome_done = true;
            Ok(p)
        })
    }

    /// Add a cloud profile: the secret goes to the vault first, then the
    /// settings file; if the file cannot be written the vault entries are removed.
    pub fn add(&self, input: ProfileInput) -> Result<Profile> {
        let name = validate_name(&input.name)?;
        let access_key_id = validate_access_key_id(&input.access_key_id)?;
        validate_secret("accessKeySecret", &input.access_key_secret)?;
        if let Some(t) = &input.security_token {
            validate_secret("securityToken", t)?;
        }
        let doc = self.store.load()?;
        if doc
            .profiles
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&name))
        {
            return Err(Error::invalid_input("name", &name, "profile_name_taken"));
        }
        let id = format!("p-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let secret_entry = EntryName::AccessKeySecret {
            profile_id: id.clone(),
        };
        let token_entry = EntryName::StsToken {
            profile_id: id.clone(),
        };
        self.vault.set(&secret_entry, &input.access_key_secret)?;
        if let Some(token) = &input.security_token {
            if let Err(e) = self.vault.set(&token_entry, token) {
                let _ = self.vault.delete(&secret_entry);
                return Err(e);
            }
        }
        let profile = Profile {
            id: id.clone(),
            name: name.clone(),
            kind: ProfileKind::AlibabaCloud,
            access_key_id: Some(access_key_id),
            has_sts_token: input.security_token.is_some(),
            default_region: input.default_region,
            last_region: None,
            default_workspaces: Default::default(),
            preferences: ProfilePreferences::default(),
            sandbox_identity: None,
        };
        let stored = profile.clone();
        let written = self.store.update(move |doc| {
            if doc
                .profiles
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&name))
            {
                return Err(Error::invalid_input("name", &name, "profile_name_taken"));
            }
            doc.profiles.push(stored);
            Ok(())
        });
        if let Err(e) = written {
            let _ = self.vault.delete(&secret_entry);
            let _ = self.vault.delete(&token_entry);
            return Err(e);
        }
        Ok(profile)
    }

    /// Remove a profile (and a cloud profile's vault entries). The permanent
    /// sandbox profile cannot be removed.
    pub fn remove(&self, id: &str) -> Result<()> {
        if id == SANDBOX_PROFILE_ID {
            return Err(Error::new(ErrorCode::Conflict).with_reason("profile_sandbox_permanent"));
        }
        let p = self.find(id)?;
        // A sandbox profile (a RAM user of the sandbox) has nothing in the
        // vault, so removing it must not depend on the keychain.
        if p.kind == ProfileKind::AlibabaCloud {
            self.vault.delete(&EntryName::AccessKeySecret {
                profile_id: p.id.clone(),
            })?;
            self.vault.delete(&EntryName::StsToken {
                profile_id: p.id.clone(),
            })?;
        }
        self.store.update(|doc| {
            doc.profiles.retain(|q| q.id != p.id);
            Ok(())
        })
    }

    /// The AccessKey pair (and STS token) of a cloud profile, from the vault.
    pub fn credentials(&self, profile: &Profile) -> Result<Credentials> {
        let access_key_id = match (&profile.kind, &profile.access_key_id) {
            (ProfileKind::AlibabaCloud, Some(id)) => id.clone(),
            _ => return Err(Error::new(ErrorCode::Unsupported).with_reason("profile_is_sandbox")),
        };
        let secret = self
            .vault
            .get(&EntryName::AccessKeySecret {
                profile_id: profile.id.clone(),
            })?
            .ok_or_else(|| {
                Error::new(ErrorCode::NotSaved)
                    .with_reason("profile_secret_missing")
                    .with_param("name", profile.name.clone())
            })?;
        let token = if profile.has_sts_token {
            self.vault.get(&EntryName::StsToken {
                profile_id: profile.id.clone(),
            })?
        } else {
            None
        };
        Ok(Credentials {
            access_key_id,
            access_key_secret: secret,
            security_token: token,
        })
    }

    pub fn set_last_region(&self, id: &str, region: RegionId) -> Result<()> {
        self.edit(id, |p| p.last_region = Some(region))
    }

    pub fn set_default_workspace(&self, id: &str, region: RegionId, ws: String) -> Result<()> {
        self.edit(id, |p| {
            p.default_workspaces.insert(region, ws);
        })
    }

    pub fn set_preferences(&self, id: &str, prefs: ProfilePreferences) -> Result<()> {
        self.edit(id, |p| p.preferences = prefs)
    }

    pub fn app_settings(&self) -> Result<AppSettings> {
        Ok(self.store.load()?.app)
    }

    pub fn set_app_settings(&self, app: AppSettings) -> Result<AppSettings> {
        if app.clipboard_clear_seconds > 3600 {
            let v = app.clipboard_clear_seconds.to_string();
            return Err(Error::invalid_input(
                "clipboardClearSeconds",
                &v,
                "clipboard_seconds_range",
            ));
        }
        self.store.update(|doc| {
            // Answered once, for good: a screen holding an older copy of the
            // settings must not bring the welcome screen back.
            let welcome_done = doc.app.welcome_done || app.welcome_done;
            doc.app = AppSettings {
                welcome_done,
                ..app.clone()
            };
            Ok(doc.app.clone())
        })
    }

    fn edit(&self, id: &str, f: impl FnOnce(&mut Profile)) -> Result<()> {
        self.store.update(|doc| {
            let p = doc.profile_mut(id).ok_or_else(|| not_found(id))?;
            f(p);
            Ok(())
        })
    }
}

fn not_found(id: &str) -> Error {
    Error::new(ErrorCode::NotFound)
        .with_reason("profile_not_found")
        .with_param("name", id)
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(Error::invalid_input("name", name, "profile_name_invalid"));
    }
    if name.eq_ignore_ascii_case(SANDBOX_PROFILE_ID) {
        return Err(Error::invalid_input("name", name, "profile_name_taken"));
    }
    Ok(name.to_owned())
}

/// AccessKey ids are letters and digits (`LTAI...`), STS ones start with `STS.`.
pub fn validate_access_key_id(id: &str) -> Result<String> {
    let id = id.trim();
    let ok = (8..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
    if !ok {
        return Err(Error::invalid_input(
            "accessKeyId",
            &mask(id),
            "access_key_id_invalid",
        ));
    }
    Ok(id.to_owned())
}

fn validate_secret(field: &str, s: &Secret) -> Result<()> {
    let v = s.expose();
    if v.trim().is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        // The value itself never goes into the error.
        return Err(Error::invalid_input(field, "", "secret_invalid"));
    }
    Ok(())
}

/// `LTAI****abcd`: enough to recognise an AccessKey id without showing it whole.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}
