//! The message catalog shared by the UI (through IPC errors), the CLI and logs.
//!
//! Strings live in `locales/*.yml` (rust-i18n); this module picks the language
//! and fills `%{name}` placeholders.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Best match for a BCP-47 tag or POSIX locale such as `zh_CN.UTF-8`.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// The language of this process's environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .map(|v| Lang::from_tag(&v))
            .unwrap_or_default()
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// The language messages are rendered in when no language is given.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::ZhCn,
        _ => Lang::En,
    }
}

pub fn set_current(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// Translate `key` into `lang`, replacing each `%{name}` with its value.
pub fn tr(lang: Lang, key: &str, params: &[(&str, &str)]) -> String {
    let mut text = rust_i18n::t!(key, locale = lang.code()).into_owned();
    for (name, value) in params {
        text = text.replace(&format!("%{{{name}}}"), value);
    }
    text
}

/// Whether `key` exists in `lang` (rust-i18n echoes unknown keys back).
pub fn has(lang: Lang, key: &str) -> bool {
    rust_i18n::t!(key, locale = lang.code()) != key
}
