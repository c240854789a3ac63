//! Saved keys: API key values kept in the keychain, with a non-secret index.
//!
//! The value of a key lives in the vault under `key:<scope>:<region>:<apiKeyId>`
//! (see [`crate::storage::vault`]), so the app and `skm` find the same copy whichever
//! created it. The index (`saved-keys.json` beside `settings.json`) records
//! which keys have a copy, the key's format, when it was saved and whether the
//! copy is stale (it no longer verifies, e.g. because the key was reset
//! elsewhere); it lets the key list show "saved on this computer" without one
//! keychain call per key. Blocking (keychain and file I/O).

use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::secret::Secret;
use crate::storage::profiles::file::{self, ReadOutcome};
use crate::storage::profiles::store::lock_dir;
use crate::storage::vault::{EntryName, KeyRef, Vault};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use crate::storage::paths::SAVED_KEYS_INDEX as INDEX_FILE;
const INDEX_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedKeyRecord {
    #[serde(flatten)]
    pub key: KeyRef,
    /// The key's format name as classified when saved (see `keyformat`).
    pub format: String,
    /// Unix milliseconds.
    pub saved_at: i64,
    /// The saved value failed a check: the key was probably reset elsewhere.
    #[serde(default)]
    pub stale: bool,
    /// The key's workspace, as the last listing (or a GetApiKey) said:
    /// `skm exec` sends the key's calls to the workspace's host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The key's description and masked value as last listed (the masked
    /// value first as saved): the tray's menu shows them without a keychain
    /// read. Never more than masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

/// What a listing (or a key's own answer) says of a saved key. `None` leaves
/// the index's field as it is.
#[derive(Debug, Clone)]
pub struct Listed {
    pub key: KeyRef,
    pub workspace_id: Option<String>,
    pub description: Option<String>,
    /// As the list shows it (`keyformat::display_server_value`).
    pub masked: Option<String>,
}

impl Listed {
    fn differs_from(&self, r: &SavedKeyRecord) -> bool {
        let news = |seen: &Option<String>, have: &Option<String>| seen.is_some() && seen != have;
        self.key == r.key
            && (news(&self.workspace_id, &r.workspace_id)
                || news(&self.description, &r.description)
                || news(&self.masked, &r.masked))
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndexDoc {
    version: u32,
    keys: Vec<SavedKeyRecord>,
}

#[derive(Debug, Clone)]
pub struct SavedKeys {
    path: PathBuf,
    vault: Vault,
}

impl SavedKeys {
    /// The index in `dir` (normally the config dir) over `vault`.
    pub fn new(dir: &Path, vault: Vault) -> Self {
        SavedKeys {
            path: dir.join(INDEX_FILE),
            vault,
        }
    }

    /// Every indexed key.
    pub fn list(&self) -> Result<Vec<SavedKeyRecord>> {
        Ok(self.load()?.keys)
    }

    /// The index record of `key`, if this computer has a copy.
    pub fn record(&self, key: &KeyRef) -> Result<Option<SavedKeyRecord>> {
        Ok(self.load()?.keys.into_iter().find(|r| &r.key == key))
    }

    /// Save `value` for `key`: the vault first, then the index. A keychain
    /// failure leaves the index untouched and is returned to the caller.
    pub fn save(&self, key: &KeyRef, value: &Secret, format: &str) -> Result<SavedKeyRecord> {
        self.save_known(
            &Listed {
                key: key.clone(),
                workspace_id: None,
                description: None,
                masked: None,
            },
            value,
            format,
        )
    }

    /// `save`, with what is already known of the key (a new key's answer
    /// names its description and workspace) kept in the same write.
    pub fn save_known(
        &self,
        known: &Listed,
        value: &Secret,
        format: &str,
    ) -> Result<SavedKeyRecord> {
        self.vault
            .set(&EntryName::ApiKey(known.key.clone()), value)?;
        let mut r = SavedKeyRecord {
            key: known.key.clone(),
            format: format.to_owned(),
            saved_at: chrono::Utc::now().timestamp_millis(),
            stale: false,
            workspace_id: known.workspace_id.clone(),
            description: known.description.clone(),
            masked: Some(crate::domain::keyformat::mask(value.expose())),
        };
        self.update(move |doc| {
            // A reset or a paste keeps the key, and so its workspace and
            // description, as learnt, unless told otherwise.
            if let Some(had) = doc.keys.iter().find(|x| x.key == r.key) {
                r.workspace_id = r.workspace_id.take().or_else(|| had.workspace_id.clone());
                r.description = r.description.take().or_else(|| had.description.clone());
            }
            doc.keys.retain(|x| x.key != r.key);
            doc.keys.push(r.clone());
            Ok(r)
        })
    }

    /// The saved value, or `NotSaved`.
    pub fn value(&self, key: &KeyRef) -> Result<Secret> {
        match self.vault.get(&EntryName::ApiKey(key.clone()))? {
            Some(v) => Ok(v),
            None => {
                // The index said otherwise (the entry was removed outside the app): heal it.
                let _ = self.drop_record(key);
                Err(Error::new(ErrorCode::NotSaved))
            }
        }
    }

    /// Remove the saved copy; `Ok(false)` when there was none.
    pub fn forget(&self, key: &KeyRef) -> Result<bool> {
        let had_entry = self.vault.delete(&EntryName::ApiKey(key.clone()))?;
        let had_record = self.drop_record(key)?;
        Ok(had_entry || had_record)
    }

    /// Flag (or clear) a copy that no longer verifies.
    pub fn set_stale(&self, key: &KeyRef, stale: bool) -> Result<()> {
        self.update(|doc| {
            if let Some(r) = doc.keys.iter_mut().find(|r| &r.key == key) {
                r.stale = stale;
            }
            Ok(())
        })
    }

    /// Remember what a listing says of each saved key named here (workspace,
    /// description, masked value); writes only when something changed.
    pub fn learn(&self, seen: &[Listed]) -> Result<()> {
        let current = self.load()?;
        if !current
            .keys
            .iter()
            .any(|r| seen.iter().any(|l| l.differs_from(r)))
        {
            return Ok(());
        }
        self.update(|doc| {
            for r in doc.keys.iter_mut() {
                for l in seen.iter().filter(|l| l.key == r.key) {
                    let keep = |field: &mut Option<String>, seen: &Option<String>| {
                        if seen.is_some() {
                            field.clone_from(seen);
                        }
                    };
                    keep(&mut r.workspace_id, &l.workspace_id);
                    keep(&mut r.description, &l.description);
                    keep(&mut r.masked, &l.masked);
                }
            }
            Ok(())
        })
    }

    fn drop_record(&self, key: &KeyRef) -> Result<bool> {
        self.update(|doc| {
            let before = doc.keys.len();
            doc.keys.retain(|r| &r.key != key);
            Ok(doc.keys.len() != before)
        })
    }

    fn load(&self) -> Result<IndexDoc> {
        match file::read_json(&self.path)? {
            ReadOutcome::Value(v) => {
                let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0) as u32;
                if version > INDEX_VERSION {
                    return Err(Error::new(ErrorCode::Config)
                        .with_reason("config_newer_version")
                        .with_param("version", version.to_string()));
                }
                match serde_json::from_value(v) {
                    Ok(doc) => Ok(doc),
                    Err(e) => {
                        file::move_aside(&self.path, e.to_string())?;
                        Ok(IndexDoc {
                            version: INDEX_VERSION,
                            keys: Vec::new(),
                        })
                    }
                }
            }
            // A lost index loses no secret: the vault entries stay and are
            // found again when the key is copied or verified.
            ReadOutcome::Missing | ReadOutcome::Corrupt(_) => Ok(IndexDoc {
                version: INDEX_VERSION,
                keys: Vec::new(),
            }),
        }
    }

    fn update<R>(&self, f: impl FnOnce(&mut IndexDoc) -> Result<R>) -> Result<R> {
        let _lock = lock_dir(&self.path)?;
        let mut doc = self.load()?;
        let out = f(&mut doc)?;
        doc.version = INDEX_VERSION;
        doc.keys.sort_by(|a, b| a.key.cmp(&b.key));
        file::write_json_atomic(&self.path, &doc)?;
        Ok(out)
    }
}
