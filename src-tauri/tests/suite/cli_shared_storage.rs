//! `skm` and the app share profiles and saved keys: a key created by `skm` is
//! found saved by the app, and `skm --profile sandbox` reaches the app's own
//! sandbox database. Needs a real Secret Service (scripts/test-session.sh).

use crate::support::app::{app_on, skm_on, Board};
use crate::support::keychain;

use std::path::Path;
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::SavedState;
use studio_keys::services::{Dirs, Studio};
use studio_keys::RegionId;

fn skm(dirs: &Dirs, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    skm_on(dirs, "en", args, env)
}

fn studio(root: &Path, board: &Board) -> (Studio, Dirs) {
    app_on(root, board)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_created_by_skm_is_saved_for_the_app() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (app, dirs) = studio(root.path(), &board);
    if let Some(e) = app.storage_status().await.keychain_error {
        panic!(
            "No usable Secret Service ({}); run inside scripts/test-session.sh",
            e.message
        );
    }
    let region = RegionId::ApSoutheast1;
    app.keys_list(region, KeyQuery::default()).await.unwrap(); // the app has made its sandbox
    drop(app);

    let (code, out, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--region",
            region.as_str(),
            "--json",
            "keys",
            "create",
            "--description",
            "made by skm",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(made["saved"], true);
    let value = made["apiKeyValue"].as_str().unwrap().to_owned();
    let key_id = made["apiKeyId"].as_i64().unwrap().to_string();

    let (app, _) = studio(root.path(), &board);
    let page = app.keys_list(region, KeyQuery::default()).await.unwrap();
    let listed = page.keys.iter().find(|k| k.api_key_id == key_id).unwrap();
    assert_eq!(
        listed.saved,
        SavedState::Saved,
        "the app finds skm's saved copy"
    );
    app.key_copy_saved(region, key_id.clone()).await.unwrap();
    assert_eq!(board.0.lock().unwrap().as_deref(), Some(value.as_str()));

    // Deleting from skm forgets the saved copy too.
    drop(app);
    let (code, _, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--region",
            region.as_str(),
            "keys",
            "delete",
            &key_id,
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (app, _) = studio(root.path(), &board);
    let saved = app.saved_keys().list().unwrap();
    assert!(
        saved.iter().all(|r| r.key.api_key_id.to_string() != key_id),
        "the deleted key's saved copy is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_with_the_sandbox_profile_sees_the_apps_sandbox() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (app, dirs) = studio(root.path(), &board);
    let region = RegionId::CnBeijing;
    let before = app.keys_list(region, KeyQuery::default()).await.unwrap();
    // The app is done with the database for now; skm opens the same one.
    drop(app);

    let (code, out, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--region",
            region.as_str(),
            "--json",
            "keys",
            "list",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<String> = listed.iter().map(|k| k["apiKeyId"].to_string()).collect();
    let mut expected: Vec<String> = before.keys.iter().map(|k| k.api_key_id.clone()).collect();
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected, "skm lists the same sandbox keys as the app");
}

#[test]
fn skm_prints_a_new_key_it_could_not_save_and_fails() {
    let root = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
    };
    let no_bus = format!("unix:path={}/no-such-bus", root.path().display());
    let (code, out, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--region",
            "cn-hongkong",
            "--json",
            "keys",
            "create",
        ],
        &[("DBUS_SESSION_BUS_ADDRESS", &no_bus)],
    );
    // The key exists only in this output now: it is printed, and the exit
    // status says it was not saved (KeychainUnavailable's class).
    // stdout is one JSON document, the key; the error goes to stderr.
    let made: serde_json::Value = serde_json::from_str(&out).expect(&err);
    assert!(made["apiKeyValue"].as_str().unwrap().starts_with("sk-"));
    assert_eq!(made["saved"], false);
    assert_eq!(code, 11, "{err}");
    let error: serde_json::Value = serde_json::from_str(&err).expect(&err);
    assert_eq!(error["error"]["code"], "KeychainUnavailable");
    assert!(err.contains("gnome-keyring-daemon"), "{err}");
}

/// Through another sandbox (a loopback `--endpoint`), key ids repeat what the
/// app's keys are named by: skm must neither save under nor forget those names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_through_another_sandbox_leaves_the_apps_saved_copies_alone() {
    use studio_keys::sandbox::{self, seed, SandboxConfig};
    use studio_keys::storage::vault::{KeyRef, KeyScope};
    use studio_keys::Secret;
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (app, dirs) = studio(root.path(), &board);
    let other = sandbox::start(SandboxConfig::new(root.path().join("other.db")))
        .await
        .unwrap();
    let region = RegionId::CnBeijing;
    let who = other.identity(seed::ROOT).unwrap();
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", who.access_key_id.as_str()),
        (
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            who.access_key_secret.expose(),
        ),
    ];
    let endpoint = other.openapi_base_url(region);
    let skm_other = |args: &[&str]| {
        let mut all = vec![
            "--region",
            region.as_str(),
            "--endpoint",
            endpoint.as_str(),
            "--json",
        ];
        all.extend_from_slice(args);
        skm(&dirs, &all, &env)
    };

    let (code, out, err) = skm_other(&["keys", "create", "--description", "elsewhere"]);
    assert_eq!(code, 0, "{err}");
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        made["saved"],
        serde_json::Value::Null,
        "not saved: not the app's names"
    );
    let id = made["apiKeyId"].as_i64().unwrap();

    // The app's own copy under the same name, as if it had a cloud key with that id.
    let apps = KeyRef::new(KeyScope::Cloud, region, id);
    let value = Secret::new(format!("sk-ws-{}", "a".repeat(40)));
    app.saved_keys().save(&apps, &value, "Workspace").unwrap();

    let (code, _, err) = skm_other(&["keys", "delete", &id.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        app.saved_keys().value(&apps).unwrap(),
        value,
        "the app's copy is still there"
    );
    // A key that is already gone is reported, as before the one-path change.
    let (code, _, err) = skm_other(&["keys", "delete", &id.to_string()]);
    assert_eq!(code, 5, "{err}");
    app.saved_keys().forget(&apps).unwrap();
}
