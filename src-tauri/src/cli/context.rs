//! Turning global options into a client: region, endpoint and credentials.

#![allow(clippy::result_large_err)]

use super::profiles::{self, ResolvedProfile};
use super::GlobalArgs;
use crate::error::{Error, ErrorCode, Result};
use crate::modelstudio::{Client, Credentials};
use crate::regions::RegionId;
use crate::secret::Secret;
use crate::vault::KeyScope;

pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

pub fn region(g: &GlobalArgs) -> Result<RegionId> {
    g.region.parse()
}

/// Credentials for a command, and whether a new key value must be saved to
/// the keychain (before it is printed) and under which scope.
pub struct Resolved {
    pub credentials: Credentials,
    pub save_scope: Option<KeyScope>,
    /// The OpenAPI endpoint a sandbox profile must use (its in-process server).
    pub endpoint: Option<String>,
}

/// Where a new key is saved when the credentials carry no preference (the
/// environment's): saved, like the app's default, unless `SKM_NO_SAVE=1`.
fn default_save_scope(endpoint: Option<&str>) -> Option<KeyScope> {
    if std::env::var("SKM_NO_SAVE").is_ok_and(|v| v == "1") {
        return None;
    }
    scope_for(endpoint)
}

/// Where a key made through `endpoint` is saved. A loopback endpoint is some
/// sandbox other than the app's own (that one is reached with `--profile
/// sandbox`): its key ids repeat across databases, so saving could overwrite the
/// app's copies. Nothing is saved for it.
fn scope_for(endpoint: Option<&str>) -> Option<KeyScope> {
    let loopback = endpoint
        .and_then(|e| url::Url::parse(e).ok())
        .and_then(|u| u.host_str().map(crate::modelstudio::transport::is_loopback))
        .unwrap_or(false);
    (!loopback).then_some(KeyScope::Cloud)
}

/// The app's sandbox, started in this process on the app's own database (SQLite
/// in WAL mode is safe to share with a running app). Lives until `skm` exits.
fn app_sandbox() -> Result<&'static crate::sandbox::SandboxHandle> {
    static SANDBOX: std::sync::OnceLock<crate::sandbox::SandboxHandle> = std::sync::OnceLock::new();
    if let Some(h) = SANDBOX.get() {
        return Ok(h);
    }
    let db = crate::profiles::paths::data_dir().join("sandbox.db");
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let handle = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(crate::sandbox::start(
            crate::sandbox::SandboxConfig::new(db),
        ))
    })?;
    Ok(SANDBOX.get_or_init(|| handle))
}

/// Where credentials come from: `--profile NAME` (keychain), else the
/// environment's AccessKey variables, else the active profile.
pub fn resolve_credentials(
    profile: Option<&str>,
    endpoint: Option<&str>,
    region_arg: &str,
) -> Result<Resolved> {
    if let Some(name) = profile.filter(|p| !p.is_empty()) {
        return from_profile(Some(name), endpoint, region_arg);
    }
    let id = std::env::var(ENV_ACCESS_KEY_ID).unwrap_or_default();
    let secret = std::env::var(ENV_ACCESS_KEY_SECRET).unwrap_or_default();
    if id.trim().is_empty() || secret.is_empty() {
        return from_profile(None, endpoint, region_arg).map_err(|e| {
            if e.code == ErrorCode::NotFound || e.code == ErrorCode::Config {
                Error::new(ErrorCode::InvalidCredentials).with_reason("cli_no_credentials")
            } else {
                e
            }
        });
    }
    let mut creds = Credentials::new(id.trim(), Secret::new(secret));
    if let Ok(token) = std::env::var(ENV_SECURITY_TOKEN) {
        creds = creds.with_security_token(Secret::new(token));
    }
    // Saved under the same name the app uses (cloud or sandbox, region, apiKeyId),
    // so the app and `skm --profile` find this key too.
    Ok(Resolved {
        credentials: creds,
        save_scope: default_save_scope(endpoint),
        endpoint: None,
    })
}

fn from_profile(name: Option<&str>, endpoint: Option<&str>, region_arg: &str) -> Result<Resolved> {
    // The keychain is blocking; keep it off the async workers.
    let resolved = tokio::task::block_in_place(|| profiles::resolve_profile(name))?;
    match resolved {
        ResolvedProfile::Sandbox {
            identity,
            save_keys,
        } => {
            let sandbox = app_sandbox()?;
            let id = sandbox.identity(&identity).ok_or_else(|| {
                Error::new(ErrorCode::NotFound)
                    .with_reason("sandbox_identity_missing")
                    .with_param("value", identity.clone())
            })?;
            let region: RegionId = region_arg.parse()?;
            Ok(Resolved {
                credentials: Credentials::new(
                    id.access_key_id.clone(),
                    id.access_key_secret.clone(),
                ),
                save_scope: save_keys.then_some(KeyScope::Sandbox),
                endpoint: Some(sandbox.openapi_base_url(region)),
            })
        }
        ResolvedProfile::Cloud {
            credentials,
            save_keys,
            ..
        } => Ok(Resolved {
            credentials,
            save_scope: if save_keys { scope_for(endpoint) } else { None },
            endpoint: None,
        }),
    }
}

pub fn client(g: &GlobalArgs) -> Result<(Client, Option<KeyScope>)> {
    let r = resolve_credentials(g.profile.as_deref(), g.endpoint.as_deref(), &g.region)?;
    let endpoint = g.endpoint.as_deref().or(r.endpoint.as_deref());
    Ok((
        Client::new(region(g)?, r.credentials, endpoint)?,
        r.save_scope,
    ))
}

/// An API key value for DashScope commands: `DASHSCOPE_API_KEY`, else the
/// first line of stdin (never an argument: arguments show up in `ps`).
pub fn api_key_from_env_or_stdin() -> Result<Secret> {
    if let Ok(v) = std::env::var("DASHSCOPE_API_KEY") {
        if !v.trim().is_empty() {
            return Ok(Secret::new(v.trim().to_string()));
        }
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let v = line.trim().to_string();
    if v.is_empty() {
        return Err(Error::invalid_input("apiKey", "", "cli_no_api_key"));
    }
    Ok(Secret::new(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_saved_as_cloud_keys_except_through_a_foreign_loopback_sandbox() {
        assert_eq!(scope_for(None), Some(KeyScope::Cloud));
        assert_eq!(
            scope_for(Some("https://modelstudio.cn-beijing.aliyuncs.com")),
            Some(KeyScope::Cloud)
        );
        assert_eq!(scope_for(Some("http://127.0.0.1:18080")), None);
        assert_eq!(scope_for(Some("http://localhost:18080")), None);
        // Only the host decides: a name that merely contains "localhost" is the cloud.
        assert_eq!(
            scope_for(Some("https://localhost.example.com")),
            Some(KeyScope::Cloud)
        );
    }
}
