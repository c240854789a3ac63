//! The sandbox's chat endpoint checks the key like DashScope and meters what
//! it lets through; the billing actions, through the typed client over
//! loopback, answer from that spend.

use serde_json::json;
use studio_keys::cloud::{Client, Credentials};
use studio_keys::domain::billing;
use studio_keys::domain::regions::RegionId::{self, ApNortheast1, CnBeijing};
use studio_keys::protocol::billing::*;
use studio_keys::protocol::requests::CreateApiKeyRequest;
use studio_keys::protocol::wire::{Auth, ModelAccessScope};
use studio_keys::sandbox::{self, seed, SandboxConfig, SandboxHandle};
use studio_keys::{ErrorCode, Secret};

async fn start() -> (SandboxHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    (h, dir)
}

fn client_as(h: &SandboxHandle, region: RegionId, who: &str) -> Client {
    let id = h.identity(who).unwrap();
    let creds = Credentials::new(id.access_key_id.clone(), id.access_key_secret.clone());
    Client::new(region, creds, Some(&h.openapi_base_url(region))).unwrap()
}

/// One chat call: (HTTP status, answer body).
async fn chat(
    h: &SandboxHandle,
    region: RegionId,
    value: &Secret,
    model: &str,
    prompt: &str,
) -> (u16, serde_json::Value) {
    let resp = crate::support::http()
        .post(format!(
            "{}/compatible-mode/v1/chat/completions",
            h.dashscope_base_url(region)
        ))
        .bearer_auth(value.expose())
        .json(&json!({"model": model, "messages": [{"role": "user", "content": prompt}]}))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn today() -> String {
    billing::day_of(chrono::Utc::now())
        .format(billing::DAY_FORMAT)
        .to_string()
}

/// Today's spend by key: (groupByTotal, costTotals amount).
async fn today_by_key(c: &Client, top: i64) -> (Vec<GroupTotal>, String) {
    let data = c
        .get_billing_trend(&GetBillingTrendRequest {
            granularity: Some(GRANULARITY_DAY.into()),
            time_period: Some(TimePeriod {
                start: Some(today()),
                end: Some(today()),
            }),
            group_by: Some(vec![GroupBy::code(DIM_API_KEY_ID)]),
            top_num: Some(top),
            ..Default::default()
        })
        .await
        .unwrap();
    (
        data.group_by_total.unwrap_or_default(),
        data.cost_totals.unwrap().amount.unwrap(),
    )
}

/// What the bill should say for one call, from the usage the call reported
/// and the list price of qwen-max (0.0024 / 0.0096 yuan per 1,000 tokens).
fn qwen_max_amount(usage: &serde_json::Value) -> String {
    let input = usage["prompt_tokens"].as_i64().unwrap();
    let output = usage["completion_tokens"].as_i64().unwrap();
    let micro = (input * 2400 + output * 9600 + 500) / 1000;
    let units = (micro + 50) / 100;
    format!("{}.{:04}", units / 10_000, units % 10_000)
}

#[tokio::test]
async fn a_chat_call_is_answered_with_usage_and_billed_to_its_key_at_the_models_price() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let key = c
        .create_api_key(&CreateApiKeyRequest::default())
        .await
        .unwrap();
    let (status, answer) = chat(&h, CnBeijing, &key.value, "qwen-max", &"a".repeat(4000)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["object"], "chat.completion");
    assert!(answer["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .contains("sandbox"));
    let usage = &answer["usage"];
    assert!(usage["prompt_tokens"].as_i64().unwrap() >= 1000, "{usage}");

    let (groups, _) = today_by_key(&c, 20).await;
    let mine = groups
        .iter()
        .find(|g| g.key.as_deref() == Some(&key.api_key_id.to_string()))
        .expect("the key's spend is on today's bill");
    assert_eq!(
        mine.amount.as_deref(),
        Some(qwen_max_amount(usage).as_str())
    );

    // A temporary key's use is billed to the key that issued it.
    let d = studio_keys::cloud::dashscope::DashScope::new(
        CnBeijing,
        None,
        Some(&h.dashscope_base_url(CnBeijing)),
    )
    .unwrap();
    let temp = d.temporary_key(&key.value, Some(60)).await.unwrap();
    let before = mine.amount.clone();
    let (status, _) = chat(&h, CnBeijing, &temp.token, "qwen-max", &"b".repeat(4000)).await;
    assert_eq!(status, 200);
    let (groups, _) = today_by_key(&c, 20).await;
    let after = groups
        .iter()
        .find(|g| g.key.as_deref() == Some(&key.api_key_id.to_string()))
        .unwrap();
    assert_ne!(
        after.amount, before,
        "the temporary key's call went on its parent's bill"
    );
}

#[tokio::test]
async fn calls_the_key_may_not_make_are_refused_and_cost_nothing() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let scoped = c
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(Auth {
                auth_type: Some("Custom".into()),
                access_ips: Some(vec!["127.0.0.0/8".into()]),
                model_access_scope: Some(ModelAccessScope {
                    allow_all_models: Some(false),
                    accessible_models: Some(vec!["qwen-turbo".into()]),
                }),
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let elsewhere = c
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(Auth {
                auth_type: Some("Custom".into()),
                access_ips: Some(vec!["203.0.113.0/24".into()]),
                model_access_scope: None,
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let disabled = c
        .create_api_key(&CreateApiKeyRequest::default())
        .await
        .unwrap();
    c.disable_api_key(disabled.api_key_id).await.unwrap();
    let (_, total_before) = today_by_key(&c, 20).await;

    let cases = [
        (&scoped.value, "qwen-max", 403, "Model.AccessDenied"),
        (&scoped.value, "qwen-long", 404, "ModelNotFound"),
        (&elsewhere.value, "qwen-turbo", 403, "AccessDenied"),
        (&disabled.value, "qwen-turbo", 401, "InvalidApiKey"),
    ];
    for (value, model, status, code) in cases {
        let (got, body) = chat(&h, CnBeijing, value, model, "hello").await;
        assert_eq!(
            (got, body["code"].as_str().unwrap()),
            (status, code),
            "{body}"
        );
    }
    // The same key in another region is not a key there.
    let (got, _) = chat(&h, ApNortheast1, &scoped.value, "qwen-turbo", "hello").await;
    assert_eq!(got, 401);
    let (groups, total_after) = today_by_key(&c, 20).await;
    assert_eq!(total_after, total_before, "refused calls cost nothing");
    assert!(groups.is_empty(), "{groups:?}");

    // The call the key may make is billed.
    let (got, _) = chat(&h, CnBeijing, &scoped.value, "qwen-turbo", "hello").await;
    assert_eq!(got, 200);
    let (groups, _) = today_by_key(&c, 20).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0].key.as_deref(),
        Some(&*scoped.api_key_id.to_string())
    );
}

#[tokio::test]
async fn past_top_num_groups_merge_into_others_and_the_total_stays_the_same() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let k = c
            .create_api_key(&CreateApiKeyRequest::default())
            .await
            .unwrap();
        chat(&h, CnBeijing, &k.value, "qwen-plus", "hello there").await;
        ids.push(k.api_key_id.to_string());
    }
    let (all, total) = today_by_key(&c, 20).await;
    assert_eq!(all.len(), 3);
    let (top, total_top) = today_by_key(&c, 2).await;
    assert_eq!(top.len(), 3, "two groups and the merged rest");
    assert!(is_others(top[2].key.as_deref()));
    assert_eq!(total_top, total);

    // Filtered IN, the merged group disappears; NOT leaves the others out.
    let only = c
        .get_billing_trend(&GetBillingTrendRequest {
            granularity: Some(GRANULARITY_MONTH.into()),
            time_period: Some(TimePeriod {
                start: Some(today()),
                end: Some(today()),
            }),
            group_by: Some(vec![GroupBy::code(DIM_API_KEY_ID)]),
            filter: Some(BillingFilter::one(
                DIM_API_KEY_ID,
                true,
                vec![ids[0].clone()],
            )),
            top_num: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    let groups = only.group_by_total.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].key.as_deref(), Some(ids[0].as_str()));
    let periods = only.result_by_time.unwrap();
    assert_eq!(periods.len(), 1);
    assert_eq!(
        periods[0].period.as_deref().map(str::len),
        Some(6),
        "yyyyMM"
    );
}

#[tokio::test]
async fn billing_is_refused_to_ram_users_with_its_own_reason_and_bad_asks_are_invalid() {
    let (h, _dir) = start().await;
    for who in [seed::RAM_ADMIN, seed::RAM_NO_PERMISSION] {
        let e = client_as(&h, CnBeijing, who)
            .get_billing_overview(&GetBillingOverviewRequest {
                bill_month: Some("2026-11".into()),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{who}");
        assert_eq!(e.reason.as_deref(), Some("billing_forbidden"));
        let text = e.message_in(studio_keys::domain::i18n::Lang::En);
        assert!(text.contains("its keys still work"), "{text}");
    }
    // The RAM user who manages keys still may.
    assert!(!client_as(&h, CnBeijing, seed::RAM_ADMIN)
        .list_model_limits(&Default::default())
        .await
        .unwrap()
        .is_empty());

    let c = client_as(&h, CnBeijing, seed::ROOT);
    let bad = GetBillingTrendRequest {
        granularity: Some(GRANULARITY_DAY.into()),
        time_period: Some(TimePeriod {
            start: Some("2026-11-30".into()),
            end: Some("2026-11-01".into()),
        }),
        group_by: Some(vec![GroupBy::code("COLOUR")]),
        ..Default::default()
    };
    assert_eq!(
        c.get_billing_trend(&bad).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn a_sandbox_left_running_past_midnight_still_has_yesterdays_history() {
    let (h, dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let today = billing::day_of(chrono::Utc::now());
    let yesterday = (today - chrono::Days::new(1)).to_string();
    // As if the sandbox had started the day before: yesterday not written yet.
    let db = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    db.execute("DELETE FROM usage_daily WHERE day >= ?1", [&yesterday])
        .unwrap();
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'usage_through'",
        [(today - chrono::Days::new(2)).to_string()],
    )
    .unwrap();
    drop(db);
    let data = c
        .get_billing_trend(&GetBillingTrendRequest {
            granularity: Some(GRANULARITY_DAY.into()),
            time_period: Some(TimePeriod {
                start: Some(yesterday.clone()),
                end: Some(yesterday),
            }),
            group_by: Some(vec![GroupBy::code(DIM_API_KEY_ID)]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        !data.group_by_total.unwrap_or_default().is_empty(),
        "the busy demo key spent yesterday"
    );
}
