//! The vault against a real Secret Service (gnome-keyring on a private D-Bus:
//! `scripts/test-session.sh cargo test --no-default-features --test suite storage_vault::`).
//! Persistence is proven from a second process (`secret-tool`), which an
//! in-memory mock could not pass. No Secret Service = a loud failure, not a skip.

use crate::support::keychain;
use std::process::{Command, Stdio};
use std::sync::Arc;
use studio_keys::storage::profiles::{ProfileInput, Profiles, SettingsStore};
use studio_keys::storage::saved_keys::SavedKeys;
use studio_keys::storage::vault::{EntryName, KeyRef, KeyScope, Vault, SERVICE};
use studio_keys::{ErrorCode, RegionId, Secret};

fn vault() -> Vault {
    let v = Vault::new();
    if let Err(e) = v.check() {
        panic!(
            "No usable Secret Service: {e} ({:?}). Run the keychain tests inside \
             scripts/test-session.sh (make test does), or start gnome-keyring-daemon \
             --unlock --components=secrets in a D-Bus session.",
            e.details.technical
        );
    }
    v
}

/// A value unique to this run, obviously fake.
fn fake(prefix: &str) -> String {
    format!("{prefix}-fake-{}", uuid::Uuid::new_v4().simple())
}

/// Read an entry from another process, the way any other tool would.
fn secret_tool_lookup(account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", account])
        .stderr(Stdio::null())
        .output()
        .expect("secret-tool is needed for the keychain tests (apt-get install libsecret-tools)");
    let text = String::from_utf8(out.stdout).unwrap();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn unique_key() -> KeyRef {
    let id = (uuid::Uuid::new_v4().as_u128() & 0xffff_ffff) as i64;
    KeyRef::new(KeyScope::Cloud, RegionId::ApSoutheast1, id)
}

#[test]
fn a_saved_secret_is_readable_by_another_process_and_gone_after_delete() {
    let _keychain = keychain::blocking_lock();
    let vault = vault();
    let name = EntryName::ApiKey(unique_key());
    let value = fake("sk-ws");
    vault.set(&name, &Secret::new(value.clone())).unwrap();
    assert_eq!(
        secret_tool_lookup(&name.account()).as_deref(),
        Some(value.as_str())
    );
    assert_eq!(vault.get(&name).unwrap().unwrap().expose(), value);

    // Replacing keeps one entry with the new value.
    let newer = fake("sk-ws");
    vault.set(&name, &Secret::new(newer.clone())).unwrap();
    assert_eq!(
        secret_tool_lookup(&name.account()).as_deref(),
        Some(newer.as_str())
    );

    assert!(vault.delete(&name).unwrap());
    assert_eq!(secret_tool_lookup(&name.account()), None);
    assert!(vault.get(&name).unwrap().is_none());
    assert!(
        !vault.delete(&name).unwrap(),
        "second delete reports nothing to delete"
    );
}

#[test]
fn profile_secret_lives_in_the_keychain_not_in_the_settings_file() {
    let _keychain = keychain::blocking_lock();
    let vault = vault();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SettingsStore::open(dir.path()).unwrap());
    let profiles = Profiles::new(store.clone(), vault);
    let secret = fake("aksecret");
    let token = fake("ststoken");
    let p = profiles
        .add(ProfileInput {
            name: "Work".into(),
            access_key_id: "LTAI5tFakeFakeFake0001".into(),
            access_key_secret: Secret::new(secret.clone()),
            security_token: Some(Secret::new(token.clone())),
            default_region: RegionId::CnBeijing,
        })
        .unwrap();
    let account = EntryName::AccessKeySecret {
        profile_id: p.id.clone(),
    }
    .account();
    assert_eq!(
        secret_tool_lookup(&account).as_deref(),
        Some(secret.as_str())
    );
    let settings = std::fs::read_to_string(store.path()).unwrap();
    assert!(settings.contains("LTAI5tFakeFakeFake0001"));
    assert!(
        !settings.contains(&secret) && !settings.contains(&token),
        "{settings}"
    );

    // A second store over the same file (as `skm` would open it) finds the credentials.
    let again = Profiles::new(
        Arc::new(SettingsStore::open(dir.path()).unwrap()),
        Vault::new(),
    );
    let creds = again.credentials(&again.find("work").unwrap()).unwrap();
    assert_eq!(creds.access_key_secret.expose(), secret);
    assert_eq!(creds.security_token.unwrap().expose(), token);

    again.remove(&p.id).unwrap();
    assert_eq!(
        secret_tool_lookup(&account),
        None,
        "removing a profile leaves its secret"
    );
    let sts = EntryName::StsToken { profile_id: p.id }.account();
    assert_eq!(secret_tool_lookup(&sts), None);
}

#[test]
fn saved_key_is_found_again_forgotten_and_marked_stale() {
    let _keychain = keychain::blocking_lock();
    let vault = vault();
    let dir = tempfile::tempdir().unwrap();
    let saved = SavedKeys::new(dir.path(), vault);
    let key = unique_key();
    let value = fake("sk-ws");
    saved
        .save(&key, &Secret::new(value.clone()), "workspace")
        .unwrap();

    // Another front end (a new index over the same dir) sees the same copy.
    let other = SavedKeys::new(dir.path(), Vault::new());
    assert_eq!(other.value(&key).unwrap().expose(), value);
    assert!(!other.record(&key).unwrap().unwrap().stale);
    other.set_stale(&key, true).unwrap();
    assert!(saved.record(&key).unwrap().unwrap().stale);
    let index = std::fs::read_to_string(dir.path().join("saved-keys.json")).unwrap();
    assert!(!index.contains(&value), "the index must not hold the value");

    assert!(saved.forget(&key).unwrap());
    assert_eq!(
        secret_tool_lookup(&EntryName::ApiKey(key.clone()).account()),
        None
    );
    assert!(saved.record(&key).unwrap().is_none());
    assert_eq!(saved.value(&key).unwrap_err().code, ErrorCode::NotSaved);
}

#[test]
fn a_key_written_by_another_process_is_read_back() {
    let _keychain = keychain::blocking_lock();
    let vault = vault();
    let key = unique_key();
    let name = EntryName::ApiKey(key);
    let value = fake("sk-ws");
    // keyring looks entries up by service, username and target=default.
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=test",
            "service",
            SERVICE,
            "username",
            &name.account(),
        ])
        .args(["target", "default", "application", "rust-keyring"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(value.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(vault.get(&name).unwrap().unwrap().expose(), value);
    vault.delete(&name).unwrap();
}
