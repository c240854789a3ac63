//! Sandbox profiles that act as a seeded sandbox identity other than root, so
//! a person can see what a RAM user (with or without the API-Key permission)
//! sees before connecting a real account.
//!
//! Such a profile is an ordinary entry of `settings.json` with kind `Sandbox`
//! and `sandboxIdentity` set; it has no vault entries. Whether the identity
//! exists is a question for the running sandbox, so the service checks that
//! before calling [`Profiles::add_sandbox_identity`].

use super::settings::{Profile, ProfileKind, SANDBOX_PROFILE_ID};
use super::Profiles;
use crate::domain::error::{Error, Result};
use crate::domain::identity::ROOT;

impl Profiles {
    /// The sandbox profile acting as `identity`: the permanent sandbox profile
    /// for root, the existing profile for that identity, or a new one (not
    /// activated). Asking twice gives the same profile.
    pub fn add_sandbox_identity(&self, identity: &str) -> Result<Profile> {
        let identity = validate_identity(identity)?;
        if identity == ROOT {
            return self.find(SANDBOX_PROFILE_ID);
        }
        self.store.update(move |doc| {
            if let Some(p) = doc.profiles.iter().find(|p| {
                p.kind == ProfileKind::Sandbox && p.sandbox_identity.as_deref() == Some(&identity)
            }) {
                return Ok(p.clone());
            }
            let taken = |doc: &super::SettingsDoc, id: &str, name: &str| {
                doc.profiles
                    .iter()
                    .any(|p| p.id == id || p.name.eq_ignore_ascii_case(name))
            };
            // Readable, stable ids; a suffix only if a cloud profile already uses the name.
            let mut n = 1;
            let (id, name) = loop {
                let (id, name) = if n == 1 {
                    (
                        format!("{SANDBOX_PROFILE_ID}-{identity}"),
                        format!("Sandbox ({identity})"),
                    )
                } else {
                    (
                        format!("{SANDBOX_PROFILE_ID}-{identity}-{n}"),
                        format!("Sandbox ({identity}) {n}"),
                    )
                };
                if !taken(doc, &id, &name) {
                    break (id, name);
                }
                n += 1;
            };
            let base = doc
                .profile(SANDBOX_PROFILE_ID)
                .cloned()
                .unwrap_or_else(Profile::sandbox);
            let profile = Profile {
                id,
                name,
                sandbox_identity: Some(identity.clone()),
                last_region: None,
                default_workspaces: Default::default(),
                ..base
            };
            doc.profiles.push(profile.clone());
            Ok(profile)
        })
    }

    /// The sandbox profile already acting as `identity`, if there is one
    /// (the permanent sandbox profile for root).
    pub fn sandbox_profile_for(&self, identity: &str) -> Result<Option<Profile>> {
        let doc = self.store.load()?;
        Ok(doc
            .profiles
            .into_iter()
            .filter(|p| p.kind == ProfileKind::Sandbox)
            .find(|p| p.sandbox_identity_name() == identity))
    }
}

/// Identity names are the sandbox's own (`ram-key-admin`): short, ASCII, no spaces.
fn validate_identity(identity: &str) -> Result<String> {
    let identity = identity.trim();
    let ok = !identity.is_empty()
        && identity.len() <= 64
        && identity
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Error::invalid_input(
            "identity",
            identity,
            "sandbox_identity_invalid",
        ));
    }
    Ok(identity.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::settings::CURRENT_VERSION;
    use super::super::SettingsStore;
    use super::*;
    use crate::domain::identity::{RAM_ADMIN, RAM_NO_PERMISSION};
    use crate::storage::vault::Vault;
    use crate::ErrorCode;
    use std::sync::Arc;

    fn profiles(dir: &std::path::Path) -> Profiles {
        Profiles::new(Arc::new(SettingsStore::open(dir).unwrap()), Vault::new())
    }

    #[test]
    fn a_ram_user_profile_is_added_once_and_root_is_the_permanent_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let ps = profiles(dir.path());
        let ram = ps.add_sandbox_identity(RAM_NO_PERMISSION).unwrap();
        assert_eq!(ram.kind, ProfileKind::Sandbox);
        assert_eq!(ram.sandbox_identity_name(), RAM_NO_PERMISSION);
        assert_ne!(ram.id, SANDBOX_PROFILE_ID);
        let again = ps.add_sandbox_identity(RAM_NO_PERMISSION).unwrap();
        assert_eq!(
            again.id, ram.id,
            "asking twice must not add a second profile"
        );
        let admin = ps.add_sandbox_identity(RAM_ADMIN).unwrap();
        assert_ne!(admin.id, ram.id);
        let root = ps.add_sandbox_identity(ROOT).unwrap();
        assert_eq!(root.id, SANDBOX_PROFILE_ID);
        let (list, active) = ps.list().unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(
            active, SANDBOX_PROFILE_ID,
            "adding does not switch profiles"
        );
        assert_eq!(
            ps.sandbox_profile_for(RAM_ADMIN).unwrap().map(|p| p.id),
            Some(admin.id)
        );
        assert_eq!(
            ps.sandbox_profile_for(ROOT).unwrap().map(|p| p.id),
            Some(SANDBOX_PROFILE_ID.to_owned())
        );
    }

    #[test]
    fn odd_identity_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ps = profiles(dir.path());
        for bad in ["", "  ", "ram user", "../x", "名字"] {
            let e = ps.add_sandbox_identity(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}");
            assert_eq!(e.reason.as_deref(), Some("sandbox_identity_invalid"));
        }
        assert_eq!(ps.list().unwrap().0.len(), 1);
    }

    #[test]
    fn a_ram_user_profile_can_be_removed_but_the_sandbox_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let ps = profiles(dir.path());
        let ram = ps.add_sandbox_identity(RAM_ADMIN).unwrap();
        ps.activate(&ram.id).unwrap();
        // No vault entries exist for it, so removing needs no keychain.
        ps.remove(&ram.id).unwrap();
        let (list, active) = ps.list().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(active, SANDBOX_PROFILE_ID);
        assert_eq!(
            ps.remove(SANDBOX_PROFILE_ID).unwrap_err().code,
            ErrorCode::Conflict
        );
    }

    #[test]
    fn version_2_files_without_an_identity_act_as_root_and_keep_their_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let v2 = r#"{"version":2,"activeProfileId":"sandbox","profiles":[
            {"id":"sandbox","name":"Sandbox","kind":"Sandbox","defaultRegion":"cn-beijing"}]}"#;
        std::fs::write(&path, v2).unwrap();
        let store = SettingsStore::open(dir.path()).unwrap();
        assert!(store.moved_aside().is_none());
        let doc = store.load().unwrap();
        assert_eq!(doc.profiles[0].sandbox_identity, None);
        assert_eq!(doc.profiles[0].sandbox_identity_name(), ROOT);
        store.update(|_| Ok(())).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(
            !written.contains("sandboxIdentity"),
            "an unset identity is left out: {written}"
        );
        assert_eq!(store.load().unwrap().version, CURRENT_VERSION);
    }

    #[test]
    fn the_chosen_identity_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let ram = profiles(dir.path())
            .add_sandbox_identity(RAM_NO_PERMISSION)
            .unwrap();
        let written = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
        assert!(written.contains("\"sandboxIdentity\": \"ram-no-permission\""));
        let reloaded = profiles(dir.path()).find(&ram.id).unwrap();
        assert_eq!(reloaded.sandbox_identity_name(), RAM_NO_PERMISSION);
    }
}
