use super::state::{bench_mode, StartupError};
use crate::domain::error::IpcError;
use crate::domain::i18n::Lang;
use crate::domain::regions::{Region, RegionId, REGIONS};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub regions: Vec<Region>,
    pub lang: Lang,
    /// `STUDIO_KEYS_BENCH=1`: the UI reports when key lists are painted (`ui_painted`).
    pub bench_mode: bool,
    /// Why the app has no tray icon (a library it needs is missing); `None`
    /// when it has one.
    pub tray_unavailable: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(app: tauri::AppHandle) -> Result<AppInfo, IpcError> {
    use tauri::Manager;
    if let Some(e) = app.try_state::<StartupError>() {
        return Err(e.0.clone());
    }
    Ok(AppInfo {
        name: "Studio Keys".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        regions: REGIONS.to_vec(),
        lang: crate::domain::i18n::current(),
        bench_mode: bench_mode(),
        tray_unavailable: app
            .try_state::<crate::tray::TrayState>()
            .and_then(|t| t.unavailable()),
    })
}

/// The UI has painted a key list (`source`: "cache" or "network"). The
/// benchmark reads this line to time launch and region switches; `seq` numbers
/// the lists shown since launch (the launch's is 1, each switch the next), so
/// a paint is matched to the key press that asked for it; `marks` are the UI's
/// own steps in ms since its page began loading (the launch timeline, or a
/// switch's input and frame).
/// Answers whether the benchmark wants a copy of the page (`bench_snapshot`).
#[tauri::command]
#[specta::specta]
pub async fn ui_painted(
    region: RegionId,
    source: PaintSource,
    seq: u32,
    marks: Vec<BenchMark>,
) -> Result<bool, IpcError> {
    if bench_mode() {
        let marks: Vec<String> = marks
            .iter()
            .map(|m| format!("{}:{:.1}", m.name, m.ms))
            .collect();
        log::info!(
            "bench: painted region={region} source={source:?} seq={seq} marks={}",
            marks.join(",")
        );
    }
    // One copy: the first live list painted, where nothing (not even a link) is yet.
    Ok(matches!(source, PaintSource::Network)
        && snapshot_path().is_some_and(|p| std::fs::symlink_metadata(p).is_err()))
}

/// `make bench` only: a build with the `bench-snapshot` feature (whose
/// `capabilities-bench/` file grants the window this command) run with `STUDIO_KEYS_BENCH=1` and
/// `STUDIO_KEYS_BENCH_SNAPSHOT=<file>`. The page's markup once the live key
/// list is painted, written once and never through a link. The bench serves
/// it from the baseline window, with the app's styles and no script, to tell
/// the webview's own cost of that content from the app's. The list shows
/// masked keys only. Any other build writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn bench_snapshot(html: String) -> Result<(), IpcError> {
    if let Some(path) = snapshot_path() {
        match crate::services::export::write_bench_snapshot(&path, &html) {
            Ok(()) => log::info!("bench: snapshot written"),
            Err(e) => log::warn!("bench: snapshot not written: {}", e.code),
        }
    }
    Ok(())
}

fn snapshot_path() -> Option<std::path::PathBuf> {
    (cfg!(feature = "bench-snapshot") && bench_mode())
        .then(|| std::env::var_os("STUDIO_KEYS_BENCH_SNAPSHOT"))
        .flatten()
        .map(Into::into)
}

/// One step of the UI's start, in ms since its page began loading.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct BenchMark {
    pub name: String,
    pub ms: f64,
}

/// Where a painted key list came from.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PaintSource {
    Cache,
    Network,
    /// The list narrowed or widened by the search box (`seq` counts its keystrokes).
    Filter,
}
