//! Validation of what a person enters, mirroring the console's rules.
//!
//! The numbers live in constants here and the per-region switches in
//! `regions::REGIONS`, so a rule change is one edit. Every rejection is an
//! `InvalidInput` error naming the field, the entry and the rule broken.

use crate::domain::error::{Error, Result};
use crate::domain::permission::{Permission, PermissionType};
use crate::domain::regions::Region;
use ipnet::IpNet;
use std::net::IpAddr;

/// At most this many IP whitelist entries (console: "up to 20").
pub const MAX_ACCESS_IPS: usize = 20;
/// The most models one key may list. The console's picker offers a workspace's
/// authorized models (a few dozen); a list far longer is a mistake or an attack
/// on the request size, not a choice.
pub const MAX_MODELS: usize = 200;
/// Description length bound, in characters. Neither the SDK nor the API
/// reference states one; 100 keeps descriptions readable in the list and is
/// what this app enforces until Alibaba Cloud documents a bound.
pub const DESCRIPTION_MAX_CHARS: usize = 100;
/// Temporary key lifetime in seconds (DashScope `expire_in_seconds`).
pub const TTL_MIN_SECS: u32 = 1;
pub const TTL_MAX_SECS: u32 = 1800;
pub const TTL_DEFAULT_SECS: u32 = 60;

/// The numbers above, as the UI reads them (`RULE_LIMITS` in the bindings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleLimits {
    pub max_access_ips: u32,
    pub max_models: u32,
    pub description_max_chars: u32,
    pub ttl_min_secs: u32,
    pub ttl_max_secs: u32,
    pub ttl_default_secs: u32,
}

impl RuleLimits {
    pub const CURRENT: RuleLimits = RuleLimits {
        max_access_ips: MAX_ACCESS_IPS as u32,
        max_models: MAX_MODELS as u32,
        description_max_chars: DESCRIPTION_MAX_CHARS as u32,
        ttl_min_secs: TTL_MIN_SECS,
        ttl_max_secs: TTL_MAX_SECS,
        ttl_default_secs: TTL_DEFAULT_SECS,
    };
}

pub const FIELD_ACCESS_IPS: &str = "accessIps";
pub const FIELD_DESCRIPTION: &str = "description";
pub const FIELD_TTL: &str = "expireInSeconds";
pub const FIELD_AUTH_TYPE: &str = "auth.type";
pub const FIELD_MODELS: &str = "accessibleModels";

/// Declares `RuleReason` with `ALL`, `as_str` and `field` from one list.
macro_rules! rule_reasons {
    ($($variant:ident = $name:literal on $field:ident,)+) => {
        /// Why a rule refused what a person entered: the `reason` of the
        /// `InvalidInput` error, and the field it concerns. Exported with the
        /// bindings (the `RuleReason` type and `RULE_REASON_FIELDS`), so the UI
        /// shows each next to its field and its own checks use the same names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
        pub enum RuleReason {
            $(#[serde(rename = $name)] $variant,)+
        }

        impl RuleReason {
            pub const ALL: &'static [RuleReason] = &[$(RuleReason::$variant,)+];

            /// The reason as errors carry it (and the catalog key under `reasons.`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleReason::$variant => $name,)+
                }
            }

            /// The request field the refused entry belongs to.
            pub fn field(self) -> &'static str {
                match self {
                    $(RuleReason::$variant => $field,)+
                }
            }
        }
    };
}

rule_reasons! {
    IpEmpty = "ip_empty" on FIELD_ACCESS_IPS,
    // Has a `/` but is no `address/prefix` block.
    CidrInvalid = "cidr_invalid" on FIELD_ACCESS_IPS,
    // A block with bits set after its prefix (`10.1.2.3/8`); `suggestion` names the block.
    CidrHostBits = "cidr_host_bits" on FIELD_ACCESS_IPS,
    IpInvalid = "ip_invalid" on FIELD_ACCESS_IPS,
    Ipv6NotInRegion = "ipv6_not_in_region" on FIELD_ACCESS_IPS,
    IpTooMany = "ip_too_many" on FIELD_ACCESS_IPS,
    IpDuplicate = "ip_duplicate" on FIELD_ACCESS_IPS,
    DescriptionControlChar = "description_control_char" on FIELD_DESCRIPTION,
    DescriptionTooLong = "description_too_long" on FIELD_DESCRIPTION,
    TtlOutOfRange = "ttl_out_of_range" on FIELD_TTL,
    ModelInvalid = "model_invalid" on FIELD_MODELS,
    ModelDuplicate = "model_duplicate" on FIELD_MODELS,
    ModelsTooMany = "models_too_many" on FIELD_MODELS,
    ModelsRequired = "models_required" on FIELD_MODELS,
    CustomNotInRegion = "custom_not_in_region" on FIELD_AUTH_TYPE,
}

/// Each reason with its field, for the UI (`RULE_REASON_FIELDS` in the bindings).
pub fn reason_fields() -> std::collections::BTreeMap<&'static str, &'static str> {
    RuleReason::ALL
        .iter()
        .map(|r| (r.as_str(), r.field()))
        .collect()
}

/// `value` broke the rule `reason` names, in the field it concerns.
fn refuse(reason: RuleReason, value: &str) -> Error {
    Error::invalid_input(reason.field(), value, reason.as_str())
}

/// One whitelist entry in canonical form: a plain address stays an address
/// (`/32` and `/128` are shown as the address), a block is shown as
/// `network/prefix` with lower-case compressed IPv6.
pub fn parse_ip_entry(entry: &str, region: &Region) -> Result<String> {
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Err(refuse(RuleReason::IpEmpty, entry));
    }
    let net = if let Some((addr, prefix)) = trimmed.split_once('/') {
        // The address by the same strict parser as a plain one (ipnet's own
        // takes `01.2.3.4`, whose leading zero reads as octal elsewhere).
        let net = addr
            .parse::<IpAddr>()
            .ok()
            .filter(|_| !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()))
            .zip(prefix.parse::<u8>().ok())
            .and_then(|(addr, len)| IpNet::new(addr, len).ok())
            .ok_or_else(|| refuse(RuleReason::CidrInvalid, trimmed))?;
        if net.network() != net.addr() {
            // `10.0.0.1/8` is almost always a typo; say which block was meant
            // instead of silently widening or narrowing the whitelist.
            return Err(refuse(RuleReason::CidrHostBits, trimmed)
                .with_param("suggestion", net.trunc().to_string()));
        }
        net
    } else {
        let addr: IpAddr = trimmed
            .parse()
            .map_err(|_| refuse(RuleReason::IpInvalid, trimmed))?;
        IpNet::from(addr)
    };
    if matches!(net, IpNet::V6(_)) && !region.ipv6_whitelist {
        return Err(
            refuse(RuleReason::Ipv6NotInRegion, trimmed).with_param("region", region.name_en)
        );
    }
    Ok(if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.to_string()
    })
}

/// The whole whitelist, canonicalised; refuses duplicates (after
/// canonicalisation, so `1.2.3.4` and `1.2.3.4/32` clash) and more than 20.
pub fn normalize_access_ips(entries: &[String], region: &Region) -> Result<Vec<String>> {
    if entries.len() > MAX_ACCESS_IPS {
        return Err(refuse(RuleReason::IpTooMany, &entries.len().to_string())
            .with_param("max", MAX_ACCESS_IPS.to_string()));
    }
    let mut out: Vec<String> = Vec::with_capacity(entries.len());
    for entry in entries {
        let canonical = parse_ip_entry(entry, region)?;
        if out.contains(&canonical) {
            return Err(refuse(RuleReason::IpDuplicate, entry.trim()));
        }
        out.push(canonical);
    }
    Ok(out)
}

/// Invisible characters that change how the text around them reads: the bidi
/// embeddings, overrides and isolates ("Trojan Source": `U+202E` shows
/// `yek-dorp` as `prod-key`), direction marks, zero-width spaces and joiners of
/// words, the byte-order mark, soft hyphen. The zero-width joiner and
/// non-joiner stay allowed: emoji sequences and Persian need them.
fn is_deceptive_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1D173}'..='\u{1D17A}')
}

/// Tag characters (`U+E0000`..`U+E007F`) are invisible; they belong only in
/// a subdivision flag, right after a black flag (🏴) and its other tags.
fn misplaced_tag(text: &str) -> Option<char> {
    let mut in_flag = false;
    for c in text.chars() {
        match c {
            '\u{1F3F4}' => in_flag = true,
            '\u{E0000}'..='\u{E007F}' if in_flag => {}
            '\u{E0000}'..='\u{E007F}' => return Some(c),
            _ => in_flag = false,
        }
    }
    None
}

/// A description trimmed; `None` for blank. Refuses control characters,
/// deceptive format characters (bidi overrides and the like) and anything
/// longer than `DESCRIPTION_MAX_CHARS`.
pub fn normalize_description(text: &str) -> Result<Option<String>> {
    let trimmed = text.trim();
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_control() || is_deceptive_format_char(*c))
        .or_else(|| misplaced_tag(trimmed))
    {
        return Err(refuse(RuleReason::DescriptionControlChar, trimmed)
            .with_param("char", format!("U+{:04X}", c as u32)));
    }
    let count = trimmed.chars().count();
    if count > DESCRIPTION_MAX_CHARS {
        return Err(refuse(RuleReason::DescriptionTooLong, trimmed)
            .with_param("max", DESCRIPTION_MAX_CHARS.to_string())
            .with_param("length", count.to_string()));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_string()))
}

/// A temporary-key lifetime; `None` gives the default.
/// A limit as a person writes it, `N/minute`, `N/hour` or `N/day` (`min`,
/// `m`, `h`, `d` too), as (N, the period in seconds): the periods a
/// workspace limit may count over.
/// The periods a workspace limit may count over, named as people write them:
/// the console's minute, hour and day, in seconds. The sandbox, the service's
/// checks and `skm` all read this table.
pub const LIMIT_PERIODS: [(&str, i64); 3] = [("minute", 60), ("hour", 3_600), ("day", 86_400)];

pub fn is_limit_period(seconds: i64) -> bool {
    LIMIT_PERIODS.iter().any(|(_, s)| *s == seconds)
}

/// A limit as people write it: `100/minute` (`100/90s` for another period).
pub fn rate_text(count: i64, seconds: i64) -> String {
    match LIMIT_PERIODS.iter().find(|(_, s)| *s == seconds) {
        Some((name, _)) => format!("{count}/{name}"),
        None => format!("{count}/{seconds}s"),
    }
}

pub fn parse_rate(field: &str, text: &str) -> Result<(i64, i64)> {
    let bad = || Error::invalid_input(field, text, "limit_rate_invalid");
    let (count, per) = text.trim().split_once('/').ok_or_else(bad)?;
    let count: i64 = count.trim().parse().map_err(|_| bad())?;
    if count < 1 {
        return Err(bad());
    }
    // Each period by its name, or a short form of it (`min`, `m`, `h`, `d`).
    let per = per.trim().to_ascii_lowercase();
    let short = |name: &str| per == name[..1] || (name == "minute" && per == "min");
    LIMIT_PERIODS
        .iter()
        .find(|(name, _)| per == *name || short(name))
        .map(|(_, seconds)| (count, *seconds))
        .ok_or_else(bad)
}

pub fn check_ttl(ttl: Option<i64>) -> Result<u32> {
    let Some(ttl) = ttl else {
        return Ok(TTL_DEFAULT_SECS);
    };
    if ttl < TTL_MIN_SECS as i64 || ttl > TTL_MAX_SECS as i64 {
        return Err(refuse(RuleReason::TtlOutOfRange, &ttl.to_string())
            .with_param("min", TTL_MIN_SECS.to_string())
            .with_param("max", TTL_MAX_SECS.to_string()));
    }
    Ok(ttl as u32)
}

/// Model ids: trimmed, no blanks, no duplicates, at most `MAX_MODELS`.
pub fn normalize_models(models: &[String]) -> Result<Vec<String>> {
    if models.len() > MAX_MODELS {
        return Err(refuse(RuleReason::ModelsTooMany, &models.len().to_string())
            .with_param("max", MAX_MODELS.to_string()));
    }
    let mut out: Vec<String> = Vec::new();
    for m in models {
        let t = m.trim();
        if t.is_empty() || t.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(refuse(RuleReason::ModelInvalid, m));
        }
        if out.iter().any(|o| o == t) {
            return Err(refuse(RuleReason::ModelDuplicate, t));
        }
        out.push(t.to_string());
    }
    Ok(out)
}

/// Check and canonicalise a permission block for `region`: Custom only where
/// the region allows it; a Custom block's IPs and models normalised (an
/// All block carries no lists).
pub fn validate_permission(p: &Permission, region: &Region) -> Result<Permission> {
    match p.kind {
        PermissionType::All => Ok(Permission::all()),
        PermissionType::Custom => {
            if !region.custom_permissions {
                return Err(refuse(RuleReason::CustomNotInRegion, "Custom")
                    .with_param("region", region.name_en));
            }
            let access_ips = normalize_access_ips(&p.access_ips, region)?;
            let models = normalize_models(&p.accessible_models)?;
            if !p.allow_all_models && models.is_empty() {
                return Err(refuse(RuleReason::ModelsRequired, ""));
            }
            Ok(Permission {
                kind: PermissionType::Custom,
                access_ips,
                allow_all_models: p.allow_all_models,
                accessible_models: if p.allow_all_models { vec![] } else { models },
            })
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_rate_is_a_count_per_minute_hour_or_day() {
        assert_eq!(
            super::parse_rate("requests", "100/minute").unwrap(),
            (100, 60)
        );
        assert_eq!(
            super::parse_rate("requests", " 5 / H ").unwrap(),
            (5, 3_600)
        );
        assert_eq!(
            super::parse_rate("tokens", "50000/day").unwrap(),
            (50_000, 86_400)
        );
        for bad in [
            "100", "0/minute", "-1/h", "x/minute", "10/week", "10/30s", "",
        ] {
            let e = super::parse_rate("requests", bad).unwrap_err();
            assert_eq!(e.reason.as_deref(), Some("limit_rate_invalid"), "{bad}");
        }
    }

    use super::*;
    use crate::domain::regions::RegionId;
    use crate::ErrorCode;
    use proptest::prelude::*;

    fn beijing() -> &'static Region {
        RegionId::CnBeijing.info()
    }
    fn singapore() -> &'static Region {
        RegionId::ApSoutheast1.info()
    }
    fn reason(e: Error) -> String {
        assert_eq!(e.code, ErrorCode::InvalidInput);
        e.reason.unwrap()
    }

    #[test]
    fn entries_are_shown_in_canonical_form() {
        assert_eq!(
            parse_ip_entry(" 10.0.0.0/8 ", beijing()).unwrap(),
            "10.0.0.0/8"
        );
        assert_eq!(parse_ip_entry("1.2.3.4", beijing()).unwrap(), "1.2.3.4");
        assert_eq!(parse_ip_entry("1.2.3.4/32", beijing()).unwrap(), "1.2.3.4");
        assert_eq!(
            parse_ip_entry("2001:DB8:0:0::/32", beijing()).unwrap(),
            "2001:db8::/32"
        );
    }

    #[test]
    fn invalid_cidr_is_refused_naming_the_entry() {
        let e = parse_ip_entry("10.0.0.300/8", beijing()).unwrap_err();
        assert!(e
            .message_in(crate::domain::i18n::Lang::En)
            .contains("10.0.0.300/8"));
        assert_eq!(reason(e), "cidr_invalid");
        assert_eq!(
            reason(parse_ip_entry("10.0.0.0/33", beijing()).unwrap_err()),
            "cidr_invalid"
        );
        assert_eq!(
            reason(parse_ip_entry("example.com", beijing()).unwrap_err()),
            "ip_invalid"
        );
        assert_eq!(
            reason(parse_ip_entry("  ", beijing()).unwrap_err()),
            "ip_empty"
        );
    }

    #[test]
    fn host_bits_are_refused_with_the_block_meant() {
        let e = parse_ip_entry("10.1.2.3/8", beijing()).unwrap_err();
        assert!(e
            .params
            .iter()
            .any(|(k, v)| k == "suggestion" && v == "10.0.0.0/8"));
        assert_eq!(reason(e), "cidr_host_bits");
    }

    #[test]
    fn ipv6_only_in_beijing() {
        assert!(parse_ip_entry("::1", beijing()).is_ok());
        let e = parse_ip_entry("2001:db8::/32", singapore()).unwrap_err();
        assert!(e
            .message_in(crate::domain::i18n::Lang::En)
            .contains("Singapore"));
        assert_eq!(reason(e), "ipv6_not_in_region");
    }

    #[test]
    fn more_than_twenty_entries_are_refused() {
        let ips: Vec<String> = (1..=21).map(|i| format!("10.0.0.{i}")).collect();
        assert_eq!(
            reason(normalize_access_ips(&ips, beijing()).unwrap_err()),
            "ip_too_many"
        );
        assert_eq!(
            normalize_access_ips(&ips[..20], beijing()).unwrap().len(),
            20
        );
    }

    #[test]
    fn duplicates_are_refused_even_when_spelled_differently() {
        let ips = vec!["1.2.3.4".to_string(), "1.2.3.4/32".to_string()];
        assert_eq!(
            reason(normalize_access_ips(&ips, beijing()).unwrap_err()),
            "ip_duplicate"
        );
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(
            normalize_description("  ci runner ").unwrap().as_deref(),
            Some("ci runner")
        );
        assert_eq!(normalize_description("   ").unwrap(), None);
        assert_eq!(
            reason(normalize_description("a\u{7}b").unwrap_err()),
            "description_control_char"
        );
        // "Trojan Source": shown as "prod-key", stored as something else.
        for deceptive in [
            "\u{202E}yek-dorp",
            "ci\u{200B}runner",
            "a\u{2066}b\u{2069}",
            "\u{FEFF}x",
        ] {
            let e = normalize_description(deceptive).unwrap_err();
            assert_eq!(
                reason(e.clone()),
                "description_control_char",
                "{deceptive:?}"
            );
            assert!(e.params.iter().any(|(k, _)| k == "char"));
        }
        // Emoji sequences (zero-width joiner) and Persian (non-joiner) are text.
        assert!(normalize_description("team 👩\u{200D}💻").is_ok());
        assert!(normalize_description("می\u{200C}خواهم").is_ok());
        // Line separators, Hangul fillers and stray tags hide text too; a
        // subdivision flag (🏴 + tags) is text.
        for hidden in ["a\u{2028}b", "\u{3164}", "x\u{E0041}y"] {
            assert!(normalize_description(hidden).is_err(), "{hidden:?}");
        }
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert!(normalize_description(&format!("team {scotland}")).is_ok());
        let long = "密".repeat(DESCRIPTION_MAX_CHARS + 1);
        assert_eq!(
            reason(normalize_description(&long).unwrap_err()),
            "description_too_long"
        );
        assert!(normalize_description(&"密".repeat(DESCRIPTION_MAX_CHARS)).is_ok());
    }

    #[test]
    fn ttl_bounds() {
        assert_eq!(check_ttl(None).unwrap(), 60);
        assert_eq!(check_ttl(Some(1)).unwrap(), 1);
        assert_eq!(check_ttl(Some(1800)).unwrap(), 1800);
        assert_eq!(reason(check_ttl(Some(0)).unwrap_err()), "ttl_out_of_range");
        assert_eq!(
            reason(check_ttl(Some(1801)).unwrap_err()),
            "ttl_out_of_range"
        );
    }

    fn custom() -> Permission {
        Permission {
            kind: PermissionType::Custom,
            ..Permission::all()
        }
    }

    #[test]
    fn custom_is_refused_in_virginia() {
        let auth = custom();
        let e = validate_permission(&auth, RegionId::UsEast1.info()).unwrap_err();
        assert!(e
            .message_in(crate::domain::i18n::Lang::En)
            .contains("Virginia"));
        assert_eq!(reason(e), "custom_not_in_region");
        assert!(validate_permission(&auth, beijing()).is_ok());
    }

    #[test]
    fn a_chosen_model_list_must_not_be_empty() {
        let auth = Permission {
            allow_all_models: false,
            ..custom()
        };
        assert_eq!(
            reason(validate_permission(&auth, beijing()).unwrap_err()),
            "models_required"
        );
    }

    /// The cases the UI's own check is held to as well (ui/src/lib/rules.test.ts).
    #[test]
    fn the_shared_ip_cases_are_what_rust_makes_of_each_entry() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/ip_rule_cases.json")).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert!(cases.len() > 40);
        for c in cases {
            let entry = c["entry"].as_str().unwrap();
            let region: crate::domain::regions::RegionId =
                c["region"].as_str().unwrap().parse().unwrap();
            let got = parse_ip_entry(entry, region.info());
            match (got, c["canonical"].as_str()) {
                (Ok(canonical), Some(expected)) => assert_eq!(canonical, expected, "{c}"),
                (Err(e), None) => {
                    assert_eq!(e.reason.as_deref(), c["reason"].as_str(), "{c}");
                    let suggestion = e.params.iter().find(|(k, _)| k == "suggestion");
                    assert_eq!(
                        suggestion.map(|(_, v)| v.as_str()),
                        c["suggestion"].as_str(),
                        "{c}"
                    );
                }
                (got, _) => panic!("{c}: Rust gives {got:?}"),
            }
        }
    }

    #[test]
    fn every_reason_has_text_in_both_languages_and_its_wire_name() {
        for r in RuleReason::ALL {
            for lang in crate::domain::i18n::Lang::ALL {
                assert!(
                    crate::domain::i18n::has(lang, &format!("reasons.{}", r.as_str())),
                    "{r:?} {lang:?}"
                );
            }
            // What the bindings export is what errors carry.
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::from(r.as_str())
            );
        }
    }

    proptest! {
        #[test]
        fn any_text_gives_a_canonical_entry_or_an_error_never_a_panic(s in "\\PC{0,40}") {
            if let Ok(c) = parse_ip_entry(&s, beijing()) {
                // Canonical form is a fixed point.
                prop_assert_eq!(parse_ip_entry(&c, beijing()).unwrap(), c);
            }
        }

        #[test]
        fn every_v4_block_round_trips(a in any::<u32>(), len in 0u8..=32) {
            let net = ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(a), len).unwrap().trunc();
            let c = parse_ip_entry(&net.to_string(), singapore()).unwrap();
            let back: IpNet = if c.contains('/') { c.parse().unwrap() } else {
                IpNet::from(c.parse::<IpAddr>().unwrap())
            };
            prop_assert_eq!(back, IpNet::V4(net));
        }

        #[test]
        fn descriptions_never_keep_outer_whitespace(s in "\\PC{0,120}") {
            if let Ok(Some(d)) = normalize_description(&s) {
                prop_assert_eq!(d.trim(), d.as_str());
                prop_assert!(d.chars().count() <= DESCRIPTION_MAX_CHARS);
            }
        }

        #[test]
        fn ttl_accepts_exactly_the_range(t in -5000i64..5000) {
            prop_assert_eq!(check_ttl(Some(t)).is_ok(), (1..=1800).contains(&t));
        }
    }

    #[test]
    fn a_model_list_has_a_sensible_cap() {
        let many: Vec<String> = (0..=MAX_MODELS).map(|i| format!("m{i}")).collect();
        assert_eq!(
            reason(normalize_models(&many).unwrap_err()),
            "models_too_many"
        );
        assert!(normalize_models(&many[..MAX_MODELS]).is_ok());
    }
}
