//! Cost commands: thin translation to `Studio` (services/costs).

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::services::costs::views::{KeysCosts, SpendAlertView};
use crate::services::Studio;
use tauri::State;

/// Each listed key's cost over the last `days` billing days (total, daily
/// series, idle). A bill that cannot be read comes back as `unavailable`.
#[tauri::command]
#[specta::specta]
pub async fn keys_costs(
    studio: State<'_, Studio>,
    region: RegionId,
    days: u32,
) -> Result<KeysCosts, IpcError> {
    ipc(studio.keys_costs(region, days).await)
}

/// `keys_costs` of all six regions at once; a region whose keys cannot be
/// listed carries `unavailable` and no keys.
#[tauri::command]
#[specta::specta]
pub async fn keys_costs_all_regions(
    studio: State<'_, Studio>,
    days: u32,
) -> Result<Vec<KeysCosts>, IpcError> {
    ipc(studio.keys_costs_all_regions(days).await)
}

/// The active account's spend alerts against this month's spend.
#[tauri::command]
#[specta::specta]
pub async fn spend_alerts(studio: State<'_, Studio>) -> Result<Vec<SpendAlertView>, IpcError> {
    ipc(studio.spend_alerts().await)
}

/// Sets a workspace's monthly amount (a decimal string in the bill's currency).
#[tauri::command]
#[specta::specta]
pub async fn spend_alert_set(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
    amount: String,
    currency: String,
) -> Result<SpendAlertView, IpcError> {
    ipc(studio
        .spend_alert_set(region, &workspace_id, &amount, &currency)
        .await)
}

#[tauri::command]
#[specta::specta]
pub async fn spend_alert_clear(
    studio: State<'_, Studio>,
    region: RegionId,
    workspace_id: String,
) -> Result<(), IpcError> {
    ipc(studio.spend_alert_clear(region, &workspace_id).await)
}
