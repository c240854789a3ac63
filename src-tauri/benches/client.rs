//! Client latency against the in-process sandbox over loopback: what one
//! action costs end to end (sign, HTTP, the sandbox's SQLite, JSON).
//! `make bench` runs this and folds the medians into bench/results/latest.md.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use studio_keys::cloud::{Client, Credentials};
use studio_keys::protocol::requests::{CreateApiKeyRequest, ListApiKeysRequest};
use studio_keys::protocol::signer::{sign_request, SigningInput};
use studio_keys::sandbox::{self, seed, SandboxConfig, SandboxHandle};
use studio_keys::RegionId;

fn client(h: &SandboxHandle, region: RegionId) -> Client {
    let root = h.identity(seed::ROOT).expect("root identity");
    let creds = Credentials::new(root.access_key_id.clone(), root.access_key_secret.clone());
    Client::new(region, creds, Some(&h.openapi_base_url(region))).expect("client")
}

/// Top `region` up to exactly `total` keys (past the console limit if asked).
async fn fill(h: &SandboxHandle, db: &std::path::Path, region: RegionId, total: usize) {
    let have = client(h, region)
        .list_api_keys(&ListApiKeysRequest::default())
        .await
        .expect("list")
        .len();
    let more = (total - have) as u32;
    if total > region.info().key_limit as usize {
        sandbox::seed_keys_past_limit(db, region, more, seed::ROOT).expect("seed");
    } else {
        sandbox::seed_keys(db, region, sandbox::SeedCount::Add(more), seed::ROOT).expect("seed");
    }
}

fn benches(c: &mut Criterion) {
    let headers: Vec<(String, String)> = [
        ("host", "modelstudio.cn-beijing.aliyuncs.com"),
        ("x-acs-action", "ListApiKeys"),
        ("x-acs-version", "2026-02-10"),
        ("x-acs-date", "2026-11-26T12:00:00Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let query = vec![
        ("maxResults".to_string(), "50".to_string()),
        ("workspaceId".to_string(), "ws-123".to_string()),
    ];
    c.bench_function("sign", |b| {
        b.iter(|| {
            sign_request(
                "BenchAccessKeyId",
                "BenchAccessKeySecret",
                SigningInput {
                    method: "GET",
                    path: "/modelstudio/apikeys",
                    query: &query,
                    headers: &headers,
                    body_sha256_hex: &headers[5].1,
                },
            )
        })
    });

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let h = rt
        .block_on(sandbox::start(SandboxConfig::new(db.clone())))
        .unwrap();
    rt.block_on(fill(&h, &db, RegionId::CnBeijing, 50));
    rt.block_on(fill(&h, &db, RegionId::ApNortheast1, 500));

    let mut g = c.benchmark_group("client");
    g.sample_size(30).measurement_time(Duration::from_secs(5));

    let beijing = client(&h, RegionId::CnBeijing);
    g.bench_function("list_50", |b| {
        b.to_async(&rt).iter(|| async {
            let keys = beijing
                .list_api_keys(&ListApiKeysRequest::default())
                .await
                .unwrap();
            assert_eq!(keys.len(), 50);
        })
    });

    let tokyo = client(&h, RegionId::ApNortheast1);
    g.bench_function("list_500_paged", |b| {
        b.to_async(&rt).iter(|| async {
            let keys = tokyo
                .list_api_keys(&ListApiKeysRequest::default())
                .await
                .unwrap();
            assert_eq!(keys.len(), 500);
        })
    });

    // Create is timed alone; the delete that keeps the region under its limit is not.
    let singapore = client(&h, RegionId::ApSoutheast1);
    g.bench_function("create", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let singapore = &singapore;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let made = singapore
                        .create_api_key(&CreateApiKeyRequest {
                            description: Some("bench".into()),
                            ..Default::default()
                        })
                        .await
                        .unwrap();
                    total += started.elapsed();
                    singapore.delete_api_key(made.api_key_id).await.unwrap();
                }
                total
            }
        })
    });
    g.finish();
}

criterion_group!(client_benches, benches);
criterion_main!(client_benches);
