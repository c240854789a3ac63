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

/// Every change is read, change, write: the app lists six regions at once
/// (each relabels), its reminder marks days, the person sets dates. One at a
/// time in this process, so no write undoes another.
static CHANGING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    CHANGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    /// The account (profile id) the date was set under: its launch reminder
    /// and its listings own the entry. Empty in entries made before it was kept.
    #[serde(default)]
    pub profile: String,
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

    #[cfg(test)]
    fn get(&self, key: &KeyRef) -> Option<String> {
        self.read().remove(&name(key)).map(|e| e.by)
    }

    /// Set (a `YYYY-MM-DD` date) or clear (`None`) the review date of `key`
    /// for `profile`, named `label` in reminders. A new date may be reminded of again.
    pub fn set(&self, key: &KeyRef, date: Option<&str>, label: &str, profile: &str) -> Result<()> {
        let _one = one_at_a_time();
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
                        profile: profile.to_string(),
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

    /// After a full listing of `region` for `profile`: keep the names
    /// reminders use in step with the keys' descriptions, and drop the dates
    /// of that account's keys that are gone (deleted elsewhere), so a reminder
    /// never names a key that no longer exists. Writes only when one changed.
    pub fn sync_listed(
        &self,
        profile: &str,
        scope: KeyScope,
        region: RegionId,
        listed: &[(KeyRef, String)],
    ) -> Result<()> {
        let _one = one_at_a_time();
        let mut all = self.read();
        let before = all.clone();
        for (key, label) in listed {
            if let Some(e) = all.get_mut(&name(key)) {
                e.label.clone_from(label);
            }
        }
        let present: std::collections::HashSet<String> =
            listed.iter().map(|(k, _)| name(k)).collect();
        all.retain(|n, e| {
            let theirs = e.profile == profile
                && parse_name(n).is_some_and(|k| k.scope == scope && k.region == region);
            !theirs || present.contains(n)
        });
        if all != before {
            write_json_atomic(&self.path, &all)?;
        }
        Ok(())
    }

    /// Forget the date of a key that is gone.
    pub fn forget(&self, key: &KeyRef) -> Result<()> {
        let _one = one_at_a_time();
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

    /// The due keys no notification has named today. The app marks them with
    /// `reminded` once the notification is shown: each key once a day,
    /// however often it looks, and again tomorrow if showing failed.
    pub fn unreminded(&self, today: NaiveDate) -> Vec<(KeyRef, ReviewEntry)> {
        let day = day_of(today);
        self.due(today)
            .into_iter()
            .filter(|(_, e)| e.reminded_on.as_deref() != Some(day.as_str()))
            .collect()
    }

    /// Mark `keys` as named by today's notification.
    pub fn reminded(&self, keys: &[KeyRef], today: NaiveDate) -> Result<()> {
        let _one = one_at_a_time();
        let mut all = self.read();
        for key in keys {
            if let Some(e) = all.get_mut(&name(key)) {
                e.reminded_on = Some(day_of(today));
            }
        }
        write_json_atomic(&self.path, &all)
    }

    /// The date of `key` in `all` (as `all()` returned it).
    pub fn lookup<'a>(all: &'a BTreeMap<String, ReviewEntry>, key: &KeyRef) -> Option<&'a str> {
        all.get(&name(key)).map(|e| e.by.as_str())
    }
}

fn day_of(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
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
        dates.set(&a, Some("2026-12-31"), "ci", "p1").unwrap();
        assert_eq!(dates.get(&a).as_deref(), Some("2026-12-31"));
        assert_eq!(dates.get(&b), None, "a sandbox key is another key");
        let e = dates.set(&b, Some("31/12/2026"), "", "p1").unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("review_date_invalid"));
        dates.set(&a, None, "", "p1").unwrap();
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
        let later = KeyRef::new(KeyScope::Sandbox, RegionId::ApSoutheast1, 8);
        dates
            .set(&due, Some("2026-11-01"), "old name", "p1")
            .unwrap();
        dates
            .set(&later, Some("2026-12-24"), "later", "p1")
            .unwrap();
        let listed = [
            (due.clone(), "billing bot".into()),
            (later.clone(), "later".into()),
        ];
        dates
            .sync_listed("p1", KeyScope::Sandbox, RegionId::ApSoutheast1, &listed)
            .unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let first = dates.unreminded(day(30));
        assert_eq!(first.len(), 1);
        assert_eq!(
            (&first[0].0, first[0].1.label.as_str()),
            (&due, "billing bot")
        );
        assert_eq!(dates.unreminded(day(30)).len(), 1, "not marked until shown");
        dates.reminded(std::slice::from_ref(&due), day(30)).unwrap();
        assert!(dates.unreminded(day(30)).is_empty(), "not twice a day");
        assert_eq!(
            dates.due(day(30)).len(),
            1,
            "still due until the person acts"
        );
        // A new date is a new reminder.
        dates
            .set(&due, Some("2026-11-30"), "billing bot", "p1")
            .unwrap();
        assert_eq!(dates.unreminded(day(30)).len(), 1);
    }

    #[test]
    fn a_key_gone_from_its_accounts_listing_loses_its_date_and_no_other_does() {
        let dir = tempfile::tempdir().unwrap();
        let dates = ReviewDates::new(dir.path().join("review-dates.json"));
        let region = RegionId::CnBeijing;
        let gone = KeyRef::new(KeyScope::Cloud, region, 1);
        let kept = KeyRef::new(KeyScope::Cloud, region, 2);
        let other_account = KeyRef::new(KeyScope::Cloud, region, 3);
        let other_region = KeyRef::new(KeyScope::Cloud, RegionId::UsEast1, 4);
        for (k, p) in [
            (&gone, "p1"),
            (&kept, "p1"),
            (&other_account, "p2"),
            (&other_region, "p1"),
        ] {
            dates.set(k, Some("2027-01-01"), "x", p).unwrap();
        }
        dates
            .sync_listed("p1", KeyScope::Cloud, region, &[(kept.clone(), "x".into())])
            .unwrap();
        assert_eq!(
            dates.get(&gone),
            None,
            "deleted elsewhere: no reminder for it"
        );
        for k in [&kept, &other_account, &other_region] {
            assert!(dates.get(k).is_some(), "{k:?} stays");
        }
    }
}
