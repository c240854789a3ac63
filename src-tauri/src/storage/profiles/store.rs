//! `SettingsStore`: the settings document on disk, shared by the app and `skm`.
//!
//! Every read goes to the file (so a change made by `skm` shows in the app and
//! the other way round); every change is read-modify-write under an exclusive
//! lock on `settings.lock`, then an atomic replace.

use super::file::{self, MovedAside, ReadOutcome};
use super::settings::{migrate, SettingsDoc};
use crate::domain::error::Result;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::storage::paths::SETTINGS_FILE;

#[derive(Debug)]
pub struct SettingsStore {
    path: PathBuf,
    moved_aside: Mutex<Option<MovedAside>>,
}

impl SettingsStore {
    /// The store in `dir`; reads the file once so that a corrupt file is
    /// reported (and moved aside) at start rather than at the first change.
    pub fn open(dir: &Path) -> Result<Self> {
        let store = SettingsStore {
            path: dir.join(SETTINGS_FILE),
            moved_aside: Mutex::new(None),
        };
        store.load()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A settings file found unreadable since this store was opened, for the UI to report.
    pub fn moved_aside(&self) -> Option<MovedAside> {
        self.moved_aside.lock().map(|m| m.clone()).unwrap_or(None)
    }

    /// The current document. A missing file gives the defaults (sandbox active).
    pub fn load(&self) -> Result<SettingsDoc> {
        match file::read_json(&self.path)? {
            ReadOutcome::Missing => Ok(SettingsDoc::default()),
            ReadOutcome::Value(v) => match migrate(v) {
                Ok(doc) => Ok(doc),
                // A file from a newer version is left alone: it is not corrupt.
                Err(e) if e.reason.as_deref() == Some("config_newer_version") => Err(e),
                Err(e) => {
                    let problem = e.details.technical.clone().unwrap_or_default();
                    self.note(file::move_aside(&self.path, problem)?);
                    Ok(SettingsDoc::default())
                }
            },
            corrupt @ ReadOutcome::Corrupt(_) => {
                self.note(corrupt);
                Ok(SettingsDoc::default())
            }
        }
    }

    fn note(&self, outcome: ReadOutcome) {
        if let ReadOutcome::Corrupt(m) = outcome {
            if let Ok(mut slot) = self.moved_aside.lock() {
                *slot = Some(m);
            }
        }
    }

    /// Change the document: `f` sees the latest content; its result is written
    /// only when `f` succeeds.
    pub fn update<R>(&self, f: impl FnOnce(&mut SettingsDoc) -> Result<R>) -> Result<R> {
        let _lock = lock_dir(&self.path)?;
        let mut doc = self.load()?;
        let out = f(&mut doc)?;
        doc.normalize();
        file::write_json_atomic(&self.path, &doc)?;
        Ok(out)
    }
}

/// An exclusive OS lock on a file beside `path` (`<name>.lock`), held until
/// dropped; serializes writers across processes (the app and `skm`). The OS
/// releases it when its holder dies, so a crashed process never blocks the
/// next one, and a slow live holder is never taken over.
pub fn lock_dir(path: &Path) -> Result<DirLock> {
    lock_dir_within(path, LOCK_WAIT)
}

fn lock_dir_within(path: &Path, wait: std::time::Duration) -> Result<DirLock> {
    let lock_path = path.with_extension("lock");
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| file::config_error("config_unwritable", &lock_path, e.to_string()))?;
        // The app's own folder: its user's alone, even if an older build
        // made it open (best effort: a folder of someone else's stays so).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    // The lock file is the owner's alone, like the settings it guards.
    let file = crate::storage::records::private_open_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| file::config_error("config_unwritable", &lock_path, e.to_string()))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(DirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(file::config_error(
                    "config_locked",
                    &lock_path,
                    "another Studio Keys process holds the settings lock".into(),
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(file::config_error(
                    "config_unwritable",
                    &lock_path,
                    e.to_string(),
                ))
            }
        }
    }
}

const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Holds the lock; dropping it (or the process ending) releases it. The
/// file itself stays: removing it would let two processes lock two files.
#[derive(Debug)]
pub struct DirLock {
    _file: std::fs::File,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_writers_do_not_lose_each_others_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(SettingsStore::open(dir.path()).unwrap());
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for j in 0..5 {
                        store
                            .update(|doc| {
                                let mut p = doc.profiles[0].clone();
                                p.id = format!("t{i}-{j}");
                                p.name = p.id.clone();
                                p.kind = super::super::ProfileKind::AlibabaCloud;
                                doc.profiles.push(p);
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.load().unwrap().profiles.len(), 1 + 20);
    }

    #[test]
    fn a_slow_holder_is_never_taken_over_and_a_dead_ones_file_never_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        // A lock file a crashed process left: no holder, so no wait.
        std::fs::write(dir.path().join("settings.lock"), "").unwrap();
        let held = lock_dir_within(&path, std::time::Duration::ZERO).expect("free");
        // Its holder is slow: however old the file looks, it is not taken over.
        let lock_file = std::fs::File::options()
            .write(true)
            .open(dir.path().join("settings.lock"))
            .unwrap();
        lock_file
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
        let e = lock_dir_within(&path, std::time::Duration::from_millis(100)).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("config_locked"));
        drop(held);
        lock_dir_within(&path, std::time::Duration::ZERO).expect("released");
    }
}
