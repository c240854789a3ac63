//! The tray's menu, as data (the app's `tray.rs` draws it): the saved keys of
//! the acting profile by region, from the saved-key index alone (description
//! and masked value, never a value), with every label in the person's
//! language and every item's id; and what a clicked id asks for. The
//! keychain is read only on Copy, through the window's own copies.

use super::views::ClipboardStatus;
use super::Studio;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::i18n::{self, Lang};
use crate::domain::regions::RegionId;
use crate::storage::saved_keys::SavedKeyRecord;

/// At most this many keys of a region in the menu; the rest are in the window.
pub const KEYS_PER_REGION: usize = 10;

/// One item: what it says and the id its click reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayKey {
    /// Description and masked value.
    pub label: String,
    pub copy: TrayItem,
    pub copy_env: TrayItem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayRegion {
    /// The region's name, a heading that does nothing.
    pub label: String,
    pub keys: Vec<TrayKey>,
    /// "More in the window…" when the region has more saved keys.
    pub more: Option<TrayItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    /// "Clipboard clears in N s" while a copied key is pending (a first,
    /// disabled item).
    pub clears_in: Option<String>,
    pub regions: Vec<TrayRegion>,
    /// Said when no key is saved on this computer.
    pub empty: Option<String>,
    pub open: TrayItem,
    pub quit: TrayItem,
}

/// What a clicked item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Copy {
        region: RegionId,
        api_key_id: i64,
        env_line: bool,
    },
    Open,
    Quit,
}

impl TrayAction {
    /// The action of an item id `tray_menu` made; `None` for anything else.
    pub fn parse(id: &str) -> Option<TrayAction> {
        match id.split(':').collect::<Vec<_>>().as_slice() {
            ["open"] | ["more", _] => Some(TrayAction::Open),
            ["quit"] => Some(TrayAction::Quit),
            [kind @ ("copy" | "env"), region, key] => Some(TrayAction::Copy {
                region: region.parse().ok()?,
                api_key_id: key.parse().ok()?,
                env_line: *kind == "env",
            }),
            _ => None,
        }
    }
}

fn item(id: String, lang: Lang, key: &str, params: &[(&str, &str)]) -> TrayItem {
    TrayItem {
        id,
        label: i18n::tr(lang, key, params),
    }
}

/// The menu for these saved keys (any scope's; `tray_menu` passes one
/// profile's), newest saved first in each region, with the seconds left
/// before a copied key is cleared.
pub fn menu_of(records: &[SavedKeyRecord], clears_in: Option<u32>, lang: Lang) -> TrayMenu {
    let mut regions = Vec::new();
    for region in RegionId::ALL {
        let mut saved: Vec<&SavedKeyRecord> =
            records.iter().filter(|r| r.key.region == region).collect();
        if saved.is_empty() {
            continue;
        }
        saved.sort_by_key(|r| std::cmp::Reverse(r.saved_at));
        let code = region.as_str();
        let keys = saved
            .iter()
            .take(KEYS_PER_REGION)
            .map(|r| {
                let id = r.key.api_key_id;
                let description = r
                    .description
                    .clone()
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| {
                        i18n::tr(lang, "tray.unnamed", &[("apiKeyId", &id.to_string())])
                    });
                let masked = r.masked.as_deref().unwrap_or("…");
                TrayKey {
                    label: format!("{description}  {masked}"),
                    copy: item(format!("copy:{code}:{id}"), lang, "tray.copy", &[]),
                    copy_env: item(format!("env:{code}:{id}"), lang, "tray.copy_env", &[]),
                }
            })
            .collect();
        let more = (saved.len() > KEYS_PER_REGION).then(|| {
            let count = (saved.len() - KEYS_PER_REGION).to_string();
            item(
                format!("more:{code}"),
                lang,
                "tray.more",
                &[("count", &count)],
            )
        });
        regions.push(TrayRegion {
            label: region.info().name_in(lang).to_owned(),
            keys,
            more,
        });
    }
    TrayMenu {
        clears_in: clears_in
            .map(|s| i18n::tr(lang, "tray.clears_in", &[("seconds", &s.to_string())])),
        empty: regions
            .is_empty()
            .then(|| i18n::tr(lang, "tray.no_saved_keys", &[])),
        regions,
        open: item("open".into(), lang, "tray.open", &[]),
        quit: item("quit".into(), lang, "tray.quit", &[]),
    }
}

impl Studio {
    /// The tray's menu for the acting profile, in the current language.
    pub async fn tray_menu(&self) -> Result<TrayMenu> {
        let profile = self.acting_profile().await?;
        let scope = Studio::scope_of(&profile);
        let records: Vec<SavedKeyRecord> = self
            .blocking(|s| s.inner.saved.list())
            .await?
            .into_iter()
            .filter(|r| r.key.scope == scope)
            .collect();
        let clipboard = self.clipboard_status();
        let clears_in = clipboard
            .clears_in_seconds
            .filter(|_| clipboard.holds_secret);
        Ok(menu_of(&records, clears_in, i18n::current()))
    }

    /// Copy a saved key from the tray, as the window's Copy or Copy as .env
    /// line does (audited, noted as from the tray). A copy that failed a
    /// check is not handed out: it would be a key that no longer works.
    pub async fn tray_copy(
        &self,
        region: RegionId,
        api_key_id: i64,
        env_line: bool,
    ) -> Result<ClipboardStatus> {
        let (_, key) = self.acting_key(region, &api_key_id.to_string()).await?;
        let record = {
            let key = key.clone();
            self.blocking(move |s| s.inner.saved.record(&key)).await?
        };
        match record {
            None => return Err(Error::new(ErrorCode::NotSaved)),
            Some(r) if r.stale => {
                return Err(Error::new(ErrorCode::Conflict)
                    .with_reason("saved_copy_stale")
                    .with_param("apiKeyId", api_key_id.to_string()))
            }
            Some(_) => {}
        }
        self.copy_saved_key(region, api_key_id.to_string(), env_line, Some("tray"))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::vault::{KeyRef, KeyScope};

    fn record(
        region: RegionId,
        id: i64,
        saved_at: i64,
        description: Option<&str>,
    ) -> SavedKeyRecord {
        SavedKeyRecord {
            key: KeyRef::new(KeyScope::Sandbox, region, id),
            format: "Workspace".into(),
            saved_at,
            stale: false,
            workspace_id: None,
            description: description.map(str::to_owned),
            masked: Some(format!("sk-ws-…{id:04}")),
        }
    }

    #[test]
    fn keys_are_grouped_by_region_newest_first_ten_at_most() {
        let mut records: Vec<_> = (0..12)
            .map(|i| record(RegionId::CnBeijing, 100 + i, i, Some(&format!("key {i}"))))
            .collect();
        records.push(record(RegionId::ApSoutheast1, 7, 1, None));
        let menu = menu_of(&records, None, Lang::En);
        assert_eq!(menu.regions.len(), 2);
        let beijing = &menu.regions[0];
        assert_eq!(beijing.label, "China (Beijing)");
        assert_eq!(beijing.keys.len(), KEYS_PER_REGION);
        assert_eq!(beijing.keys[0].label, "key 11  sk-ws-…0111");
        assert_eq!(beijing.keys[0].copy.id, "copy:cn-beijing:111");
        assert_eq!(beijing.keys[0].copy_env.id, "env:cn-beijing:111");
        let more = beijing.more.as_ref().unwrap();
        assert_eq!(
            (more.id.as_str(), more.label.as_str()),
            ("more:cn-beijing", "2 more in the window…")
        );
        let singapore = &menu.regions[1];
        assert!(singapore.more.is_none());
        assert_eq!(singapore.keys[0].label, "Key 7  sk-ws-…0007");
        assert!(menu.empty.is_none());
        assert!(menu.clears_in.is_none(), "nothing pending, nothing said");
    }

    #[test]
    fn labels_are_in_the_persons_language() {
        let menu = menu_of(
            &[record(RegionId::CnBeijing, 1, 1, Some("生产"))],
            Some(25),
            Lang::ZhCn,
        );
        assert_eq!(menu.regions[0].label, "华北2（北京）");
        assert_eq!(menu.regions[0].keys[0].copy.label, "复制");
        assert_eq!(menu.clears_in.as_deref(), Some("剪贴板将在 25 秒后清除"));
        assert_ne!(menu.open.label, menu_of(&[], None, Lang::En).open.label);
        assert!(menu_of(&[], None, Lang::Ja).empty.is_some());
    }

    #[test]
    fn each_id_names_its_action_and_nothing_else_does() {
        let menu = menu_of(&[record(RegionId::UsEast1, 42, 1, None)], None, Lang::En);
        let key = &menu.regions[0].keys[0];
        assert_eq!(
            TrayAction::parse(&key.copy.id),
            Some(TrayAction::Copy {
                region: RegionId::UsEast1,
                api_key_id: 42,
                env_line: false
            })
        );
        assert_eq!(
            TrayAction::parse(&key.copy_env.id),
            Some(TrayAction::Copy {
                region: RegionId::UsEast1,
                api_key_id: 42,
                env_line: true
            })
        );
        assert_eq!(TrayAction::parse(&menu.open.id), Some(TrayAction::Open));
        assert_eq!(TrayAction::parse(&menu.quit.id), Some(TrayAction::Quit));
        assert_eq!(TrayAction::parse("more:us-east-1"), Some(TrayAction::Open));
        for nothing in [
            "region:cn-beijing",
            "key:cn-beijing:42",
            "copy:mars:1",
            "copy:cn-beijing:x",
            "none",
            "",
        ] {
            assert_eq!(TrayAction::parse(nothing), None, "{nothing}");
        }
    }
}
