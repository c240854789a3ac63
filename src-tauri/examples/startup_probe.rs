//! Where the core's share of launch time goes: the calls the UI makes before
//! the first key list is painted, timed one by one on a fresh config dir.
//! Run inside scripts/test-session.sh:
//!   cargo run --release --no-default-features --example startup_probe
use std::time::Instant;
use studio_keys::services::{Dirs, Studio};
use studio_keys::RegionId;

fn main() {
    let t0 = Instant::now();
    let lap = |what: &str, since: Instant| {
        println!(
            "{what:<28} {:>7.1} ms  (at {:>7.1} ms)",
            since.elapsed().as_secs_f64() * 1e3,
            t0.elapsed().as_secs_f64() * 1e3
        )
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let db = dirs.data.join("sandbox.db");
    std::fs::create_dir_all(&dirs.data).unwrap();
    studio_keys::sandbox::seed_keys(
        &db,
        RegionId::CnBeijing,
        studio_keys::sandbox::SeedCount::UpTo(50),
        studio_keys::sandbox::seed::ROOT,
    )
    .unwrap();
    lap("seed (not part of launch)", t0);
    let t = Instant::now();
    let studio = Studio::open(dirs).unwrap();
    lap("Studio::open", t);
    rt.block_on(async {
        let t = Instant::now();
        studio.settings_get().await.unwrap();
        lap("settings_get", t);
        let t = Instant::now();
        studio.profiles_list().await.unwrap();
        lap("profiles_list", t);
        let t = Instant::now();
        studio.storage_status().await;
        lap("storage_status", t);
        let t = Instant::now();
        studio.sandbox().await.unwrap();
        lap("sandbox start", t);
        for n in 1..=3 {
            let t = Instant::now();
            let page = studio.keys_list(RegionId::CnBeijing, None).await.unwrap();
            assert_eq!(page.keys.len(), 50);
            lap(&format!("keys_list #{n}"), t);
        }
        let t = Instant::now();
        studio.saved_keys().list().unwrap();
        lap("saved_keys().list()", t);
    });
}
