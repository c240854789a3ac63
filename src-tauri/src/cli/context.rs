//! From global options to the `Studio` a command runs on: who it acts as
//! (`--profile`, the environment's AccessKey, or the active profile) and the
//! endpoints it talks to. Nothing here reaches the cloud, the sandbox or the
//! keychain itself: `Studio` does, exactly as it does for the app.

use super::GlobalArgs;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::services::{AccessKey, Acting, Dirs, Studio, Who};

pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

pub fn region(g: &GlobalArgs) -> Result<RegionId> {
    g.region.parse()
}

/// Who a command acts as: `--profile NAME` (keychain), else the
/// environment's AccessKey variables, else the active profile.
fn who(g: &GlobalArgs) -> Who {
    if let Some(name) = g.profile.as_deref().filter(|p| !p.is_empty()) {
        return Who::Profile(name.to_owned());
    }
    let id = std::env::var(ENV_ACCESS_KEY_ID).unwrap_or_default();
    let secret = std::env::var(ENV_ACCESS_KEY_SECRET).unwrap_or_default();
    if id.trim().is_empty() || secret.is_empty() {
        return Who::ActiveProfile;
    }
    let secret = Secret::new(secret);
    let security_token = std::env::var(ENV_SECURITY_TOKEN).ok().map(Secret::new);
    // Scrubbed from every line skm prints or logs, from now on.
    crate::domain::redact::remember(&secret);
    if let Some(t) = &security_token {
        crate::domain::redact::remember(t);
    }
    Who::Credentials(AccessKey {
        id: id.trim().to_owned(),
        secret,
        security_token,
    })
}

/// The `Studio` for this invocation, on the app's own settings, keychain and
/// sandbox. `SKM_NO_SAVE=1` keeps new key values out of the keychain.
pub fn studio(g: &GlobalArgs) -> Result<Studio> {
    let acting = Acting {
        who: who(g),
        endpoint: g.endpoint.clone(),
        dashscope_url: g.dashscope_url.clone(),
        allow_foreign_endpoint: g.allow_foreign_endpoint,
        save_new_keys: std::env::var("SKM_NO_SAVE")
            .is_ok_and(|v| v == "1")
            .then_some(false),
    };
    Studio::open_acting(Dirs::from_env(), acting)
}

/// `studio`, for a command that needs someone to act as: says what to do,
/// before any request, when there is no one (a `--profile` that does not
/// exist says so itself).
pub async fn acting_studio(g: &GlobalArgs) -> Result<Studio> {
    let studio = studio(g)?;
    let active = matches!(who(g), Who::ActiveProfile);
    studio.acting_check().await.map_err(|e| {
        if active && (e.code == ErrorCode::NotFound || e.code == ErrorCode::Config) {
            Error::new(ErrorCode::InvalidCredentials).with_reason("cli_no_credentials")
        } else {
            e
        }
    })?;
    // An earlier run killed mid-Create or mid-Reset: settle it, say so.
    super::output::notices(&studio.intents_resume().await);
    Ok(studio)
}

/// The `Studio` exactly as the app opens it: the active profile, the official
/// endpoints (for `skm profiles`, which manage the app's own profiles).
pub fn app_studio() -> Result<Studio> {
    Studio::open(Dirs::from_env())
}

/// An API key value for DashScope commands: `DASHSCOPE_API_KEY`, else the
/// first line of stdin (never an argument: arguments show up in `ps`).
pub fn api_key_from_env_or_stdin() -> Result<Secret> {
    if let Ok(v) = std::env::var("DASHSCOPE_API_KEY") {
        if !v.trim().is_empty() {
            return Ok(Secret::new(v.trim().to_string()));
        }
    }
    read_secret_line("API key: ")?
        .ok_or_else(|| Error::invalid_input("apiKey", "", "cli_no_api_key"))
}

/// One secret from stdin: typed at a terminal, without echo (after `prompt`
/// on stderr); piped, the next line. The line buffer is zeroed when dropped.
/// `None` when the line is empty or stdin has ended.
pub fn read_secret_line(prompt: &str) -> Result<Option<Secret>> {
    use std::io::IsTerminal;
    let line = zeroize::Zeroizing::new(if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        rpassword::read_password()?
    } else {
        // Sized up front: growing would leave copies the zeroing never sees.
        let mut line = String::with_capacity(4096);
        std::io::stdin().read_line(&mut line)?;
        line
    });
    let value = line.trim();
    Ok((!value.is_empty()).then(|| Secret::new(value)))
}
