//! Key rules enforced by the services themselves, whatever the UI offers.

use studio_keys::services::views::{CreateKeyInput, Permission, PermissionType};
use studio_keys::services::{Dirs, Studio};
use studio_keys::{ErrorCode, RegionId};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_permissions_in_virginia_are_refused_not_widened_to_all() {
    let root = tempfile::tempdir().unwrap();
    let studio = Studio::open(Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
    })
    .unwrap();
    let before = studio.keys_list(RegionId::UsEast1, None).await.unwrap();
    let e = studio
        .key_create(CreateKeyInput {
            region: RegionId::UsEast1,
            workspace_id: None,
            description: "office only".into(),
            permission: Permission {
                kind: PermissionType::Custom,
                access_ips: vec!["203.0.113.0/24".into()],
                allow_all_models: true,
                accessible_models: vec![],
            },
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    let after = studio.keys_list(RegionId::UsEast1, None).await.unwrap();
    assert_eq!(after.keys.len(), before.keys.len(), "no key was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_values_never_show_more_than_a_mask() {
    let root = tempfile::tempdir().unwrap();
    let studio = Studio::open(Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
    })
    .unwrap();
    let page = studio.keys_list(RegionId::CnBeijing, None).await.unwrap();
    assert!(!page.keys.is_empty());
    for k in &page.keys {
        assert!(k.masked_value.contains('*'), "{}", k.masked_value);
    }
}

/// The app's sandbox database holds the sandbox identities' AccessKey secrets:
/// its folder (the app's data folder) is 0700 and its files 0600, even when an
/// older build left the folder open.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_own_sandbox_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let studio = Studio::open(Dirs {
        config: root.path().join("config"),
        data: data.clone(),
    })
    .unwrap();
    studio.keys_list(RegionId::CnBeijing, None).await.unwrap();
    assert_eq!(mode(&data), 0o700);
    for file in ["sandbox.db", "sandbox.db-wal", "sandbox.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}
