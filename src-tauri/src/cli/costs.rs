//! `skm cost` and `skm keys idle`: one `Studio` operation each, printed.

use super::{context, output, GlobalArgs};
use crate::domain::error::Result;
use crate::domain::i18n;
use crate::services::costs::views::{BillingPeriod, CostGroup, CostPeriod};
use crate::services::Studio;
use clap::{Args, ValueEnum};

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
