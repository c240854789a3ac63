//! Turning global options into a client: region, endpoint and credentials.

#![allow(clippy::result_large_err)]

use super::GlobalArgs;
use crate::error::{Error, ErrorCode, Result};
use crate::modelstudio::{Client, Credentials};
use crate::regions::RegionId;
use crate::secret::Secret;

pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

pub fn region(g: &GlobalArgs) -> Result<RegionId> {
    g.region.parse()
}

/// Where credentials come from. The seam for keychain profiles: a named
/// profile will be read from the vault here once the CLI opens it.
pub fn resolve_credentials(profile: Option<&str>) -> Result<Credentials> {
    if let Some(name) = profile.filter(|p| !p.is_empty()) {
        // TODO(profiles): look the profile up in `crate::profiles` and its vault.
        return Err(Error::new(ErrorCode::Unsupported)
            .with_reason("cli_profiles_pending")
            .with_param("value", name));
    }
    let id = std::env::var(ENV_ACCESS_KEY_ID).unwrap_or_default();
    let secret = std::env::var(ENV_ACCESS_KEY_SECRET).unwrap_or_default();
    if id.trim().is_empty() || secret.is_empty() {
        return Err(Error::new(ErrorCode::InvalidCredentials).with_reason("cli_no_credentials"));
    }
    let mut creds = Credentials::new(id.trim(), Secret::new(secret));
    if let Ok(token) = std::env::var(ENV_SECURITY_TOKEN) {
        creds = creds.with_security_token(Secret::new(token));
    }
    Ok(creds)
}

pub fn client(g: &GlobalArgs) -> Result<Client> {
    Client::new(
        region(g)?,
        resolve_credentials(g.profile.as_deref())?,
        g.endpoint.as_deref(),
    )
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
