//! Profiles, settings and storage status, as the screens and `skm` use them.

use super::views::{
    ConnectionReport, DefaultWorkspace, ImportCandidateView, ImportCandidates, ProfileInputView,
    ProfileView, RegionCheck, StorageStatus,
};
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n::{self, Lang};
use crate::domain::identity::IdentityKind;
use crate::domain::regions::RegionId;
use crate::protocol::requests::{ListApiKeysRequest, ListWorkspacesRequest};
use crate::storage::profiles::import::{self, ImportCandidate};
use crate::storage::profiles::{
    mask, AppSettings, LangSetting, Profile, ProfileInput, ProfilePreferences,
};
use serde::Serialize;

/// What a seeded sandbox identity may do, for the UI to explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
pub enum SandboxRole {
    Root,
    RamWithPermission,
    RamWithoutPermission,
}

/// A seeded sandbox identity a person can try the sandbox as. Never secrets.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SandboxIdentityView {
    /// The identity's name in the sandbox (`ram-no-permission`).
    pub name: String,
    pub role: SandboxRole,
    /// One plain sentence in the current language.
    pub description: String,
    /// The sandbox profile already acting as this identity, if any.
    pub profile_id: Option<String>,
}

impl SandboxRole {
    fn of(kind: IdentityKind, can_manage_keys: bool) -> Self {
        match (kind, can_manage_keys) {
            (IdentityKind::Root, _) => SandboxRole::Root,
            (_, true) => SandboxRole::RamWithPermission,
            (_, false) => SandboxRole::RamWithoutPermission,
        }
    }

    fn catalog_key(self) -> &'static str {
        match self {
            SandboxRole::Root => "sandbox_identity.root",
            SandboxRole::RamWithPermission => "sandbox_identity.ram_with_permission",
            SandboxRole::RamWithoutPermission => "sandbox_identity.ram_without_permission",
        }
    }
}

pub fn profile_view(p: &Profile, active_id: &str) -> ProfileView {
    ProfileView {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind,
        access_key_id_masked: p.access_key_id.as_deref().map(mask),
        has_sts_token: p.has_sts_token,
        default_region: p.default_region,
        current_region: p.current_region(),
        default_workspaces: p
            .default_workspaces
            .iter()
            .map(|(r, w)| DefaultWorkspace {
                region: *r,
                workspace_id: w.clone(),
            })
            .collect(),
        preferences: p.preferences.clone(),
        active: p.id == active_id,
    }
}

fn candidate_view(c: &ImportCandidate) -> ImportCandidateView {
    ImportCandidateView {
        id: c.id.clone(),
        source: c.source,
        label: c.label.clone(),
        access_key_id_masked: mask(&c.access_key_id),
        has_sts_token: c.security_token.is_some(),
        region: c.region,
        preferred: c.preferred,
    }
}

/// Apply the language setting to messages rendered from now on.
pub fn apply_lang(setting: LangSetting) {
    i18n::set_current(match setting {
        LangSetting::System => Lang::from_env(),
        LangSetting::En => Lang::En,
        LangSetting::ZhCn => Lang::ZhCn,
        LangSetting::ZhTw => Lang::ZhTw,
        LangSetting::Ja => Lang::Ja,
    });
}

impl Studio {
    pub async fn storage_status(&self) -> StorageStatus {
        let keychain = self.blocking(|s| s.inner.profiles.vault().check()).await;
        StorageStatus {
            keychain_error: keychain.err().map(Into::into),
            settings_moved_aside: self.inner.profiles.store().moved_aside(),
            config_dir: self.inner.dirs.config.display().to_string(),
            data_dir: self.inner.dirs.data.display().to_string(),
        }
    }

    pub async fn settings_get(&self) -> Result<AppSettings> {
        self.blocking(|s| s.inner.profiles.app_settings()).await
    }

    pub async fn settings_set(&self, settings: AppSettings) -> Result<AppSettings> {
        let saved = self
            .blocking(move |s| s.inner.profiles.set_app_settings(settings))
            .await?;
        apply_lang(saved.lang);
        Ok(saved)
    }

    pub async fn profiles_list(&self) -> Result<Vec<ProfileView>> {
        self.blocking(|s| {
            let (list, active) = s.inner.profiles.list()?;
            Ok(list.iter().map(|p| profile_view(p, &active)).collect())
        })
        .await
    }

    /// A profile by id or name, as the list shows it.
    pub async fn profile_find(&self, id_or_name: String) -> Result<ProfileView> {
        self.blocking(move |s| {
            let p = s.inner.profiles.find(&id_or_name)?;
            let active = s.inner.profiles.active()?.id;
            Ok(profile_view(&p, &active))
        })
        .await
    }

    pub async fn profile_activate(&self, id: String) -> Result<ProfileView> {
        self.blocking(move |s| {
            let p = s.inner.profiles.activate(&id)?;
            Ok(profile_view(&p, &p.id))
        })
        .await
    }

    /// Add an Alibaba Cloud profile: the secret (and STS token) go to the
    /// keychain, the rest to the settings (the app's form and `skm profiles add`).
    pub async fn profile_add(&self, input: ProfileInputView) -> Result<ProfileView> {
        self.add_recorded(input, "profile_add", None).await
    }

    /// Add a profile, recorded in the audit log as `action`.
    async fn add_recorded(
        &self,
        input: ProfileInputView,
        action: &'static str,
        source: Option<String>,
    ) -> Result<ProfileView> {
        let input = ProfileInput {
            name: input.name,
            access_key_id: input.access_key_id,
            access_key_secret: input.access_key_secret,
            security_token: input.security_token.filter(|t| !t.is_empty()),
            default_region: input.default_region,
        };
        let what = super::audit::Audited {
            action,
            profile: Some((
                input.name.clone(),
                crate::storage::profiles::ProfileKind::AlibabaCloud,
            )),
            // The AccessKey id, masked, and where an import found it.
            note: Some(match source {
                Some(from) => format!("{} from {from}", mask(&input.access_key_id)),
                None => mask(&input.access_key_id),
            }),
            ..Default::default()
        };
        self.audited(what, || {
            self.blocking(move |s| {
                let p = s.inner.profiles.add(input)?;
                let active = s.inner.profiles.active()?.id;
                Ok(profile_view(&p, &active))
            })
        })
        .await
    }

    pub async fn profile_delete(&self, id: String) -> Result<()> {
        let profile = self.profile_find(id.clone()).await?;
        let what = super::audit::Audited {
            action: "profile_remove",
            profile: Some((profile.name, profile.kind)),
            ..Default::default()
        };
        let result = self
            .audited(what, || {
                self.blocking(move |s| s.inner.profiles.remove(&id))
            })
            .await;
        self.inner.clients.forget_cloud();
        result
    }

    pub async fn profile_import_candidates(&self) -> Result<ImportCandidates> {
        let scan = tokio::task::spawn_blocking(import::scan_system)
            .await
            .map_err(|e| Error::internal(e.to_string()))?;
        for (path, problem) in &scan.unreadable {
            log::warn!(
                "could not read credentials file {}: {problem}",
                path.display()
            );
        }
        Ok(ImportCandidates {
            candidates: scan.candidates.iter().map(candidate_view).collect(),
            skipped: scan.skipped,
        })
    }

    /// Import the candidate `candidate_id` (as listed by `profile_import_candidates`) as `name`.
    pub async fn profile_import(&self, candidate_id: String, name: String) -> Result<ProfileView> {
        let scan = tokio::task::spawn_blocking(import::scan_system)
            .await
            .map_err(|e| Error::internal(e.to_string()))?;
        let c = scan
            .candidates
            .into_iter()
            .find(|c| c.id == candidate_id)
            .ok_or_else(|| {
                Error::new(ErrorCode::NotFound)
                    .with_reason("import_candidate_gone")
                    .with_param("name", candidate_id.clone())
            })?;
        self.add_recorded(
            ProfileInputView {
                name,
                access_key_id: c.access_key_id,
                access_key_secret: c.access_key_secret,
                security_token: c.security_token,
                default_region: c.region.unwrap_or(RegionId::CnBeijing),
            },
            "profile_import",
            Some(c.id),
        )
        .await
    }

    /// Remember the region the person switched to, for the active profile.
    pub async fn profile_set_region(&self, region: RegionId) -> Result<()> {
        self.blocking(move |s| {
            let p = s.inner.profiles.active()?;
            s.inner.profiles.set_last_region(&p.id, region)
        })
        .await
    }

    pub async fn profile_set_default_workspace(
        &self,
        region: RegionId,
        workspace_id: String,
    ) -> Result<()> {
        self.blocking(move |s| {
            let p = s.inner.profiles.active()?;
            s.inner
                .profiles
                .set_default_workspace(&p.id, region, workspace_id)
        })
        .await
    }

    pub async fn profile_set_preferences(
        &self,
        id: String,
        preferences: ProfilePreferences,
    ) -> Result<ProfileView> {
        self.blocking(move |s| {
            s.inner.profiles.set_preferences(&id, preferences)?;
            let (list, active) = s.inner.profiles.list()?;
            let p = list
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| Error::new(ErrorCode::NotFound))?;
            Ok(profile_view(p, &active))
        })
        .await
    }

    /// Whether the acting credentials work in `region`: its workspace count.
    pub async fn credentials_check(&self, region: RegionId) -> Result<usize> {
        let client = self.acting_client(region).await?;
        let list = client
            .list_workspaces(&ListWorkspacesRequest::default())
            .await?;
        Ok(list.len())
    }

    /// Which regions answer ListWorkspaces with these credentials, and whether
    /// listing keys (the key-management permission) is allowed.
    pub async fn profile_test(&self, profile_id: String) -> Result<ConnectionReport> {
        let profile = self
            .blocking(move |s| s.inner.profiles.find(&profile_id))
            .await?;
        self.inner.clients.forget_cloud();
        let mut regions = Vec::new();
        let mut can_manage_keys = false;
        for region in RegionId::ALL {
            let client = self.client_for(&profile, region).await?;
            match client
                .list_workspaces(&ListWorkspacesRequest::default())
                .await
            {
                Ok(ws) => {
                    if !can_manage_keys {
                        let probe = ListApiKeysRequest {
                            max_results: Some(1),
                            ..Default::default()
                        };
                        can_manage_keys = client.list_api_keys_page(&probe).await.is_ok();
                    }
                    regions.push(RegionCheck {
                        region,
                        ok: true,
                        workspace_count: Some(ws.len() as u32),
                        error: None,
                    });
                }
                Err(e) => regions.push(RegionCheck {
                    region,
                    ok: false,
                    workspace_count: None,
                    error: Some(e.into()),
                }),
            }
        }
        Ok(ConnectionReport {
            regions,
            can_manage_keys,
        })
    }

    /// The sandbox's seeded identities (root first), each with what it may do.
    pub async fn sandbox_identities(&self) -> Result<Vec<SandboxIdentityView>> {
        let sb = self.inner.clients.sandbox().await?;
        let mut ids: Vec<_> = sb
            .identities()
            .iter()
            .map(|i| (i.name.clone(), SandboxRole::of(i.kind, i.can_manage_keys)))
            .collect();
        ids.sort_by_key(|(name, role)| (*role, name.clone()));
        self.blocking(move |s| {
            let lang = i18n::current();
            ids.into_iter()
                .map(|(name, role)| {
                    let profile_id = s.inner.profiles.sandbox_profile_for(&name)?.map(|p| p.id);
                    Ok(SandboxIdentityView {
                        description: i18n::tr(lang, role.catalog_key(), &[]),
                        name,
                        role,
                        profile_id,
                    })
                })
                .collect()
        })
        .await
    }

    /// A sandbox profile acting as `identity` (added if needed, not activated).
    pub async fn profile_add_sandbox_identity(&self, identity: String) -> Result<ProfileView> {
        let sb = self.inner.clients.sandbox().await?;
        if sb.identity(identity.trim()).is_none() {
            return Err(Error::invalid_input(
                "identity",
                identity.trim(),
                "sandbox_identity_invalid",
            ));
        }
        self.blocking(move |s| {
            let p = s.inner.profiles.add_sandbox_identity(&identity)?;
            let active = s.inner.profiles.active()?.id;
            Ok(profile_view(&p, &active))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sandbox_role_is_described_in_both_languages() {
        for role in [
            SandboxRole::Root,
            SandboxRole::RamWithPermission,
            SandboxRole::RamWithoutPermission,
        ] {
            let en = i18n::tr(Lang::En, role.catalog_key(), &[]);
            let zh = i18n::tr(Lang::ZhCn, role.catalog_key(), &[]);
            assert_ne!(en, role.catalog_key(), "{role:?} has no English text");
            assert_ne!(zh, en, "{role:?} has no Chinese text");
        }
        assert_eq!(
            SandboxRole::of(IdentityKind::Ram, false),
            SandboxRole::RamWithoutPermission
        );
        assert_eq!(
            SandboxRole::of(IdentityKind::Root, false),
            SandboxRole::Root
        );
    }
}
