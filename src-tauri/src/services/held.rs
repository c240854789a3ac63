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
    pub fn insert(&self, held: Held) -> String {
        let handle = uuid::Uuid::new_v4().simple().to_string();
        self.lock().insert(handle.clone(), held);
        handle
    }

    /// The value under `handle`, if it is still held (expired temporary keys are dropped).
    pub fn get(&self, handle: &str) -> Option<Held> {
        let now = chrono::Utc::now().timestamp();
        let mut map = self.lock();
        map.retain(|_, h| h.expires_at.is_none_or(|t| t > now));
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
}
