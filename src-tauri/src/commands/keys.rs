//! Key commands: thin translation to `Studio` (services/keys.rs).

use super::{ipc, save_dialog};
use crate::domain::error::IpcError;
use crate::domain::keyformat::KeyFormat;
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::services::views::{
    ClipboardStatus, CreateKeyInput, ExportFormat, IntentNotice, KeyPage, KeyQuery, KeyView,
    OneTimeKey, RegionKeys, ReviewDue, TempKeyView, UpdateKeyInput, VerifyResult,
};
use crate::services::Studio;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn keys_list(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: Option<String>,
) -> Result<KeyPage, IpcError> {
    ipc(studio
        .keys_list(region, KeyQuery::workspace(workspace_id))
        .await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_create(
    studio: State<'_, Studio>,
    input: CreateKeyInput,
) -> Result<OneTimeKey, IpcError> {
    ipc(studio.key_create(input).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_reset(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<OneTimeKey, IpcError> {
    ipc(studio.key_reset(region, api_key_id).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_update(
    studio: State<'_, Studio>,
    input: UpdateKeyInput,
) -> Result<KeyView, IpcError> {
    ipc(studio.key_update(input).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_set_enabled(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    enabled: bool,
) -> Result<(), IpcError> {
    ipc(studio.key_set_enabled(region, api_key_id, enabled).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_delete(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<(), IpcError> {
    // A key deleted elsewhere is gone all the same: the list just drops it.
    ipc(studio.key_delete(region, api_key_id).await.map(|_| ()))
}

#[tauri::command]
#[specta::specta]
pub async fn key_copy_saved(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<ClipboardStatus, IpcError> {
    ipc(studio.key_copy_saved(region, api_key_id).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_copy_env(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<ClipboardStatus, IpcError> {
    ipc(studio.key_copy_env(region, api_key_id).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_forget(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<(), IpcError> {
    ipc(studio.key_forget(region, api_key_id).await)
}

/// Returns the key's format (`Workspace` or `Legacy`); `sk-sp-` keys are refused.
#[tauri::command]
#[specta::specta]
pub async fn key_save_pasted(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    value: Secret,
) -> Result<KeyFormat, IpcError> {
    ipc(studio.key_save_pasted(region, api_key_id, value).await)
}

#[tauri::command]
#[specta::specta]
pub async fn key_verify(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
) -> Result<VerifyResult, IpcError> {
    ipc(studio.key_verify(region, api_key_id).await)
}

/// Save a saved key to a file chosen in the save dialog; `null` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn key_export(
    app: tauri::AppHandle,
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    format: ExportFormat,
) -> Result<Option<String>, IpcError> {
    let file = ipc(studio.key_export(region, api_key_id, format).await)?;
    save_dialog(app, &studio, file).await
}

#[tauri::command]
#[specta::specta]
pub async fn temp_key_create(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    ttl_seconds: u32,
) -> Result<TempKeyView, IpcError> {
    ipc(studio
        .temp_key_create(region, api_key_id, ttl_seconds)
        .await)
}

#[tauri::command]
#[specta::specta]
pub async fn temp_key_copy(
    studio: State<'_, Studio>,
    handle: String,
) -> Result<ClipboardStatus, IpcError> {
    ipc(studio.temp_key_copy(handle).await)
}

#[tauri::command]
#[specta::specta]
pub async fn one_time_copy(
    studio: State<'_, Studio>,
    handle: String,
) -> Result<ClipboardStatus, IpcError> {
    ipc(studio.one_time_copy(handle).await)
}

#[tauri::command]
#[specta::specta]
pub async fn one_time_export(
    app: tauri::AppHandle,
    studio: State<'_, Studio>,
    handle: String,
    format: ExportFormat,
) -> Result<Option<String>, IpcError> {
    let file = ipc(studio.one_time_export(handle, format).await)?;
    save_dialog(app, &studio, file).await
}

#[tauri::command]
#[specta::specta]
pub async fn one_time_close(studio: State<'_, Studio>, handle: String) -> Result<(), IpcError> {
    studio.one_time_close(&handle);
    Ok(())
}

/// On start: settle what a killed run (the app or `skm`) left mid-Create or
/// mid-Reset, and say what happened.
#[tauri::command]
#[specta::specta]
pub async fn intents_resume(studio: State<'_, Studio>) -> Result<Vec<IntentNotice>, IpcError> {
    Ok(studio.intents_resume().await)
}

/// The keys of all six regions at once; a region that fails carries its error.
#[tauri::command]
#[specta::specta]
pub async fn keys_list_all_regions(studio: State<'_, Studio>) -> Result<Vec<RegionKeys>, IpcError> {
    Ok(studio.keys_list_all_regions().await)
}

/// Set (`YYYY-MM-DD`) or clear the date by which to look at a key again.
#[tauri::command]
#[specta::specta]
pub async fn key_set_review_date(
    studio: State<'_, Studio>,
    region: RegionId,
    api_key_id: String,
    date: Option<String>,
    label: String,
) -> Result<(), IpcError> {
    ipc(studio
        .key_set_review_date(region, api_key_id, date, label)
        .await)
}

/// The active account's keys whose review date has come, in any region.
#[tauri::command]
#[specta::specta]
pub async fn reviews_due(studio: State<'_, Studio>) -> Result<Vec<ReviewDue>, IpcError> {
    ipc(studio.reviews_due().await)
}
