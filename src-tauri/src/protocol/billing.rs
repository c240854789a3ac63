//! Billing (GetBillingTrend, GetBillingOverview): request shapes and answer
//! bodies, field for field as the official SDK's
//! `models/` has them.
//!
//! The structured parameters (`groupBy`, `filter`, `timePeriod`) travel as
//! compact JSON strings in the query, as the SDK's "shrink" requests send
//! them (`array_to_string_with_specified_style(..., 'json')`). The same
//! structs decode them on the sandbox side, so both ends read one shape.
//! Amounts are decimal strings and stay strings: nobody re-adds them.

use super::codec::Pairs;
use super::requests::push;
use super::wire::Envelope;
use serde::{Deserialize, Serialize};

/// Dimension codes for `groupBy[].code` and `filter.dimensions[].code`.
pub const DIM_API_KEY_ID: &str = "API_KEY_ID";
pub const DIM_BASE_MODEL: &str = "BASE_MODEL";
pub const DIM_WORKSPACE_ID: &str = "WORKSPACE_ID";
pub const DIM_MAAS_TYPE: &str = "MAAS_TYPE";
pub const DIM_FEE_TYPE: &str = "FEE_TYPE";
pub const DIM_CHARGE_TYPE: &str = "CHARGE_TYPE";
pub const DIM_BUSINESS_REGION: &str = "BUSINESS_REGION";
pub const DIMENSIONS: [&str; 7] = [
    DIM_MAAS_TYPE,
    DIM_BASE_MODEL,
    DIM_API_KEY_ID,
    DIM_WORKSPACE_ID,
    DIM_FEE_TYPE,
    DIM_CHARGE_TYPE,
    DIM_BUSINESS_REGION,
];

/// `filter.dimensions[].selectType`.
pub const SELECT_IN: &str = "IN";
pub const SELECT_NOT: &str = "NOT";
/// `granularity`.
pub const GRANULARITY_DAY: &str = "DAY";
pub const GRANULARITY_MONTH: &str = "MONTH";
/// The most groups one answer lists (`topNum`); the rest are merged into one.
pub const TOP_NUM_MAX: i64 = 20;
/// The key (and English name) of the merged group past `topNum`.
pub const OTHERS_KEY: &str = "Others";

/// Whether a group is the merge of those past `topNum`, not a real group.
pub fn is_others(key: Option<&str>) -> bool {
    key.is_some_and(|k| k.eq_ignore_ascii_case(OTHERS_KEY) || k.eq_ignore_ascii_case("Other"))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupBy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl GroupBy {
    pub fn code(code: &str) -> Self {
        GroupBy {
            code: Some(code.into()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterDimension {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `IN` or `NOT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Vec<FilterDimension>>,
}

impl FilterDimension {
    /// `code` `IN` (`keep`) or `NOT` the values.
    pub fn new(code: &str, keep: bool, values: Vec<String>) -> Self {
        FilterDimension {
            code: Some(code.into()),
            select_type: Some(if keep { SELECT_IN } else { SELECT_NOT }.into()),
            values: Some(values),
        }
    }
}

impl BillingFilter {
    /// One dimension, `IN` (`keep`) or `NOT` the values.
    pub fn one(code: &str, keep: bool, values: Vec<String>) -> Self {
        BillingFilter {
            dimensions: Some(vec![FilterDimension::new(code, keep, values)]),
        }
    }
}

/// `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimePeriod {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
}

/// The SDK's JSON style for a structured query parameter.
fn push_json(out: &mut Pairs, key: &str, value: &Option<impl Serialize>) {
    if let Some(v) = value {
        out.push((
            key.to_string(),
            serde_json::to_string(v).unwrap_or_default(),
        ));
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBillingTrendRequest {
    pub filter: Option<BillingFilter>,
    /// `DAY` or `MONTH` (required).
    pub granularity: Option<String>,
    /// Exactly one element (required).
    pub group_by: Option<Vec<GroupBy>>,
    /// `en-US` (default) or `zh-CN`.
    pub locale: Option<String>,
    pub region_id: Option<String>,
    /// Required.
    pub time_period: Option<TimePeriod>,
    /// 1 to 20, default 20.
    pub top_num: Option<i64>,
    /// Default true: groups with no spend are left out.
    pub zero_filter: Option<bool>,
}

impl GetBillingTrendRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push_json(&mut q, "filter", &self.filter);
        push(&mut q, "granularity", &self.granularity);
        push_json(&mut q, "groupBy", &self.group_by);
        push(&mut q, "locale", &self.locale);
        push(&mut q, "regionId", &self.region_id);
        push_json(&mut q, "timePeriod", &self.time_period);
        push(&mut q, "topNum", &self.top_num);
        push(&mut q, "zeroFilter", &self.zero_filter);
        q
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBillingOverviewRequest {
    /// `YYYY-MM`.
    pub bill_month: Option<String>,
    pub filter: Option<BillingFilter>,
    pub group_by: Option<Vec<GroupBy>>,
    pub locale: Option<String>,
    pub region_id: Option<String>,
    pub top_num: Option<i64>,
    pub zero_filter: Option<bool>,
}

impl GetBillingOverviewRequest {
    pub fn query(&self) -> Pairs {
        let mut q = Vec::new();
        push(&mut q, "billMonth", &self.bill_month);
        push_json(&mut q, "filter", &self.filter);
        push_json(&mut q, "groupBy", &self.group_by);
        push(&mut q, "locale", &self.locale);
        push(&mut q, "regionId", &self.region_id);
        push(&mut q, "topNum", &self.top_num);
        push(&mut q, "zeroFilter", &self.zero_filter);
        q
    }
}

// ---- answers ----

/// `costTotals` and `resultByTime[].total`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostAmount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretax_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<String>,
}

/// `resultByTime[].periodDetails[]`: one group's cost in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretax_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultByTime {
    /// `yyyyMMdd` (DAY) or `yyyyMM` (MONTH).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_details: Option<Vec<PeriodDetail>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<CostAmount>,
}

/// `groupByTotal[]`: one group's cost over the whole period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupTotal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretax_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingTrendData {
    /// One object, not a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_totals: Option<CostAmount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by_total: Option<Vec<GroupTotal>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_by_time: Option<Vec<ResultByTime>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBillingTrendResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<BillingTrendData>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverviewGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingOverviewData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<OverviewGroup>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretax_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_amount: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetBillingOverviewResponseBody {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<BillingOverviewData>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_parameters_go_as_compact_json_like_the_sdk() {
        let q = GetBillingTrendRequest {
            granularity: Some(GRANULARITY_DAY.into()),
            group_by: Some(vec![GroupBy::code(DIM_API_KEY_ID)]),
            filter: Some(BillingFilter::one(
                DIM_API_KEY_ID,
                true,
                vec!["7".into(), "9".into()],
            )),
            time_period: Some(TimePeriod {
                start: Some("2026-11-01".into()),
                end: Some("2026-11-30".into()),
            }),
            top_num: Some(20),
            zero_filter: Some(true),
            ..Default::default()
        }
        .query();
        let got: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            got,
            vec![
                r#"filter={"dimensions":[{"code":"API_KEY_ID","selectType":"IN","values":["7","9"]}]}"#,
                "granularity=DAY",
                r#"groupBy=[{"code":"API_KEY_ID"}]"#,
                r#"timePeriod={"end":"2026-11-30","start":"2026-11-01"}"#,
                "topNum=20",
                "zeroFilter=true",
            ]
        );
    }

    #[test]
    fn the_documented_trend_answer_parses() {
        let body = r#"{"requestId":"r","success":true,"code":"200","message":"",
          "data":{"costTotals":{"amount":"12.34","currency":"CNY","pretaxAmount":"12.34","taxAmount":"0.00"},
            "groupByTotal":[{"key":"42","name":"prod","amount":"12.30"},{"key":"Others","name":"Others","amount":"0.04"}],
            "resultByTime":[{"period":"20261130","total":{"amount":"1.00","currency":"CNY"},
              "periodDetails":[{"key":"42","name":"prod","amount":"1.00","percentage":"100.00"}]}]}}"#;
        let parsed: GetBillingTrendResponseBody = serde_json::from_str(body).unwrap();
        let data = parsed.data.unwrap();
        assert_eq!(data.cost_totals.unwrap().amount.as_deref(), Some("12.34"));
        let groups = data.group_by_total.unwrap();
        assert!(!is_others(groups[0].key.as_deref()) && is_others(groups[1].key.as_deref()));
        assert_eq!(
            data.result_by_time.unwrap()[0].period.as_deref(),
            Some("20261130")
        );
    }
}
