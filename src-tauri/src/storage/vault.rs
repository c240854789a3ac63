//! The vault: secrets in the operating system's keychain, nowhere else.
//!
//! Built on `keyring` v3 with an explicit native store per platform (macOS
//! Keychain, Windows Credential Manager, Linux Secret Service), so there is no
//! in-memory mock and never a plaintext fallback: when the keychain cannot be
//! reached, every call fails with `KeychainUnavailable` or `KeychainLocked` and
//! a message that says what to do.
//!
//! # Entry naming scheme
//! Every entry has the service name [`SERVICE`] (`studio-keys`) and one of
//! these account ("user") names, holding exactly one secret each (which keeps
//! every entry far below Windows' 2560-byte credential limit):
//!
//! | account name | holds |
//! |---|---|
//! | `profile:<profileId>:access-key-secret` | the AccessKey secret of a profile |
//! | `profile:<profileId>:sts-token` | the STS security token of a profile, if any |
//! | `key:<scope>:<regionId>:<apiKeyId>` | a saved copy of an API key value |
//! | `audit:<log>:anchor` | the audit log's last sequence number and hash (no secret: kept here so that rewriting the log's files is not enough to cut records unseen); `<log>` names the log's folder by a digest |
//!
//! `<scope>` is `sandbox` for the local sandbox and `cloud` for Alibaba Cloud.
//! The cloud scope is deliberately not tied to a profile or an AccessKey id:
//! the server assigns `apiKeyId` (an int64 from one sequence per region), so
//! `(region, apiKeyId)` already names one key, and the same saved copy is found
//! whether the key was created from the app, from `skm --profile`, or from
//! `skm` with `ALIBABA_CLOUD_*` environment credentials (which have no profile),
//! and it survives rotating the AccessKey. Example:
//! `key:cloud:cn-beijing:1234567`. On Linux the entry can be read with
//! `secret-tool lookup service studio-keys username key:cloud:cn-beijing:1234567`.
//!
//! # Blocking
//! Keychain calls block (about 300 ms on Linux over D-Bus). Async callers run
//! them with `tokio::task::spawn_blocking`; [`Vault`] is `Clone + Send + Sync`
//! for that reason.

use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;

/// The keychain service name of every entry this app writes.
pub const SERVICE: &str = "studio-keys";

/// Where a key lives: the local sandbox or Alibaba Cloud.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum KeyScope {
    Sandbox,
    Cloud,
}

impl KeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Sandbox => "sandbox",
            KeyScope::Cloud => "cloud",
        }
    }
}

/// One API key, named the same way from every front end.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct KeyRef {
    pub scope: KeyScope,
    pub region: RegionId,
    pub api_key_id: i64,
}

impl KeyRef {
    pub fn new(scope: KeyScope, region: RegionId, api_key_id: i64) -> Self {
        KeyRef {
            scope,
            region,
            api_key_id,
        }
    }
}

/// The name of one vault entry (see the module doc for the scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryName {
    AccessKeySecret {
        profile_id: String,
    },
    StsToken {
        profile_id: String,
    },
    ApiKey(KeyRef),
    /// The end of the audit log in the folder whose digest is `log`.
    AuditAnchor {
        log: String,
    },
}

impl EntryName {
    /// The keychain account name.
    pub fn account(&self) -> String {
        match self {
            EntryName::AccessKeySecret { profile_id } => {
                format!("profile:{profile_id}:access-key-secret")
            }
            EntryName::StsToken { profile_id } => format!("profile:{profile_id}:sts-token"),
            EntryName::AuditAnchor { log } => format!("audit:{log}:anchor"),
            EntryName::ApiKey(k) => {
                format!(
                    "key:{}:{}:{}",
                    k.scope.as_str(),
                    k.region.as_str(),
                    k.api_key_id
                )
            }
        }
    }
}

/// The keychain, reached through `keyring`'s native store. Blocking.
#[derive(Debug, Clone, Default)]
pub struct Vault {
    _private: (),
}

impl Vault {
    pub fn new() -> Self {
        Vault { _private: () }
    }

    /// Store `secret` under `name`, replacing any earlier value.
    pub fn set(&self, name: &EntryName, secret: &Secret) -> Result<()> {
        let entry = entry(name)?;
        entry.set_password(secret.expose()).map_err(map_error)
    }

    /// The secret under `name`, or `None` when there is no such entry.
    pub fn get(&self, name: &EntryName) -> Result<Option<Secret>> {
        let entry = entry(name)?;
        match entry.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Remove the entry; `Ok(false)` when there was none.
    pub fn delete(&self, name: &EntryName) -> Result<bool> {
        let entry = entry(name)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Whether the keychain answers at all (a read of an entry that need not exist).
    pub fn check(&self) -> Result<()> {
        self.get(&EntryName::AccessKeySecret {
            profile_id: "health-check".into(),
        })
        .map(|_| ())
    }
}

fn entry(name: &EntryName) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &name.account()).map_err(map_error)
}

/// Translate a keyring error. Never copies secret bytes into the error: the
/// `BadEncoding` payload holds the stored value, so it is dropped here.
pub fn map_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(inner) => Error::new(ErrorCode::KeychainLocked)
            .with_reason(locked_reason())
            .with_technical(inner.to_string()),
        // A write after the person declined to unlock: keyring goes on to the
        // still-locked collection, and the service's refusal arrives as a failure.
        keyring::Error::PlatformFailure(inner) if says_locked(&*inner) => {
            Error::new(ErrorCode::KeychainLocked)
                .with_reason(locked_reason())
                .with_technical(inner.to_string())
        }
        keyring::Error::PlatformFailure(inner) => Error::new(ErrorCode::KeychainUnavailable)
            .with_reason(unavailable_reason())
            .with_technical(inner.to_string()),
        keyring::Error::BadEncoding(_) => {
            Error::new(ErrorCode::Internal).with_reason("vault_bad_encoding")
        }
        keyring::Error::NoEntry => Error::new(ErrorCode::NotSaved),
        other => Error::new(ErrorCode::KeychainUnavailable)
            .with_reason(unavailable_reason())
            .with_technical(other.to_string()),
    }
}

/// The Secret Service's own "unlock it first" (`org.freedesktop.Secret.Error.IsLocked`,
/// from the spec). The D-Bus error shows its name only in its Debug form.
fn says_locked(e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    format!("{e:?}").contains("org.freedesktop.Secret.Error.IsLocked")
}

/// The platform-specific "what to do" for an unreachable keychain.
fn unavailable_reason() -> &'static str {
    if cfg!(target_os = "linux") {
        "keychain_unavailable_linux"
    } else if cfg!(target_os = "macos") {
        "keychain_unavailable_macos"
    } else {
        "keychain_unavailable_windows"
    }
}

fn locked_reason() -> &'static str {
    if cfg!(target_os = "linux") {
        "keychain_locked_linux"
    } else {
        "keychain_locked_other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n::Lang;

    #[test]
    fn entry_names_follow_the_documented_scheme() {
        let p = EntryName::AccessKeySecret {
            profile_id: "p1".into(),
        };
        assert_eq!(p.account(), "profile:p1:access-key-secret");
        let s = EntryName::StsToken {
            profile_id: "p1".into(),
        };
        assert_eq!(s.account(), "profile:p1:sts-token");
        let k = EntryName::ApiKey(KeyRef::new(KeyScope::Cloud, RegionId::CnBeijing, 42));
        assert_eq!(k.account(), "key:cloud:cn-beijing:42");
        let k = EntryName::ApiKey(KeyRef::new(KeyScope::Sandbox, RegionId::UsEast1, 7));
        assert_eq!(k.account(), "key:sandbox:us-east-1:7");
    }

    #[test]
    fn bad_encoding_never_carries_the_stored_bytes() {
        let e = map_error(keyring::Error::BadEncoding(b"sk-ws-leaky".to_vec()));
        let all = format!(
            "{e:?} {} {}",
            e.message_in(Lang::En),
            e.message_in(Lang::ZhCn)
        );
        assert!(!all.contains("leaky"), "{all}");
    }

    #[test]
    fn unreachable_keychain_says_what_to_do_in_both_languages() {
        let e = map_error(keyring::Error::PlatformFailure("no bus".into()));
        assert_eq!(e.code, ErrorCode::KeychainUnavailable);
        let en = e.message_in(Lang::En);
        let zh = e.message_in(Lang::ZhCn);
        if cfg!(target_os = "linux") {
            assert!(
                en.contains("gnome-keyring") && zh.contains("gnome-keyring"),
                "{en} / {zh}"
            );
        }
        assert_ne!(en, zh);
        let locked = map_error(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(locked.code, ErrorCode::KeychainLocked);
        assert!(!locked.message_in(Lang::En).is_empty());
    }

    /// What a D-Bus "locked" refusal looks like inside keyring's PlatformFailure
    /// (dbus-secret-service's `Error::Dbus(dbus::Error)`, shown by Debug).
    struct DbusRefusal(&'static str);
    impl std::fmt::Debug for DbusRefusal {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "Dbus({})", self.0)
        }
    }
    impl std::fmt::Display for DbusRefusal {
        fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("DBus error: refused")
        }
    }
    impl std::error::Error for DbusRefusal {}

    #[test]
    fn a_refusal_to_write_into_a_locked_collection_is_keychain_locked() {
        let locked = map_error(keyring::Error::PlatformFailure(Box::new(DbusRefusal(
            "D-Bus error: Cannot create an item in a locked collection \
             (org.freedesktop.Secret.Error.IsLocked)",
        ))));
        assert_eq!(locked.code, ErrorCode::KeychainLocked);
        let other = map_error(keyring::Error::PlatformFailure(Box::new(DbusRefusal(
            "D-Bus error: The name is not activatable (org.freedesktop.DBus.Error.ServiceUnknown)",
        ))));
        assert_eq!(other.code, ErrorCode::KeychainUnavailable);
    }
}
