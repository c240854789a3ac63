//! Find credentials that other Alibaba Cloud tools already keep, to import them
//! as profiles: the `ALIBABA_CLOUD_*` environment variables, the aliyun CLI's
//! `~/.aliyun/config.json`, and the SDKs' `~/.alibabacloud/credentials` INI file.
//!
//! Parsers take text (and an environment lookup), so they are tested on
//! fixtures without touching the real home directory.

use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
pub use crate::domain::settings::{ImportSource, SkippedEntry};
use std::path::{Path, PathBuf};

/// A set of credentials found on this computer.
#[derive(Debug, Clone)]
pub struct ImportCandidate {
    /// Stable for a given source and profile name: `env`, `aliyunCli:<name>`, `credentialsFile:<section>`.
    pub id: String,
    pub source: ImportSource,
    /// The name in its source (profile or section), or `environment`.
    pub label: String,
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    /// The source's region when it is a Model Studio region.
    pub region: Option<RegionId>,
    /// The source's own choice (`current` profile or `ALIBABA_CLOUD_PROFILE`).
    pub preferred: bool,
}

#[derive(Debug, Default)]
pub struct ImportScan {
    pub candidates: Vec<ImportCandidate>,
    pub skipped: Vec<SkippedEntry>,
    /// Files that exist but could not be parsed (path and parser message).
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Scan the environment and the two files. `env` looks a variable up; `home` is the home dir.
pub fn scan(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> ImportScan {
    let mut out = ImportScan::default();
    let profile_choice = env("ALIBABA_CLOUD_PROFILE").filter(|s| !s.is_empty());
    if let Some(c) = from_env(env) {
        out.candidates.push(c);
    }
    let cli_path = env("ALIBABA_CLOUD_CONFIG_FILE")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".aliyun").join("config.json")));
    if let Some(path) = cli_path {
        if let Ok(text) = std::fs::read_to_string(&path) {
            match parse_aliyun_config(&text, profile_choice.as_deref()) {
                Ok((c, s)) => {
                    out.candidates.extend(c);
                    out.skipped.extend(s);
                }
                Err(e) => out.unreadable.push((path, e)),
            }
        }
    }
    let ini_path = env("ALIBABA_CLOUD_CREDENTIALS_FILE")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".alibabacloud").join("credentials")));
    if let Some(path) = ini_path {
        if let Ok(text) = std::fs::read_to_string(&path) {
            match parse_credentials_ini(&text, profile_choice.as_deref()) {
                Ok((c, s)) => {
                    out.candidates.extend(c);
                    out.skipped.extend(s);
                }
                Err(e) => out.unreadable.push((path, e)),
            }
        }
    }
    out
}

/// The scan of this process's real environment and home directory.
pub fn scan_system() -> ImportScan {
    scan(&|k| std::env::var(k).ok(), dirs::home_dir().as_deref())
}

pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<ImportCandidate> {
    let id = env("ALIBABA_CLOUD_ACCESS_KEY_ID").filter(|s| !s.trim().is_empty())?;
    let secret = env("ALIBABA_CLOUD_ACCESS_KEY_SECRET").filter(|s| !s.trim().is_empty())?;
    Some(ImportCandidate {
        id: "env".into(),
        source: ImportSource::Env,
        label: "environment".into(),
        access_key_id: id.trim().to_owned(),
        access_key_secret: Secret::new(secret.trim()),
        security_token: env("ALIBABA_CLOUD_SECURITY_TOKEN")
            .filter(|s| !s.trim().is_empty())
            .map(|t| Secret::new(t.trim())),
        region: env("ALIBABA_CLOUD_REGION_ID").and_then(|r| r.parse::<RegionId>().ok()),
        preferred: true,
    })
}

type Parsed = Result<(Vec<ImportCandidate>, Vec<SkippedEntry>), String>;

/// The aliyun CLI's config.json: `{"current", "profiles": [{"name", "mode", ...}]}`.
/// Modes `AK` and `StsToken` are imported (any letter case); others are listed as skipped.
pub fn parse_aliyun_config(text: &str, profile_choice: Option<&str>) -> Parsed {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let current = v
        .get("current")
        .and_then(|c| c.as_str())
        .unwrap_or("default");
    let preferred = profile_choice.unwrap_or(current);
    let profiles = v
        .get("profiles")
        .and_then(|p| p.as_array())
        .ok_or("no \"profiles\" list")?;
    let (mut found, mut skipped) = (Vec::new(), Vec::new());
    for p in profiles {
        let field = |k: &str| {
            p.get(k)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .unwrap_or("")
        };
        let name = field("name");
        let mode = field("mode");
        let with_token = match mode.to_ascii_lowercase().as_str() {
            "ak" => false,
            "ststoken" => true,
            _ => {
                skipped.push(SkippedEntry {
                    source: ImportSource::AliyunCli,
                    label: name.into(),
                    mode: mode.into(),
                });
                continue;
            }
        };
        let (id, secret, token) = (
            field("access_key_id"),
            field("access_key_secret"),
            field("sts_token"),
        );
        if id.is_empty() || secret.is_empty() || (with_token && token.is_empty()) {
            skipped.push(SkippedEntry {
                source: ImportSource::AliyunCli,
                label: name.into(),
                mode: format!("{mode} (incomplete)"),
            });
            continue;
        }
        found.push(ImportCandidate {
            id: format!("aliyunCli:{name}"),
            source: ImportSource::AliyunCli,
            label: name.into(),
            access_key_id: id.into(),
            access_key_secret: Secret::new(secret),
            security_token: with_token.then(|| Secret::new(token)),
            region: field("region_id").parse::<RegionId>().ok(),
            preferred: name == preferred,
        });
    }
    Ok((found, skipped))
}

/// `~/.alibabacloud/credentials`: INI sections with `type = access_key` (or
/// `sts`, with `security_token`); `enable = false` sections are ignored.
pub fn parse_credentials_ini(text: &str, profile_choice: Option<&str>) -> Parsed {
    let ini = ini::Ini::load_from_str(text).map_err(|e| e.to_string())?;
    let preferred = profile_choice.unwrap_or("default");
    let (mut found, mut skipped) = (Vec::new(), Vec::new());
    for (section, props) in ini.iter() {
        let Some(name) = section else { continue };
        let get = |k: &str| props.get(k).map(str::trim).unwrap_or("");
        if get("enable").eq_ignore_ascii_case("false") {
            continue;
        }
        let kind = get("type").to_ascii_lowercase();
        let with_token = match kind.as_str() {
            "access_key" => false,
            "sts" => true,
            _ => {
                skipped.push(SkippedEntry {
                    source: ImportSource::CredentialsFile,
                    label: name.into(),
                    mode: get("type").into(),
                });
                continue;
            }
        };
        let (id, secret, token) = (
            get("access_key_id"),
            get("access_key_secret"),
            get("security_token"),
        );
        if id.is_empty() || secret.is_empty() || (with_token && token.is_empty()) {
            skipped.push(SkippedEntry {
                source: ImportSource::CredentialsFile,
                label: name.into(),
                mode: format!("{kind} (incomplete)"),
            });
            continue;
        }
        found.push(ImportCandidate {
            id: format!("credentialsFile:{name}"),
            source: ImportSource::CredentialsFile,
            label: name.into(),
            access_key_id: id.into(),
            access_key_secret: Secret::new(secret),
            security_token: with_token.then(|| Secret::new(token)),
            region: get("region_id").parse::<RegionId>().ok(),
            preferred: name == preferred,
        });
    }
    Ok((found, skipped))
}
