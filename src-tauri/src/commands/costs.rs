//! Cost commands: thin translation to `Studio` (services/costs).

use super::ipc;
use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use crate::services::costs::views::KeysCosts;
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
