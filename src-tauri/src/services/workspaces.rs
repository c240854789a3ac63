//! Workspaces and the models they may call, in one region.

use super::audit::Audited;
use super::convert::{model_limit_views, model_views, workspace_views};
use super::views::{
    LimitsReadOnly, LimitsReadOnlyReason, ModelLimitView, ModelView, WorkspaceLimitsView,
    WorkspaceView,
};
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n;
use crate::domain::identity::{IdentityKind, ROOT};
use crate::domain::regions::RegionId;
use crate::domain::rules;
use crate::domain::settings::ProfileKind;
use crate::protocol::limits::{
    UpdateModelLimitsRequest, WorkspaceLimitChange, LIMIT_DELETE, LIMIT_OVERLAY,
};
use crate::protocol::requests::{CreateWorkspaceRequest, ListWorkspacesRequest};
use crate::storage::profiles::Profile;

impl Studio {
    pub async fn workspaces_list(&self, region: RegionId) -> Result<Vec<WorkspaceView>> {
        let client = self.acting_client(region).await?;
        let list = client
            .list_workspaces(&ListWorkspacesRequest::default())
            .await?;
        Ok(workspace_views(region, &list))
    }

    /// The workspace's inference host, for base URLs in exports (best effort).
    pub(crate) async fn workspace_api_host(
        &self,
        profile: &Profile,
        region: RegionId,
        workspace_id: Option<&str>,
    ) -> Option<String> {
        let workspace_id = workspace_id?;
        let client = self.client_for(profile, region).await.ok()?;
        let req = ListWorkspacesRequest {
            workspace_id: Some(workspace_id.to_owned()),
            ..Default::default()
        };
        let list = client.list_workspaces(&req).await.ok()?;
        list.into_iter()
            .find(|w| w.workspace_id.as_deref() == Some(workspace_id))
            .and_then(|w| w.api_host)
            .and_then(|h| region.trusted_workspace_host(&h).map(str::to_owned))
    }

    pub async fn models_authorized(&self, region: RegionId, ws: String) -> Result<Vec<ModelView>> {
        let client = self.acting_client(region).await?;
        Ok(model_views(&client.authorized_models(&ws).await?))
    }

    /// Request and token limits of each model the workspace may call (the
    /// region's default workspace when `ws` is `None`), as the API gives them.
    pub async fn model_limits(
        &self,
        region: RegionId,
        ws: Option<String>,
    ) -> Result<Vec<ModelLimitView>> {
        let client = self.acting_client(region).await?;
        let limits = client
            .list_model_limits(&crate::protocol::limits::ListModelLimitsRequest {
                workspace_id: ws,
                ..Default::default()
            })
            .await?;
        Ok(model_limit_views(&limits))
    }

    /// A workspace's limits for the Limits view: each model's account limit
    /// and the workspace's own, and whether (and why not) this profile may
    /// change them.
    pub async fn workspace_limits(
        &self,
        region: RegionId,
        workspace_id: String,
    ) -> Result<WorkspaceLimitsView> {
        let ws = self
            .workspace_or_default(region, Some(&workspace_id))
            .await?;
        let limits = self
            .model_limits(region, Some(ws.workspace_id.clone()))
            .await?
            .into_iter()
            .filter(|l| {
                l.workspace_id
                    .as_deref()
                    .is_none_or(|w| w == ws.workspace_id)
            })
            .collect();
        let reason = if ws.is_default {
            Some(LimitsReadOnlyReason::DefaultWorkspace)
        } else if self.acting_as_ram_user().await {
            Some(LimitsReadOnlyReason::RamUser)
        } else {
            None
        };
        let lang = i18n::current();
        Ok(WorkspaceLimitsView {
            workspace_id: ws.workspace_id,
            is_default: ws.is_default,
            limits,
            read_only: reason.map(|reason| LimitsReadOnly {
                reason,
                message: i18n::tr(lang, reason.catalog_key(), &[]),
            }),
        })
    }

    /// Whether the profile in use is known to be a RAM user. The sandbox's
    /// identities say so; a cloud AccessKey does not, and there the first
    /// refused change (`Forbidden.RAM`) tells the view.
    async fn acting_as_ram_user(&self) -> bool {
        let Ok(profile) = self.acting_profile().await else {
            return false;
        };
        if profile.kind != ProfileKind::Sandbox {
            return false;
        }
        let Ok(sandbox) = self.inner.clients.sandbox().await else {
            return false;
        };
        let name = profile.sandbox_identity.as_deref().unwrap_or(ROOT);
        sandbox
            .identity(name)
            .is_some_and(|i| i.kind != IdentityKind::Root)
    }

    /// Sets a workspace's own limit of `model`: `requests` and `tokens` as
    /// (count, period in seconds). With `keep_unnamed` (skm's `set`), what is
    /// not given keeps the workspace's current value; without (the app's
    /// form, which shows both), the limit becomes exactly what is given. The
    /// API replaces the whole limit, so the kept part is sent again. A change
    /// the console would refuse (the default workspace, a model the workspace
    /// may not call, more than the account allows) is refused before anything
    /// is sent. Returns the model's limits in the workspace after the change.
    pub async fn model_limit_set(
        &self,
        region: RegionId,
        workspace_id: &str,
        model: &str,
        requests: Option<(i64, i64)>,
        tokens: Option<(i64, i64)>,
        keep_unnamed: bool,
    ) -> Result<Vec<ModelLimitView>> {
        if requests.is_none() && tokens.is_none() {
            return Err(Error::new(ErrorCode::InvalidInput).with_reason("limits_nothing_to_set"));
        }
        let ws = self
            .workspace_or_default(region, Some(workspace_id))
            .await?;
        if ws.is_default {
            return Err(Error::invalid_input(
                "workspace",
                workspace_id,
                "limits_default_workspace",
            ));
        }
        let before = self
            .model_limits(region, Some(workspace_id.to_string()))
            .await?;
        let row = before
            .into_iter()
            .find(|l| is_row_of(l, workspace_id, model))
            .ok_or_else(|| Error::invalid_input("model", model, "limits_model_not_authorized"))?;
        let account = row.model_limit.clone().unwrap_or_default();
        check_rate(
            "requests",
            requests,
            account.request_limit.zip(account.request_limit_period),
        )?;
        check_rate(
            "tokens",
            tokens,
            account.usage_limit.zip(account.usage_limit_period),
        )?;
        let own = row.workspace_limit.unwrap_or_default();
        let keep = |given: Option<(i64, i64)>, count: Option<i64>, period: Option<i64>| {
            given.or(count.zip(period).filter(|_| keep_unnamed))
        };
        let requests = keep(requests, own.request_limit, own.request_limit_period);
        let tokens = keep(tokens, own.usage_limit, own.usage_limit_period);
        let rate =
            |r: Option<(i64, i64)>| r.map(|(n, s)| format!("{n}/{s}s")).unwrap_or("-".into());
        let note = format!(
            "{model} in {workspace_id}: requests {}, tokens {}",
            rate(requests),
            rate(tokens)
        );
        let change = WorkspaceLimitChange {
            model: Some(model.to_string()),
            operation_type: Some(LIMIT_OVERLAY.into()),
            request_limit: requests.map(|r| r.0),
            request_limit_period: requests.map(|r| r.1),
            usage_limit: tokens.map(|t| t.0),
            usage_limit_period: tokens.map(|t| t.1),
        };
        self.change_limits(region, workspace_id, change, note).await
    }

    /// Removes a workspace's own limit of `model`: the account's applies.
    pub async fn model_limit_clear(
        &self,
        region: RegionId,
        workspace_id: &str,
        model: &str,
    ) -> Result<Vec<ModelLimitView>> {
        let change = WorkspaceLimitChange {
            model: Some(model.to_string()),
            operation_type: Some(LIMIT_DELETE.into()),
            ..Default::default()
        };
        let note = format!("{model} in {workspace_id}: removed");
        self.change_limits(region, workspace_id, change, note).await
    }

    /// Sends one change, audited, and answers the model's limits in the
    /// workspace as the server has them after it.
    async fn change_limits(
        &self,
        region: RegionId,
        workspace_id: &str,
        change: WorkspaceLimitChange,
        note: String,
    ) -> Result<Vec<ModelLimitView>> {
        let model = change.model.clone().unwrap_or_default();
        let profile = self.acting_profile().await?;
        let client = self.client_for(&profile, region).await?;
        let request = UpdateModelLimitsRequest {
            workspace_id: Some(workspace_id.to_string()),
            workspace_limits: vec![change],
        };
        let what = Audited::new("model_limits", &profile)
            .region(region)
            .note(note);
        self.audited(what, || client.update_model_limits(&request))
            .await?;
        let after = self
            .model_limits(region, Some(workspace_id.to_string()))
            .await?;
        Ok(after
            .into_iter()
            .filter(|l| is_row_of(l, workspace_id, &model))
            .collect())
    }

    /// The workspace `workspace_id` names, or the region's default one.
    pub async fn workspace_or_default(
        &self,
        region: RegionId,
        workspace_id: Option<&str>,
    ) -> Result<WorkspaceView> {
        self.workspaces_list(region)
            .await?
            .into_iter()
            .find(|w| match workspace_id {
                Some(id) => w.workspace_id == id,
                None => w.is_default,
            })
            .ok_or_else(|| Error::new(ErrorCode::NotFound).with_reason("workspace_not_found"))
    }

    pub async fn workspace_create(
        &self,
        region: RegionId,
        name: String,
        service_site: Option<String>,
    ) -> Result<WorkspaceView> {
        let client = self.acting_client(region).await?;
        let made = client
            .create_workspace(&CreateWorkspaceRequest {
                workspace_name: name,
                service_site,
            })
            .await?;
        Ok(workspace_views(region, std::slice::from_ref(&made)).remove(0))
    }

    /// Refused with `Conflict` and the server's reasons while keys are inside
    /// or for the default workspace.
    pub async fn workspace_delete(&self, region: RegionId, workspace_id: String) -> Result<()> {
        let client = self.acting_client(region).await?;
        client.delete_workspace(&workspace_id).await
    }
}

impl LimitsReadOnlyReason {
    fn catalog_key(self) -> &'static str {
        match self {
            LimitsReadOnlyReason::DefaultWorkspace => "limits_read_only.default_workspace",
            LimitsReadOnlyReason::RamUser => "limits_read_only.ram_user",
        }
    }
}

/// A limit the console would refuse: under one, over another period than a
/// minute, an hour or a day, or above the account's `account` (count, period)
/// scaled to the limit's period.
fn check_rate(field: &str, rate: Option<(i64, i64)>, account: Option<(i64, i64)>) -> Result<()> {
    let Some((count, period)) = rate else {
        return Ok(());
    };
    let text = rules::rate_text(count, period);
    if count < 1 || !rules::is_limit_period(period) {
        return Err(Error::invalid_input(field, &text, "limit_rate_invalid"));
    }
    if let Some((limit, per)) = account.filter(|(_, per)| *per > 0) {
        let most = limit * period / per;
        if count > most {
            return Err(Error::invalid_input(field, &text, "limit_above_account")
                .with_param("most", most.to_string()));
        }
    }
    Ok(())
}

/// A ListModelLimits row is `model`'s in `workspace_id` (an answer may hold other workspaces' rows).
fn is_row_of(row: &ModelLimitView, workspace_id: &str, model: &str) -> bool {
    row.model == model && row.workspace_id.as_deref() == Some(workspace_id)
}

#[cfg(test)]
mod tests {
    use super::check_rate;

    #[test]
    fn a_limit_above_the_accounts_for_its_period_is_refused_before_sending() {
        let account = Some((1_200, 60));
        assert!(check_rate("requests", Some((1_200, 60)), account).is_ok());
        assert!(check_rate("requests", Some((72_000, 3_600)), account).is_ok());
        let e = check_rate("requests", Some((72_001, 3_600)), account).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("limit_above_account"));
        assert!(
            e.params.contains(&("most".into(), "72000".into())),
            "{:?}",
            e.params
        );
        let e = check_rate("requests", Some((0, 60)), account).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("limit_rate_invalid"));
        assert!(
            check_rate("tokens", Some((5, 30)), None).is_err(),
            "not a period"
        );
        assert!(check_rate("tokens", None, account).is_ok());
    }
}
