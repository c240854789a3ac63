//! A folder of small JSON records that the app acts on later (rotations in
//! progress), read as untrusted input: a planted or damaged file must never
//! make the app do anything. A record is accepted only when its file name is
//! its own id (a UUID), it is a regular file opened without following a
//! link, at most `MAX_RECORD_BYTES`, parses, and names no time in the future.
//! Anything else is reported (once per run, by the caller) and left alone.
//! The folder is private (0700) and records are written whole (temporary
//! file, fsync, rename).

use crate::domain::error::{Error, ErrorCode, Result};
use serde::{de::DeserializeOwned, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A record is a few hundred bytes; anything far larger is not ours.
pub const MAX_RECORD_BYTES: u64 = 64 << 10;
/// Clocks differ a little between processes; more than this ahead is planted.
const FUTURE_SLACK_MS: i64 = 5 * 60 * 1000;

/// What a record must say about itself to be accepted.
pub trait Record: Serialize + DeserializeOwned {
    fn id(&self) -> &str;
    /// Every time it names (epoch ms): none may be in the future.
    fn times(&self) -> Vec<i64>;
}

/// A file that was not accepted, and why (for a notice; never acted on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub file: String,
    pub why: &'static str,
}

fn store_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("records_unwritable")
        .with_param("path", path.display().to_string())
        .with_technical(e.to_string())
}

/// Whether `name` is `<uuid>.json`, and its id.
fn id_of(name: &str) -> Option<&str> {
    let id = name.strip_suffix(".json")?;
    uuid::Uuid::parse_str(id).ok()?;
    Some(id)
}

/// Create `dir` if need be and make it its owner's alone (0700); the caller
/// says what a failure means.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The folder, created private (0700), or made so.
pub fn private_dir(dir: &Path) -> Result<()> {
    create_private_dir(dir).map_err(|e| store_error(dir, e))
}

/// Options that create a file readable by its owner alone (records, their
/// lock files, the audit log).
pub fn private_open_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Make a create, rename or remove in `dir` durable (best effort: not every
/// platform can open a directory).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Write `record` whole as `<id>.json` in `dir`.
pub fn write<T: Record>(dir: &Path, record: &T) -> Result<()> {
    private_dir(dir)?;
    let path = dir.join(format!("{}.json", record.id()));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| store_error(dir, e))?;
    let text = serde_json::to_vec_pretty(record).map_err(|e| Error::internal(e.to_string()))?;
    tmp.write_all(&text)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| store_error(&path, e))?;
    tmp.persist(&path)
        .map_err(|e| store_error(&path, e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Remove the record `id` (a finished one).
pub fn remove(dir: &Path, id: &str) -> Result<()> {
    match std::fs::remove_file(dir.join(format!("{id}.json"))) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(store_error(dir, e)),
    }
}

/// Read one file as a record of its folder, or say why it is not one.
pub fn read_file<T: Record>(path: &Path) -> std::result::Result<T, &'static str> {
    read_one(path, chrono::Utc::now().timestamp_millis())
}

/// Move a refused file out of the way (`<name>.refused`, renamed, never
/// followed if it is a link), so it is reported once and never read again.
pub fn set_aside(dir: &Path, file: &str) {
    let from = dir.join(file);
    let _ = std::fs::rename(&from, dir.join(format!("{file}.refused")));
}

fn read_one<T: Record>(path: &Path, now_ms: i64) -> std::result::Result<T, &'static str> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let id = id_of(name).ok_or("name is not a record id")?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link is refused by the open itself; a FIFO or device must not
        // block it either.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|_| "not a plain file")?;
    let meta = file.metadata().map_err(|_| "unreadable")?;
    if !meta.is_file() {
        return Err("not a plain file");
    }
    if meta.len() > MAX_RECORD_BYTES {
        return Err("too large");
    }
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| "unreadable")?;
    let record: T = serde_json::from_slice(&bytes).map_err(|_| "not a record")?;
    if record.id() != id {
        return Err("names another id");
    }
    if record.times().iter().any(|t| *t > now_ms + FUTURE_SLACK_MS) {
        return Err("dated in the future");
    }
    Ok(record)
}

/// Every accepted record of `dir`, and the files that were not accepted.
pub fn read_all<T: Record>(dir: &Path) -> (Vec<T>, Vec<Rejected>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (vec![], vec![]);
    };
    let now = chrono::Utc::now().timestamp_millis();
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Temporary files of a write in progress, lock files and files set
        // aside are not records.
        if name.starts_with(".tmp-") || !name.ends_with(".json") {
            continue;
        }
        match read_one::<T>(&path, now) {
            Ok(r) => records.push(r),
            Err(why) => rejected.push(Rejected { file: name, why }),
        }
    }
    (records, rejected)
}

/// The record `id`, if it is there and accepted.
pub fn read<T: Record>(dir: &Path, id: &str) -> Option<T> {
    let now = chrono::Utc::now().timestamp_millis();
    read_one(&dir.join(format!("{id}.json")), now).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Note {
        id: String,
        at: i64,
    }

    impl Record for Note {
        fn id(&self) -> &str {
            &self.id
        }
        fn times(&self) -> Vec<i64> {
            vec![self.at]
        }
    }

    fn note(at: i64) -> Note {
        Note {
            id: uuid::Uuid::new_v4().to_string(),
            at,
        }
    }

    #[test]
    fn a_written_record_reads_back_and_planted_files_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("records");
        let now = chrono::Utc::now().timestamp_millis();
        let good = note(now);
        write(&d, &good).unwrap();
        // Planted: a name that is no id, a record naming another id, one
        // dated next year, an oversized file, a link to a device.
        std::fs::write(d.join("evil.json"), serde_json::to_vec(&note(now)).unwrap()).unwrap();
        let other = note(now);
        std::fs::write(
            d.join(format!("{}.json", uuid::Uuid::new_v4())),
            serde_json::to_vec(&other).unwrap(),
        )
        .unwrap();
        let future = note(now + 365 * 24 * 3600 * 1000);
        write(&d, &future).unwrap();
        let big = uuid::Uuid::new_v4();
        std::fs::write(d.join(format!("{big}.json")), vec![b' '; 70 << 10]).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            "/dev/zero",
            d.join(format!("{}.json", uuid::Uuid::new_v4())),
        )
        .unwrap();
        let (found, rejected) = read_all::<Note>(&d);
        assert_eq!(found, vec![good.clone()]);
        let whys: Vec<&str> = rejected.iter().map(|r| r.why).collect();
        for why in [
            "name is not a record id",
            "names another id",
            "dated in the future",
            "too large",
        ] {
            assert!(whys.contains(&why), "{why}: {whys:?}");
        }
        #[cfg(unix)]
        assert!(whys.contains(&"not a plain file"), "{whys:?}");
        assert_eq!(read::<Note>(&d, &good.id), Some(good.clone()));
        assert_eq!(read::<Note>(&d, &future.id), None);
        remove(&d, &good.id).unwrap();
        assert_eq!(read::<Note>(&d, &good.id), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
    }
}
