//! Profile commands.

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::domain::settings::ProfilePreferences;
use crate::services::profiles::SandboxIdentityView;
use crate::services::views::{ConnectionReport, ImportCandidates, ProfileInputView, ProfileView};
use crate::services::Studio;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn profiles_list(studio: State<'_, Studio>) -> Result<Vec<ProfileView>, IpcError> {
    ipc(studio.profiles_list().await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_activate(
    studio: State<'_, Studio>,
    profile_id: String,
) -> Result<ProfileView, IpcError> {
    ipc(studio.profile_activate(profile_id).await)
}

/// The AccessKey secret crosses IPC here once, on its way to the vault.
#[tauri::command]
#[specta::specta]
pub async fn profile_add(
    studio: State<'_, Studio>,
    input: ProfileInputView,
) -> Result<ProfileView, IpcError> {
    ipc(studio.profile_add(input).await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_delete(studio: State<'_, Studio>, profile_id: String) -> Result<(), IpcError> {
    ipc(studio.profile_delete(profile_id).await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_import_candidates(
    studio: State<'_, Studio>,
) -> Result<ImportCandidates, IpcError> {
    ipc(studio.profile_import_candidates().await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_import(
    studio: State<'_, Studio>,
    candidate_id: String,
    name: String,
) -> Result<ProfileView, IpcError> {
    ipc(studio.profile_import(candidate_id, name).await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_test(
    studio: State<'_, Studio>,
    profile_id: String,
) -> Result<ConnectionReport, IpcError> {
    ipc(studio.profile_test(profile_id).await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_set_region(
    studio: State<'_, Studio>,
    region: RegionId,
) -> Result<(), IpcError> {
    ipc(studio.profile_set_region(region).await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_set_default_workspace(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
) -> Result<(), IpcError> {
    ipc(studio
        .profile_set_default_workspace(region, workspace_id)
        .await)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_set_preferences(
    studio: State<'_, Studio>,
    profile_id: String,
    preferences: ProfilePreferences,
) -> Result<ProfileView, IpcError> {
    ipc(studio
        .profile_set_preferences(profile_id, preferences)
        .await)
}

/// The sandbox's seeded identities (names and what each may do; no secrets).
#[tauri::command]
#[specta::specta]
pub async fn sandbox_identities(
    studio: State<'_, Studio>,
) -> Result<Vec<SandboxIdentityView>, IpcError> {
    ipc(studio.sandbox_identities().await)
}

/// A sandbox profile acting as `identity` (added if needed, not activated).
#[tauri::command]
#[specta::specta]
pub async fn profile_add_sandbox_identity(
    studio: State<'_, Studio>,
    identity: String,
) -> Result<ProfileView, IpcError> {
    ipc(studio.profile_add_sandbox_identity(identity).await)
}
