//! The driver's figures: a table by operation, the faults injected, and a
//! line for every failure and every broken promise. Never a key value.

use super::judge::{Outcome, Verdict};
use super::ops::{Kind, Op};
use super::Run;
use crate::support::fault_proxy::NetFault;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub count: usize,
    pub ok: usize,
    pub recovered: usize,
    pub unknown: usize,
    pub failed: usize,
    pub duplicates: usize,
    pub false_successes: usize,
    pub lost_values: usize,
    pub applied_but_failed: usize,
}

impl Tally {
    pub fn unknown_pct(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            100.0 * self.unknown as f64 / self.count as f64
        }
    }

    fn add(&mut self, o: &Tally) {
        self.count += o.count;
        self.ok += o.ok;
        self.recovered += o.recovered;
        self.unknown += o.unknown;
        self.failed += o.failed;
        self.duplicates += o.duplicates;
        self.false_successes += o.false_successes;
        self.lost_values += o.lost_values;
        self.applied_but_failed += o.applied_but_failed;
    }

    fn row(&self, name: &str) -> String {
        format!(
            "{name:<8} {:>5} {:>5} {:>9} {:>7} {:>6.1} {:>6} {:>10} {:>6} {:>5}",
            self.count,
            self.ok,
            self.recovered,
            self.unknown,
            self.unknown_pct(),
            self.failed,
            self.duplicates,
            self.false_successes,
            self.lost_values,
        )
    }
}

#[derive(Default)]
pub struct Report {
    by_kind: BTreeMap<Kind, Tally>,
    /// One line per failure, unknown outcome or broken promise.
    lines: Vec<String>,
    faults: Vec<SeedFaults>,
}

/// One seed's proxy: requests through it, and the faults it injected.
struct SeedFaults {
    seed: u64,
    requests: u64,
    injected: Vec<(NetFault, u64)>,
}

impl Report {
    pub fn add(&mut self, seed: u64, step: usize, op: &Op, run: &Run, v: &Verdict, met: &[&str]) {
        let t = self.by_kind.entry(op.kind()).or_default();
        t.count += 1;
        match v.outcome {
            Outcome::Ok => t.ok += 1,
            Outcome::Unknown => t.unknown += 1,
            Outcome::Failed => t.failed += 1,
        }
        t.recovered += usize::from(v.recovered && v.outcome == Outcome::Ok);
        t.duplicates += usize::from(v.duplicate);
        t.false_successes += usize::from(v.false_success.is_some());
        t.lost_values += usize::from(v.lost_value.is_some());
        t.applied_but_failed += usize::from(v.applied_but_failed.is_some());

        let what = format!(
            "seed {seed} op {step:>3} {:<7} [{}]",
            op.kind().name(),
            met.join(", ")
        );
        let (code, reason) = v.error.clone().unwrap_or_default();
        match v.outcome {
            Outcome::Unknown => self
                .lines
                .push(format!("{what} unknown: exit 10 {code} {reason}")),
            Outcome::Failed => self
                .lines
                .push(format!("{what} failed: exit {} {code} {reason}", run.code)),
            Outcome::Ok => {}
        }
        if v.duplicate {
            self.lines
                .push(format!("{what} DUPLICATE: more than one new key"));
        }
        if let Some(why) = &v.false_success {
            self.lines.push(format!("{what} FALSE SUCCESS: {why}"));
        }
        if let Some(why) = &v.lost_value {
            self.lines.push(format!("{what} LOST VALUE: {why}"));
        }
        if let Some(why) = &v.applied_but_failed {
            self.lines.push(format!("{what} APPLIED BUT FAILED: {why}"));
        }
    }

    pub fn add_faults(&mut self, seed: u64, requests: u64, injected: &[(NetFault, u64)]) {
        self.faults.push(SeedFaults {
            seed,
            requests,
            injected: injected.to_vec(),
        });
    }

    /// One kind of operation's tally.
    pub fn of(&self, kind: Kind) -> Tally {
        self.by_kind.get(&kind).cloned().unwrap_or_default()
    }

    /// How often each fault fired, summed over the seeds, in `NetFault::ALL` order.
    pub fn faults_fired(&self) -> Vec<(NetFault, u64)> {
        NetFault::ALL
            .iter()
            .map(|f| {
                let n = self
                    .faults
                    .iter()
                    .flat_map(|s| s.injected.iter())
                    .filter(|(g, _)| g == f)
                    .map(|(_, n)| n)
                    .sum();
                (*f, n)
            })
            .collect()
    }

    pub fn totals(&self) -> Tally {
        let mut all = Tally::default();
        self.by_kind.values().for_each(|t| all.add(t));
        all
    }

    pub fn print(&self, elapsed: Duration) {
        println!("\nfault proxy: skm key operations through a failing network");
        println!("(in brackets: the faults injected while the operation ran)\n");
        for line in &self.lines {
            println!("  {line}");
        }
        println!(
            "\n{:<8} {:>5} {:>5} {:>9} {:>7} {:>6} {:>6} {:>10} {:>6} {:>5}",
            "op",
            "count",
            "ok",
            "recovered",
            "unknown",
            "unk%",
            "failed",
            "duplicates",
            "false",
            "lost"
        );
        for kind in Kind::ALL {
            if let Some(t) = self.by_kind.get(&kind) {
                println!("{}", t.row(kind.name()));
            }
        }
        println!("{}", self.totals().row("total"));
        for SeedFaults {
            seed,
            requests,
            injected,
        } in &self.faults
        {
            let sum: u64 = injected.iter().map(|(_, c)| c).sum();
            let each: Vec<String> = injected
                .iter()
                .map(|(f, c)| format!("{} {c}", f.name()))
                .collect();
            println!(
                "\nseed {seed}: {requests} requests through the proxy, {sum} faults: {}",
                each.join(", ")
            );
        }
        println!("\nwall time {:.1} s", elapsed.as_secs_f64());
    }
}
