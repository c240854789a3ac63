//! Every group's spend for a period, however many groups there are.
//!
//! One answer lists at most `topNum` (20) groups and merges the rest into
//! "Others", which would hide exactly the keys a person asks about. So when
//! the first answer has an "Others", the keys we know are asked for in
//! batches of 20 (`API_KEY_ID IN [...]`), and whatever is still unseen
//! (a key deleted since it spent, another dimension's groups) with
//! `NOT [everything seen]`, until no answer merges anything. The period's
//! total is always the first answer's own: never a sum of the parts.

use crate::cloud::Client;
use crate::domain::error::{Error, Result};
use crate::protocol::billing::*;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};

/// What the bill is asked for: days of a range, or a bill month.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Days { start: NaiveDate, end: NaiveDate },
    Month(String),
}

/// One group as the bill gives it; `daily` by `YYYY-MM-DD` (day ranges only).
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub key: String,
    pub name: Option<String>,
    pub amount: String,
    pub daily: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Collected {
    /// The period's total and currency, from the first answer (filtered by
    /// the scope alone).
    pub total: Option<String>,
    pub currency: Option<String>,
    /// Every group that spent, in the order the answers gave them.
    pub groups: Vec<Group>,
    /// How many requests it took (one unless something was merged).
    pub requests: usize,
}

impl Collected {
    /// No group spent and the total is absent or zero: a new account, a
    /// month not billed yet, or data that has not arrived. Nothing can be
    /// concluded from it (no key is "idle" on that evidence).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self
                .total
                .as_deref()
                .is_none_or(|t| t.chars().all(|c| matches!(c, '0' | '.' | '-' | ' ')))
    }

    pub fn group(&self, key: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.key == key)
    }
}

/// One answer: its groups (without the merged one), whether it merged
/// some, and its total.
struct Answer {
    groups: Vec<Group>,
    merged: bool,
    total: Option<String>,
    currency: Option<String>,
}

/// `yyyyMMdd` as `YYYY-MM-DD`.
fn day_of_period(period: &str) -> Option<String> {
    NaiveDate::parse_from_str(period, "%Y%m%d")
        .ok()
        .map(|d| d.format(crate::domain::billing::DAY_FORMAT).to_string())
}

/// The real groups of an answer's (key, name, amount) list, and whether it
/// merged some into "Others".
fn split_merged(
    all: impl Iterator<Item = (Option<String>, Option<String>, Option<String>)>,
) -> (Vec<Group>, bool) {
    let mut merged = false;
    let mut groups = Vec::new();
    for (key, name, amount) in all {
        match key {
            Some(k) if is_others(Some(&k)) => merged = true,
            Some(key) => groups.push(Group {
                key,
                name,
                amount: amount.unwrap_or_default(),
                daily: BTreeMap::new(),
            }),
            None => {}
        }
    }
    (groups, merged)
}

async fn ask(
    client: &Client,
    source: &Source,
    dimension: &str,
    filter: Option<BillingFilter>,
) -> Result<Answer> {
    let group_by = Some(vec![GroupBy::code(dimension)]);
    match source {
        Source::Days { start, end } => {
            let data = client
                .get_billing_trend(&GetBillingTrendRequest {
                    granularity: Some(GRANULARITY_DAY.into()),
                    time_period: Some(TimePeriod {
                        start: Some(start.format(crate::domain::billing::DAY_FORMAT).to_string()),
                        end: Some(end.format(crate::domain::billing::DAY_FORMAT).to_string()),
                    }),
                    group_by,
                    filter,
                    top_num: Some(TOP_NUM_MAX),
                    zero_filter: Some(true),
                    ..Default::default()
                })
                .await?;
            let mut daily: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for period in data.result_by_time.unwrap_or_default() {
                let Some(day) = period.period.as_deref().and_then(day_of_period) else {
                    continue;
                };
                for d in period.period_details.unwrap_or_default() {
                    if let (Some(key), Some(amount)) = (d.key, d.amount) {
                        daily.entry(key).or_default().insert(day.clone(), amount);
                    }
                }
            }
            let (mut groups, merged) = split_merged(
                data.group_by_total
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| (g.key, g.name, g.amount)),
            );
            for g in &mut groups {
                g.daily = daily.remove(&g.key).unwrap_or_default();
            }
            let costs = data.cost_totals.unwrap_or_default();
            Ok(Answer {
                groups,
                merged,
                total: costs.amount,
                currency: costs.currency,
            })
        }
        Source::Month(month) => {
            let data = client
                .get_billing_overview(&GetBillingOverviewRequest {
                    bill_month: Some(month.clone()),
                    group_by,
                    filter,
                    top_num: Some(TOP_NUM_MAX),
                    zero_filter: Some(true),
                    ..Default::default()
                })
                .await?;
            let (groups, merged) = split_merged(
                data.groups
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| (g.key, g.name, g.amount)),
            );
            Ok(Answer {
                groups,
                merged,
                total: data.total_amount,
                currency: data.currency,
            })
        }
    }
}

/// The most follow-up requests one collection makes: 50 keys per region
/// need at most 3 batches, so this only stops a server that never ends.
const MAX_FOLLOW_UPS: usize = 100;

/// Every group of `dimension` that spent in `source`, within `scope` (a
/// filter every request carries, e.g. one workspace). `known` are group
/// keys asked for in batches when the first answer merged some (the
/// region's key ids for `API_KEY_ID`).
pub(crate) async fn collect(
    client: &Client,
    source: &Source,
    dimension: &str,
    known: &[String],
    scope: &[FilterDimension],
) -> Result<Collected> {
    let within = |extra: Option<FilterDimension>| {
        let dimensions: Vec<FilterDimension> = scope.iter().cloned().chain(extra).collect();
        (!dimensions.is_empty()).then_some(BillingFilter {
            dimensions: Some(dimensions),
        })
    };
    let first = ask(client, source, dimension, within(None)).await?;
    let mut out = Collected {
        total: first.total,
        currency: first.currency,
        groups: Vec::new(),
        requests: 1,
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut add = |out: &mut Collected, groups: Vec<Group>| {
        let before = out.groups.len();
        for g in groups {
            if seen.insert(g.key.clone()) {
                out.groups.push(g);
            }
        }
        out.groups.len() > before
    };
    add(&mut out, first.groups);
    if !first.merged {
        return Ok(out);
    }
    let pending: Vec<String> = known
        .iter()
        .filter(|k| !out.groups.iter().any(|g| &g.key == *k))
        .cloned()
        .collect();
    for batch in pending.chunks(TOP_NUM_MAX as usize) {
        let a = ask(
            client,
            source,
            dimension,
            within(Some(FilterDimension::new(dimension, true, batch.to_vec()))),
        )
        .await?;
        out.requests += 1;
        add(&mut out, a.groups);
    }
    for _ in 0..MAX_FOLLOW_UPS {
        let seen_keys: Vec<String> = out.groups.iter().map(|g| g.key.clone()).collect();
        let a = ask(
            client,
            source,
            dimension,
            within(Some(FilterDimension::new(dimension, false, seen_keys))),
        )
        .await?;
        out.requests += 1;
        let grew = add(&mut out, a.groups);
        if !a.merged {
            return Ok(out);
        }
        if !grew {
            break;
        }
    }
    Err(Error::new(crate::domain::error::ErrorCode::BadResponse).with_reason("paging_runaway"))
}
