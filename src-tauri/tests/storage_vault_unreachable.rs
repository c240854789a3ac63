//! What a person sees when no keychain answers: a KeychainUnavailable error
//! that says how to start one, and nothing written anywhere in plain text.
//! (Its own test binary: it points this process's D-Bus at a socket that does
//! not exist, which must not disturb the other keychain tests.)

#![cfg(target_os = "linux")]

use studio_keys::domain::i18n::Lang;
use studio_keys::storage::vault::{EntryName, Vault};
use studio_keys::{ErrorCode, Secret};

#[test]
fn unreachable_secret_service_is_keychain_unavailable_with_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}/no-such-bus", dir.path().display());
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus);

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
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
