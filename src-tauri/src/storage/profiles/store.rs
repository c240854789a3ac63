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

pub const SETTINGS_FILE: &str = "settings.json";

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

/// An exclusive lock beside `path` (`<name>.lock`, created with `create_new`),
/// held until dropped; serializes writers across processes (the app and
/// `skm`). A lock older than [`STALE_LOCK`] was left by a crashed process and
/// is taken over.
pub fn lock_dir(path: &Path) -> Result<DirLock> {
    let lock_path = path.with_extension("lock");
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| file::config_error("config_unwritable", &lock_path, e.to_string()))?;
    }
    let started = std::time::Instant::now();
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock_path)
        {
            Ok(_) => return Ok(DirLock { path: lock_path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let age = std::fs::metadata(&lock_path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok());
                if age.is_some_and(|a| a > STALE_LOCK) {
                    let _ = std::fs::remove_file(&lock_path);
                    continue;
                }
                if started.elapsed() > LOCK_WAIT {
                    return Err(file::config_error(
                        "config_locked",
                        &lock_path,
                        "another Studio Keys process holds the settings lock".into(),
                    ));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => {
                return Err(file::config_error(
                    "config_unwritable",
                    &lock_path,
                    e.to_string(),
                ))
            }
        }
    }
}

const STALE_LOCK: std::time::Duration = std::time::Duration::from_secs(30);
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Removes the lock file when dropped.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
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
        assert!(!dir.path().join("settings.lock").exists());
    }
}
