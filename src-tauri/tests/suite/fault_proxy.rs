//! `skm` through a network that fails: a seeded proxy (`support::fault_proxy`)
//! between the real binary and a sandbox injects refusals, gateway errors and
//! lost or mangled answers, while a driver runs a mix of key operations and
//! checks each against what the sandbox really holds (read directly, never
//! through the proxy).
//!
//! What a person must never meet: one create making two keys, a success that
//! did not happen, or a key value made and then lost without a word. And "we
//! cannot tell" (exit 10) must stay rare. Knobs, for `scripts/bench.sh`:
//! `FAULT_PROXY_OPS` (operations in all, default 100), `FAULT_PROXY_MAX_UNKNOWN_PCT`
//! (default 5), `FAULT_PROXY_TARGET_PCT` (printed, never failed on).
//!
//! The proxy and the judge are tested here too: a zero from the driver means
//! something only if each fault happens as planned and each broken promise
//! would be caught.

use crate::support::app::skm_on;
use crate::support::fault_proxy::{unit, FaultPlan, FaultProxy, NetFault};
use crate::support::sandbox::{Caller, Req};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use studio_keys::cloud::{Client, Credentials};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::requests::{CreateApiKeyRequest, ListApiKeysRequest};
use studio_keys::protocol::wire::ApiKey;
use studio_keys::sandbox::{self, seed, Identity, SandboxConfig, SandboxHandle};
use studio_keys::services::Dirs;

mod judge;
mod ops;
mod report;

use judge::judge;
use ops::{draw_op, Draw, Kind};
use report::Report;

const SEEDS: [u64; 2] = [1, 2];
/// Keys made directly before the run, so the first operations have something to act on.
const SEEDED_KEYS: usize = 4;

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The sandbox as it is, read directly with the root identity.
struct Truth {
    client: Client,
}

impl Truth {
    fn new(h: &SandboxHandle, root: &Identity) -> Truth {
        let credentials =
            Credentials::new(root.access_key_id.clone(), root.access_key_secret.clone());
        let client =
            Client::new(CnBeijing, credentials, Some(&h.openapi_base_url(CnBeijing))).unwrap();
        Truth { client }
    }

    async fn keys(&self) -> BTreeMap<i64, ApiKey> {
        self.client
            .list_api_keys(&ListApiKeysRequest::default())
            .await
            .expect("the sandbox lists keys when asked directly")
            .into_iter()
            .filter_map(|k| Some((k.api_key_id?, k)))
            .collect()
    }
}

/// What one `skm` run printed: its exit code and the JSON document on stdout.
pub struct Run {
    pub code: i32,
    pub doc: Option<Value>,
}

/// One seed's world: a fresh sandbox, a fresh `skm` home, a proxy.
struct World {
    _dir: tempfile::TempDir,
    sandbox: SandboxHandle,
    root: Identity,
    home: Dirs,
    proxy: FaultProxy,
    truth: Truth,
}

impl World {
    async fn start(seed: u64) -> World {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = sandbox::start(SandboxConfig::new(dir.path().join("sandbox.db")))
            .await
            .unwrap();
        let root = sandbox.identity(seed::ROOT).unwrap().clone();
        let home = Dirs {
            config: dir.path().join("config"),
            data: dir.path().join("data"),
        };
        let proxy =
            FaultProxy::start(&sandbox.openapi_base_url(CnBeijing), FaultPlan::new(seed)).await;
        let truth = Truth::new(&sandbox, &root);
        World {
            _dir: dir,
            sandbox,
            root,
            home,
            proxy,
            truth,
        }
    }

    /// The real `skm`, acting as the root identity through the proxy. It never
    /// reaches the keychain: with a loopback endpoint it neither saves nor
    /// forgets key values (see `Studio::keychain_names_are_ours`).
    async fn skm(&self, args: Vec<String>) -> Run {
        let home = self.home.clone();
        let endpoint = self.proxy.base_url();
        let id = self.root.access_key_id.clone();
        let secret = self.root.access_key_secret.expose().to_string();
        let (code, out, _err) = tokio::task::spawn_blocking(move || {
            let mut all = vec![
                "--json",
                "--region",
                "cn-beijing",
                "--endpoint",
                endpoint.as_str(),
            ];
            all.extend(args.iter().map(String::as_str));
            skm_on(
                &home,
                "en",
                &all,
                &[
                    ("ALIBABA_CLOUD_ACCESS_KEY_ID", id.as_str()),
                    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret.as_str()),
                ],
            )
        })
        .await
        .unwrap();
        Run {
            code,
            doc: serde_json::from_str(out.trim()).ok(),
        }
    }

    async fn seed_keys(&self, seed: u64) {
        for i in 0..SEEDED_KEYS {
            let request = CreateApiKeyRequest {
                description: Some(format!("fp-{seed}-seed-{i}")),
                ..Default::default()
            };
            self.truth.client.create_api_key(&request).await.unwrap();
        }
    }
}

/// Runs `ops` operations of seed `seed` and adds what happened to `report`.
async fn run_seed(seed: u64, ops: usize, report: &mut Report) {
    let world = World::start(seed).await;
    world.seed_keys(seed).await;
    let mut draw = Draw::new(seed);
    let mut descriptions: Vec<String> = Vec::new();
    for step in 0..ops {
        world.proxy.until_listening().await;
        let before = world.truth.keys().await;
        let op = draw_op(&mut draw, seed, step, &before, &mut descriptions);
        let faults_before = world.proxy.injected();
        let run = world.skm(op.args()).await;
        let after = world.truth.keys().await;
        let met: Vec<&str> = world
            .proxy
            .injected()
            .iter()
            .zip(&faults_before)
            .flat_map(|((f, now), (_, was))| std::iter::repeat_n(f.name(), (now - was) as usize))
            .collect();
        let verdict = judge(&world.sandbox, &op, &run, &before, &after).await;
        report.add(seed, step, &op, &run, &verdict, &met);
    }
    report.add_faults(seed, world.proxy.requests(), &world.proxy.injected());
    world.proxy.shutdown().await;
    world.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn skm_through_a_failing_network_never_duplicates_lies_or_loses_a_value() {
    let total = env_number("FAULT_PROXY_OPS", 100.0).max(0.0) as usize;
    let max_unknown_pct = env_number("FAULT_PROXY_MAX_UNKNOWN_PCT", 5.0);
    let target_pct = std::env::var("FAULT_PROXY_TARGET_PCT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok());
    let started = Instant::now();
    let mut report = Report::default();
    for (i, seed) in SEEDS.iter().enumerate() {
        // Split evenly; the first seed takes the odd one out.
        let share = total / SEEDS.len() + usize::from(i < total % SEEDS.len());
        run_seed(*seed, share, &mut report).await;
    }
    let elapsed = started.elapsed();
    report.print(elapsed);

    let totals = report.totals();
    let unknown_pct = totals.unknown_pct();
    if let Some(target) = target_pct {
        println!(
            "unknown {unknown_pct:.1} % against the target of {target} %: {}",
            if unknown_pct <= target {
                "met"
            } else {
                "NOT met"
            }
        );
    }
    assert_eq!(totals.duplicates, 0, "a create made more than one key");
    assert_eq!(
        totals.false_successes, 0,
        "skm said done but the sandbox disagrees"
    );
    assert_eq!(
        totals.lost_values, 0,
        "a key value was made and lost without a warning"
    );
    assert!(
        unknown_pct <= max_unknown_pct,
        "{unknown_pct:.1} % of operations ended 'outcome unknown' (at most {max_unknown_pct} %)"
    );
    assert_eq!(
        totals.applied_but_failed, 0,
        "a change was made although skm reported a definite failure"
    );
    // A soak that proves something: the operations mostly got through,
    // every kind of fault was met, and lost answers were resolved for real.
    assert!(
        totals.ok * 2 > totals.count,
        "only {} of {} operations succeeded: the soak tested failures, not recovery",
        totals.ok,
        totals.count
    );
    for (fault, n) in report.faults_fired() {
        assert!(n > 0, "{fault:?} never fired");
    }
    if total >= 100 {
        assert!(
            report.of(Kind::Create).recovered > 0,
            "no create was recovered"
        );
        assert!(
            report.of(Kind::Reset).recovered > 0,
            "no reset was recovered"
        );
    }
}

/// Slots of a plan walked one request at a time, with a signed create per
/// request: each fault shows as planned, and only forwarded ones are applied.
#[tokio::test(flavor = "multi_thread")]
async fn proxy_injects_each_fault_as_planned() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let root = h.identity(seed::ROOT).unwrap().clone();
    let truth = Truth::new(&h, &root);
    const SLOTS: u64 = 30;
    // The first seed whose first slots hold every kind of fault.
    let seed = (1u64..)
        .find(|s| {
            let plan = FaultPlan {
                seed: *s,
                rate: 0.7,
            };
            let seen: Vec<_> = (0..SLOTS).filter_map(|n| plan.fault(n)).collect();
            NetFault::ALL.iter().all(|f| seen.contains(f))
        })
        .unwrap();
    let plan = FaultPlan { seed, rate: 0.7 };
    // A long refusal window: the test's next connect lands in it however
    // loaded the machine is.
    let proxy =
        FaultProxy::start_with_pause(&h.openapi_base_url(CnBeijing), plan, Duration::from_secs(1))
            .await;
    let mut through = Caller::new(&h, CnBeijing, &root);
    through.host = proxy.base_url().trim_start_matches("http://").to_string();

    let mut n = 0;
    while n < SLOTS {
        let expected = plan.fault(n);
        let count = truth.keys().await.len();
        let sent = through
            .send_with_body(
                &Req::new("POST", "CreateApiKey", "/modelstudio/apikeys")
                    .q("description", "through the proxy"),
                None,
            )
            .await;
        let applied = truth.keys().await.len() > count;
        let seen = match &sent {
            Err(e) if e.is_connect() => "refused",
            Err(_) => "lost",
            Ok(a) if a.status == 503 && a.body["Code"] == "ServiceUnavailable" => "503",
            Ok(a)
                if a.status == 429
                    && a.headers.get("x-acs-retry-after").is_some_and(|v| v == "1") =>
            {
                "429"
            }
            Ok(a)
                if a.status == 502
                    && a.body
                        .as_str()
                        .is_some_and(|b| b.contains("502 Bad Gateway")) =>
            {
                "502"
            }
            Ok(a) if a.status == 200 && a.body.is_string() => "html",
            Ok(a) if a.status == 200 => "answered",
            Ok(_) => "other",
        };
        let want = match expected {
            None => ("answered", true),
            Some(NetFault::Refused) => ("refused", false),
            Some(NetFault::Unavailable) => ("503", false),
            Some(NetFault::Throttled) => ("429", false),
            Some(NetFault::DropAfterApply) | Some(NetFault::CutInHalf) => ("lost", true),
            Some(NetFault::BadGatewayAfterApply) => ("502", true),
            Some(NetFault::HtmlInsteadOfJson) => ("html", true),
        };
        assert_eq!(
            (seen, applied),
            want,
            "slot {n} of seed {seed}: {expected:?}"
        );
        n += 1;
        if expected == Some(NetFault::Refused) {
            // A run of refused slots is one closed window; wait it out.
            while plan.fault(n) == Some(NetFault::Refused) {
                n += 1;
            }
            proxy.until_listening().await;
        }
    }
    // The proxy closes for a run of refused slots as soon as the request
    // before it is served: a run right after the last slot counts already.
    let mut end = n;
    while plan.fault(end) == Some(NetFault::Refused) {
        end += 1;
    }
    let injected: u64 = proxy.injected().iter().map(|(_, c)| c).sum();
    let planned = (0..end).filter(|i| plan.fault(*i).is_some()).count() as u64;
    assert_eq!(injected, planned);
    proxy.shutdown().await;
    h.shutdown().await;
}

/// 30 % is exactly 3 of every 10 requests, wherever the count starts, and
/// `unit` spreads the kinds evenly.
#[test]
fn fault_plan_is_deterministic_and_exactly_its_rate() {
    let plan = FaultPlan::new(1);
    let faults: Vec<_> = (0..10_000).map(|n| plan.fault(n)).collect();
    assert_eq!(
        faults,
        (0..10_000).map(|n| plan.fault(n)).collect::<Vec<_>>()
    );
    for block in faults.chunks(FaultPlan::BLOCK as usize) {
        assert_eq!(block.iter().filter(|f| f.is_some()).count(), 3);
    }
    // Not the same slots in every block.
    let first_slots: std::collections::BTreeSet<usize> = faults
        .chunks(FaultPlan::BLOCK as usize)
        .map(|b| b.iter().position(|f| f.is_some()).unwrap())
        .collect();
    assert!(first_slots.len() > 3, "{first_slots:?}");
    for kind in NetFault::ALL {
        let k = faults.iter().filter(|f| **f == Some(kind)).count();
        assert!((330..530).contains(&k), "{kind:?}: {k}");
    }
    assert!(unit(1, 0, 0) != unit(2, 0, 0));
}

/// The judge is what makes the driver's zeros mean something: each broken
/// promise, staged directly on a sandbox, is caught, and a kept one is not.
#[tokio::test(flavor = "multi_thread")]
async fn judge_catches_each_broken_promise() {
    use judge::Outcome;
    use ops::{Op, PermChange};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let h = sandbox::start(SandboxConfig::new(dir.path().join("s.db")))
        .await
        .unwrap();
    let truth = Truth::new(&h, h.identity(seed::ROOT).unwrap());
    let run = |code: i32, doc: Value| Run {
        code,
        doc: Some(doc),
    };
    let error =
        |reason: &str| json!({"error": {"code": "OutcomeUnknown", "details": {"reason": reason}}});
    let request = CreateApiKeyRequest {
        description: Some("judged".into()),
        ..Default::default()
    };
    let create = Op::Create {
        description: "judged".into(),
    };

    let before = truth.keys().await;
    let made = truth.client.create_api_key(&request).await.unwrap();
    let after = truth.keys().await;
    let value = made.value.expose().to_string();
    // One character off in the middle: the mask still matches, the value does not work.
    let mut wrong = value.clone().into_bytes();
    let mid = wrong.len() / 2;
    wrong[mid] = if wrong[mid] == b'a' { b'b' } else { b'a' };
    let wrong = String::from_utf8(wrong).unwrap();
    let printed = |v: &str| run(0, json!({"apiKeyId": made.api_key_id, "apiKeyValue": v}));

    let v = judge(&h, &create, &printed(&value), &before, &after).await;
    assert_eq!(v.outcome, Outcome::Ok);
    assert!(
        v.false_success.is_none() && v.lost_value.is_none() && !v.duplicate,
        "{v:?}"
    );
    let v = judge(&h, &create, &printed(&wrong), &before, &after).await;
    assert!(v.false_success.is_some(), "a value that does not work");
    let v = judge(&h, &create, &run(0, json!({})), &before, &before).await;
    assert!(v.false_success.is_some(), "exit 0 and no key made");
    let v = judge(
        &h,
        &create,
        &run(9, error("body_not_json")),
        &before,
        &after,
    )
    .await;
    assert!(v.lost_value.is_some(), "made, then a definite failure");
    let v = judge(
        &h,
        &create,
        &run(10, error("create_not_created")),
        &before,
        &after,
    )
    .await;
    assert!(
        v.lost_value.is_some(),
        "made, then 'unknown' without naming it"
    );
    let v = judge(
        &h,
        &create,
        &run(10, error("create_value_lost")),
        &before,
        &after,
    )
    .await;
    assert!(
        v.lost_value.is_none() && v.outcome == Outcome::Unknown,
        "{v:?}"
    );
    let other = json!({"error": {"code": "OutcomeUnknown", "params": {"apiKeyId": "1"}}});
    let v = judge(&h, &create, &run(10, other), &before, &after).await;
    assert!(
        v.lost_value.is_some(),
        "names a key that is not the new one"
    );

    truth.client.create_api_key(&request).await.unwrap();
    let twice = truth.keys().await;
    let v = judge(&h, &create, &printed(&value), &before, &twice).await;
    assert!(v.duplicate, "two new keys from one create");

    let id = made.api_key_id;
    let reset = Op::Reset { id };
    let new = truth.client.reset_api_key(id).await.unwrap();
    let after_reset = truth.keys().await;
    let new_value = new.value.expose().to_string();
    let printed = |v: &str| run(0, json!({"apiKeyId": id, "apiKeyValue": v}));
    let v = judge(&h, &reset, &printed(&new_value), &twice, &after_reset).await;
    assert!(v.false_success.is_none(), "{v:?}");
    let v = judge(&h, &reset, &printed(&value), &twice, &after_reset).await;
    assert!(v.false_success.is_some(), "the old value printed");
    let v = judge(&h, &reset, &printed(&value), &twice, &twice).await;
    assert!(v.false_success.is_some(), "exit 0 and nothing reset");
    let v = judge(
        &h,
        &reset,
        &run(8, error("connection_dropped")),
        &twice,
        &after_reset,
    )
    .await;
    assert!(v.lost_value.is_some(), "reset, then a definite failure");

    let done = run(0, json!({"ok": true}));
    let v = judge(&h, &Op::Delete { id }, &done, &after_reset, &after_reset).await;
    assert!(v.false_success.is_some(), "deleted, yet still there");
    let v = judge(
        &h,
        &Op::SetEnabled { id, enabled: false },
        &done,
        &after_reset,
        &after_reset,
    )
    .await;
    assert!(v.false_success.is_some(), "disabled, yet enabled");
    let update = Op::Update {
        id,
        description: "something else".into(),
        perm: PermChange::Keep,
    };
    let v = judge(&h, &update, &done, &after_reset, &after_reset).await;
    assert!(
        v.false_success.is_some(),
        "updated, yet the old description"
    );
    h.shutdown().await;
}
