//! `skm` end to end against an in-process sandbox: output and exit codes.

use crate::support::keychain;
use std::process::Command;
use studio_keys::domain::regions::RegionId::{CnBeijing, UsEast1};
use studio_keys::sandbox::{self, seed, SandboxConfig, SandboxHandle};

fn skm(h: &SandboxHandle, region: studio_keys::RegionId, args: &[&str]) -> (i32, String, String) {
    let root = h.identity(seed::ROOT).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_skm"))
        .args([
            "--region",
            region.as_str(),
            "--endpoint",
            &h.openapi_base_url(region),
            "--lang",
            "en",
        ])
        .args(args)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", &root.access_key_id)
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            root.access_key_secret.expose(),
        )
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn created_key_is_printed_once_and_errors_exit_by_class() {
    let _keychain = keychain::lock().await;
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();

    let (code, out, err) = skm(
        &h,
        CnBeijing,
        &["keys", "create", "--description", "cli e2e"],
    );
    assert_eq!(code, 0, "{err}");
    let value = out.trim().to_string();
    assert!(value.starts_with("sk-ws-"), "{out}");
    assert!(err.contains("only once"), "{err}");

    let (code, out, _) = skm(
        &h,
        CnBeijing,
        &["--json", "keys", "list", "--description", "cli e2e"],
    );
    assert_eq!(code, 0);
    assert!(!out.contains(&value), "the list never shows the full value");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = listed[0]["apiKeyId"].as_i64().unwrap().to_string();

    // A workspace the region does not have is not found, not an empty list.
    let (code, _, err) = skm(
        &h,
        CnBeijing,
        &[
            "--json",
            "keys",
            "list",
            "--workspace",
            "ws-no-such-workspace",
        ],
    );
    assert_eq!(code, 5, "{err}");

    let (code, _, err) = skm(&h, CnBeijing, &["keys", "create", "--ip", "10.0.0.300"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("10.0.0.300"), "{err}");
    let (code, _, err) = skm(&h, UsEast1, &["keys", "create", "--custom"]);
    assert_eq!(code, 2);
    assert!(err.contains("Virginia"), "{err}");

    assert_eq!(skm(&h, CnBeijing, &["keys", "delete", &id]).0, 0);
    let (code, _, err) = skm(&h, CnBeijing, &["keys", "get", &id]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("ApiKey.NotFound"), "{err}");
}

/// `skm keys update` changes what its options name and keeps the rest: a
/// new whitelist keeps the model list, a new model list keeps the
/// whitelist, a new description keeps both.
#[tokio::test(flavor = "multi_thread")]
async fn update_changes_only_what_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let get = |id: &str| -> serde_json::Value {
        let (code, out, err) = skm(&h, CnBeijing, &["--json", "keys", "get", id]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let (code, out, err) = skm(
        &h,
        CnBeijing,
        &[
            "--json",
            "keys",
            "create",
            "--description",
            "ci",
            "--ip",
            "10.0.0.0/8",
            "--model",
            "qwen-plus",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = made["apiKeyId"].as_i64().unwrap().to_string();
    let update = |args: &[&str]| {
        let mut all = vec!["keys", "update", id.as_str()];
        all.extend_from_slice(args);
        let (code, _, err) = skm(&h, CnBeijing, &all);
        assert_eq!(code, 0, "{err}");
    };

    update(&["--ip", "192.168.0.0/16"]);
    let k = get(&id);
    assert_eq!(k["auth"]["type"], "Custom");
    assert_eq!(
        k["auth"]["accessIps"],
        serde_json::json!(["192.168.0.0/16"])
    );
    assert_eq!(
        k["auth"]["modelAccessScope"]["accessibleModels"],
        serde_json::json!(["qwen-plus"]),
        "a new whitelist keeps the model list"
    );
    assert_eq!(k["description"], "ci");

    update(&["--model", "qwen-max"]);
    let k = get(&id);
    assert_eq!(
        k["auth"]["accessIps"],
        serde_json::json!(["192.168.0.0/16"])
    );
    assert_eq!(
        k["auth"]["modelAccessScope"]["accessibleModels"],
        serde_json::json!(["qwen-max"])
    );

    update(&["--description", "deploy"]);
    let k = get(&id);
    assert_eq!(k["description"], "deploy");
    assert_eq!(
        k["auth"]["accessIps"],
        serde_json::json!(["192.168.0.0/16"])
    );
    assert_eq!(
        k["auth"]["modelAccessScope"]["accessibleModels"],
        serde_json::json!(["qwen-max"])
    );

    update(&["--all"]);
    let k = get(&id);
    assert_eq!(k["auth"]["type"], "All");
    assert_eq!(k["description"], "deploy");
}

/// A key typed at a terminal is not echoed: run `skm` on a pseudo-terminal
/// (Python's `pty`, as a person's shell would give it), wait for its prompt,
/// type the key, and read everything the terminal shows.
#[cfg(unix)]
#[test]
fn a_key_typed_at_a_terminal_is_not_shown() {
    const TYPE_AT_PROMPT: &str = r#"
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen, typed = b"", False
deadline = time.time() + 30
while time.time() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"API key:" in seen:
        time.sleep(0.5)  # a person reads the prompt before typing
        os.write(fd, sys.stdin.buffer.readline())
        typed = True
if time.time() >= deadline:
    os.kill(pid, 9)  # a hang fails the test, it does not hold it up
os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
"#;
    let key = ["sk-ws", "typed", &"7".repeat(24)].join("-");
    let mut child = Command::new("python3")
        .args(["-c", TYPE_AT_PROMPT, env!("CARGO_BIN_EXE_skm")])
        .args([
            "--lang",
            "en",
            "verify",
            "--key",
            "--dashscope-url",
            "http://127.0.0.1:9",
        ])
        .env_remove("DASHSCOPE_API_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{key}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("API key:"), "the prompt: {shown}");
    assert!(
        shown.contains("refused") || shown.contains("connect"),
        "skm read the key and went on: {shown}"
    );
    assert!(!shown.contains(&key), "the key was echoed: {shown}");
}
