//! Workspaces and the models they may call, in one region.

use super::audit::Audited;
use super::convert::{model_limit_views, model_views, workspace_views};
use super::views::{ModelLimitView, ModelView, WorkspaceView};
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
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

    /// Sets a workspace's own limit of `model`: `requests` and `tokens` as
    /// (count, period in seconds). What is not given keeps the workspace's
    /// current value (the API replaces the whole limit: the rest is sent
    /// again). Returns the model's limits in the workspace after the change.
    pub async fn model_limit_set(
        &self,
        region: RegionId,
        workspace_id: &str,
        model: &str,
        requests: Option<(i64, i64)>,
        tokens: Option<(i64, i64)>,
    ) -> Result<Vec<ModelLimitView>> {
        if requests.is_none() && tokens.is_none() {
            return Err(Error::new(ErrorCode::InvalidInput).with_reason("limits_nothing_to_set"));
        }
        let before = self
            .model_limits(region, Some(workspace_id.to_string()))
            .await?;
        let own = before
            .into_iter()
            .find(|l| is_row_of(l, workspace_id, model))
            .and_then(|l| l.workspace_limit)
            .unwrap_or_default();
        let keep = |given: Option<(i64, i64)>, count: Option<i64>, period: Option<i64>| {
            given.or(count.zip(period))
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

/// A ListModelLimits row is `model`'s in `workspace_id` (an answer may hold other workspaces' rows).
fn is_row_of(row: &ModelLimitView, workspace_id: &str, model: &str) -> bool {
    row.model == model && row.workspace_id.as_deref() == Some(workspace_id)
}
