//! The sandbox's state, read and written inside the caller's transaction.
//!
//! Every function takes the open transaction (`db::Db::write`/`read`), so one
//! request is one transaction and a rule check and the write it guards can
//! never be separated by another request.

pub mod keys;
pub mod permissions;
pub mod workspaces;

use super::apierror::ApiError;
use super::db::db_error;
pub use crate::domain::identity::IdentityKind;
use crate::{Error, Result, Secret};
use rusqlite::{OptionalExtension, Transaction};

/// Who is calling: the root account or a RAM user, with its AccessKey pair.
///
/// The AccessKey secret of a sandbox identity is a sandbox-only credential: it
/// opens nothing but this local database, and the server must know it to
/// recompute signatures (HMAC needs the secret itself, a hash would not do).
/// So it is stored in the database as it is, unlike API key values.
#[derive(Debug, Clone)]
pub struct Identity {
    pub uid: String,
    pub name: String,
    pub kind: IdentityKind,
    /// Administrator or API-Key page permission (always true for the root account).
    pub can_manage_keys: bool,
    pub access_key_id: String,
    pub access_key_secret: Secret,
}

/// The console lets only the root account and RAM users with key permission manage keys.
pub fn require_manage(caller: &Identity) -> Result<(), ApiError> {
    if caller.can_manage_keys {
        Ok(())
    } else {
        Err(ApiError::no_permission())
    }
}

impl Identity {
    pub fn is_root(&self) -> bool {
        self.kind == IdentityKind::Root
    }
}

fn identity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Identity> {
    let kind: String = r.get(2)?;
    Ok(Identity {
        uid: r.get(0)?,
        name: r.get(1)?,
        kind: if kind == "root" {
            IdentityKind::Root
        } else {
            IdentityKind::Ram
        },
        can_manage_keys: r.get(3)?,
        access_key_id: r.get(4)?,
        access_key_secret: Secret::new(r.get::<_, String>(5)?),
    })
}

const IDENTITY_COLUMNS: &str = "uid, name, kind, can_manage_keys, access_key_id, access_key_secret";

pub fn identity_by_access_key(tx: &Transaction, ak: &str) -> Result<Option<Identity>> {
    tx.query_row(
        &format!("SELECT {IDENTITY_COLUMNS} FROM identities WHERE access_key_id = ?1"),
        [ak],
        identity_from_row,
    )
    .optional()
    .map_err(db_error)
}

/// All identities, the root account first.
pub fn identities(tx: &Transaction) -> Result<Vec<Identity>> {
    let mut stmt = tx
        .prepare(&format!(
            "SELECT {IDENTITY_COLUMNS} FROM identities ORDER BY kind = 'ram', can_manage_keys DESC, name"
        ))
        .map_err(db_error)?;
    let rows = stmt.query_map([], identity_from_row).map_err(db_error)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db_error)
}

pub fn insert_identity(tx: &Transaction, id: &Identity) -> Result<()> {
    tx.execute(
        "INSERT INTO identities (uid, name, kind, can_manage_keys, access_key_id, access_key_secret)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            id.uid,
            id.name,
            id.kind.as_str(),
            id.can_manage_keys,
            id.access_key_id,
            id.access_key_secret.expose()
        ],
    )
    .map_err(db_error)?;
    Ok(())
}

/// The per-database key of the value hashes.
pub fn pepper(tx: &Transaction) -> Result<Vec<u8>> {
    tx.query_row("SELECT value FROM meta WHERE key = 'pepper'", [], |r| {
        r.get(0)
    })
    .optional()
    .map_err(db_error)?
    .ok_or_else(|| Error::internal("sandbox database has no pepper"))
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Decodes a JSON list column.
pub(crate) fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}
