//! What a billing request asks: its structured parameters (JSON strings in
//! the query, as the SDK sends them) read and checked as the service does.

use super::super::apierror::ApiError;
use crate::domain::billing;
use crate::protocol::billing::*;
use crate::protocol::codec;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

type Query<'a> = &'a [(String, String)];

/// A structured parameter: a JSON string in the query, as the SDK sends it.
pub(super) fn json_param<T: DeserializeOwned>(
    query: Query,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match codec::value(query, name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(text) => serde_json::from_str(text)
            .map(Some)
            .map_err(|_| ApiError::invalid(name, "not the JSON this parameter takes")),
    }
}

pub(super) fn date_param(value: Option<&str>, name: &str) -> Result<NaiveDate, ApiError> {
    let text = value.ok_or_else(|| ApiError::missing(name))?;
    NaiveDate::parse_from_str(text.trim(), billing::DAY_FORMAT)
        .map_err(|_| ApiError::invalid(name, "not a date YYYY-MM-DD"))
}

/// What every billing request shares: the grouping, the filter and the limits.
pub(super) struct Ask {
    pub group: &'static str,
    pub filter: Vec<(&'static str, bool, Vec<String>)>,
    pub top: usize,
    pub zero_filter: bool,
    pub zh: bool,
}

fn known_dimension(code: Option<&str>, field: &str) -> Result<&'static str, ApiError> {
    let code = code.map(str::trim).unwrap_or("");
    DIMENSIONS
        .iter()
        .find(|d| d.eq_ignore_ascii_case(code))
        .copied()
        .ok_or_else(|| ApiError::invalid(field, format!("'{code}' is not a dimension code")))
}

pub(super) fn parse_ask(query: Query, group_required: bool) -> Result<Option<Ask>, ApiError> {
    let group_by: Option<Vec<GroupBy>> = json_param(query, "groupBy")?;
    let group = match group_by {
        None if group_required => return Err(ApiError::missing("groupBy")),
        None => None,
        Some(g) if g.len() != 1 => {
            return Err(ApiError::invalid(
                "groupBy",
                "must hold exactly one element",
            ))
        }
        Some(g) => Some(known_dimension(g[0].code.as_deref(), "groupBy.code")?),
    };
    let mut filter = Vec::new();
    if let Some(f) = json_param::<BillingFilter>(query, "filter")? {
        for d in f.dimensions.unwrap_or_default() {
            let code = known_dimension(d.code.as_deref(), "filter.dimensions.code")?;
            let keep = match d.select_type.as_deref().map(str::trim).unwrap_or(SELECT_IN) {
                t if t.eq_ignore_ascii_case(SELECT_IN) => true,
                t if t.eq_ignore_ascii_case(SELECT_NOT) => false,
                _ => {
                    return Err(ApiError::invalid(
                        "filter.dimensions.selectType",
                        "must be IN or NOT",
                    ))
                }
            };
            filter.push((code, keep, d.values.unwrap_or_default()));
        }
    }
    let top = match codec::value(query, "topNum")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => TOP_NUM_MAX as usize,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=TOP_NUM_MAX).contains(n))
            .ok_or_else(|| ApiError::invalid("topNum", "must be from 1 to 20"))?
            as usize,
    };
    let zero_filter = match codec::value(query, "zeroFilter").map(str::trim) {
        None | Some("") => true,
        // The Python SDK sends `True`/`False`.
        Some(s) if s.eq_ignore_ascii_case("true") => true,
        Some(s) if s.eq_ignore_ascii_case("false") => false,
        Some(_) => return Err(ApiError::invalid("zeroFilter", "must be true or false")),
    };
    let zh = codec::value(query, "locale").is_some_and(|l| l.eq_ignore_ascii_case("zh-CN"));
    Ok(group.map(|group| Ask {
        group,
        filter,
        top,
        zero_filter,
        zh,
    }))
}
