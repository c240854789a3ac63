//! The gateway's authentication checks, over real HTTP.

use crate::support::sandbox::{Req, TestSandbox};
use studio_keys::domain::regions::RegionId::CnBeijing;

fn list() -> Req {
    Req::new("GET", "ListApiKeys", "/modelstudio/apikeys")
}

#[tokio::test]
async fn correctly_signed_request_is_answered() {
    let sb = TestSandbox::start().await;
    let a = sb
        .root(CnBeijing)
        .send(&list().q("description", "a b/c+d"))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["success"], true);
    assert!(a.body["requestId"].as_str().is_some_and(|s| !s.is_empty()));
}

#[tokio::test]
async fn unknown_access_key_is_rejected() {
    let sb = TestSandbox::start().await;
    let mut c = sb.root(CnBeijing);
    c.access_key_id = "LTAI000000000000000000NOPE".into();
    let a = c.send(&list()).await;
    assert_eq!((a.status, a.code()), (404, "InvalidAccessKeyId.NotFound"));
    assert!(a.body["requestId"].is_string() && a.body["message"].is_string());
}

#[tokio::test]
async fn wrong_secret_is_a_signature_mismatch() {
    let sb = TestSandbox::start().await;
    let mut c = sb.root(CnBeijing);
    c.secret.push('x');
    let a = c.send(&list()).await;
    assert_eq!((a.status, a.code()), (400, "SignatureDoesNotMatch"));
}

#[tokio::test]
async fn date_more_than_fifteen_minutes_off_is_expired() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    for skew in [-16, 16] {
        let mut r = list();
        r.date = chrono::Utc::now() + chrono::Duration::minutes(skew);
        let a = c.send(&r).await;
        assert_eq!(
            (a.status, a.code()),
            (400, "InvalidTimeStamp.Expired"),
            "skew {skew}"
        );
    }
    let mut r = list();
    r.date = chrono::Utc::now() - chrono::Duration::minutes(14);
    assert_eq!(
        c.send(&r).await.status,
        200,
        "14 minutes is within the window"
    );
}

#[tokio::test]
async fn reused_nonce_is_rejected() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let r = list();
    assert_eq!(c.send(&r).await.status, 200);
    let again = c.send(&r).await;
    assert_eq!((again.status, again.code()), (400, "SignatureNonceUsed"));
}

#[tokio::test]
async fn replayed_create_does_not_create_twice() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let before = c.list_keys().await.body["totalCount"].as_i64().unwrap();
    let r = Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "once");
    assert_eq!(c.send(&r).await.status, 200);
    assert_eq!(c.send(&r).await.code(), "SignatureNonceUsed");
    assert_eq!(
        c.list_keys().await.body["totalCount"].as_i64().unwrap(),
        before + 1
    );
}

#[tokio::test]
async fn body_not_matching_its_hash_is_rejected() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let r = Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").f("auth.type", "All");
    let a = c
        .send_with_body(&r, Some("auth.type=Custom".into()))
        .await
        .unwrap();
    assert_eq!((a.status, a.code()), (400, "InvalidContentSha256.Mismatch"));
}

#[tokio::test]
async fn altered_query_breaks_the_signature() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let mut r = Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "signed");
    r.sent_query = Some(vec![("description".into(), "altered".into())]);
    let a = c.send(&r).await;
    assert_eq!((a.status, a.code()), (400, "SignatureDoesNotMatch"));
}

#[tokio::test]
async fn python_sdk_booleans_are_accepted() {
    let sb = TestSandbox::start().await;
    let c = sb.root(CnBeijing);
    let a = c
        .create_key(&[
            ("auth.type", "Custom"),
            ("auth.accessIps.1", "10.0.0.1"),
            ("auth.modelAccessScope.allowAllModels", "False"),
            ("auth.modelAccessScope.accessibleModels.1", "qwen-plus"),
        ])
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.body["apiKey"]["apiKeyId"].as_i64().unwrap();
    let got = c.get_key(id).await;
    assert_eq!(
        got.body["apiKey"]["auth"]["modelAccessScope"]["allowAllModels"],
        false
    );
    assert_eq!(
        got.body["apiKey"]["auth"]["modelAccessScope"]["accessibleModels"][0],
        "qwen-plus"
    );
}

#[tokio::test]
async fn region_can_be_chosen_by_host_header() {
    let sb = TestSandbox::start().await;
    // The cn-beijing listener, addressed as us-east-1 by Host: keys come out in us-east-1's format.
    let mut c = sb.root(CnBeijing);
    c.host = format!(
        "us-east-1.sandbox.localhost:{}",
        sb.handle.addr(CnBeijing).port()
    );
    studio_keys::cloud::transport::install_tls_provider();
    let http = reqwest::Client::builder()
        .resolve("us-east-1.sandbox.localhost", sb.handle.addr(CnBeijing))
        .build()
        .unwrap();
    c.http = http;
    let a = c.create_key(&[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let value = a.body["apiKey"]["apiKeyValue"].as_str().unwrap();
    assert!(value.starts_with("sk-") && !value.starts_with("sk-ws-"));
}

/// Two sandboxes on one database (the app's and `skm`'s): a nonce one of them
/// accepted is refused by the other, so a captured request cannot be replayed
/// through the second listener.
#[tokio::test]
async fn a_nonce_used_with_one_sandbox_is_refused_by_another_on_the_same_database() {
    use crate::support::sandbox::Caller;
    use studio_keys::sandbox::{self, seed, SandboxConfig};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let a = sandbox::start(SandboxConfig::new(&path)).await.unwrap();
    let b = sandbox::start(SandboxConfig::new(&path)).await.unwrap();
    let root = a.identity(seed::ROOT).unwrap();
    let r = Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "once");
    assert_eq!(Caller::new(&a, CnBeijing, root).send(&r).await.status, 200);
    let again = Caller::new(&b, CnBeijing, root).send(&r).await;
    assert_eq!(again.code(), "SignatureNonceUsed", "{}", again.body);
}

/// A page a browser loaded from another site, pointed at this computer by its
/// DNS (rebinding), names that site in `Host`: refused before authentication.
#[tokio::test]
async fn a_request_for_a_host_the_sandbox_does_not_serve_is_refused() {
    let sb = TestSandbox::start().await;
    let base = sb.handle.dashscope_base_url(CnBeijing);
    let port = base.rsplit(':').next().unwrap().to_string();
    let ask = |host: String| {
        let url = format!("{base}/compatible-mode/v1/models");
        async move {
            crate::support::http()
                .get(url)
                .header("host", host)
                .bearer_auth(["sk-ws", "fake", &"0".repeat(24)].join("-"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(ask(format!("attacker.example:{port}")).await, 403);
    assert_eq!(ask("attacker.example".into()).await, 403);
    // This computer's names and the hosts it stands in for are answered
    // (401: the bearer key is not one).
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "dashscope.aliyuncs.com".into(),
        "llm-x1.cn-beijing.maas.aliyuncs.com".into(),
    ] {
        assert_eq!(ask(host.clone()).await, 401, "{host}");
    }
}
