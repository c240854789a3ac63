//! One version, written literally in three files (Cargo.toml, tauri.conf.json,
//! ui/package.json) because each tool reads its own; they must agree, the
//! AppStream metainfo must describe it, and what people see must say it.

use std::path::Path;
use std::process::Command;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json_version(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["version"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_version_is_the_same_in_every_file_that_states_it() {
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        json_version(&manifest_dir().join("tauri.conf.json")),
        version
    );
    assert_eq!(
        json_version(&manifest_dir().join("../ui/package.json")),
        version
    );
    let metainfo = std::fs::read_to_string(
        manifest_dir().join("../packaging/linux/app.studiokeys.desktop.metainfo.xml"),
    )
    .unwrap();
    assert!(
        metainfo.contains(&format!("<release version=\"{version}\"")),
        "the AppStream metainfo has no <release> for {version}"
    );
}

#[test]
fn skm_says_its_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_skm"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("skm {}", env!("CARGO_PKG_VERSION"))
    );
}
