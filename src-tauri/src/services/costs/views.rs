//! What `skm cost`, `skm keys idle` and the app's cost column get. Amounts
//! are the bill's own decimal strings with their currency and period:
//! nothing here adds, rounds or converts them.

use crate::domain::error::IpcError;
use crate::domain::regions::RegionId;
use serde::Serialize;

/// The billing days a figure covers, both ends included, in the bill's
/// time zone (`domain::billing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BillingPeriod {
    /// `YYYY-MM-DD`.
    pub start: String,
    /// `YYYY-MM-DD`.
    pub end: String,
    /// `YYYY-MM` when the period is a bill month.
    pub month: Option<String>,
    pub days: u32,
    /// `UTC+08:00`.
    pub time_zone: String,
}

/// What `skm cost` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CostGroup {
    Key,
    Model,
    Workspace,
}

/// The period `skm cost` asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostPeriod {
    /// The last N billing days, today included.
    Days(u32),
    /// A bill month, `YYYY-MM`.
    Month(String),
}

/// One group's spend as the bill gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CostRow {
    /// The key id, model code or workspace id.
    pub key: String,
    pub name: Option<String>,
    /// A decimal string, e.g. `"12.34"`.
    pub amount: String,
    pub currency: Option<String>,
}

/// An amount with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CostAmount {
    pub amount: String,
    pub currency: Option<String>,
}

/// `skm cost`: one row per group that spent, largest first as the bill ranks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    pub period: BillingPeriod,
    pub rows: Vec<CostRow>,
    /// The period's total as the bill states it.
    pub total: Option<CostAmount>,
}

/// A key's spend on one day; `None` when the bill lists none that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DailyCost {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub amount: Option<String>,
}

/// One listed key's cost over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyCost {
    pub api_key_id: String,
    /// The bill's total for this key over the period; `None`: no spend.
    pub total: Option<String>,
    /// Every day of the period, oldest first (the sparkline).
    pub daily: Vec<DailyCost>,
    /// Enabled, made before the period began, and no spend in it. Never set
    /// when the bill could not be read or had no data.
    pub idle: bool,
}

/// Why there are no figures: the list still shows, with this sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CostsUnavailableReason {
    /// The identity may not read the bill; its keys still work.
    NoPermission,
    /// The bill has nothing for the period (a new account, not billed yet).
    NoData,
    /// The billing service failed or could not be reached.
    Outage,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CostsUnavailable {
    pub reason: CostsUnavailableReason,
    /// One plain sentence for where the figures would be.
    pub message: String,
    /// The error behind it, for the "details" toggle.
    pub error: Option<IpcError>,
}

/// The app's cost column and chart: every listed key of a region.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeysCosts {
    pub region: RegionId,
    pub period: BillingPeriod,
    pub currency: Option<String>,
    /// The region's total for the period, as the bill states it.
    pub total: Option<String>,
    pub keys: Vec<KeyCost>,
    /// Spend of keys that are not listed any more (deleted since they spent).
    pub unlisted: Vec<CostRow>,
    /// Set when there are no figures; `keys` then carry none and no key is idle.
    pub unavailable: Option<CostsUnavailable>,
}

/// A key `skm keys idle` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdleKey {
    pub api_key_id: String,
    pub description: String,
    pub workspace_id: String,
    pub workspace_name: Option<String>,
    /// Epoch milliseconds.
    pub created_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdleKeys {
    pub period: BillingPeriod,
    pub keys: Vec<IdleKey>,
}

/// A workspace's monthly spend alert against this bill month's spend.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SpendAlertView {
    pub region: RegionId,
    pub workspace_id: String,
    pub workspace_name: Option<String>,
    /// The monthly amount, a decimal string in `currency`.
    pub amount: String,
    pub currency: String,
    /// The bill month (`YYYY-MM`, UTC+8) the figures are for.
    pub month: String,
    /// What the workspace spent this month, as the bill states it.
    pub spent: Option<String>,
    /// Whole percent of the amount spent, rounded down.
    pub percent: Option<u32>,
    /// The highest threshold passed (80 or 100).
    pub reached: Option<u32>,
    /// The workspace's most expensive keys this month (at most three).
    pub top_keys: Vec<CostRow>,
    /// Why there are no figures (the bill could not be read).
    pub unavailable: Option<IpcError>,
}
