//! Settings and storage status commands.

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::settings::AppSettings;
use crate::services::views::StorageStatus;
use crate::services::Studio;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn settings_get(studio: State<'_, Studio>) -> Result<AppSettings, IpcError> {
    ipc(studio.settings_get().await)
}

#[tauri::command]
#[specta::specta]
pub async fn settings_set(
    studio: State<'_, Studio>,
    settings: AppSettings,
) -> Result<AppSettings, IpcError> {
    ipc(studio.settings_set(settings).await)
}

/// Whether the keychain answers, and any settings file moved aside at start.
#[tauri::command]
#[specta::specta]
pub async fn storage_status(studio: State<'_, Studio>) -> Result<StorageStatus, IpcError> {
    Ok(studio.storage_status().await)
}
