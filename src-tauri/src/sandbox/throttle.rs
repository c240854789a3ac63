//! A workspace's own model limits (`limits.rs`, set with UpdateModelLimits),
//! enforced on the chat path as Model Studio does: every call with any key of
//! the workspace counts against the workspace's window for that model.
//!
//! Windows are fixed and aligned to their period (a minute, an hour or a day
//! from the Unix epoch, so an hour window starts on the hour in UTC). Requests
//! count one per call when it is admitted; tokens count `total_tokens` (the
//! limit's `usageLimitField`) as they are answered. A call is admitted while
//! the window's count is below the limit, so the call that crosses a limit is
//! served and later ones are refused with 429 until the window rolls over.
//! Only a workspace with a limit of its own counts; removing the limit drops
//! its windows, and so does a change that drops one kind or changes its
//! period (triggers in the schema, v5).

use super::apierror::DashError;
use super::db::db_error;
use super::limits;
use rusqlite::{params, OptionalExtension, Transaction};

/// What a window counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Metric {
    Requests,
    Tokens,
}

impl Metric {
    fn column(self) -> &'static str {
        match self {
            Metric::Requests => "requests",
            Metric::Tokens => "tokens",
        }
    }

    /// The 429 once the window is full: `code` (and `type`) DashScope's own
    /// for requests; for tokens the sandbox's choice, named in README.
    /// `apierror.rs` answers a 429 in the compatible mode's error object.
    fn refusal(self) -> DashError {
        let (code, what) = match self {
            Metric::Requests => ("limit_requests", "request"),
            Metric::Tokens => ("limit_tokens", "token"),
        };
        DashError {
            status: 429,
            code,
            message: format!(
                "You have exceeded your current {what} limit. The workspace's limit for this \
                 model allows more when its window rolls over."
            ),
        }
    }
}

/// One limit of the workspace's own: at most `limit` per `period` seconds.
#[derive(Clone, Copy, Debug)]
struct Limit {
    metric: Metric,
    limit: i64,
    period: i64,
}

/// The start of the window of `period` seconds that holds `now`.
fn window_start(now: i64, period: i64) -> i64 {
    now - now.rem_euclid(period.max(1))
}

fn own_limits(tx: &Transaction, workspace_id: &str, model: &str) -> Result<Vec<Limit>, DashError> {
    let Some(own) = limits::own_limit(tx, workspace_id, model)? else {
        return Ok(Vec::new());
    };
    let pairs = [
        (
            Metric::Requests,
            own.request_limit,
            own.request_limit_period,
        ),
        (Metric::Tokens, own.usage_limit, own.usage_limit_period),
    ];
    Ok(pairs
        .into_iter()
        .filter_map(|(metric, limit, period)| {
            Some(Limit {
                metric,
                limit: limit?,
                period: period?,
            })
        })
        .collect())
}

/// What the current window of `limit` has counted so far.
fn used(
    tx: &Transaction,
    workspace_id: &str,
    model: &str,
    limit: &Limit,
    now: i64,
) -> Result<i64, DashError> {
    let used = tx
        .query_row(
            "SELECT used FROM limit_windows
             WHERE workspace_id = ?1 AND model = ?2 AND metric = ?3 AND window_start = ?4",
            params![
                workspace_id,
                model,
                limit.metric.column(),
                window_start(now, limit.period)
            ],
            |r| r.get::<_, i64>(0),
        )
        .optional()
        .map_err(db_error)?;
    Ok(used.unwrap_or(0))
}

/// Refuses the call with 429 when a window of the workspace's limits of
/// `model` is already full; otherwise counts it as one request.
pub fn admit(tx: &Transaction, workspace_id: &str, model: &str, now: i64) -> Result<(), DashError> {
    let limits = own_limits(tx, workspace_id, model)?;
    for limit in &limits {
        if used(tx, workspace_id, model, limit, now)? >= limit.limit {
            return Err(limit.metric.refusal());
        }
    }
    add(tx, workspace_id, model, &limits, Metric::Requests, 1, now)
}

/// Counts `tokens` answered against the workspace's token windows of `model`.
pub fn count_tokens(
    tx: &Transaction,
    workspace_id: &str,
    model: &str,
    tokens: i64,
    now: i64,
) -> Result<(), DashError> {
    let limits = own_limits(tx, workspace_id, model)?;
    add(
        tx,
        workspace_id,
        model,
        &limits,
        Metric::Tokens,
        tokens,
        now,
    )
}

fn add(
    tx: &Transaction,
    workspace_id: &str,
    model: &str,
    limits: &[Limit],
    metric: Metric,
    amount: i64,
    now: i64,
) -> Result<(), DashError> {
    for limit in limits.iter().filter(|l| l.metric == metric) {
        // A row from an older window (or another period) starts over.
        tx.execute(
            "INSERT INTO limit_windows (workspace_id, model, metric, window_start, used)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (workspace_id, model, metric) DO UPDATE SET
                 used = CASE WHEN window_start = excluded.window_start
                             THEN used + excluded.used ELSE excluded.used END,
                 window_start = excluded.window_start",
            params![
                workspace_id,
                model,
                metric.column(),
                window_start(now, limit.period),
                amount
            ],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_to_their_period() {
        // One second before the hour, and the hour.
        let before = 1_796_551_199;
        assert_eq!(window_start(before, 3_600), before - 3_599);
        assert_eq!(window_start(before + 1, 3_600), before + 1);
        assert_eq!(window_start(before, 60), before - 59);
        // A day window starts at 00:00 UTC: 1_796_515_200 is a multiple of 86 400.
        assert_eq!(window_start(before, 86_400), 1_796_515_200);
    }
}
