//! Update commands: thin translation to `updates.rs`.

use super::ipc;
use crate::domain::error::IpcError;
use crate::updates::{self, DownloadProgress, UpdateCheck, Updates};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

#[tauri::command]
#[specta::specta]
pub async fn update_check(
    app: AppHandle,
    updates: State<'_, Updates>,
) -> Result<UpdateCheck, IpcError> {
    ipc(updates::check(&app, &updates).await)
}

#[tauri::command]
#[specta::specta]
pub async fn update_download(
    updates: State<'_, Updates>,
    on_progress: Channel<DownloadProgress>,
) -> Result<(), IpcError> {
    ipc(updates::download(&updates, |p| {
        let _ = on_progress.send(p);
    })
    .await)
}

#[tauri::command]
#[specta::specta]
pub async fn update_install(app: AppHandle, updates: State<'_, Updates>) -> Result<(), IpcError> {
    ipc(updates::install(&app, &updates).await)
}
