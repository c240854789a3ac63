//! What a person chose and what the app found on this computer, as plain
//! data: kept by `storage` (settings.json), shown by the screens and `skm`
//! (IPC types). Defined here, once, because both sides name them.

use serde::{Deserialize, Serialize};

pub const DEFAULT_CLIPBOARD_CLEAR_SECONDS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum ProfileKind {
    Sandbox,
    AlibabaCloud,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfilePreferences {
    /// Save a key's value in the keychain when Create or Reset returns it.
    pub save_keys_on_create: bool,
}

impl Default for ProfilePreferences {
    fn default() -> Self {
        ProfilePreferences {
            save_keys_on_create: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub enum LangSetting {
    #[default]
    #[serde(rename = "system")]
    System,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "ja")]
    Ja,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub lang: LangSetting,
    /// Seconds before a copied secret is cleared from the clipboard; 0 = never.
    pub clipboard_clear_seconds: u32,
    pub theme: Theme,
    /// The welcome screen has been answered: a profile was chosen (the
    /// sandbox included), so later launches open on the key list.
    pub welcome_done: bool,
    /// Flag enabled keys with no spend in the last 30 days as idle, and offer
    /// to disable them (the list's badge and banner).
    pub flag_idle_keys: bool,
    /// Closing the window keeps the app in the tray (when it has one);
    /// quitting is then the tray's "Quit". Off: closing quits.
    pub close_to_tray: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            lang: LangSetting::System,
            clipboard_clear_seconds: DEFAULT_CLIPBOARD_CLEAR_SECONDS,
            theme: Theme::System,
            welcome_done: false,
            flag_idle_keys: true,
            close_to_tray: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportSource {
    Env,
    AliyunCli,
    CredentialsFile,
}

/// An entry that exists but cannot be imported (e.g. a RAM role or ECS role profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SkippedEntry {
    pub source: ImportSource,
    pub label: String,
    pub mode: String,
}

/// A file that could not be read and was moved aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MovedAside {
    /// Where the unreadable file now is.
    pub path: String,
    /// What was wrong with it (a parser message; never file content).
    pub problem: String,
}
