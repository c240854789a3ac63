//! Clipboard commands (non-secret text and the countdown).

use super::ipc;
use crate::domain::error::IpcError;
use crate::services::views::ClipboardStatus;
use crate::services::Studio;
use tauri::State;

/// Copy non-secret text, such as a masked key or an id.
#[tauri::command]
#[specta::specta]
pub async fn clipboard_copy_text(studio: State<'_, Studio>, text: String) -> Result<(), IpcError> {
    ipc(studio.clipboard_copy_text(text).await)
}

#[tauri::command]
#[specta::specta]
pub async fn clipboard_status(studio: State<'_, Studio>) -> Result<ClipboardStatus, IpcError> {
    Ok(studio.clipboard_status())
}
