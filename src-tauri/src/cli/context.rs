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
}

/// Where credentials come from: `--profile NAME` (keychain), else the
/// environment's AccessKey variables, else the active profile.
pub fn resolve_credentials(profile: Option<&str>, endpoint: Option<&str>) -> Result<Resolved> {
    if let Some(name) = profile.filter(|p| !p.is_empty()) {
        return from_profile(Some(name), endpoint);
    }
    let id = std::env::var(ENV_ACCESS_KEY_ID).unwrap_or_default();
    let secret = std::env::var(ENV_ACCESS_KEY_SECRET).unwrap_or_default();
    if id.trim().is_empty() || secret.is_empty() {
        return from_profile(None, endpoint).map_err(|e| {
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
    // Environment credentials carry no "save keys" preference: nothing is stored.
    Ok(Resolved {
        credentials: creds,
        save_scope: None,
    })
}

fn from_profile(name: Option<&str>, endpoint: Option<&str>) -> Result<Resolved> {
    // The keychain is blocking; keep it off the async workers.
    let resolved = tokio::task::block_in_place(|| profiles::resolve_profile(name))?;
    match resolved {
        ResolvedProfile::Sandbox => Err(Error::new(ErrorCode::Unsupported)
            .with_reason("cli_sandbox_profile")
            .with_param("value", name.unwrap_or_default())),
        ResolvedProfile::Cloud {
            credentials,
            save_keys,
            ..
        } => {
            let loopback =
                endpoint.is_some_and(|e| e.contains("127.0.0.1") || e.contains("localhost"));
            let scope = if loopback {
                KeyScope::Sandbox
            } else {
                KeyScope::Cloud
            };
            Ok(Resolved {
                credentials,
                save_scope: save_keys.then_some(scope),
            })
        }
    }
}

pub fn client(g: &GlobalArgs) -> Result<(Client, Option<KeyScope>)> {
    let r = resolve_credentials(g.profile.as_deref(), g.endpoint.as_deref())?;
    Ok((
        Client::new(region(g)?, r.credentials, g.endpoint.as_deref())?,
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
