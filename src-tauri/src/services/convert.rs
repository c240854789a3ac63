//! Wire types to views, in one place: the faces (the app and `skm --json`)
//! print views, never wire types.

use super::views::{KeyView, LimitView, ModelLimitView, ModelView, SavedState, WorkspaceView};
use crate::domain::keyformat::KeyFormat;
use crate::domain::regions::RegionId;
use crate::protocol::limits::{LimitValues, ModelLimit};
use crate::protocol::wire::{self, ApiKey, Auth};
use crate::storage::saved_keys::SavedKeyRecord;

pub fn key_view(
    k: &ApiKey,
    region: RegionId,
    saved: Option<&SavedKeyRecord>,
    review_by: Option<&str>,
) -> KeyView {
    // Never more than the server's own mask, even if a server sent a full value.
    let masked_value = k
        .api_key_value
        .as_deref()
        .map(crate::domain::keyformat::display_server_value)
        .unwrap_or_default();
    let format = KeyFormat::of_masked(&masked_value);
    KeyView {
        api_key_id: k.api_key_id.unwrap_or_default().to_string(),
        region,
        masked_value,
        format,
        legacy: format == KeyFormat::Legacy,
        description: k.description.clone().unwrap_or_default(),
        workspace_id: k.workspace_id.clone().unwrap_or_default(),
        workspace_name: k.workspace_name.clone(),
        created_by: k.created_by.clone(),
        created_at: k.gmt_create.map(|t| t as f64),
        enabled: k.disabled.unwrap_or(0) == 0,
        permission: Auth::permission(k.auth.as_ref()),
        saved: match saved {
            None => SavedState::NotSaved,
            Some(r) if r.stale => SavedState::Stale,
            Some(_) => SavedState::Saved,
        },
        review_by: review_by.map(str::to_owned),
        review_due: review_by.is_some_and(|d| {
            crate::storage::review_dates::is_due(d, chrono::Local::now().date_naive())
        }),
    }
}

/// `is_default`: the server has no flag; the default workspace is the one
/// whose id is `default` style or, failing that, the oldest one.
/// Workspaces as shown; an `apiHost` that is not one of `region`'s workspace
/// hosts is dropped (the region's shared host is used instead).
pub fn workspace_views(region: RegionId, list: &[wire::Workspace]) -> Vec<WorkspaceView> {
    let oldest = list
        .iter()
        .filter(|w| w.workspace_id.is_some())
        .min_by_key(|w| w.gmt_create.unwrap_or(i64::MAX))
        .and_then(|w| w.workspace_id.clone());
    let named_default = list.iter().find_map(|w| {
        let id = w.workspace_id.as_deref()?;
        let name = w.workspace_name.as_deref().unwrap_or("");
        (id.contains("default")
            || name.eq_ignore_ascii_case("default workspace")
            || name == "默认业务空间")
            .then(|| id.to_owned())
    });
    let default_id = named_default.or(oldest);
    list.iter()
        .filter_map(|w| {
            let id = w.workspace_id.clone()?;
            Some(WorkspaceView {
                is_default: Some(&id) == default_id.as_ref(),
                workspace_name: w.workspace_name.clone().unwrap_or_else(|| id.clone()),
                workspace_id: id,
                api_host: w
                    .api_host
                    .as_deref()
                    .and_then(|h| region.trusted_workspace_host(h))
                    .map(str::to_owned),
            })
        })
        .collect()
}

pub fn model_views(list: &[wire::ModelPermission]) -> Vec<ModelView> {
    list.iter()
        .filter_map(|m| {
            let model = m.model.clone()?;
            Some(ModelView {
                name: m.name.clone().unwrap_or_else(|| model.clone()),
                model,
            })
        })
        .collect()
}

fn limit_view(l: &LimitValues) -> LimitView {
    LimitView {
        request_limit: l.request_limit,
        request_limit_period: l.request_limit_period,
        usage_limit: l.usage_limit,
        usage_limit_field: l.usage_limit_field.clone(),
        usage_limit_period: l.usage_limit_period,
    }
}

pub fn model_limit_views(list: &[ModelLimit]) -> Vec<ModelLimitView> {
    list.iter()
        .filter_map(|l| {
            Some(ModelLimitView {
                model: l.model.clone()?,
                name: l.name.clone(),
                workspace_id: l.workspace_id.clone(),
                model_limit: l.model_limit.as_ref().map(limit_view),
                workspace_limit: l.workspace_limit.as_ref().map(limit_view),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_flag_and_id_become_what_the_list_shows() {
        let k = ApiKey {
            api_key_id: Some(9_007_199_254_740_993),
            disabled: Some(1),
            ..Default::default()
        };
        let v = key_view(&k, RegionId::CnBeijing, None, None);
        assert_eq!(
            v.api_key_id, "9007199254740993",
            "ids are strings: no float rounding"
        );
        assert!(!v.enabled);
        assert_eq!(v.saved, SavedState::NotSaved);
    }
}
