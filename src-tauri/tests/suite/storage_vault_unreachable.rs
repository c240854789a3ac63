//! What a person sees when no keychain answers: a KeychainUnavailable error
//! that says how to start one, and nothing written anywhere in plain text.
//! (In a process of its own: it points the process's D-Bus at a socket that
//! does not exist, which must not disturb the other keychain tests.)

#![cfg(target_os = "linux")]

use crate::support::process;
use std::path::PathBuf;
use studio_keys::domain::i18n::Lang;
use studio_keys::storage::vault::{EntryName, Vault};
use studio_keys::{ErrorCode, Secret};

/// The directory the child test may not write into, set by the parent.
const DIR_ENV: &str = "STUDIO_KEYS_TEST_UNREACHABLE_DIR";

#[test]
fn unreachable_secret_service_is_keychain_unavailable_with_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}/no-such-bus", dir.path().display());
    process::run_alone(
        &process::test_name(module_path!(), "in_its_own_process"),
        &[
            ("DBUS_SESSION_BUS_ADDRESS", bus.as_ref()),
            (DIR_ENV, dir.path().as_os_str()),
        ],
    );
}

/// The test proper, in a process whose D-Bus address points nowhere.
#[test]
#[ignore = "needs a process of its own: run by unreachable_secret_service_is_keychain_unavailable_with_instructions"]
fn in_its_own_process() {
    if !process::is_alone(&process::test_name(module_path!(), "in_its_own_process")) {
        return; // `--include-ignored` in the shared process: the test above runs it.
    }
    let dir = PathBuf::from(std::env::var_os(DIR_ENV).expect("set by the parent test"));

    let vault = Vault::new();
    let name = EntryName::AccessKeySecret {
        profile_id: "unreachable-test".into(),
    };
    let err = vault
        .set(&name, &Secret::new("aksecret-fake-never-stored"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::KeychainUnavailable, "{err:?}");
    let message = err.message_in(Lang::En);
    assert!(message.contains("gnome-keyring-daemon"), "{message}");
    assert!(message.contains("plain text"), "{message}");
    println!("A person sees: {message}");
    println!("中文: {}", err.message_in(Lang::ZhCn));
    assert!(!format!("{err:?}").contains("never-stored"));

    assert_eq!(
        vault.get(&name).unwrap_err().code,
        ErrorCode::KeychainUnavailable
    );
    // Nothing was written next to us as a fallback.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}
