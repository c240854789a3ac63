//! The intent journal: what a Create or Reset is about to do, written to disk
//! (and fsynced) before the request is sent and removed once its value is
//! kept. A process killed in between leaves its intent behind; the next run of
//! the app or `skm` claims it and finds out what happened.
//!
//! One file per intent in `<data dir>/intents/`. Its owner holds an exclusive
//! lock on it for as long as it lives (the OS drops the lock when the process
//! dies), so a locked intent is in flight and an unlocked one is orphaned. A
//! run that claims an orphan takes the same lock first, so the app and `skm`
//! never both act on one. No secrets here: ids, names and times only.

use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IntentAction {
    Create,
    Reset,
}

/// What a Create or Reset was about to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    pub id: String,
    pub action: IntentAction,
    pub region: RegionId,
    pub profile_id: String,
    /// The AccessKey id the request was signed with (an identifier, not a secret).
    pub access_key_id: String,
    /// The endpoint override it went to, if any.
    pub endpoint: Option<String>,
    /// Create: the description and workspace asked for.
    pub description: Option<String>,
    pub workspace_id: Option<String>,
    /// Reset: the key.
    pub api_key_id: Option<i64>,
    /// Epoch ms, just before sending.
    pub requested_at_ms: i64,
    /// Create: ids of keys with this description before the call.
    pub before_ids: Vec<i64>,
    pub pid: u32,
}

/// An intent whose file this process holds locked.
#[derive(Debug)]
pub struct HeldIntent {
    pub intent: Intent,
    path: PathBuf,
    // Holding the file holds the lock.
    _file: File,
}

impl HeldIntent {
    /// Done: the value is kept (or the outcome was told). Removes the file.
    pub fn finish(self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(journal_error(&self.path, e)),
        }
        sync_dir(self.path.parent());
        Ok(())
    }

    /// Not settled: leave the file for a later run, and unlock it.
    pub fn release(self) {}
}

#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    pub fn new(dir: PathBuf) -> Self {
        Journal { dir }
    }

    /// Write `intent` durably, locked, before its request is sent.
    pub fn begin(&self, intent: Intent) -> Result<HeldIntent> {
        std::fs::create_dir_all(&self.dir).map_err(|e| journal_error(&self.dir, e))?;
        let path = self.dir.join(format!("{}.json", intent.id));
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)
            .map_err(|e| journal_error(&self.dir, e))?;
        let text = serde_json::to_vec(&intent).map_err(|e| Error::internal(e.to_string()))?;
        tmp.write_all(&text)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| journal_error(&path, e))?;
        // Locked before it appears under its name: nobody may take it for an orphan.
        tmp.as_file().lock().map_err(|e| journal_error(&path, e))?;
        let file = tmp
            .persist(&path)
            .map_err(|e| journal_error(&path, e.error))?;
        sync_dir(Some(&self.dir));
        Ok(HeldIntent {
            intent,
            path,
            _file: file,
        })
    }

    /// How many intents of `profile_id` other than `except` another run (or
    /// another call of this one) is carrying out right now.
    pub fn in_flight(&self, profile_id: &str, except: &str) -> usize {
        self.entries()
            .filter(|(path, intent)| {
                intent.profile_id == profile_id && intent.id != except && {
                    match OpenOptions::new().read(true).write(true).open(path) {
                        Ok(f) => matches!(f.try_lock(), Err(TryLockError::WouldBlock)),
                        Err(_) => false,
                    }
                }
            })
            .count()
    }

    /// Orphaned intents that `wanted` accepts, each claimed (locked) for the
    /// caller. Intents in flight, or claimed by another run, are left alone.
    pub fn claim_orphans(&self, wanted: impl Fn(&Intent) -> bool) -> Vec<HeldIntent> {
        let mut claimed = Vec::new();
        for (path, intent) in self.entries() {
            if !wanted(&intent) {
                continue;
            }
            let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue;
            }
            // Another run may have settled and removed it between our read
            // and our lock: only a file still at its path is an orphan.
            if !same_file(&file, &path) {
                continue;
            }
            claimed.push(HeldIntent {
                intent,
                path,
                _file: file,
            });
        }
        claimed
    }

    /// Every readable intent file, oldest first. An unreadable one (a crash
    /// while writing is impossible: it is renamed into place whole) is skipped.
    fn entries(&self) -> impl Iterator<Item = (PathBuf, Intent)> {
        let mut found: Vec<(PathBuf, Intent)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| {
                let text = std::fs::read(&p).ok()?;
                let intent: Intent = serde_json::from_slice(&text).ok()?;
                Some((p, intent))
            })
            .collect();
        found.sort_by_key(|(_, i)| i.requested_at_ms);
        found.into_iter()
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    // Windows does not let a file that is open be removed: existence suffices.
    path.exists()
}

/// Make a create, rename or remove in `dir` durable (best effort: not every
/// platform can open a directory).
fn sync_dir(dir: Option<&Path>) {
    #[cfg(unix)]
    if let Some(d) = dir {
        if let Ok(f) = File::open(d) {
            let _ = f.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn journal_error(path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("journal_unwritable")
        .with_param("path", path.display().to_string())
        .with_technical(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(id: &str, profile: &str) -> Intent {
        Intent {
            id: id.into(),
            action: IntentAction::Create,
            region: RegionId::CnBeijing,
            profile_id: profile.into(),
            access_key_id: "AK".into(),
            endpoint: None,
            description: Some("ci".into()),
            workspace_id: None,
            api_key_id: None,
            requested_at_ms: 1,
            before_ids: vec![1, 2],
            pid: std::process::id(),
        }
    }

    #[test]
    fn a_held_intent_is_in_flight_and_cannot_be_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("intents"));
        let held = j.begin(intent("a", "p")).unwrap();
        assert_eq!(j.in_flight("p", "other"), 1);
        assert_eq!(j.in_flight("p", "a"), 0, "its own intent does not count");
        assert_eq!(j.in_flight("q", "other"), 0);
        assert!(j.claim_orphans(|_| true).is_empty());
        held.finish().unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path().join("intents"))
                .unwrap()
                .count(),
            0
        );
    }

    #[test]
    fn a_released_intent_is_an_orphan_claimed_once() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("intents"));
        j.begin(intent("a", "p")).unwrap().release();
        assert_eq!(j.in_flight("p", "x"), 0);
        let first = j.claim_orphans(|_| true);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].intent, intent("a", "p"));
        assert!(j.claim_orphans(|_| true).is_empty(), "claimed already");
        assert!(j.claim_orphans(|i| i.profile_id == "q").is_empty());
        first.into_iter().for_each(|h| h.finish().unwrap());
        assert!(j.claim_orphans(|_| true).is_empty());
    }

    #[test]
    fn the_journal_holds_no_value_only_ids_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("intents"));
        let held = j.begin(intent("a", "p")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("intents/a.json")).unwrap();
        assert!(text.contains("\"beforeIds\":[1,2]") && !text.contains("sk-"));
        held.finish().unwrap();
    }
}
