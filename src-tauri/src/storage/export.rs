//! Export files: a key written for use elsewhere, privately and whole. What
//! goes into the file is `services::export`'s; where is the person's choice.

use crate::domain::secret::Secret;

/// Write `text` to a file that must not exist yet, 0600 where the platform
/// allows: an existing file, or a link at `path` (even one pointing nowhere),
/// is refused, so the file is written once and never through a link
/// (`O_CREAT | O_EXCL` does not follow links). For `make bench`'s page copy.
pub fn write_new_file(path: &std::path::Path, text: &str) -> crate::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Write an export file, readable by the owner only where the platform allows:
/// a 0600 temporary file in the target folder, fsynced, then renamed over the
/// target (a reader never sees half a key; an old file's looser bits do not
/// carry over). A symlink at the target is refused, not followed: it could
/// point the key into a file someone else can read.
pub fn write_file(path: &std::path::Path, content: &Secret) -> crate::Result<()> {
    use std::io::Write;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(crate::Error::new(crate::ErrorCode::InvalidInput)
            .with_reason("export_symlink")
            .with_param("path", path.display().to_string()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    // tempfile creates it 0600 on Unix, and removes it if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(".studio-keys-export-")
        .tempfile_in(&dir)?;
    tmp.write_all(content.expose().as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_once_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.html");
        write_new_file(&page, "<html>first</html>").unwrap();
        assert!(write_new_file(&page, "<html>second</html>").is_err());
        assert_eq!(
            std::fs::read_to_string(&page).unwrap(),
            "<html>first</html>"
        );
        #[cfg(unix)]
        {
            let target = dir.path().join("elsewhere");
            let link = dir.path().join("link.html");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert!(
                write_new_file(&link, "<html>x</html>").is_err(),
                "a dangling link"
            );
            assert!(
                !target.exists(),
                "nothing was written where the link points"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_export_is_private_whole_and_never_written_through_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".env");
        std::fs::write(&target, "OLD=1\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_file(&target, &Secret::new("DASHSCOPE_API_KEY=sk-fake\n")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "DASHSCOPE_API_KEY=sk-fake\n"
        );
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "an old file's bits do not carry over");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");

        // A symlink at the target: refused, and what it points to is untouched.
        let elsewhere = dir.path().join("shared.txt");
        std::fs::write(&elsewhere, "public\n").unwrap();
        let link = dir.path().join("key.txt");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let e = write_file(&link, &Secret::new("sk-fake\n")).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("export_symlink"));
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "public\n");
    }
}
