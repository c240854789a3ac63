//! The date by which a person wants to look at a key again ("review by"),
//! kept on this computer per key: ids and dates only, no secrets.

use super::profiles::file::write_json_atomic;
use super::vault::KeyRef;
use crate::domain::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ReviewDates {
    path: PathBuf,
}

/// How a key is named in the file: as in the keychain, `scope:region:id`.
fn name(key: &KeyRef) -> String {
    format!(
        "{}:{}:{}",
        key.scope.as_str(),
        key.region.as_str(),
        key.api_key_id
    )
}

impl ReviewDates {
    pub fn new(path: PathBuf) -> Self {
        ReviewDates { path }
    }

    fn read(&self) -> BTreeMap<String, String> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default()
    }

    /// Every key's review date (`YYYY-MM-DD`), by key.
    pub fn all(&self) -> BTreeMap<String, String> {
        self.read()
    }

    pub fn get(&self, key: &KeyRef) -> Option<String> {
        self.read().remove(&name(key))
    }

    /// Set (a `YYYY-MM-DD` date) or clear (`None`) the review date of `key`.
    pub fn set(&self, key: &KeyRef, date: Option<&str>) -> Result<()> {
        let mut all = self.read();
        match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| Error::invalid_input("reviewBy", d, "review_date_invalid"))?;
                all.insert(name(key), d.to_string());
            }
            None => {
                all.remove(&name(key));
            }
        }
        write_json_atomic(&self.path, &all)
    }

    /// Forget the date of a key that is gone.
    pub fn forget(&self, key: &KeyRef) -> Result<()> {
        let mut all = self.read();
        if all.remove(&name(key)).is_some() {
            write_json_atomic(&self.path, &all)?;
        }
        Ok(())
    }

    /// The date of `key` in `all` (as `all()` returned it).
    pub fn lookup<'a>(all: &'a BTreeMap<String, String>, key: &KeyRef) -> Option<&'a str> {
        all.get(&name(key)).map(String::as_str)
    }
}

/// Whether a review date has come (on or before `today`).
pub fn is_due(date: &str, today: chrono::NaiveDate) -> bool {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok_and(|d| d <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::regions::RegionId;
    use crate::storage::vault::KeyScope;

    #[test]
    fn a_review_date_is_kept_per_key_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let dates = ReviewDates::new(dir.path().join("review-dates.json"));
        let a = KeyRef::new(KeyScope::Cloud, RegionId::CnBeijing, 1);
        let b = KeyRef::new(KeyScope::Sandbox, RegionId::CnBeijing, 1);
        dates.set(&a, Some("2026-12-31")).unwrap();
        assert_eq!(dates.get(&a).as_deref(), Some("2026-12-31"));
        assert_eq!(dates.get(&b), None, "a sandbox key is another key");
        let e = dates.set(&b, Some("31/12/2026")).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("review_date_invalid"));
        dates.set(&a, None).unwrap();
        assert_eq!(dates.get(&a), None);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert!(is_due("2026-11-30", today) && is_due("2026-01-01", today));
        assert!(!is_due("2026-12-01", today) && !is_due("someday", today));
    }
}
