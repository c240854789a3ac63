//! Leak scan: a full journey through the services against the in-process
//! sandbox (create, reset, copy, copy as env, export to a `.env` that the scan
//! leaves out, save a pasted key, delete), then every file under the app's
//! config, data (sandbox database included) and cache dirs, and the whole
//! test session (HOME, XDG dirs, logs, the keyring's own files) is searched
//! for every secret value: each key value and the AccessKey secret. Zero hits.
//!
//! Needs a real Secret Service: `scripts/test-session.sh cargo test
//! --no-default-features --test suite leak_scan::`.

use crate::support::app::Board;
use crate::support::keychain;

use std::path::{Path, PathBuf};
use studio_keys::services::views::{CreateKeyInput, ExportFormat, Permission};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::RegionId;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => files_under(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

fn hits(roots: &[PathBuf], skip: &Path, secrets: &[String]) -> Vec<String> {
    let mut files = Vec::new();
    for r in roots {
        files_under(r, &mut files);
    }
    let mut found = Vec::new();
    for f in files.iter().filter(|f| f.as_path() != skip) {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        for (i, s) in secrets.iter().enumerate() {
            if bytes.windows(s.len()).any(|w| w == s.as_bytes()) {
                found.push(format!("secret #{i} in {}", f.display()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_value_is_left_in_any_file_after_a_full_journey() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
    };
    let cache = root.path().join("cache");
    let outside = tempfile::tempdir().unwrap();
    let env_file = outside.path().join(".env");

    let board = Board::default();
    let studio =
        Studio::with_clipboard(dirs.clone(), SecretClipboard::new(Box::new(board.clone())))
            .unwrap();
    if let Some(e) = studio.storage_status().await.keychain_error {
        panic!(
            "No usable Secret Service ({}); run inside scripts/test-session.sh",
            e.message
        );
    }
    let mut secrets = Vec::new();

    // A cloud profile: its AccessKey secret must end up in the keychain only.
    let ak_secret = format!("fakeAkSecret{}", uuid::Uuid::new_v4().simple());
    studio
        .profile_add(
            serde_json::from_value(serde_json::json!({
                "name": "Leak scan", "accessKeyId": "LTAI5tFakeLeakScan0001",
                "accessKeySecret": ak_secret, "defaultRegion": "cn-beijing"
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    secrets.push(ak_secret);

    // The journey, on the sandbox profile (active on first start).
    let region = RegionId::CnBeijing;
    let created = studio
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: "leak scan".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    secrets.push(created.value.expose().to_owned());
    let id = created.api_key_id.clone();
    studio.one_time_copy(created.handle.clone()).await.unwrap();
    studio.one_time_close(&created.handle);

    let reset = studio.key_reset(region, id.clone()).await.unwrap();
    assert_ne!(reset.value, created.value);
    secrets.push(reset.value.expose().to_owned());
    studio.one_time_close(&reset.handle);

    let copied = studio.key_copy_saved(region, id.clone()).await.unwrap();
    assert!(copied.holds_secret);
    assert_eq!(
        board.0.lock().unwrap().as_deref(),
        Some(reset.value.expose())
    );
    studio.key_copy_env(region, id.clone()).await.unwrap();
    let env_text = studio
        .key_export_content(region, id.clone(), ExportFormat::Env)
        .await
        .unwrap();
    studio_keys::storage::export::write_file(&env_file, &env_text).unwrap();

    // A second key, saved by pasting its value, then deleted (which forgets it).
    let second = studio
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: "second".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    secrets.push(second.value.expose().to_owned());
    studio.one_time_close(&second.handle);
    studio
        .key_forget(region, second.api_key_id.clone())
        .await
        .unwrap();
    studio
        .key_save_pasted(region, second.api_key_id.clone(), second.value.clone())
        .await
        .unwrap();
    studio
        .key_delete(region, second.api_key_id.clone())
        .await
        .unwrap();
    studio.keys_list(region, None).await.unwrap();
    studio.shutdown();
    assert_eq!(
        *board.0.lock().unwrap(),
        None,
        "quit clears our secret from the clipboard"
    );

    let mut roots = vec![dirs.config.clone(), dirs.data.clone(), cache];
    if let Some(session) = std::env::var_os("STUDIO_KEYS_SESSION_DIR") {
        roots.push(PathBuf::from(session)); // HOME, XDG dirs, logs, the keyring files
    }
    assert!(
        dirs.data.join("sandbox.db").exists(),
        "the journey did not use the sandbox DB"
    );

    // The scanner finds a value where it is: the exported file holds it.
    let control = hits(&[outside.path().to_path_buf()], Path::new(""), &secrets);
    assert_eq!(control.len(), 1, "{control:?}");

    let found = hits(&roots, &env_file, &secrets);
    assert!(found.is_empty(), "secret values found on disk: {found:?}");
}
