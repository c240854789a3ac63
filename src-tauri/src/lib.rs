//! Studio Keys: manage Alibaba Cloud Model Studio API keys.
//!
//! Layers, from the top down; each module uses only those below it (checked
//! by `scripts/check_layers.py` in `make lint`):
//! - `commands/`, `app` and `updates` — the Tauri shell (feature `gui`): IPC
//!   translation, the window, and the app's own signed updates.
//! - `cli` — `skm`, beside `commands/`: parses arguments, calls `services`, prints.
//! - `services` — `Studio`: one operation per thing a person does.
//! - `storage` — the keychain (`vault`), saved keys, profiles and settings,
//!   the clipboard, export files.
//! - `cloud` — the Model Studio OpenAPI client and DashScope.
//! - `sandbox` — a local Model Studio server; uses `protocol` and `domain`, never `cloud`.
//! - `protocol` — the wire format both sides share: signer, codec, wire types,
//!   requests, and the console's rules for them.
//! - `domain` — regions as data, key formats, the error type, `Secret`, i18n.
//! - `hardening` — beside all of them, called by both binaries first: the
//!   process leaves no core dump.

// The shared `Error` is large on purpose (catalog parameters and the server's
// details travel with it to the UI); boxing it is not worth an allocation per call.
#![allow(clippy::result_large_err)]

rust_i18n::i18n!("locales", fallback = "en");

pub mod domain;
pub mod hardening;
pub mod protocol;

pub mod cloud;
pub mod sandbox;
pub mod storage;

pub mod services;

pub mod cli;

#[cfg(feature = "gui")]
pub mod app;
#[cfg(feature = "gui")]
pub mod commands;
#[cfg(target_os = "linux")]
pub mod system_install;
#[cfg(feature = "gui")]
pub mod tray;
#[cfg(feature = "gui")]
pub mod updates;

pub use domain::error::{Error, ErrorCode, Result};
pub use domain::regions::{Region, RegionId};
pub use domain::secret::Secret;
