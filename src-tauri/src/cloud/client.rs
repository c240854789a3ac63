//! The typed Model Studio client: one method per action.
//!
//! Reads, Update, Disable and Enable are repeated on passing problems (each
//! sends the whole state, so sending it again is harmless) and, when every
//! answer was lost, confirmed by reading the key. Create, Reset and Delete,
//! whose outcome can be lost in transit, are resolved in `reconcile.rs`.

use super::endpoint::{is_official, parse_endpoint};
use super::errors;
use super::errors::{missing, outcome_unknown};
use super::retry::{is_transient, ReconcilePolicy, RetryPolicy};
use super::transport::{http_for, system_clock, AttemptError, Clock, Credentials, Transport};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::protocol::codec::Pairs;
use crate::protocol::requests::*;
use crate::protocol::wire::*;
use serde::de::DeserializeOwned;

/// A key just created: the full value is here and nowhere else.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub api_key_id: i64,
    pub value: Secret,
    pub workspace_id: Option<String>,
    pub description: Option<String>,
    pub created_by: Option<String>,
    pub gmt_create: Option<i64>,
    /// Set when the first answer was lost and the value came from a second try.
    pub recovered: Option<Recovered>,
}

/// How a value came back when its first answer was lost (see `reconcile.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    /// The Reset's answer was lost; the key was reset once more.
    ResetRepeated,
    /// The Create's answer was lost; the key it made was found and reset.
    CreateFound,
}

/// Pages are fetched until `nextToken` runs out, but never more than this.
const MAX_PAGES: usize = 1000;

#[derive(Clone)]
pub struct Client {
    pub(crate) transport: Transport,
    region: RegionId,
    retry: RetryPolicy,
    reconcile: ReconcilePolicy,
}

impl Client {
    /// A client for `region`, at its public endpoint or at `endpoint` if given.
    pub fn new(region: RegionId, credentials: Credentials, endpoint: Option<&str>) -> Result<Self> {
        let region_sts = parse_endpoint(&format!("https://{}", region.info().sts_host))?;
        let (base, sts_base) = match endpoint {
            // An official override (a VPC endpoint, say) is still the cloud:
            // STS is the region's. Anything else is a sandbox, which answers STS too.
            Some(e) => {
                let base = parse_endpoint(e)?;
                let sts = if is_official(&base) {
                    region_sts
                } else {
                    base.clone()
                };
                (base, sts)
            }
            None => (
                parse_endpoint(&format!("https://{}", region.info().openapi_host))?,
                region_sts,
            ),
        };
        if credentials.access_key_id.trim().is_empty() || credentials.access_key_secret.is_empty() {
            return Err(
                Error::new(ErrorCode::InvalidCredentials).with_reason("credentials_missing")
            );
        }
        Ok(Client {
            transport: Transport {
                http: http_for(&base)?,
                base,
                sts_base,
                credentials,
                clock: system_clock(),
            },
            region,
            retry: RetryPolicy::default(),
            reconcile: ReconcilePolicy::default(),
        })
    }

    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.transport.http = http;
        self
    }
    /// Sign with another notion of "now" (tests: clock skew).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.transport.clock = clock;
        self
    }
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// How long a Create whose answer was lost is looked for (tests: shorter).
    pub fn with_reconcile(mut self, reconcile: ReconcilePolicy) -> Self {
        self.reconcile = reconcile;
        self
    }
    pub(crate) fn reconcile_policy(&self) -> &ReconcilePolicy {
        &self.reconcile
    }
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The AccessKey id this client signs with (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.transport.credentials.access_key_id
    }
    pub fn region(&self) -> RegionId {
        self.region
    }
    pub fn endpoint(&self) -> &url::Url {
        &self.transport.base
    }

    /// One attempt, answer parsed. `maybe_applied` is set when the server may
    /// have acted but its answer was lost or unreadable.
    pub(crate) async fn once<T: DeserializeOwned>(
        &self,
        action: Action,
        id: &str,
        query: &Pairs,
        form: &Pairs,
    ) -> std::result::Result<T, AttemptError> {
        let raw = self.transport.send(action, id, query, form).await?;
        if raw.status >= 400 {
            let error = errors::from_error_response(raw.status, raw.request_id, &raw.body);
            return Err(AttemptError {
                maybe_applied: errors::error_may_follow_apply(action, raw.status, &error),
                error,
                retry_after: raw.retry_after,
            });
        }
        let lost = |error| AttemptError {
            error,
            maybe_applied: true,
            retry_after: None,
        };
        let envelope: Envelope = serde_json::from_slice(&raw.body).map_err(|e| {
            lost(errors::bad_body(
                raw.status,
                raw.request_id.clone(),
                &raw.body,
                &e,
            ))
        })?;
        if envelope.success == Some(false) {
            return Err(AttemptError {
                error: errors::from_error_response(
                    envelope
                        .http_status_code
                        .map(|s| s as u16)
                        .unwrap_or(raw.status)
                        .max(400),
                    envelope.request_id.or(raw.request_id),
                    &raw.body,
                ),
                maybe_applied: false,
                retry_after: None,
            });
        }
        serde_json::from_slice(&raw.body)
            .map_err(|e| lost(errors::bad_body(raw.status, raw.request_id, &raw.body, &e)))
    }

    /// Repeat `once` on passing problems. `done_if` turns an error seen on a
    /// RETRY into success (e.g. "already disabled" after a lost first answer).
    pub(super) async fn retried<T: DeserializeOwned + Default>(
        &self,
        action: Action,
        id: &str,
        query: &Pairs,
        form: &Pairs,
        done_if: Option<&str>,
    ) -> Result<T> {
        self.attempts(action, id, query, form, done_if)
            .await
            .map_err(|f| f.error)
    }

    /// `retried`, keeping the last failure; its `maybe_applied` is set if
    /// ANY attempt may have reached the server.
    pub(crate) async fn attempts<T: DeserializeOwned + Default>(
        &self,
        action: Action,
        id: &str,
        query: &Pairs,
        form: &Pairs,
        done_if: Option<&str>,
    ) -> std::result::Result<T, AttemptError> {
        let mut attempt = 1;
        let mut maybe_applied = false;
        loop {
            match self.once::<T>(action, id, query, form).await {
                Ok(v) => return Ok(v),
                Err(mut failed) => {
                    if let Some(code) = done_if {
                        if attempt > 1 && failed.error.details.server_code.as_deref() == Some(code)
                        {
                            return Ok(T::default());
                        }
                    }
                    maybe_applied |= failed.maybe_applied;
                    if attempt >= self.retry.max_attempts || !is_transient(&failed.error) {
                        failed.maybe_applied = maybe_applied;
                        return Err(failed);
                    }
                    log::debug!(
                        "{} attempt {attempt} failed: {}",
                        action.name(),
                        failed.error.code
                    );
                    tokio::time::sleep(self.retry.delay(attempt, failed.retry_after)).await;
                    attempt += 1;
                }
            }
        }
    }

    /// A call that is not repeated; a lost answer becomes `OutcomeUnknown`.
    async fn single<T: DeserializeOwned>(
        &self,
        action: Action,
        id: &str,
        query: &Pairs,
        form: &Pairs,
    ) -> Result<T> {
        self.once(action, id, query, form).await.map_err(|f| {
            if f.maybe_applied {
                outcome_unknown("outcome_unknown_refresh", f.error)
            } else {
                f.error
            }
        })
    }

    // ---- API keys ----

    pub async fn list_api_keys_page(
        &self,
        request: &ListApiKeysRequest,
    ) -> Result<ListApiKeysResponseBody> {
        self.retried(Action::ListApiKeys, "", &request.query(), &vec![], None)
            .await
    }

    /// Every key matching `request`, following `nextToken` to the last page.
    pub async fn list_api_keys(&self, request: &ListApiKeysRequest) -> Result<Vec<ApiKey>> {
        all_pages(request.next_token.clone(), |next_token| async move {
            let req = ListApiKeysRequest {
                next_token,
                ..request.clone()
            };
            let page = self.list_api_keys_page(&req).await?;
            Ok((page.api_keys.unwrap_or_default(), page.next_token))
        })
        .await
    }

    pub async fn get_api_key(&self, api_key_id: i64) -> Result<ApiKey> {
        let body: GetApiKeyResponseBody = self
            .retried(
                Action::GetApiKey,
                &api_key_id.to_string(),
                &vec![],
                &vec![],
                None,
            )
            .await?;
        body.api_key.ok_or_else(|| missing("apiKey"))
    }

    pub async fn disable_api_key(&self, api_key_id: i64) -> Result<()> {
        self.set_enabled(Action::DisableApiKey, api_key_id, "ApiKey.AlreadyDisabled")
            .await
    }

    pub async fn enable_api_key(&self, api_key_id: i64) -> Result<()> {
        self.set_enabled(Action::EnableApiKey, api_key_id, "ApiKey.AlreadyEnabled")
            .await
    }

    /// Disable and Enable are idempotent, so they are retried; the server's
    /// "already in that state" answer means a lost earlier attempt landed.
    /// When no answer arrives at all, the key's state says how it ended.
    async fn set_enabled(&self, action: Action, api_key_id: i64, done: &str) -> Result<()> {
        let failed = match self
            .attempts::<Envelope>(
                action,
                &api_key_id.to_string(),
                &vec![],
                &vec![],
                Some(done),
            )
            .await
        {
            Ok(_) => return Ok(()),
            Err(f) => f,
        };
        if !failed.maybe_applied && !is_transient(&failed.error) {
            return Err(failed.error);
        }
        let want_disabled = action == Action::DisableApiKey;
        match self.get_api_key(api_key_id).await {
            Ok(key) if (key.disabled == Some(1)) == want_disabled => Ok(()),
            // The state is known: unchanged. The error says why.
            Ok(_) => Err(failed.error),
            // A lost answer, or a server failure that may follow the change,
            // and the key could not be read: nobody knows.
            Err(_) if failed.maybe_applied || failed.error.code == ErrorCode::Server => {
                Err(outcome_unknown("outcome_unknown_refresh", failed.error))
            }
            Err(_) => Err(failed.error),
        }
    }

    /// The id STS gives the identity this client signs as: what Model Studio
    /// records as `createdBy` on the keys it creates.
    pub async fn caller_identity(&self) -> Result<String> {
        let body: CallerIdentityBody = self
            .retried(Action::GetCallerIdentity, "", &vec![], &vec![], None)
            .await?;
        body.user_id
            .or(body.principal_id)
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| missing("UserId"))
    }

    // ---- workspaces and models ----

    pub async fn list_workspaces(&self, request: &ListWorkspacesRequest) -> Result<Vec<Workspace>> {
        all_pages(request.next_token.clone(), |next_token| async move {
            let req = ListWorkspacesRequest {
                next_token,
                ..request.clone()
            };
            let page: ListWorkspacesResponseBody = self
                .retried(Action::ListWorkspaces, "", &req.query(), &vec![], None)
                .await?;
            Ok((page.workspaces.unwrap_or_default(), page.next_token))
        })
        .await
    }

    pub async fn create_workspace(&self, request: &CreateWorkspaceRequest) -> Result<Workspace> {
        let body: CreateWorkspaceResponseBody = self
            .single(Action::CreateWorkspace, "", &request.query(), &vec![])
            .await?;
        body.workspace.ok_or_else(|| missing("workspace"))
    }

    /// Deletes a workspace; when the server refuses (keys inside, the default
    /// one) the error is `Conflict` and carries the server's reasons.
    pub async fn delete_workspace(&self, workspace_id: &str) -> Result<()> {
        let body: DeleteWorkspaceResponseBody = self
            .single(Action::DeleteWorkspace, workspace_id, &vec![], &vec![])
            .await?;
        if body.is_deleted == Some(false) {
            let reasons: Vec<String> = body
                .fail_reasons
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    format!(
                        "{}: {}",
                        r.resource_type.unwrap_or_default(),
                        r.reason.unwrap_or_default()
                    )
                })
                .collect();
            return Err(Error::new(ErrorCode::Conflict)
                .with_reason("workspace_not_deleted")
                .with_param("reasons", reasons.join("; "))
                .with_technical(reasons.join("; "))
                .with_server(body.envelope.code, body.envelope.request_id, None));
        }
        Ok(())
    }

    pub async fn list_model_permissions(
        &self,
        request: &ListModelPermissionsRequest,
    ) -> Result<Vec<ModelPermission>> {
        all_pages(request.next_token.clone(), |next_token| async move {
            let req = ListModelPermissionsRequest {
                next_token,
                ..request.clone()
            };
            let page: ListModelPermissionsResponseBody = self
                .retried(
                    Action::ListModelPermissions,
                    "",
                    &req.query(),
                    &vec![],
                    None,
                )
                .await?;
            Ok((page.list.unwrap_or_default(), page.next_token))
        })
        .await
    }

    /// The models a workspace may call: what the access-scope picker offers.
    pub async fn authorized_models(&self, workspace_id: &str) -> Result<Vec<ModelPermission>> {
        self.list_model_permissions(&ListModelPermissionsRequest {
            workspace_id: workspace_id.to_string(),
            authorization_scope: Some(SCOPE_AUTHORIZED.into()),
            model_action: Some(MODEL_ACTION_INFERENCE.into()),
            ..Default::default()
        })
        .await
    }
}
/// Follows `nextToken` from `first` to the last page; `fetch` returns a page's
/// items and its `nextToken`. A server that repeats a token or never stops is
/// a bad answer, not an endless loop.
pub(super) async fn all_pages<T, F, Fut>(first: Option<String>, mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>)>>,
{
    let mut token = first;
    let mut out = Vec::new();
    for _ in 0..MAX_PAGES {
        let (items, next) = fetch(token.clone()).await?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            Some(t) if Some(&t) != token.as_ref() => token = Some(t),
            _ => return Ok(out),
        }
    }
    Err(Error::new(ErrorCode::BadResponse).with_reason("paging_runaway"))
}
