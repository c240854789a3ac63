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
    /// Traditional Chinese (Taiwan, Hong Kong, Macau).
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "ja")]
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::ZhCn, Lang::ZhTw, Lang::Ja];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
            Lang::Ja => "ja",
        }
    }

    /// Best match for a BCP-47 tag or POSIX locale such as `zh_CN.UTF-8`,
    /// `zh_TW.UTF-8`, `zh-Hant-HK` or `ja_JP.UTF-8`; English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.to_ascii_lowercase().replace('_', "-");
        let t = t.split(['.', '@']).next().unwrap_or_default();
        if t == "ja" || t.starts_with("ja-") {
            Lang::Ja
        } else if t == "zh" || t.starts_with("zh-") {
            let traditional =
                t.contains("hant") || ["zh-tw", "zh-hk", "zh-mo"].iter().any(|p| t.starts_with(p));
            if traditional && !t.contains("hans") {
                Lang::ZhTw
            } else {
                Lang::ZhCn
            }
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
    // `set_current` stores the discriminant, which is the index in `ALL`.
    Lang::ALL
        .get(usize::from(CURRENT.load(Ordering::Relaxed)))
        .copied()
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_picks_the_language_its_people_read() {
        for (tag, lang) in [
            ("zh_CN.UTF-8", Lang::ZhCn),
            ("zh-Hans-HK", Lang::ZhCn),
            ("zh_TW.UTF-8", Lang::ZhTw),
            ("zh_HK.UTF-8", Lang::ZhTw),
            ("zh-Hant", Lang::ZhTw),
            ("ja_JP.UTF-8", Lang::Ja),
            ("ja", Lang::Ja),
            ("en_US.UTF-8", Lang::En),
            ("de_DE.UTF-8", Lang::En),
            ("C", Lang::En),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag}");
        }
    }

    #[test]
    fn each_language_speaks_its_own_catalog() {
        let english = tr(Lang::En, "reviews.notify_title", &[]);
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::Ja] {
            let text = tr(lang, "reviews.notify_title", &[]);
            assert!(
                has(lang, "reviews.notify_title") && text != english,
                "{lang:?}: {text}"
            );
        }
    }
}
