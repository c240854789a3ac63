//! The typed client against the real sandbox over loopback HTTP, through the real signer.

use std::sync::Arc;
use studio_keys::cloud::{Client, Credentials, RetryPolicy};
use studio_keys::domain::regions::RegionId::{self, CnBeijing, UsEast1};
use studio_keys::protocol::requests::*;
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

fn custom(ips: &[&str], models: &[&str]) -> Auth {
    Auth {
        auth_type: Some("Custom".into()),
        access_ips: Some(ips.iter().map(|s| s.to_string()).collect()),
        model_access_scope: Some(ModelAccessScope {
            allow_all_models: Some(false),
            accessible_models: Some(models.iter().map(|s| s.to_string()).collect()),
        }),
    }
}

#[tokio::test]
async fn every_key_action_round_trips() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let workspaces = c.list_workspaces(&Default::default()).await.unwrap();
    let default_ws = workspaces[0].workspace_id.clone().unwrap();
    let models = c.authorized_models(&default_ws).await.unwrap();
    let model = models[0].model.clone().unwrap();

    let created = c
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(custom(&["2001:db8::/32", "10.0.0.0/8"], &[&model])),
            description: Some("round trip 测试".into()),
            workspace_id: Some(default_ws.clone()),
        })
        .await
        .unwrap();
    assert!(created.value.expose().starts_with("sk-ws-"));

    let got = c.get_api_key(created.api_key_id).await.unwrap();
    assert_eq!(got.description.as_deref(), Some("round trip 测试"));
    let auth = got.auth.unwrap();
    assert_eq!(
        auth.access_ips.unwrap(),
        vec!["2001:db8::/32", "10.0.0.0/8"]
    );
    assert!(!got
        .api_key_value
        .unwrap()
        .contains(&created.value.expose()[8..]));

    c.update_api_key(
        created.api_key_id,
        &UpdateApiKeyRequest {
            auth: Some(custom(&["192.168.1.0/24"], &[&model])),
            description: Some("renamed".into()),
        },
    )
    .await
    .unwrap();
    let got = c.get_api_key(created.api_key_id).await.unwrap();
    assert_eq!(got.description.as_deref(), Some("renamed"));
    assert_eq!(
        got.auth.unwrap().access_ips.unwrap(),
        vec!["192.168.1.0/24"]
    );

    c.disable_api_key(created.api_key_id).await.unwrap();
    assert_eq!(
        c.get_api_key(created.api_key_id).await.unwrap().disabled,
        Some(1)
    );
    let again = c.disable_api_key(created.api_key_id).await.unwrap_err();
    assert_eq!(
        again.code,
        ErrorCode::Conflict,
        "first-try 'already disabled' is reported"
    );
    c.enable_api_key(created.api_key_id).await.unwrap();
    assert_eq!(
        c.get_api_key(created.api_key_id).await.unwrap().disabled,
        Some(0)
    );

    let reset = c.reset_api_key(created.api_key_id).await.unwrap();
    assert_eq!(reset.api_key_id, created.api_key_id);
    assert_ne!(reset.value, created.value);

    c.delete_api_key(created.api_key_id).await.unwrap();
    let gone = c.get_api_key(created.api_key_id).await.unwrap_err();
    assert_eq!(gone.code, ErrorCode::NotFound);
    assert_eq!(gone.details.server_code.as_deref(), Some("ApiKey.NotFound"));
    assert!(gone.details.request_id.is_some());
}

#[tokio::test]
async fn listing_follows_every_page_and_filter() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let before = c.list_api_keys(&Default::default()).await.unwrap().len();
    for i in 0..7 {
        c.create_api_key(&CreateApiKeyRequest {
            description: Some(format!("paged-{i}")),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let all = c
        .list_api_keys(&ListApiKeysRequest {
            max_results: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), before + 7);
    // Sorted first: a key repeated on a later page is not next to its twin.
    let mut ids: Vec<_> = all.iter().map(|k| k.api_key_id.unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no key twice across pages");
    // And every key once: the same ids as one page holding them all.
    let page = c
        .list_api_keys_page(&ListApiKeysRequest {
            max_results: Some(100),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.next_token.unwrap_or_default().is_empty(), "one page");
    let mut one_page: Vec<_> = page
        .api_keys
        .unwrap_or_default()
        .iter()
        .map(|k| k.api_key_id.unwrap())
        .collect();
    one_page.sort_unstable();
    assert_eq!(ids, one_page, "paging lost or invented a key");
    let asc = c
        .list_api_keys(&ListApiKeysRequest {
            description: Some("paged-".into()),
            order: Some(SortOrder::Asc),
            order_by: Some(OrderBy::GmtCreate),
            max_results: Some(3),
            ..Default::default()
        })
        .await
        .unwrap();
    let names: Vec<_> = asc.iter().map(|k| k.description.clone().unwrap()).collect();
    assert_eq!(
        names,
        (0..7).map(|i| format!("paged-{i}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn workspaces_create_list_delete() {
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let ws = c
        .create_workspace(&CreateWorkspaceRequest {
            workspace_name: "team-a".into(),
            service_site: None,
        })
        .await
        .unwrap();
    let id = ws.workspace_id.unwrap();
    assert!(c
        .list_workspaces(&Default::default())
        .await
        .unwrap()
        .iter()
        .any(|w| w.workspace_id.as_deref() == Some(&id)));
    let key = c
        .create_api_key(&CreateApiKeyRequest {
            workspace_id: Some(id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let refused = c.delete_workspace(&id).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict, "{refused:?}");
    c.delete_api_key(key.api_key_id).await.unwrap();
    c.delete_workspace(&id).await.unwrap();
    assert!(!c
        .list_workspaces(&Default::default())
        .await
        .unwrap()
        .iter()
        .any(|w| w.workspace_id.as_deref() == Some(&id)));
}

#[tokio::test]
async fn bad_credentials_and_clock_are_told_apart() {
    let (h, _dir) = start().await;
    let root = h.identity(seed::ROOT).unwrap();
    let url = h.openapi_base_url(CnBeijing);
    let wrong_secret = Client::new(
        CnBeijing,
        Credentials::new(root.access_key_id.clone(), Secret::new("not-the-secret")),
        Some(&url),
    )
    .unwrap();
    assert_eq!(
        wrong_secret
            .list_api_keys(&Default::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::SignatureMismatch
    );

    let unknown = Client::new(
        CnBeijing,
        Credentials::new("LTAI-nobody", Secret::new("x")),
        Some(&url),
    )
    .unwrap();
    assert_eq!(
        unknown
            .list_api_keys(&Default::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidCredentials
    );

    let skewed = client_as(&h, CnBeijing, seed::ROOT).with_clock(Arc::new(|| {
        chrono::Utc::now() - chrono::Duration::minutes(16)
    }));
    assert_eq!(
        skewed
            .list_api_keys(&Default::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::ClockSkew
    );

    let no_perm = client_as(&h, CnBeijing, seed::RAM_NO_PERMISSION);
    assert_eq!(
        no_perm
            .list_api_keys(&Default::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn region_rules_are_enforced_by_the_server_too() {
    let (h, _dir) = start().await;
    let virginia = client_as(&h, UsEast1, seed::ROOT);
    let e = virginia
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(custom(&["10.0.0.0/8"], &["qwen-plus"])),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let singapore = client_as(&h, RegionId::ApSoutheast1, seed::ROOT);
    let e = singapore
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(custom(&["2001:db8::/32"], &["qwen-plus"])),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let many: Vec<String> = (1..=21).map(|i| format!("10.0.0.{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let beijing = client_as(&h, CnBeijing, seed::ROOT);
    let e = beijing
        .create_api_key(&CreateApiKeyRequest {
            auth: Some(custom(&refs, &["qwen-plus"])),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error_and_nothing_changed() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::new(
        CnBeijing,
        Credentials::new("id", Secret::new("s")),
        Some(&format!("http://127.0.0.1:{port}")),
    )
    .unwrap()
    .with_retry(RetryPolicy::none());
    let e = c.create_api_key(&Default::default()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Network);
    assert_eq!(e.reason.as_deref(), Some("connection_refused"));
    let plain = Client::new(
        CnBeijing,
        Credentials::new("id", Secret::new("s")),
        Some("http://example.com"),
    );
    assert_eq!(
        plain.err().unwrap().reason.as_deref(),
        Some("endpoint_plain_http")
    );
}

/// UpdateModelLimits as this client sends it (the form the official SDK
/// sends, `tests/conformance/test_limits.py`), read back with ListModelLimits.
#[tokio::test]
async fn a_workspace_limit_is_set_and_removed() {
    use studio_keys::protocol::limits::{
        ListModelLimitsRequest, UpdateModelLimitsRequest, WorkspaceLimitChange, LIMIT_DELETE,
        LIMIT_OVERLAY,
    };
    let (h, _dir) = start().await;
    let c = client_as(&h, CnBeijing, seed::ROOT);
    let ws = c
        .create_workspace(&CreateWorkspaceRequest {
            workspace_name: "limited".into(),
            service_site: None,
        })
        .await
        .unwrap()
        .workspace_id
        .unwrap();
    let plus_limit = |c: Client, ws: String| async move {
        c.list_model_limits(&ListModelLimitsRequest {
            workspace_id: Some(ws),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.model.as_deref() == Some("qwen-plus"))
        .unwrap()
        .workspace_limit
    };
    let change = |op: &str, requests: Option<(i64, i64)>| UpdateModelLimitsRequest {
        workspace_id: Some(ws.clone()),
        workspace_limits: vec![WorkspaceLimitChange {
            model: Some("qwen-plus".into()),
            operation_type: Some(op.into()),
            request_limit: requests.map(|r| r.0),
            request_limit_period: requests.map(|r| r.1),
            ..Default::default()
        }],
    };
    assert_eq!(plus_limit(c.clone(), ws.clone()).await, None);
    c.update_model_limits(&change(LIMIT_OVERLAY, Some((120, 60))))
        .await
        .unwrap();
    let set = plus_limit(c.clone(), ws.clone())
        .await
        .expect("a limit of its own");
    assert_eq!(
        (set.request_limit, set.request_limit_period),
        (Some(120), Some(60))
    );
    c.update_model_limits(&change(LIMIT_DELETE, None))
        .await
        .unwrap();
    assert_eq!(plus_limit(c.clone(), ws.clone()).await, None);

    // A RAM user is refused, and the refusal is the server's.
    let admin = client_as(&h, CnBeijing, seed::RAM_ADMIN);
    let e = admin
        .update_model_limits(&change(LIMIT_OVERLAY, Some((10, 60))))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e:?}");
}
