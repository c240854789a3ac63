//! The date by which a person wants to look at a key again ("review by"),
//! kept on this computer per key: ids and dates only, no secrets.

use super::profiles::file::write_json_atomic;
use super::vault::{KeyRef, KeyScope};
use crate::domain::error::{Error, Result};
use crate::domain::regions::RegionId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ReviewDates {
    path: PathBuf,
}

/// One key's review date, with what a reminder needs to name the key while
/// the app has not listed it (its description, never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewEntry {
    /// `YYYY-MM-DD`, a day on this computer's calendar.
    pub by: String,
    #[serde(default)]
    pub label: String,
    /// The day an OS notification last named this key: once a day at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_on: Option<String>,
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

fn parse_name(name: &str) -> Option<KeyRef> {
    let mut parts = name.splitn(3, ':');
    let scope = match parts.next()? {
        "sandbox" => KeyScope::Sandbox,
        "cloud" => KeyScope::Cloud,
        _ => return None,
    };
    let region: RegionId = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    Some(KeyRef::new(scope, region, id))
}

fn parse_date(d: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

impl ReviewDates {
    pub fn new(path: PathBuf) -> Self {
        ReviewDates { path }
    }

    /// An unreadable file counts as no dates: reminders are a convenience and
    /// never stop the list from showing.
    fn read(&self) -> BTreeMap<String, ReviewEntry> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|t| serde_json::from_slice(&t).ok())
            .unwrap_or_default()
    }

    /// Every key's review entry, by key name (see `lookup`).
    pub fn all(&self) -> BTreeMap<String, ReviewEntry> {
        self.read()
    }

    pub fn get(&self, key: &KeyRef) -> Option<String> {
        self.read().remove(&name(key)).map(|e| e.by)
    }

    /// Set (a `YYYY-MM-DD` date) or clear (`None`) the review date of `key`,
    /// named `label` in reminders. A new date may be reminded of again.
    pub fn set(&self, key: &KeyRef, date: Option<&str>, label: &str) -> Result<()> {
        let mut all = self.read();
        match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => {
                parse_date(d)
                    .ok_or_else(|| Error::invalid_input("reviewBy", d, "review_date_invalid"))?;
                all.insert(
                    name(key),
                    ReviewEntry {
                        by: d.to_string(),
                        label: label.trim().to_string(),
                        reminded_on: None,
                    },
                );
            }
            None => {
                all.remove(&name(key));
            }
        }
        write_json_atomic(&self.path, &all)
    }

    /// Keep the names reminders use in step with the keys' descriptions as
    /// last listed. Writes only when one changed.
    pub fn relabel(&self, listed: &[(KeyRef, String)]) -> Result<()> {
        let mut all = self.read();
        let mut changed = false;
        for (key, label) in listed {
            if let Some(e) = all.get_mut(&name(key)) {
                if e.label != *label {
                    e.label = label.clone();
                    changed = true;
                }
            }
        }
        if changed {
            write_json_atomic(&self.path, &all)?;
        }
        Ok(())
    }

    /// Forget the date of a key that is gone.
    pub fn forget(&self, key: &KeyRef) -> Result<()> {
        let mut all = self.read();
        if all.remove(&name(key)).is_some() {
            write_json_atomic(&self.path, &all)?;
        }
        Ok(())
    }

    /// The keys whose date has come by `today`, oldest date first.
    pub fn due(&self, today: NaiveDate) -> Vec<(KeyRef, ReviewEntry)> {
        let mut due: Vec<_> = self
            .read()
            .into_iter()
            .filter(|(_, e)| is_due(&e.by, today))
            .filter_map(|(n, e)| Some((parse_name(&n)?, e)))
            .collect();
        due.sort_by(|a, b| a.1.by.cmp(&b.1.by).then_with(|| a.0.cmp(&b.0)));
        due
    }

    /// The due keys no notification has named today, marked as named: the
    /// app's reminder says each key once a day however often it looks.
    pub fn take_reminders(&self, today: NaiveDate) -> Result<Vec<(KeyRef, ReviewEntry)>> {
        let day = today.format("%Y-%m-%d").to_string();
        let fresh: Vec<_> = self
            .due(today)
            .into_iter()
            .filter(|(_, e)| e.reminded_on.as_deref() != Some(day.as_str()))
            .collect();
        if fresh.is_empty() {
            return Ok(fresh);
        }
        let mut all = self.read();
        for (key, _) in &fresh {
            if let Some(e) = all.get_mut(&name(key)) {
                e.reminded_on = Some(day.clone());
            }
        }
        write_json_atomic(&self.path, &all)?;
        Ok(fresh)
    }

    /// The date of `key` in `all` (as `all()` returned it).
    pub fn lookup<'a>(all: &'a BTreeMap<String, ReviewEntry>, key: &KeyRef) -> Option<&'a str> {
        all.get(&name(key)).map(|e| e.by.as_str())
    }
}

/// Whether a review date has come (on or before `today`).
pub fn is_due(date: &str, today: NaiveDate) -> bool {
    parse_date(date).is_some_and(|d| d <= today)
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
        dates.set(&a, Some("2026-12-31"), "ci").unwrap();
        assert_eq!(dates.get(&a).as_deref(), Some("2026-12-31"));
        assert_eq!(dates.get(&b), None, "a sandbox key is another key");
        let e = dates.set(&b, Some("31/12/2026"), "").unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("review_date_invalid"));
        dates.set(&a, None, "").unwrap();
        assert_eq!(dates.get(&a), None);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert!(is_due("2026-11-30", today) && is_due("2026-01-01", today));
        assert!(!is_due("2026-12-01", today) && !is_due("someday", today));
    }

    #[test]
    fn a_due_key_is_reminded_of_once_a_day_under_its_latest_name() {
        let dir = tempfile::tempdir().unwrap();
        let dates = ReviewDates::new(dir.path().join("review-dates.json"));
        let due = KeyRef::new(KeyScope::Sandbox, RegionId::ApSoutheast1, 7);
        let later = KeyRef::new(KeyScope::Sandbox, RegionId::CnBeijing, 8);
        dates.set(&due, Some("2026-11-01"), "old name").unwrap();
        dates.set(&later, Some("2026-12-24"), "later").unwrap();
        dates
            .relabel(&[(due.clone(), "billing bot".into())])
            .unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let first = dates.take_reminders(day(30)).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(
            (&first[0].0, first[0].1.label.as_str()),
            (&due, "billing bot")
        );
        assert!(
            dates.take_reminders(day(30)).unwrap().is_empty(),
            "not twice a day"
        );
        assert_eq!(
            dates.due(day(30)).len(),
            1,
            "still due until the person acts"
        );
        // A new date is a new reminder.
        dates.set(&due, Some("2026-11-30"), "billing bot").unwrap();
        assert_eq!(dates.take_reminders(day(30)).unwrap().len(), 1);
    }
}
