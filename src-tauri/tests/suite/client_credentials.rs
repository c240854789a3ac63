//! Credentials go only where they belong: endpoint overrides are checked
//! before any request, this computer's traffic never goes through a proxy,
//! redirects are not followed, every call has a deadline and a body cap, an
//! STS token is sent (and signed) to the cloud's own hosts and to no other.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use studio_keys::cloud::transport::{build_http, HttpSettings};
use studio_keys::cloud::{Client, Credentials, RetryPolicy};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::domain::secret::Secret;
use studio_keys::sandbox::{self, seed, SandboxConfig};
use studio_keys::ErrorCode;

/// `skm` with an AccessKey from the environment and no proxy settings but `env`.
fn skm(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skm"));
    cmd.args(["--lang", "en"])
        .args(args)
        .env("STUDIO_KEYS_CONFIG_DIR", home.path().join("config"))
        .env("STUDIO_KEYS_DATA_DIR", home.path().join("data"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-test-id")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "test-secret")
        .env("SKM_NO_SAVE", "1");
    for var in [
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "SKM_ENDPOINT",
        "DASHSCOPE_BASE_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_foreign_endpoint_is_refused_before_any_request_unless_allowed() {
    for args in [
        vec![
            "--endpoint",
            "https://modelstudio.example.com",
            "keys",
            "list",
        ],
        vec![
            "--endpoint",
            "modelstudio.cn-beijing.aliyuncs.com.evil.io",
            "keys",
            "list",
        ],
    ] {
        let (code, out, err) = skm(&args, &[]);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("--allow-foreign-endpoint"), "{err}");
    }
    // The environment variable is checked the same way.
    let (code, _, err) = skm(
        &["keys", "list"],
        &[("SKM_ENDPOINT", "https://modelstudio.example.com")],
    );
    assert_eq!(code, 2, "{err}");
    // DashScope receives API keys as Bearer: its override too.
    let (code, _, err) = skm(
        &[
            "--dashscope-url",
            "https://dashscope.example.com",
            "verify",
            "--key",
        ],
        &[(
            "DASHSCOPE_API_KEY",
            &["sk-ws", "fake", &"0".repeat(24)].join("-"),
        )],
    );
    assert_eq!(code, 2, "{err}");
    // Allowed explicitly, the same command goes on to the network (and, with
    // no such host reachable from a test, fails there instead).
    let (code, _, err) = skm(
        &[
            "--allow-foreign-endpoint",
            "--endpoint",
            "https://modelstudio.invalid",
            "keys",
            "list",
        ],
        &[],
    );
    assert_ne!(code, 2, "{err}");
    assert!(!err.contains("--allow-foreign-endpoint"), "{err}");
}

/// A TCP listener that counts the connections it gets (and drops them).
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(conn);
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test(flavor = "multi_thread")]
async fn this_computers_sandbox_is_reached_directly_never_through_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let root = h.identity(seed::ROOT).unwrap().clone();
    let (proxy, connections) = counting_listener().await;
    let endpoint = h.openapi_base_url(CnBeijing);
    let secret = root.access_key_secret.expose().to_string();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        skm(
            &["--json", "--endpoint", &endpoint, "keys", "list"],
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", &root.access_key_id),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", &secret),
                ("HTTP_PROXY", &proxy),
                ("http_proxy", &proxy),
                ("HTTPS_PROXY", &proxy),
                ("ALL_PROXY", &proxy),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the signed requests must not pass through the proxy"
    );
}

/// What a stand-in server saw: request count and the last request's headers.
#[derive(Default)]
struct Seen {
    requests: usize,
    headers: Option<HeaderMap>,
}

async fn stand_in(
    answer: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<Seen>>) {
    let (app, seen) = recording(answer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

/// A router that answers every request with `answer` and records it.
fn recording(
    answer: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> (Router, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let state = seen.clone();
    let app = Router::new().fallback(any(move |headers: HeaderMap| {
        let answer = answer.clone();
        let state = state.clone();
        async move {
            let mut s = state.lock().unwrap();
            s.requests += 1;
            s.headers = Some(headers);
            answer()
        }
    }));
    (app, seen)
}

/// The stand-in as one of the cloud's own hosts: https under `host`, with a
/// certificate made for this test. The HTTP client that goes with it resolves
/// `host` to the stand-in and trusts only that certificate; the request is
/// built and signed as for the cloud.
async fn official_stand_in(
    host: &str,
    answer: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<Seen>>, reqwest::Client) {
    // The process's TLS provider, as the app's own client installs it.
    build_http(HttpSettings::default()).unwrap();
    let made = rcgen::generate_simple_self_signed(vec![host.to_string()]).unwrap();
    let cert = made.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let (app, seen) = recording(answer);
    let listener = TlsListener {
        tcp,
        tls: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    };
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .resolve(host, addr)
        .tls_certs_only([reqwest::Certificate::from_der(&cert).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (format!("https://{host}:{}", addr.port()), seen, http)
}

/// Loopback connections, each through a TLS handshake first.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    tls: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, peer)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.tls.accept(stream).await {
                return (tls, peer);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

fn client(endpoint: &str) -> Client {
    Client::new(
        CnBeijing,
        Credentials::new("stand-in-id", Secret::new("stand-in-secret".to_string()))
            .with_security_token(Secret::new("sts-token-value".to_string())),
        Some(endpoint),
    )
    .unwrap()
    .with_retry(RetryPolicy::none())
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (elsewhere, seen_elsewhere) = stand_in(|| "{}".into_response()).await;
    let target = format!("{elsewhere}/modelstudio/apikeys");
    let (endpoint, seen) = stand_in(move || {
        Response::builder()
            .status(307)
            .header("location", target.clone())
            .body(Body::empty())
            .unwrap()
    })
    .await;
    let e = client(&endpoint)
        .list_api_keys(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.details.http_status, Some(307), "{e:?}");
    assert_eq!(seen.lock().unwrap().requests, 1);
    assert_eq!(
        seen_elsewhere.lock().unwrap().requests,
        0,
        "the signed request was not sent on to the redirect's target"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_cap() {
    let (endpoint, _) = stand_in(|| {
        // Larger than any answer of the API, and without a length up front.
        let chunks = (0..80).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
        Body::from_stream(futures_util::stream::iter(chunks)).into_response()
    })
    .await;
    let e = client(&endpoint)
        .list_api_keys(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadResponse, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some("body_too_large"));
}

#[tokio::test]
async fn a_server_that_trickles_meets_the_total_deadline() {
    let (endpoint, _) = stand_in(|| {
        // One byte every 100 ms: a read timeout never fires.
        let drip = futures_util::stream::unfold((), |()| async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            Some((Ok::<_, std::io::Error>(vec![b' ']), ()))
        });
        Body::from_stream(drip).into_response()
    })
    .await;
    let http = build_http(HttpSettings {
        total_timeout: Duration::from_secs(1),
        ..HttpSettings::default()
    })
    .unwrap();
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        client(&endpoint)
            .with_http(http)
            .list_api_keys(&Default::default()),
    )
    .await
    .expect("the call ends by its own deadline");
    let e = outcome.unwrap_err();
    assert_eq!(e.code, ErrorCode::Timeout, "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_sts_token_is_sent_to_the_clouds_own_host_and_signed() {
    let host = CnBeijing.info().openapi_host;
    let (endpoint, seen, http) = official_stand_in(host, || {
        axum::Json(serde_json::json!({"apiKeys": []})).into_response()
    })
    .await;
    client(&endpoint)
        .with_http(http)
        .list_api_keys(&Default::default())
        .await
        .unwrap();
    let headers = seen
        .lock()
        .unwrap()
        .headers
        .clone()
        .expect("the request arrived");
    assert_eq!(
        headers
            .get("x-acs-security-token")
            .map(|v| v.to_str().unwrap()),
        Some("sts-token-value"),
        "the cloud's own host gets the STS token: {headers:?}"
    );
    let authorization = headers["authorization"].to_str().unwrap();
    assert!(
        authorization.contains("x-acs-security-token"),
        "the token is among the signed headers: {authorization}"
    );
}

#[tokio::test]
async fn an_sts_token_is_not_sent_to_a_host_that_is_not_the_clouds() {
    let (endpoint, seen) =
        stand_in(|| axum::Json(serde_json::json!({"apiKeys": []})).into_response()).await;
    client(&endpoint)
        .list_api_keys(&Default::default())
        .await
        .unwrap();
    let headers = seen.lock().unwrap().headers.clone().unwrap();
    assert!(headers.contains_key("authorization"));
    assert!(
        !headers.contains_key("x-acs-security-token"),
        "an STS token is a credential of its own: {headers:?}"
    );
}

/// A `DASHSCOPE_BASE_URL` exported for other tools (with the SDKs' path) is
/// checked only by the commands that use DashScope.
#[tokio::test(flavor = "multi_thread")]
async fn a_dashscope_url_for_other_tools_does_not_break_other_commands() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let root = h.identity(seed::ROOT).unwrap().clone();
    let endpoint = h.openapi_base_url(CnBeijing);
    let secret = root.access_key_secret.expose().to_string();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        skm(
            &["--json", "--endpoint", &endpoint, "keys", "list"],
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", &root.access_key_id),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", &secret),
                ("DASHSCOPE_BASE_URL", "https://dashscope.example.com/api/v1"),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
}

/// What skm prints passes through the log scrubber, which knows the AccessKey
/// secret by value: a server echoing it back does not put it on screen.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_echoing_the_secret_does_not_put_it_on_screen() {
    let secret = ["echoed", "Secret", "Value", "0123456789"].concat();
    let echoed = secret.clone();
    let (endpoint, _) = stand_in(move || {
        (
            axum::http::StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({
                "Code": "InvalidParameter",
                "Message": format!("the signature made with {echoed} is wrong"),
                "RequestId": "R-1",
            })),
        )
            .into_response()
    })
    .await;
    for json in [true, false] {
        let (endpoint, sent) = (endpoint.clone(), secret.clone());
        let (code, out, err) = tokio::task::spawn_blocking(move || {
            let mut args = vec!["--endpoint", endpoint.as_str(), "keys", "list"];
            if json {
                args.insert(0, "--json");
            }
            skm(&args, &[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", sent.as_str())])
        })
        .await
        .unwrap();
        assert_eq!(code, 2, "{out}{err}");
        let shown = format!("{out}{err}");
        assert!(!shown.contains(&secret), "{shown}");
        if json {
            assert!(
                shown.contains("<redacted>"),
                "the server's words stay, less the secret: {shown}"
            );
        }
    }
}

/// `--lang` takes the four languages; each says the refusal in its own words.
#[test]
fn skm_says_a_refusal_in_each_of_the_four_languages() {
    let said = |lang: &str| {
        let home = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_skm"))
            .args([
                "--lang",
                lang,
                "--endpoint",
                "https://example.com",
                "keys",
                "list",
            ])
            .env("STUDIO_KEYS_CONFIG_DIR", home.path().join("config"))
            .env("STUDIO_KEYS_DATA_DIR", home.path().join("data"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-test-id")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "test-secret")
            .env_remove("SKM_ENDPOINT")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{lang}: a foreign endpoint is refused"
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let texts: Vec<String> = ["en", "zh-CN", "zh-TW", "ja"]
        .iter()
        .map(|l| said(l))
        .collect();
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            assert_ne!(a, b, "two languages said the same");
        }
    }
    let kana = |c: char| ('\u{3040}'..='\u{30ff}').contains(&c);
    assert!(texts[3].chars().any(kana), "Japanese: {}", texts[3]);
    assert!(
        !texts[2].chars().any(kana) && texts[2] != texts[1],
        "Traditional Chinese: {}",
        texts[2]
    );
}
