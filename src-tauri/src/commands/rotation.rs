//! Rotation commands: thin translation to `Studio` (services/rotation.rs).

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::services::views::{RotationStarted, RotationView, RotationsReport};
use crate::services::Studio;
use tauri::State;

/// Step 1: the twin (its value shown once, saved first); for a rotation
/// already under way, its state. `grace`: `now`, `1h`, `24h`, `7d` or a date.
#[tauri::command]
#[specta::specta]
pub async fn rotation_start(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    grace: String,
) -> Result<RotationStarted, IpcError> {
    ipc(studio.rotate_start(region, api_key_id, &grace).await)
}

/// Disable the old key (the grace period starts); once it has ended, or
/// with `delete_now`, delete it.
#[tauri::command]
#[specta::specta]
pub async fn rotation_finish(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    delete_now: bool,
) -> Result<RotationView, IpcError> {
    ipc(studio.rotate_finish(region, api_key_id, delete_now).await)
}

/// During the grace period: the old key works again.
#[tauri::command]
#[specta::specta]
pub async fn rotation_enable_again(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<RotationView, IpcError> {
    ipc(studio.rotate_enable_again(region, api_key_id).await)
}

/// The active profile's rotations in progress, held against the cloud.
#[tauri::command]
#[specta::specta]
pub async fn rotations_list(studio: State<'_, Studio>) -> Result<RotationsReport, IpcError> {
    ipc(studio.rotations_list().await)
}
