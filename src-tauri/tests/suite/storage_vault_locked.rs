//! A locked keychain, for real: the test session's gnome-keyring login
//! collection is locked over D-Bus, gnome-keyring asks to unlock it (its
//! prompt on the session's display), and the person declines, then unlocks.
//! Studio must say KeychainLocked with its message while it stays locked,
//! never lose a new key's value over it, and work again once unlocked.
//!
//! Needs the test session: `scripts/test-session.sh cargo test
//! --no-default-features --test suite storage_vault_locked::`.

#![cfg(target_os = "linux")]

use crate::support::app::{app_on, skm_on, Board};
use crate::support::keychain;
use crate::support::login_keyring::{Answer, LockedKeyring};
use studio_keys::domain::i18n::Lang;
use studio_keys::services::views::{CreateKeyInput, Permission, SaveStatus};
use studio_keys::{Error, ErrorCode, RegionId};

fn assert_locked(what: &str, e: &Error) {
    assert_eq!(e.code, ErrorCode::KeychainLocked, "{what}: {e:?}");
    let en = e.message_in(Lang::En);
    assert!(en.contains("keyring is locked"), "{what}: {en}");
    assert!(
        en.contains("Unlock it with your login password"),
        "{what}: {en}"
    );
    assert!(e.message_in(Lang::ZhCn).contains("已锁定"), "{what}");
}

fn create_input() -> CreateKeyInput {
    CreateKeyInput {
        region: RegionId::CnBeijing,
        workspace_id: None,
        description: "locked keychain".into(),
        permission: Permission::all(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keychain_says_locked_and_unlocking_restores() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (studio, dirs) = app_on(root.path(), &board);
    let region = RegionId::CnBeijing;

    // A key saved while the keychain is open.
    let made = studio.key_create(create_input()).await.unwrap();
    assert!(matches!(made.saved_to_keychain, SaveStatus::Saved));
    studio.one_time_close(&made.handle);
    let id = made.api_key_id.clone();

    let keyring = LockedKeyring::lock();

    // Copying the saved value asks to unlock; the person declines.
    let s = studio.clone();
    let (copied, prompts) = keyring
        .answer_prompts(Answer::Decline, {
            let id = id.clone();
            async move { s.key_copy_saved(region, id).await }
        })
        .await;
    assert!(prompts >= 1, "gnome-keyring asked to unlock");
    assert_locked("copy", &copied.unwrap_err());
    assert_eq!(*board.0.lock().unwrap(), None, "nothing was copied");
    assert!(keyring.is_locked());

    // `skm exec` asks too; declined, it runs nothing and exits 11.
    let marker = root.path().join("ran");
    let (ran, prompts) = keyring
        .answer_prompts(Answer::Decline, {
            let (id, dirs, marker) = (id.clone(), dirs.clone(), marker.clone());
            async move {
                tokio::task::spawn_blocking(move || {
                    skm_on(
                        &dirs,
                        "en",
                        &[
                            "exec",
                            "--key",
                            &id,
                            "--",
                            "touch",
                            marker.to_str().unwrap(),
                        ],
                        &[],
                    )
                })
                .await
                .unwrap()
            }
        })
        .await;
    assert!(prompts >= 1, "gnome-keyring asked to unlock");
    assert_eq!(ran.0, 11, "{}", ran.2);
    assert!(ran.2.contains("skm: "), "{}", ran.2);
    assert!(!marker.exists(), "nothing was run");
    assert!(keyring.is_locked());

    // A new key is made and shown once, and said to be unsaved because the
    // keychain is locked: its value is not lost over it.
    let s = studio.clone();
    let (created, prompts) = keyring
        .answer_prompts(Answer::Decline, async move {
            s.key_create(create_input()).await
        })
        .await;
    assert!(prompts >= 1, "gnome-keyring asked to unlock");
    let created = created.expect("the key is made even though it cannot be saved");
    assert!(created.value.expose().starts_with("sk-"));
    match &created.saved_to_keychain {
        SaveStatus::Failed { error } => {
            assert_eq!(error.code, ErrorCode::KeychainLocked, "{error:?}");
            assert!(error.message.contains("locked"), "{}", error.message);
        }
        other => panic!("a value the locked keychain refused is said to be {other:?}"),
    }
    studio.one_time_close(&created.handle);

    // The person unlocks at the next prompt: the same copy works again.
    let s = studio.clone();
    let (copied, prompts) = keyring
        .answer_prompts(Answer::Unlock, {
            let id = id.clone();
            async move { s.key_copy_saved(region, id).await }
        })
        .await;
    assert_eq!(prompts, 1, "one prompt, answered with the password");
    copied.expect("unlocked, the saved value is copied");
    assert_eq!(
        board.0.lock().unwrap().as_deref(),
        Some(made.value.expose())
    );
    assert!(!keyring.is_locked());
    // And a new key is saved again, without any prompt.
    let again = studio.key_create(create_input()).await.unwrap();
    assert!(matches!(again.saved_to_keychain, SaveStatus::Saved));
    studio.one_time_close(&again.handle);
    drop(keyring);
    for key in [&id, &created.api_key_id, &again.api_key_id] {
        let _ = studio.key_delete(region, key.to_string()).await;
    }
    studio.shutdown();
}
