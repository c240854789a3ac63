//! Export a key for use elsewhere: a `DASHSCOPE_API_KEY=...` line for the
//! clipboard, or the content of a `.env` / `.txt` file. Plain text builders;
//! the save dialog and the write belong to the caller. The result is a
//! `Secret` because it contains the key.

use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// `DASHSCOPE_API_KEY=...` with the base URL as a comment.
    Env,
    /// The bare value, one line.
    Txt,
}

/// The OpenAI-compatible base URL for a key of `region`: the workspace's own
/// host when known (preferred by the API docs), else the region's shared host.
pub fn base_url(region: RegionId, workspace_api_host: Option<&str>) -> Option<String> {
    let host = workspace_api_host
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .or_else(|| region.info().dashscope_host.map(str::to_owned))?;
    Some(format!("https://{host}/compatible-mode/v1"))
}

fn base_url_comment(region: RegionId, workspace_api_host: Option<&str>) -> String {
    match base_url(region, workspace_api_host) {
        Some(url) => format!("# Model Studio {region} base URL: {url}"),
        None => format!(
            "# Model Studio {region}: use your workspace's host, https://<workspace>.{}/compatible-mode/v1",
            region.info().workspace_host_suffix
        ),
    }
}

/// For the clipboard: the base URL as a comment, then the assignment.
pub fn env_snippet(region: RegionId, workspace_api_host: Option<&str>, value: &Secret) -> Secret {
    Secret::new(format!(
        "{}\nDASHSCOPE_API_KEY={}\n",
        base_url_comment(region, workspace_api_host),
        value.expose()
    ))
}

/// A file's content. `.env` files carry a plaintext warning in the file itself.
pub fn file_content(
    format: ExportFormat,
    region: RegionId,
    workspace_api_host: Option<&str>,
    value: &Secret,
) -> Secret {
    match format {
        ExportFormat::Txt => Secret::new(format!("{}\n", value.expose())),
        ExportFormat::Env => Secret::new(format!(
            "# WARNING: this file holds a Model Studio API key in plain text. Anyone who\n\
             # reads it can spend money on your account. Keep it out of version control\n\
             # and delete it when you no longer need it.\n{}",
            env_snippet(region, workspace_api_host, value).expose()
        )),
    }
}

/// The file name offered in the save dialog.
pub fn suggested_file_name(format: ExportFormat, api_key_id: &str) -> String {
    match format {
        ExportFormat::Env => ".env".into(),
        ExportFormat::Txt => format!("dashscope-api-key-{api_key_id}.txt"),
    }
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
    fn env_snippet_names_the_regions_base_url() {
        let v = Secret::new("sk-ws-fake");
        let s = env_snippet(RegionId::ApSoutheast1, None, &v);
        assert!(s
            .expose()
            .contains("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"));
        assert!(s.expose().ends_with("DASHSCOPE_API_KEY=sk-ws-fake\n"));
        let ws = env_snippet(
            RegionId::CnBeijing,
            Some("llm-abc.cn-beijing.maas.aliyuncs.com"),
            &v,
        );
        assert!(ws
            .expose()
            .contains("https://llm-abc.cn-beijing.maas.aliyuncs.com/"));
    }

    #[test]
    fn regions_without_a_shared_host_point_to_the_workspace_host() {
        let s = env_snippet(RegionId::EuCentral1, None, &Secret::new("sk-ws-fake"));
        assert!(
            s.expose().contains("eu-central-1.maas.aliyuncs.com"),
            "{}",
            s.expose()
        );
    }

    #[test]
    fn env_file_warns_that_it_is_plaintext() {
        let c = file_content(
            ExportFormat::Env,
            RegionId::UsEast1,
            None,
            &Secret::new("sk-fake"),
        );
        assert!(c.expose().starts_with("# WARNING"));
        assert!(c.expose().contains("plain text"));
        assert!(c.expose().contains("DASHSCOPE_API_KEY=sk-fake"));
        let t = file_content(
            ExportFormat::Txt,
            RegionId::UsEast1,
            None,
            &Secret::new("sk-fake"),
        );
        assert_eq!(t.expose(), "sk-fake\n");
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
