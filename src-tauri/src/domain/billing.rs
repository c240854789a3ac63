//! The billing calendar, in one place: which day a moment belongs to on the
//! bill, and the periods `skm cost` and the app ask about.
//!
//! Alibaba Cloud China bills by the day in China Standard Time, so a billing
//! day runs from 00:00 to 24:00 UTC+8 whatever the computer's own zone is.
//! The sandbox buckets its spend by the same days, and `services::costs`
//! asks for periods of these days, so the two can never be a day apart.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// The bill's time zone: UTC+8 (China Standard Time, no daylight saving).
pub const BILLING_UTC_OFFSET_SECS: i32 = 8 * 3600;
/// How the zone is written for people (`skm cost`, the app's period line).
pub const BILLING_TIME_ZONE: &str = "UTC+08:00";
/// The most days one period may span (the trend API answers up to a year).
pub const MAX_PERIOD_DAYS: u32 = 365;
/// The API's day format in `timePeriod`, and ours in every view.
pub const DAY_FORMAT: &str = "%Y-%m-%d";

pub fn zone() -> FixedOffset {
    FixedOffset::east_opt(BILLING_UTC_OFFSET_SECS).expect("a valid fixed offset")
}

/// The billing day `now` falls in.
pub fn day_of(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone()).date_naive()
}

/// The billing day of an epoch-milliseconds instant (a key's `gmtCreate`).
pub fn day_of_millis(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(day_of)
}

/// Epoch milliseconds at which billing day `day` begins.
pub fn day_start_millis(day: NaiveDate) -> i64 {
    zone()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has no gaps")
        .timestamp_millis()
}

/// The last `days` billing days up to and including the day of `now`.
pub fn last_days(days: u32, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let end = day_of(now);
    let start = end - chrono::Days::new(u64::from(days.max(1) - 1));
    (start, end)
}

/// Parses a bill month `YYYY-MM` into its first and last day.
pub fn month_bounds(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, m) = month.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next.pred_opt()?))
}

/// `YYYY-MM` of a day.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_billing_day_starts_at_midnight_in_china() {
        // 16:00 UTC is already the next day in UTC+8.
        let late = Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap();
        assert_eq!(day_of(late), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let before = Utc.with_ymd_and_hms(2026, 11, 29, 15, 59, 59).unwrap();
        assert_eq!(
            day_of(before),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(day_start_millis(day), late.timestamp_millis());
    }

    #[test]
    fn periods_count_today_and_months_their_own_days() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let (start, end) = last_days(30, now);
        assert_eq!((end - start).num_days(), 29);
        assert_eq!(end, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let (first, last) = month_bounds("2028-02").unwrap();
        assert_eq!(last.day(), 29);
        assert_eq!(first.day(), 1);
        assert_eq!(month_of(first), "2028-02");
        for bad in ["2026-13", "2026-2", "26-02", "2026/02", ""] {
            assert!(month_bounds(bad).is_none(), "{bad}");
        }
    }
}
