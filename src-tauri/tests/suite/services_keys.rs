//! Key rules enforced by the services themselves, whatever the UI offers.

use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, Permission, PermissionType};
use studio_keys::services::{Dirs, Studio};
use studio_keys::{ErrorCode, RegionId};

/// The app's core on a home of its own under `root` (config/ and data/).
fn studio_in(root: &std::path::Path) -> Studio {
    Studio::open(Dirs {
        config: root.join("config"),
        data: root.join("data"),
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_permissions_in_virginia_are_refused_not_widened_to_all() {
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    let before = studio
        .keys_list(RegionId::UsEast1, KeyQuery::default())
        .await
        .unwrap();
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
    let after = studio
        .keys_list(RegionId::UsEast1, KeyQuery::default())
        .await
        .unwrap();
    assert_eq!(after.keys.len(), before.keys.len(), "no key was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_values_never_show_more_than_a_mask() {
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    let page = studio
        .keys_list(RegionId::CnBeijing, KeyQuery::default())
        .await
        .unwrap();
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
    let studio = studio_in(root.path());
    studio
        .keys_list(RegionId::CnBeijing, KeyQuery::default())
        .await
        .unwrap();
    assert_eq!(mode(&data), 0o700);
    for file in ["sandbox.db", "sandbox.db-wal", "sandbox.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}

/// "All regions": the keys of the six regions in one list; a region that
/// fails brings its own error, and the other five still show.
#[cfg(feature = "fault-injection")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_regions_list_every_region_and_a_failing_one_says_so() {
    use studio_keys::sandbox::FaultConfig;
    use studio_keys::storage::clipboard::SecretClipboard;
    let root = tempfile::tempdir().unwrap();
    let studio = Studio::with_sandbox_faults(
        Dirs {
            config: root.path().join("config"),
            data: root.path().join("data"),
        },
        SecretClipboard::system(),
        FaultConfig {
            fail_region: Some(RegionId::ApNortheast1),
            ..Default::default()
        },
    )
    .unwrap();
    let all = studio.keys_list_all_regions().await;
    assert_eq!(
        all.iter().map(|r| r.region).collect::<Vec<_>>(),
        RegionId::ALL.to_vec(),
        "every region, in the switcher's order"
    );
    for r in &all {
        if r.region == RegionId::ApNortheast1 {
            let e = r.error.as_ref().expect("Tokyo is down");
            assert!(!e.message.is_empty());
            assert!(r.page.is_none());
        } else {
            let page = r
                .page
                .as_ref()
                .unwrap_or_else(|| panic!("{:?}: {:?}", r.region, r.error));
            assert!(page.keys.iter().all(|k| k.region == r.region));
        }
    }
    let listed: usize = all
        .iter()
        .filter_map(|r| r.page.as_ref())
        .map(|p| p.keys.len())
        .sum();
    assert!(
        listed > 0,
        "the demo world's keys of the other regions show"
    );
}

/// A review date is kept per key on this computer and flags the key once it
/// has come; a key that is deleted takes its date with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_date_flags_its_key_once_it_has_come() {
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    let region = RegionId::CnBeijing;
    let page = studio.keys_list(region, KeyQuery::default()).await.unwrap();
    // The list knows who "you" are (STS, then remembered) to mark your keys.
    let you = page.you.clone().expect("the caller is known");
    assert!(page
        .keys
        .iter()
        .any(|k| k.created_by.as_deref() == Some(you.as_str())));
    let (a, b) = (&page.keys[0].api_key_id, &page.keys[1].api_key_id);
    let yesterday = (chrono::Local::now().date_naive() - chrono::Days::new(1)).to_string();
    let next_year = (chrono::Local::now().date_naive() + chrono::Days::new(365)).to_string();
    studio
        .key_set_review_date(region, a.clone(), Some(yesterday.clone()), "first".into())
        .await
        .unwrap();
    studio
        .key_set_review_date(region, b.clone(), Some(next_year.clone()), "second".into())
        .await
        .unwrap();
    let page = studio.keys_list(region, KeyQuery::default()).await.unwrap();
    let find = |id: &str| {
        page.keys
            .iter()
            .find(|k| k.api_key_id == id)
            .unwrap()
            .clone()
    };
    assert_eq!(find(a).review_by.as_deref(), Some(yesterday.as_str()));
    assert!(find(a).review_due, "its date has come");
    assert!(!find(b).review_due, "next year's has not");
    // The launch reminder names the due key by its listed description, and
    // the OS notification says it once a day.
    let due = studio.reviews_due().await.unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(
        (&due[0].api_key_id, &due[0].label),
        (a, &find(a).description)
    );
    let reminder = studio.review_reminder().await.unwrap().expect("a reminder");
    assert!(
        reminder.body.contains(&find(a).description),
        "{}",
        reminder.body
    );
    studio.review_reminded(reminder.keys).await.unwrap();
    assert_eq!(studio.review_reminder().await.unwrap(), None, "once a day");
    let e = studio
        .key_set_review_date(
            region,
            a.clone(),
            Some("next tuesday".into()),
            String::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    studio
        .key_set_review_date(region, a.clone(), None, String::new())
        .await
        .unwrap();
    let page = studio.keys_list(region, KeyQuery::default()).await.unwrap();
    assert!(page
        .keys
        .iter()
        .all(|k| k.api_key_id != *a || k.review_by.is_none()));
}

/// At launch the app warms up the active profile's client while its window
/// loads: the sandbox profile's first list then finds the sandbox running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warming_up_on_the_sandbox_profile_starts_the_sandbox_before_the_first_list() {
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    assert!(
        !studio.sandbox_started(),
        "nothing starts before it is asked"
    );
    studio.warm_up().await;
    assert!(studio.sandbox_started());
    let page = studio
        .keys_list(RegionId::CnBeijing, KeyQuery::default())
        .await
        .unwrap();
    assert!(!page.keys.is_empty());
}

/// A cloud profile's warm-up never starts the sandbox (its database, its
/// server), even when the profile's AccessKey cannot be read: the list says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warming_up_on_a_cloud_profile_leaves_the_sandbox_stopped() {
    let root = tempfile::tempdir().unwrap();
    let config = root.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("settings.json"),
        r#"{"version":2,"activeProfileId":"work","profiles":[
            {"id":"sandbox","name":"Sandbox","kind":"Sandbox","defaultRegion":"cn-beijing"},
            {"id":"work","name":"Work","kind":"AlibabaCloud","accessKeyId":"warm-up-test-id",
             "defaultRegion":"ap-southeast-1"}]}"#,
    )
    .unwrap();
    let studio = studio_in(root.path());
    studio.warm_up().await;
    assert!(!studio.sandbox_started());
    assert!(!root.path().join("data").join("sandbox.db").exists());
}

/// Everything the app writes is its user's alone: every file in the config
/// and data folders 0600 and every folder 0700 (settings, saved-key index,
/// review dates, callers, the journal, the audit log, the sandbox).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_the_app_writes_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let _keychain = crate::support::keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    let region = RegionId::CnBeijing;
    let made = studio
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: "modes".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    studio.one_time_close(&made.handle);
    studio
        .key_set_review_date(
            region,
            made.api_key_id.clone(),
            Some("2030-01-01".into()),
            "modes".into(),
        )
        .await
        .unwrap();
    studio.keys_list(region, KeyQuery::default()).await.unwrap();
    let mut checked = 0;
    let mut stack = vec![root.path().join("config"), root.path().join("data")];
    while let Some(dir) = stack.pop() {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                let mode = meta.permissions().mode() & 0o777;
                assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6,
        "settings, index, review dates, journal, audit, sandbox: {checked}"
    );
}

/// The tray's menu (issue 32) comes from the saved-key index alone: a key
/// saved when made is named at once, a description changed afterwards shows
/// after the next listing, a forgotten key leaves the menu, and the tray
/// does not hand out a saved copy that failed a check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_menu_follows_saved_keys_and_what_the_list_says_of_them() {
    use studio_keys::services::tray::TrayMenu;
    use studio_keys::services::views::UpdateKeyInput;
    let root = tempfile::tempdir().unwrap();
    let studio = studio_in(root.path());
    let made = studio
        .key_create(CreateKeyInput {
            region: RegionId::CnBeijing,
            workspace_id: None,
            description: "tray first".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    let id = made.api_key_id.clone();
    let label = |menu: &TrayMenu| {
        menu.regions
            .iter()
            .flat_map(|r| &r.keys)
            .find(|k| k.copy.id == format!("copy:cn-beijing:{id}"))
            .map(|k| k.label.clone())
    };
    let first = label(&studio.tray_menu(None).await.unwrap()).expect("the new key is in the menu");
    assert!(first.starts_with("tray first  sk-"), "{first}");
    assert!(!first.contains(made.value.expose()), "{first}");

    // Described anew in the window (then listed): the menu follows; a
    // description cleared leaves it too.
    let describe_and_list = |description: &'static str| {
        let (studio, id) = (&studio, id.clone());
        async move {
            studio
                .key_update(UpdateKeyInput {
                    region: RegionId::CnBeijing,
                    api_key_id: id,
                    description: Some(description.into()),
                    permission: Default::default(),
                })
                .await
                .unwrap();
            studio
                .keys_list(RegionId::CnBeijing, KeyQuery::default())
                .await
                .unwrap();
            label(&studio.tray_menu(None).await.unwrap()).unwrap()
        }
    };
    let renamed = describe_and_list("tray renamed").await;
    assert!(renamed.starts_with("tray renamed  sk-"), "{renamed}");
    let cleared = describe_and_list("").await;
    assert!(cleared.starts_with(&format!("Key {id}  sk-")), "{cleared}");

    let saved = studio
        .saved_keys()
        .list()
        .unwrap()
        .into_iter()
        .find(|r| r.key.api_key_id.to_string() == id)
        .unwrap();
    studio.saved_keys().set_stale(&saved.key, true).unwrap();
    let e = studio
        .tray_copy(RegionId::CnBeijing, saved.key.api_key_id, false)
        .await
        .unwrap_err();
    assert_eq!(e.reason.as_deref(), Some("saved_copy_stale"), "{e}");

    studio
        .key_forget(RegionId::CnBeijing, id.clone())
        .await
        .unwrap();
    assert_eq!(label(&studio.tray_menu(None).await.unwrap()), None);
}
