//! Rotating a key through `skm keys rotate`: a twin saved and shown once,
//! no second twin on a second run, the old key disabled and deleted only
//! when asked, changes made elsewhere, planted records, and a run killed in
//! the middle of step 1. On the app's own sandbox, with the real keychain.

use crate::support::app::{app_on, skm_on, Board};
use crate::support::keychain;
use serde_json::Value;
use studio_keys::services::views::{CreateKeyInput, KeyQuery, KeyView, Permission, SavedState};
use studio_keys::services::{Dirs, Studio};
use studio_keys::RegionId;

const REGION: RegionId = RegionId::CnBeijing;

fn skm(dirs: &Dirs, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--profile", "sandbox", "--region", REGION.as_str()];
    all.extend_from_slice(args);
    skm_on(dirs, "en", &all, &[])
}

fn json(dirs: &Dirs, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = skm(dirs, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}"))
}

async fn key(studio: &Studio, description: &str) -> String {
    let made = studio
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: description.into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    studio.one_time_close(&made.handle);
    made.api_key_id
}

async fn listed(studio: &Studio) -> Vec<KeyView> {
    studio
        .keys_list(REGION, KeyQuery::default())
        .await
        .unwrap()
        .keys
}

async fn find(studio: &Studio, id: &str) -> Option<KeyView> {
    listed(studio)
        .await
        .into_iter()
        .find(|k| k.api_key_id == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_makes_one_saved_twin_and_retires_the_old_key_only_when_asked() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "billing service").await;
    let before = listed(&studio).await.len();

    let made = json(&dirs, &["keys", "rotate", &old, "--grace", "7d"]);
    let twin = made["apiKeyId"].as_i64().unwrap().to_string();
    assert_eq!(made["rotatedFrom"].as_i64().unwrap().to_string(), old);
    assert_eq!(
        made["saved"], true,
        "saved to the keychain before it is shown"
    );
    assert!(made["apiKeyValue"].as_str().unwrap().starts_with("sk-"));
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert_eq!(
        made["description"],
        format!("billing service (rotated {today})")
    );
    let twin_view = find(&studio, &twin).await.unwrap();
    assert_eq!(twin_view.saved, SavedState::Saved);
    assert!(
        find(&studio, &old).await.unwrap().enabled,
        "the old key still works"
    );

    // Again: its state, no second twin, no value shown again.
    let again = json(&dirs, &["keys", "rotate", &old]);
    assert_eq!(again["step"], "handOver");
    assert_eq!(again["twinKeyId"], twin);
    assert!(again.get("apiKeyValue").is_none());
    assert_eq!(listed(&studio).await.len(), before + 1);
    let report = json(&dirs, &["keys", "rotations"]);
    assert_eq!(report["rotations"].as_array().unwrap().len(), 1);

    // Step 3: disabled now; with 7 days of grace it is not deleted yet.
    let r = json(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert_eq!(r["step"], "disabled");
    assert!(r["graceEndsAt"].as_f64().unwrap() > chrono::Utc::now().timestamp_millis() as f64);
    assert_eq!(r["retireDue"], false);
    assert!(!find(&studio, &old).await.unwrap().enabled);
    // Step 4 at once when asked: deleted, and its saved copy forgotten.
    let r = json(&dirs, &["keys", "rotate", &old, "--finish", "--delete-now"]);
    assert_eq!(r["step"], "retired");
    assert!(find(&studio, &old).await.is_none());
    let (code, _, _) = skm(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert_eq!(code, 5, "nothing left to finish");
    assert!(json(&dirs, &["keys", "rotations"])["rotations"]
        .as_array()
        .unwrap()
        .is_empty());

    // Every step is in the audit log.
    let log = json(&dirs, &["audit", "list", "--key", &old]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "ok")
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in ["rotate", "disable", "delete"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_now_retires_at_the_first_finish_and_a_bad_grace_names_the_forms() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "short grace").await;
    let before = listed(&studio).await.len();
    let (code, _, err) = skm(&dirs, &["keys", "rotate", &old, "--grace", "next week"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("7d") && err.contains("YYYY-MM-DD"), "{err}");
    assert_eq!(listed(&studio).await.len(), before, "nothing was made");
    json(&dirs, &["keys", "rotate", &old, "--grace", "now"]);
    let r = json(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert_eq!(r["step"], "retired");
    assert!(find(&studio, &old).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_region_cannot_rotate_and_is_told_about_reset() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "no room").await;
    studio_keys::sandbox::seed_keys(
        &dirs.data.join("sandbox.db"),
        REGION,
        studio_keys::sandbox::SeedCount::UpTo(50),
        studio_keys::sandbox::seed::ROOT,
    )
    .unwrap();
    let before = listed(&studio).await.len();
    let (code, _, err) = skm(&dirs, &["keys", "rotate", &old]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("Reset") && err.contains("stops working"),
        "{err}"
    );
    assert_eq!(listed(&studio).await.len(), before, "nothing was made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_elsewhere_pause_or_end_a_rotation() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "changed elsewhere").await;
    let twin = json(&dirs, &["keys", "rotate", &old])["apiKeyId"]
        .as_i64()
        .unwrap()
        .to_string();

    // The twin deleted elsewhere: paused, and the next rotate makes a new one.
    studio.key_delete(REGION, twin.clone()).await.unwrap();
    let r = &json(&dirs, &["keys", "rotations"])["rotations"][0];
    assert_eq!(r["step"], "paused");
    assert!(r["note"].as_str().unwrap().contains("deleted elsewhere"));
    let (code, _, err) = skm(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert_eq!(code, 6, "the old key is not disabled without a twin: {err}");
    assert!(find(&studio, &old).await.unwrap().enabled);
    let again = json(&dirs, &["keys", "rotate", &old]);
    assert!(again["apiKeyId"].as_i64().is_some(), "a new twin: {again}");

    // The old key reset elsewhere: said; deleted elsewhere: ended.
    studio.key_reset(REGION, old.clone()).await.unwrap();
    let r = &json(&dirs, &["keys", "rotations"])["rotations"][0];
    assert!(
        r["note"].as_str().unwrap().contains("reset elsewhere"),
        "{r}"
    );
    studio.key_delete(REGION, old.clone()).await.unwrap();
    let r = &json(&dirs, &["keys", "rotations"])["rotations"][0];
    assert_eq!(r["step"], "ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_rotation_record_is_reported_and_never_acted_on() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let victim = key(&studio, "victim").await;
    let folder = dirs.data.join("rotations");
    std::fs::create_dir_all(&folder).unwrap();
    let id = uuid_like();
    let now = chrono::Utc::now().timestamp_millis();
    let record = serde_json::json!({
        "id": id, "profileId": "sandbox", "scope": "sandbox", "region": "cn-beijing",
        "oldKeyId": victim.parse::<i64>().unwrap(), "oldDescription": "victim",
        "oldMasked": "", "workspaceId": null, "twinDescription": "x", "twinKeyId": null,
        "twinMasked": null, "grace": {"kind": "now"}, "step": "handOver",
        "startedAtMs": now + 400 * 24 * 3600 * 1000_i64, "updatedAtMs": now,
        "disabledAtMs": null, "graceEndsAtMs": null, "note": null
    });
    // Dated in the future, and the same record under a name that is not its id.
    std::fs::write(folder.join(format!("{id}.json")), record.to_string()).unwrap();
    std::fs::write(folder.join("planted.json"), record.to_string()).unwrap();
    let (code, out, err) = skm(&dirs, &["--json", "keys", "rotations"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("dated in the future") && err.contains("planted.json"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report["rotations"].as_array().unwrap().is_empty());
    let (code, _, _) = skm(
        &dirs,
        &["keys", "rotate", &victim, "--finish", "--delete-now"],
    );
    assert_eq!(code, 5, "no rotation is found in a refused record");
    assert!(
        find(&studio, &victim).await.unwrap().enabled,
        "never acted on"
    );
}

fn uuid_like() -> String {
    // The record must look genuine but for the one thing tested.
    let n = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1) as u128;
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// SIGKILL after the twin's Create was answered and before its value was
/// kept: the next run recovers the value into the keychain and finishes
/// step 1 with that twin; there is never a second twin, nor one unsaved.
#[cfg(all(unix, feature = "fault-injection"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_killed_in_step_one_resumes_with_one_saved_twin() {
    use crate::interrupted_runs::{kill, skm_paused_after};
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "killed mid rotation").await;
    let before = listed(&studio).await.len();
    let child = skm_paused_after(&dirs, "create", &["--json", "keys", "rotate", &old]);
    kill(child);
    let r = json(&dirs, &["keys", "rotate", &old]);
    assert_eq!(r["step"], "handOver", "{r}");
    let keys = listed(&studio).await;
    assert_eq!(keys.len(), before + 1, "one twin");
    let twin = keys
        .iter()
        .find(|k| Some(k.api_key_id.as_str()) == r["twinKeyId"].as_str())
        .unwrap();
    assert_eq!(
        twin.saved,
        SavedState::Saved,
        "its value was recovered and saved"
    );
}

/// Once the grace period has ended, deleting the old key is offered: the
/// list says so and one OS notification names the key (not again after).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_grace_period_is_reminded_once() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let old = key(&studio, "reminded").await;
    json(&dirs, &["keys", "rotate", &old, "--grace", "24h"]);
    json(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert!(
        studio.rotation_reminder().await.unwrap().is_none(),
        "not yet"
    );
    // The day passes: the record's grace end moves to the past.
    let folder = dirs.data.join("rotations");
    let file = std::fs::read_dir(&folder)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut record: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    record["graceEndsAtMs"] = (chrono::Utc::now().timestamp_millis() - 1000).into();
    std::fs::write(&file, record.to_string()).unwrap();

    let r = &json(&dirs, &["keys", "rotations"])["rotations"][0];
    assert_eq!(r["retireDue"], true);
    let (title, body, ids) = studio.rotation_reminder().await.unwrap().unwrap();
    assert!(!title.is_empty() && body.contains("reminded"), "{body}");
    studio.rotations_reminded(ids).await.unwrap();
    assert!(studio.rotation_reminder().await.unwrap().is_none(), "once");
    let r = json(&dirs, &["keys", "rotate", &old, "--finish"]);
    assert_eq!(
        r["step"], "retired",
        "the first finish after the grace deletes"
    );
}
