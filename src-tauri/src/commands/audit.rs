//! The audit log, for its view and a key's history: thin translation to
//! `Studio` (services/audit.rs).

use super::{ipc, save_dialog};
use crate::domain::error::IpcError;
use crate::services::export::ExportFile;
use crate::services::views::{AuditFilter, AuditRecordView, AuditReport};
use crate::services::Studio;
use tauri::State;

/// The records `filter` asks for, oldest first (a key's include the
/// `started` record of each of its actions).
#[tauri::command]
#[specta::specta]
pub async fn audit_list(
    studio: State<'_, Studio>,
    filter: AuditFilter,
) -> Result<Vec<AuditRecordView>, IpcError> {
    ipc(studio.audit_list(filter).await)
}

/// Whether the chain holds, against the anchors beside it and in the keychain.
#[tauri::command]
#[specta::specta]
pub async fn audit_verify(studio: State<'_, Studio>) -> Result<AuditReport, IpcError> {
    ipc(studio.audit_verify().await)
}

/// The records `filter` asks for as a CSV file chosen in the save dialog;
/// `null` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn audit_export(
    app: tauri::AppHandle,
    studio: State<'_, Studio>,
    filter: AuditFilter,
) -> Result<Option<String>, IpcError> {
    let csv = ipc(studio.audit_csv(filter).await)?;
    save_dialog(
        app,
        &studio,
        ExportFile::plain("studio-keys-audit.csv", csv),
    )
    .await
}
