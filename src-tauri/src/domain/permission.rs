//! A key's permission block as the app thinks of it: All, or Custom with an
//! IP whitelist and a model scope. The wire's `auth` block converts into it
//! (`protocol::wire`), the rules validate it (`domain::rules`), and the
//! screens show it as it is (an IPC type).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum PermissionType {
    All,
    Custom,
}

/// A key's `auth` block as the edit dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(rename = "type")]
    pub kind: PermissionType,
    pub access_ips: Vec<String>,
    pub allow_all_models: bool,
    pub accessible_models: Vec<String>,
}

impl Permission {
    /// All permissions: any IP, every model of the workspace.
    pub fn all() -> Self {
        Permission {
            kind: PermissionType::All,
            access_ips: vec![],
            allow_all_models: true,
            accessible_models: vec![],
        }
    }
}
