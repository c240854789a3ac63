//! What calls cost: the price list, recording metered spend, and the demo
//! world's history.
//!
//! Spend is kept in millionths of a yuan (integers, so sums are exact) per
//! key, workspace, model and billing day (`domain::billing`: UTC+8). The
//! billing answers (`billing.rs`) round only when they print.
//!
//! History: the demo keys get plausible spend for the 90 days before the
//! day the database was first topped up (its anchor), and every start (and
//! every billing answer) tops it up to yesterday so it never goes stale. Each day's figures come from
//! an RNG seeded by region, plan and day: the same date gives the same bill.

use super::db::{db_error, Db};
use crate::domain::billing;
use crate::Result;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

/// The bill's currency: the sandbox account is a China-site account.
pub const CURRENCY: &str = "CNY";

/// Price per 1,000 tokens in millionths of a yuan: (model, input, output).
/// Plausible list prices, not a quote.
pub const PRICES: &[(&str, i64, i64)] = &[
    ("qwen-max", 2400, 9600),
    ("qwen-plus", 800, 2000),
    ("qwen-turbo", 300, 600),
    ("qwen-flash", 150, 1500),
    ("text-embedding-v4", 500, 0),
    ("qwen3-coder-plus", 4000, 16000),
    ("qwen-vl-max", 3000, 9000),
    ("qwen-long", 500, 2000),
];

/// What `input` and `output` tokens of `model` cost, in millionths of a yuan.
pub fn cost_micro(model: &str, input: i64, output: i64) -> i64 {
    let (_, pin, pout) = PRICES
        .iter()
        .find(|(m, _, _)| *m == model)
        .copied()
        .unwrap_or(("", 1000, 1000));
    (input * pin + output * pout + 500) / 1000
}

/// Millionths of a yuan as the bill prints them: yuan with four decimals
/// (one chat call costs fractions of a cent), half rounded up.
pub fn format_amount(micro: i64) -> String {
    let units = (micro + 50).div_euclid(100);
    format!("{}.{:04}", units / 10_000, units % 10_000)
}

/// One metered use, added to its day's row.
pub struct Usage<'a> {
    pub region: &'a str,
    pub day: NaiveDate,
    pub api_key_id: i64,
    pub workspace_id: &'a str,
    pub model: &'a str,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

pub fn record(tx: &Transaction, u: &Usage<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO usage_daily (region, day, api_key_id, workspace_id, model, requests,
            input_tokens, output_tokens, cost_micro)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (region, day, api_key_id, workspace_id, model) DO UPDATE SET
            requests = requests + excluded.requests,
            input_tokens = input_tokens + excluded.input_tokens,
            output_tokens = output_tokens + excluded.output_tokens,
            cost_micro = cost_micro + excluded.cost_micro",
        params![
            u.region,
            u.day.format(billing::DAY_FORMAT).to_string(),
            u.api_key_id,
            u.workspace_id,
            u.model,
            u.requests,
            u.input_tokens,
            u.output_tokens,
            cost_micro(u.model, u.input_tokens, u.output_tokens),
        ],
    )
    .map_err(db_error)?;
    Ok(())
}

/// How a demo key spends, by the description the demo world gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Every day, three models, less at weekends.
    Busy,
    /// Spent until 45 days before the anchor, nothing since: the idle key.
    Retired,
    /// Spent until 60 days before the anchor, then was disabled.
    Paused,
    /// A little every weekday, and one expensive day 12 days before the anchor.
    Spike,
}

/// Days of history written before the anchor.
pub const HISTORY_DAYS: i64 = 90;
/// The retired key's last spend is this many days before the anchor.
pub const RETIRED_SILENT_DAYS: i64 = 45;
const PAUSED_SILENT_DAYS: i64 = 60;
/// The spike is this many days before the anchor.
pub const SPIKE_DAYS_BEFORE: i64 = 12;

impl Plan {
    const ALL: [(Plan, &'static str, &'static str); 4] = [
        (Plan::Busy, "busy", "Production backend"),
        (Plan::Retired, "retired", "Old key from before the upgrade"),
        (Plan::Paused, "paused", "Paused experiment"),
        (Plan::Spike, "spike", "Office network only"),
    ];

    fn name(self) -> &'static str {
        Plan::ALL.iter().find(|(p, _, _)| *p == self).unwrap().1
    }

    fn from_name(name: &str) -> Option<Plan> {
        Plan::ALL
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(p, _, _)| *p)
    }

    /// A day's use of each model: (model, requests, input tokens, output tokens).
    fn day(
        self,
        region: &str,
        day: NaiveDate,
        anchor: NaiveDate,
    ) -> Vec<(&'static str, i64, i64, i64)> {
        let mut rng = rng_for(region, self.name(), day);
        let before_anchor = (anchor - day).num_days();
        let weekend = matches!(
            chrono::Datelike::weekday(&day),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        );
        let mut scaled = |lo: i64, hi: i64, per_in: i64, per_out: i64| {
            let mut n = rng.random_range(lo..=hi);
            if weekend {
                n = n * 2 / 5;
            }
            let jitter = rng.random_range(80..=120);
            (n, n * per_in * jitter / 100, n * per_out * jitter / 100)
        };
        let mut out = Vec::new();
        let mut push = |model, (n, i, o): (i64, i64, i64)| {
            if n > 0 {
                out.push((model, n, i, o));
            }
        };
        match self {
            Plan::Busy => {
                push("qwen-plus", scaled(800, 1400, 1200, 400));
                push("qwen-max", scaled(50, 120, 2000, 600));
                push("qwen-turbo", scaled(300, 600, 500, 150));
            }
            Plan::Retired if before_anchor > RETIRED_SILENT_DAYS => {
                push("qwen-turbo", scaled(100, 200, 600, 200));
            }
            Plan::Paused if before_anchor > PAUSED_SILENT_DAYS => {
                push("qwen-plus", scaled(50, 150, 900, 300));
            }
            Plan::Spike => {
                if !weekend {
                    push("qwen-plus", scaled(100, 300, 800, 250));
                }
                if before_anchor == SPIKE_DAYS_BEFORE {
                    push("qwen-max", (4000, 24_000_000, 8_000_000));
                }
            }
            Plan::Retired | Plan::Paused => {}
        }
        out
    }
}

fn rng_for(region: &str, plan: &str, day: NaiveDate) -> rand::rngs::StdRng {
    let digest = Sha256::digest(format!("{region}|{plan}|{day}").as_bytes());
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&digest);
    rand::rngs::StdRng::from_seed(seed)
}

fn meta_text(tx: &Transaction, key: &str) -> Result<Option<String>> {
    tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .map_err(db_error)
}

fn set_meta_text(tx: &Transaction, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map_err(db_error)?;
    Ok(())
}

/// The demo keys' plans, chosen once per database: the first key of each
/// region with a demo description (a database from before v3 included).
fn assign_plans(tx: &Transaction) -> Result<()> {
    if meta_text(tx, "usage_plans_assigned")?.is_some() {
        return Ok(());
    }
    for (_, name, description) in Plan::ALL {
        tx.execute(
            "INSERT OR IGNORE INTO usage_plans (api_key_id, plan)
             SELECT min(id), ?1 FROM api_keys WHERE description = ?2 GROUP BY region",
            params![name, description],
        )
        .map_err(db_error)?;
    }
    set_meta_text(tx, "usage_plans_assigned", "1")
}

/// Writes the demo keys' spend for every day not yet written, up to the day
/// before `today`: 90 days on first use, the days since the last start after.
/// One transaction, so two processes opening one database never both write
/// a day.
pub fn top_up(db: &Db, today: NaiveDate) -> Result<()> {
    db.write(|tx| -> Result<()> {
        assign_plans(tx)?;
        let day = |s: Option<String>| {
            s.and_then(|s| NaiveDate::parse_from_str(&s, billing::DAY_FORMAT).ok())
        };
        let anchor = match day(meta_text(tx, "usage_anchor")?) {
            Some(a) => a,
            None => {
                set_meta_text(tx, "usage_anchor", &today.to_string())?;
                today
            }
        };
        let last = today.pred_opt().unwrap_or(today);
        let first = day(meta_text(tx, "usage_through")?)
            .and_then(|d| d.succ_opt())
            .unwrap_or(anchor - chrono::Days::new(HISTORY_DAYS as u64));
        if first > last {
            return Ok(());
        }
        let mut stmt = tx
            .prepare(
                "SELECT p.api_key_id, p.plan, k.region, k.workspace_id, k.gmt_create
                 FROM usage_plans p JOIN api_keys k ON k.id = p.api_key_id",
            )
            .map_err(db_error)?;
        let keys = stmt
            .query_map([], |r| <(i64, String, String, String, i64)>::try_from(r))
            .map_err(db_error)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db_error)?;
        for (id, plan, region, workspace_id, created) in keys {
            let Some(plan) = Plan::from_name(&plan) else {
                continue;
            };
            // A key cannot have spent before it existed.
            let born = billing::day_of_millis(created).unwrap_or(first);
            for d in first.iter_days().take_while(|d| *d <= last) {
                if d < born {
                    continue;
                }
                for (model, requests, input_tokens, output_tokens) in plan.day(&region, d, anchor) {
                    record(
                        tx,
                        &Usage {
                            region: &region,
                            day: d,
                            api_key_id: id,
                            workspace_id: &workspace_id,
                            model,
                            requests,
                            input_tokens,
                            output_tokens,
                        },
                    )?;
                }
            }
        }
        set_meta_text(tx, "usage_through", &last.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_in_yuan_with_four_decimals_rounded_half_up() {
        assert_eq!(format_amount(0), "0.0000");
        assert_eq!(format_amount(49), "0.0000");
        assert_eq!(format_amount(50), "0.0001");
        assert_eq!(format_amount(123_456_789), "123.4568");
        // 1,000 qwen-max input tokens cost 0.0024 yuan.
        assert_eq!(cost_micro("qwen-max", 1000, 0), 2400);
    }

    #[test]
    fn the_same_day_gives_the_same_figures_and_the_plans_differ() {
        let anchor = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let day = anchor - chrono::Days::new(3);
        assert_eq!(
            Plan::Busy.day("cn-beijing", day, anchor),
            Plan::Busy.day("cn-beijing", day, anchor)
        );
        assert!(Plan::Retired.day("cn-beijing", day, anchor).is_empty());
        let long_ago = anchor - chrono::Days::new(80);
        let monday = long_ago
            + chrono::Days::new(
                (7 - chrono::Datelike::weekday(&long_ago).num_days_from_monday() as u64) % 7,
            );
        assert!(!Plan::Retired.day("cn-beijing", monday, anchor).is_empty());
        let spike = anchor - chrono::Days::new(SPIKE_DAYS_BEFORE as u64);
        assert!(Plan::Spike
            .day("cn-beijing", spike, anchor)
            .iter()
            .any(|(m, ..)| *m == "qwen-max"));
    }

    fn spend_by_plan(db: &Db, from: NaiveDate) -> Vec<(String, String, i64)> {
        db.read(|tx| -> Result<_> {
            let mut stmt = tx
                .prepare(
                    "SELECT p.plan, u.day, sum(u.cost_micro) FROM usage_daily u
                     JOIN usage_plans p ON p.api_key_id = u.api_key_id
                     WHERE u.region = 'cn-beijing' AND u.day >= ?1
                     GROUP BY p.plan, u.day ORDER BY p.plan, u.day",
                )
                .map_err(db_error)?;
            let rows = stmt
                .query_map([from.to_string()], |r| <(String, String, i64)>::try_from(r))
                .map_err(db_error)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db_error)
        })
        .unwrap()
    }

    #[test]
    fn history_has_its_shape_and_a_later_start_fills_the_missing_days_alike() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::sandbox::open_db(&dir.path().join("s.db")).unwrap();
        let today = billing::day_of(chrono::Utc::now());
        let days_ago = |n: u64| today - chrono::Days::new(n);
        let all = spend_by_plan(&db, days_ago(HISTORY_DAYS as u64));
        let days_of = |plan: &str| -> Vec<&(String, String, i64)> {
            all.iter().filter(|(p, _, _)| p == plan).collect()
        };
        // Busy every day up to yesterday; nothing today (only real calls count).
        assert_eq!(days_of("busy").len(), HISTORY_DAYS as usize);
        assert_eq!(days_of("busy").last().unwrap().1, days_ago(1).to_string());
        // The retired key: spend long ago, none in its last 45 days.
        let retired = days_of("retired");
        assert!(!retired.is_empty());
        let silent_since = days_ago(RETIRED_SILENT_DAYS as u64).to_string();
        assert!(retired.iter().all(|(_, day, _)| *day < silent_since));
        // One spike of more than 100 yuan.
        let spike_day = days_ago(SPIKE_DAYS_BEFORE as u64).to_string();
        let spike = days_of("spike");
        assert!(spike
            .iter()
            .any(|(_, d, m)| *d == spike_day && *m > 100_000_000));
        assert!(spike
            .iter()
            .filter(|(_, d, _)| *d != spike_day)
            .all(|(_, _, m)| *m < 10_000_000));

        // The last five days lost, as if the app had not run since: a start
        // writes them again, the same figures (the RNG is seeded by the day).
        let recent = spend_by_plan(&db, days_ago(5));
        db.write(|tx| -> Result<()> {
            tx.execute(
                "DELETE FROM usage_daily WHERE day >= ?1",
                [days_ago(5).to_string()],
            )
            .map_err(db_error)?;
            set_meta_text(tx, "usage_through", &days_ago(6).to_string())
        })
        .unwrap();
        assert!(spend_by_plan(&db, days_ago(5)).is_empty());
        top_up(&db, today).unwrap();
        assert_eq!(spend_by_plan(&db, days_ago(5)), recent);
        // And again changes nothing.
        top_up(&db, today).unwrap();
        assert_eq!(spend_by_plan(&db, days_ago(HISTORY_DAYS as u64)), all);
    }
}
