//! A key's permissions (`auth`): the console rules for type, whitelist and
//! model scope, and the form the server stores them in.

use super::super::apierror::ApiError;
use super::workspaces;
use crate::domain::regions::RegionId;
use crate::domain::rules;
use crate::protocol::wire::{self, Auth};
use rusqlite::Transaction;

/// Permissions as the server keeps them (whitelist already defaulted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuth {
    pub auth_type: String,
    pub access_ips: Vec<String>,
    pub allow_all_models: bool,
    pub accessible_models: Vec<String>,
}

impl StoredAuth {
    pub fn all() -> Self {
        StoredAuth {
            auth_type: wire::AUTH_TYPE_ALL.into(),
            access_ips: Vec::new(),
            allow_all_models: true,
            accessible_models: Vec::new(),
        }
    }

    pub fn to_wire(&self) -> Auth {
        let custom = self.auth_type == wire::AUTH_TYPE_CUSTOM;
        Auth {
            access_ips: custom.then(|| self.access_ips.clone()),
            model_access_scope: Some(wire::ModelAccessScope {
                accessible_models: (!self.allow_all_models).then(|| self.accessible_models.clone()),
                allow_all_models: Some(self.allow_all_models),
            }),
            auth_type: Some(self.auth_type.clone()),
        }
    }
}

/// Parses one whitelist entry: an address (as a host-sized block) or a CIDR block.
pub fn parse_ip_entry(entry: &str) -> Option<ipnet::IpNet> {
    let entry = entry.trim();
    entry.parse::<ipnet::IpNet>().ok().or_else(|| {
        entry
            .parse::<std::net::IpAddr>()
            .ok()
            .map(ipnet::IpNet::from)
    })
}

/// Applies the console's permission rules for `region` and the key's workspace.
pub fn resolve_auth(
    tx: &Transaction,
    region: RegionId,
    workspace_id: &str,
    auth: Option<&Auth>,
) -> Result<StoredAuth, ApiError> {
    let info = region.info();
    let Some(auth) = auth else {
        return Ok(StoredAuth::all());
    };
    let custom = match auth.auth_type.as_deref().map(str::trim) {
        None | Some("") if auth.access_ips.is_none() && auth.model_access_scope.is_none() => false,
        None | Some("") => return Err(ApiError::missing("auth.type")),
        Some(t) if t == wire::AUTH_TYPE_ALL => false,
        Some(t) if t == wire::AUTH_TYPE_CUSTOM => true,
        Some(t) => {
            return Err(ApiError::invalid(
                "auth.type",
                format!("'{t}' is not All or Custom"),
            ))
        }
    };
    if !custom {
        // All: every model, every address; whitelist and scope do not apply.
        return Ok(StoredAuth::all());
    }
    if !info.custom_permissions {
        return Err(ApiError::custom_not_supported(region.as_str()));
    }
    let ips: Vec<String> = auth
        .access_ips
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    // The same rules the app applies before sending (crate::domain::rules), answered as the server would.
    let ips = rules::normalize_access_ips(&ips, info).map_err(|e| {
        let entry = e
            .params
            .iter()
            .find(|(k, _)| k == "value")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        match e.reason.as_deref() {
            Some("ip_too_many") => ApiError::too_many_ips(rules::MAX_ACCESS_IPS),
            Some("ipv6_not_in_region") => ApiError::ipv6_not_supported(region.as_str(), &entry),
            Some("ip_duplicate") => ApiError::new(
                400,
                "InvalidParameter.AccessIps",
                format!("The whitelist entry '{entry}' is given twice."),
            ),
            _ => ApiError::bad_ip(&entry),
        }
    })?;
    let access_ips = if ips.is_empty() {
        // Empty means all traffic, written out the way the console stores it.
        let mut all = vec!["0.0.0.0/0".to_string()];
        if info.ipv6_whitelist {
            all.push("::/0".into());
        }
        all
    } else {
        ips
    };
    let scope = auth.model_access_scope.clone().unwrap_or_default();
    let allow_all_models = scope.allow_all_models.unwrap_or(true);
    let mut accessible_models = Vec::new();
    if !allow_all_models {
        let models = scope.accessible_models.unwrap_or_default();
        if models.iter().all(|m| m.trim().is_empty()) {
            return Err(ApiError::missing("auth.modelAccessScope.accessibleModels"));
        }
        for model in models.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
            if !workspaces::model_authorized(tx, workspace_id, model)? {
                return Err(ApiError::model_not_authorized(model));
            }
            if !accessible_models.iter().any(|m| m == model) {
                accessible_models.push(model.to_string());
            }
        }
    }
    Ok(StoredAuth {
        auth_type: wire::AUTH_TYPE_CUSTOM.into(),
        access_ips,
        allow_all_models,
        accessible_models,
    })
}
