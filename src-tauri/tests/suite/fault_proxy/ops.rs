//! The operations the driver runs, drawn from a seeded sequence over the keys
//! that exist before each one.

use crate::support::fault_proxy::unit;
use std::collections::BTreeMap;
use studio_keys::protocol::wire::ApiKey;

/// Creates give way to deletes past this many keys: well below the region's
/// limit of 50, so a quota refusal never counts as a failure of the network.
const MAX_KEYS: usize = 30;

/// The operations as the report names them, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Create,
    Update,
    Reset,
    Delete,
    Disable,
    Enable,
    Get,
    List,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Create,
        Kind::Update,
        Kind::Reset,
        Kind::Delete,
        Kind::Disable,
        Kind::Enable,
        Kind::Get,
        Kind::List,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Update => "update",
            Kind::Reset => "reset",
            Kind::Delete => "delete",
            Kind::Disable => "disable",
            Kind::Enable => "enable",
            Kind::Get => "get",
            Kind::List => "list",
        }
    }
}

/// The permission an update asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermChange {
    /// No permission option: the key's current block is sent back.
    Keep,
    /// `--custom --ip 10.0.0.0/8`.
    CustomTenSlashEight,
    /// `--all`.
    All,
}

#[derive(Debug, Clone)]
pub enum Op {
    Create {
        description: String,
    },
    Update {
        id: i64,
        description: String,
        perm: PermChange,
    },
    Reset {
        id: i64,
    },
    Delete {
        id: i64,
    },
    SetEnabled {
        id: i64,
        enabled: bool,
    },
    Get {
        id: i64,
    },
    List,
}

impl Op {
    pub fn kind(&self) -> Kind {
        match self {
            Op::Create { .. } => Kind::Create,
            Op::Update { .. } => Kind::Update,
            Op::Reset { .. } => Kind::Reset,
            Op::Delete { .. } => Kind::Delete,
            Op::SetEnabled { enabled: false, .. } => Kind::Disable,
            Op::SetEnabled { enabled: true, .. } => Kind::Enable,
            Op::Get { .. } => Kind::Get,
            Op::List => Kind::List,
        }
    }

    /// `skm keys ...` arguments (the global options are added by the runner).
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec!["keys".into()];
        let s = |v: &str| v.to_string();
        match self {
            Op::Create { description } => {
                a.extend([s("create"), s("--description"), s(description)])
            }
            Op::Update {
                id,
                description,
                perm,
            } => {
                a.extend([
                    s("update"),
                    id.to_string(),
                    s("--description"),
                    s(description),
                ]);
                match perm {
                    PermChange::Keep => {}
                    PermChange::CustomTenSlashEight => {
                        a.extend([s("--custom"), s("--ip"), s("10.0.0.0/8")])
                    }
                    PermChange::All => a.push(s("--all")),
                }
            }
            Op::Reset { id } => a.extend([s("reset"), id.to_string()]),
            Op::Delete { id } => a.extend([s("delete"), id.to_string()]),
            Op::SetEnabled { id, enabled } => a.extend([
                s(if *enabled { "enable" } else { "disable" }),
                id.to_string(),
            ]),
            Op::Get { id } => a.extend([s("get"), id.to_string()]),
            Op::List => a.push(s("list")),
        }
        a
    }
}

/// A seeded sequence of uniform numbers in [0, 1).
pub struct Draw {
    seed: u64,
    n: u64,
}

impl Draw {
    pub fn new(seed: u64) -> Draw {
        Draw { seed, n: 0 }
    }

    pub fn next(&mut self) -> f64 {
        self.n += 1;
        unit(self.seed, self.n, 0x0905)
    }

    /// A number in `0..len` (`len` > 0).
    pub fn below(&mut self, len: usize) -> usize {
        ((self.next() * len as f64) as usize).min(len - 1)
    }
}

/// The next operation: about 25 % create, 15 % update, 15 % reset, 10 %
/// delete, 15 % disable or enable (whichever changes the key), 10 % get,
/// 10 % list. `descriptions` are those used by creates so far: one create in
/// ten repeats one, as people do, which the client's reconciliation must survive.
pub fn draw_op(
    draw: &mut Draw,
    seed: u64,
    step: usize,
    keys: &BTreeMap<i64, ApiKey>,
    descriptions: &mut Vec<String>,
) -> Op {
    let roll = draw.next() * 100.0;
    let pick = draw.below(keys.len().max(1));
    let key = keys.values().nth(pick);
    let id = key.and_then(|k| k.api_key_id).unwrap_or_default();
    let wants_create = roll < 25.0 || key.is_none();
    if wants_create && keys.len() < MAX_KEYS {
        let description = if !descriptions.is_empty() && draw.next() < 0.1 {
            descriptions[draw.below(descriptions.len())].clone()
        } else {
            format!("fp-{seed}-{step}")
        };
        descriptions.push(description.clone());
        return Op::Create { description };
    }
    match roll {
        r if r < 25.0 => Op::Delete { id },
        r if r < 40.0 => Op::Update {
            id,
            description: format!("fp-{seed}-{step}-updated"),
            perm: match draw.below(3) {
                0 => PermChange::Keep,
                1 => PermChange::CustomTenSlashEight,
                _ => PermChange::All,
            },
        },
        r if r < 55.0 => Op::Reset { id },
        r if r < 65.0 => Op::Delete { id },
        r if r < 80.0 => Op::SetEnabled {
            id,
            enabled: key.is_some_and(|k| k.disabled == Some(1)),
        },
        r if r < 90.0 => Op::Get { id },
        _ => Op::List,
    }
}
