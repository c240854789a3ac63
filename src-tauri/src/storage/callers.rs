//! Who each AccessKey is, as Model Studio records it on the keys it makes
//! (`createdBy`): learned from keys this computer created, so that a Create
//! whose answer was lost can recognise its key without asking STS. Ids only.

use super::profiles::file::write_json_atomic;
use crate::domain::error::Result;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct CallerIds {
    path: PathBuf,
}

impl CallerIds {
    pub fn new(path: PathBuf) -> Self {
        CallerIds { path }
    }

    fn read(&self) -> BTreeMap<String, String> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default()
    }

    /// The `createdBy` of keys made with `signer` (host and AccessKey id).
    pub fn get(&self, signer: &str) -> Option<String> {
        self.read().remove(signer)
    }

    pub fn remember(&self, signer: &str, caller: &str) -> Result<()> {
        let mut all = self.read();
        if all.get(signer).map(String::as_str) == Some(caller) {
            return Ok(());
        }
        all.insert(signer.to_owned(), caller.to_owned());
        write_json_atomic(&self.path, &all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_is_remembered_per_signer() {
        let dir = tempfile::tempdir().unwrap();
        let ids = CallerIds::new(dir.path().join("callers.json"));
        assert_eq!(ids.get("h|AK1"), None);
        ids.remember("h|AK1", "uid-1").unwrap();
        ids.remember("h|AK2", "uid-2").unwrap();
        assert_eq!(ids.get("h|AK1").as_deref(), Some("uid-1"));
        assert_eq!(
            CallerIds::new(dir.path().join("callers.json"))
                .get("h|AK2")
                .as_deref(),
            Some("uid-2")
        );
    }
}
