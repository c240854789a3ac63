//! No local process can stall the sandbox: each listener serves a bounded
//! number of connections, closes idle ones and cuts requests that trickle in;
//! held and trickling connections give their places back and a real call
//! waiting behind them is served. Short limits here; the defaults are in
//! `sandbox::net::ConnLimits`.

use std::time::{Duration, Instant};
use studio_keys::cloud::transport::{build_http, HttpSettings};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::sandbox::{self, ConnLimits, SandboxConfig, SandboxHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: ConnLimits = ConnLimits {
    max_open: 2,
    idle: Duration::from_millis(800),
    request: Duration::from_millis(800),
};

async fn start(dir: &tempfile::TempDir) -> SandboxHandle {
    sandbox::start(SandboxConfig {
        limits: LIMITS,
        ..SandboxConfig::new(dir.path().join("s.db"))
    })
    .await
    .unwrap()
}

fn address(h: &SandboxHandle) -> String {
    h.openapi_base_url(CnBeijing)
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// Waits for the server to close `conn` (end of stream or a reset); how long it took.
async fn closed_by_server(conn: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 256];
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await
    .expect("the sandbox closes the connection by itself");
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_nothing_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(&dir).await;
    let mut held = TcpStream::connect(address(&h)).await.unwrap();
    let took = closed_by_server(&mut held).await;
    assert!(took >= LIMITS.idle / 2, "not before its time: {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_request_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(&dir).await;
    let mut conn = TcpStream::connect(address(&h)).await.unwrap();
    let head = format!(
        "POST /modelstudio/apikeys HTTP/1.1\r\nhost: {}\r\ncontent-length: 100\r\n\r\n",
        address(&h)
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    // One byte of the body every 100 ms: each alone would keep an idle timer alive.
    let started = Instant::now();
    let cut = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if conn.write_all(b"x").await.is_err() {
                return;
            }
            let mut buf = [0u8; 64];
            if let Ok(Ok(0) | Err(_)) =
                tokio::time::timeout(Duration::from_millis(1), conn.read(&mut buf)).await
            {
                return;
            }
        }
    })
    .await;
    assert!(cut.is_ok(), "the trickled request is cut");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_connections_give_their_places_back_to_a_real_call() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(&dir).await;
    // Every place taken by connections that send nothing.
    let mut held = Vec::new();
    for _ in 0..LIMITS.max_open {
        held.push(TcpStream::connect(address(&h)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        build_http(HttpSettings {
            system_proxy: false,
            ..HttpSettings::default()
        })
        .unwrap()
        .get(format!("http://{}/", address(&h)))
        .send(),
    )
    .await
    .expect("served once the held connections are closed")
    .expect("an HTTP answer");
    let waited = started.elapsed();
    assert!(answer.status().as_u16() > 0);
    assert!(
        waited >= LIMITS.idle / 2,
        "the call waited for a place (at most {} open at once): {waited:?}",
        LIMITS.max_open
    );
    for mut conn in held {
        closed_by_server(&mut conn).await;
    }
}
