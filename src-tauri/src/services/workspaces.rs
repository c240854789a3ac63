//! Workspaces and the models they may call, in one region.

use super::convert::{model_limit_views, model_views, workspace_views};
use super::views::{ModelLimitView, ModelView, WorkspaceView};
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
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
