//! The Model Studio clients of this process and who they act as: the
//! in-process sandbox and cloud clients built from a profile's AccessKey.

use super::{Studio, Who};
use crate::cloud::{Client, Credentials};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::sandbox::{SandboxConfig, SandboxHandle};
use crate::storage::profiles::{Profile, ProfileKind};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// The Model Studio clients of this process: the in-process sandbox
/// (started on first use, its database in the data dir) and cloud clients
/// built from the active profile's credentials (read from the vault once per
/// profile and kept in memory, so each call does not cost a keychain round trip).
pub struct Clients {
    sandbox_db: PathBuf,
    /// Test builds: faults the in-process sandbox injects.
    pub(crate) sandbox_fault: Option<crate::sandbox::FaultConfig>,
    sandbox: tokio::sync::OnceCell<SandboxHandle>,
    credentials: Mutex<HashMap<String, Credentials>>,
}

impl Clients {
    pub fn new(sandbox_db: PathBuf) -> Self {
        Clients {
            sandbox_db,
            sandbox_fault: None,
            sandbox: Default::default(),
            credentials: Default::default(),
        }
    }

    pub fn sandbox_db(&self) -> &std::path::Path {
        &self.sandbox_db
    }

    /// The running in-process sandbox (started now if needed).
    pub async fn sandbox(&self) -> Result<&SandboxHandle> {
        self.sandbox
            .get_or_try_init(|| async {
                super::sandbox::serve_own(SandboxConfig {
                    fault: self.sandbox_fault.clone(),
                    ..SandboxConfig::new(self.sandbox_db.clone())
                })
                .await
            })
            .await
    }

    /// Whether the in-process sandbox has been started.
    pub fn sandbox_started(&self) -> bool {
        self.sandbox.initialized()
    }

    /// Drop cached credentials (after a profile is removed or replaced).
    pub fn forget_cloud(&self) {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    fn cached(&self, profile_id: &str) -> Option<Credentials> {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(profile_id)
            .cloned()
    }

    fn remember(&self, profile_id: &str, c: Credentials) {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(profile_id.to_owned(), c);
    }
}

impl Studio {
    /// A Model Studio client for `profile` in `region`: the profile's sandbox
    /// identity (root unless chosen) for a sandbox profile, the vault's
    /// AccessKey otherwise.
    pub async fn client_for(&self, profile: &Profile, region: RegionId) -> Result<Client> {
        let endpoint = self.inner.acting.endpoint.as_deref();
        match profile.kind {
            ProfileKind::Sandbox => {
                let sb = self.inner.clients.sandbox().await?;
                let name = profile.sandbox_identity_name();
                let id = sb.identity(name).ok_or_else(|| {
                    Error::new(ErrorCode::NotFound)
                        .with_reason("sandbox_identity_missing")
                        .with_param("name", name)
                })?;
                let creds =
                    Credentials::new(id.access_key_id.clone(), id.access_key_secret.clone());
                let own = sb.openapi_base_url(region);
                Client::new(region, creds, Some(endpoint.unwrap_or(&own)))
            }
            ProfileKind::AlibabaCloud => {
                let creds = self.cloud_credentials(profile).await?;
                Client::new(region, creds, endpoint)
            }
        }
    }

    /// Launch work the first key list would otherwise wait for, begun by the
    /// app while its window loads: for a sandbox profile, the in-process
    /// sandbox's start (its database, its server). A cloud profile starts
    /// nothing: its AccessKey is read by the first call, so the keychain is
    /// asked once (a locked keychain prompts once). A failure is left for the
    /// list to report in its own words.
    pub async fn warm_up(&self) {
        let Ok(profile) = self.acting_profile().await else {
            return;
        };
        if profile.kind != ProfileKind::Sandbox {
            return;
        }
        if let Err(e) = self.client_for(&profile, profile.current_region()).await {
            log::debug!("warm-up: {}", e.code);
        }
    }

    /// A client for the profile this Studio acts as.
    pub(crate) async fn acting_client(&self, region: RegionId) -> Result<Client> {
        let profile = self.acting_profile().await?;
        self.client_for(&profile, region).await
    }

    /// The AccessKey of a cloud profile: the environment's when acting with
    /// it, else the vault's (read once per profile, then kept in memory).
    async fn cloud_credentials(&self, profile: &Profile) -> Result<Credentials> {
        if let Who::Credentials(c) = &self.inner.acting.who {
            let creds = Credentials::new(c.id.clone(), c.secret.clone());
            return Ok(match &c.security_token {
                Some(t) => creds.with_security_token(t.clone()),
                None => creds,
            });
        }
        if let Some(c) = self.inner.clients.cached(&profile.id) {
            return Ok(c);
        }
        let p = profile.clone();
        let c = self
            .blocking(move |s| s.inner.profiles.credentials(&p))
            .await?;
        let mut creds = Credentials::new(c.access_key_id, c.access_key_secret);
        if let Some(t) = c.security_token {
            creds = creds.with_security_token(t);
        }
        self.inner.clients.remember(&profile.id, creds.clone());
        Ok(creds)
    }
}
