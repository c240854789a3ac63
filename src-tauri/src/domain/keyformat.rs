//! What kind of key a string is, and how to show it without revealing it.
//!
//! - `sk-ws-…`: current pay-as-you-go workspace keys.
//! - `sk-…` (about 32 characters after the prefix): keys made before the
//!   upgrade, and every key in US (Virginia); still pay-as-you-go.
//! - `sk-sp-…`: Token Plan / Coding Plan keys: another product with its own
//!   base URLs, never treated as pay-as-you-go here.
//! - `st-…`: temporary keys (1 to 1800 seconds).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
pub enum KeyFormat {
    /// `sk-ws-…`
    Workspace,
    /// `sk-…` without a sub-prefix, about 32 characters of body.
    Legacy,
    /// `sk-sp-…` Token Plan / Coding Plan.
    Plan,
    /// `st-…` temporary key.
    Temporary,
    /// Anything else: not a Model Studio key this app recognises.
    Unknown,
}

/// A prefix, the format it marks, and why a person may not paste such a
/// value as a saved key (`None`: they may). The UI reads this table
/// (`KEY_PREFIXES` in the bindings) instead of declaring prefixes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyPrefix {
    pub prefix: &'static str,
    pub format: KeyFormat,
    pub paste_reason: Option<&'static str>,
}

/// Every prefix, longest first: the first that a value starts with is its own.
pub const PREFIXES: [KeyPrefix; 4] = [
    KeyPrefix {
        prefix: "sk-ws-",
        format: KeyFormat::Workspace,
        paste_reason: None,
    },
    KeyPrefix {
        prefix: "sk-sp-",
        format: KeyFormat::Plan,
        paste_reason: Some("paste_plan_key"),
    },
    KeyPrefix {
        prefix: "st-",
        format: KeyFormat::Temporary,
        paste_reason: Some("paste_temporary_key"),
    },
    KeyPrefix {
        prefix: "sk-",
        format: KeyFormat::Legacy,
        paste_reason: None,
    },
];

/// The reason a value with no known prefix is refused as a pasted key.
pub const PASTE_NOT_A_KEY: &str = "paste_not_a_key";

/// Bounds on the body length of a legacy `sk-` key (32 is the usual length).
const LEGACY_BODY_LEN: std::ops::RangeInclusive<usize> = 24..=48;

impl KeyFormat {
    /// Classify a key value (or a masked value: only the prefix and length matter).
    pub fn classify(value: &str) -> KeyFormat {
        let v = value.trim();
        let body_ok = |body: &str| {
            !body.is_empty()
                && body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*'))
        };
        if let Some(body) = v.strip_prefix("sk-ws-") {
            return if body_ok(body) {
                KeyFormat::Workspace
            } else {
                KeyFormat::Unknown
            };
        }
        if let Some(body) = v.strip_prefix("sk-sp-") {
            return if body_ok(body) {
                KeyFormat::Plan
            } else {
                KeyFormat::Unknown
            };
        }
        if let Some(body) = v.strip_prefix("st-") {
            return if body_ok(body) {
                KeyFormat::Temporary
            } else {
                KeyFormat::Unknown
            };
        }
        if let Some(body) = v.strip_prefix("sk-") {
            if body_ok(body) && LEGACY_BODY_LEN.contains(&body.chars().count()) {
                return KeyFormat::Legacy;
            }
        }
        KeyFormat::Unknown
    }

    /// The format of a masked value as a server lists it. A mask hides the
    /// body's length, so only the prefix can tell: any other `sk-` is legacy.
    pub fn of_masked(masked: &str) -> KeyFormat {
        let m = masked.trim();
        PREFIXES
            .iter()
            .find(|p| m.starts_with(p.prefix))
            .map_or(KeyFormat::Unknown, |p| p.format)
    }

    pub fn prefix(self) -> &'static str {
        PREFIXES
            .iter()
            .find(|p| p.format == self)
            .map_or("", |p| p.prefix)
    }

    /// Why a value of this format cannot be saved as a pasted key (the
    /// error's reason), or `None` for a pay-as-you-go key that can.
    pub fn paste_reason(self) -> Option<&'static str> {
        match PREFIXES.iter().find(|p| p.format == self) {
            Some(p) => p.paste_reason,
            None => Some(PASTE_NOT_A_KEY),
        }
    }

    /// Whether calls with this key are billed pay-as-you-go (and so whether
    /// the key management of this app applies to it).
    pub fn is_pay_as_you_go(self) -> bool {
        matches!(
            self,
            KeyFormat::Workspace | KeyFormat::Legacy | KeyFormat::Temporary
        )
    }

    /// Catalog key (`locales/client.yml`) explaining this format to a person.
    pub fn explanation_key(self) -> &'static str {
        match self {
            KeyFormat::Workspace => "keyformat.Workspace",
            KeyFormat::Legacy => "keyformat.Legacy",
            KeyFormat::Plan => "keyformat.Plan",
            KeyFormat::Temporary => "keyformat.Temporary",
            KeyFormat::Unknown => "keyformat.Unknown",
        }
    }

    pub fn explanation(self, lang: crate::domain::i18n::Lang) -> String {
        crate::domain::i18n::tr(lang, self.explanation_key(), &[])
    }
}

/// Characters of the body shown at each end of a mask. The server's own mask
/// (`sk-ws-djI.8O7d*****2aICctnid4u4`) shows 8 and 12; we show fewer.
const MASK_HEAD: usize = 4;
const MASK_TAIL: usize = 4;
const MASK_FILL: &str = "*****";

/// A display form of a full key value: prefix, 4 characters, `*****`, the last
/// 4. Short or unrecognised values, and values that hold a `*` (a mask, not a
/// key), show no body at all.
pub fn mask(value: &str) -> String {
    let v = value.trim();
    let format = KeyFormat::classify(v);
    let prefix = format.prefix();
    let body: Vec<char> = v[prefix.len()..].chars().collect();
    // Below this length the visible ends would give away too much of the key.
    // A body with `*` is already masked: its ends would hand it back unchanged.
    if format == KeyFormat::Unknown
        || body.contains(&'*')
        || body.len() < 3 * (MASK_HEAD + MASK_TAIL) / 2
    {
        return format!("{prefix}{MASK_FILL}");
    }
    let head: String = body[..MASK_HEAD].iter().collect();
    let tail: String = body[body.len() - MASK_TAIL..].iter().collect();
    format!("{prefix}{head}{MASK_FILL}{tail}")
}

/// The most a server mask may show before and after its `*` run: the
/// console's own shape (`sk-ws-djI.8O7d*****2aICctnid4u4`: 8 and 12).
const SERVER_MASK_HEAD: usize = 8;
const SERVER_MASK_TAIL: usize = 12;

/// What to show for a key the server listed, re-masked here whatever the
/// server sent: a mask in the console's shape shows as the console shows it;
/// anything longer on either side of the `*` is cut to that shape; an
/// unmasked value gets our (shorter) mask.
pub fn display_server_value(server_value: &str) -> String {
    let v = server_value.trim();
    let (Some(first), Some(last)) = (v.find('*'), v.rfind('*')) else {
        return mask(v);
    };
    let prefix = KeyFormat::classify(v).prefix();
    let prefix = if v[..first].starts_with(prefix) {
        prefix
    } else {
        ""
    };
    let head: String = v[prefix.len()..first]
        .chars()
        .take(SERVER_MASK_HEAD)
        .collect();
    let tail: Vec<char> = v[last + 1..].chars().collect();
    let tail: String = tail[tail.len().saturating_sub(SERVER_MASK_TAIL)..]
        .iter()
        .collect();
    format!("{prefix}{head}{MASK_FILL}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_masked_value_is_told_apart_by_its_prefix() {
        assert_eq!(
            KeyFormat::of_masked("sk-ws-djI.8O7d*****2aICctnid4u4"),
            KeyFormat::Workspace
        );
        assert_eq!(KeyFormat::of_masked("sk-ab*****yz"), KeyFormat::Legacy);
        assert_eq!(KeyFormat::of_masked("sk-sp-ab*****yz"), KeyFormat::Plan);
        assert_eq!(KeyFormat::of_masked("st-ab*****yz"), KeyFormat::Temporary);
        assert_eq!(KeyFormat::of_masked("xx-ab*****yz"), KeyFormat::Unknown);
    }

    #[test]
    fn formats_are_told_apart() {
        assert_eq!(
            KeyFormat::classify(&format!("sk-ws-djI.8O7d{}2aICctnid4u4", "AbCdEfGh")),
            KeyFormat::Workspace
        );
        assert_eq!(
            KeyFormat::classify("sk-0123456789abcdef0123456789abcdef"),
            KeyFormat::Legacy
        );
        assert_eq!(
            KeyFormat::classify("sk-sp-0123456789abcdef0123"),
            KeyFormat::Plan
        );
        assert_eq!(
            KeyFormat::classify("st-abcdef0123456789"),
            KeyFormat::Temporary
        );
        assert_eq!(KeyFormat::classify("sk-short"), KeyFormat::Unknown);
        assert_eq!(
            KeyFormat::classify("LTAI5tFakeAccessKeyId"),
            KeyFormat::Unknown
        );
        assert_eq!(KeyFormat::classify(""), KeyFormat::Unknown);
    }

    #[test]
    fn plan_keys_are_never_pay_as_you_go() {
        assert!(!KeyFormat::Plan.is_pay_as_you_go());
        assert!(KeyFormat::Workspace.is_pay_as_you_go());
        let text = KeyFormat::Plan.explanation(crate::domain::i18n::Lang::En);
        assert!(text.contains("Coding Plan"), "{text}");
    }

    #[test]
    fn every_format_is_explained_in_both_languages() {
        for f in [
            KeyFormat::Workspace,
            KeyFormat::Legacy,
            KeyFormat::Plan,
            KeyFormat::Temporary,
            KeyFormat::Unknown,
        ] {
            for lang in crate::domain::i18n::Lang::ALL {
                assert!(
                    crate::domain::i18n::has(lang, f.explanation_key()),
                    "{f:?} {lang:?}"
                );
            }
        }
    }

    #[test]
    fn our_mask_reveals_no_more_than_the_servers() {
        let full = "sk-ws-djI.8O7dXyZw1234567890qw2aICctnid4u4";
        let server = "sk-ws-djI.8O7d*****2aICctnid4u4";
        let ours = mask(full);
        assert_eq!(ours, "sk-ws-djI.*****d4u4");
        let (s_head, s_tail) = server.split_once(MASK_FILL).unwrap();
        let (o_head, o_tail) = ours.split_once(MASK_FILL).unwrap();
        assert!(s_head.starts_with(o_head) && s_tail.ends_with(o_tail));
        assert!(o_head.len() + o_tail.len() < s_head.len() + s_tail.len());
    }

    #[test]
    fn an_unmasked_server_value_is_masked_before_display() {
        assert_eq!(
            display_server_value("sk-ws-djI.8O7d*****2aICctnid4u4"),
            "sk-ws-djI.8O7d*****2aICctnid4u4"
        );
        assert!(!display_server_value("sk-0123456789abcdef0123456789abcdef").contains("56789ab"));
        // A "mask" that is the whole value with a star added is cut to the console's shape.
        let whole = format!("sk-ws-{}", "Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3");
        let shown = display_server_value(&format!("{whole}*"));
        assert_eq!(shown, "sk-ws-Ab3dE5fG*****");
        let shown = display_server_value(&format!("sk-ws-*{}", &whole[6..]));
        assert!(
            shown.ends_with("*****rS7tU9vW1xY3") && shown.len() < 26,
            "{shown}"
        );
    }

    /// Found by the `key_format` fuzz target (2026-11-30): a value already
    /// shaped like our mask (prefix, 4, `*****`, 4) came back unchanged, so the
    /// "mask" held the whole value. The input is the fuzzer's, byte for byte.
    #[test]
    fn a_value_shaped_like_a_mask_is_not_handed_back_whole() {
        let crash = "sk-ws-s-*********sp";
        assert_eq!(mask(crash), "sk-ws-*****");
        for v in [crash, "sk-ws-djI.*****d4u4", "sk-sp-abcd*****wxyz"] {
            assert_ne!(mask(v), v);
            assert!(mask(v).contains(MASK_FILL));
        }
        // Real keys (no `*`) are masked as before (a fake value, built here).
        let fake = format!("sk-ws-djI.{}{}", "8O7dXyZw1234567890", "qw2aICctnid4u4");
        assert_eq!(mask(&fake), "sk-ws-djI.*****d4u4");
    }

    proptest! {
        /// Whatever a server sends, no more than the console's mask shows.
        #[test]
        fn a_server_value_never_shows_more_than_the_consoles_mask(v in "\\PC{0,80}") {
            let shown = display_server_value(&v);
            prop_assert!(shown.contains("*****"));
            // A key prefix (at most `sk-ws-`), 8 before the stars, 12 after.
            let visible = shown.chars().filter(|c| *c != '*').count();
            prop_assert!(visible <= "sk-ws-".len() + 8 + 12, "{}", shown);
        }
    }

    proptest! {
        #[test]
        fn mask_never_shows_more_than_eight_body_characters(v in "(sk-ws-|sk-|sk-sp-|st-)?[A-Za-z0-9.]{0,60}") {
            let m = mask(&v);
            let prefix = KeyFormat::classify(&v).prefix();
            let shown = m[prefix.len()..].replace(MASK_FILL, "");
            prop_assert!(shown.chars().count() <= MASK_HEAD + MASK_TAIL);
            prop_assert!(m.contains(MASK_FILL));
        }
    }

    #[test]
    fn a_mask_that_looks_like_a_prefix_inside_is_still_bounded() {
        // Found by the fuzzer: the shown value's own prefix differs from the input's.
        let shown = display_server_value("sk-s-k--9999**99**93*********sp-st-tt--");
        assert_eq!(shown, "sk-s-k--999*****sp-st-tt--");
        assert!(shown.chars().filter(|c| *c != '*').count() <= 6 + 8 + 12);
    }
}
