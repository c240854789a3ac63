//! `skm cost` and `skm keys idle`: one `Studio` operation each, printed.

use super::{context, output, GlobalArgs};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n;
use crate::services::costs::views::{BillingPeriod, CostGroup, CostPeriod, SpendAlertView};
use crate::services::Studio;
use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    Key,
    Model,
    Workspace,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// What one row is.
    #[arg(long, value_enum, default_value = "key")]
    pub by: By,
    /// The last N billing days, today included (default 30).
    #[arg(long, conflicts_with = "month")]
    pub days: Option<u32>,
    /// A bill month, YYYY-MM. (--workspace limits the rows to one workspace.)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    #[command(subcommand)]
    pub alerts: Option<CostCmd>,
}

#[derive(Debug, Subcommand)]
pub enum CostCmd {
    /// Monthly spend alerts per workspace: this month's spend against each
    /// amount; `set` and `clear` change one (--workspace is required).
    Alerts {
        #[command(subcommand)]
        change: Option<AlertsCmd>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    /// Alert past 80 % and 100 % of AMOUNT spent in a bill month (UTC+8).
    Set {
        /// A decimal amount, e.g. 500 or 499.50.
        amount: String,
        /// The bill's currency, e.g. CNY.
        currency: String,
    },
    /// Remove the workspace's alert.
    Clear,
}

fn tr(key: &str, params: &[(&str, &str)]) -> String {
    i18n::tr(i18n::current(), key, params)
}

fn period_line(p: &BillingPeriod) -> String {
    tr(
        "cli.cost.period",
        &[("start", &p.start), ("end", &p.end), ("zone", &p.time_zone)],
    )
}

pub async fn cost(g: &GlobalArgs, studio: &Studio, args: CostArgs) -> Result<()> {
    if let Some(CostCmd::Alerts { change }) = args.alerts {
        return alerts(g, studio, change).await;
    }
    let region = context::region(g)?;
    let period = match args.month {
        Some(m) => CostPeriod::Month(m),
        None => CostPeriod::Days(args.days.unwrap_or(30)),
    };
    let by = match args.by {
        By::Key => CostGroup::Key,
        By::Model => CostGroup::Model,
        By::Workspace => CostGroup::Workspace,
    };
    let report = studio
        .cost_report(region, by, period, g.workspace.clone())
        .await?;
    if g.json {
        output::json(&report);
        return Ok(());
    }
    println!("{}", period_line(&report.period));
    if report.rows.is_empty() {
        println!("{}", tr("cli.cost.none", &[]));
    }
    for row in &report.rows {
        println!(
            "{:<24} {:>12} {:<4} {}",
            row.key,
            row.amount,
            row.currency.as_deref().unwrap_or_default(),
            row.name.as_deref().unwrap_or_default()
        );
    }
    if let Some(total) = &report.total {
        println!(
            "{}",
            tr(
                "cli.cost.total",
                &[
                    ("amount", &total.amount),
                    ("currency", total.currency.as_deref().unwrap_or_default()),
                ],
            )
        );
    }
    Ok(())
}

pub async fn idle(g: &GlobalArgs, studio: &Studio, days: u32) -> Result<()> {
    let region = context::region(g)?;
    let idle = studio.keys_idle(region, days).await?;
    if g.json {
        output::json(&idle);
        return Ok(());
    }
    if idle.keys.is_empty() {
        println!("{}", tr("cli.idle.none", &[]));
        return Ok(());
    }
    println!(
        "{}",
        tr(
            "cli.idle.header",
            &[("start", &idle.period.start), ("end", &idle.period.end)],
        )
    );
    for k in &idle.keys {
        println!(
            "{:<10} {:<20} {}",
            k.api_key_id,
            k.workspace_name.as_deref().unwrap_or(&k.workspace_id),
            k.description
        );
    }
    Ok(())
}

/// `skm cost alerts [set AMOUNT CURRENCY | clear]`.
async fn alerts(g: &GlobalArgs, studio: &Studio, change: Option<AlertsCmd>) -> Result<()> {
    if let Some(change) = change {
        let region = context::region(g)?;
        let Some(ws) = g.workspace.as_deref().filter(|w| !w.trim().is_empty()) else {
            return Err(Error::new(ErrorCode::InvalidInput).with_reason("alerts_workspace_needed"));
        };
        return match change {
            AlertsCmd::Set { amount, currency } => {
                let view = studio
                    .spend_alert_set(region, ws, &amount, &currency)
                    .await?;
                if g.json {
                    output::json(&view);
                } else {
                    output::done(g, "alert_set", ws);
                    println!("{}", alert_line(&view));
                }
                Ok(())
            }
            AlertsCmd::Clear => {
                studio.spend_alert_clear(region, ws).await?;
                output::done(g, "alert_clear", ws);
                Ok(())
            }
        };
    }
    let all = studio.spend_alerts().await?;
    if g.json {
        output::json(&all);
        return Ok(());
    }
    let Some(first) = all.first() else {
        println!("{}", tr("cli.alerts_none", &[]));
        return Ok(());
    };
    println!("{}", tr("cli.alerts_header", &[("month", &first.month)]));
    for a in &all {
        println!("{}", alert_line(a));
    }
    Ok(())
}

/// `cn-beijing  Team Alpha (ws-…)  85.0000 / 100 CNY  85 %  past 80 %  top: …`
fn alert_line(a: &SpendAlertView) -> String {
    let workspace = match &a.workspace_name {
        Some(name) => format!("{name} ({})", a.workspace_id),
        None => a.workspace_id.clone(),
    };
    let figures = match (&a.unavailable, &a.spent) {
        (Some(e), _) => e.message.clone(),
        (None, Some(spent)) => format!(
            "{spent} / {} {}  {} %{}",
            a.amount,
            a.currency,
            a.percent
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into()),
            a.reached
                .map(|t| format!(
                    "  {}",
                    tr("cli.alerts_reached", &[("threshold", &t.to_string())])
                ))
                .unwrap_or_default()
        ),
        (None, None) => format!("- / {} {}", a.amount, a.currency),
    };
    let keys: Vec<String> = a
        .top_keys
        .iter()
        .map(|k| format!("{} {}", k.name.as_deref().unwrap_or(&k.key), k.amount))
        .collect();
    let mut line = format!("{:<15} {workspace}  {figures}", a.region.as_str());
    if !keys.is_empty() {
        line.push_str(&format!("  [{}]", keys.join(", ")));
    }
    line
}
