//! Studio Keys: manage Alibaba Cloud Model Studio API keys.
//!
//! Layout (arrows point down; nothing below imports anything above):
//! - `commands/`, `app` — the Tauri shell (feature `gui`), thin translation only.
//! - `cli` — the `skm` command line, a second face on the same services.
//! - `services` — what a person does: create a key and keep it, copy it, verify it.
//! - `vault`, `profiles`, `saved_keys`, `clipboard` — storage on this computer.
//! - `modelstudio` (OpenAPI client + signer + wire types), `dashscope` — the cloud.
//! - `sandbox` — a local Model Studio that speaks the same wire protocol.
//! - `regions`, `rules`, `keyformat`, `error`, `secret`, `i18n` — data and vocabulary.

rust_i18n::i18n!("locales", fallback = "en");

pub mod error;
pub mod i18n;
pub mod keyformat;
pub mod redact;
pub mod regions;
pub mod rules;
pub mod secret;

pub mod dashscope;
pub mod modelstudio;
pub mod sandbox;

pub mod cli;
pub mod clipboard;
pub mod profiles;
pub mod saved_keys;
pub mod services;
pub mod vault;

#[cfg(feature = "gui")]
pub mod app;
#[cfg(feature = "gui")]
pub mod commands;

pub use error::{Error, ErrorCode, Result};
pub use regions::{Region, RegionId};
pub use secret::Secret;
