//! What each key costs and which keys nobody uses, through the services on
//! the app's own sandbox, and `skm cost` / `skm keys idle` on the same home.

use crate::support::app::{app_on, skm_on, Board};
use serde_json::{json, Value};
use studio_keys::cloud::{Client, Credentials};
use studio_keys::domain::i18n::{self, Lang};
use studio_keys::domain::regions::RegionId::{self, ApSoutheast1, CnBeijing};
use studio_keys::sandbox::{seed, SeedCount};
use studio_keys::services::costs::views::{
    CostGroup, CostPeriod, CostsUnavailableReason, KeysCosts,
};
use studio_keys::services::views::KeyQuery;
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::profiles::ProfilePreferences;
use studio_keys::Secret;

/// The demo key described `description` in `region`, by id.
async fn demo_key(s: &Studio, region: RegionId, description: &str) -> String {
    s.keys_list(region, KeyQuery::default())
        .await
        .unwrap()
        .keys
        .into_iter()
        .find(|k| k.description == description)
        .unwrap_or_else(|| panic!("no demo key {description}"))
        .api_key_id
}

fn cost_of<'a>(costs: &'a KeysCosts, id: &str) -> &'a studio_keys::services::costs::views::KeyCost {
    costs.keys.iter().find(|k| k.api_key_id == id).unwrap()
}

/// A chat call with `value`: its HTTP status and JSON answer.
async fn chat_answer(s: &Studio, region: RegionId, value: &Secret, model: &str) -> (u16, Value) {
    let sb = s.sandbox().await.unwrap();
    let answer = crate::support::http()
        .post(format!(
            "{}/compatible-mode/v1/chat/completions",
            sb.dashscope_base_url(region)
        ))
        .bearer_auth(value.expose())
        .json(&json!({"model": model, "messages": [{"role": "user", "content": "a".repeat(2000)}]}))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

async fn chat(s: &Studio, region: RegionId, value: &Secret, model: &str) {
    let (status, answer) = chat_answer(s, region, value, model).await;
    assert_eq!(status, 200, "{answer}");
}

/// The id of the demo workspace "Team Alpha" in `region`.
async fn team_alpha(s: &Studio, region: RegionId) -> String {
    s.workspaces_list(region)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.workspace_name == "Team Alpha")
        .unwrap()
        .workspace_id
}

/// A new key in `workspace`, made as the root account: its id and value.
async fn key_in(s: &Studio, region: RegionId, workspace: &str) -> (String, Secret) {
    let sb = s.sandbox().await.unwrap();
    let root = sb.identity(seed::ROOT).unwrap().clone();
    let client = Client::new(
        region,
        Credentials::new(root.access_key_id, root.access_key_secret),
        Some(&sb.openapi_base_url(region)),
    )
    .unwrap();
    let key = client
        .create_api_key(&studio_keys::protocol::requests::CreateApiKeyRequest {
            workspace_id: Some(workspace.to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    (key.api_key_id.to_string(), key.value)
}

/// `skm args` on `dirs`, which must succeed: its JSON document.
fn skm_json(dirs: &Dirs, args: &[&str]) -> Value {
    let (code, out, err) = skm_on(dirs, "en", args, &[]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The `field` of each object in a JSON list.
fn strings(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap().to_string())
        .collect()
}

fn home() -> (tempfile::TempDir, Studio, Dirs) {
    let root = tempfile::tempdir().unwrap();
    let (s, dirs) = app_on(root.path(), &Board::default());
    (root, s, dirs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_shows_each_keys_spend_and_only_the_old_unused_enabled_key_is_idle() {
    let (_root, s, dirs) = home();
    let busy = demo_key(&s, CnBeijing, "Production backend").await;
    let retired = demo_key(&s, CnBeijing, "Old key from before the upgrade").await;
    let paused = demo_key(&s, CnBeijing, "Paused experiment").await;
    // A key made today spent nothing either, but is too young to be idle.
    let db = dirs.data.join("sandbox.db");
    let young = studio_keys::sandbox::seed_keys(&db, CnBeijing, SeedCount::Add(1), seed::ROOT)
        .unwrap()[0]
        .id
        .to_string();

    let costs = s.keys_costs(CnBeijing, 30).await.unwrap();
    assert!(costs.unavailable.is_none(), "{:?}", costs.unavailable);
    assert_eq!(costs.period.days, 30);
    assert_eq!(costs.period.time_zone, "UTC+08:00");
    assert_eq!(costs.currency.as_deref(), Some("CNY"));
    let b = cost_of(&costs, &busy);
    assert!(b.total.is_some() && !b.idle);
    assert_eq!(b.daily.len(), 30);
    assert_eq!(b.daily.last().unwrap().date, costs.period.end);
    assert!(b.daily[28].amount.is_some(), "the busy key spent yesterday");
    assert!(b.daily[29].amount.is_none(), "history stops before today");
    let r = cost_of(&costs, &retired);
    assert!(r.total.is_none() && r.idle, "{r:?}");
    for id in [&paused, &young] {
        let k = cost_of(&costs, id);
        assert!(k.total.is_none() && !k.idle, "{k:?}");
    }
    let idle = s.keys_idle(CnBeijing, 30).await.unwrap();
    let ids: Vec<&str> = idle.keys.iter().map(|k| k.api_key_id.as_str()).collect();
    assert_eq!(ids, vec![retired.as_str()]);
    // Over 90 days the retired key spent: it is not idle there.
    assert!(s.keys_idle(CnBeijing, 90).await.unwrap().keys.is_empty());

    // All six regions at once, each with its own figures.
    let all = s.keys_costs_all_regions(30).await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.region).collect::<Vec<_>>(),
        RegionId::ALL.to_vec()
    );
    assert!(all
        .iter()
        .all(|c| c.unavailable.is_none() && c.total.is_some()));
    assert_eq!(all[0].total, costs.total);

    // The period's total is the bill's own, the same `skm cost` prints.
    let report = s
        .cost_report(CnBeijing, CostGroup::Key, CostPeriod::Days(30), None)
        .await
        .unwrap();
    assert_eq!(report.total.as_ref().map(|t| t.amount.clone()), costs.total);
    let row = report.rows.iter().find(|r| r.key == busy).unwrap();
    assert_eq!(Some(row.amount.clone()), b.total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_keys_than_one_answer_lists_are_all_found_and_a_deleted_keys_spend_stays() {
    let (_root, s, dirs) = home();
    let region = ApSoutheast1;
    let db = dirs.data.join("sandbox.db");
    let seeded =
        studio_keys::sandbox::seed_keys(&db, region, SeedCount::Add(24), seed::ROOT).unwrap();
    for k in &seeded {
        chat(&s, region, &k.value, "qwen-plus").await;
    }
    // 24 keys spent today, plus the demo keys over the month: past topNum (20).
    let costs = s.keys_costs(region, 30).await.unwrap();
    for k in &seeded {
        let c = cost_of(&costs, &k.id.to_string());
        assert!(c.total.is_some(), "key {} has its own figure", k.id);
        assert!(c.daily.last().unwrap().amount.is_some());
    }
    assert!(costs.unlisted.is_empty(), "{:?}", costs.unlisted);

    // Deleted since it spent: its spend is still on the bill, as unlisted.
    let root = s
        .sandbox()
        .await
        .unwrap()
        .identity(seed::ROOT)
        .unwrap()
        .clone();
    let gone = seeded[0].id;
    Client::new(
        region,
        Credentials::new(root.access_key_id, root.access_key_secret),
        Some(&s.sandbox().await.unwrap().openapi_base_url(region)),
    )
    .unwrap()
    .delete_api_key(gone)
    .await
    .unwrap();
    let costs = s.keys_costs(region, 30).await.unwrap();
    assert!(costs.keys.iter().all(|k| k.api_key_id != gone.to_string()));
    assert!(
        costs.unlisted.iter().any(|r| r.key == gone.to_string()),
        "{:?}",
        costs.unlisted
    );

    let report = s
        .cost_report(region, CostGroup::Key, CostPeriod::Days(1), None)
        .await
        .unwrap();
    assert_eq!(
        report.rows.len(),
        24,
        "every key that spent today, none merged"
    );
    assert!(report.rows.iter().all(|r| r.key != "Others"));
    let models = s
        .cost_report(region, CostGroup::Model, CostPeriod::Days(1), None)
        .await
        .unwrap();
    assert_eq!(models.rows.len(), 1);
    assert_eq!(models.rows[0].key, "qwen-plus");
    assert_eq!(models.total, report.total);
}

/// A sandbox profile acting as `identity`, active, saving no keys.
async fn act_as(s: &Studio, identity: &str) {
    let p = s
        .profile_add_sandbox_identity(identity.into())
        .await
        .unwrap();
    s.profile_set_preferences(
        p.id.clone(),
        ProfilePreferences {
            save_keys_on_create: false,
        },
    )
    .await
    .unwrap();
    s.profile_activate(p.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ram_user_who_may_not_read_costs_sees_its_keys_with_one_sentence_and_no_idle_key() {
    let (_root, s, dirs) = home();
    act_as(&s, seed::RAM_ADMIN).await;
    let costs = s.keys_costs(CnBeijing, 30).await.unwrap();
    let why = costs.unavailable.expect("no figures");
    assert_eq!(why.reason, CostsUnavailableReason::NoPermission);
    // "Costs are not shown: this account may not read costs; its keys still work."
    assert_eq!(
        why.message,
        i18n::tr(i18n::current(), "costs.unavailable.no_permission", &[])
    );
    assert!(
        i18n::tr(Lang::En, "costs.unavailable.no_permission", &[]).contains("its keys still work")
    );
    assert!(!costs.keys.is_empty(), "its keys are still listed");
    assert!(costs.keys.iter().all(|k| !k.idle && k.total.is_none()));
    // In every region alike (the key lists work, the bill does not).
    let all = s.keys_costs_all_regions(30).await.unwrap();
    let regions: Vec<RegionId> = all.iter().map(|c| c.region).collect();
    assert_eq!(regions, RegionId::ALL.to_vec());
    assert!(all.iter().all(|c| c
        .unavailable
        .as_ref()
        .is_some_and(|u| u.reason == CostsUnavailableReason::NoPermission)));

    // skm refuses to call any key idle, in the person's language.
    let (code, _, err) = skm_on(&dirs, "en", &["keys", "idle"], &[]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("may not read costs; its keys still work"),
        "{err}"
    );
    let (code, _, err) = skm_on(&dirs, "zh-CN", &["cost"], &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("无权查看费用"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_cost_and_keys_idle_print_the_bills_figures() {
    let (_root, s, dirs) = home();
    let busy = demo_key(&s, CnBeijing, "Production backend").await;
    let retired = demo_key(&s, CnBeijing, "Old key from before the upgrade").await;
    let expected = cost_of(&s.keys_costs(CnBeijing, 30).await.unwrap(), &busy)
        .total
        .clone()
        .unwrap();

    let (code, out, err) = skm_on(&dirs, "en", &["cost", "--json"], &[]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["period"]["days"], 30);
    let row = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == busy.as_str())
        .unwrap();
    assert_eq!(row["amount"], expected.as_str());
    assert_eq!(row["currency"], "CNY");
    assert_eq!(row["name"], "Production backend");

    let doc = skm_json(&dirs, &["keys", "idle", "--json"]);
    assert_eq!(strings(&doc["keys"], "apiKeyId"), vec![retired.clone()]);

    let (code, out, err) = skm_on(&dirs, "en", &["cost", "--by", "model", "--days", "7"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("qwen-plus") && out.contains("Total:"), "{out}");
    let (code, _, err) = skm_on(&dirs, "en", &["cost", "--month", "2026-13"], &[]);
    assert_eq!(code, 2, "{err}");

    // The limits of the default workspace's models, as the API gives them.
    let (code, out, err) = skm_on(&dirs, "en", &["models", "limits", "--json"], &[]);
    assert_eq!(code, 0, "{err}");
    let limits: Value = serde_json::from_str(&out).unwrap();
    let max = limits
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["model"] == "qwen-max")
        .unwrap();
    assert!(max["modelLimit"]["requestLimit"].as_i64().unwrap() > 0);
    assert_eq!(max["workspaceLimit"]["usageLimitField"], "total_tokens");
}

/// The billing service down: the keys still list, with one sentence where
/// the figures would be, and no key is called idle.
#[cfg(feature = "fault-injection")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_billing_outage_leaves_the_keys_listed_with_a_sentence_and_no_idle_key() {
    use studio_keys::sandbox::FaultConfig;
    use studio_keys::storage::clipboard::SecretClipboard;
    let root = tempfile::tempdir().unwrap();
    let s = Studio::with_sandbox_faults(
        Dirs {
            config: root.path().join("config"),
            data: root.path().join("data"),
        },
        SecretClipboard::new(Box::new(Board::default())),
        FaultConfig {
            fail_billing: true,
            ..Default::default()
        },
    )
    .unwrap();
    let costs = s.keys_costs(CnBeijing, 30).await.unwrap();
    let why = costs.unavailable.expect("no figures");
    assert_eq!(why.reason, CostsUnavailableReason::Outage);
    assert_eq!(
        why.error.as_ref().map(|e| e.code),
        Some(studio_keys::ErrorCode::Server)
    );
    // "Costs are not shown just now: Alibaba Cloud had a problem answering."
    let lang = i18n::current();
    let server = i18n::tr(lang, "errors.Server.what", &[]);
    assert_eq!(
        why.message,
        i18n::tr(lang, "costs.unavailable.outage", &[("reason", &server)])
    );
    assert_eq!(
        costs.keys.len(),
        s.keys_list(CnBeijing, KeyQuery::default())
            .await
            .unwrap()
            .keys
            .len()
    );
    assert!(costs.keys.iter().all(|k| !k.idle && k.total.is_none()));
    // All regions at once: each says the same, and none is missing.
    let all = s.keys_costs_all_regions(30).await.unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|c| c
        .unavailable
        .as_ref()
        .is_some_and(|u| u.reason == CostsUnavailableReason::Outage)));
    // The command line says what failed instead of listing idle keys.
    assert_eq!(
        s.keys_idle(CnBeijing, 30).await.unwrap_err().code,
        studio_keys::ErrorCode::Server
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_workspace_limits_the_rows_and_the_total_to_it() {
    let (_root, s, dirs) = home();
    let region = CnBeijing;
    let team = team_alpha(&s, region).await;
    let (key_id, key) = key_in(&s, region, &team).await;
    chat(&s, region, &key, "qwen-plus").await;

    let everywhere = s
        .cost_report(region, CostGroup::Workspace, CostPeriod::Days(30), None)
        .await
        .unwrap();
    assert!(everywhere.rows.iter().any(|r| r.key == team));
    assert!(
        everywhere.rows.len() >= 2,
        "the demo keys spent in the default one"
    );

    let report = s
        .cost_report(
            region,
            CostGroup::Key,
            CostPeriod::Days(30),
            Some(team.clone()),
        )
        .await
        .unwrap();
    let ids: Vec<&str> = report.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(ids, vec![key_id.as_str()]);
    assert_eq!(
        report.total.as_ref().map(|t| t.amount.as_str()),
        Some(report.rows[0].amount.as_str()),
        "the total is the workspace's, not the region's"
    );

    let doc = skm_json(
        &dirs,
        &["--workspace", &team, "cost", "--by", "model", "--json"],
    );
    let models = strings(&doc["rows"], "key");
    assert_eq!(models, vec!["qwen-plus"]);
}

/// `skm models limits set|clear`: a workspace's own limit set, then changed
/// in part (the rest kept), then removed; each change in the audit log.
#[tokio::test(flavor = "multi_thread")]
async fn skm_sets_changes_and_clears_a_workspace_limit() {
    let home = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: home.path().join("config"),
        data: home.path().join("data"),
    };
    let json = |args: &[&str]| -> Value {
        let (code, out, err) = skm_on(&dirs, "en", args, &[]);
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str(&out).unwrap()
    };
    let ws = json(&["--json", "workspaces", "create", "capped"])["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    let on_ws = ["--json", "--workspace", ws.as_str()];
    // `skm --json --workspace <ws> models limits <args>`
    let limits = |args: &[&str]| json(&[&on_ws[..], &["models", "limits"], args].concat());
    let plus = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|l| l["model"] == "qwen-plus")
            .cloned()
            .unwrap()
    };

    let set = limits(&["set", "--model", "qwen-plus", "--requests", "100/minute"]);
    assert_eq!(plus(&set)["workspaceLimit"]["requestLimit"], 100);
    assert_eq!(plus(&set)["workspaceLimit"]["requestLimitPeriod"], 60);

    // Tokens added: the request limit stays.
    let both = limits(&["set", "--model", "qwen-plus", "--tokens", "50000/hour"]);
    let own = &plus(&both)["workspaceLimit"];
    assert_eq!(
        (
            own["requestLimit"].as_i64(),
            own["usageLimit"].as_i64(),
            own["usageLimitPeriod"].as_i64()
        ),
        (Some(100), Some(50_000), Some(3_600))
    );

    let listed = limits(&[]);
    assert_eq!(plus(&listed)["workspaceLimit"], own.clone());

    let cleared = limits(&["clear", "--model", "qwen-plus"]);
    assert!(plus(&cleared).get("workspaceLimit").is_none(), "{cleared}");

    // Refused before any request: no workspace, a rate that is not one.
    let refused = |args: &[&str]| -> String {
        let (code, _, err) = skm_on(&dirs, "en", args, &[]);
        assert_ne!(code, 0, "{args:?}");
        err
    };
    let set = [
        "models",
        "limits",
        "set",
        "--model",
        "qwen-plus",
        "--requests",
    ];
    let err = refused(&[&set[..], &["1/minute"]].concat());
    assert!(err.contains("--workspace"), "{err}");
    let err = refused(&[&on_ws[1..], &set[..], &["10/week"]].concat());
    assert!(err.contains("100/minute"), "{err}");

    let audit = json(&["--json", "audit", "list", "--action", "model_limits"]);
    let notes: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "ok")
        .filter_map(|r| r["note"].as_str())
        .collect();
    assert_eq!(notes.len(), 3, "{audit}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("requests 100/60s, tokens 50000/3600s")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.ends_with("removed")), "{notes:?}");
}

/// A limit set with `skm` holds on the workspace's calls: with 2 requests an
/// hour, the third call of the hour is answered 429 `limit_requests`; once
/// `skm models limits clear` removed it, calls go through again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_set_with_skm_caps_the_workspaces_calls_until_it_is_cleared() {
    let (_root, s, dirs) = home();
    let region = CnBeijing;
    let team = team_alpha(&s, region).await;
    let (_, key) = key_in(&s, region, &team).await;
    let limits = |args: &[&str]| {
        let on_team = ["--json", "--workspace", team.as_str(), "models", "limits"];
        skm_json(&dirs, &[&on_team[..], args].concat());
    };
    let hour = || chrono::Utc::now().timestamp() / 3_600;
    // Windows are aligned to the hour: an attempt that crossed one is made again.
    let mut answers = Vec::new();
    for _ in 0..2 {
        let started = hour();
        limits(&["set", "--model", "qwen-plus", "--requests", "2/hour"]);
        answers.clear();
        for _ in 0..3 {
            answers.push(chat_answer(&s, region, &key, "qwen-plus").await);
        }
        limits(&["clear", "--model", "qwen-plus"]);
        if hour() == started {
            break;
        }
    }
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, vec![200, 200, 429], "{answers:?}");
    assert_eq!(
        answers[2].1["error"]["code"], "limit_requests",
        "{:?}",
        answers[2]
    );

    chat(&s, region, &key, "qwen-plus").await;
}

/// `skm cost alerts set`: an amount in another currency than the bill's is
/// refused, even for a workspace that has spent nothing this month (the bill
/// states a zero total in its currency); a bad amount is refused; a good one
/// is listed with this month's spend and removed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skm_refuses_an_alert_in_another_currency_and_lists_a_good_one() {
    let (_root, _s, dirs) = home();
    // A new workspace: nothing spent in it yet.
    let team = skm_json(&dirs, &["--json", "workspaces", "create", "no-spend-yet"])["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    let on_team = ["--workspace", team.as_str(), "cost", "alerts"];
    let refused = |args: &[&str]| -> String {
        let (code, _, err) = skm_on(&dirs, "en", &[&on_team[..], args].concat(), &[]);
        assert_ne!(code, 0, "{args:?}");
        err
    };
    let err = refused(&["set", "100", "USD"]);
    assert!(err.contains("CNY"), "{err}");
    let err = refused(&["set", "0", "CNY"]);
    assert!(err.contains("“0”"), "{err}");

    let set = skm_json(
        &dirs,
        &[&["--json"][..], &on_team[..], &["set", "100", "cny"]].concat(),
    );
    assert_eq!(
        (set["amount"].as_str(), set["currency"].as_str()),
        (Some("100"), Some("CNY"))
    );
    assert!(
        set["spent"].is_string(),
        "this month's spend is read: {set}"
    );
    assert!(set["reached"].is_null(), "{set}");
    let listed = skm_json(&dirs, &["--json", "cost", "alerts"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    skm_json(&dirs, &[&["--json"][..], &on_team[..], &["clear"]].concat());
    assert_eq!(skm_json(&dirs, &["--json", "cost", "alerts"]), json!([]));
}
