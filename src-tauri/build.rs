fn main() {
    #[cfg(feature = "gui")]
    {
        // Every app command is declared here and granted per window in capabilities/.
        let commands: &[&str] = &include!("src/commands/names.rs");
        tauri_build::try_build(
            tauri_build::Attributes::new()
                .app_manifest(tauri_build::AppManifest::new().commands(commands)),
        )
        .expect("tauri build script failed");
    }
}
