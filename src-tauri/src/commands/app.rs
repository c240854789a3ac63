use crate::error::IpcError;
use crate::i18n::Lang;
use crate::regions::{Region, REGIONS};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub regions: Vec<Region>,
    pub lang: Lang,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info() -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        name: "Studio Keys".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        regions: REGIONS.to_vec(),
        lang: crate::i18n::current(),
    })
}
