//! A run killed (SIGKILL) after a Create or Reset answer arrived and before
//! the value was kept: the next `skm` run, or the app, finds the journal
//! entry, settles it and says what happened. Uses the test build's pause
//! (`fault-injection`: STUDIO_KEYS_PAUSE_AFTER_ANSWER) to kill at that moment,
//! on the app's own sandbox database. Needs a real Secret Service.
#![cfg(all(unix, feature = "fault-injection"))]

use crate::support::app::{app_on, skm_on, Board};
use crate::support::keychain;
use crate::support::sandbox::check_key;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, Permission, SavedState};
use studio_keys::services::{Dirs, Studio};
use studio_keys::RegionId;

const REGION: RegionId = RegionId::CnBeijing;

fn studio(root: &Path, board: &Board) -> (Studio, Dirs) {
    app_on(root, board)
}

/// Journal entries not settled yet (settled ones stay an hour as tombstones).
fn intents_left(dirs: &Dirs) -> usize {
    std::fs::read_dir(dirs.data.join("intents"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|t| serde_json::from_slice::<serde_json::Value>(&t).ok())
                .filter(|v| v["settledAtMs"].is_null())
                .count()
        })
        .unwrap_or(0)
}

/// Start `skm args` on `dirs`, paused after `action`'s answer, and return it
/// once it says it is paused (the server has applied the request by then).
pub(crate) fn skm_paused_after(dirs: &Dirs, action: &str, args: &[&str]) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skm"))
        .args([
            "--lang",
            "en",
            "--profile",
            "sandbox",
            "--region",
            REGION.as_str(),
        ])
        .args(args)
        .env("STUDIO_KEYS_CONFIG_DIR", &dirs.config)
        .env("STUDIO_KEYS_DATA_DIR", &dirs.data)
        .env("STUDIO_KEYS_PAUSE_AFTER_ANSWER", action)
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("SKM_ENDPOINT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains(&format!("paused after the {action} answer")) => {
                return child
            }
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("skm never reached the pause after the {action} answer");
            }
        }
    }
}

/// SIGKILL, as a power cut would: no destructor, no cleanup.
pub(crate) fn kill(mut child: std::process::Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_killed_after_its_answer_is_recovered_and_saved_by_the_next_skm() {
    let _keychain = keychain::lock().await;
    for (lang, said) in [
        (
            "en",
            "An earlier run stopped while creating the key “killed",
        ),
        ("zh-CN", "之前的一次运行在"),
    ] {
        let root = tempfile::tempdir().unwrap();
        let board = Board::default();
        let (app, dirs) = studio(root.path(), &board);
        app.keys_list(REGION, KeyQuery::default()).await.unwrap(); // the app has made its sandbox
        drop(app);
        let description = format!("killed {lang}");

        let child = skm_paused_after(
            &dirs,
            "create",
            &["--json", "keys", "create", "--description", &description],
        );
        // While it is in flight, nobody else may act on it.
        let (app, _) = studio(root.path(), &board);
        assert!(
            app.intents_resume().await.is_empty(),
            "in flight: left alone"
        );
        drop(app);
        let stdout = {
            let mut child = child;
            let out = child.stdout.take().unwrap();
            kill(child);
            std::io::read_to_string(out).unwrap()
        };
        assert!(!stdout.contains("sk-"), "killed before printing: {stdout}");
        assert_eq!(intents_left(&dirs), 1, "the journal remembers the create");

        let (code, out, err) = skm_on(
            &dirs,
            lang,
            &[
                "--profile",
                "sandbox",
                "--region",
                REGION.as_str(),
                "--json",
                "keys",
                "list",
            ],
            &[],
        );
        assert_eq!(code, 0, "{err}");
        let listed: serde_json::Value =
            serde_json::from_str(&out).expect("--json output is left alone");
        assert!(err.contains(said), "{lang}: {err}");
        assert_eq!(intents_left(&dirs), 0, "settled");
        let ours: Vec<&serde_json::Value> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["description"] == description.as_str())
            .collect();
        assert_eq!(ours.len(), 1, "exactly one key was made: {listed}");
        let id = ours[0]["apiKeyId"].as_i64().unwrap().to_string();
        assert!(err.contains(&id), "the notice names the key: {err}");

        // The recovered value is in the keychain, and it is the key's working value.
        let (app, _) = studio(root.path(), &board);
        let page = app.keys_list(REGION, KeyQuery::default()).await.unwrap();
        let key = page.keys.iter().find(|k| k.api_key_id == id).unwrap();
        assert_eq!(key.saved, SavedState::Saved);
        app.key_copy_saved(REGION, id.clone()).await.unwrap();
        let value = board.0.lock().unwrap().clone().unwrap();
        let sandbox = app.sandbox().await.unwrap();
        assert_eq!(check_key(sandbox, REGION, &value).await, 200);

        // Nothing is said twice.
        let (_, _, again) = skm_on(
            &dirs,
            lang,
            &[
                "--profile",
                "sandbox",
                "--region",
                REGION.as_str(),
                "keys",
                "list",
            ],
            &[],
        );
        assert!(!again.contains(said), "{again}");
        app.key_delete(REGION, id).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_killed_after_its_answer_is_settled_by_the_app_on_start() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (app, dirs) = studio(root.path(), &board);
    let made = app
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: "reset then killed".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    let old_value = made.value.expose().to_string();
    let id = made.api_key_id.clone();
    app.one_time_close(&made.handle);
    drop(app);

    let child = skm_paused_after(&dirs, "reset", &["--json", "keys", "reset", &id]);
    kill(child);
    assert_eq!(intents_left(&dirs), 1);

    // The app starts: it settles the reset and says what happened.
    let (app, _) = studio(root.path(), &board);
    let notices = app.intents_resume().await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    let n = &notices[0];
    assert_eq!(n.reason, "intent_reset_recovered");
    assert_eq!(n.api_key_id.as_deref(), Some(id.as_str()));
    assert!(n.saved);
    assert!(n.message.contains(&id), "{}", n.message);
    assert_eq!(intents_left(&dirs), 0);
    assert!(app.intents_resume().await.is_empty(), "said once");

    let sandbox = app.sandbox().await.unwrap();
    app.key_copy_saved(REGION, id.clone()).await.unwrap();
    let value = board.0.lock().unwrap().clone().unwrap();
    assert_ne!(value, old_value);
    assert_eq!(
        check_key(sandbox, REGION, &value).await,
        200,
        "the saved value works"
    );
    assert_eq!(check_key(sandbox, REGION, &old_value).await, 401);
    app.key_delete(REGION, id).await.unwrap();
}

/// A run killed before its Create left the computer made no key. A key made
/// since with the same description (by the app, which keeps its value) is not
/// taken for the lost one, and is not reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_key_with_the_same_description_is_not_taken_for_a_lost_one() {
    use studio_keys::storage::intents::{Intent, IntentAction, Journal};
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let board = Board::default();
    let (app, dirs) = studio(root.path(), &board);
    app.keys_list(REGION, KeyQuery::default()).await.unwrap();
    let sandbox = app.sandbox().await.unwrap();
    let root_key = sandbox
        .identity(studio_keys::sandbox::seed::ROOT)
        .unwrap()
        .access_key_id
        .clone();
    // What a run killed before sending leaves: an unsettled intent, unlocked.
    Journal::new(dirs.data.join("intents"))
        .begin(Intent {
            id: uuid::Uuid::new_v4().to_string(),
            action: IntentAction::Create,
            region: REGION,
            profile_id: "sandbox".into(),
            access_key_id: root_key,
            endpoint: None,
            description: Some("twice".into()),
            workspace_id: None,
            api_key_id: None,
            requested_at_ms: chrono::Utc::now().timestamp_millis(),
            before_ids: vec![],
            settled_at_ms: None,
            made_key_id: None,
            audit_seq: None,
        })
        .unwrap()
        .release();
    let made = app
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: "twice".into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    app.one_time_close(&made.handle);

    let notices = app.intents_resume().await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].reason, "intent_create_none", "{notices:?}");
    assert_eq!(
        check_key(sandbox, REGION, made.value.expose()).await,
        200,
        "the app's key keeps its value"
    );
    app.key_delete(REGION, made.api_key_id).await.unwrap();
}
