//! Updates of the app itself: ask the release server whether a newer version
//! exists, download it with progress, verify its signature against the public
//! key built into this copy (tauri-plugin-updater, minisign), and install it
//! only on the person's word. Nothing here touches a secret.
//!
//! The release pipeline sets the endpoint (`plugins.updater.endpoints`); a build
//! without one does not check and says so. A copy that was not installed from
//! a package (a `cargo build`) shows what is new but leaves installing to
//! whoever built it. Every failure leaves the running app as it was.

use crate::domain::error::{Error, ErrorCode, Result};
use serde::Serialize;
use std::sync::Mutex;
use tauri::AppHandle;
use tauri_plugin_updater::{Update, UpdaterExt};

/// How long a check may take before the server counts as unreachable. A
/// download has no such bound: a large installer on a slow link takes long.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What a check found.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UpdateCheck {
    /// This build has no update endpoint (a development or test build).
    NotConfigured,
    UpToDate,
    Available(UpdateInfo),
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub current_version: String,
    pub version: String,
    /// The release notes, as the release pipeline wrote them.
    pub notes: Option<String>,
    /// RFC 3339.
    pub date: Option<String>,
    pub install: InstallMode,
}

/// Whether this copy can install the update itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InstallMode {
    /// Installed from a package or installer the updater can replace
    /// (.deb/.rpm ask for the administrator's password).
    Automatic,
    /// Built or copied by hand: update it the way it was installed.
    Manual,
}

/// A download's progress, streamed to the dialog.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgress {
    /// Bytes received so far (an f64 so TypeScript gets a plain number).
    pub received: f64,
    /// The size the server announced, if it did.
    pub total: Option<f64>,
}

/// The update found by the last check, and its verified bytes once downloaded.
#[derive(Default)]
pub struct Updates {
    pending: Mutex<Option<Pending>>,
}

struct Pending {
    update: Update,
    verified: Option<Vec<u8>>,
}

impl Updates {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn install_mode() -> InstallMode {
    match tauri::utils::platform::bundle_type() {
        Some(_) => InstallMode::Automatic,
        None => InstallMode::Manual,
    }
}

/// Ask the release server. Unreachable is an error the caller may keep quiet.
pub async fn check(app: &AppHandle, updates: &Updates) -> Result<UpdateCheck> {
    let updater = match app.updater() {
        Ok(u) => u,
        Err(tauri_plugin_updater::Error::EmptyEndpoints) => return Ok(UpdateCheck::NotConfigured),
        Err(e) => return Err(error(e)),
    };
    let found = tokio::time::timeout(CHECK_TIMEOUT, updater.check())
        .await
        .map_err(|_| {
            Error::new(ErrorCode::Timeout)
                .with_reason("update_unreachable")
                .with_technical(format!("no answer in {} s", CHECK_TIMEOUT.as_secs()))
        })?
        .map_err(error)?;
    let Some(update) = found else {
        *updates.lock() = None;
        return Ok(UpdateCheck::UpToDate);
    };
    let info = UpdateInfo {
        current_version: app.package_info().version.to_string(),
        version: update.version.clone(),
        notes: update.body.clone().filter(|n| !n.trim().is_empty()),
        date: update
            .raw_json
            .get("pub_date")
            .and_then(|d| d.as_str())
            .map(str::to_owned),
        install: install_mode(),
    };
    log::info!("update {} available", info.version);
    *updates.lock() = Some(Pending {
        update,
        verified: None,
    });
    Ok(UpdateCheck::Available(info))
}

/// Download the update found by the last check and verify its signature; the
/// verified bytes wait in memory for `install`. A refused download leaves
/// nothing behind.
pub async fn download(
    updates: &Updates,
    mut on_progress: impl FnMut(DownloadProgress),
) -> Result<()> {
    let update = updates
        .lock()
        .as_ref()
        .map(|p| p.update.clone())
        .ok_or_else(|| Error::new(ErrorCode::NotFound).with_reason("update_not_checked"))?;
    let mut received = 0u64;
    let bytes = update
        .download(
            |chunk, total| {
                received += chunk as u64;
                on_progress(DownloadProgress {
                    received: received as f64,
                    total: total.map(|t| t as f64),
                });
            },
            || {},
        )
        .await
        .map_err(|e| {
            log::warn!("update {} refused: {e}", update.version);
            error(e)
        })?;
    log::info!("update {} downloaded and verified", update.version);
    // A check while downloading may have found another release: these bytes
    // are kept only for the one they were verified against.
    match updates.lock().as_mut() {
        Some(p) if p.update.version == update.version && p.update.signature == update.signature => {
            p.verified = Some(bytes);
            Ok(())
        }
        _ => Err(Error::new(ErrorCode::Conflict).with_reason("update_not_checked")),
    }
}

/// Install the verified update, then restart into it. On failure the update
/// stays, verified, so the person can try again.
pub async fn install(app: &AppHandle, updates: &Updates) -> Result<()> {
    if install_mode() == InstallMode::Manual {
        return Err(Error::new(ErrorCode::Unsupported).with_reason("update_manual_install"));
    }
    let (update, bytes) = match updates.lock().as_ref() {
        Some(Pending {
            update,
            verified: Some(bytes),
        }) => (update.clone(), bytes.clone()),
        _ => return Err(Error::new(ErrorCode::NotFound).with_reason("update_not_downloaded")),
    };
    // The administrator's password is asked for and dpkg or rpm runs:
    // blocking work, off the async workers.
    let version = update.version.clone();
    tauri::async_runtime::spawn_blocking(move || install_verified(&update, &bytes))
        .await
        .map_err(|e| Error::internal(format!("install task failed: {e}")))??;
    log::info!("update {version} installed; restarting");
    app.request_restart();
    Ok(())
}

/// A .deb or .rpm goes through the package's own helper (`system_install`:
/// the bytes root installs are the bytes verified here); anything else (an
/// AppImage, Windows and macOS installers) through the updater plugin, which
/// verifies the bytes once more before it replaces anything.
fn install_verified(update: &Update, bytes: &[u8]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use crate::system_install::{install, PackageKind};
        use tauri::utils::config::BundleType;
        match tauri::utils::platform::bundle_type() {
            Some(BundleType::Deb) => return install(PackageKind::Deb, bytes),
            Some(BundleType::Rpm) => return install(PackageKind::Rpm, bytes),
            _ => {}
        }
    }
    update.install(bytes).map_err(error)
}

/// The updater's failures in the person's words. The running app is never
/// changed by any of them.
fn error(e: tauri_plugin_updater::Error) -> Error {
    use tauri_plugin_updater::Error as U;
    let technical = e.to_string();
    let (code, reason) = match &e {
        U::Minisign(minisign_verify::Error::UnexpectedKeyId) => {
            (ErrorCode::BadResponse, "update_wrong_key")
        }
        // Validly signed, but for another version than announced: an older
        // release offered as newer.
        U::SignedVersionMismatch { .. } => (ErrorCode::BadResponse, "update_version_mismatch"),
        U::Minisign(_) | U::Base64(_) | U::SignatureUtf8(_) | U::MissingSignedVersion => {
            (ErrorCode::BadResponse, "update_signature_invalid")
        }
        U::Reqwest(r) if r.is_body() || r.is_decode() => {
            (ErrorCode::Network, "update_download_interrupted")
        }
        U::Reqwest(_) => (ErrorCode::Network, "update_unreachable"),
        U::Network(_) => (ErrorCode::Network, "update_download_failed"),
        U::ReleaseNotFound | U::Serialization(_) | U::TargetNotFound(_) | U::TargetsNotFound(_) => {
            (ErrorCode::BadResponse, "update_release_unreadable")
        }
        U::AuthenticationFailed => (ErrorCode::Forbidden, "update_install_cancelled"),
        U::DebInstallFailed | U::PackageInstallFailed | U::InvalidUpdaterFormat => {
            (ErrorCode::Internal, "update_install_failed")
        }
        _ => (ErrorCode::Internal, "update_failed"),
    };
    Error::new(code)
        .with_reason(reason)
        .with_technical(technical)
}
