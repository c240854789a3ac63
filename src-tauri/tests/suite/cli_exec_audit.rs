//! `skm exec` hands a saved key to a program through its environment only,
//! and the audit log records it (with everything else that changes or
//! reveals a key), tamper-evident, with no key value in it.

use crate::support::app::{app_on, skm_on, Board};
use crate::support::{keychain, leaks, process};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;
use studio_keys::services::views::{CreateKeyInput, Permission};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::audit::{AuditLog, Entry};
use studio_keys::RegionId;

const REGION: RegionId = RegionId::CnBeijing;

/// A program for `skm exec` to run: it calls the sandbox's compatible-mode
/// models endpoint with the key it was given (DashScope's variable, at the
/// OpenAI base URL), and looks for that key in every process's command
/// line. It prints what it found, never the key.
const CHILD: &str = r#"
import os, sys, glob, urllib.request
key = os.environ["DASHSCOPE_API_KEY"]
base = os.environ["OPENAI_BASE_URL"]
same = os.environ["OPENAI_API_KEY"] == key
req = urllib.request.Request(base + "/models", headers={"Authorization": "Bearer " + key})
try:
    status = urllib.request.urlopen(req, timeout=10).status
except urllib.error.HTTPError as e:
    status = e.code
in_argv = []
for path in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        if key.encode() in open(path, "rb").read():
            in_argv.append(path)
    except OSError:
        pass
print(f"status={status} same={same} base_ok={base.endswith('/compatible-mode/v1')} "
      f"prefix={key[:3]} in_argv={len(in_argv)}")
"#;

fn skm(dirs: &Dirs, args: &[&str]) -> (i32, String, String) {
    skm_on(dirs, "en", args, &[])
}

/// A key made in the app's sandbox and saved here; its id and value.
async fn saved_key(studio: &Studio, description: &str) -> (String, String) {
    let made = studio
        .key_create(CreateKeyInput {
            region: REGION,
            workspace_id: None,
            description: description.into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    assert!(made.save_error.is_none(), "saved to the keychain");
    studio.one_time_close(&made.handle);
    (made.api_key_id.clone(), made.value.expose().to_owned())
}

fn records(dirs: &Dirs, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json", "audit", "list"];
    all.extend_from_slice(args);
    let (code, out, err) = skm(dirs, &all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_hands_the_key_to_the_program_only_and_the_audit_log_says_so() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let (id, value) = saved_key(&studio, "exec me").await;

    let (code, out, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "exec",
            "--key",
            &id,
            "--",
            "python3",
            "-c",
            CHILD,
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("status=200 same=True base_ok=True prefix=sk- in_argv=0"),
        "the program called the sandbox with the key, found in no argv: {out}"
    );
    assert!(
        !out.contains(&value) && !err.contains(&value),
        "skm shows no value"
    );

    // With --temporary the program gets an st- key that works, not the saved one.
    let (code, out, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "exec",
            "--key",
            &id,
            "--temporary",
            "60",
            "--",
            "python3",
            "-c",
            CHILD,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("status=200") && out.contains("prefix=st-"),
        "{out}"
    );

    // The audit log: the create and both execs, each started and then ok.
    let mine = records(&dirs, &["--key", &id]);
    let seen: Vec<(String, String)> = mine
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pairs = |a: &str| {
        seen.iter()
            .filter(|(action, _)| action == a)
            .map(|(_, o)| o.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(pairs("create"), ["started", "ok"], "{seen:?}");
    assert_eq!(
        pairs("exec"),
        ["started", "ok", "started", "ok"],
        "{seen:?}"
    );
    let exec_ok = mine
        .iter()
        .find(|r| r["action"] == "exec" && r["outcome"] == "ok")
        .unwrap();
    let started = mine
        .iter()
        .find(|r| r["action"] == "exec" && r["outcome"] == "started")
        .unwrap();
    assert_eq!(exec_ok["of"], started["seq"], "the outcome names its start");
    assert_eq!(exec_ok["note"], "exit 0");
    assert!(started["note"].as_str().unwrap().starts_with("python3"));
    assert_eq!(records(&dirs, &["--key", &id, "--action", "exec"]).len(), 4);

    // No key value in any file of the home, the audit log included.
    let hits = leaks::hits(&[root.path().to_path_buf()], &[], &[value]);
    assert!(hits.is_empty(), "the key value is in {hits:?}");

    let (code, out, err) = skm(&dirs, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("intact"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_exits_as_the_program_did_or_says_why_it_ran_nothing() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let (id, _) = saved_key(&studio, "exit codes").await;
    let exec = |rest: &[&str]| {
        let mut args = vec!["--profile", "sandbox", "exec", "--key", id.as_str()];
        args.extend_from_slice(rest);
        skm(&dirs, &args)
    };
    let skm_line = |err: &str| err.lines().filter(|l| l.starts_with("skm: ")).count();

    assert_eq!(
        exec(&["--", "sh", "-c", "exit 3"]).0,
        3,
        "the program's own status"
    );
    let (code, _, _) = exec(&["--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(code, 128 + 15, "killed by a signal: 128 + N");

    let (code, _, err) = exec(&["--", "/nonexistent/program"]);
    assert_eq!(code, 127, "{err}");
    assert_eq!(skm_line(&err), 1, "{err}");
    let not_executable = root.path().join("not-executable.sh");
    std::fs::write(&not_executable, "#!/bin/sh\nexit 0\n").unwrap();
    let (code, _, err) = exec(&["--", not_executable.to_str().unwrap()]);
    assert_eq!(code, 126, "{err}");
    assert_eq!(skm_line(&err), 1, "{err}");

    let (code, _, err) = exec(&[]);
    assert_eq!(code, 2, "no command: {err}");
    assert!(err.contains("skm: ") && err.contains("--"), "{err}");

    let (code, _, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "exec",
            "--key",
            "999999",
            "--",
            "true",
        ],
    );
    assert_eq!(code, 5, "a key not saved here: {err}");
    assert_eq!(skm_line(&err), 1, "{err}");
    // Another region names another key: not saved there either.
    let (code, _, err) = skm(
        &dirs,
        &[
            "--profile",
            "sandbox",
            "--region",
            "ap-southeast-1",
            "exec",
            "--key",
            &id,
            "--",
            "true",
        ],
    );
    assert_eq!(code, 5, "{err}");

    let (code, _, err) = exec(&["--temporary", "0", "--", "true"]);
    assert_eq!(code, 2, "a temporary key's lifetime is 1 to 1800 s: {err}");
}

/// SIGTERM to `skm` reaches the program, and `skm` exits with its status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_forwards_sigterm_to_the_program() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let (id, _) = saved_key(&studio, "signals").await;
    let waits = "import signal, sys, time\n\
                 signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n\
                 print('ready', flush=True)\n\
                 time.sleep(60)\n";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skm"))
        .args(["--lang", "en", "--profile", "sandbox", "exec", "--key", &id])
        .args(["--", "python3", "-c", waits])
        .env("STUDIO_KEYS_CONFIG_DIR", &dirs.config)
        .env("STUDIO_KEYS_DATA_DIR", &dirs.data)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    // SAFETY: kill(2) on the skm process this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42), "the program's handler ran");
}

fn file_of(dirs: &Dirs) -> std::path::PathBuf {
    AuditLog::new(dirs.data.join("audit"))
        .files()
        .unwrap()
        .pop()
        .unwrap()
}

fn rewrite(path: &Path, f: impl FnOnce(&mut Vec<String>)) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    f(&mut lines);
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// A home whose audit log holds some records: a create, a disable, an enable.
async fn audited_home() -> (tempfile::TempDir, Dirs, String) {
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let (id, _) = saved_key(&studio, "audited").await;
    studio
        .key_set_enabled(REGION, id.clone(), false)
        .await
        .unwrap();
    studio
        .key_set_enabled(REGION, id.clone(), true)
        .await
        .unwrap();
    (root, dirs, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_tells_an_edited_deleted_reordered_or_cut_log_and_damage_apart() {
    let _keychain = keychain::lock().await;
    let verify = |dirs: &Dirs| skm(dirs, &["audit", "verify"]);
    for (how, change) in [
        (
            "edited",
            Box::new(|l: &mut Vec<String>| l[2] = l[2].replace("disable", "enable"))
                as Box<dyn FnOnce(&mut Vec<String>)>,
        ),
        ("deleted", Box::new(|l: &mut Vec<String>| drop(l.remove(2)))),
        ("reordered", Box::new(|l: &mut Vec<String>| l.swap(2, 3))),
        (
            "cut",
            Box::new(|l: &mut Vec<String>| l.truncate(l.len() - 2)),
        ),
    ] {
        let (_root, dirs, _) = audited_home().await;
        assert_eq!(verify(&dirs).0, 0, "untouched: intact");
        rewrite(&file_of(&dirs), change);
        let (code, out, err) = verify(&dirs);
        assert_eq!(code, 13, "{how}: {out}{err}");
        assert!(out.contains(how), "{how} is named: {out}");
        assert!(out.contains("audit-000001.jsonl"), "{out}");
    }
    // A line cut short by a crash is damage, not tampering, and is kept.
    let (_root, dirs, id) = audited_home().await;
    let file = file_of(&dirs);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(&mut f, br#"{"seq":7,"time":"2026-12-0"#).unwrap();
    drop(f);
    let (code, out, _) = skm(&dirs, &["--profile", "sandbox", "keys", "disable", &id]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = verify(&dirs);
    assert_eq!(code, 14, "damaged: {out}{err}");
    assert!(
        out.contains("damaged") && out.contains("audit-000001.jsonl"),
        "{out}"
    );
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .ends_with("2026-12-0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_list_says_which_since_forms_it_takes_and_export_writes_csv() {
    let _keychain = keychain::lock().await;
    let (root, dirs, id) = audited_home().await;
    let (code, _, err) = skm(&dirs, &["audit", "list", "--since", "last week"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("YYYY-MM-DD") && err.contains("YYYY-MM-DDTHH:MM") && err.contains("7d"),
        "{err}"
    );
    assert_eq!(records(&dirs, &["--since", "7d", "--key", &id]).len(), 6);
    assert!(records(&dirs, &["--since", "2999-01-01"]).is_empty());
    let csv = root.path().join("audit.csv");
    let (code, _, err) = skm(&dirs, &["audit", "export", "--csv", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("seq,time,action,outcome"));
    assert_eq!(text.lines().count(), 7, "a header and six records: {text}");
}

/// An action whose record cannot be written is refused, and nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_whose_record_cannot_be_written_is_refused() {
    let _keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let (studio, dirs) = app_on(root.path(), &Board::default());
    let (id, _) = saved_key(&studio, "unwritable").await;
    // The log's folder turned into a file: no record can be appended.
    let audit = dirs.data.join("audit");
    std::fs::remove_dir_all(&audit).unwrap();
    std::fs::write(&audit, "not a folder").unwrap();
    let e = studio
        .key_set_enabled(REGION, id.clone(), false)
        .await
        .unwrap_err();
    assert_eq!(e.reason.as_deref(), Some("audit_refused"), "{e:?}");
    let page = studio
        .keys_list(REGION, studio_keys::services::views::KeyQuery::default())
        .await
        .unwrap();
    let key = page.keys.iter().find(|k| k.api_key_id == id).unwrap();
    assert!(key.enabled, "the disable was never sent");
}

/// Two processes appending 200 records each, at the same time: all 400 are
/// there, each once, and the chain is intact.
#[test]
fn two_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let name = process::test_name(module_path!(), "append_200_records");
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|w| {
            process::spawn_alone(
                &name,
                &[
                    ("AUDIT_TEST_DIR", dir.path().as_os_str()),
                    ("AUDIT_TEST_WRITER", OsStr::new(w)),
                ],
            )
        })
        .collect();
    for w in writers {
        process::passed_alone(&name, w);
    }
    let log = AuditLog::new(dir.path());
    let records = log.records().unwrap();
    assert_eq!(records.len(), 400);
    for w in ["a", "b"] {
        let mut notes: Vec<usize> = records
            .iter()
            .filter_map(|r| {
                r.entry
                    .note
                    .as_deref()?
                    .strip_prefix(&format!("{w}-"))?
                    .parse()
                    .ok()
            })
            .collect();
        notes.sort();
        assert_eq!(notes, (0..200).collect::<Vec<_>>(), "writer {w}");
    }
    assert!(matches!(
        log.verify(None).unwrap(),
        studio_keys::storage::audit::Verdict::Intact { records: 400 }
    ));
}

#[test]
#[ignore = "one of two_writers_lose_nothing's writer processes"]
fn append_200_records() {
    if !process::is_alone(&process::test_name(module_path!(), "append_200_records")) {
        return;
    }
    let dir = std::env::var("AUDIT_TEST_DIR").unwrap();
    let writer = std::env::var("AUDIT_TEST_WRITER").unwrap();
    let log = AuditLog::new(dir);
    for i in 0..200 {
        log.append(Entry {
            action: "test".into(),
            outcome: "ok".into(),
            note: Some(format!("{writer}-{i}")),
            ..Default::default()
        })
        .unwrap();
    }
}
