//! Planted files in the journal of interrupted runs never act: a record
//! dated in the future that names a Reset, a link to a device, a record
//! under a name that is not its id. Each is reported once, set aside, and
//! the key it names is left alone. The folder is private.

use crate::support::app::{app_on, skm_on, Board};
use crate::support::keychain;
use studio_keys::services::views::{CreateKeyInput, KeyQuery, Permission};
use studio_keys::RegionId;

const REGION: RegionId = RegionId::CnBeijing;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_journal_record_is_reported_once_and_never_acted_on() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let made = studio
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: "victim".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    studio.one_time_close(&made.handle);
    let masked_before = |keys: &[studio_keys::services::views::KeyView]| {
        keys.iter()
            .find(|k| k.api_key_id == made.api_key_id)
            .map(|k| k.masked_value.clone())
            .unwrap()
    };
    let before = masked_before(
        &studio
            .keys_list(REGION, KeyQuery::default())
            .await
            .unwrap()
            .keys,
    );

    let journal = dirs.data.join("intents");
    std::fs::create_dir_all(&journal).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let planted = |id: &str, at: i64| {
        serde_json::json!({
            "id": id, "action": "reset", "region": "cn-beijing", "profileId": "sandbox",
            "accessKeyId": "whoever", "endpoint": null, "description": null,
            "workspaceId": null, "apiKeyId": made.api_key_id.parse::<i64>().unwrap(),
            "requestedAtMs": at, "beforeIds": [], "settledAtMs": null, "madeKeyId": null
        })
        .to_string()
    };
    let future = uuid::Uuid::new_v4().to_string();
    std::fs::write(
        journal.join(format!("{future}.json")),
        planted(&future, now + 365 * 24 * 3600 * 1000),
    )
    .unwrap();
    let misnamed = uuid::Uuid::new_v4().to_string();
    std::fs::write(
        journal.join("reset-me.json"),
        planted(&misnamed, now - 1000),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "/dev/zero",
        journal.join(format!("{}.json", uuid::Uuid::new_v4())),
    )
    .unwrap();

    // A command that settles interrupted runs first: it must finish, say
    // what it refused, and reset nothing.
    let started = std::time::Instant::now();
    let (code, _, err) = skm_on(&dirs, "en", &["--profile", "sandbox", "keys", "list"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        started.elapsed().as_secs() < 60,
        "no hang on a link to a device"
    );
    for why in [
        "dated in the future",
        "name is not a record id",
        "not a plain file",
    ] {
        assert!(err.contains(why), "{why} is said: {err}");
    }
    let after = masked_before(
        &studio
            .keys_list(REGION, KeyQuery::default())
            .await
            .unwrap()
            .keys,
    );
    assert_eq!(after, before, "the key was not reset");
    // Once: set aside, not said again.
    let (code, _, err) = skm_on(&dirs, "en", &["--profile", "sandbox", "keys", "list"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not one Studio Keys wrote"), "{err}");
    assert!(journal.join(format!("{future}.json.refused")).exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The next Create makes the folder private, even though it was planted open.
        studio
            .key_create(CreateKeyInput {
                region: REGION,
                workspace_id: None,
                description: "after".into(),
                permission: Permission::all(),
            })
            .await
            .unwrap();
        let mode = std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
