//! The demo world written into a new sandbox database, and bulk key seeding.
//!
//! Names are fixed so people and tests can find things; every id, AccessKey
//! pair and key value is random, generated here at run time.

use super::apierror::ApiError;
use super::db::{db_error, Db};
use super::store::keys;
use super::store::permissions::{self, StoredAuth};
use super::store::workspaces::{default_service_site, insert_workspace, resolve_workspace};
use super::store::{self, Identity, IdentityKind};
use super::values;
use crate::domain::regions::RegionId;
use crate::protocol::wire::{Auth, ModelAccessScope, AUTH_TYPE_CUSTOM};
use crate::{Error, ErrorCode, Result};
use rusqlite::{params, Transaction};

pub use crate::domain::identity::{RAM_ADMIN, RAM_NO_PERMISSION, ROOT};

/// The model catalog of every region: (model, display name, authorized in the default workspace).
const CATALOG: &[(&str, &str, bool)] = &[
    ("qwen-max", "Qwen-Max", true),
    ("qwen-plus", "Qwen-Plus", true),
    ("qwen-turbo", "Qwen-Turbo", true),
    ("qwen-flash", "Qwen-Flash", true),
    ("text-embedding-v4", "Text Embedding v4", true),
    ("qwen3-coder-plus", "Qwen3-Coder-Plus", false),
    ("qwen-vl-max", "Qwen-VL-Max", false),
    ("qwen-long", "Qwen-Long", false),
];

/// How long before the seeding the demo keys were made (their history covers 90 days).
const DEMO_KEYS_AGE_DAYS: i64 = 120;

/// Models a seeded sub-workspace is authorized for.
const SUB_WORKSPACE_MODELS: &[&str] = &["qwen-plus", "qwen-turbo"];

/// Writes the demo world in one transaction. Only called on a new database.
pub fn seed_demo_world(db: &Db) -> Result<()> {
    db.write(|tx| -> Result<()> {
        // Another process may have seeded the file between our open and this transaction.
        let seeded: i64 = tx
            .query_row("SELECT count(*) FROM meta WHERE key = 'pepper'", [], |r| {
                r.get(0)
            })
            .map_err(db_error)?;
        if seeded > 0 {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('pepper', ?1)",
            [values::new_pepper()],
        )
        .map_err(db_error)?;
        let people = [
            (ROOT, IdentityKind::Root, true),
            (RAM_ADMIN, IdentityKind::Ram, true),
            (RAM_NO_PERMISSION, IdentityKind::Ram, false),
        ];
        let mut ids = Vec::new();
        for (name, kind, can_manage_keys) in people {
            let (access_key_id, access_key_secret) = values::new_access_key();
            let id = Identity {
                uid: values::new_uid(),
                name: name.into(),
                kind,
                can_manage_keys,
                access_key_id,
                access_key_secret,
            };
            store::insert_identity(tx, &id)?;
            ids.push(id);
        }
        let pepper = store::pepper(tx)?;
        for region in RegionId::ALL {
            seed_region(tx, &pepper, region, &ids[0], &ids[1]).map_err(api_to_error)?;
        }
        // The demo keys were made well before their spend history starts
        // (`metering`), so "idle" can apply to them; a minute apart, in id order.
        let made = store::now_ms() - DEMO_KEYS_AGE_DAYS * 86_400_000;
        tx.execute("UPDATE api_keys SET gmt_create = ?1 + id * 60000", [made])
            .map_err(db_error)?;
        Ok(())
    })
}

fn seed_region(
    tx: &Transaction,
    pepper: &[u8],
    region: RegionId,
    root: &Identity,
    admin: &Identity,
) -> Result<(), ApiError> {
    for (model, name, _) in CATALOG {
        tx.execute(
            "INSERT INTO models (region, model, name) VALUES (?1, ?2, ?3)",
            params![region.as_str(), model, name],
        )
        .map_err(db_error)?;
    }
    let site = default_service_site(region);
    let default = insert_workspace(tx, region, "Default Workspace", true, site)?;
    for (model, _, authorized) in CATALOG {
        if *authorized {
            authorize(tx, &default.id, model)?;
        }
    }
    for name in ["Team Alpha", "Team Beta"] {
        let ws = insert_workspace(tx, region, name, false, site)?;
        for model in SUB_WORKSPACE_MODELS {
            authorize(tx, &ws.id, model)?;
        }
    }

    let prefix = region.info().new_key_prefix;
    let all = StoredAuth::all();
    let new_key = |owner: &Identity,
                   description: &str,
                   auth: &StoredAuth,
                   value: crate::Secret,
                   disabled: bool| {
        keys::insert_key(
            tx,
            pepper,
            region,
            &default.id,
            &owner.uid,
            description,
            auth,
            &value,
            disabled,
        )
    };
    new_key(
        root,
        "Production backend",
        &all,
        values::new_key_value(prefix),
        false,
    )?;
    new_key(
        root,
        "Old key from before the upgrade",
        &all,
        values::new_key_value("sk-"),
        false,
    )?;
    new_key(
        admin,
        "Paused experiment",
        &all,
        values::new_key_value(prefix),
        true,
    )?;
    if region.info().custom_permissions {
        let custom = Auth {
            access_ips: Some(vec!["192.168.10.0/24".into(), "203.0.113.7".into()]),
            model_access_scope: Some(ModelAccessScope {
                accessible_models: Some(vec!["qwen-plus".into(), "qwen-turbo".into()]),
                allow_all_models: Some(false),
            }),
            auth_type: Some(AUTH_TYPE_CUSTOM.into()),
        };
        let stored = permissions::resolve_auth(tx, region, &default.id, Some(&custom))?;
        new_key(
            admin,
            "Office network only",
            &stored,
            values::new_key_value(prefix),
            false,
        )?;
    }
    Ok(())
}

fn authorize(tx: &Transaction, workspace_id: &str, model: &str) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO workspace_models (workspace_id, model) VALUES (?1, ?2)",
        params![workspace_id, model],
    )
    .map_err(db_error)?;
    Ok(())
}

fn api_to_error(e: ApiError) -> Error {
    Error::new(ErrorCode::Internal).with_technical(format!("{}: {}", e.code, e.message))
}

/// A key created by [`seed_keys`]: its id and the value, returned once.
#[derive(Debug)]
pub struct SeededKey {
    pub id: i64,
    pub value: crate::Secret,
}

/// How many keys [`seed_keys`] makes: `Add(n)` more, or `UpTo(n)` in all
/// (counted against the owner's limit, so an existing demo world is topped up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedCount {
    Add(u32),
    UpTo(u32),
}

/// Creates keys in `region` for the identity named `owner`, with the same
/// rules as CreateApiKey (so the quota holds). All or nothing: one transaction.
pub fn seed_keys(
    db: &Db,
    region: RegionId,
    count: SeedCount,
    owner: &str,
    workspace_id: Option<&str>,
) -> Result<Vec<SeededKey>> {
    db.write(|tx| -> Result<Vec<SeededKey>> {
        let pepper = store::pepper(tx)?;
        let who = store::identities(tx)?
            .into_iter()
            .find(|i| i.name == owner)
            .ok_or_else(|| Error::invalid_input("owner", owner, "sandbox_unknown_identity"))?;
        resolve_workspace(tx, region, workspace_id).map_err(|e| rule_error(e, region))?;
        let count = match count {
            SeedCount::Add(n) => n,
            SeedCount::UpTo(total) => {
                let used =
                    keys::quota_used(tx, region, &who.uid).map_err(|e| rule_error(e, region))?;
                u32::try_from(i64::from(total) - used).unwrap_or(0)
            }
        };
        let mut out = Vec::new();
        for n in 1..=count {
            let description = format!("Seeded key {n}");
            let (rec, value) = keys::create(
                tx,
                &pepper,
                &who,
                region,
                workspace_id,
                Some(&description),
                None,
            )
            .map_err(|e| rule_error(e, region))?;
            out.push(SeededKey { id: rec.id, value });
        }
        Ok(out)
    })
}

/// Creates `count` plain (All) keys in `region`'s default workspace for
/// `owner`, PAST the console's key limit. For load tests and benchmarks only
/// (e.g. "list 500 keys"): the real service never holds more than its limit.
pub fn seed_keys_past_limit(
    db: &Db,
    region: RegionId,
    count: u32,
    owner: &str,
) -> Result<Vec<SeededKey>> {
    db.write(|tx| -> Result<Vec<SeededKey>> {
        let pepper = store::pepper(tx)?;
        let who = store::identities(tx)?
            .into_iter()
            .find(|i| i.name == owner)
            .ok_or_else(|| Error::invalid_input("owner", owner, "sandbox_unknown_identity"))?;
        let ws = resolve_workspace(tx, region, None).map_err(|e| rule_error(e, region))?;
        let all = StoredAuth::all();
        let mut out = Vec::new();
        for n in 1..=count {
            let value = values::new_key_value(region.info().new_key_prefix);
            let id = keys::insert_key(
                tx,
                &pepper,
                region,
                &ws.id,
                &who.uid,
                &format!("Load key {n}"),
                &all,
                &value,
                false,
            )
            .map_err(|e| rule_error(e, region))?;
            out.push(SeededKey { id, value });
        }
        Ok(out)
    })
}

/// A rule refusal during seeding, as the app's error vocabulary.
fn rule_error(e: ApiError, region: RegionId) -> Error {
    let code = match e.code {
        "ApiKey.QuotaExceeded" => ErrorCode::QuotaExceeded,
        "Workspace.NotFound" => ErrorCode::NotFound,
        "Forbidden.RAM" => ErrorCode::Forbidden,
        _ => ErrorCode::InvalidInput,
    };
    Error::new(code)
        .with_server(Some(e.code.to_string()), None, Some(e.status))
        .with_technical(e.message)
        .with_param("region", region.as_str())
}
