//! Values Rust holds for the UI by handle: the one-time key after Create or
//! Reset (until the dialog closes) and temporary keys (until they expire).
//! The webview only ever sees the handle (and, once, the one-time value).

use crate::domain::regions::RegionId;
use crate::domain::secret::Secret;
use crate::storage::vault::KeyRef;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Held {
    pub key: KeyRef,
    pub region: RegionId,
    /// The key's workspace, to look its host up when a file is exported.
    pub workspace_id: Option<String>,
    /// The workspace's inference host, when already known.
    pub workspace_api_host: Option<String>,
    pub value: Secret,
    /// Unix seconds after which a temporary key is useless; `None` for one-time keys.
    pub expires_at: Option<i64>,
}

#[derive(Debug, Default)]
pub struct HeldValues {
    map: Mutex<HashMap<String, Held>>,
}

impl HeldValues {
    /// Hold `held`; values past their time are dropped on the way, so a
    /// value nobody asks for again does not stay in memory until the next get.
    pub fn insert(&self, held: Held) -> String {
        let handle = uuid::Uuid::new_v4().simple().to_string();
        let mut map = self.lock();
        prune(&mut map);
        map.insert(handle.clone(), held);
        handle
    }

    /// The value under `handle`, if it is still held (expired values are dropped).
    pub fn get(&self, handle: &str) -> Option<Held> {
        let mut map = self.lock();
        prune(&mut map);
        map.get(handle).cloned()
    }

    /// Drop the value (zeroized as the `Secret` is dropped).
    pub fn remove(&self, handle: &str) -> bool {
        self.lock().remove(handle).is_some()
    }

    /// Drop every held value of `key` (after a reset or delete they are worthless).
    pub fn remove_key(&self, key: &KeyRef) {
        self.lock().retain(|_, h| &h.key != key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Drop every value past its `expires_at` (zeroized as its `Secret` drops).
fn prune(map: &mut HashMap<String, Held>) {
    let now = chrono::Utc::now().timestamp();
    map.retain(|_, h| h.expires_at.is_none_or(|t| t > now));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::vault::KeyScope;

    fn held(expires_at: Option<i64>) -> Held {
        Held {
            key: KeyRef::new(KeyScope::Sandbox, RegionId::CnBeijing, 1),
            region: RegionId::CnBeijing,
            workspace_id: None,
            workspace_api_host: None,
            value: Secret::new("sk-ws-held"),
            expires_at,
        }
    }

    #[test]
    fn expired_values_are_dropped_when_another_is_held() {
        let values = HeldValues::default();
        let past = chrono::Utc::now().timestamp() - 1;
        values.insert(held(Some(past)));
        values.insert(held(Some(past)));
        assert_eq!(values.len(), 1, "the first expired value is gone already");
        let kept = values.insert(held(None));
        assert_eq!(values.len(), 1, "only the live one is held");
        assert!(values.get(&kept).is_some());
    }
}
