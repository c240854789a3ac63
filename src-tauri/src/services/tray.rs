//! The tray's menu, as data (the app's `tray.rs` draws it): the saved keys of
//! the acting profile by region, from the saved-key index alone (description
//! and masked value, never a value), the region switcher, with every label in
//! the person's language and every item's id; and what a clicked id asks
//! for. The keychain is read only on Copy, through the window's own copies.

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

/// What the window shows: one region's keys, or every region's in one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShownRegion {
    One(RegionId),
    All,
}

impl ShownRegion {
    /// `"all"` or a region's code, as the window names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ShownRegion::One(region) => region.as_str(),
            ShownRegion::All => "all",
        }
    }
}

impl std::str::FromStr for ShownRegion {
    type Err = ();
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        match s {
            "all" => Ok(ShownRegion::All),
            code => code.parse().map(ShownRegion::One).map_err(|_| ()),
        }
    }
}

/// One choice of the region switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayChoice {
    pub item: TrayItem,
    /// The window shows it now.
    pub checked: bool,
}

/// The region switcher: a submenu named after what the window shows, with
/// the six regions and all regions; a choice switches the window too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraySwitcher {
    pub label: String,
    pub choices: Vec<TrayChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    /// "Clipboard clears in N s" while a copied key is pending (a first,
    /// disabled item).
    pub clears_in: Option<String>,
    pub regions: Vec<TrayRegion>,
    /// Said when no key is saved on this computer.
    pub empty: Option<String>,
    pub switcher: TraySwitcher,
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
    /// Switch the window (and the region it opens on next time).
    Show(ShownRegion),
    Open,
    Quit,
}

impl TrayAction {
    /// The action of an item id `tray_menu` made; `None` for anything else.
    pub fn parse(id: &str) -> Option<TrayAction> {
        match id.split(':').collect::<Vec<_>>().as_slice() {
            ["open"] | ["more", _] => Some(TrayAction::Open),
            ["quit"] => Some(TrayAction::Quit),
            ["region", shown] => shown.parse().ok().map(TrayAction::Show),
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
/// before a copied key is cleared. The region the window shows comes first:
/// the keys a person works with now are the nearest.
pub fn menu_of(
    records: &[SavedKeyRecord],
    clears_in: Option<u32>,
    shown: ShownRegion,
    lang: Lang,
) -> TrayMenu {
    let mut order = RegionId::ALL.to_vec();
    if let ShownRegion::One(first) = shown {
        order.retain(|r| *r != first);
        order.insert(0, first);
    }
    let mut regions = Vec::new();
    for region in order {
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
        switcher: switcher(shown, lang),
        open: item("open".into(), lang, "tray.open", &[]),
        quit: item("quit".into(), lang, "tray.quit", &[]),
    }
}

fn switcher(shown: ShownRegion, lang: Lang) -> TraySwitcher {
    let name = |s: ShownRegion| match s {
        ShownRegion::One(region) => region.info().name_in(lang).to_owned(),
        ShownRegion::All => i18n::tr(lang, "tray.all_regions", &[]),
    };
    let choices = RegionId::ALL
        .into_iter()
        .map(ShownRegion::One)
        .chain([ShownRegion::All])
        .map(|s| TrayChoice {
            item: TrayItem {
                id: format!("region:{}", s.as_str()),
                label: name(s),
            },
            checked: s == shown,
        })
        .collect();
    TraySwitcher {
        label: i18n::tr(lang, "tray.region", &[("region", &name(shown))]),
        choices,
    }
}

impl Studio {
    /// The tray's menu for the acting profile, in the current language.
    /// `window_shows` is what the window last said it shows; before it has
    /// said anything, the region the profile opens on.
    pub async fn tray_menu(&self, window_shows: Option<ShownRegion>) -> Result<TrayMenu> {
        let profile = self.acting_profile().await?;
        let shown = window_shows.unwrap_or(ShownRegion::One(profile.current_region()));
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
        Ok(menu_of(&records, clears_in, shown, i18n::current()))
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
        let menu = menu_of(&records, None, ShownRegion::All, Lang::En);
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
            ShownRegion::One(RegionId::CnBeijing),
            Lang::ZhCn,
        );
        assert_eq!(menu.regions[0].label, "华北2（北京）");
        assert_eq!(menu.regions[0].keys[0].copy.label, "复制");
        assert_eq!(menu.clears_in.as_deref(), Some("剪贴板将在 25 秒后清除"));
        assert_eq!(menu.switcher.label, "地域：华北2（北京）");
        assert_eq!(menu.switcher.choices[6].item.label, "全部地域");
        let en = menu_of(&[], None, ShownRegion::All, Lang::En);
        assert_ne!(menu.open.label, en.open.label);
        assert_eq!(en.switcher.label, "Region: All regions");
        assert!(menu_of(&[], None, ShownRegion::All, Lang::Ja)
            .empty
            .is_some());
    }

    #[test]
    fn each_id_names_its_action_and_nothing_else_does() {
        let menu = menu_of(
            &[record(RegionId::UsEast1, 42, 1, None)],
            None,
            ShownRegion::All,
            Lang::En,
        );
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
        let choices = &menu.switcher.choices;
        assert_eq!(choices.len(), RegionId::ALL.len() + 1);
        for choice in choices {
            let Some(TrayAction::Show(shown)) = TrayAction::parse(&choice.item.id) else {
                panic!("{choice:?} switches nothing");
            };
            assert_eq!(choice.checked, shown == ShownRegion::All, "{choice:?}");
        }
        assert_eq!(
            TrayAction::parse("region:ap-northeast-1"),
            Some(TrayAction::Show(ShownRegion::One(RegionId::ApNortheast1)))
        );
        for nothing in [
            "region:mars",
            "region:",
            "key:cn-beijing:42",
            "copy:mars:1",
            "copy:cn-beijing:x",
            "none",
            "",
        ] {
            assert_eq!(TrayAction::parse(nothing), None, "{nothing}");
        }
    }

    #[test]
    fn the_region_the_window_shows_is_checked_and_its_keys_come_first() {
        let records = [
            record(RegionId::CnBeijing, 1, 1, None),
            record(RegionId::EuCentral1, 2, 1, None),
        ];
        let frankfurt = ShownRegion::One(RegionId::EuCentral1);
        let menu = menu_of(&records, None, frankfurt, Lang::En);
        let firsts: Vec<_> = menu.regions.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(firsts, ["Germany (Frankfurt)", "China (Beijing)"]);
        assert_eq!(menu.switcher.label, "Region: Germany (Frankfurt)");
        let checked: Vec<_> = menu
            .switcher
            .choices
            .iter()
            .filter(|c| c.checked)
            .map(|c| c.item.id.as_str())
            .collect();
        assert_eq!(checked, ["region:eu-central-1"]);
        let all = menu_of(&records, None, ShownRegion::All, Lang::En);
        assert_eq!(all.regions[0].label, "China (Beijing)", "the table's order");
    }
}
