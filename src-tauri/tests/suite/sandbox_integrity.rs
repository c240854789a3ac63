//! Secrets at rest, damaged or foreign database files, restarts.

use crate::support::sandbox::{check_key, TestSandbox};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::sandbox::{self, seed, SandboxConfig};
use studio_keys::ErrorCode;

fn count(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

/// Every byte the database keeps: the main file, the WAL and the shared memory.
fn db_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    all
}

#[tokio::test]
async fn database_never_holds_a_key_or_token_value() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let mut values = Vec::new();
    for _ in 0..3 {
        let a = c.create_key(&[]).await;
        values.push(
            a.body["apiKey"]["apiKeyValue"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let id = c.list_keys().await.body["apiKeys"][0]["apiKeyId"]
        .as_i64()
        .unwrap();
    let reset = c.key_action(id, "reset").await;
    values.push(
        reset.body["apiKey"]["apiKeyValue"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let token: serde_json::Value = crate::support::http()
        .post(format!(
            "{}/api/v1/tokens",
            sb.handle.dashscope_base_url(CnBeijing)
        ))
        .bearer_auth(&values[3])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    values.push(token["token"].as_str().unwrap().to_string());
    let bytes = db_bytes(sb.dir.path());
    assert!(bytes.len() > 4096);
    for v in &values {
        assert_eq!(count(&bytes, v), 0, "a value is stored in the database");
        // Not even the secret middle part appears (only the mask's head and tail may).
        assert_eq!(count(&bytes, &v[14..v.len() - 12]), 0);
    }
    // The masks are stored, which is how List shows keys.
    let listed = c.list_keys().await.body;
    let mask = listed["apiKeys"][0]["apiKeyValue"].as_str().unwrap();
    assert!(mask.contains("*****"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let created = c.create_key(&[]).await;
    let value = created.body["apiKey"]["apiKeyValue"]
        .as_str()
        .unwrap()
        .to_string();
    let root_ak = sb.who(seed::ROOT).access_key_id;
    let path = sb.db_path();
    let TestSandbox { handle, dir } = sb;
    handle.shutdown().await;
    let again = sandbox::start(SandboxConfig::new(&path)).await.unwrap();
    assert_eq!(
        again.identity(seed::ROOT).unwrap().access_key_id,
        root_ak,
        "not reseeded"
    );
    assert_eq!(check_key(&again, CnBeijing, &value).await, 200);
    drop(dir);
}

#[tokio::test]
async fn corrupt_database_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.db");
    let junk: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &junk).unwrap();
    let err = sandbox::start(SandboxConfig::new(&path))
        .await
        .err()
        .expect("refused");
    assert_eq!(err.code, ErrorCode::Config);
    assert_eq!(err.reason.as_deref(), Some("sandbox_db_corrupt"));
    assert!(err.message().contains("sandbox.db"), "{}", err.message());
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

#[tokio::test]
async fn damaged_sandbox_database_is_reported() {
    let sb = TestSandbox::start().await;
    let path = sb.db_path();
    let TestSandbox { handle, dir } = sb;
    handle.shutdown().await;
    // Overwrite the middle of the file (its pages), keeping the SQLite header.
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len.min(4096 * 6)] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    let err = sandbox::start(SandboxConfig::new(&path))
        .await
        .err()
        .expect("refused");
    assert_eq!(err.code, ErrorCode::Config);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "never silently replaced"
    );
    drop(dir);
}

#[tokio::test]
async fn foreign_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    drop(conn);
    let err = sandbox::start(SandboxConfig::new(&path))
        .await
        .err()
        .expect("refused");
    assert_eq!(err.reason.as_deref(), Some("sandbox_db_foreign"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let t: String = conn
        .query_row("SELECT t FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(t, "keep me");
}

#[tokio::test]
async fn seeded_world_has_the_promised_shape() {
    let sb = TestSandbox::start().await;
    let ids = sb.handle.identities();
    assert_eq!(ids.len(), 3);
    assert!(ids
        .iter()
        .all(|i| i.access_key_id.starts_with("LTAI") && i.access_key_secret.expose().len() >= 30));
    let c = sb.root(CnBeijing);
    let keys = c.list_keys().await.body;
    let list = keys["apiKeys"].as_array().unwrap();
    let values: Vec<&str> = list
        .iter()
        .map(|k| k["apiKeyValue"].as_str().unwrap())
        .collect();
    assert!(
        values.iter().any(|v| !v.starts_with("sk-ws-")),
        "one legacy sk- key"
    );
    assert!(list.iter().any(|k| k["disabled"] == 1), "one disabled key");
    assert!(
        list.iter().any(|k| k["auth"]["type"] == "Custom"),
        "one Custom key"
    );
    // Random per database: a second sandbox gets other credentials.
    let other = TestSandbox::start().await;
    assert_ne!(
        other.who(seed::ROOT).access_key_id,
        sb.who(seed::ROOT).access_key_id
    );
}
