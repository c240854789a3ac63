//! Every integration test but `bindings` (which needs the GUI feature), in one
//! test binary: one link of axum, rusqlite and reqwest instead of one per area.
//! Laid out after cargo's own `tests/testsuite/main.rs`: one module per area.
//!
//! The tests run in parallel threads of one process, so none may change what
//! the process shares (environment variables, the current directory). A test
//! that must, runs alone in a child process: see `support::process`.
//!
//! Run one area: `cargo test --no-default-features --test suite sandbox_rules::`.

mod support;

mod cli_exec_audit;
mod cli_shared_storage;
mod client_cli;
mod client_credentials;
mod client_dashscope;
mod client_faults;
mod client_reconcile;
mod client_roundtrip;
mod client_signature_vectors;
mod fault_proxy;
mod interrupted_runs;
mod journal_planted;
mod leak_scan;
mod one_path;
mod process_hardening;
mod release_version;
mod rotation;
mod sandbox_auth;
mod sandbox_faults;
mod sandbox_integrity;
mod sandbox_metering;
mod sandbox_net;
mod sandbox_profiles;
mod sandbox_rules;
mod services_costs;
mod services_dashscope;
mod services_keys;
mod services_recovery;
mod storage_clipboard_exit;
mod storage_profiles;
mod storage_vault;
mod storage_vault_locked;
mod storage_vault_unreachable;

/// Without the `fault-injection` feature the fault and interrupted-run tests
/// are not built: a plain `cargo test` says so here, among the ignored.
#[cfg(not(feature = "fault-injection"))]
#[test]
#[ignore = "the fault-injection tests are compiled out: run `cargo test --no-default-features --features fault-injection` (make test-rust does)"]
fn fault_injection_tests_are_compiled_out() {}
