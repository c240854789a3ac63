//! The seeded fault proxy (`support::fault_proxy`) itself: its plan is
//! deterministic, and each fault reaches the client as planned, applied only
//! when it was forwarded.

use crate::support::fault_proxy::{unit, FaultPlan, FaultProxy, NetFault};
use crate::support::sandbox::{Caller, Req};
use std::collections::BTreeMap;
use std::time::Duration;
use studio_keys::cloud::{Client, Credentials};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::requests::ListApiKeysRequest;
use studio_keys::protocol::wire::ApiKey;
use studio_keys::sandbox::{self, seed, Identity, SandboxConfig, SandboxHandle};

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
    let injected: u64 = proxy.injected().iter().map(|(_, c)| c).sum();
    let planned = (0..n).filter(|i| plan.fault(*i).is_some()).count() as u64;
    assert_eq!(injected, planned);
    proxy.shutdown().await;
    h.shutdown().await;
}

/// `unit` is uniform enough that 30 % means about 30 %.
#[test]
fn fault_plan_is_deterministic_and_near_its_rate() {
    let plan = FaultPlan::new(1);
    let faults: Vec<_> = (0..10_000).map(|n| plan.fault(n)).collect();
    assert_eq!(
        faults,
        (0..10_000).map(|n| plan.fault(n)).collect::<Vec<_>>()
    );
    let hit = faults.iter().filter(|f| f.is_some()).count();
    assert!((2_700..3_300).contains(&hit), "{hit} of 10000");
    for kind in NetFault::ALL {
        let k = faults.iter().filter(|f| **f == Some(kind)).count();
        assert!((330..530).contains(&k), "{kind:?}: {k}");
    }
    assert!(unit(1, 0, 0) != unit(2, 0, 0));
}
