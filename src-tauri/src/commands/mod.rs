//! Tauri IPC. One file per domain; each command translates arguments, calls a
//! service and converts the result. No decisions live here.

pub mod app;
pub mod audit;
pub mod clipboard;
pub mod costs;
pub mod keys;
pub mod profiles;
pub mod rotation;
pub mod settings;
pub mod state;
pub mod updates;
pub mod workspaces;

use crate::domain::error::IpcError;
use crate::services::export::ExportFile;
use crate::services::Studio;

/// All commands, for the invoke handler and for TypeScript bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            app::app_info,
            app::ui_painted,
            app::bench_snapshot,
            audit::audit_export,
            audit::audit_list,
            audit::audit_verify,
            clipboard::clipboard_copy_text,
            clipboard::clipboard_status,
            costs::keys_costs,
            costs::keys_costs_all_regions,
            keys::intents_resume,
            keys::key_copy_env,
            keys::key_copy_saved,
            keys::key_create,
            keys::key_delete,
            keys::key_export,
            keys::key_forget,
            keys::key_reset,
            keys::key_save_pasted,
            keys::key_set_enabled,
            keys::key_set_review_date,
            keys::key_update,
            keys::key_verify,
            keys::keys_list,
            keys::keys_list_all_regions,
            keys::reviews_due,
            keys::one_time_close,
            keys::one_time_copy,
            keys::one_time_export,
            keys::temp_key_copy,
            keys::temp_key_create,
            profiles::profile_activate,
            profiles::profile_add,
            profiles::profile_add_sandbox_identity,
            profiles::profile_delete,
            profiles::profile_import,
            profiles::profile_import_candidates,
            profiles::profile_set_default_workspace,
            profiles::profile_set_preferences,
            profiles::profile_set_region,
            profiles::profile_test,
            profiles::profiles_list,
            profiles::sandbox_identities,
            rotation::rotation_enable_again,
            rotation::rotation_finish,
            rotation::rotation_start,
            rotation::rotations_list,
            costs::spend_alert_clear,
            costs::spend_alert_set,
            costs::spend_alerts,
            settings::settings_get,
            settings::settings_set,
            settings::storage_status,
            updates::update_check,
            updates::update_download,
            updates::update_install,
            workspaces::model_limit_clear,
            workspaces::model_limit_set,
            workspaces::models_authorized,
            workspaces::workspace_limits,
            workspaces::workspaces_list,
        ])
        // The rules' reasons and their fields: the UI's field errors and its own
        // checks name them as Rust does (`InvalidInput` errors carry them).
        .typ::<crate::domain::rules::RuleReason>()
        .constant("RULE_REASON_FIELDS", crate::domain::rules::reason_fields())
        // The console's numbers and the key formats, so the UI declares none
        // of its own (its instant checks and its badges read these).
        .constant("RULE_LIMITS", crate::domain::rules::RuleLimits::CURRENT)
        .constant("KEY_PREFIXES", crate::domain::keyformat::PREFIXES.to_vec())
        // The actions the audit log records, for the audit view's filter.
        .constant("AUDIT_ACTIONS", crate::services::audit::ACTIONS.to_vec())
        // A rotation's grace period: the default and the farthest date.
        .constant("GRACE_DEFAULT", crate::services::rotation::GRACE_DEFAULT)
        .constant("GRACE_MAX_DAYS", crate::services::rotation::GRACE_MAX_DAYS)
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
}

/// Write `ui/src/lib/bindings.ts`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from Rust by tauri-specta (`make bindings`). Do not edit.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// A service result as a command result.
pub(crate) fn ipc<T>(r: crate::Result<T>) -> Result<T, IpcError> {
    r.map_err(|e| {
        log::warn!("command failed: {e}");
        e.into()
    })
}

/// Ask where to save `file` (the native save dialog, from Rust) and have
/// `Studio` write it there. `None` when the person cancels.
pub(crate) async fn save_dialog(
    app: tauri::AppHandle,
    studio: &Studio,
    file: ExportFile,
) -> Result<Option<String>, IpcError> {
    use tauri_plugin_dialog::DialogExt;
    let suggested_name = file.suggested_name.clone();
    let picked = tokio::task::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_file_name(suggested_name)
            .blocking_save_file()
    })
    .await
    .map_err(|e| IpcError::from(crate::Error::internal(e.to_string())))?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|e| IpcError::from(crate::Error::internal(e.to_string())))?;
    ipc(studio.export_write(path.clone(), file).await)?;
    Ok(Some(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// What the window may use besides the app's own commands. Granting
    /// anything more (a plugin's `fs`, `shell` or `http`, another core
    /// permission) must be a decision written down here, not a slip.
    const OTHER_GRANTS: [&str; 3] = [
        "core:default",
        "core:window:allow-close",
        "core:window:allow-destroy",
    ];

    /// The commands registered in `specta_builder` (`module::name,` lines).
    fn registered() -> Vec<String> {
        let src = include_str!("mod.rs");
        let start = src.find("collect_commands![").expect("the command list") + 18;
        let end = start + src[start..].find(']').expect("its end");
        src[start..end]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.rsplit("::").next().unwrap().to_string())
            .collect()
    }

    /// The command only `make bench`'s builds grant.
    const BENCH_ONLY: &str = "bench_snapshot";

    /// Every registered command is declared for build.rs and granted to the
    /// window, and the window is granted nothing else: exact sets both ways.
    #[test]
    fn names_list_capabilities_and_handlers_agree() {
        let names: Vec<&str> = include!("names.rs").to_vec();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "names.rs must stay sorted, each name once");
        let names: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();

        let handlers = registered();
        let handler_set: BTreeSet<String> = handlers.iter().cloned().collect();
        assert_eq!(
            handler_set.len(),
            handlers.len(),
            "a command registered twice"
        );
        assert_eq!(handler_set, names, "registered handlers vs names.rs");

        // Tauri loads every file in capabilities/: another file could grant more.
        let files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        assert_eq!(files, ["main.json"], "one capability file, checked below");
        let caps: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/main.json")).unwrap();
        let grants: Vec<&str> = caps["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .map(|p| p.as_str().expect("only plain permission names are granted"))
            .collect();
        let (own, other): (Vec<&str>, Vec<&str>) =
            grants.iter().partition(|g| g.starts_with("allow-"));
        // Granted in `bench-snapshot` builds only (`app.rs`), by a file of its own.
        let names: BTreeSet<String> = names.into_iter().filter(|n| n != BENCH_ONLY).collect();
        let bench: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities-bench/bench-snapshot.json"))
                .unwrap();
        assert_eq!(
            bench["permissions"],
            serde_json::json!([format!("allow-{}", BENCH_ONLY.replace('_', "-"))]),
            "the bench capability grants that one command and nothing else"
        );
        let own: BTreeSet<String> = own
            .iter()
            .map(|g| g["allow-".len()..].replace('-', "_"))
            .collect();
        assert_eq!(
            own,
            names,
            "capabilities/main.json grants vs names.rs (missing: {:?}, extra: {:?})",
            names.difference(&own).collect::<Vec<_>>(),
            own.difference(&names).collect::<Vec<_>>()
        );
        let other: BTreeSet<&str> = other.into_iter().collect();
        assert_eq!(
            other,
            BTreeSet::from(OTHER_GRANTS),
            "capabilities/main.json grants something besides the app's commands"
        );
        assert_eq!(
            grants.len(),
            names.len() + OTHER_GRANTS.len(),
            "a permission granted twice"
        );
    }
}
