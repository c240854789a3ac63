//! Console rules as the server enforces them, over real HTTP.

use crate::support::sandbox::{check_key, Req, TestSandbox};
use studio_keys::domain::regions::RegionId::{
    self, ApSoutheast1, CnBeijing, CnHongkong, EuCentral1, UsEast1,
};
use studio_keys::sandbox::{seed, seed_keys, SeedCount};

fn custom(ips: &[&str]) -> Vec<(String, String)> {
    let mut f = vec![("auth.type".to_string(), "Custom".to_string())];
    for (i, ip) in ips.iter().enumerate() {
        f.push((format!("auth.accessIps.{}", i + 1), ip.to_string()));
    }
    f
}

fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[tokio::test]
async fn two_simultaneous_creates_at_quota_minus_one_yield_one_key() {
    let sb = TestSandbox::start().await;
    let c = sb.root(EuCentral1);
    // The demo world already holds keys here: top it up to one below the limit.
    seed_keys(&sb.db_path(), EuCentral1, SeedCount::UpTo(49), seed::ROOT).unwrap();
    assert_eq!(c.list_keys().await.body["totalCount"], 49);
    let admin = sb.caller(EuCentral1, seed::RAM_ADMIN);
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let c = if i % 2 == 0 { c.clone() } else { admin.clone() };
            tokio::spawn(async move { c.create_key(&[]).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let a = t.await.unwrap();
        match a.status {
            200 => ok += 1,
            _ => assert_eq!(a.code(), "ApiKey.QuotaExceeded", "{}", a.body),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(c.list_keys().await.body["totalCount"], 50);
}

#[tokio::test]
async fn virginia_counts_twenty_per_owner_and_issues_legacy_format() {
    let sb = TestSandbox::start().await;
    let root = sb.root(UsEast1);
    let before = root.list_keys().await.body["totalCount"].as_i64().unwrap();
    // Counted per owner: root's keys go up to 20, the other owners' stay.
    let made = seed_keys(&sb.db_path(), UsEast1, SeedCount::UpTo(20), seed::ROOT).unwrap();
    let after = root.list_keys().await.body["totalCount"].as_i64().unwrap();
    assert_eq!(after - before, made.len() as i64);
    assert!(
        after > 20,
        "other owners' keys are not counted against root"
    );
    let again = seed_keys(&sb.db_path(), UsEast1, SeedCount::UpTo(20), seed::ROOT).unwrap();
    assert!(
        again.is_empty(),
        "already at the total: nothing more is made"
    );
    let refused = root.create_key(&[]).await;
    assert_eq!(
        (refused.status, refused.code()),
        (400, "ApiKey.QuotaExceeded")
    );
    let admin = sb.caller(UsEast1, seed::RAM_ADMIN).create_key(&[]).await;
    assert_eq!(admin.status, 200, "another owner still has room");
    let v = admin.body["apiKey"]["apiKeyValue"].as_str().unwrap();
    assert!(v.starts_with("sk-") && !v.starts_with("sk-ws-"));
}

#[tokio::test]
async fn custom_permissions_are_refused_in_virginia() {
    let sb = TestSandbox::start().await;
    let a = sb
        .root(UsEast1)
        .create_key(&as_refs(&custom(&["10.0.0.1"])))
        .await;
    assert_eq!((a.status, a.code()), (400, "ApiKey.CustomAuthNotSupported"));
}

#[tokio::test]
async fn ipv6_is_accepted_only_in_beijing() {
    let sb = TestSandbox::start().await;
    let f = custom(&["2001:db8::/48"]);
    assert_eq!(
        sb.root(CnBeijing).create_key(&as_refs(&f)).await.status,
        200
    );
    for region in [ApSoutheast1, CnHongkong, EuCentral1] {
        let a = sb.root(region).create_key(&as_refs(&f)).await;
        assert_eq!(
            a.code(),
            "InvalidParameter.AccessIps.IPv6NotSupported",
            "{region}"
        );
    }
}

#[tokio::test]
async fn whitelist_holds_at_most_twenty_valid_entries() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let twenty: Vec<String> = (1..=20).map(|i| format!("10.0.0.{i}")).collect();
    let refs: Vec<&str> = twenty.iter().map(String::as_str).collect();
    assert_eq!(c.create_key(&as_refs(&custom(&refs))).await.status, 200);
    let mut more = refs.clone();
    more.push("10.0.0.21");
    assert_eq!(
        c.create_key(&as_refs(&custom(&more))).await.code(),
        "InvalidParameter.AccessIps.TooMany"
    );
    for bad in ["10.0.0.300", "10.0.0.0/33", "example.com"] {
        assert_eq!(
            c.create_key(&as_refs(&custom(&[bad]))).await.code(),
            "InvalidParameter.AccessIps",
            "{bad}"
        );
    }
}

#[tokio::test]
async fn empty_custom_whitelist_means_all_traffic() {
    let sb = TestSandbox::start().await;
    for (region, expected) in [
        (CnBeijing, vec!["0.0.0.0/0", "::/0"]),
        (ApSoutheast1, vec!["0.0.0.0/0"]),
    ] {
        let c = sb.root(region);
        let id = c.create_key(&as_refs(&custom(&[]))).await.body["apiKey"]["apiKeyId"]
            .as_i64()
            .unwrap();
        let got = c.get_key(id).await;
        assert_eq!(
            got.body["apiKey"]["auth"]["accessIps"],
            serde_json::json!(expected),
            "{region}"
        );
    }
}

#[tokio::test]
async fn model_scope_names_only_authorized_models() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let mut f = custom(&[]);
    f.push((
        "auth.modelAccessScope.allowAllModels".into(),
        "false".into(),
    ));
    f.push((
        "auth.modelAccessScope.accessibleModels.1".into(),
        "qwen-vl-max".into(),
    ));
    let a = c.create_key(&as_refs(&f)).await;
    assert_eq!(
        (a.status, a.code()),
        (400, "InvalidParameter.AccessibleModels")
    );
    f.pop();
    f.push((
        "auth.modelAccessScope.accessibleModels.1".into(),
        "qwen-max".into(),
    ));
    assert_eq!(c.create_key(&as_refs(&f)).await.status, 200);
}

#[tokio::test]
async fn disabling_twice_and_enabling_twice_are_errors() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let id = c.create_key(&[]).await.body["apiKey"]["apiKeyId"]
        .as_i64()
        .unwrap();
    assert_eq!(
        c.key_action(id, "enable").await.code(),
        "ApiKey.AlreadyEnabled"
    );
    assert_eq!(c.key_action(id, "disable").await.status, 200);
    assert_eq!(
        c.key_action(id, "disable").await.code(),
        "ApiKey.AlreadyDisabled"
    );
    assert_eq!(c.get_key(id).await.body["apiKey"]["disabled"], 1);
}

#[tokio::test]
async fn reset_invalidates_old_value() {
    let sb = TestSandbox::start().await;
    let c = sb.root(ApSoutheast1);
    let created = c.create_key(&[]).await;
    let id = created.body["apiKey"]["apiKeyId"].as_i64().unwrap();
    let old = created.body["apiKey"]["apiKeyValue"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(check_key(&sb.handle, ApSoutheast1, &old).await, 200);
    let reset = c.key_action(id, "reset").await;
    assert_eq!(reset.body["apiKey"]["apiKeyId"], id);
    let new = reset.body["apiKey"]["apiKeyValue"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(old, new);
    assert_eq!(check_key(&sb.handle, ApSoutheast1, &old).await, 401);
    assert_eq!(check_key(&sb.handle, ApSoutheast1, &new).await, 200);
    // List and Get never carry the full value.
    let listed = c.list_keys().await.body.to_string();
    assert!(!listed.contains(&new) && !c.get_key(id).await.body.to_string().contains(&new));
}

#[tokio::test]
async fn ram_user_sees_and_manages_only_own_keys() {
    let sb = TestSandbox::start().await;
    let region: RegionId = CnHongkong;
    let root = sb.root(region);
    let admin = sb.caller(region, seed::RAM_ADMIN);
    let roots = root.create_key(&[]).await.body["apiKey"]["apiKeyId"]
        .as_i64()
        .unwrap();
    let listed = admin.list_keys().await.body;
    let uid = sb.who(seed::RAM_ADMIN).uid;
    assert!(listed["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["createdBy"] == uid.as_str()));
    assert_eq!(admin.get_key(roots).await.code(), "ApiKey.NotFound");
    assert_eq!(
        admin.key_action(roots, "disable").await.code(),
        "ApiKey.NotFound"
    );
    assert_eq!(
        root.get_key(roots).await.body["apiKey"]["disabled"],
        0,
        "untouched"
    );
    let total_root = root.list_keys().await.body["totalCount"].as_i64().unwrap();
    assert!(
        total_root > listed["totalCount"].as_i64().unwrap(),
        "root sees every key"
    );
}

#[tokio::test]
async fn ram_user_without_permission_is_forbidden() {
    let sb = TestSandbox::start().await;
    let c = sb.caller(CnBeijing, seed::RAM_NO_PERMISSION);
    for a in [c.list_keys().await, c.create_key(&[]).await] {
        assert_eq!((a.status, a.code()), (403, "Forbidden.RAM"));
    }
}

#[tokio::test]
async fn default_and_nonempty_workspaces_are_not_deleted() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let list = c
        .send(&Req::new(
            "GET",
            "ListWorkspaces",
            "/modelstudio/workspaces",
        ))
        .await
        .body;
    let default = list["workspaces"][0]["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    let del = |id: String| {
        Req::new(
            "DELETE",
            "DeleteWorkspace",
            format!("/modelstudio/workspaces/{id}"),
        )
    };
    let a = c.send(&del(default.clone())).await;
    assert_eq!(a.body["isDeleted"], false);
    let made = c
        .send(
            &Req::new("POST", "CreateWorkspace", "/modelstudio/workspaces")
                .q("workspaceName", "tmp"),
        )
        .await;
    let ws = made.body["workspace"]["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    let key = c
        .send(&Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("workspaceId", &ws))
        .await;
    assert_eq!(key.status, 200, "{}", key.body);
    assert_eq!(c.send(&del(ws.clone())).await.body["isDeleted"], false);
    let id = key.body["apiKey"]["apiKeyId"].as_i64().unwrap();
    c.send(&Req::new(
        "DELETE",
        "DeleteApiKey",
        format!("/modelstudio/apikeys/{id}"),
    ))
    .await;
    assert_eq!(c.send(&del(ws.clone())).await.body["isDeleted"], true);
    assert_eq!(c.send(&del(ws)).await.code(), "Workspace.NotFound");
}

#[tokio::test]
async fn dashscope_checks_whitelist_region_and_token_lifetime() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let outside = c.create_key(&as_refs(&custom(&["10.0.0.0/8"]))).await.body["apiKey"]
        ["apiKeyValue"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(check_key(&sb.handle, CnBeijing, &outside).await, 403);
    let inside = c.create_key(&as_refs(&custom(&["127.0.0.1"]))).await.body["apiKey"]
        ["apiKeyValue"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(check_key(&sb.handle, CnBeijing, &inside).await, 200);
    assert_eq!(
        check_key(&sb.handle, ApSoutheast1, &inside).await,
        401,
        "a key works only in its region"
    );
    let http = crate::support::http();
    let url = format!("{}/api/v1/tokens", sb.handle.dashscope_base_url(CnBeijing));
    for bad in ["0", "1801"] {
        let r = http
            .post(&url)
            .query(&[("expire_in_seconds", bad)])
            .bearer_auth(&inside)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
    }
    let r: serde_json::Value = http
        .post(&url)
        .bearer_auth(&inside)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = r["token"].as_str().unwrap();
    assert!(token.starts_with("st-"));
    let ttl = r["expires_at"].as_i64().unwrap() - chrono::Utc::now().timestamp();
    assert!((58..=61).contains(&ttl), "default lifetime 60 s, got {ttl}");
    assert_eq!(check_key(&sb.handle, CnBeijing, token).await, 200);
}
