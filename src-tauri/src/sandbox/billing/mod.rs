//! GetBillingTrend and GetBillingOverview, answered from the metered spend
//! (`metering`). Groups are ranked by their spend over the
//! whole period; past `topNum` they merge into one "Others" group, as the
//! service does. Every sum is taken over exact millionths and rounded
//! once, when printed, so a total is not the sum of rounded parts.

mod ask;

use super::apierror::ApiError;
use super::db::db_error;
use super::metering::{format_amount, CURRENCY};
use super::store::Identity;
use crate::domain::billing;
use crate::domain::regions::RegionId;
use crate::protocol::billing::*;
use crate::protocol::codec;
use crate::protocol::wire::Envelope;
use ask::{date_param, json_param, parse_ask, Ask};
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Transaction};
use std::collections::{BTreeMap, HashMap};

type Query<'a> = &'a [(String, String)];

/// Reading the bill is a permission of its own, apart from managing keys
/// (in the cloud, a billing policy such as AliyunBSSReadOnlyAccess). In the
/// sandbox only the root account holds it: `ram-key-admin` manages keys but
/// cannot read costs (what the app shows such a user), and
/// `ram-no-permission` can do neither.
fn require_billing(caller: &Identity) -> Result<(), ApiError> {
    if caller.is_root() {
        Ok(())
    } else {
        Err(ApiError::new(
            403,
            "Forbidden.RAM",
            "User not authorized to read the bill of this account.",
        ))
    }
}

pub(super) fn envelope() -> Envelope {
    Envelope {
        code: Some("200".into()),
        http_status_code: None,
        message: Some(String::new()),
        request_id: Some(super::values::request_id()),
        success: Some(true),
    }
}

/// One row of spend: a key's use of a model on a day.
struct Spend {
    day: NaiveDate,
    key: String,
    workspace: String,
    model: String,
    micro: i64,
}

impl Spend {
    fn value(&self, dimension: &str, region: RegionId) -> String {
        match dimension {
            DIM_API_KEY_ID => self.key.clone(),
            DIM_BASE_MODEL => self.model.clone(),
            DIM_WORKSPACE_ID => self.workspace.clone(),
            other => constant_value(other, region),
        }
    }
}

/// The one value a dimension the sandbox does not vary takes.
fn constant_value(dimension: &str, region: RegionId) -> String {
    match dimension {
        DIM_MAAS_TYPE => "inference".into(),
        DIM_FEE_TYPE => "billing".into(),
        DIM_CHARGE_TYPE => "postpaid".into(),
        _ => region.as_str().into(),
    }
}

fn spend(
    tx: &Transaction,
    region: RegionId,
    start: NaiveDate,
    end: NaiveDate,
    ask: &Ask,
) -> Result<Vec<Spend>, ApiError> {
    let mut stmt = tx
        .prepare(
            "SELECT day, api_key_id, workspace_id, model, cost_micro FROM usage_daily
             WHERE region = ?1 AND day >= ?2 AND day <= ?3",
        )
        .map_err(db_error)?;
    let rows = stmt
        .query_map(
            params![region.as_str(), start.to_string(), end.to_string()],
            |r| <(String, i64, String, String, i64)>::try_from(r),
        )
        .map_err(db_error)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, key, workspace, model, micro)| {
            Some(Spend {
                day: NaiveDate::parse_from_str(&day, billing::DAY_FORMAT).ok()?,
                key: key.to_string(),
                workspace,
                model,
                micro,
            })
        })
        .filter(|s| passes(&ask.filter, |d| s.value(d, region)))
        .collect())
}

fn passes(filter: &[(&'static str, bool, Vec<String>)], value: impl Fn(&str) -> String) -> bool {
    filter.iter().all(|(code, keep, values)| {
        let v = value(code);
        values.iter().any(|x| x.trim() == v) == *keep
    })
}

/// The groups a dimension has even without spend (for `zeroFilter=false`),
/// and every group's display name.
fn names(
    tx: &Transaction,
    region: RegionId,
    dimension: &str,
) -> Result<BTreeMap<String, String>, ApiError> {
    let sql = match dimension {
        DIM_API_KEY_ID => {
            "SELECT CAST(id AS TEXT), CASE WHEN description = '' THEN CAST(id AS TEXT)
             ELSE description END FROM api_keys WHERE region = ?1"
        }
        DIM_BASE_MODEL => "SELECT model, name FROM models WHERE region = ?1",
        DIM_WORKSPACE_ID => "SELECT id, name FROM workspaces WHERE region = ?1",
        other => {
            let v = constant_value(other, region);
            return Ok(BTreeMap::from([(v.clone(), v)]));
        }
    };
    let mut stmt = tx.prepare(sql).map_err(db_error)?;
    let rows = stmt
        .query_map([region.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db_error)?;
    rows.collect::<rusqlite::Result<BTreeMap<String, String>>>()
        .map_err(|e| db_error(e).into())
}

/// The ranked groups: the first `top` by spend, then the merged rest (if any).
struct Ranked {
    /// (key, name, micro over the period)
    groups: Vec<(String, String, i64)>,
    /// Group key -> the key it is reported under (itself or "Others").
    shown_as: HashMap<String, String>,
    total: i64,
}

fn rank(tx: &Transaction, region: RegionId, ask: &Ask, rows: &[Spend]) -> Result<Ranked, ApiError> {
    let names = names(tx, region, ask.group)?;
    let mut sums: HashMap<String, i64> = HashMap::new();
    for r in rows {
        *sums.entry(r.value(ask.group, region)).or_default() += r.micro;
    }
    if !ask.zero_filter {
        // Groups without spend too, as far as the filter on their own
        // dimension admits them (they have no value on the others).
        let own: Vec<_> = ask
            .filter
            .iter()
            .filter(|(d, _, _)| *d == ask.group)
            .cloned()
            .collect();
        for key in names.keys().filter(|k| passes(&own, |_| (*k).clone())) {
            sums.entry(key.clone()).or_default();
        }
    }
    let mut sorted: Vec<(String, i64)> = sums
        .into_iter()
        .filter(|(_, micro)| !ask.zero_filter || *micro != 0)
        .collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let others_name = if ask.zh { "其他" } else { OTHERS_KEY };
    let mut ranked = Ranked {
        groups: Vec::new(),
        shown_as: HashMap::new(),
        total: rows.iter().map(|r| r.micro).sum(),
    };
    let mut rest = 0;
    let merged = sorted.len() > ask.top;
    for (i, (key, micro)) in sorted.into_iter().enumerate() {
        if i < ask.top {
            let name = names.get(&key).cloned().unwrap_or_else(|| key.clone());
            ranked.shown_as.insert(key.clone(), key.clone());
            ranked.groups.push((key, name, micro));
        } else {
            ranked.shown_as.insert(key, OTHERS_KEY.into());
            rest += micro;
        }
    }
    if merged {
        ranked
            .groups
            .push((OTHERS_KEY.into(), others_name.into(), rest));
    }
    Ok(ranked)
}

fn percentage(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0.00".into();
    }
    let hundredths = (part as i128 * 10_000 + whole as i128 / 2) / whole as i128;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn cost(micro: i64) -> CostAmount {
    CostAmount {
        amount: Some(format_amount(micro)),
        currency: Some(CURRENCY.into()),
        pretax_amount: Some(format_amount(micro)),
        tax_amount: Some("0.0000".into()),
    }
}

pub fn trend(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    query: Query,
) -> Result<GetBillingTrendResponseBody, ApiError> {
    require_billing(caller)?;
    let monthly = match codec::value(query, "granularity").map(str::trim) {
        None | Some("") => return Err(ApiError::missing("granularity")),
        Some(g) if g.eq_ignore_ascii_case(GRANULARITY_DAY) => false,
        Some(g) if g.eq_ignore_ascii_case(GRANULARITY_MONTH) => true,
        Some(_) => return Err(ApiError::invalid("granularity", "must be DAY or MONTH")),
    };
    let period: TimePeriod =
        json_param(query, "timePeriod")?.ok_or_else(|| ApiError::missing("timePeriod"))?;
    let start = date_param(period.start.as_deref(), "timePeriod.start")?;
    let end = date_param(period.end.as_deref(), "timePeriod.end")?;
    if end < start || (end - start).num_days() >= 366 {
        return Err(ApiError::invalid(
            "timePeriod",
            "end must follow start, at most a year later",
        ));
    }
    let ask = parse_ask(query, true)?.expect("groupBy is required");
    let rows = spend(tx, region, start, end, &ask)?;
    let ranked = rank(tx, region, &ask, &rows)?;
    let bucket = |d: NaiveDate| {
        if monthly {
            format!("{:04}{:02}", d.year(), d.month())
        } else {
            d.format("%Y%m%d").to_string()
        }
    };
    // Every period of the range, spent in or not, in order.
    let mut periods: BTreeMap<String, HashMap<String, i64>> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .map(|d| (bucket(d), HashMap::new()))
        .collect();
    for r in &rows {
        let group = r.value(ask.group, region);
        let shown = ranked.shown_as.get(&group).cloned().unwrap_or(group);
        *periods
            .entry(bucket(r.day))
            .or_default()
            .entry(shown)
            .or_default() += r.micro;
    }
    let result_by_time = periods
        .into_iter()
        .map(|(period, by_group)| {
            let total: i64 = by_group.values().sum();
            let details = ranked
                .groups
                .iter()
                .filter_map(|(key, name, _)| {
                    let micro = by_group.get(key).copied().unwrap_or(0);
                    (micro != 0 || !ask.zero_filter).then(|| PeriodDetail {
                        amount: Some(format_amount(micro)),
                        key: Some(key.clone()),
                        name: Some(name.clone()),
                        percentage: Some(percentage(micro, total)),
                        pretax_amount: Some(format_amount(micro)),
                        tax_amount: Some("0.0000".into()),
                    })
                })
                .collect();
            ResultByTime {
                period: Some(period),
                period_details: Some(details),
                total: Some(cost(total)),
            }
        })
        .collect();
    Ok(GetBillingTrendResponseBody {
        envelope: envelope(),
        data: Some(BillingTrendData {
            cost_totals: Some(cost(ranked.total)),
            group_by_total: Some(
                ranked
                    .groups
                    .iter()
                    .map(|(key, name, micro)| GroupTotal {
                        amount: Some(format_amount(*micro)),
                        key: Some(key.clone()),
                        name: Some(name.clone()),
                        pretax_amount: Some(format_amount(*micro)),
                        tax_amount: Some("0.0000".into()),
                    })
                    .collect(),
            ),
            result_by_time: Some(result_by_time),
        }),
    })
}

pub fn overview(
    tx: &Transaction,
    caller: &Identity,
    region: RegionId,
    query: Query,
) -> Result<GetBillingOverviewResponseBody, ApiError> {
    require_billing(caller)?;
    let month = codec::value(query, "billMonth").ok_or_else(|| ApiError::missing("billMonth"))?;
    let (start, end) = billing::month_bounds(month)
        .ok_or_else(|| ApiError::invalid("billMonth", "not a month YYYY-MM"))?;
    let ask = parse_ask(query, false)?;
    let everything = Ask {
        group: DIM_MAAS_TYPE,
        filter: Vec::new(),
        top: TOP_NUM_MAX as usize,
        zero_filter: true,
        zh: false,
    };
    let rows = spend(tx, region, start, end, ask.as_ref().unwrap_or(&everything))?;
    let total: i64 = rows.iter().map(|r| r.micro).sum();
    let groups = match &ask {
        None => Vec::new(),
        Some(ask) => rank(tx, region, ask, &rows)?
            .groups
            .into_iter()
            .map(|(key, name, micro)| OverviewGroup {
                amount: Some(format_amount(micro)),
                article_codes: Some(vec!["bailian_inference".into()]),
                key: Some(key),
                name: Some(name),
                percentage: Some(percentage(micro, total)),
            })
            .collect(),
    };
    Ok(GetBillingOverviewResponseBody {
        envelope: envelope(),
        data: Some(BillingOverviewData {
            currency: Some(CURRENCY.into()),
            groups: Some(groups),
            pretax_amount: Some(format_amount(total)),
            tax_amount: Some("0.0000".into()),
            total_amount: Some(format_amount(total)),
        }),
    })
}
