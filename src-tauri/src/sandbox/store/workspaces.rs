//! Workspaces and the model catalog.

use super::super::apierror::ApiError;
use super::super::db::db_error;
use super::super::values;
use super::{now_ms, require_manage, Identity};
use crate::domain::regions::RegionId;
use crate::protocol::wire;
use rusqlite::{params, OptionalExtension, Transaction};

#[derive(Debug, Clone)]
pub struct WorkspaceRecord {
    pub id: String,
    pub region: String,
    pub name: String,
    pub is_default: bool,
    pub service_site: String,
    pub api_host: String,
    pub gmt_create: i64,
}

impl WorkspaceRecord {
    pub fn to_wire(&self) -> wire::Workspace {
        wire::Workspace {
            api_host: Some(self.api_host.clone()),
            gmt_create: Some(self.gmt_create),
            region: Some(self.region.clone()),
            service_site: Some(self.service_site.clone()),
            workspace_id: Some(self.id.clone()),
            workspace_name: Some(self.name.clone()),
        }
    }
}

const WS_COLUMNS: &str = "id, region, name, is_default, service_site, api_host, gmt_create";

fn ws_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<WorkspaceRecord> {
    Ok(WorkspaceRecord {
        id: r.get(0)?,
        region: r.get(1)?,
        name: r.get(2)?,
        is_default: r.get(3)?,
        service_site: r.get(4)?,
        api_host: r.get(5)?,
        gmt_create: r.get(6)?,
    })
}

/// The workspace a request names, or the region's default one when it names none.
pub fn resolve_workspace(
    tx: &Transaction,
    region: RegionId,
    workspace_id: Option<&str>,
) -> Result<WorkspaceRecord, ApiError> {
    let found = match workspace_id.map(str::trim).filter(|w| !w.is_empty()) {
        Some(id) => tx.query_row(
            &format!("SELECT {WS_COLUMNS} FROM workspaces WHERE id = ?1 AND region = ?2"),
            params![id, region.as_str()],
            ws_from_row,
        ),
        None => tx.query_row(
            &format!("SELECT {WS_COLUMNS} FROM workspaces WHERE region = ?1 AND is_default = 1"),
            [region.as_str()],
            ws_from_row,
        ),
    }
    .optional()
    .map_err(db_error)?;
    found.ok_or_else(|| ApiError::workspace_not_found(workspace_id.unwrap_or("(default)")))
}

/// The workspace whose inference host is `host`, if any (DashScope routing).
pub fn by_api_host(tx: &Transaction, host: &str) -> Result<Option<WorkspaceRecord>, ApiError> {
    tx.query_row(
        &format!("SELECT {WS_COLUMNS} FROM workspaces WHERE api_host = ?1"),
        [host.to_ascii_lowercase()],
        ws_from_row,
    )
    .optional()
    .map_err(|e| db_error(e).into())
}

pub fn model_authorized(
    tx: &Transaction,
    workspace_id: &str,
    model: &str,
) -> Result<bool, ApiError> {
    let n: i64 = tx
        .query_row(
            "SELECT count(*) FROM workspace_models WHERE workspace_id = ?1 AND model = ?2",
            params![workspace_id, model],
            |r| r.get(0),
        )
        .map_err(db_error)?;
    Ok(n > 0)
}

/// Models authorized in a workspace, in catalog order.
pub fn authorized_models(tx: &Transaction, workspace_id: &str) -> Result<Vec<String>, ApiError> {
    let mut stmt = tx
        .prepare("SELECT model FROM workspace_models WHERE workspace_id = ?1 ORDER BY model")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([workspace_id], |r| r.get(0))
        .map_err(db_error)?;
    rows.collect::<rusqlite::Result<Vec<String>>>()
        .map_err(|e| db_error(e).into())
}

pub fn insert_workspace(
    tx: &Transaction,
    region: RegionId,
    name: &str,
    is_default: bool,
    service_site: &str,
) -> Result<WorkspaceRecord, ApiError> {
    let id = values::new_workspace_id();
    let ws = WorkspaceRecord {
        api_host: format!("{id}.{}", region.info().workspace_host_suffix),
        id,
        region: region.as_str().to_string(),
        name: name.to_string(),
        is_default,
        service_site: service_site.to_string(),
        gmt_create: now_ms(),
    };
    tx.execute(
        &format!("INSERT INTO workspaces ({WS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![
            ws.id,
            ws.region,
            ws.name,
            ws.is_default,
            ws.service_site,
            ws.api_host,
            ws.gmt_create
        ],
    )
    .map_err(db_error)?;
    Ok(ws)
}

/// Which deployment scope a new workspace gets when the request names none.
pub fn default_service_site(region: RegionId) -> &'static str {
    match region {
        RegionId::CnBeijing | RegionId::CnHongkong => "mainland",
        _ => "international",
    }
}

pub fn list(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    workspace_id: Option<&str>,
    name_like: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<WorkspaceRecord>, i64), ApiError> {
    require_manage(caller)?;
    let id = workspace_id.filter(|s| !s.is_empty());
    let like = name_like.filter(|s| !s.is_empty()).map(|d| {
        format!(
            "%{}%",
            d.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let filter =
        "region = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\')";
    let args = params![region.as_str(), id, like];
    let total: i64 = tx
        .query_row(
            &format!("SELECT count(*) FROM workspaces WHERE {filter}"),
            args,
            |r| r.get(0),
        )
        .map_err(db_error)?;
    let mut stmt = tx
        .prepare(&format!(
            "SELECT {WS_COLUMNS} FROM workspaces WHERE {filter}
             ORDER BY is_default DESC, gmt_create, id LIMIT {limit} OFFSET {offset}"
        ))
        .map_err(db_error)?;
    let rows = stmt
        .query_map(args, ws_from_row)
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    Ok((rows, total))
}

/// CreateWorkspace. A new workspace is authorized for the region's
/// general-purpose models, like a console workspace after its first setup.
pub fn create(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    name: Option<&str>,
    service_site: Option<&str>,
) -> Result<WorkspaceRecord, ApiError> {
    require_manage(caller)?;
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("workspaceName"))?;
    if name.chars().count() > 64 {
        return Err(ApiError::invalid(
            "workspaceName",
            "longer than 64 characters",
        ));
    }
    let exists: i64 = tx
        .query_row(
            "SELECT count(*) FROM workspaces WHERE region = ?1 AND name = ?2",
            params![region.as_str(), name],
            |r| r.get(0),
        )
        .map_err(db_error)?;
    if exists > 0 {
        return Err(ApiError::workspace_name_exists(name));
    }
    let site = service_site
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default_service_site(region));
    let ws = insert_workspace(tx, region, name, false, site)?;
    tx.execute(
        "INSERT INTO workspace_models (workspace_id, model)
         SELECT ?1, model FROM models WHERE region = ?2 AND model IN ('qwen-plus', 'qwen-turbo', 'qwen-max')",
        params![ws.id, region.as_str()],
    )
    .map_err(db_error)?;
    Ok(ws)
}

/// The outcome of DeleteWorkspace: deleted, or why not (`failReasons`).
pub fn delete(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    workspace_id: &str,
) -> Result<Vec<wire::FailReason>, ApiError> {
    require_manage(caller)?;
    let ws = resolve_workspace(tx, region, Some(workspace_id)).and_then(|ws| {
        if ws.id == workspace_id.trim() {
            Ok(ws)
        } else {
            Err(ApiError::workspace_not_found(workspace_id))
        }
    })?;
    let mut reasons = Vec::new();
    if ws.is_default {
        reasons.push(wire::FailReason {
            reason: Some("The default workspace cannot be deleted.".into()),
            resource_type: Some("Workspace".into()),
        });
    }
    let keys: i64 = tx
        .query_row(
            "SELECT count(*) FROM api_keys WHERE workspace_id = ?1",
            [&ws.id],
            |r| r.get(0),
        )
        .map_err(db_error)?;
    if keys > 0 {
        reasons.push(wire::FailReason {
            reason: Some(format!("The workspace still holds {keys} API key(s).")),
            resource_type: Some("ApiKey".into()),
        });
    }
    if reasons.is_empty() {
        tx.execute("DELETE FROM workspaces WHERE id = ?1", [&ws.id])
            .map_err(db_error)?;
    }
    Ok(reasons)
}

/// One catalog entry with whether it is authorized in the workspace.
pub struct ModelEntry {
    pub model: String,
    pub name: String,
    pub authorized: bool,
}

/// ListModelPermissions: `authorized_only` is AUTHORIZED, otherwise the whole catalog.
#[allow(clippy::too_many_arguments)]
pub fn model_permissions(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    workspace_id: &str,
    authorized_only: bool,
    model_filter: Option<&str>,
    name_filter: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ModelEntry>, i64), ApiError> {
    require_manage(caller)?;
    let ws = resolve_workspace(tx, region, Some(workspace_id))?;
    let contains = |s: Option<&str>| {
        s.filter(|s| !s.is_empty()).map(|d| {
            format!(
                "%{}%",
                d.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
    };
    let filter = "m.region = ?1 AND (?3 = 0 OR wm.model IS NOT NULL)
        AND (?4 IS NULL OR m.model LIKE ?4 ESCAPE '\\') AND (?5 IS NULL OR m.name LIKE ?5 ESCAPE '\\')";
    let from =
        "models m LEFT JOIN workspace_models wm ON wm.model = m.model AND wm.workspace_id = ?2";
    let args = params![
        region.as_str(),
        ws.id,
        authorized_only,
        contains(model_filter),
        contains(name_filter)
    ];
    let total: i64 = tx
        .query_row(
            &format!("SELECT count(*) FROM {from} WHERE {filter}"),
            args,
            |r| r.get(0),
        )
        .map_err(db_error)?;
    let mut stmt = tx
        .prepare(&format!(
            "SELECT m.model, m.name, wm.model IS NOT NULL FROM {from} WHERE {filter}
             ORDER BY m.model LIMIT {limit} OFFSET {offset}"
        ))
        .map_err(db_error)?;
    let rows = stmt
        .query_map(args, |r| {
            Ok(ModelEntry {
                model: r.get(0)?,
                name: r.get(1)?,
                authorized: r.get(2)?,
            })
        })
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    Ok((rows, total))
}
