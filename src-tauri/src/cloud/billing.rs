//! Billing and limits: reads, repeated on passing problems like every read.
//!
//! Costs are a permission of their own: an identity that manages keys may
//! still not read the bill. Such a refusal keeps its `Forbidden` class (exit
//! status, UI branch) but carries the `billing_forbidden` reason, whose words
//! say that the account's keys are unaffected.

use super::client::{all_pages, Client};
use super::errors::missing;
use crate::domain::error::{ErrorCode, Result};
use crate::protocol::billing::*;
use crate::protocol::limits::{
    ListModelLimitsRequest, ListModelLimitsResponseBody, ModelLimit, UpdateModelLimitsRequest,
    UpdateModelLimitsResponseBody,
};
use crate::protocol::Action;

/// A billing refusal in plain words; other errors pass unchanged.
fn billing_error(e: crate::Error) -> crate::Error {
    if e.code == ErrorCode::Forbidden {
        e.with_reason("billing_forbidden")
    } else {
        e
    }
}

impl Client {
    pub async fn get_billing_trend(
        &self,
        request: &GetBillingTrendRequest,
    ) -> Result<BillingTrendData> {
        let body: GetBillingTrendResponseBody = self
            .retried(Action::GetBillingTrend, "", &request.query(), &vec![], None)
            .await
            .map_err(billing_error)?;
        body.data.ok_or_else(|| missing("data"))
    }

    pub async fn get_billing_overview(
        &self,
        request: &GetBillingOverviewRequest,
    ) -> Result<BillingOverviewData> {
        let body: GetBillingOverviewResponseBody = self
            .retried(
                Action::GetBillingOverview,
                "",
                &request.query(),
                &vec![],
                None,
            )
            .await
            .map_err(billing_error)?;
        body.data.ok_or_else(|| missing("data"))
    }

    /// Every limit matching `request`, following `nextToken` to the last page.
    /// Sets, replaces or removes a workspace's own limits (one request for
    /// all `workspace_limits`). Repeating it changes nothing more, so a lost
    /// answer is asked again.
    pub async fn update_model_limits(&self, request: &UpdateModelLimitsRequest) -> Result<()> {
        let _: UpdateModelLimitsResponseBody = self
            .retried(
                Action::UpdateModelLimits,
                "",
                &vec![],
                &request.form(),
                None,
            )
            .await?;
        Ok(())
    }

    pub async fn list_model_limits(
        &self,
        request: &ListModelLimitsRequest,
    ) -> Result<Vec<ModelLimit>> {
        all_pages(request.next_token.clone(), |next_token| async move {
            let req = ListModelLimitsRequest {
                next_token,
                ..request.clone()
            };
            let page: ListModelLimitsResponseBody = self
                .retried(Action::ListModelLimits, "", &req.query(), &vec![], None)
                .await?;
            Ok((page.limits.unwrap_or_default(), page.next_token))
        })
        .await
    }
}
