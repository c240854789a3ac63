//! The audit log: a local, append-only record of everything that changed or
//! revealed something, tamper-evident, with no secret in it.
//!
//! JSON Lines in `<data>/audit/`, one file at a time (`audit-000001.jsonl`,
//! `audit-000002.jsonl`, ...), a new file once the current one passes
//! `MAX_FILE_BYTES`; the app never deletes one. Each record carries the
//! SHA-256 of the previous record's exact line bytes (`prev`), across files
//! too, so an edited, deleted or reordered record breaks the chain. The last
//! record's sequence number and hash are also written beside the log
//! (`audit.anchor`, under the same lock) and, by the caller, to the keychain:
//! records cut from the end are seen against the anchors. The model is AWS
//! CloudTrail's log-file integrity validation, at the scale of one computer.
//!
//! A line cut short by a crash (the last line of a file, unparsable) is
//! *damaged*, not tampered: it is left as it is, and the next record starts a
//! new file that names the damaged one (`after_damaged`).
//!
//! Writers in several processes (the app, `skm`) take an exclusive OS lock on
//! `audit.lock` for each append, so no record is lost or interleaved.

use super::records::private_open_options;
use crate::domain::error::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A file is closed for new records once it is this large.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// What the first record names as the record before it.
pub const GENESIS: &str = "genesis";
const FILE_PREFIX: &str = "audit-";
const FILE_SUFFIX: &str = ".jsonl";
const ANCHOR_FILE: &str = "audit.anchor";
const LOCK_FILE: &str = "audit.lock";
/// The longest line read back: a record is a few hundred bytes.
const MAX_LINE_BYTES: usize = 64 << 10;

/// What a record says happened. Never a key value or an AccessKey secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// What was done: `create`, `reset`, `update`, `copy`, `exec`, ...
    pub action: String,
    /// `started` (written before the call), `ok`, `failed`, `unknown`, or
    /// `resolved` (an unknown outcome settled later).
    pub outcome: String,
    /// The sequence number of the `started` record this one concludes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    /// The key's value as a mask (`sk-ws-…a1b2`), never more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
    /// Alibaba Cloud's request id, when an answer carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// A short fact: an error code and reason, a command's name, a file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of the log: the entry with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub seq: u64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    /// SHA-256 (hex) of the previous record's line bytes, or `genesis`.
    pub prev: String,
    /// Set on the first record after a damaged file: that file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_damaged: Option<String>,
    #[serde(flatten)]
    pub entry: Entry,
}

/// The last record's place: written beside the log and to the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: u64,
    pub hash: String,
}

impl Anchor {
    /// As the keychain keeps it: `<seq> <hash>`.
    pub fn to_line(&self) -> String {
        format!("{} {}", self.seq, self.hash)
    }

    pub fn from_line(line: &str) -> Option<Anchor> {
        let (seq, hash) = line.trim().split_once(' ')?;
        Some(Anchor {
            seq: seq.parse().ok()?,
            hash: hash.to_owned(),
        })
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every record chains to the one before, and the anchors name the last.
    Intact { records: u64 },
    /// Intact, but a file ends in a line cut short (a crash mid-write).
    Damaged {
        records: u64,
        file: String,
        line: usize,
    },
    /// The chain is broken: what was found, at which record.
    Tampered { at: Broken },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub file: String,
    pub line: usize,
    /// `edited` (bytes changed, or a line in the middle that no longer
    /// parses), `deleted`, `reordered`, or `cut` (records missing at the
    /// end, against an anchor).
    pub how: &'static str,
    /// The sequence number expected there.
    pub seq: u64,
}

/// The audit log in one folder.
#[derive(Debug, Clone)]
pub struct AuditLog {
    dir: PathBuf,
}

/// A file's last good record, and whether a torn line follows it.
struct Tail {
    last: Option<(Record, String)>,
    torn: bool,
}

fn hash_line(line: &str) -> String {
    hex::encode(Sha256::digest(line.as_bytes()))
}

fn audit_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("audit_unwritable")
        .with_param("path", path.display().to_string())
        .with_technical(e.to_string())
}

impl AuditLog {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        AuditLog { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log's files, oldest first.
    pub fn files(&self) -> Result<Vec<PathBuf>> {
        let mut found: Vec<(u64, PathBuf)> = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let n = name
                        .strip_prefix(FILE_PREFIX)?
                        .strip_suffix(FILE_SUFFIX)?
                        .parse::<u64>()
                        .ok()?;
                    Some((n, e.path()))
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
            Err(e) => return Err(audit_error(&self.dir, e)),
        };
        found.sort();
        Ok(found.into_iter().map(|(_, p)| p).collect())
    }

    fn file_path(&self, n: u64) -> PathBuf {
        self.dir.join(format!("{FILE_PREFIX}{n:06}{FILE_SUFFIX}"))
    }

    fn file_number(path: &Path) -> u64 {
        path.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix(FILE_PREFIX)?.strip_suffix(FILE_SUFFIX))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// The folder, private to this user.
    fn ensure_dir(&self) -> Result<()> {
        super::records::create_private_dir(&self.dir).map_err(|e| audit_error(&self.dir, e))
    }

    /// Append `entry` as the next record, under the log's lock; durable
    /// (fsynced) before this returns. An error means nothing was appended,
    /// and the caller refuses the action it was about to take.
    pub fn append(&self, entry: Entry) -> Result<(Record, Anchor)> {
        self.ensure_dir()?;
        let lock_path = self.dir.join(LOCK_FILE);
        let lock = private_open_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| audit_error(&lock_path, e))?;
        lock.lock().map_err(|e| audit_error(&lock_path, e))?;

        let files = self.files()?;
        let (mut target, prev_hash, next_seq, after_damaged) = match files.last() {
            None => (self.file_path(1), GENESIS.to_owned(), 1, None),
            Some(last_file) => {
                let (tail, prev) = self.last_record_before(&files)?;
                let (seq, hash) = match &prev {
                    Some((r, line)) => (r.seq + 1, hash_line(line)),
                    None => (1, GENESIS.to_owned()),
                };
                if tail.torn {
                    // Never write after a torn line: a new file, naming it.
                    let n = Self::file_number(last_file) + 1;
                    let name = file_name(last_file);
                    (self.file_path(n), hash, seq, Some(name))
                } else {
                    (last_file.clone(), hash, seq, None)
                }
            }
        };
        if after_damaged.is_none()
            && std::fs::metadata(&target).is_ok_and(|m| m.len() >= MAX_FILE_BYTES)
        {
            target = self.file_path(Self::file_number(&target) + 1);
        }
        let record = Record {
            seq: next_seq,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            prev: prev_hash,
            after_damaged,
            entry,
        };
        let line = serde_json::to_string(&record).map_err(|e| audit_error(&target, e))?;
        let mut file = open_append(&target)?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| audit_error(&target, e))?;
        let anchor = Anchor {
            seq: record.seq,
            hash: hash_line(&line),
        };
        self.write_anchor(&anchor)?;
        drop(lock);
        Ok((record, anchor))
    }

    /// The last good record of the log, skipping a torn last line; `Tail`
    /// says whether the newest file ends in one.
    fn last_record_before(&self, files: &[PathBuf]) -> Result<(Tail, Option<(Record, String)>)> {
        let newest = read_tail(files.last().expect("a file"))?;
        if newest.last.is_some() {
            let last = newest.last.clone();
            return Ok((newest, last));
        }
        // The newest file has no good record (empty or only a torn line):
        // the record before is the last of an older file.
        for f in files.iter().rev().skip(1) {
            let t = read_tail(f)?;
            if t.last.is_some() {
                return Ok((newest, t.last));
            }
        }
        Ok((newest, None))
    }

    fn write_anchor(&self, anchor: &Anchor) -> Result<()> {
        let path = self.dir.join(ANCHOR_FILE);
        let tmp = self.dir.join(format!("{ANCHOR_FILE}.tmp"));
        let text = serde_json::to_string(anchor).map_err(|e| audit_error(&path, e))?;
        let _ = std::fs::remove_file(&tmp);
        private_open_options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| audit_error(&path, e))
    }

    /// The anchor written beside the log, if any.
    pub fn file_anchor(&self) -> Option<Anchor> {
        let text = std::fs::read_to_string(self.dir.join(ANCHOR_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Every readable record, oldest first (a torn line is skipped).
    pub fn records(&self) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for f in self.files()? {
            for (_, line) in read_lines(&f)? {
                if let Ok(r) = serde_json::from_str::<Record>(&line) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// Walk the whole chain and hold its end against the anchors (the file's
    /// and, when the caller could read it, the keychain's).
    pub fn verify(&self, keychain_anchor: Option<&Anchor>) -> Result<Verdict> {
        let files = self.files()?;
        // Every line first: telling a deleted record from a moved one needs
        // to know what comes later.
        struct Line {
            file: usize,
            no: usize,
            text: String,
            record: Option<Record>,
            last_of_file: bool,
        }
        let mut lines: Vec<Line> = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let read = read_lines(f)?;
            let count = read.len();
            for (n, (no, text)) in read.into_iter().enumerate() {
                lines.push(Line {
                    file: i,
                    no,
                    record: serde_json::from_str(&text).ok(),
                    text,
                    last_of_file: n + 1 == count,
                });
            }
        }
        let names: Vec<String> = files.iter().map(|f| file_name(f)).collect();
        let mut expected_seq = 1u64;
        let mut prev_hash = GENESIS.to_owned();
        let mut prev_place: Option<usize> = None;
        let mut damaged: Option<(String, usize)> = None;
        let mut hashes: Vec<String> = Vec::new();
        let at = |idx: usize, how: &'static str, seq: u64| Broken {
            file: names[lines[idx].file].clone(),
            line: lines[idx].no,
            how,
            seq,
        };
        for idx in 0..lines.len() {
            let line = &lines[idx];
            let Some(record) = &line.record else {
                // A torn last line is damage, provided the chain goes on in
                // the next file, which names this one (or the log ends here).
                let next_names_it = lines.get(idx + 1).map(|next| {
                    next.record
                        .as_ref()
                        .and_then(|r| r.after_damaged.as_deref())
                        == Some(names[line.file].as_str())
                });
                if line.last_of_file && next_names_it != Some(false) {
                    damaged = Some((names[line.file].clone(), line.no));
                    continue;
                }
                return Ok(Verdict::Tampered {
                    at: at(idx, "edited", expected_seq),
                });
            };
            if record.seq != expected_seq {
                let later = lines[idx..]
                    .iter()
                    .any(|l| l.record.as_ref().is_some_and(|r| r.seq == expected_seq));
                let how = if record.seq > expected_seq && !later {
                    "deleted"
                } else {
                    "reordered"
                };
                return Ok(Verdict::Tampered {
                    at: at(idx, how, expected_seq),
                });
            }
            if record.prev != prev_hash {
                // The record before no longer has the bytes this one names:
                // that one was edited.
                let edited = prev_place.unwrap_or(idx);
                return Ok(Verdict::Tampered {
                    at: at(edited, "edited", expected_seq.saturating_sub(1).max(1)),
                });
            }
            prev_hash = hash_line(&line.text);
            hashes.push(prev_hash.clone());
            prev_place = Some(idx);
            expected_seq += 1;
        }
        let records = expected_seq - 1;
        // The anchors: the log must reach the record each names, with its hash.
        for anchor in [self.file_anchor(), keychain_anchor.cloned()]
            .into_iter()
            .flatten()
        {
            let last = |how, seq| Broken {
                file: prev_place
                    .map(|i| names[lines[i].file].clone())
                    .unwrap_or_default(),
                line: prev_place.map(|i| lines[i].no).unwrap_or(0),
                how,
                seq,
            };
            if anchor.seq > records {
                return Ok(Verdict::Tampered {
                    at: last("cut", records + 1),
                });
            }
            let named = (anchor.seq as usize)
                .checked_sub(1)
                .and_then(|i| hashes.get(i));
            if named != Some(&anchor.hash) {
                return Ok(Verdict::Tampered {
                    at: last("edited", anchor.seq),
                });
            }
        }
        Ok(match damaged {
            Some((file, line)) => Verdict::Damaged {
                records,
                file,
                line,
            },
            None => Verdict::Intact { records },
        })
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Open for appending, creating the file owner-only, never through a link.
fn open_append(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|e| audit_error(path, e))
}

/// A file's lines with their numbers (from 1), read without following a
/// link; a last line without its newline is kept (it is the torn one).
fn read_lines(path: &Path) -> Result<Vec<(usize, String)>> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path).map_err(|e| audit_error(path, e))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| audit_error(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            let torn = !l.ends_with('\n');
            let line = l.trim_end_matches('\n').to_owned();
            // A torn line must not parse as a whole record by accident.
            (i + 1, if torn { format!("{line}\u{0}") } else { line })
        })
        .filter(|(_, l)| !l.is_empty())
        .collect())
}

/// A file's last good record and whether a torn line ends it, reading only
/// its end (a file is at most a little over `MAX_FILE_BYTES`).
fn read_tail(path: &Path) -> Result<Tail> {
    let mut file = File::open(path).map_err(|e| audit_error(path, e))?;
    let len = file.metadata().map_err(|e| audit_error(path, e))?.len();
    let from = len.saturating_sub((2 * MAX_LINE_BYTES) as u64);
    file.seek(SeekFrom::Start(from))
        .map_err(|e| audit_error(path, e))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| audit_error(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let torn = !text.is_empty() && !text.ends_with('\n');
    let mut complete: Vec<&str> = text.split('\n').collect();
    complete.pop(); // after the last newline: empty, or the torn line
    let last = complete
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .and_then(|l| Some((serde_json::from_str::<Record>(l).ok()?, (*l).to_owned())));
    // A complete last line that does not parse is damage too.
    let unparsable_last = complete
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .is_some_and(|l| serde_json::from_str::<Record>(l).is_err());
    Ok(Tail {
        last,
        torn: torn || unparsable_last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> Entry {
        Entry {
            action: action.into(),
            outcome: "ok".into(),
            api_key_id: Some("7".into()),
            ..Default::default()
        }
    }

    fn log_with(n: usize) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit"));
        for i in 0..n {
            log.append(entry(&format!("a{i}"))).unwrap();
        }
        (dir, log)
    }

    fn only_file(log: &AuditLog) -> PathBuf {
        log.files().unwrap().pop().unwrap()
    }

    fn rewrite(path: &Path, f: impl FnOnce(&mut Vec<String>)) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        f(&mut lines);
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn an_untouched_log_is_intact_and_chained() {
        let (_d, log) = log_with(5);
        assert_eq!(log.verify(None).unwrap(), Verdict::Intact { records: 5 });
        let records = log.records().unwrap();
        assert_eq!(records[0].prev, GENESIS);
        assert_eq!(
            records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn an_edited_record_is_found() {
        let (_d, log) = log_with(5);
        rewrite(&only_file(&log), |l| {
            l[2] = l[2].replace(r#""action":"a2""#, r#""action":"a9""#)
        });
        match log.verify(None).unwrap() {
            Verdict::Tampered { at } => {
                assert_eq!(at.how, "edited");
                assert_eq!((at.line, at.seq), (3, 3), "the edited record is named");
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_deleted_record_is_found() {
        let (_d, log) = log_with(5);
        rewrite(&only_file(&log), |l| {
            l.remove(2);
        });
        match log.verify(None).unwrap() {
            Verdict::Tampered { at } => {
                assert_eq!(at.how, "deleted");
                assert_eq!(at.seq, 3);
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn reordered_records_are_found() {
        let (_d, log) = log_with(5);
        rewrite(&only_file(&log), |l| l.swap(1, 2));
        match log.verify(None).unwrap() {
            Verdict::Tampered { at } => {
                assert_eq!(at.how, "reordered");
                assert_eq!(at.seq, 2);
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn records_cut_from_the_end_are_found_against_either_anchor() {
        let (_d, log) = log_with(5);
        let keychain = log.file_anchor().unwrap();
        rewrite(&only_file(&log), |l| {
            l.truncate(3);
        });
        assert!(matches!(
            log.verify(None).unwrap(),
            Verdict::Tampered { at } if at.how == "cut"
        ));
        // Someone who also rewrites the file anchor is still caught by the keychain's.
        let kept = log.records().unwrap();
        let last_line = std::fs::read_to_string(only_file(&log))
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .to_owned();
        log.write_anchor(&Anchor {
            seq: kept.last().unwrap().seq,
            hash: hash_line(&last_line),
        })
        .unwrap();
        assert_eq!(log.verify(None).unwrap(), Verdict::Intact { records: 3 });
        assert!(matches!(
            log.verify(Some(&keychain)).unwrap(),
            Verdict::Tampered { at } if at.how == "cut"
        ));
    }

    #[test]
    fn a_torn_last_line_is_damage_and_the_chain_goes_on_in_a_new_file() {
        let (_d, log) = log_with(3);
        let first = only_file(&log);
        let mut f = OpenOptions::new().append(true).open(&first).unwrap();
        f.write_all(br#"{"seq":4,"time":"2026-"#).unwrap();
        drop(f);
        let torn = std::fs::read(&first).unwrap();
        let (next, _) = log.append(entry("after")).unwrap();
        assert_eq!(next.seq, 4);
        assert_eq!(next.after_damaged.as_deref(), Some("audit-000001.jsonl"));
        assert_eq!(std::fs::read(&first).unwrap(), torn, "never overwritten");
        assert_eq!(log.files().unwrap().len(), 2);
        match log.verify(None).unwrap() {
            Verdict::Damaged {
                records,
                file,
                line,
            } => {
                assert_eq!((records, file.as_str(), line), (4, "audit-000001.jsonl", 4));
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn a_full_file_rolls_over_and_the_chain_crosses_files() {
        let (_d, log) = log_with(1);
        let first = only_file(&log);
        // Pad the first file past the cap with a valid-looking tail: simpler,
        // append until it rolls.
        let big = "x".repeat(4000);
        let mut n = 1;
        while log.files().unwrap().len() == 1 {
            log.append(Entry {
                note: Some(big.clone()),
                ..entry("pad")
            })
            .unwrap();
            n += 1;
        }
        assert!(std::fs::metadata(&first).unwrap().len() >= MAX_FILE_BYTES);
        let second = log.files().unwrap().pop().unwrap();
        let first_of_second: Record = serde_json::from_str(
            std::fs::read_to_string(&second)
                .unwrap()
                .lines()
                .next()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(first_of_second.seq, n);
        assert_eq!(log.verify(None).unwrap(), Verdict::Intact { records: n });
        // Deleting the whole first file breaks the chain at the second's first record.
        std::fs::remove_file(&first).unwrap();
        assert!(matches!(
            log.verify(None).unwrap(),
            Verdict::Tampered { .. }
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_and_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, log) = log_with(1);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(log.dir()), 0o700);
        assert_eq!(mode(&only_file(&log)), 0o600);
    }
}
