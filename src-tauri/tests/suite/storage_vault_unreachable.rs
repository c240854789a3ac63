//! What a person sees when no keychain answers: a KeychainUnavailable error
//! that says how to start one, and nothing written anywhere in plain text.
//!
//! In a process of its own: it points the process's D-Bus at a socket that
//! does not exist (which must not disturb the other keychain tests), and the
//! app's config, data and cache dirs, HOME and the XDG dirs at one tree. It
//! saves a profile, creates and resets a key, saves a pasted one and imports
//! credentials, then searches that whole tree for every secret value.

#![cfg(target_os = "linux")]

use crate::support::app::Board;
use crate::support::{leaks, process};
use std::ffi::OsStr;
use std::path::PathBuf;
use studio_keys::domain::i18n::Lang;
use studio_keys::services::views::{CreateKeyInput, Permission, SaveStatus};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::storage::vault::{EntryName, Vault};
use studio_keys::{ErrorCode, RegionId, Secret};

/// The tree everything of the app points into, set by the parent.
const TREE_ENV: &str = "STUDIO_KEYS_TEST_UNREACHABLE_TREE";
/// The credentials file to import, outside the tree, set by the parent.
const IMPORT_ENV: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

#[test]
fn unreachable_secret_service_is_keychain_unavailable_with_instructions() {
    let tree = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let t = |name: &str| {
        let p = tree.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p.into_os_string()
    };
    let bus = format!("unix:path={}/no-such-bus", outside.path().display());
    let import_secret = format!("importedSecret{}", uuid::Uuid::new_v4().simple());
    let credentials = outside.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[default]\ntype = access_key\naccess_key_id = LTAI5tFakeImport000001\n\
             access_key_secret = {import_secret}\nregion_id = cn-beijing\n"
        ),
    )
    .unwrap();
    let no_cli_config = outside.path().join("no-aliyun-config.json");
    let (home, config, data, cache) = (t("home"), t("config"), t("data"), t("cache"));
    let (xdg_config, xdg_data, xdg_cache, xdg_state) = (
        t("xdg-config"),
        t("xdg-data"),
        t("xdg-cache"),
        t("xdg-state"),
    );
    process::run_alone(
        &process::test_name(module_path!(), "in_its_own_process"),
        &[
            ("DBUS_SESSION_BUS_ADDRESS", bus.as_ref()),
            (TREE_ENV, tree.path().as_os_str()),
            ("HOME", &home),
            ("STUDIO_KEYS_CONFIG_DIR", &config),
            ("STUDIO_KEYS_DATA_DIR", &data),
            ("STUDIO_KEYS_CACHE_DIR", &cache),
            ("XDG_CONFIG_HOME", &xdg_config),
            ("XDG_DATA_HOME", &xdg_data),
            ("XDG_CACHE_HOME", &xdg_cache),
            ("XDG_STATE_HOME", &xdg_state),
            (IMPORT_ENV, credentials.as_os_str()),
            ("ALIBABA_CLOUD_CONFIG_FILE", no_cli_config.as_os_str()),
            // Credentials of the environment would be an import candidate too.
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", OsStr::new("")),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", OsStr::new("")),
        ],
    );
    // The child searched the tree; the scanner finds the imported secret
    // where it does lie, outside it.
    let control = leaks::hits(&[outside.path().to_path_buf()], &[], &[import_secret]);
    assert_eq!(control.len(), 1, "{control:?}");
}

fn assert_unavailable(what: &str, err: &studio_keys::Error) {
    assert_eq!(err.code, ErrorCode::KeychainUnavailable, "{what}: {err:?}");
    let message = err.message_in(Lang::En);
    assert!(
        message.contains("gnome-keyring-daemon"),
        "{what}: {message}"
    );
}

/// The test proper, in a process whose D-Bus address points nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a process of its own: run by unreachable_secret_service_is_keychain_unavailable_with_instructions"]
async fn in_its_own_process() {
    if !process::is_alone(&process::test_name(module_path!(), "in_its_own_process")) {
        return; // `--include-ignored` in the shared process: the test above runs it.
    }
    let tree = PathBuf::from(std::env::var_os(TREE_ENV).expect("set by the parent test"));
    let mut secrets: Vec<String> = Vec::new();

    // The vault itself.
    let vault = Vault::new();
    let name = EntryName::AccessKeySecret {
        profile_id: "unreachable-test".into(),
    };
    let never = "aksecret-fake-never-stored";
    secrets.push(never.into());
    let err = vault.set(&name, &Secret::new(never)).unwrap_err();
    assert_unavailable("vault set", &err);
    let message = err.message_in(Lang::En);
    assert!(message.contains("plain text"), "{message}");
    println!("A person sees: {message}");
    println!("中文: {}", err.message_in(Lang::ZhCn));
    assert!(!format!("{err:?}").contains("never-stored"));
    assert_eq!(
        vault.get(&name).unwrap_err().code,
        ErrorCode::KeychainUnavailable
    );

    // The app, on the directories the environment names (all in the tree).
    let dirs = Dirs::from_env();
    assert!(dirs.config.starts_with(&tree) && dirs.data.starts_with(&tree));
    let board = Board::default();
    let studio = Studio::with_clipboard(dirs.clone(), SecretClipboard::new(Box::new(board)))
        .expect("settings open without a keychain");
    let status = studio.storage_status().await;
    assert_eq!(
        status.keychain_error.map(|e| e.code),
        Some(ErrorCode::KeychainUnavailable),
        "the app says so before anything is tried"
    );

    // The first run: the sandbox is chosen (which writes the settings file).
    studio.profile_activate("sandbox".into()).await.unwrap();
    studio
        .profile_set_region(RegionId::CnBeijing)
        .await
        .unwrap();

    // Save a profile with its AccessKey secret and an STS token.
    let ak_secret = format!("fakeAkSecret{}", uuid::Uuid::new_v4().simple());
    let sts_token = format!("STS.fakeToken{}", uuid::Uuid::new_v4().simple());
    secrets.extend([ak_secret.clone(), sts_token.clone()]);
    let err = studio
        .profile_add(
            serde_json::from_value(serde_json::json!({
                "name": "No keychain", "accessKeyId": "LTAI5tFakeUnreachable1",
                "accessKeySecret": ak_secret, "securityToken": sts_token,
                "defaultRegion": "cn-beijing"
            }))
            .unwrap(),
        )
        .await
        .unwrap_err();
    assert_unavailable("profile add", &err);
    let names: Vec<String> = studio
        .profiles_list()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(
        !names.iter().any(|n| n == "No keychain"),
        "no half-saved profile: {names:?}"
    );

    // Create and reset on the sandbox profile: the value is shown once and
    // said to be unsaved, never kept elsewhere instead.
    let region = RegionId::CnBeijing;
    let created = studio
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: "no keychain".into(),
            permission: Permission::all(),
        })
        .await
        .expect("the key is made and shown even without a keychain");
    secrets.push(created.value.expose().to_owned());
    match &created.saved_to_keychain {
        SaveStatus::Failed { error } => {
            assert_eq!(error.code, ErrorCode::KeychainUnavailable, "{error:?}")
        }
        other => panic!("a value that could not be saved is said to be: {other:?}"),
    }
    studio.one_time_close(&created.handle);
    let reset = studio
        .key_reset(region, created.api_key_id.clone())
        .await
        .unwrap();
    assert_ne!(reset.value, created.value);
    secrets.push(reset.value.expose().to_owned());
    assert!(matches!(reset.saved_to_keychain, SaveStatus::Failed { .. }));
    studio.one_time_close(&reset.handle);

    // Save a pasted value.
    let err = studio
        .key_save_pasted(region, created.api_key_id.clone(), reset.value.clone())
        .await
        .unwrap_err();
    assert_unavailable("save pasted", &err);

    // Import credentials another tool keeps.
    let found = studio.profile_import_candidates().await.unwrap();
    let ids: Vec<&str> = found.candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["credentialsFile:default"],
        "the planted file is found"
    );
    let import_path = PathBuf::from(std::env::var_os(IMPORT_ENV).unwrap());
    let imported = std::fs::read_to_string(&import_path).unwrap();
    let import_secret = imported
        .lines()
        .find_map(|l| l.strip_prefix("access_key_secret = "))
        .unwrap()
        .to_string();
    secrets.push(import_secret);
    let err = studio
        .profile_import("credentialsFile:default".into(), "Imported".into())
        .await
        .unwrap_err();
    assert_unavailable("import", &err);
    studio.shutdown();
    drop(studio);

    // The app did write into the tree: the scan covers what it wrote.
    let files = leaks::files_under(&tree);
    println!("scanned under {}: {files:#?}", tree.display());
    assert!(dirs.config.join("settings.json").is_file());
    assert!(dirs.data.join("sandbox.db").is_file());
    let found = leaks::hits(std::slice::from_ref(&tree), &[], &secrets);
    assert!(
        found.is_empty(),
        "secret values written in plain text: {found:?}"
    );
}
