//! Sandbox profiles acting as a seeded RAM user, through the services against
//! the in-process sandbox: what a root account, a RAM user with the API-Key
//! permission and a RAM user without it each see. Temp config and data dirs;
//! saving new keys is switched off so no keychain is touched.

#![allow(clippy::result_large_err)]

use crate::support::app::write_settings_acting_as_a_missing_identity;
use studio_keys::sandbox::seed::{RAM_ADMIN, RAM_NO_PERMISSION, ROOT};
use studio_keys::services::profiles::SandboxRole;
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, Permission};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::{ClipboardBackend, SecretClipboard};
use studio_keys::storage::profiles::{ProfilePreferences, SANDBOX_PROFILE_ID};
use studio_keys::{ErrorCode, RegionId, Result};

/// A clipboard nobody reads; these tests copy nothing.
struct NoClipboard;

impl ClipboardBackend for NoClipboard {
    fn set_secret_text(&mut self, _: &str) -> Result<()> {
        Ok(())
    }
    fn set_text(&mut self, _: &str) -> Result<()> {
        Ok(())
    }
    fn get_text(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
    fn clear(&mut self) -> Result<()> {
        Ok(())
    }
}

fn studio(root: &std::path::Path) -> Studio {
    let dirs = Dirs {
        config: root.join("config"),
        data: root.join("data"),
    };
    Studio::with_clipboard(dirs, SecretClipboard::new(Box::new(NoClipboard))).unwrap()
}

/// Activate a sandbox profile acting as `identity`, with key saving off.
async fn act_as(s: &Studio, identity: &str) -> String {
    let p = s
        .profile_add_sandbox_identity(identity.into())
        .await
        .unwrap();
    let off = ProfilePreferences {
        save_keys_on_create: false,
    };
    s.profile_set_preferences(p.id.clone(), off).await.unwrap();
    s.profile_activate(p.id.clone()).await.unwrap();
    p.id
}

fn uid_of(s: &Studio, name: &str) -> String {
    let db = s.dirs().data.join("sandbox.db");
    studio_keys::sandbox::identities(&db)
        .unwrap()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap()
        .uid
}

fn all_permission() -> Permission {
    Permission::all()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ram_user_with_permission_sees_only_its_own_keys() {
    let dir = tempfile::tempdir().unwrap();
    let s = studio(dir.path());
    let region = RegionId::CnBeijing;

    let as_root = s.keys_list(region, KeyQuery::default()).await.unwrap();
    let admin_uid = uid_of(&s, RAM_ADMIN);
    let root_uid = uid_of(&s, ROOT);
    assert!(
        as_root
            .keys
            .iter()
            .any(|k| k.created_by.as_deref() == Some(root_uid.as_str())),
        "the root account sees its own keys"
    );

    act_as(&s, RAM_ADMIN).await;
    let created = s
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: "made by the RAM user".into(),
            permission: all_permission(),
        })
        .await
        .unwrap();
    let as_admin = s.keys_list(region, KeyQuery::default()).await.unwrap();
    assert!(!as_admin.keys.is_empty());
    assert!(
        as_admin
            .keys
            .iter()
            .all(|k| k.created_by.as_deref() == Some(admin_uid.as_str())),
        "a RAM user must not see other people's keys"
    );
    assert!(as_admin
        .keys
        .iter()
        .any(|k| k.api_key_id == created.api_key_id));

    // Back as root: the RAM user's new key is there too, with everyone else's.
    s.profile_activate(SANDBOX_PROFILE_ID.into()).await.unwrap();
    let root_again = s.keys_list(region, KeyQuery::default()).await.unwrap();
    assert_eq!(root_again.keys.len(), as_root.keys.len() + 1);
    assert!(root_again
        .keys
        .iter()
        .any(|k| k.api_key_id == created.api_key_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ram_user_without_permission_is_refused_with_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    let s = studio(dir.path());
    act_as(&s, RAM_NO_PERMISSION).await;
    let e = s
        .keys_list(RegionId::CnBeijing, KeyQuery::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e:?}");
    // The message tells the person what to ask for, in words.
    assert!(!e.message().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_identity_list_names_each_role_and_its_profile_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let s = studio(dir.path());
    let before = s.sandbox_identities().await.unwrap();
    let roles: Vec<_> = before.iter().map(|i| (i.name.as_str(), i.role)).collect();
    assert_eq!(
        roles,
        vec![
            (ROOT, SandboxRole::Root),
            (RAM_ADMIN, SandboxRole::RamWithPermission),
            (RAM_NO_PERMISSION, SandboxRole::RamWithoutPermission),
        ]
    );
    assert_eq!(before[0].profile_id.as_deref(), Some(SANDBOX_PROFILE_ID));
    assert_eq!(before[2].profile_id, None);
    assert!(before.iter().all(|i| !i.description.is_empty()));

    let id = act_as(&s, RAM_NO_PERMISSION).await;
    let after = s.sandbox_identities().await.unwrap();
    assert_eq!(after[2].profile_id.as_deref(), Some(id.as_str()));

    let text = serde_json::to_string(&after).unwrap();
    let db = s.dirs().data.join("sandbox.db");
    for i in studio_keys::sandbox::identities(&db).unwrap() {
        assert!(!text.contains(&i.access_key_id), "AccessKey id leaked");
        assert!(
            !text.contains(i.access_key_secret.expose()),
            "secret leaked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_the_sandbox_lacks_is_refused_and_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = studio(dir.path());
    let e = s
        .profile_add_sandbox_identity("ram-ghost".into())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.reason.as_deref(), Some("sandbox_identity_invalid"));
    assert_eq!(s.profiles_list().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_naming_an_identity_the_sandbox_lacks_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write_settings_acting_as_a_missing_identity(&dir.path().join("config"));
    let s = studio(dir.path());
    let e = s
        .keys_list(RegionId::CnBeijing, KeyQuery::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.reason.as_deref(), Some("sandbox_identity_missing"));
    assert!(e.message().contains("ghost"), "{}", e.message());
}
