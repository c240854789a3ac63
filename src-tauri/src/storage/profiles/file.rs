//! A JSON file that is written atomically and never silently lost.
//!
//! Writes go to a temporary file in the same directory, are flushed, then
//! renamed over the old file, so a crash leaves either the old or the new
//! content. A file that does not parse is renamed to
//! `<name>.corrupt-<timestamp>` and reported to the caller, which shows it to
//! the person; it is never overwritten in place.

use crate::domain::error::{Error, ErrorCode, Result};
pub use crate::domain::settings::MovedAside;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub enum ReadOutcome {
    Missing,
    Value(serde_json::Value),
    Corrupt(MovedAside),
}

/// Read `path` as JSON. An unparsable file is moved aside and reported.
pub fn read_json(path: &Path) -> Result<ReadOutcome> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ReadOutcome::Missing),
        Err(e) => return Err(config_error("config_unreadable", path, e.to_string())),
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.is_object() => Ok(ReadOutcome::Value(v)),
        Ok(_) => move_aside(path, "the top level is not a JSON object".into()),
        Err(e) => move_aside(path, e.to_string()),
    }
}

/// Rename an unusable file out of the way so that the next write does not destroy it.
pub fn move_aside(path: &Path, problem: String) -> Result<ReadOutcome> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("settings.json");
    let target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    std::fs::rename(path, &target)
        .map_err(|e| config_error("config_move_aside_failed", path, e.to_string()))?;
    log::warn!(
        "{} was unreadable ({problem}); moved to {}",
        path.display(),
        target.display()
    );
    Ok(ReadOutcome::Corrupt(MovedAside {
        path: target.display().to_string(),
        problem,
    }))
}

/// Write `value` as pretty JSON to `path` atomically (temp file + rename).
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)
        .map_err(|e| config_error("config_unwritable", path, e.to_string()))?;
    let mut text = serde_json::to_vec_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    text.push(b'\n');
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(&dir)
        .map_err(|e| config_error("config_unwritable", path, e.to_string()))?;
    tmp.write_all(&text)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| config_error("config_unwritable", path, e.to_string()))?;
    // Settings are not secret, but they name accounts: keep them private to the user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    tmp.persist(path)
        .map_err(|e| config_error("config_unwritable", path, e.error.to_string()))?;
    // The rename is durable only once the folder is.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

pub fn config_error(reason: &str, path: &Path, technical: String) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason(reason)
        .with_param("path", path.display().to_string())
        .with_technical(technical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write_json_atomic(&path, &serde_json::json!({"a": 1})).unwrap();
        write_json_atomic(&path, &serde_json::json!({"a": 2})).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["a"], 2);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(names.len(), 1, "temp file left behind");
    }

    #[test]
    fn unparsable_file_is_moved_aside_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{\"profiles\": [").unwrap();
        let ReadOutcome::Corrupt(moved) = read_json(&path).unwrap() else {
            panic!("corrupt file not reported");
        };
        assert!(!path.exists());
        assert!(
            moved.path.contains("settings.json.corrupt-"),
            "{}",
            moved.path
        );
        assert_eq!(std::fs::read(&moved.path).unwrap(), b"{\"profiles\": [");
    }
}
