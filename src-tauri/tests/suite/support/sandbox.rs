//! Shared by the `sandbox_*` integration tests: a sandbox on free loopback
//! ports with a temporary database, and a raw signed HTTP caller whose every
//! part can be altered to provoke each gateway check.
#![allow(dead_code)]

use serde_json::Value;
use studio_keys::domain::regions::RegionId;
use studio_keys::protocol::signer;
use studio_keys::sandbox::{self, seed, Identity, SandboxConfig, SandboxHandle};

pub struct TestSandbox {
    pub handle: SandboxHandle,
    pub dir: tempfile::TempDir,
}

impl TestSandbox {
    pub async fn start() -> TestSandbox {
        let dir = tempfile::tempdir().unwrap();
        let handle = sandbox::start(SandboxConfig::new(dir.path().join("sandbox.db")))
            .await
            .unwrap();
        TestSandbox { handle, dir }
    }

    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("sandbox.db")
    }

    pub fn who(&self, name: &str) -> Identity {
        self.handle.identity(name).unwrap().clone()
    }

    pub fn caller(&self, region: RegionId, name: &str) -> Caller {
        Caller::new(&self.handle, region, &self.who(name))
    }

    pub fn root(&self, region: RegionId) -> Caller {
        self.caller(region, seed::ROOT)
    }
}

/// One request, before signing; tests change fields to break one rule at a time.
#[derive(Clone)]
pub struct Req {
    pub method: &'static str,
    pub action: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    pub date: chrono::DateTime<chrono::Utc>,
    pub nonce: String,
    /// Sent instead of `query` (which is what gets signed), to alter a request after signing.
    pub sent_query: Option<Vec<(String, String)>>,
}

impl Req {
    pub fn new(method: &'static str, action: &'static str, path: impl Into<String>) -> Req {
        Req {
            method,
            action,
            path: path.into(),
            query: Vec::new(),
            form: Vec::new(),
            date: chrono::Utc::now(),
            nonce: signer::new_nonce(),
            sent_query: None,
        }
    }

    pub fn q(mut self, k: &str, v: &str) -> Req {
        self.query.push((k.into(), v.into()));
        self
    }

    pub fn f(mut self, k: &str, v: &str) -> Req {
        self.form.push((k.into(), v.into()));
        self
    }
}

#[derive(Clone)]
pub struct Caller {
    pub http: reqwest::Client,
    pub host: String,
    pub access_key_id: String,
    pub secret: String,
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                signer::percent_encode(k),
                signer::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Caller {
    pub fn new(handle: &SandboxHandle, region: RegionId, who: &Identity) -> Caller {
        Caller {
            http: crate::support::http(),
            host: handle.endpoint(region),
            access_key_id: who.access_key_id.clone(),
            secret: who.access_key_secret.expose().to_string(),
        }
    }

    /// Signs `req` and sends `sent_body` instead of the signed body when given.
    pub async fn send_with_body(
        &self,
        req: &Req,
        sent_body: Option<String>,
    ) -> reqwest::Result<Answer> {
        let body = encode_pairs(&req.form);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), self.host.clone()),
            ("x-acs-action".into(), req.action.into()),
            ("x-acs-version".into(), "2026-02-10".into()),
            ("x-acs-date".into(), signer::acs_date(req.date)),
            ("x-acs-signature-nonce".into(), req.nonce.clone()),
            (
                "x-acs-content-sha256".into(),
                signer::sha256_hex(body.as_bytes()),
            ),
        ];
        if !req.form.is_empty() {
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        let input = signer::SigningInput {
            method: req.method,
            path: &req.path,
            query: &req.query,
            headers: &headers,
            body_sha256_hex: &signer::sha256_hex(body.as_bytes()),
        };
        let authorization = signer::sign_request(&self.access_key_id, &self.secret, input);
        let mut url = format!("http://{}{}", self.host, req.path);
        let sent_query = req.sent_query.as_ref().unwrap_or(&req.query);
        if !sent_query.is_empty() {
            url = format!("{url}?{}", encode_pairs(sent_query));
        }
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
        let mut rb = self
            .http
            .request(method, url)
            .header("authorization", authorization)
            .header("accept", "application/json");
        for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
            rb = rb.header(k.as_str(), v.as_str());
        }
        let resp = rb.body(sent_body.unwrap_or(body)).send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    pub async fn send(&self, req: &Req) -> Answer {
        self.send_with_body(req, None)
            .await
            .expect("sandbox answers")
    }

    // --- the actions, as the SDK sends them ---

    pub async fn create_key(&self, form: &[(&str, &str)]) -> Answer {
        let mut req =
            Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "test key");
        for (k, v) in form {
            req = req.f(k, v);
        }
        self.send(&req).await
    }

    pub async fn list_keys(&self) -> Answer {
        self.send(&Req::new("GET", "ListApiKeys", "/modelstudio/apikeys").q("maxResults", "100"))
            .await
    }

    pub async fn get_key(&self, id: i64) -> Answer {
        self.send(&Req::new(
            "GET",
            "GetApiKey",
            format!("/modelstudio/apikeys/{id}"),
        ))
        .await
    }

    pub async fn key_action(&self, id: i64, verb: &'static str) -> Answer {
        let action = match verb {
            "disable" => "DisableApiKey",
            "enable" => "EnableApiKey",
            _ => "ResetApiKey",
        };
        self.send(&Req::new(
            "PUT",
            action,
            format!("/modelstudio/apikeys/{id}/{verb}"),
        ))
        .await
    }
}

/// `GET /compatible-mode/v1/models` with a bearer key: the DashScope check.
pub async fn check_key(handle: &SandboxHandle, region: RegionId, key: &str) -> u16 {
    crate::support::http()
        .get(format!(
            "{}/compatible-mode/v1/models",
            handle.dashscope_base_url(region)
        ))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
