//! Linux: the privileged step of an update installed from a .deb or .rpm.
//!
//! The updater plugin's own step writes the verified bytes to a temporary file
//! and runs `pkexec`, `zenity`/`kdialog` piped into `sudo -S`, or `sudo`, each
//! found through `PATH`: another process of the same user could swap the file
//! while the password prompt is open, or put a fake helper first in `PATH`.
//! Here the app runs `/usr/bin/pkexec` by its full path with the helper the
//! package ships (packaging/linux/install-update) and the SHA-256 of the bytes
//! it verified; as root the helper copies the package into a directory only
//! root can write, checks the copy against that hash and installs the copy.
//! No password passes through the app. Plain Rust (no `tauri`), so that its
//! tests run with the rest of the core.

use crate::domain::error::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

/// Setuid pkexec, by its full path: never a `pkexec` found through `PATH`.
pub const PKEXEC: &str = "/usr/bin/pkexec";
/// The helper the package installs; the polkit action
/// `app.studiokeys.desktop.install-update` names this path.
pub const HELPER: &str = "/usr/lib/studio-keys/install-update";

/// The helper's refusal of bytes other than the verified ones (its header
/// lists every exit status; the others are failures to install).
const HELPER_NOT_VERIFIED_BYTES: i32 = 3;
/// pkexec: the prompt was dismissed or authorisation refused (126), or the
/// caller is not authorised at all (127).
const PKEXEC_DISMISSED: i32 = 126;
const PKEXEC_NOT_AUTHORISED: i32 = 127;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    Deb,
    Rpm,
}

impl PackageKind {
    fn as_str(self) -> &'static str {
        match self {
            PackageKind::Deb => "deb",
            PackageKind::Rpm => "rpm",
        }
    }
}

/// Install `bytes` (already verified against the update's signature) through
/// the packaged helper. Blocking: the person may take a while at the prompt.
pub fn install(kind: PackageKind, bytes: &[u8]) -> Result<()> {
    install_with(Path::new(PKEXEC), Path::new(HELPER), kind, bytes)
}

fn install_with(pkexec: &Path, helper: &Path, kind: PackageKind, bytes: &[u8]) -> Result<()> {
    if !pkexec.is_file() {
        return Err(Error::new(ErrorCode::Unsupported)
            .with_reason("update_needs_pkexec")
            .with_technical(format!("{} is missing", pkexec.display())));
    }
    if !helper.is_file() {
        return Err(Error::new(ErrorCode::Internal)
            .with_reason("update_install_failed")
            .with_technical(format!(
                "{} is missing: the installed package is incomplete",
                helper.display()
            )));
    }
    let sha256 = hex::encode(Sha256::digest(bytes));
    // A directory of this user's own (0700, removed when this returns); the
    // helper checks the bytes again as root, so this only keeps others out.
    let dir = tempfile::Builder::new()
        .prefix("studio-keys-update-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|e| Error::internal(format!("a temporary directory for the update: {e}")))?;
    // Absolute: pkexec runs the helper from root's home, and a relative
    // TMPDIR would name another file there.
    let package = std::path::absolute(dir.path())
        .map_err(|e| Error::internal(format!("the update's temporary directory: {e}")))?
        .join(format!("studio-keys-update.{}", kind.as_str()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&package)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .map_err(|e| Error::internal(format!("writing the update for the installer: {e}")))?;
    let output = Command::new(pkexec)
        .arg(helper)
        .arg(kind.as_str())
        .arg(&package)
        .arg(&sha256)
        .output()
        .map_err(|e| Error::internal(format!("running {}: {e}", pkexec.display())))?;
    if output.status.success() {
        return Ok(());
    }
    let (code, reason) = match output.status.code() {
        Some(PKEXEC_DISMISSED | PKEXEC_NOT_AUTHORISED) => {
            (ErrorCode::Forbidden, "update_install_cancelled")
        }
        Some(HELPER_NOT_VERIFIED_BYTES) => (ErrorCode::Conflict, "update_changed_before_install"),
        _ => (ErrorCode::Internal, "update_install_failed"),
    };
    Err(Error::new(code).with_reason(reason).with_technical(format!(
        "{} {}: {}",
        helper.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A stand-in pkexec that runs its program directly, and a helper that
    /// records what it was given (its arguments, the package's hash and the
    /// modes of the package and its folder) and ends with `status`.
    struct Fakes {
        dir: tempfile::TempDir,
    }

    impl Fakes {
        fn new(status: i32) -> Fakes {
            let dir = tempfile::tempdir().unwrap();
            let record = dir.path().join("record");
            script(dir.path().join("pkexec"), "exec \"$@\"\n");
            script(
                dir.path().join("helper"),
                &format!(
                    "{{ echo \"$1 $3\"; sha256sum < \"$2\" | cut -d' ' -f1; stat -c %a \"$2\" \"$(dirname \"$2\")\"; \
                     echo \"$2\"; }} > {record}\necho 'helper said no' >&2\nexit {status}\n",
                    record = record.display()
                ),
            );
            Fakes { dir }
        }

        fn run(&self, bytes: &[u8]) -> Result<()> {
            install_with(
                &self.dir.path().join("pkexec"),
                &self.dir.path().join("helper"),
                PackageKind::Deb,
                bytes,
            )
        }

        fn record(&self) -> Vec<String> {
            std::fs::read_to_string(self.dir.path().join("record"))
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    fn script(path: PathBuf, body: &str) {
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn the_helper_gets_the_verified_bytes_their_hash_and_a_private_copy() {
        let fakes = Fakes::new(0);
        let bytes = b"a verified package".repeat(1000);
        fakes.run(&bytes).unwrap();
        let record = fakes.record();
        let want = hex::encode(Sha256::digest(&bytes));
        assert_eq!(record[0], format!("deb {want}"));
        assert_eq!(record[1], want, "the file holds the verified bytes");
        assert_eq!(record[2], "600", "the package file is this user's alone");
        assert_eq!(record[3], "700", "and so is its folder");
        assert!(
            !Path::new(&record[4]).exists(),
            "the package file is gone once the helper is done"
        );
    }

    #[test]
    fn bytes_changed_before_the_install_are_told_apart() {
        let err = Fakes::new(HELPER_NOT_VERIFIED_BYTES)
            .run(b"package")
            .unwrap_err();
        assert_eq!(err.reason.as_deref(), Some("update_changed_before_install"));
        assert!(err
            .details
            .technical
            .unwrap_or_default()
            .contains("helper said no"));
    }

    #[test]
    fn a_dismissed_prompt_is_cancelled_and_other_failures_failed() {
        for status in [PKEXEC_DISMISSED, PKEXEC_NOT_AUTHORISED] {
            let err = Fakes::new(status).run(b"package").unwrap_err();
            assert_eq!(
                err.reason.as_deref(),
                Some("update_install_cancelled"),
                "{status}"
            );
        }
        let err = Fakes::new(1).run(b"package").unwrap_err();
        assert_eq!(err.reason.as_deref(), Some("update_install_failed"));
    }

    #[test]
    fn without_pkexec_it_says_what_to_install() {
        let fakes = Fakes::new(0);
        let err = install_with(
            &fakes.dir.path().join("no-pkexec"),
            &fakes.dir.path().join("helper"),
            PackageKind::Rpm,
            b"package",
        )
        .unwrap_err();
        assert_eq!(err.reason.as_deref(), Some("update_needs_pkexec"));
        assert!(!fakes.dir.path().join("record").exists(), "nothing ran");
    }
}
