//! The Tauri application: plugins, state and the window. The only place besides
//! `commands/` that touches Tauri.

pub fn run() {
    let builder = crate::commands::specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            use tauri::Manager;
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                // Secrets cannot be formatted (see `Secret`); this masks anything key-shaped
                // that still reaches a message, e.g. a server echoing a value back.
                .format(|out, message, record| {
                    out.finish(format_args!(
                        "[{}] {}",
                        record.level(),
                        crate::redact::scrub(&message.to_string())
                    ))
                })
                .target(tauri_plugin_log::Target::new(
                    tauri_plugin_log::TargetKind::LogDir { file_name: None },
                ))
                .target(tauri_plugin_log::Target::new(
                    tauri_plugin_log::TargetKind::Stderr,
                ))
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            use tauri::Manager;
            builder.mount_events(app);
            // Settings, keychain and clipboard; the sandbox starts on first use.
            match crate::services::Studio::open(crate::services::Dirs::from_env()) {
                Ok(studio) => {
                    if let Ok(settings) = studio.profiles().app_settings() {
                        crate::services::profiles::apply_lang(settings.lang);
                    }
                    app.manage(studio);
                }
                // Still open the window: `app_info` reports this error, and the UI
                // shows it in plain words with its details instead of vanishing.
                Err(e) => {
                    log::error!("Studio Keys could not open its settings: {e}");
                    app.manage(StartupError(e.into()));
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building Studio Keys")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                // A secret we copied must not outlive the app on the clipboard.
                if let Some(studio) = app.try_state::<crate::services::Studio>() {
                    studio.shutdown();
                }
            }
        });
}

/// Why the core could not start (an unreadable config dir...), for `app_info`.
pub struct StartupError(pub crate::error::IpcError);
