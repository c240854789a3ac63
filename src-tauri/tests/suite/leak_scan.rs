//! Leak scan: a full journey through the services against the in-process
//! sandbox (create, reset, copy, copy as env, export to a `.env` that the scan
//! leaves out, save a pasted key, delete), logged as the app logs, then every
//! file under the app's config, data (sandbox database included), cache and
//! log dirs, and the whole test session (HOME, XDG dirs, the keyring's own
//! files) is searched for every secret value: each key value and the
//! AccessKey secret, in every encoding `support::leaks` knows. Zero hits.
//!
//! In a process of its own: it installs a logger (one per process) and points
//! the app's dirs at its tree through the environment.
//!
//! Needs a real Secret Service and the session dir: `scripts/test-session.sh
//! cargo test --no-default-features --test suite leak_scan::`.

use crate::support::app::Board;
use crate::support::{keychain, leaks, process};

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use studio_keys::domain::redact;
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, ExportFormat, Permission};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::RegionId;

/// The tree the app's dirs and the log are in, set by the parent.
const ROOT_ENV: &str = "STUDIO_KEYS_TEST_LEAK_SCAN_ROOT";
/// HOME, the XDG dirs and the keyring's files of the test session.
const SESSION_ENV: &str = "STUDIO_KEYS_SESSION_DIR";
const LOG_FILE: &str = "logs/studio-keys.log";

#[test]
fn no_secret_value_is_left_in_any_file_or_log_after_a_full_journey() {
    let session = std::env::var_os(SESSION_ENV).unwrap_or_else(|| {
        panic!("{SESSION_ENV} is not set: run inside scripts/test-session.sh, which provides the session to scan")
    });
    assert!(
        PathBuf::from(&session).is_dir(),
        "{SESSION_ENV} names no directory"
    );
    // The child uses the Secret Service: no other test of this process may meanwhile.
    let _keychain = keychain::blocking_lock();
    let root = tempfile::tempdir().unwrap();
    let dir = |name: &str| {
        let p = root.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p.into_os_string()
    };
    let (config, data, cache) = (dir("config"), dir("data"), dir("cache"));
    dir("logs");
    process::run_alone(
        &process::test_name(module_path!(), "journey_in_its_own_process"),
        &[
            (ROOT_ENV, root.path().as_os_str()),
            ("STUDIO_KEYS_CONFIG_DIR", &config),
            ("STUDIO_KEYS_DATA_DIR", &data),
            ("STUDIO_KEYS_CACHE_DIR", &cache),
        ],
    );
}

/// The app's log, as tauri-plugin-log writes it in the app: the same level
/// and the same line (`redact::log_line`), into a file of the scanned tree.
struct FileLog(Mutex<std::fs::File>);

impl log::Log for FileLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= redact::LOG_LEVEL
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = redact::log_line(record.level(), &record.args().to_string());
            let _ = writeln!(self.0.lock().unwrap(), "{line}");
        }
    }

    fn flush(&self) {
        let _ = self.0.lock().unwrap().flush();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a process of its own: run by no_secret_value_is_left_in_any_file_or_log_after_a_full_journey"]
async fn journey_in_its_own_process() {
    if !process::is_alone(&process::test_name(
        module_path!(),
        "journey_in_its_own_process",
    )) {
        return; // `--include-ignored` in the shared process: the test above runs it.
    }
    let root = PathBuf::from(std::env::var_os(ROOT_ENV).expect("set by the parent test"));
    let session = PathBuf::from(std::env::var_os(SESSION_ENV).expect("checked by the parent"));
    let log_path = root.join(LOG_FILE);
    let logger = FileLog(Mutex::new(std::fs::File::create(&log_path).unwrap()));
    log::set_logger(Box::leak(Box::new(logger))).expect("the only logger of this process");
    log::set_max_level(redact::LOG_LEVEL);

    let outside = tempfile::tempdir().unwrap();
    let env_file = outside.path().join(".env");
    let dirs = Dirs::from_env();
    assert!(dirs.config.starts_with(&root) && dirs.data.starts_with(&root));

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
    let env_export = studio
        .key_export(region, id.clone(), ExportFormat::Env)
        .await
        .unwrap();
    assert_eq!(env_export.suggested_name, ".env");
    studio
        .export_write(env_file.clone(), env_export)
        .await
        .unwrap();

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
    studio.keys_list(region, KeyQuery::default()).await.unwrap();
    // A value that reaches a message anyway (a server echoing it back) is
    // masked before it is written: the scrubber's claim, through the logger.
    log::warn!("server echoed the new key {} back", created.value.expose());
    log::info!("leak scan: journey done");
    studio.shutdown();
    assert_eq!(
        *board.0.lock().unwrap(),
        None,
        "quit clears our secret from the clipboard"
    );
    log::logger().flush();

    // The log was written through the journey: the sandbox's listeners and
    // the closing line are in it (the masked echo is checked after the scan).
    let log_text = std::fs::read_to_string(&log_path).unwrap();
    print!("--- the journey's log ---\n{log_text}");
    assert!(
        log_text.contains("[INFO] sandbox: cn-beijing on http://127.0.0.1:"),
        "{log_text}"
    );
    assert!(log_text.contains("[INFO] leak scan: journey done"));
    assert!(
        dirs.data.join("sandbox.db").exists(),
        "the journey did not use the sandbox DB"
    );

    // The scanner finds a value where it is: the exported file holds it.
    let control = leaks::hits(&[outside.path().to_path_buf()], &[], &secrets);
    assert_eq!(control.len(), 1, "{control:?}");

    // The app's config, data, cache and log dirs, and the whole session.
    let roots = [root, session];
    let scanned: usize = roots.iter().map(|r| leaks::files_under(r).len()).sum();
    println!("scanned {scanned} files");
    let found = leaks::hits(&roots, &[env_file], &secrets);
    assert!(found.is_empty(), "secret values found on disk: {found:?}");
    assert!(
        log_text.contains("[WARN] server echoed the new key sk-<redacted> back"),
        "{log_text}"
    );
}
