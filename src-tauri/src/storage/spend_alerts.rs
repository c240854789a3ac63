//! Monthly spend alerts, kept on this computer: per account, region and
//! workspace, the amount a person set and, for the bill month, which
//! thresholds an OS notification already announced. Amounts and ids only.

use super::profiles::file::write_json_atomic;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::regions::RegionId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One workspace's monthly amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpendAlert {
    /// The account (profile id) it was set under.
    pub profile: String,
    pub region: RegionId,
    pub workspace_id: String,
    /// A decimal string in `currency`, as the bill writes amounts.
    pub amount: String,
    pub currency: String,
    /// The bill month (`YYYY-MM`) of `announced`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_month: Option<String>,
    /// Thresholds (percent) an OS notification named in that month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub announced: Vec<u32>,
}

impl SpendAlert {
    pub fn is(&self, profile: &str, region: RegionId, workspace_id: &str) -> bool {
        self.profile == profile && self.region == region && self.workspace_id == workspace_id
    }

    /// Whether `threshold` was announced in `month`.
    pub fn announced_in(&self, month: &str, threshold: u32) -> bool {
        self.announced_month.as_deref() == Some(month) && self.announced.contains(&threshold)
    }
}

#[derive(Debug, Clone)]
pub struct SpendAlerts {
    path: PathBuf,
}

/// Read, change, write, one at a time in this process (the hourly check
/// marks while a person may be setting an amount).
static CHANGING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    CHANGING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unreadable(path: &std::path::Path, technical: String) -> Error {
    Error::new(ErrorCode::Config)
        .with_reason("spend_alerts_unreadable")
        .with_param("path", path.display().to_string())
        .with_technical(technical)
}

impl SpendAlerts {
    pub fn new(path: PathBuf) -> Self {
        SpendAlerts { path }
    }

    /// Every alert kept here; an unreadable file counts as none to show (an
    /// alert is a convenience and never stops the app).
    pub fn all(&self) -> Vec<SpendAlert> {
        self.read().unwrap_or_default()
    }

    /// The alerts, for a change: a file that exists but cannot be read is an
    /// error and is left as it is, never overwritten with less.
    fn read(&self) -> Result<Vec<SpendAlert>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(unreadable(&self.path, e.to_string())),
        };
        serde_json::from_slice(&bytes).map_err(|e| unreadable(&self.path, e.to_string()))
    }

    /// Sets (or replaces) a workspace's amount. A new amount or currency is
    /// announced afresh; the same one again keeps what was announced.
    pub fn set(&self, mut alert: SpendAlert) -> Result<()> {
        let _one = one_at_a_time();
        let mut all = self.read()?;
        if let Some(old) = all
            .iter()
            .find(|a| a.is(&alert.profile, alert.region, &alert.workspace_id))
            .filter(|old| old.amount == alert.amount && old.currency == alert.currency)
        {
            alert.announced_month = old.announced_month.clone();
            alert.announced = old.announced.clone();
        }
        all.retain(|a| !a.is(&alert.profile, alert.region, &alert.workspace_id));
        all.push(alert);
        write_json_atomic(&self.path, &all)
    }

    /// Removes a workspace's amount; false when there was none.
    pub fn clear(&self, profile: &str, region: RegionId, workspace_id: &str) -> Result<bool> {
        let _one = one_at_a_time();
        let mut all = self.read()?;
        let before = all.len();
        all.retain(|a| !a.is(profile, region, workspace_id));
        if all.len() == before {
            return Ok(false);
        }
        write_json_atomic(&self.path, &all)?;
        Ok(true)
    }

    /// Notes that `threshold` of the alert was announced in `month`.
    pub fn announced(
        &self,
        profile: &str,
        region: RegionId,
        workspace_id: &str,
        month: &str,
        threshold: u32,
    ) -> Result<()> {
        let _one = one_at_a_time();
        let mut all = self.read()?;
        let Some(alert) = all.iter_mut().find(|a| a.is(profile, region, workspace_id)) else {
            return Ok(());
        };
        if alert.announced_month.as_deref() != Some(month) {
            alert.announced_month = Some(month.to_string());
            alert.announced.clear();
        }
        if !alert.announced.contains(&threshold) {
            alert.announced.push(threshold);
        }
        write_json_atomic(&self.path, &all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(ws: &str) -> SpendAlert {
        SpendAlert {
            profile: "p".into(),
            region: RegionId::CnBeijing,
            workspace_id: ws.into(),
            amount: "100.00".into(),
            currency: "CNY".into(),
            announced_month: None,
            announced: vec![],
        }
    }

    #[test]
    fn an_alert_is_set_replaced_announced_once_a_month_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let alerts = SpendAlerts::new(dir.path().join("spend-alerts.json"));
        assert!(alerts.all().is_empty());
        alerts.set(alert("ws-a")).unwrap();
        alerts.set(alert("ws-b")).unwrap();
        alerts
            .announced("p", RegionId::CnBeijing, "ws-a", "2026-12", 80)
            .unwrap();
        let a = alerts
            .all()
            .into_iter()
            .find(|a| a.workspace_id == "ws-a")
            .unwrap();
        assert!(a.announced_in("2026-12", 80) && !a.announced_in("2026-12", 100));
        assert!(
            !a.announced_in("2027-01", 80),
            "a new month announces again"
        );

        // The same amount again keeps what was announced; a new one starts afresh.
        alerts.set(alert("ws-a")).unwrap();
        let a = alerts
            .all()
            .into_iter()
            .find(|a| a.workspace_id == "ws-a")
            .unwrap();
        assert!(
            a.announced_in("2026-12", 80),
            "re-saving the same amount notifies nothing again"
        );
        alerts
            .set(SpendAlert {
                amount: "200".into(),
                ..alert("ws-a")
            })
            .unwrap();
        let all = alerts.all();
        assert_eq!(all.len(), 2);
        let a = all.iter().find(|a| a.workspace_id == "ws-a").unwrap();
        assert_eq!(a.amount, "200");
        assert!(!a.announced_in("2026-12", 80));

        assert!(alerts.clear("p", RegionId::CnBeijing, "ws-a").unwrap());
        assert!(!alerts.clear("p", RegionId::CnBeijing, "ws-a").unwrap());
        assert_eq!(alerts.all().len(), 1);
        std::fs::write(dir.path().join("spend-alerts.json"), b"not json").unwrap();
        assert!(alerts.all().is_empty(), "an unreadable file shows no alert");
        let e = alerts.set(alert("ws-c")).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("spend_alerts_unreadable"));
        assert_eq!(
            std::fs::read(dir.path().join("spend-alerts.json")).unwrap(),
            b"not json",
            "and is never overwritten with less"
        );
    }
}
