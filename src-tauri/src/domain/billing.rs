//! The billing calendar, in one place: which day a moment belongs to on the
//! bill, the periods `skm cost` and the app ask about, and its amounts held
//! exactly (`Amount`).
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

/// An amount as the bill writes it (`"123.4567"`), held exactly: a whole
/// number of `10^-scale` units. Never a float, so a budget compares to its
/// last digit (80.0000 of 100.0000 is 80 %, 79.9999 is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    units: i128,
    scale: u32,
}

/// The most digits on either side of the point an amount may have.
const AMOUNT_DIGITS_MAX: usize = 18;

impl Amount {
    /// `123`, `123.4567`, `-0.5`; nothing else (no exponent, sign `+`, spaces
    /// inside, or a point without digits after it).
    pub fn parse(text: &str) -> Option<Amount> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) if !f.is_empty() => (w, f),
            Some(_) => return None,
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > AMOUNT_DIGITS_MAX
            || fraction.len() > AMOUNT_DIGITS_MAX
            || !all_digits(whole)
            || !all_digits(fraction)
        {
            return None;
        }
        let units: i128 = format!("{whole}{fraction}").parse().ok()?;
        Some(Amount {
            units: if negative { -units } else { units },
            scale: fraction.len() as u32,
        })
    }

    pub fn is_positive(self) -> bool {
        self.units > 0
    }

    fn at_scale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }

    /// Whether this is at least `percent` % of `whole`.
    pub fn reaches(self, percent: u32, whole: Amount) -> bool {
        let scale = self.scale.max(whole.scale);
        self.at_scale(scale) * 100 >= whole.at_scale(scale) * i128::from(percent)
    }

    /// The whole percent of `whole` this is, rounded down; `None` for a whole of zero or less.
    pub fn percent_of(self, whole: Amount) -> Option<i128> {
        let scale = self.scale.max(whole.scale);
        let whole = whole.at_scale(scale);
        (whole > 0).then(|| self.at_scale(scale) * 100 / whole)
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale).cmp(&other.at_scale(scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_reached_to_the_last_digit_never_through_a_float() {
        let budget = Amount::parse("100.0000").unwrap();
        assert!(Amount::parse("80.0000").unwrap().reaches(80, budget));
        assert!(!Amount::parse("79.9999").unwrap().reaches(80, budget));
        assert!(
            Amount::parse("80").unwrap().reaches(80, budget),
            "scales differ"
        );
        assert!(Amount::parse("100.00001").unwrap().reaches(100, budget));
        assert!(!Amount::parse("99.99999").unwrap().reaches(100, budget));
        assert_eq!(Amount::parse("85.5").unwrap().percent_of(budget), Some(85));
        assert_eq!(
            Amount::parse("1")
                .unwrap()
                .percent_of(Amount::parse("0").unwrap()),
            None
        );
        assert!(Amount::parse("20.5").unwrap() > Amount::parse("20.4999").unwrap());
        for bad in ["", "1.", ".5", "1e3", "+1", "1,5", "1 000", "abc", "1.2.3"] {
            assert_eq!(Amount::parse(bad), None, "{bad}");
        }
    }

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
