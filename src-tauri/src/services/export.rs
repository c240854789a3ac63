//! Export a key for use elsewhere: a `DASHSCOPE_API_KEY=...` line for the
//! clipboard, or the content of a `.env` / `.txt` file. Plain text builders;
//! the save dialog belongs to the window, the private write to
//! `storage::export`. The result is a `Secret` because it contains the key.

use super::audit::Audited;
use super::views::ExportFormat;
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;

/// A key ready to be written to a file the person picks: never logged,
/// never crosses IPC (the window only opens the save dialog).
pub struct ExportFile {
    /// The file name the save dialog offers.
    pub suggested_name: String,
    pub content: Secret,
    /// A key's export goes into the audit log when it is written.
    pub(crate) audit: Option<Audited>,
}

impl ExportFile {
    /// A file that holds no key (the audit log's own CSV export).
    pub fn plain(suggested_name: impl Into<String>, content: Secret) -> Self {
        ExportFile {
            suggested_name: suggested_name.into(),
            content,
            audit: None,
        }
    }
}

/// The OpenAI-compatible base URL for a key of `region`: the workspace's own
/// host when known (preferred by the API docs), else the region's shared host.
/// `make bench`'s copy of the painted page (`bench_snapshot`, bench builds
/// only): written once, never through a link.
pub fn write_bench_snapshot(path: &std::path::Path, html: &str) -> crate::Result<()> {
    crate::storage::export::write_new_file(path, html)
}

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
}
