//! Second line of defence for logs: even if a key value reaches a log message
//! as plain text (a server echoing it back, a careless format), it is masked
//! before it is written. The first line is `Secret`, which cannot be formatted.

use crate::domain::secret::Secret;
use std::sync::Mutex;

/// Secrets this process holds that have no telltale prefix (an AccessKey
/// secret, an STS token): `scrub` removes them by value.
static HELD: Mutex<Held> = Mutex::new(Held { values: Vec::new() });

/// The remembered values, oldest first.
struct Held {
    values: Vec<Secret>,
}

impl Held {
    fn remember(&mut self, secret: &Secret) {
        if secret.expose().len() < MIN_HELD_LEN
            || self.values.iter().any(|h| h.expose() == secret.expose())
        {
            return;
        }
        if self.values.len() >= MAX_HELD {
            // The oldest goes, whatever its length: a long STS token must
            // not be the first to stop being scrubbed.
            self.values.remove(0);
        }
        self.values.push(secret.clone());
    }

    fn remove_from(&self, text: &str) -> String {
        // Longest first: a value that holds another is removed whole.
        let mut by_length: Vec<&Secret> = self.values.iter().collect();
        by_length.sort_by_key(|h| std::cmp::Reverse(h.expose().len()));
        let mut known = text.to_string();
        for secret in by_length {
            if known.contains(secret.expose()) {
                known = known.replace(secret.expose(), "<redacted>");
            }
        }
        known
    }
}

/// Values shorter than this are not matched by value: they would erase
/// ordinary words (no real AccessKey secret or token is this short).
const MIN_HELD_LEN: usize = 12;

/// The most values remembered; the oldest go first (a process switches
/// credentials a few times, not hundreds).
const MAX_HELD: usize = 64;

/// Remember `secret` so that `scrub` removes it wherever it appears.
pub fn remember(secret: &Secret) {
    HELD.lock()
        .unwrap_or_else(|p| p.into_inner())
        .remember(secret);
}

/// Prefixes of values that must never be logged in full.
const SECRET_PREFIXES: [&str; 4] = ["sk-", "st-", "LTAI", "STS."];

/// The shortest run after a prefix that we treat as a secret (shorter runs are
/// words such as "sk-ws" in prose, or masked values that are already short).
const MIN_SECRET_TAIL: usize = 12;

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
}

/// The level the app logs at (its log file and stderr).
pub const LOG_LEVEL: log::LevelFilter = log::LevelFilter::Info;

/// One log line as the app writes it: the level, then the message scrubbed.
/// The app's logger and the leak scan's test logger both format with this.
pub fn log_line(level: log::Level, message: &str) -> String {
    format!("[{level}] {}", scrub(message))
}

/// Removes every secret this process holds (`remember`) and masks every
/// secret-looking token in `text`, keeping its prefix for context.
pub fn scrub(text: &str) -> String {
    let known = HELD
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove_from(text);
    scrub_shapes(&known)
}

fn scrub_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest
            .char_indices()
            .find(|(i, _)| SECRET_PREFIXES.iter().any(|p| rest[*i..].starts_with(p)))
            .map(|(i, _)| i);
        let Some(start) = start else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..start]);
        let token_len = rest[start..]
            .char_indices()
            .find(|(_, c)| !is_token_char(*c))
            .map_or(rest.len() - start, |(i, _)| i);
        let token = &rest[start..start + token_len];
        let prefix = SECRET_PREFIXES
            .iter()
            .find(|p| token.starts_with(**p))
            .unwrap_or(&"");
        let tail = &token[prefix.len()..];
        // Already-masked values (server masks contain '*') stop at the '*', so their
        // visible tail is short and passes through unchanged.
        if tail.len() >= MIN_SECRET_TAIL {
            out.push_str(prefix);
            out.push_str("<redacted>");
        } else {
            out.push_str(token);
        }
        rest = &rest[start + token_len.max(1)..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_cap_the_oldest_value_goes_not_the_longest() {
        let mut held = Held { values: Vec::new() };
        let value = |i: usize| Secret::new(format!("plain-value-{i:04}-xxxxxxxx"));
        let token = Secret::new(format!("CAIS{}", "Zq8".repeat(100)));
        for i in 0..MAX_HELD - 1 {
            held.remember(&value(i));
        }
        held.remember(&token);
        held.remember(&value(999));
        let line = format!(
            "{} {} {}",
            value(0).expose(),
            token.expose(),
            value(1).expose()
        );
        let scrubbed = held.remove_from(&line);
        assert!(
            !scrubbed.contains("Zq8Zq8"),
            "the long token is still scrubbed"
        );
        assert!(scrubbed.starts_with("plain-value-0000"), "the oldest went");
        assert!(!scrubbed.contains("plain-value-0001"), "{scrubbed}");
    }

    #[test]
    fn full_key_values_are_masked_in_log_text() {
        let key = format!("sk-ws-{}", "Ab3.dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
        let line = format!("created key {key} for you");
        let scrubbed = scrub(&line);
        assert!(!scrubbed.contains(&key[6..]), "{scrubbed}");
        assert_eq!(scrubbed, "created key sk-<redacted> for you");
    }

    #[test]
    fn access_key_ids_and_temporary_tokens_are_masked() {
        let ak = format!("LTAI{}", "5tAbCdEfGhIjKlMn");
        let st = format!("st-{}", "0123456789abcdef0123");
        let s = scrub(&format!("ak={ak}, token={st}"));
        assert_eq!(s, "ak=LTAI<redacted>, token=st-<redacted>");
    }

    #[test]
    fn held_secrets_without_a_prefix_are_removed_by_value() {
        let secret = format!("{}{}", "q7Zx", "Wv3N9mK2pL8rT4yB");
        let line = format!("server said: bad signature for {secret}.");
        assert!(
            scrub(&line).contains(&secret),
            "unknown yet: no shape to match"
        );
        remember(&Secret::new(secret.clone()));
        assert_eq!(scrub(&line), "server said: bad signature for <redacted>.");
        remember(&Secret::new("short"));
        assert_eq!(scrub("a short word"), "a short word");
        // One held value inside another: the longer goes whole.
        let inner = format!("{}{}", "Zz9Inner", "Secret77");
        let outer = format!("abcdef{inner}uvwxyz0123");
        remember(&Secret::new(inner.clone()));
        remember(&Secret::new(outer.clone()));
        assert_eq!(scrub(&format!("[{outer}]")), "[<redacted>]");
    }

    #[test]
    fn a_log_line_is_the_level_and_the_scrubbed_message() {
        let key = format!("sk-ws-{}", "Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9");
        assert_eq!(
            log_line(log::Level::Warn, &format!("server echoed {key}")),
            "[WARN] server echoed sk-<redacted>"
        );
    }

    #[test]
    fn prose_and_masked_values_pass_through() {
        let text = "keys start with sk-ws- and look like sk-ws-djI.8O7d*****2aICctnid4u4";
        assert_eq!(scrub(text), text);
        assert_eq!(scrub("risk-free 日本"), "risk-free 日本");
    }
}
