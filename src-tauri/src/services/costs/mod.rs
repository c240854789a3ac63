//! Costs: what each key, model or workspace spent, and which keys nobody
//! uses any more. Key objects carry no last-used time, so spend is the
//! honest signal of use. Periods are billing days (`domain::billing`, UTC+8).

pub mod alerts;
mod collect;
pub mod views;

use super::Studio;
use crate::domain::billing::{self, BILLING_TIME_ZONE, MAX_PERIOD_DAYS};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n;
use crate::domain::regions::RegionId;
use crate::protocol::billing::{FilterDimension, DIM_API_KEY_ID, DIM_BASE_MODEL, DIM_WORKSPACE_ID};
use crate::protocol::wire::ApiKey;
use chrono::NaiveDate;
use collect::{collect, Collected, Source};
use views::*;

fn period_view(start: NaiveDate, end: NaiveDate, month: Option<String>) -> BillingPeriod {
    BillingPeriod {
        start: start.format(billing::DAY_FORMAT).to_string(),
        end: end.format(billing::DAY_FORMAT).to_string(),
        month,
        days: ((end - start).num_days() + 1) as u32,
        time_zone: BILLING_TIME_ZONE.into(),
    }
}

/// The last `days` billing days, today included; refused outside 1..=365.
fn last_days(days: u32) -> Result<(NaiveDate, NaiveDate)> {
    if !(1..=MAX_PERIOD_DAYS).contains(&days) {
        return Err(
            Error::invalid_input("days", &days.to_string(), "cost_days_range")
                .with_param("max", MAX_PERIOD_DAYS.to_string()),
        );
    }
    Ok(billing::last_days(days, chrono::Utc::now()))
}

fn source_of(period: &CostPeriod) -> Result<(Source, BillingPeriod)> {
    match period {
        CostPeriod::Days(days) => {
            let (start, end) = last_days(*days)?;
            Ok((Source::Days { start, end }, period_view(start, end, None)))
        }
        CostPeriod::Month(month) => {
            let (start, end) = billing::month_bounds(month)
                .ok_or_else(|| Error::invalid_input("month", month, "cost_month_invalid"))?;
            let month = billing::month_of(start);
            Ok((
                Source::Month(month.clone()),
                period_view(start, end, Some(month)),
            ))
        }
    }
}

fn key_id(k: &ApiKey) -> String {
    k.api_key_id.map(|i| i.to_string()).unwrap_or_default()
}

/// Enabled, and made before the period's first billing day began.
fn could_be_idle(k: &ApiKey, start: NaiveDate) -> bool {
    k.disabled != Some(1)
        && k.gmt_create
            .is_some_and(|made| made < billing::day_start_millis(start))
}

/// The sentence and class for figures that could not be had.
fn unavailable(error: Option<Error>) -> CostsUnavailable {
    let lang = i18n::current();
    let (reason, message) = match &error {
        None => (
            CostsUnavailableReason::NoData,
            i18n::tr(lang, "costs.unavailable.no_data", &[]),
        ),
        Some(e) if e.code == ErrorCode::Forbidden => (
            CostsUnavailableReason::NoPermission,
            i18n::tr(lang, "costs.unavailable.no_permission", &[]),
        ),
        Some(e) => (
            CostsUnavailableReason::Outage,
            i18n::tr(
                lang,
                "costs.unavailable.outage",
                &[(
                    "reason",
                    &i18n::tr(lang, &format!("errors.{}.what", e.code), &[]),
                )],
            ),
        ),
    };
    CostsUnavailable {
        reason,
        message,
        error: error.map(Into::into),
    }
}

impl Studio {
    /// The region's keys (for batching and idleness) and their spend over
    /// the last `days`. A key list that cannot be read is an error; a bill
    /// that cannot be read is the inner `Err`.
    async fn key_spend(
        &self,
        region: RegionId,
        days: u32,
    ) -> Result<(NaiveDate, BillingPeriod, Vec<ApiKey>, Result<Collected>)> {
        let (start, end) = last_days(days)?;
        let client = self.acting_client(region).await?;
        let keys = client.list_api_keys(&Default::default()).await?;
        let ids: Vec<String> = keys.iter().map(key_id).collect();
        let source = Source::Days { start, end };
        let spent = collect(&client, &source, DIM_API_KEY_ID, &ids, &[]).await;
        Ok((start, period_view(start, end, None), keys, spent))
    }

    /// `skm cost`: spend grouped by key, model or workspace, one row per
    /// group that spent, with the bill's own total; only `workspace`'s when
    /// one is named.
    pub async fn cost_report(
        &self,
        region: RegionId,
        by: CostGroup,
        period: CostPeriod,
        workspace: Option<String>,
    ) -> Result<CostReport> {
        let (source, period) = source_of(&period)?;
        let client = self.acting_client(region).await?;
        let (dimension, known) = match by {
            CostGroup::Key => {
                // Batches need the ids; a list we may not read leaves the
                // NOT-follow-ups to find every key.
                let keys = client
                    .list_api_keys(&Default::default())
                    .await
                    .unwrap_or_default();
                (DIM_API_KEY_ID, keys.iter().map(key_id).collect())
            }
            CostGroup::Model => (DIM_BASE_MODEL, Vec::new()),
            CostGroup::Workspace => (DIM_WORKSPACE_ID, Vec::new()),
        };
        let scope: Vec<FilterDimension> = workspace
            .into_iter()
            .map(|w| FilterDimension::new(DIM_WORKSPACE_ID, true, vec![w]))
            .collect();
        let spent = collect(&client, &source, dimension, &known, &scope).await?;
        let currency = spent.currency.clone();
        Ok(CostReport {
            period,
            total: spent.total.clone().map(|amount| CostAmount {
                amount,
                currency: currency.clone(),
            }),
            rows: spent
                .groups
                .into_iter()
                .map(|g| CostRow {
                    key: g.key,
                    name: g.name,
                    amount: g.amount,
                    currency: currency.clone(),
                })
                .collect(),
        })
    }

    /// `skm keys idle`: enabled keys made before the period began that spent
    /// nothing in it. A bill that cannot be read, or has no data, is an
    /// error: no key is called idle on missing evidence.
    pub async fn keys_idle(&self, region: RegionId, days: u32) -> Result<IdleKeys> {
        let (start, period, keys, spent) = self.key_spend(region, days).await?;
        let spent = spent?;
        if spent.is_empty() {
            return Err(Error::new(ErrorCode::NotFound)
                .with_reason("billing_no_data")
                .with_param("start", period.start.clone())
                .with_param("end", period.end.clone()));
        }
        let keys = keys
            .iter()
            .filter(|k| could_be_idle(k, start) && spent.group(&key_id(k)).is_none())
            .map(|k| IdleKey {
                api_key_id: key_id(k),
                description: k.description.clone().unwrap_or_default(),
                workspace_id: k.workspace_id.clone().unwrap_or_default(),
                workspace_name: k.workspace_name.clone(),
                created_at: k.gmt_create,
            })
            .collect();
        Ok(IdleKeys { period, keys })
    }

    /// The app's cost column: each listed key's total and daily series over
    /// the last `days`, and whether it is idle over them. A bill that cannot
    /// be read or has no data gives `unavailable` (one sentence), not an
    /// error: the key list works without it.
    pub async fn keys_costs(&self, region: RegionId, days: u32) -> Result<KeysCosts> {
        let (start, period, keys, spent) = self.key_spend(region, days).await?;
        let (spent, missing) = match spent {
            Ok(s) if s.is_empty() => (Collected::default(), Some(unavailable(None))),
            Ok(s) => (s, None),
            Err(e) => (Collected::default(), Some(unavailable(Some(e)))),
        };
        let dates: Vec<String> = NaiveDate::parse_from_str(&period.start, billing::DAY_FORMAT)
            .map(|s| {
                s.iter_days()
                    .take(period.days as usize)
                    .map(|d| d.format(billing::DAY_FORMAT).to_string())
                    .collect()
            })
            .unwrap_or_default();
        let listed: Vec<String> = keys.iter().map(key_id).collect();
        let key_costs = keys
            .iter()
            .map(|k| {
                let group = spent.group(&key_id(k));
                KeyCost {
                    api_key_id: key_id(k),
                    total: group.map(|g| g.amount.clone()),
                    daily: dates
                        .iter()
                        .map(|d| DailyCost {
                            date: d.clone(),
                            amount: group.and_then(|g| g.daily.get(d).cloned()),
                        })
                        .collect(),
                    idle: missing.is_none() && group.is_none() && could_be_idle(k, start),
                }
            })
            .collect();
        let unlisted = spent
            .groups
            .iter()
            .filter(|g| !listed.contains(&g.key))
            .map(|g| CostRow {
                key: g.key.clone(),
                name: g.name.clone(),
                amount: g.amount.clone(),
                currency: spent.currency.clone(),
            })
            .collect();
        Ok(KeysCosts {
            region,
            period,
            currency: spent.currency.clone(),
            total: spent.total.clone(),
            keys: key_costs,
            unlisted,
            unavailable: missing,
        })
    }

    /// `keys_costs` of all six regions at once, asked in parallel, in region
    /// order. A region whose keys cannot be listed brings `unavailable` (its
    /// error inside) and no keys; the others still show.
    pub async fn keys_costs_all_regions(&self, days: u32) -> Result<Vec<KeysCosts>> {
        let (start, end) = last_days(days)?;
        let found = self
            .in_every_region(|me, region| async move { me.keys_costs(region, days).await })
            .await;
        Ok(found
            .into_iter()
            .map(|(region, costs)| {
                costs.unwrap_or_else(|e| KeysCosts {
                    region,
                    period: period_view(start, end, None),
                    currency: None,
                    total: None,
                    keys: Vec::new(),
                    unlisted: Vec::new(),
                    unavailable: Some(unavailable(Some(e))),
                })
            })
            .collect())
    }
}
