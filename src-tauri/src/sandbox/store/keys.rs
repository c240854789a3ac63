//! API keys: the console rules, enforced inside the request's transaction.

use super::super::apierror::ApiError;
use super::super::db::db_error;
use super::super::values;
use super::permissions::{resolve_auth, StoredAuth};
use super::workspaces::resolve_workspace;
use super::{json_list, now_ms, require_manage, Identity};
use crate::domain::regions::{KeyLimitScope, RegionId};
use crate::protocol::wire::{self, Auth};
use crate::Secret;
use rusqlite::{params, OptionalExtension, Transaction};

/// A key as stored: never its value, only the keyed hash and the mask.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub id: i64,
    pub region: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub owner_uid: String,
    pub description: String,
    pub mask: String,
    pub disabled: bool,
    pub auth: StoredAuth,
    pub gmt_create: i64,
}

impl KeyRecord {
    /// The List/Get item: masked value, never the full one.
    pub fn to_wire(&self) -> wire::ApiKey {
        wire::ApiKey {
            api_key_id: Some(self.id),
            api_key_value: Some(self.mask.clone()),
            auth: Some(self.auth.to_wire()),
            created_by: Some(self.owner_uid.clone()),
            description: Some(self.description.clone()),
            disabled: Some(i64::from(self.disabled)),
            gmt_create: Some(self.gmt_create),
            workspace_id: Some(self.workspace_id.clone()),
            workspace_name: Some(self.workspace_name.clone()),
        }
    }
}

const KEY_COLUMNS: &str =
    "k.id, k.region, k.workspace_id, w.name, k.owner_uid, k.description, k.mask,
    k.disabled, k.auth_type, k.access_ips, k.allow_all_models, k.accessible_models, k.gmt_create";

fn key_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        id: r.get(0)?,
        region: r.get(1)?,
        workspace_id: r.get(2)?,
        workspace_name: r.get(3)?,
        owner_uid: r.get(4)?,
        description: r.get(5)?,
        mask: r.get(6)?,
        disabled: r.get(7)?,
        auth: StoredAuth {
            auth_type: r.get(8)?,
            access_ips: json_list(&r.get::<_, String>(9)?),
            allow_all_models: r.get(10)?,
            accessible_models: json_list(&r.get::<_, String>(11)?),
        },
        gmt_create: r.get(12)?,
    })
}

/// Inserts a key row for a value; used by Create and by the seeder.
#[allow(clippy::too_many_arguments)] // one argument per column; a struct would only rename them
pub fn insert_key(
    tx: &Transaction,
    pepper: &[u8],
    region: RegionId,
    workspace_id: &str,
    owner_uid: &str,
    description: &str,
    auth: &StoredAuth,
    value: &Secret,
    disabled: bool,
) -> Result<i64, ApiError> {
    let hash = values::value_hash(pepper, value.expose());
    tx.execute(
        "INSERT INTO api_keys (region, workspace_id, owner_uid, description, value_hash, mask,
            disabled, auth_type, access_ips, allow_all_models, accessible_models, gmt_create)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            region.as_str(),
            workspace_id,
            owner_uid,
            description,
            hash,
            values::mask(value.expose()),
            disabled,
            auth.auth_type,
            serde_json::to_string(&auth.access_ips).unwrap_or_else(|_| "[]".into()),
            auth.allow_all_models,
            serde_json::to_string(&auth.accessible_models).unwrap_or_else(|_| "[]".into()),
            now_ms(),
        ],
    )
    .map_err(db_error)?;
    Ok(tx.last_insert_rowid())
}

/// How many keys count against `owner_uid`'s limit in `region`: theirs alone
/// where the limit is per owner, every key in the region otherwise.
pub fn quota_used(tx: &Transaction, region: RegionId, owner_uid: &str) -> Result<i64, ApiError> {
    let used = if region.info().key_limit_scope == KeyLimitScope::Owner {
        tx.query_row(
            "SELECT count(*) FROM api_keys WHERE region = ?1 AND owner_uid = ?2",
            params![region.as_str(), owner_uid],
            |r| r.get(0),
        )
    } else {
        tx.query_row(
            "SELECT count(*) FROM api_keys WHERE region = ?1",
            [region.as_str()],
            |r| r.get(0),
        )
    }
    .map_err(db_error)?;
    Ok(used)
}

/// Create: quota, permission rules, a fresh value returned exactly once.
pub fn create(
    tx: &Transaction,
    pepper: &[u8],
    caller: &Identity,
    region: RegionId,
    workspace_id: Option<&str>,
    description: Option<&str>,
    auth: Option<&Auth>,
) -> Result<(KeyRecord, Secret), ApiError> {
    require_manage(caller)?;
    let ws = resolve_workspace(tx, region, workspace_id)?;
    let info = region.info();
    let per_owner = info.key_limit_scope == KeyLimitScope::Owner;
    let count = quota_used(tx, region, &caller.uid)?;
    if count >= i64::from(info.key_limit) {
        return Err(ApiError::quota_exceeded(info.key_limit, per_owner));
    }
    let stored = resolve_auth(tx, region, &ws.id, auth)?;
    let value = values::new_key_value(info.new_key_prefix);
    let id = insert_key(
        tx,
        pepper,
        region,
        &ws.id,
        &caller.uid,
        description.unwrap_or(""),
        &stored,
        &value,
        false,
    )?;
    Ok((
        get_any(tx, region, id)?.ok_or_else(ApiError::internal)?,
        value,
    ))
}

fn get_any(tx: &Transaction, region: RegionId, id: i64) -> Result<Option<KeyRecord>, ApiError> {
    tx.query_row(
        &format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             WHERE k.id = ?1 AND k.region = ?2"
        ),
        params![id, region.as_str()],
        key_from_row,
    )
    .optional()
    .map_err(|e| db_error(e).into())
}

/// A key the caller may see: the root account sees all, a RAM user only its own.
/// Others' keys answer "not found", so their existence does not leak.
pub fn get_visible(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    id_text: &str,
) -> Result<KeyRecord, ApiError> {
    require_manage(caller)?;
    let not_found = || ApiError::key_not_found(id_text);
    let id: i64 = id_text.trim().parse().map_err(|_| not_found())?;
    let key = get_any(tx, region, id)?.ok_or_else(not_found)?;
    if caller.is_root() || key.owner_uid == caller.uid {
        Ok(key)
    } else {
        Err(not_found())
    }
}

/// ListApiKeys filters and paging.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub api_key_id: Option<String>,
    pub description: Option<String>,
    pub workspace_id: Option<String>,
    pub ascending: bool,
    pub by_gmt_create: bool,
    pub offset: i64,
    pub limit: i64,
}

/// Returns one page and the total number of matches.
pub fn list(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    q: &ListQuery,
) -> Result<(Vec<KeyRecord>, i64), ApiError> {
    require_manage(caller)?;
    if let Some(ws) = q.workspace_id.as_deref().filter(|w| !w.is_empty()) {
        resolve_workspace(tx, region, Some(ws))?;
    }
    let exact_id: Option<i64> = match q
        .api_key_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(
            s.parse()
                .map_err(|_| ApiError::invalid("apiKeyId", "not a number"))?,
        ),
        None => None,
    };
    let like = q.description.as_deref().filter(|d| !d.is_empty()).map(|d| {
        format!(
            "%{}%",
            d.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let owner = (!caller.is_root()).then(|| caller.uid.clone());
    let filter = "k.region = ?1 AND (?2 IS NULL OR k.owner_uid = ?2) AND (?3 IS NULL OR k.id = ?3)
        AND (?4 IS NULL OR k.description LIKE ?4 ESCAPE '\\')
        AND (?5 IS NULL OR k.workspace_id = ?5)";
    let ws = q.workspace_id.clone().filter(|w| !w.is_empty());
    let args = params![region.as_str(), owner, exact_id, like, ws];
    let total: i64 = tx
        .query_row(
            &format!(
                "SELECT count(*) FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE {filter}"
            ),
            args,
            |r| r.get(0),
        )
        .map_err(db_error)?;
    let dir = if q.ascending { "ASC" } else { "DESC" };
    let order = if q.by_gmt_create {
        format!("k.gmt_create {dir}, k.id {dir}")
    } else {
        format!("k.id {dir}")
    };
    let mut stmt = tx
        .prepare(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             WHERE {filter} ORDER BY {order} LIMIT {} OFFSET {}",
            q.limit, q.offset
        ))
        .map_err(db_error)?;
    let rows = stmt
        .query_map(args, key_from_row)
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    Ok((rows, total))
}

/// Update: description and/or the whole auth block.
pub fn update(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    id_text: &str,
    description: Option<&str>,
    auth: Option<&Auth>,
) -> Result<(), ApiError> {
    let key = get_visible(tx, caller, region, id_text)?;
    if let Some(d) = description {
        tx.execute(
            "UPDATE api_keys SET description = ?1 WHERE id = ?2",
            params![d, key.id],
        )
        .map_err(db_error)?;
    }
    if let Some(auth) = auth {
        let stored = resolve_auth(tx, region, &key.workspace_id, Some(auth))?;
        tx.execute(
            "UPDATE api_keys SET auth_type = ?1, access_ips = ?2, allow_all_models = ?3,
                accessible_models = ?4 WHERE id = ?5",
            params![
                stored.auth_type,
                serde_json::to_string(&stored.access_ips).unwrap_or_else(|_| "[]".into()),
                stored.allow_all_models,
                serde_json::to_string(&stored.accessible_models).unwrap_or_else(|_| "[]".into()),
                key.id
            ],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

pub fn delete(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    id_text: &str,
) -> Result<(), ApiError> {
    let key = get_visible(tx, caller, region, id_text)?;
    tx.execute("DELETE FROM api_keys WHERE id = ?1", [key.id])
        .map_err(db_error)?;
    Ok(())
}

/// Disable or enable; asking for the state the key is already in is an error.
pub fn set_disabled(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    id_text: &str,
    disabled: bool,
) -> Result<(), ApiError> {
    let key = get_visible(tx, caller, region, id_text)?;
    match (key.disabled, disabled) {
        (true, true) => return Err(ApiError::already_disabled()),
        (false, false) => return Err(ApiError::already_enabled()),
        _ => {}
    }
    tx.execute(
        "UPDATE api_keys SET disabled = ?1 WHERE id = ?2",
        params![disabled, key.id],
    )
    .map_err(db_error)?;
    Ok(())
}

/// Reset: a new value under the same id; the old hash is gone, so the old value
/// stops working in the same commit.
pub fn reset(
    tx: &Transaction,
    pepper: &[u8],
    caller: &Identity,
    region: RegionId,
    id_text: &str,
) -> Result<(KeyRecord, Secret), ApiError> {
    let key = get_visible(tx, caller, region, id_text)?;
    // The new value has the region's current format, which also upgrades a legacy `sk-` key.
    let value = values::new_key_value(region.info().new_key_prefix);
    tx.execute(
        "UPDATE api_keys SET value_hash = ?1, mask = ?2 WHERE id = ?3",
        params![
            values::value_hash(pepper, value.expose()),
            values::mask(value.expose()),
            key.id
        ],
    )
    .map_err(db_error)?;
    Ok((
        get_any(tx, region, key.id)?.ok_or_else(ApiError::internal)?,
        value,
    ))
}

/// The key whose value hashes to `hash`, in any region (DashScope side).
pub fn by_value_hash(tx: &Transaction, hash: &[u8]) -> Result<Option<KeyRecord>, ApiError> {
    tx.query_row(
        &format!(
            "SELECT {KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             WHERE k.value_hash = ?1"
        ),
        [hash],
        key_from_row,
    )
    .optional()
    .map_err(|e| db_error(e).into())
}
