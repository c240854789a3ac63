//! Operations that talk to Model Studio (the cloud or the sandbox) through
//! the client.

use super::views::{
    ConnectionReport, CreateKeyInput, KeyPage, KeyView, ModelView, OneTimeKey, TempKeyView,
    UpdateKeyInput, VerifyResult, WorkspaceView,
};
use super::Studio;
use crate::error::{Error, ErrorCode, Result};
use crate::regions::RegionId;

fn pending() -> Error {
    Error::new(ErrorCode::Unsupported).with_technical("the Model Studio client is not wired yet")
}

impl Studio {
    pub async fn keys_list(
        &self,
        _region: RegionId,
        _workspace: Option<String>,
    ) -> Result<KeyPage> {
        Err(pending())
    }
    pub async fn key_create(&self, _input: CreateKeyInput) -> Result<OneTimeKey> {
        Err(pending())
    }
    pub async fn key_reset(&self, _region: RegionId, _api_key_id: String) -> Result<OneTimeKey> {
        Err(pending())
    }
    pub async fn key_update(&self, _input: UpdateKeyInput) -> Result<KeyView> {
        Err(pending())
    }
    pub async fn key_set_enabled(&self, _r: RegionId, _id: String, _enabled: bool) -> Result<()> {
        Err(pending())
    }
    pub async fn key_delete(&self, _region: RegionId, _api_key_id: String) -> Result<()> {
        Err(pending())
    }
    pub async fn key_verify(&self, _region: RegionId, _api_key_id: String) -> Result<VerifyResult> {
        Err(pending())
    }
    pub async fn temp_key_create(
        &self,
        _r: RegionId,
        _id: String,
        _ttl: u32,
    ) -> Result<TempKeyView> {
        Err(pending())
    }
    pub async fn workspaces_list(&self, _region: RegionId) -> Result<Vec<WorkspaceView>> {
        Err(pending())
    }
    pub async fn models_authorized(&self, _r: RegionId, _ws: String) -> Result<Vec<ModelView>> {
        Err(pending())
    }
    pub async fn profile_test(&self, _profile_id: String) -> Result<ConnectionReport> {
        Err(pending())
    }
}
