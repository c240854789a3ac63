//! Tauri IPC. One file per domain; each command translates arguments, calls a
//! service and converts the result. No decisions live here.

pub mod app;

/// All commands, for the invoke handler and for TypeScript bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![app::app_info])
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
}

/// Write `ui/src/lib/bindings.ts`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from Rust by tauri-specta (`make bindings`). Do not edit.\n")
                .bigint(specta_typescript::BigIntExportBehavior::Number),
            path,
        )
        .map_err(|e| e.to_string())
}
