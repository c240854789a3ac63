//! DashScope temporary keys and key checks against the sandbox.

use studio_keys::cloud::dashscope::{DashScope, KeyCheck};
use studio_keys::cloud::{Client, Credentials};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::requests::CreateApiKeyRequest;
use studio_keys::sandbox::{self, seed, SandboxConfig};
use studio_keys::ErrorCode;

#[tokio::test]
async fn reset_invalidates_old_value_and_temp_keys_work() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let id = h.identity(seed::ROOT).unwrap();
    let c = Client::new(
        CnBeijing,
        Credentials::new(id.access_key_id.clone(), id.access_key_secret.clone()),
        Some(&h.openapi_base_url(CnBeijing)),
    )
    .unwrap();
    let d = DashScope::new(CnBeijing, None, Some(&h.dashscope_base_url(CnBeijing))).unwrap();

    let key = c
        .create_api_key(&CreateApiKeyRequest::default())
        .await
        .unwrap();
    assert_eq!(d.check_key(&key.value).await.unwrap(), KeyCheck::Valid);

    let temp = d.temporary_key(&key.value, Some(120)).await.unwrap();
    assert!(temp.token.expose().starts_with("st-"));
    assert!(temp.expires_at > chrono::Utc::now().timestamp());
    assert_eq!(d.check_key(&temp.token).await.unwrap(), KeyCheck::Valid);

    let reset = c.reset_api_key(key.api_key_id).await.unwrap();
    assert_eq!(d.check_key(&key.value).await.unwrap(), KeyCheck::Invalid);
    assert_eq!(d.check_key(&reset.value).await.unwrap(), KeyCheck::Valid);

    c.disable_api_key(key.api_key_id).await.unwrap();
    assert_ne!(d.check_key(&reset.value).await.unwrap(), KeyCheck::Valid);
    let e = d.temporary_key(&reset.value, None).await.unwrap_err();
    assert!(
        matches!(e.code, ErrorCode::InvalidCredentials | ErrorCode::Forbidden),
        "{e:?}"
    );
}
