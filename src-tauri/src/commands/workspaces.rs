//! Workspace and model commands.

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::services::views::{ModelView, WorkspaceView};
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
