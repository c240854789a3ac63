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
