//! The sandbox database: opening, recognising, migrating and transactions.
//!
//! A file is ours when its SQLite `application_id` is [`APPLICATION_ID`]. Any
//! other non-empty file (another program's database, random bytes, a newer
//! schema) is reported as an error and left untouched: the sandbox never
//! replaces data it does not understand.

use crate::{Error, ErrorCode, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// "SKMS" (Studio Keys Model Studio sandbox) in ASCII.
pub const APPLICATION_ID: i32 = 0x534B_4D53;
/// The schema this build writes. Older files are migrated forward in one transaction.
pub const SCHEMA_VERSION: i32 = 5;

/// v5: the current window of each workspace limit (`throttle.rs`), one row per
/// workspace, model and metric ("requests" or "tokens"), dropped with the
/// limit, or with the part of it a change removes or gives another period, so
/// a limit set again later counts from its setting (a changed count keeps
/// counting, as the cloud's window does). Idempotent like v2-v4.
const SCHEMA_V5: &str = r#"
CREATE TABLE IF NOT EXISTS limit_windows (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    metric TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, model, metric)
);
CREATE TRIGGER IF NOT EXISTS limit_windows_go_with_their_limit
AFTER DELETE ON workspace_limits BEGIN
    DELETE FROM limit_windows WHERE workspace_id = old.workspace_id AND model = old.model;
END;
CREATE TRIGGER IF NOT EXISTS limit_windows_follow_their_limit
AFTER UPDATE ON workspace_limits BEGIN
    DELETE FROM limit_windows WHERE workspace_id = new.workspace_id AND model = new.model AND (
        (metric = 'requests' AND (new.request_limit IS NULL
            OR new.request_limit_period IS NOT old.request_limit_period))
        OR (metric = 'tokens' AND (new.usage_limit IS NULL
            OR new.usage_limit_period IS NOT old.usage_limit_period)));
END;
"#;

/// v4: a workspace's own limits of its models (UpdateModelLimits); a model
/// without a row has none and the account's apply. Idempotent like v2 and v3.
const SCHEMA_V4: &str = r#"
CREATE TABLE IF NOT EXISTS workspace_limits (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    request_limit INTEGER,
    request_limit_period INTEGER,
    usage_limit INTEGER,
    usage_limit_period INTEGER,
    PRIMARY KEY (workspace_id, model)
);
"#;

/// v3: metered spend, one row per key, workspace, model and billing day
/// (`domain::billing`), and which demo keys get seeded history. Not tied to
/// `api_keys` by a foreign key: a deleted key's spend stays on the bill.
/// Idempotent like v2: two processes opening a v2 file at once may both run it.
const SCHEMA_V3: &str = r#"
CREATE TABLE IF NOT EXISTS usage_daily (
    region TEXT NOT NULL,
    day TEXT NOT NULL,
    api_key_id INTEGER NOT NULL,
    workspace_id TEXT NOT NULL,
    model TEXT NOT NULL,
    requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_micro INTEGER NOT NULL,
    PRIMARY KEY (region, day, api_key_id, workspace_id, model)
);
CREATE INDEX IF NOT EXISTS usage_daily_region_day ON usage_daily(region, day);
CREATE TABLE IF NOT EXISTS usage_plans (
    api_key_id INTEGER PRIMARY KEY,
    plan TEXT NOT NULL
);
"#;

/// v2: signature nonces, shared by every sandbox process on this database.
/// Idempotent: two processes opening a v1 file at once may both run it.
const SCHEMA_V2: &str = r#"
CREATE TABLE IF NOT EXISTS nonces (
    access_key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_seen_at ON nonces(seen_at);
"#;

const SCHEMA_V1: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE identities (
    uid TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('root', 'ram')),
    can_manage_keys INTEGER NOT NULL,
    access_key_id TEXT NOT NULL UNIQUE,
    access_key_secret TEXT NOT NULL
);
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    service_site TEXT NOT NULL,
    api_host TEXT NOT NULL UNIQUE,
    gmt_create INTEGER NOT NULL
);
CREATE INDEX workspaces_region ON workspaces(region);
CREATE TABLE models (
    region TEXT NOT NULL,
    model TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (region, model)
);
CREATE TABLE workspace_models (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    PRIMARY KEY (workspace_id, model)
);
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    owner_uid TEXT NOT NULL REFERENCES identities(uid),
    description TEXT NOT NULL,
    value_hash BLOB NOT NULL UNIQUE,
    mask TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    auth_type TEXT NOT NULL CHECK (auth_type IN ('All', 'Custom')),
    access_ips TEXT NOT NULL,
    allow_all_models INTEGER NOT NULL,
    accessible_models TEXT NOT NULL,
    gmt_create INTEGER NOT NULL
);
CREATE INDEX api_keys_region_owner ON api_keys(region, owner_uid);
CREATE TABLE temp_tokens (
    value_hash BLOB PRIMARY KEY,
    parent_id INTEGER NOT NULL,
    region TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    access_ips TEXT NOT NULL,
    allow_all_models INTEGER NOT NULL,
    accessible_models TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
"#;

/// Opened connections, reused across requests. Each request takes one for its
/// whole transaction; SQLite's own locking (WAL + BEGIN IMMEDIATE) orders writers.
#[derive(Clone)]
pub struct Db {
    path: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl Db {
    /// Opens (creating if absent) and verifies the database; migrates older schemas.
    /// Returns whether the file was new, so the caller can seed it.
    pub fn open(path: &Path) -> Result<(Db, bool)> {
        let existed = path.exists() && std::fs::metadata(path)?.len() > 0;
        make_private(path)?;
        let conn = connect(path)?;
        let fresh = check_and_migrate(&conn, path, existed)?;
        // SQLite gives the WAL and shared-memory files the database's mode;
        // files left by an older build are tightened here.
        make_private(path)?;
        let db = Db {
            path: Arc::new(path.to_path_buf()),
            idle: Arc::new(Mutex::new(vec![conn])),
        };
        Ok((db, fresh))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn take(&self) -> Result<Connection> {
        let pooled = self
            .idle
            .lock()
            .map_err(|_| Error::internal("db pool poisoned"))?
            .pop();
        match pooled {
            Some(c) => Ok(c),
            None => connect(&self.path),
        }
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < 8 {
                idle.push(conn);
            }
        }
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction: committed when `f`
    /// returns Ok, rolled back otherwise. IMMEDIATE takes the write lock up
    /// front, so two concurrent read-check-write sequences (quota checks) cannot
    /// interleave.
    pub fn write<T, E>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.take()?;
        let out = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_error)?;
            let value = f(&tx)?;
            tx.commit().map_err(db_error)?;
            Ok(value)
        })();
        self.give_back(conn);
        out
    }

    /// Runs `f` in a deferred (read) transaction, so it sees one consistent snapshot.
    pub fn read<T, E>(&self, f: impl FnOnce(&rusqlite::Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.take()?;
        let out = (|| {
            let tx = conn.transaction().map_err(db_error)?;
            let value = f(&tx)?;
            tx.finish().map_err(db_error)?;
            Ok(value)
        })();
        self.give_back(conn);
        out
    }
}

/// The database holds the sandbox identities' AccessKey secrets: a folder
/// created for it is 0700, and the database with its `-wal` and `-shm` files
/// is 0600 (created so before SQLite opens it, so it is never readable by
/// others, not even for a moment). An existing folder is the owner's choice
/// (`skm sandbox serve --db /tmp/x.db` must not lock up /tmp) and is left as it is.
#[cfg(unix)]
pub fn make_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
    }
    if !path.exists() {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(meta) = std::fs::metadata(&file) {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn make_private(path: &Path) -> Result<()> {
    // Windows: files in the user's profile are private to the user by default.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}

fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(db_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(db_error)?;
    Ok(conn)
}

/// Verifies the file is ours (or empty), migrates, and returns whether it was freshly created.
fn check_and_migrate(conn: &Connection, path: &Path, existed: bool) -> Result<bool> {
    // Reading the header is the first thing that fails on a file that is not SQLite.
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;

    let fresh = app_id == 0 && version == 0 && tables == 0;
    if !fresh && app_id != APPLICATION_ID {
        return Err(Error::new(ErrorCode::Config)
            .with_reason("sandbox_db_foreign")
            .with_param("path", path.display().to_string()));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::new(ErrorCode::Config)
            .with_reason("sandbox_db_newer")
            .with_param("path", path.display().to_string())
            .with_param("version", version.to_string()));
    }
    if existed && !fresh {
        let ok: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| corrupt(path, e))?;
        if ok != "ok" {
            return Err(corrupt(path, ok));
        }
    }
    // WAL: readers never block the writer, and a crash mid-write rolls back cleanly.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| corrupt(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::new(ErrorCode::Config)
            .with_reason("sandbox_db_no_wal")
            .with_param("path", path.display().to_string()));
    }
    // Each step in its own transaction; v2 to v5 are idempotent, so two
    // processes migrating one old file at once both succeed.
    let steps = [
        (
            1,
            format!("{SCHEMA_V1} PRAGMA application_id = {APPLICATION_ID};"),
        ),
        (2, SCHEMA_V2.to_string()),
        (3, SCHEMA_V3.to_string()),
        (4, SCHEMA_V4.to_string()),
        (5, SCHEMA_V5.to_string()),
    ];
    for (to, sql) in steps.iter().filter(|(to, _)| version < *to) {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql} PRAGMA user_version = {to}; COMMIT;"
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            db_error(e)
        })?;
    }
    Ok(fresh)
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("sandbox_db_open")
        .with_param("path", path.display().to_string())
        .with_technical(e.to_string())
}

fn corrupt(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("sandbox_db_corrupt")
        .with_param("path", path.display().to_string())
        .with_technical(e.to_string())
}

/// An unexpected SQLite failure. SQL text and errors never contain secrets:
/// values are bound as parameters and only hashes are stored.
pub fn db_error(e: rusqlite::Error) -> Error {
    Error::internal(format!("sandbox database: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_file_is_created_and_reopened_as_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let (_, fresh) = Db::open(&path).unwrap();
        assert!(fresh);
        let (_, fresh) = Db::open(&path).unwrap();
        assert!(!fresh);
    }

    #[test]
    fn foreign_sqlite_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
        drop(c);
        let err = Db::open(&path).err().expect("foreign db must be refused");
        assert_eq!(err.reason.as_deref(), Some("sandbox_db_foreign"));
        let c = Connection::open(&path).unwrap();
        let t: String = c
            .query_row("SELECT t FROM notes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(t, "mine");
    }

    #[test]
    fn garbage_file_is_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, vec![0x5a; 8192]).unwrap();
        let err = Db::open(&path).err().expect("garbage must be refused");
        assert_eq!(err.code, ErrorCode::Config);
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 8192]);
    }

    #[cfg(unix)]
    #[test]
    fn the_database_and_a_folder_made_for_it_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        let root_mode = mode(root.path());
        let path = root.path().join("new-folder").join("sandbox.db");
        let (db, _) = Db::open(&path).unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO meta (key, value) VALUES ('probe', x'00')", [])
                .map_err(db_error)
        })
        .unwrap();
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        for suffix in ["", "-wal", "-shm"] {
            let f = PathBuf::from(format!("{}{suffix}", path.display()));
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
        drop(db);
        // A database left readable by an older build is tightened on open.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        Db::open(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        // A folder that already existed is the owner's: left as it was.
        assert_eq!(mode(root.path()), root_mode);
    }

    /// A database with data, taken back to an older schema by `downgrade`
    /// and then opened by two threads at once, released together by a
    /// barrier (both must succeed, one migrates). Returns its schema version after, how many of `tables`
    /// exist, and whether the data stayed.
    fn migrated(downgrade: &str, tables: &[&str]) -> (i32, i64, i64) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let (db, _) = Db::open(&path).unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO meta (key, value) VALUES ('kept', x'01')", [])
                .map_err(db_error)?;
            tx.execute_batch(downgrade).map_err(db_error)
        })
        .unwrap();
        drop(db);
        // Both threads are started before either opens: they open together.
        let together = std::sync::Arc::new(std::sync::Barrier::new(2));
        let opened: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                let together = together.clone();
                std::thread::spawn(move || {
                    together.wait();
                    Db::open(&path).map(|_| ())
                })
            })
            .collect();
        for o in opened {
            o.join().unwrap().unwrap();
        }
        let (db, fresh) = Db::open(&path).unwrap();
        assert!(!fresh);
        let count = |tx: &rusqlite::Transaction, sql: &str| -> Result<i64> {
            tx.query_row(sql, [], |r| r.get(0)).map_err(db_error)
        };
        let names = tables
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        db.read(|tx| {
            Ok::<_, Error>((
                tx.query_row("PRAGMA user_version", [], |r| r.get(0))
                    .map_err(db_error)?,
                count(
                    tx,
                    &format!("SELECT count(*) FROM sqlite_master WHERE name IN ({names})"),
                )?,
                count(tx, "SELECT count(*) FROM meta WHERE key = 'kept'")?,
            ))
        })
        .unwrap()
    }

    #[test]
    fn a_version_1_database_with_data_gains_the_nonce_table() {
        let got = migrated("DROP TABLE nonces; PRAGMA user_version = 1;", &["nonces"]);
        assert_eq!(got, (SCHEMA_VERSION, 1, 1));
    }

    #[test]
    fn a_version_3_database_with_data_gains_the_workspace_limits_table() {
        let got = migrated(
            "DROP TABLE workspace_limits; PRAGMA user_version = 3;",
            &["workspace_limits"],
        );
        assert_eq!(got, (SCHEMA_VERSION, 1, 1));
    }

    #[test]
    fn a_version_4_database_with_data_gains_the_limit_windows_table() {
        let got = migrated(
            "DROP TABLE limit_windows; PRAGMA user_version = 4;",
            &["limit_windows"],
        );
        assert_eq!(got, (SCHEMA_VERSION, 1, 1));
    }

    #[test]
    fn a_version_2_database_with_data_gains_the_usage_tables() {
        let got = migrated(
            "DROP TABLE usage_daily; DROP TABLE usage_plans; PRAGMA user_version = 2;",
            &["usage_daily", "usage_plans"],
        );
        assert_eq!(got, (SCHEMA_VERSION, 2, 1));
    }
}
