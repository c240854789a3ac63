//! The settings file (corrupt, migration, newer version) and the credential
//! import parsers on files shaped like the real ones. No keychain needed.

#![allow(clippy::result_large_err)]

use studio_keys::storage::profiles::import::{
    parse_aliyun_config, parse_credentials_ini, scan, ImportSource,
};
use studio_keys::storage::profiles::{
    AppSettings, LangSetting, ProfileKind, Profiles, SettingsStore, Theme, SANDBOX_PROFILE_ID,
};
use studio_keys::storage::vault::Vault;
use studio_keys::{ErrorCode, RegionId};

#[test]
fn first_start_has_the_sandbox_active_and_writes_nothing_yet() {
    let dir = tempfile::tempdir().unwrap();
    let store = SettingsStore::open(dir.path()).unwrap();
    let doc = store.load().unwrap();
    assert_eq!(doc.active_profile_id, SANDBOX_PROFILE_ID);
    assert_eq!(doc.active().kind, ProfileKind::Sandbox);
    assert_eq!(doc.app.clipboard_clear_seconds, 30);
    assert!(
        doc.profiles[0].preferences.save_keys_on_create,
        "saving keys is on by default"
    );
    assert!(!store.path().exists());
    assert!(
        !doc.app.welcome_done,
        "the welcome screen shows on a first start"
    );
}

#[test]
fn choosing_a_profile_answers_the_welcome_screen_for_later_launches() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(SettingsStore::open(dir.path()).unwrap());
    // Activating touches only the settings file, never the keychain.
    let profiles = Profiles::new(store, Vault::new());
    profiles.activate(SANDBOX_PROFILE_ID).unwrap();
    let reopened = SettingsStore::open(dir.path()).unwrap().load().unwrap();
    assert!(reopened.app.welcome_done);
    assert_eq!(reopened.active_profile_id, SANDBOX_PROFILE_ID);
    // A settings save from a screen that still holds `false` keeps it answered.
    let stale = AppSettings {
        welcome_done: false,
        flag_idle_keys: true,
        theme: Theme::Dark,
        ..reopened.app.clone()
    };
    let saved = profiles.set_app_settings(stale).unwrap();
    assert!(saved.welcome_done);
    assert_eq!(saved.theme, Theme::Dark);
}

#[test]
fn corrupt_settings_are_moved_aside_and_reported_not_silently_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{\"version\": 2, \"profiles\": [ oops").unwrap();
    let store = SettingsStore::open(dir.path()).unwrap();
    let moved = store
        .moved_aside()
        .expect("the damaged file must be reported");
    assert!(moved.path.contains("settings.json.corrupt-"));
    assert_eq!(
        std::fs::read_to_string(&moved.path).unwrap(),
        "{\"version\": 2, \"profiles\": [ oops"
    );
    // The app goes on with the defaults, and the next write does not touch the damaged copy.
    store
        .update(|doc| {
            doc.app.clipboard_clear_seconds = 10;
            Ok(())
        })
        .unwrap();
    assert!(std::path::Path::new(&moved.path).exists());
    assert_eq!(store.load().unwrap().app.clipboard_clear_seconds, 10);
}

#[test]
fn a_well_formed_file_of_the_wrong_shape_is_also_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.json"),
        r#"{"version":2,"profiles":"nope"}"#,
    )
    .unwrap();
    let store = SettingsStore::open(dir.path()).unwrap();
    assert!(store.moved_aside().is_some());
}

#[test]
fn version_1_settings_are_migrated_with_profiles_and_preferences_kept() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = r#"{
      "version": 1,
      "active": "work",
      "language": "zh-CN",
      "clipboardSeconds": 45,
      "profiles": [
        {"name": "sandbox", "kind": "sandbox"},
        {"name": "work", "accessKeyId": "LTAI5tFakeFakeFake0002", "region": "ap-southeast-1"}
      ]
    }"#;
    std::fs::write(dir.path().join("settings.json"), v1).unwrap();
    let store = SettingsStore::open(dir.path()).unwrap();
    assert!(store.moved_aside().is_none());
    let doc = store.load().unwrap();
    assert_eq!(doc.version, 2);
    assert_eq!(doc.app.lang, LangSetting::ZhCn);
    assert_eq!(doc.app.clipboard_clear_seconds, 45);
    let work = doc.profile("work").expect("work profile kept");
    assert_eq!(work.kind, ProfileKind::AlibabaCloud);
    assert_eq!(
        work.access_key_id.as_deref(),
        Some("LTAI5tFakeFakeFake0002")
    );
    assert_eq!(work.default_region, RegionId::ApSoutheast1);
    assert_eq!(doc.active_profile_id, "work");
    assert_eq!(
        doc.profiles
            .iter()
            .filter(|p| p.kind == ProfileKind::Sandbox)
            .count(),
        1
    );
    // Written back in the current shape on the next change.
    store.update(|_| Ok(())).unwrap();
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        text.contains("\"version\": 2") && text.contains("activeProfileId"),
        "{text}"
    );
}

#[test]
fn settings_from_a_newer_version_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, r#"{"version": 99, "somethingNew": true}"#).unwrap();
    let err = SettingsStore::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Config);
    assert!(err.message().contains("99"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        r#"{"version": 99, "somethingNew": true}"#
    );
}

fn fake_aliyun_config() -> String {
    // Shaped like `aliyun configure` writes it (fields trimmed to the common ones).
    let secret = format!("fakesecret{}", "A".repeat(20));
    format!(
        r#"{{
  "current": "dev",
  "profiles": [
    {{"name": "default", "mode": "AK", "access_key_id": "LTAI5tFakeDefault0001", "access_key_secret": "{secret}",
      "sts_token": "", "ram_role_name": "", "ram_role_arn": "", "ram_session_name": "", "private_key": "",
      "key_pair_name": "", "expired_seconds": 0, "verified": "", "region_id": "cn-hangzhou",
      "output_format": "json", "language": "en", "site": "", "retry_timeout": 0, "connect_timeout": 0,
      "retry_count": 0, "process_command": "", "credentials_uri": ""}},
    {{"name": "dev", "mode": "ststoken", "access_key_id": "STS.FakeDev0001", "access_key_secret": "{secret}",
      "sts_token": "faketoken", "region_id": "ap-southeast-1"}},
    {{"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAI5tFakeRole0001", "access_key_secret": "{secret}",
      "ram_role_arn": "acs:ram::123:role/fake", "region_id": "cn-beijing"}}
  ],
  "meta_path": ""
}}"#
    )
}

#[test]
fn aliyun_cli_config_gives_ak_and_sts_profiles_case_insensitively() {
    let (found, skipped) = parse_aliyun_config(&fake_aliyun_config(), None).unwrap();
    assert_eq!(found.len(), 2);
    let default = found.iter().find(|c| c.label == "default").unwrap();
    assert_eq!(default.access_key_id, "LTAI5tFakeDefault0001");
    assert!(default.security_token.is_none());
    assert_eq!(
        default.region, None,
        "cn-hangzhou is not a Model Studio region"
    );
    let dev = found.iter().find(|c| c.label == "dev").unwrap();
    assert_eq!(dev.security_token.as_ref().unwrap().expose(), "faketoken");
    assert_eq!(dev.region, Some(RegionId::ApSoutheast1));
    assert!(dev.preferred, "`current` marks the preferred profile");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].mode, "RamRoleArn");
    // ALIBABA_CLOUD_PROFILE wins over `current`.
    let (found, _) = parse_aliyun_config(&fake_aliyun_config(), Some("default")).unwrap();
    assert!(
        found
            .iter()
            .find(|c| c.label == "default")
            .unwrap()
            .preferred
    );
}

#[test]
fn credentials_ini_gives_access_key_sections_and_skips_the_rest() {
    let ini = "[default]\nenable = true\ntype = access_key\naccess_key_id = LTAI5tFakeIni0001\n\
               access_key_secret = fakeinisecret\n\n[client1]\ntype = ecs_ram_role\nrole_name = EcsRamRoleTest\n\n\
               [off]\nenable = false\ntype = access_key\naccess_key_id = LTAI5tFakeOff0001\naccess_key_secret = x\n";
    let (found, skipped) = parse_credentials_ini(ini, None).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "credentialsFile:default");
    assert_eq!(found[0].access_key_secret.expose(), "fakeinisecret");
    assert!(found[0].preferred);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].label, "client1");
}

#[test]
fn scan_honours_the_override_variables_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("elsewhere.json");
    std::fs::write(&cfg, fake_aliyun_config()).unwrap();
    let ini = dir.path().join("creds.ini");
    std::fs::write(
        &ini,
        "[default]\ntype = access_key\naccess_key_id = LTAI5tFakeIni0002\naccess_key_secret = s\n",
    )
    .unwrap();
    let env = |k: &str| -> Option<String> {
        match k {
            "ALIBABA_CLOUD_ACCESS_KEY_ID" => Some("LTAI5tFakeEnv0001".into()),
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET" => Some("fakeenvsecret".into()),
            "ALIBABA_CLOUD_CONFIG_FILE" => Some(cfg.display().to_string()),
            "ALIBABA_CLOUD_CREDENTIALS_FILE" => Some(ini.display().to_string()),
            "ALIBABA_CLOUD_PROFILE" => Some("default".into()),
            _ => None,
        }
    };
    // The home dir has neither file: only the overrides can be found.
    let result = scan(&env, Some(dir.path().join("empty-home").as_path()));
    let sources: Vec<_> = result
        .candidates
        .iter()
        .map(|c| (c.source, c.label.clone()))
        .collect();
    assert!(sources.contains(&(ImportSource::Env, "environment".into())));
    assert!(sources.contains(&(ImportSource::AliyunCli, "default".into())));
    assert!(sources.contains(&(ImportSource::CredentialsFile, "default".into())));
    let cli_default = result
        .candidates
        .iter()
        .find(|c| c.id == "aliyunCli:default")
        .unwrap();
    assert!(cli_default.preferred);
    // Never a secret in Debug output.
    assert!(!format!("{:?}", result.candidates).contains("fakeenvsecret"));
}

#[test]
fn a_broken_credentials_file_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".aliyun")).unwrap();
    std::fs::write(dir.path().join(".aliyun/config.json"), "{ not json").unwrap();
    let result = scan(&|_| None, Some(dir.path()));
    assert!(result.candidates.is_empty());
    assert_eq!(result.unreadable.len(), 1);
}

/// A real process holding the settings lock keeps others out; killed while
/// holding it (SIGKILL: no destructor runs), it never blocks the next writer,
/// because the OS drops the lock with the process.
#[cfg(unix)]
#[test]
fn a_killed_holder_of_the_settings_lock_never_blocks_the_next_writer() {
    use crate::support::process;
    use studio_keys::storage::profiles::store::lock_dir;
    let dir = tempfile::tempdir().unwrap();
    let name = process::test_name(module_path!(), "hold_the_settings_lock");
    let mut holder = process::spawn_alone(&name, &[("SETTINGS_HOLD_DIR", dir.path().as_os_str())]);
    let holding = dir.path().join("holding");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !holding.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the holder never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let lock_file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.path().join("settings.lock"))
        .unwrap();
    assert!(
        matches!(lock_file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        "held by the other process"
    );
    drop(lock_file);
    holder.kill().unwrap();
    holder.wait().unwrap();
    let started = std::time::Instant::now();
    let _mine = lock_dir(&dir.path().join("settings.json")).expect("the lock is free again");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "taken at once, not after the wait for a live holder"
    );
}

#[cfg(unix)]
#[test]
#[ignore = "the holder process of a_killed_holder_of_the_settings_lock_never_blocks_the_next_writer"]
fn hold_the_settings_lock() {
    use crate::support::process;
    if !process::is_alone(&process::test_name(
        module_path!(),
        "hold_the_settings_lock",
    )) {
        return;
    }
    let dir = std::path::PathBuf::from(std::env::var_os("SETTINGS_HOLD_DIR").unwrap());
    let _held =
        studio_keys::storage::profiles::store::lock_dir(&dir.join("settings.json")).unwrap();
    std::fs::write(dir.join("holding"), "").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
}
