//! Spend alerts: a monthly amount per workspace, kept on this computer
//! (`storage::spend_alerts`), against the workspace's spend in the bill
//! month (UTC+8, `domain::billing`). The app checks at launch and hourly;
//! past 80 % and 100 % it shows a banner and one OS notification per
//! threshold per month, naming the workspace and its three most expensive
//! keys. Amounts are the bill's decimal strings, compared exactly
//! (`domain::billing::Amount`), never as floats.

use super::views::{CostGroup, CostPeriod, CostRow, SpendAlertView};
use crate::domain::billing::{self, Amount};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n;
use crate::domain::regions::RegionId;
use crate::services::audit::Audited;
use crate::services::reviews::notification_label;
use crate::services::Studio;
use crate::storage::spend_alerts::{SpendAlert, SpendAlerts};

/// The thresholds, in percent of the amount, that raise an alert.
pub const THRESHOLDS: [u32; 2] = [80, 100];
/// How many of the workspace's keys an alert names.
const KEYS_NAMED: usize = 3;

/// The bill month now (`YYYY-MM`, UTC+8).
fn this_month() -> String {
    billing::month_of(billing::day_of(chrono::Utc::now()))
}

/// The highest threshold `spent` has reached of `amount`.
pub fn reached(spent: Amount, amount: Amount) -> Option<u32> {
    THRESHOLDS
        .iter()
        .rev()
        .copied()
        .find(|t| spent.reaches(*t, amount))
}

/// An OS notification: its text, and the threshold it announces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendNotice {
    pub title: String,
    pub body: String,
    pub profile: String,
    pub region: RegionId,
    pub workspace_id: String,
    pub month: String,
    pub threshold: u32,
}

impl Studio {
    fn spend_alerts_store(&self) -> SpendAlerts {
        SpendAlerts::new(crate::storage::paths::spend_alerts_file(
            &self.inner.dirs.config,
        ))
    }

    /// Sets a workspace's monthly amount. Refused before it is kept: an
    /// amount that is not a positive decimal, a currency that is not three
    /// letters or not the bill's, a workspace not in `region`.
    pub async fn spend_alert_set(
        &self,
        region: RegionId,
        workspace_id: &str,
        amount: &str,
        currency: &str,
    ) -> Result<SpendAlertView> {
        let amount = amount.trim();
        if !Amount::parse(amount).is_some_and(Amount::is_positive) {
            return Err(Error::invalid_input(
                "amount",
                amount,
                "alert_amount_invalid",
            ));
        }
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_input(
                "currency",
                &currency,
                "alert_currency_invalid",
            ));
        }
        let ws = self
            .workspace_or_default(region, Some(workspace_id))
            .await?;
        let report = self
            .cost_report(
                region,
                CostGroup::Key,
                CostPeriod::Month(this_month()),
                Some(ws.workspace_id.clone()),
            )
            .await?;
        let bill_currency = report
            .total
            .as_ref()
            .and_then(|t| t.currency.clone())
            .or_else(|| report.rows.iter().find_map(|r| r.currency.clone()));
        if let Some(bill) = bill_currency.filter(|b| !b.eq_ignore_ascii_case(&currency)) {
            return Err(
                Error::invalid_input("currency", &currency, "alert_currency_mismatch")
                    .with_param("bill", bill),
            );
        }
        let profile = self.acting_profile().await?;
        let alert = SpendAlert {
            profile: profile.id.clone(),
            region,
            workspace_id: ws.workspace_id.clone(),
            amount: amount.to_string(),
            currency: currency.clone(),
            announced_month: None,
            announced: Vec::new(),
        };
        let what = Audited::new("spend_alert", &profile)
            .region(region)
            .note(format!("{}: {amount} {currency} a month", ws.workspace_id));
        let store = self.spend_alerts_store();
        let kept = alert.clone();
        self.audited(what, || async move {
            self.blocking(move |_| store.set(kept)).await
        })
        .await?;
        Ok(self.spend_alert_view(&alert, Some(ws.workspace_name)).await)
    }

    /// Removes a workspace's monthly amount.
    pub async fn spend_alert_clear(&self, region: RegionId, workspace_id: &str) -> Result<()> {
        let profile = self.acting_profile().await?;
        let store = self.spend_alerts_store();
        let set = store
            .all()
            .iter()
            .any(|a| a.is(&profile.id, region, workspace_id));
        if !set {
            return Err(Error::new(ErrorCode::NotFound)
                .with_reason("alert_not_set")
                .with_param("value", workspace_id));
        }
        let what = Audited::new("spend_alert", &profile)
            .region(region)
            .note(format!("{workspace_id}: removed"));
        let (id, ws) = (profile.id.clone(), workspace_id.to_string());
        self.audited(what, || async move {
            self.blocking(move |_| store.clear(&id, region, &ws).map(|_| ()))
                .await
        })
        .await
    }

    /// The active account's alerts with this month's spend, in the order set.
    pub async fn spend_alerts(&self) -> Result<Vec<SpendAlertView>> {
        let profile = self.acting_profile().await?;
        let mine: Vec<SpendAlert> = self
            .spend_alerts_store()
            .all()
            .into_iter()
            .filter(|a| a.profile == profile.id)
            .collect();
        let mut views = Vec::with_capacity(mine.len());
        for alert in &mine {
            views.push(self.spend_alert_view(alert, None).await);
        }
        Ok(views)
    }

    /// One alert against the bill; a bill that cannot be read is said in `unavailable`.
    async fn spend_alert_view(&self, alert: &SpendAlert, name: Option<String>) -> SpendAlertView {
        let month = this_month();
        let name = match name {
            Some(n) => Some(n),
            None => self
                .workspace_or_default(alert.region, Some(&alert.workspace_id))
                .await
                .ok()
                .map(|w| w.workspace_name),
        };
        let mut view = SpendAlertView {
            region: alert.region,
            workspace_id: alert.workspace_id.clone(),
            workspace_name: name,
            amount: alert.amount.clone(),
            currency: alert.currency.clone(),
            month: month.clone(),
            spent: None,
            percent: None,
            reached: None,
            top_keys: Vec::new(),
            unavailable: None,
        };
        let report = self
            .cost_report(
                alert.region,
                CostGroup::Key,
                CostPeriod::Month(month),
                Some(alert.workspace_id.clone()),
            )
            .await;
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                view.unavailable = Some(e.into());
                return view;
            }
        };
        let spent = report
            .total
            .as_ref()
            .map(|t| t.amount.clone())
            .unwrap_or_else(|| "0".into());
        if let (Some(s), Some(a)) = (Amount::parse(&spent), Amount::parse(&alert.amount)) {
            view.percent = s.percent_of(a).map(|p| p.clamp(0, u32::MAX.into()) as u32);
            view.reached = reached(s, a);
        }
        view.spent = Some(spent);
        view.top_keys = most_expensive(report.rows);
        view
    }

    /// The active account's alerts past a threshold that no OS notification
    /// has announced this month, as notifications in the person's language.
    /// Call `spend_announced` for each once shown.
    pub async fn spend_notices(&self) -> Result<Vec<SpendNotice>> {
        let profile = self.acting_profile().await?;
        let month = this_month();
        let lang = i18n::current();
        let mut notices = Vec::new();
        let mine = self
            .spend_alerts_store()
            .all()
            .into_iter()
            .filter(|a| a.profile == profile.id);
        for alert in mine {
            let view = self.spend_alert_view(&alert, None).await;
            let Some(threshold) = view.reached else {
                continue;
            };
            if alert.announced_in(&month, threshold) {
                continue;
            }
            let (title, body) = notice_text(&view, threshold, lang);
            notices.push(SpendNotice {
                title,
                body,
                profile: profile.id.clone(),
                region: alert.region,
                workspace_id: alert.workspace_id.clone(),
                month: month.clone(),
                threshold,
            });
        }
        Ok(notices)
    }

    /// A notification was shown: its threshold, and any lower one, are not
    /// announced again this month.
    pub async fn spend_announced(&self, notice: &SpendNotice) -> Result<()> {
        let store = self.spend_alerts_store();
        let n = notice.clone();
        self.blocking(move |_| {
            for t in THRESHOLDS.iter().filter(|t| **t <= n.threshold) {
                store.announced(&n.profile, n.region, &n.workspace_id, &n.month, *t)?;
            }
            Ok(())
        })
        .await
    }
}

/// The workspace's most expensive keys this month, largest first.
fn most_expensive(mut rows: Vec<CostRow>) -> Vec<CostRow> {
    rows.sort_by(|a, b| {
        let amount = |r: &CostRow| Amount::parse(&r.amount);
        amount(b).cmp(&amount(a))
    });
    rows.truncate(KEYS_NAMED);
    rows
}

fn notice_text(view: &SpendAlertView, threshold: u32, lang: i18n::Lang) -> (String, String) {
    let workspace =
        notification_label(view.workspace_name.as_deref().unwrap_or(&view.workspace_id));
    let region = view.region.info().name_in(lang);
    let keys: Vec<String> = view
        .top_keys
        .iter()
        .map(|k| {
            let name = notification_label(k.name.as_deref().unwrap_or(&k.key));
            i18n::tr(
                lang,
                "spend_alerts.key",
                &[("name", &name), ("amount", &k.amount)],
            )
        })
        .collect();
    let title = i18n::tr(
        lang,
        if threshold >= 100 {
            "spend_alerts.title_over"
        } else {
            "spend_alerts.title_near"
        },
        &[("workspace", &workspace)],
    );
    let spent = view.spent.clone().unwrap_or_default();
    let percent = view.percent.unwrap_or(threshold).to_string();
    let mut body = i18n::tr(
        lang,
        "spend_alerts.body",
        &[
            ("workspace", &workspace),
            ("region", region),
            ("spent", &spent),
            ("amount", &view.amount),
            ("currency", &view.currency),
            ("percent", &percent),
        ],
    );
    if !keys.is_empty() {
        let sep = i18n::tr(lang, "reviews.separator", &[]);
        body.push(' ');
        body.push_str(&i18n::tr(
            lang,
            "spend_alerts.keys",
            &[("keys", &keys.join(&sep))],
        ));
    }
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_of_a_hundred_fires_the_first_alert_and_a_hair_less_does_not() {
        let amount = Amount::parse("100.0000").unwrap();
        let at = |s: &str| reached(Amount::parse(s).unwrap(), amount);
        assert_eq!(at("80.0000"), Some(80));
        assert_eq!(at("79.9999"), None);
        assert_eq!(at("99.9999"), Some(80));
        assert_eq!(at("100.0000"), Some(100));
        assert_eq!(at("250"), Some(100));
    }

    #[test]
    fn the_most_expensive_keys_are_ranked_by_amount_not_by_text() {
        let row = |key: &str, amount: &str| CostRow {
            key: key.into(),
            name: None,
            amount: amount.into(),
            currency: Some("CNY".into()),
        };
        let top = most_expensive(vec![
            row("a", "9.5"),
            row("b", "10.25"),
            row("c", "100"),
            row("d", "0.1"),
        ]);
        let keys: Vec<&str> = top.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["c", "b", "a"]);
    }
}
