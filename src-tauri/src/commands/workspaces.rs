//! Workspace and model commands.

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::services::views::{
    LimitRate, ModelLimitView, ModelView, WorkspaceLimitsView, WorkspaceView,
};
use crate::services::Studio;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn workspaces_list(
    studio: State<'_, Studio>,
    region: RegionId,
) -> Result<Vec<WorkspaceView>, IpcError> {
    ipc(studio.workspaces_list(region).await)
}

/// Models the workspace may call (AUTHORIZED + INFERENCE), for the access-scope picker.
#[tauri::command]
#[specta::specta]
pub async fn models_authorized(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
) -> Result<Vec<ModelView>, IpcError> {
    ipc(studio.models_authorized(region, workspace_id).await)
}

/// A workspace's limits per model, and whether this account may change them.
#[tauri::command]
#[specta::specta]
pub async fn workspace_limits(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
) -> Result<WorkspaceLimitsView, IpcError> {
    ipc(studio.workspace_limits(region, workspace_id).await)
}

/// Sets the workspace's own limit of `model` to exactly `requests` and `tokens`.
#[tauri::command]
#[specta::specta]
pub async fn model_limit_set(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
    model: String,
    requests: Option<LimitRate>,
    tokens: Option<LimitRate>,
) -> Result<Vec<ModelLimitView>, IpcError> {
    let rate = |r: Option<LimitRate>| r.map(|r| (r.count, r.period.seconds()));
    ipc(studio
        .model_limit_set(
            region,
            &workspace_id,
            &model,
            rate(requests),
            rate(tokens),
            false,
        )
        .await)
}

/// Removes the workspace's own limit of `model`: the account's applies again.
#[tauri::command]
#[specta::specta]
pub async fn model_limit_clear(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
    model: String,
) -> Result<Vec<ModelLimitView>, IpcError> {
    ipc(studio
        .model_limit_clear(region, &workspace_id, &model)
        .await)
}
