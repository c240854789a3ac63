//! The intent journal: what a Create or Reset is about to do, written to disk
//! (and fsynced) before the request is sent, and marked settled once its value
//! is kept. A process killed in between leaves an unsettled intent behind; the
//! next run of the app or `skm` claims it and finds out what happened.
//!
//! Each intent is two files in `<data dir>/intents/`: `<id>.json`, the record,
//! and `<id>.lock`, which its owner holds an exclusive lock on for as long as
//! it runs (the OS drops the lock when the process dies). A locked intent is in
//! flight; an unsettled one whose lock is free is orphaned. The lock is on a
//! file of its own because on Windows a locked file cannot be read by anyone
//! else, and the record must stay readable.
//!
//! A settled intent stays as a tombstone (with the key it made) for an hour:
//! a Create whose answer was lost must know of every other Create or Reset
//! that ran during its call, including those that already finished.
//!
//! Records are read as untrusted input (`storage::records`): one is
//! accepted only when its file name is its id, it is a plain file (no link,
//! no device), at most 64 KiB, and dated no later than now; anything else is
//! reported once, set aside, and never acted on. The folder is 0700.
//!
//! Locks are advisory OS locks (`flock` on Unix, `LockFileEx` on Windows). On a
//! network file system (NFS home directories) `flock` may not exclude another
//! machine; two computers sharing one data folder are not supported.
//! No secrets here: ids, names and times only.

use super::records::{private_open_options, sync_dir};
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
    /// Epoch ms when the call began (a Create: before its "before" list).
    pub requested_at_ms: i64,
    /// Create: ids of keys with this description before the call.
    pub before_ids: Vec<i64>,
    /// Set once the outcome was kept or told (epoch ms); a tombstone from then on.
    #[serde(default)]
    pub settled_at_ms: Option<i64>,
    /// The key it made or reset, when known.
    #[serde(default)]
    pub made_key_id: Option<i64>,
    /// The audit log's `started` record of this Create or Reset: the
    /// record that says how it was settled names it.
    #[serde(default)]
    pub audit_seq: Option<u64>,
}

impl super::records::Record for Intent {
    fn id(&self) -> &str {
        &self.id
    }

    fn times(&self) -> Vec<i64> {
        [Some(self.requested_at_ms), self.settled_at_ms]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// How long a tombstone is kept: longer than any call can take.
const TOMBSTONE_MS: i64 = 60 * 60 * 1000;

/// An intent whose lock this process holds.
#[derive(Debug)]
pub struct HeldIntent {
    pub intent: Intent,
    dir: PathBuf,
    // Holding the file holds the lock.
    _lock: File,
}

impl HeldIntent {
    /// Settled: the value is kept (or the outcome was told). The record stays
    /// as a tombstone naming `made_key_id`; the lock file goes.
    pub fn finish(mut self, made_key_id: Option<i64>) -> Result<()> {
        self.intent.settled_at_ms = Some(now_ms());
        self.intent.made_key_id = made_key_id.or(self.intent.made_key_id);
        write_record(&self.dir, &self.intent)?;
        let _ = std::fs::remove_file(lock_path(&self.dir, &self.intent.id));
        sync_dir(&self.dir);
        Ok(())
    }

    /// Not settled: leave it for a later run, and unlock it.
    pub fn release(self) {}
}

#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn record_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.json"))
}

fn lock_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.lock"))
}

/// Write the record whole (temp file, fsync, rename, directory fsync).
fn write_record(dir: &Path, intent: &Intent) -> Result<()> {
    let path = record_path(dir, &intent.id);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| journal_error(dir, e))?;
    let text = serde_json::to_vec(intent).map_err(|e| Error::internal(e.to_string()))?;
    tmp.write_all(&text)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| journal_error(&path, e))?;
    tmp.persist(&path)
        .map_err(|e| journal_error(&path, e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Whether the lock file of intent `id` is held by someone (another process,
/// or another call of this one).
fn lock_held(dir: &Path, id: &str) -> bool {
    match OpenOptions::new()
        .read(true)
        .write(true)
        .open(lock_path(dir, id))
    {
        Ok(f) => matches!(f.try_lock(), Err(TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

impl Journal {
    pub fn new(dir: PathBuf) -> Self {
        Journal { dir }
    }

    /// Write `intent` durably, with its lock held, before its request is sent.
    pub fn begin(&self, intent: Intent) -> Result<HeldIntent> {
        if !self.dir.exists() {
            std::fs::create_dir_all(&self.dir).map_err(|e| journal_error(&self.dir, e))?;
            sync_dir(self.dir.parent().unwrap_or(&self.dir));
        }
        // Private, even if an older build made it open.
        super::records::private_dir(&self.dir)?;
        // Locked before the record appears: nobody may take it for an orphan.
        let lock = private_open_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path(&self.dir, &intent.id))
            .map_err(|e| journal_error(&self.dir, e))?;
        lock.lock().map_err(|e| journal_error(&self.dir, e))?;
        write_record(&self.dir, &intent)?;
        Ok(HeldIntent {
            intent,
            dir: self.dir.clone(),
            _lock: lock,
        })
    }

    /// Other Creates and Resets in `region` at `endpoint`, whoever signed them,
    /// that ran at any time since `since_ms`: in flight now, or settled since.
    /// `except` is the caller's own.
    pub fn others_since(
        &self,
        region: RegionId,
        endpoint: Option<&str>,
        since_ms: i64,
        except: &str,
    ) -> Vec<Intent> {
        self.entries()
            .into_iter()
            .filter(|i| i.id != except && i.region == region && i.endpoint.as_deref() == endpoint)
            .filter(|i| match i.settled_at_ms {
                Some(settled) => settled >= since_ms,
                None => lock_held(&self.dir, &i.id) || i.requested_at_ms >= since_ms,
            })
            .collect()
    }

    /// Keys that other intents are known to have made (tombstones).
    pub fn made_keys(&self) -> Vec<i64> {
        self.entries()
            .into_iter()
            .filter_map(|i| i.made_key_id)
            .collect()
    }

    /// Orphaned intents that `wanted` accepts, each claimed (locked) for the
    /// caller. Intents in flight, settled, or claimed by another run are left alone.
    pub fn claim_orphans(&self, wanted: impl Fn(&Intent) -> bool) -> Vec<HeldIntent> {
        let mut claimed = Vec::new();
        for intent in self.entries() {
            if intent.settled_at_ms.is_some() || !wanted(&intent) {
                continue;
            }
            // A record without its lock file was settled meanwhile, or its
            // owner died between the two: create it to claim it either way.
            let Ok(lock) = private_open_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(lock_path(&self.dir, &intent.id))
            else {
                continue;
            };
            if lock.try_lock().is_err() {
                continue;
            }
            // Settled by its owner, or by another run, between our read and our lock?
            let fresh =
                super::records::read_file::<Intent>(&record_path(&self.dir, &intent.id)).ok();
            match fresh {
                Some(i) if i.settled_at_ms.is_none() => claimed.push(HeldIntent {
                    intent: i,
                    dir: self.dir.clone(),
                    _lock: lock,
                }),
                _ => {}
            }
        }
        claimed
    }

    /// The files that are not acceptable records (planted, linked, damaged,
    /// dated ahead): each is set aside as it is reported, so it is said
    /// once and never read again.
    pub fn refuse_planted(&self) -> Vec<super::records::Rejected> {
        let (_, rejected) = super::records::read_all::<Intent>(&self.dir);
        for r in &rejected {
            super::records::set_aside(&self.dir, &r.file);
        }
        rejected
    }

    /// Every readable record, oldest first; tombstones past their hour are
    /// removed on the way, with stray temp files.
    fn entries(&self) -> Vec<Intent> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let now = now_ms();
        let mut found = Vec::new();
        for path in dir.flatten().map(|e| e.path()) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(".tmp-") {
                let old = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_millis() as i64 > TOMBSTONE_MS);
                if old {
                    let _ = std::fs::remove_file(&path);
                }
                continue;
            }
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let Ok(intent) = super::records::read_file::<Intent>(&path) else {
                continue;
            };
            if intent.settled_at_ms.is_some_and(|s| now - s > TOMBSTONE_MS) {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(lock_path(&self.dir, &intent.id));
                continue;
            }
            found.push(intent);
        }
        found.sort_by_key(|i| i.requested_at_ms);
        found
    }
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

    /// A record id (a UUID, as the journal accepts) named by `name`.
    fn uid(name: &str) -> String {
        let n = name
            .bytes()
            .fold(0u64, |n, b| n.wrapping_mul(131).wrapping_add(u64::from(b)));
        format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
    }

    fn intent(id: &str, at: i64) -> Intent {
        Intent {
            id: uid(id),
            action: IntentAction::Create,
            region: RegionId::CnBeijing,
            profile_id: "p".into(),
            access_key_id: "AK".into(),
            endpoint: None,
            description: Some("ci".into()),
            workspace_id: None,
            api_key_id: None,
            requested_at_ms: at,
            before_ids: vec![1, 2],
            settled_at_ms: None,
            made_key_id: None,
            audit_seq: None,
        }
    }

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("intents"));
        (dir, j)
    }

    #[test]
    fn a_held_intent_is_in_flight_and_cannot_be_claimed() {
        let (_d, j) = journal();
        let now = now_ms();
        let held = j.begin(intent("a", now)).unwrap();
        let others =
            |except: &str| j.others_since(RegionId::CnBeijing, None, now + 1, &uid(except));
        assert_eq!(others("b").len(), 1, "in flight, whatever its start");
        assert!(others("a").is_empty(), "its own intent does not count");
        assert!(j
            .others_since(RegionId::UsEast1, None, 0, &uid("b"))
            .is_empty());
        assert!(j.claim_orphans(|_| true).is_empty());
        held.finish(Some(7)).unwrap();
        assert!(j.claim_orphans(|_| true).is_empty(), "settled");
        assert_eq!(j.made_keys(), vec![7]);
    }

    #[test]
    fn a_create_that_started_and_settled_during_a_call_still_counts() {
        let (_d, j) = journal();
        let call_started = now_ms() - 1_000;
        j.begin(intent("quick", call_started + 10))
            .unwrap()
            .finish(Some(9))
            .unwrap();
        let seen = j.others_since(RegionId::CnBeijing, None, call_started, "mine");
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].made_key_id, Some(9));
        // Settled before the call began: not part of it.
        assert!(j
            .others_since(RegionId::CnBeijing, None, now_ms() + 10, "mine")
            .is_empty());
    }

    #[test]
    fn a_released_intent_is_an_orphan_claimed_once() {
        let (_d, j) = journal();
        j.begin(intent("a", 1)).unwrap().release();
        let first = j.claim_orphans(|_| true);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].intent, intent("a", 1));
        assert!(j.claim_orphans(|_| true).is_empty(), "claimed already");
        first.into_iter().for_each(|h| h.finish(None).unwrap());
        assert!(j.claim_orphans(|_| true).is_empty());
        assert!(j.claim_orphans(|i| i.profile_id == "q").is_empty());
    }

    #[test]
    fn the_journal_holds_no_value_only_ids_and_names() {
        let (d, j) = journal();
        let held = j.begin(intent("a", 1)).unwrap();
        let text =
            std::fs::read_to_string(d.path().join(format!("intents/{}.json", uid("a")))).unwrap();
        assert!(text.contains("\"beforeIds\":[1,2]") && !text.contains("sk-"));
        held.finish(None).unwrap();
    }

    #[test]
    fn old_tombstones_are_swept() {
        let (d, j) = journal();
        let mut old = intent("old", 1);
        old.settled_at_ms = Some(now_ms() - TOMBSTONE_MS - 1);
        std::fs::create_dir_all(d.path().join("intents")).unwrap();
        write_record(&d.path().join("intents"), &old).unwrap();
        assert!(j.made_keys().is_empty());
        assert!(!d
            .path()
            .join(format!("intents/{}.json", uid("old")))
            .exists());
    }
}
