//! One path: `skm` and the app's IPC commands run the same `Studio`
//! operations, so on the same home and keychain they keep a key under the same
//! keychain entry and fail with the same words and the same class. The app side
//! calls `Studio` exactly as `commands/` does (and converts errors the same way,
//! `IpcError::from`); the `skm` side runs the real binary. Needs a real Secret
//! Service (scripts/test-session.sh).

use crate::support::app::{skm_on, write_settings_acting_as_a_missing_identity, Board};
use crate::support::keychain;

use std::path::Path;
use studio_keys::domain::error::IpcError;
use studio_keys::domain::i18n::Lang;
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, Permission, SaveStatus};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::storage::vault::{EntryName, KeyRef, KeyScope, Vault};
use studio_keys::{ErrorCode, RegionId};

const REGION: RegionId = RegionId::CnBeijing;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn skm(dirs: &Dirs, args: &[&str]) -> Run {
    skm_in(dirs, "en", args)
}

fn skm_in(dirs: &Dirs, lang: &str, args: &[&str]) -> Run {
    let mut all = vec!["--region", REGION.as_str()];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = skm_on(dirs, lang, &all, &[]);
    Run {
        code,
        stdout,
        stderr,
    }
}

fn app(root: &Path) -> (Studio, Dirs) {
    let dirs = Dirs {
        config: root.join("config"),
        data: root.join("data"),
    };
    let studio = Studio::with_clipboard(
        dirs.clone(),
        SecretClipboard::new(Box::new(Board::default())),
    )
    .unwrap();
    (studio, dirs)
}

/// What the app's command returns for `e`, in English like `skm --lang en`.
fn as_the_app_reports(e: studio_keys::Error) -> IpcError {
    IpcError {
        message: e.message_in(Lang::En),
        ..IpcError::from(e)
    }
}

/// `skm --json`'s error document.
fn skm_error(run: &Run) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("not one JSON document: {}\n{}", run.stdout, run.stderr));
    doc["error"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_and_the_app_keep_a_key_in_the_same_keychain_entry() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app(root.path());
    if let Some(e) = studio.storage_status().await.keychain_error {
        panic!(
            "No usable Secret Service ({}); run inside scripts/test-session.sh",
            e.message
        );
    }
    let made = studio
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: "one path".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    assert!(matches!(made.saved_to_keychain, SaveStatus::Saved));
    let id: i64 = made.api_key_id.parse().unwrap();
    let entry = EntryName::ApiKey(KeyRef::new(KeyScope::Sandbox, REGION, id));
    let vault = Vault::new();
    assert_eq!(vault.get(&entry).unwrap().as_ref(), Some(&made.value));

    // skm resets the app's key: the new value lands in the very same entry.
    let reset = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--json",
            "keys",
            "reset",
            &made.api_key_id,
        ],
    );
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    let doc: serde_json::Value = serde_json::from_str(&reset.stdout).unwrap();
    assert_eq!(doc["saved"], true);
    let new_value = doc["apiKeyValue"].as_str().unwrap().to_owned();
    assert_ne!(new_value, made.value.expose());
    assert_eq!(vault.get(&entry).unwrap().unwrap().expose(), new_value);
    let copies: Vec<_> = studio
        .saved_keys()
        .list()
        .unwrap()
        .into_iter()
        .filter(|r| r.key.api_key_id == id)
        .collect();
    assert_eq!(copies.len(), 1, "one saved copy of the key, not two");

    // And the app's reset of a key skm made writes skm's entry.
    let created = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--json",
            "keys",
            "create",
            "--description",
            "by skm",
        ],
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let doc: serde_json::Value = serde_json::from_str(&created.stdout).unwrap();
    let skm_id = doc["apiKeyId"].as_i64().unwrap();
    let again = studio.key_reset(REGION, skm_id.to_string()).await.unwrap();
    let skm_entry = EntryName::ApiKey(KeyRef::new(KeyScope::Sandbox, REGION, skm_id));
    assert_eq!(vault.get(&skm_entry).unwrap().as_ref(), Some(&again.value));
    for id in [id, skm_id] {
        studio.key_delete(REGION, id.to_string()).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_and_the_app_refuse_bad_input_with_the_same_words_and_class() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app(root.path());
    let too_long = "x".repeat(300);
    let by_app = as_the_app_reports(
        studio
            .key_create(CreateKeyInput {
                region: REGION,
                workspace_id: None,
                description: too_long.clone(),
                permission: Permission::all(),
            })
            .await
            .unwrap_err(),
    );
    assert_eq!(by_app.code, ErrorCode::InvalidInput);
    let run = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--json",
            "keys",
            "create",
            "--description",
            &too_long,
        ],
    );
    let by_skm = skm_error(&run);
    assert_eq!(by_skm["code"], "InvalidInput");
    assert_eq!(by_skm["message"], by_app.message.as_str());
    assert_eq!(run.code, by_app.code.exit_code());

    // Text output says the same sentence.
    let run = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "keys",
            "create",
            "--description",
            &too_long,
        ],
    );
    assert!(run.stderr.contains(&by_app.message), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_sandbox_identity_reads_the_same_in_skm_and_the_app() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    write_settings_acting_as_a_missing_identity(&root.path().join("config"));
    let (studio, dirs) = app(root.path());
    let by_app = as_the_app_reports(
        studio
            .keys_list(REGION, KeyQuery::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(by_app.code, ErrorCode::NotFound);
    assert!(by_app.message.contains("ghost"), "{}", by_app.message);
    assert!(!by_app.message.contains("%{"), "{}", by_app.message);

    // skm acts as the active profile, the ghost one, like the app.
    let run = skm(&dirs, &["--json", "keys", "list"]);
    let by_skm = skm_error(&run);
    assert_eq!(by_skm["code"], "NotFound");
    assert_eq!(by_skm["message"], by_app.message.as_str());
    assert_eq!(run.code, by_app.code.exit_code());
    // In every language the catalog has, the name is filled in.
    for lang in Lang::ALL {
        let e = studio
            .keys_list(REGION, KeyQuery::default())
            .await
            .unwrap_err();
        let text = e.message_in(lang);
        assert!(
            text.contains("ghost") && !text.contains("%{"),
            "{lang:?}: {text}"
        );
    }
    let run = skm_in(&dirs, "zh-CN", &["keys", "list"]);
    let in_chinese = studio
        .keys_list(REGION, KeyQuery::default())
        .await
        .unwrap_err()
        .message_in(Lang::ZhCn);
    assert!(run.stderr.contains(&in_chinese), "{}", run.stderr);
}
