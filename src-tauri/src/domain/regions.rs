//! The six Model Studio regions and their rules, as data.
//!
//! Alibaba Cloud changes these (limits, which regions allow Custom permissions,
//! key formats); one edit to `REGIONS` must be all it takes. The client, the
//! sandbox and the UI all read this table.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
pub enum RegionId {
    #[serde(rename = "cn-beijing")]
    CnBeijing,
    #[serde(rename = "ap-southeast-1")]
    ApSoutheast1,
    #[serde(rename = "ap-northeast-1")]
    ApNortheast1,
    #[serde(rename = "cn-hongkong")]
    CnHongkong,
    #[serde(rename = "eu-central-1")]
    EuCentral1,
    #[serde(rename = "us-east-1")]
    UsEast1,
}

/// Whom the key limit counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum KeyLimitScope {
    /// All keys of the Alibaba Cloud account in the region.
    Account,
    /// Keys created by each owner (root account or RAM user) separately.
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub id: RegionId,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    /// As the Traditional Chinese console shows it.
    pub name_zh_tw: &'static str,
    /// As the Japanese console shows it.
    pub name_ja: &'static str,
    /// Management OpenAPI host.
    pub openapi_host: &'static str,
    /// STS host, asked who the caller is when a lost Create is recovered.
    /// Not the UI's business.
    #[serde(skip)]
    pub sts_host: &'static str,
    /// DashScope shared inference host; `None` where only workspace hosts exist.
    pub dashscope_host: Option<&'static str>,
    pub custom_permissions: bool,
    pub ipv6_whitelist: bool,
    pub key_limit: u32,
    pub key_limit_scope: KeyLimitScope,
    /// Prefix of keys created now (`sk-ws-`, or `sk-` where keys were not upgraded).
    pub new_key_prefix: &'static str,
    /// The suffix of workspace inference hosts: `{workspace}.{suffix}`.
    pub workspace_host_suffix: &'static str,
}

pub const REGIONS: [Region; 6] = [
    Region {
        id: RegionId::CnBeijing,
        name_en: "China (Beijing)",
        name_zh: "华北2（北京）",
        name_zh_tw: "華北2（北京）",
        name_ja: "中国 (北京)",
        openapi_host: "modelstudio.cn-beijing.aliyuncs.com",
        sts_host: "sts.cn-beijing.aliyuncs.com",
        dashscope_host: Some("dashscope.aliyuncs.com"),
        custom_permissions: true,
        ipv6_whitelist: true,
        key_limit: 50,
        key_limit_scope: KeyLimitScope::Account,
        new_key_prefix: "sk-ws-",
        workspace_host_suffix: "cn-beijing.maas.aliyuncs.com",
    },
    Region {
        id: RegionId::ApSoutheast1,
        name_en: "Singapore",
        name_zh: "新加坡",
        name_zh_tw: "新加坡",
        name_ja: "シンガポール",
        openapi_host: "modelstudio.ap-southeast-1.aliyuncs.com",
        sts_host: "sts.ap-southeast-1.aliyuncs.com",
        dashscope_host: Some("dashscope-intl.aliyuncs.com"),
        custom_permissions: true,
        ipv6_whitelist: false,
        key_limit: 50,
        key_limit_scope: KeyLimitScope::Account,
        new_key_prefix: "sk-ws-",
        workspace_host_suffix: "ap-southeast-1.maas.aliyuncs.com",
    },
    Region {
        id: RegionId::ApNortheast1,
        name_en: "Japan (Tokyo)",
        name_zh: "日本（东京）",
        name_zh_tw: "日本（東京）",
        name_ja: "日本 (東京)",
        openapi_host: "modelstudio.ap-northeast-1.aliyuncs.com",
        sts_host: "sts.ap-northeast-1.aliyuncs.com",
        dashscope_host: None,
        custom_permissions: true,
        ipv6_whitelist: false,
        key_limit: 50,
        key_limit_scope: KeyLimitScope::Account,
        new_key_prefix: "sk-ws-",
        workspace_host_suffix: "ap-northeast-1.maas.aliyuncs.com",
    },
    Region {
        id: RegionId::CnHongkong,
        name_en: "China (Hong Kong)",
        name_zh: "中国香港",
        name_zh_tw: "中國香港",
        name_ja: "中国 (香港)",
        openapi_host: "modelstudio.cn-hongkong.aliyuncs.com",
        sts_host: "sts.cn-hongkong.aliyuncs.com",
        dashscope_host: Some("cn-hongkong.dashscope.aliyuncs.com"),
        custom_permissions: true,
        ipv6_whitelist: false,
        key_limit: 50,
        key_limit_scope: KeyLimitScope::Account,
        new_key_prefix: "sk-ws-",
        workspace_host_suffix: "cn-hongkong.maas.aliyuncs.com",
    },
    Region {
        id: RegionId::EuCentral1,
        name_en: "Germany (Frankfurt)",
        name_zh: "德国（法兰克福）",
        name_zh_tw: "德國（法蘭克福）",
        name_ja: "ドイツ (フランクフルト)",
        openapi_host: "modelstudio.eu-central-1.aliyuncs.com",
        sts_host: "sts.eu-central-1.aliyuncs.com",
        dashscope_host: None,
        custom_permissions: true,
        ipv6_whitelist: false,
        key_limit: 50,
        key_limit_scope: KeyLimitScope::Account,
        new_key_prefix: "sk-ws-",
        workspace_host_suffix: "eu-central-1.maas.aliyuncs.com",
    },
    Region {
        id: RegionId::UsEast1,
        name_en: "US (Virginia)",
        name_zh: "美国（弗吉尼亚）",
        name_zh_tw: "美國（維吉尼亞）",
        name_ja: "米国 (バージニア)",
        openapi_host: "modelstudio.us-east-1.aliyuncs.com",
        sts_host: "sts.us-east-1.aliyuncs.com",
        dashscope_host: Some("dashscope-us.aliyuncs.com"),
        custom_permissions: false,
        ipv6_whitelist: false,
        key_limit: 20,
        key_limit_scope: KeyLimitScope::Owner,
        new_key_prefix: "sk-",
        workspace_host_suffix: "us-east-1.maas.aliyuncs.com",
    },
];

impl Region {
    /// The region's name as the console shows it in `lang`.
    pub fn name_in(&self, lang: crate::domain::i18n::Lang) -> &'static str {
        match lang {
            crate::domain::i18n::Lang::En => self.name_en,
            crate::domain::i18n::Lang::ZhCn => self.name_zh,
            crate::domain::i18n::Lang::ZhTw => self.name_zh_tw,
            crate::domain::i18n::Lang::Ja => self.name_ja,
        }
    }

    /// Whether `host` is one of this region's workspace hosts:
    /// `{workspace}.{workspace_host_suffix}`, one label before the suffix.
    pub fn trusted_workspace_host_of(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let Some(label) = host
            .strip_suffix(self.workspace_host_suffix)
            .and_then(|h| h.strip_suffix('.'))
        else {
            return false;
        };
        !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }
}

impl RegionId {
    /// A workspace `apiHost` from the server, if it is one of this region's
    /// workspace hosts. Any other host would receive API keys as Bearer
    /// tokens, so it is not used.
    pub fn trusted_workspace_host(self, host: &str) -> Option<&str> {
        self.info()
            .trusted_workspace_host_of(host)
            .then_some(host.trim())
    }

    pub const ALL: [RegionId; 6] = [
        RegionId::CnBeijing,
        RegionId::ApSoutheast1,
        RegionId::ApNortheast1,
        RegionId::CnHongkong,
        RegionId::EuCentral1,
        RegionId::UsEast1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionId::CnBeijing => "cn-beijing",
            RegionId::ApSoutheast1 => "ap-southeast-1",
            RegionId::ApNortheast1 => "ap-northeast-1",
            RegionId::CnHongkong => "cn-hongkong",
            RegionId::EuCentral1 => "eu-central-1",
            RegionId::UsEast1 => "us-east-1",
        }
    }

    pub fn info(self) -> &'static Region {
        REGIONS
            .iter()
            .find(|r| r.id == self)
            .expect("every RegionId has a row in REGIONS")
    }

    /// The region whose OpenAPI host is `host` (port ignored), if any.
    pub fn from_openapi_host(host: &str) -> Option<RegionId> {
        let host = host.split(':').next().unwrap_or(host);
        REGIONS
            .iter()
            .find(|r| r.openapi_host.eq_ignore_ascii_case(host))
            .map(|r| r.id)
    }
}

impl std::fmt::Display for RegionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RegionId {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionId::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::Error::invalid_input("region", s, "unknown_region"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_id_has_exactly_one_row() {
        for id in RegionId::ALL {
            assert_eq!(REGIONS.iter().filter(|r| r.id == id).count(), 1, "{id}");
            assert_eq!(id.as_str().parse::<RegionId>().unwrap(), id);
        }
    }

    #[test]
    fn only_virginia_forbids_custom_and_counts_per_owner() {
        for r in REGIONS {
            let virginia = r.id == RegionId::UsEast1;
            assert_eq!(r.custom_permissions, !virginia, "{}", r.id);
            assert_eq!(r.key_limit, if virginia { 20 } else { 50 });
            assert_eq!(r.new_key_prefix, if virginia { "sk-" } else { "sk-ws-" });
        }
    }

    #[test]
    fn only_beijing_accepts_ipv6() {
        let v6: Vec<_> = REGIONS
            .iter()
            .filter(|r| r.ipv6_whitelist)
            .map(|r| r.id)
            .collect();
        assert_eq!(v6, vec![RegionId::CnBeijing]);
    }

    #[test]
    fn openapi_host_resolves_back_to_region() {
        assert_eq!(
            RegionId::from_openapi_host("modelstudio.us-east-1.aliyuncs.com:443"),
            Some(RegionId::UsEast1)
        );
        assert_eq!(RegionId::from_openapi_host("example.com"), None);
    }

    #[test]
    fn a_workspace_host_is_trusted_only_under_its_regions_suffix() {
        let bj = RegionId::CnBeijing;
        assert_eq!(
            bj.trusted_workspace_host("llm-ab12.cn-beijing.maas.aliyuncs.com"),
            Some("llm-ab12.cn-beijing.maas.aliyuncs.com")
        );
        for bad in [
            "cn-beijing.maas.aliyuncs.com",
            ".cn-beijing.maas.aliyuncs.com",
            "a.b.cn-beijing.maas.aliyuncs.com",
            "llm-x.cn-beijing.maas.aliyuncs.com.evil.io",
            "llm-xcn-beijing.maas.aliyuncs.com",
            "llm-x.ap-southeast-1.maas.aliyuncs.com",
            "",
        ] {
            assert_eq!(bj.trusted_workspace_host(bad), None, "{bad}");
        }
    }
}
