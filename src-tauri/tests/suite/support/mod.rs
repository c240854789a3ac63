//! Helpers shared by the suite's test modules.

pub mod app;
pub mod fault_proxy;
pub mod keychain;
pub mod leaks;
pub mod login_keyring;
// Only a Linux test (storage_vault_unreachable) runs a test alone today.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub mod process;
pub mod sandbox;

/// A plain HTTP client for tests that call the sandbox themselves, with
/// rustls's provider installed first, as the app's own client has it.
pub fn http() -> reqwest::Client {
    studio_keys::cloud::transport::install_tls_provider();
    reqwest::Client::new()
}
