//! Flattening of nested parameters into query and form pairs, and back.
//!
//! The OpenAPI runtime writes nested objects as dotted keys and list items
//! with 1-based indexes (`auth.accessIps.1=1.2.3.4`). Form bodies are
//! `application/x-www-form-urlencoded` with keys sorted as strings, exactly
//! as the official runtime writes them (so `.10` sorts before `.2`; the parser
//! orders items by their numeric index). Booleans are written `true`/`false`;
//! the parser also accepts the Python SDK's `True`/`False`.

use super::wire::{Auth, ModelAccessScope};
use crate::domain::error::{Error, Result};

pub type Pairs = Vec<(String, String)>;

/// Append the flattened pairs of `auth` under `prefix` (normally `auth`).
pub fn flatten_auth(prefix: &str, auth: &Auth, out: &mut Pairs) {
    if let Some(ips) = &auth.access_ips {
        flatten_list(&format!("{prefix}.accessIps"), ips, out);
    }
    if let Some(scope) = &auth.model_access_scope {
        let p = format!("{prefix}.modelAccessScope");
        if let Some(models) = &scope.accessible_models {
            flatten_list(&format!("{p}.accessibleModels"), models, out);
        }
        if let Some(all) = scope.allow_all_models {
            out.push((format!("{p}.allowAllModels"), bool_str(all).to_string()));
        }
    }
    if let Some(t) = &auth.auth_type {
        out.push((format!("{prefix}.type"), t.clone()));
    }
}

fn flatten_list(prefix: &str, items: &[String], out: &mut Pairs) {
    for (i, item) in items.iter().enumerate() {
        out.push((format!("{prefix}.{}", i + 1), item.clone()));
    }
}

pub fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// `true`/`false` in any letter case.
pub fn parse_bool(field: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::invalid_input(field, value, "not_a_boolean")),
    }
}

/// Form encoding of one component: unreserved kept, space as `+`, the rest `%XX`.
fn form_encode(input: &str, out: &mut String) {
    for byte in input.bytes() {
        match byte {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// A form body: pairs sorted by key (then value), `k=v` joined by `&`.
pub fn encode_form(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_encode(k, &mut out);
        out.push('=');
        form_encode(v, &mut out);
    }
    out
}

/// Parse a form body or a raw query string into pairs (`+` is a space).
/// Refuses invalid UTF-8 after decoding; a lone `%` is kept literally.
pub fn decode_form(body: &str) -> Result<Pairs> {
    let mut out = Vec::new();
    for part in body.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((form_decode(k)?, form_decode(v)?));
    }
    Ok(out)
}

fn form_decode(input: &str) -> Result<String> {
    let replaced = input.replace('+', " ");
    percent_encoding::percent_decode_str(&replaced)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| Error::invalid_input("body", input, "not_utf8"))
}

/// Items of a flattened list `prefix.N`, ordered by N. `Ok(None)` when there
/// are none; an index that is not a positive number, or given twice, is refused.
pub fn parse_list(pairs: &[(String, String)], prefix: &str) -> Result<Option<Vec<String>>> {
    let head = format!("{prefix}.");
    let mut items: Vec<(u32, String)> = Vec::new();
    for (k, v) in pairs {
        let Some(index) = k.strip_prefix(&head) else {
            continue;
        };
        let n: u32 = index
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| Error::invalid_input(prefix, k, "bad_list_index"))?;
        if items.iter().any(|(m, _)| *m == n) {
            return Err(Error::invalid_input(prefix, k, "duplicate_list_index"));
        }
        items.push((n, v.clone()));
    }
    if items.is_empty() {
        return Ok(None);
    }
    items.sort_by_key(|(n, _)| *n);
    Ok(Some(items.into_iter().map(|(_, v)| v).collect()))
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Rebuild an `auth` block from flattened pairs; `Ok(None)` when no `prefix.*` key is present.
pub fn parse_auth(pairs: &[(String, String)], prefix: &str) -> Result<Option<Auth>> {
    let head = format!("{prefix}.");
    if !pairs.iter().any(|(k, _)| k.starts_with(&head)) {
        return Ok(None);
    }
    let scope_prefix = format!("{prefix}.modelAccessScope");
    let allow_key = format!("{scope_prefix}.allowAllModels");
    let allow_all_models = get(pairs, &allow_key)
        .map(|v| parse_bool(&allow_key, v))
        .transpose()?;
    let accessible_models = parse_list(pairs, &format!("{scope_prefix}.accessibleModels"))?;
    let model_access_scope =
        (allow_all_models.is_some() || accessible_models.is_some()).then_some(ModelAccessScope {
            accessible_models,
            allow_all_models,
        });
    Ok(Some(Auth {
        access_ips: parse_list(pairs, &format!("{prefix}.accessIps"))?,
        model_access_scope,
        auth_type: get(pairs, &format!("{prefix}.type")).map(str::to_string),
    }))
}

/// The value of `key`, if present (first occurrence).
pub fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    get(pairs, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "\\PC{1,12}"
    }

    fn auth_strategy() -> impl Strategy<Value = Auth> {
        (
            proptest::option::of(proptest::collection::vec(text(), 1..25)),
            proptest::option::of((
                proptest::option::of(proptest::collection::vec(text(), 1..5)),
                proptest::option::of(any::<bool>()),
            )),
            proptest::option::of(text()),
        )
            .prop_map(|(ips, scope, t)| Auth {
                access_ips: ips,
                model_access_scope: scope.filter(|(m, a)| m.is_some() || a.is_some()).map(
                    |(m, a)| ModelAccessScope {
                        accessible_models: m,
                        allow_all_models: a,
                    },
                ),
                auth_type: t,
            })
    }

    proptest! {
        #[test]
        fn any_auth_survives_form_encoding(auth in auth_strategy()) {
            let mut pairs = Vec::new();
            flatten_auth("auth", &auth, &mut pairs);
            let back = parse_auth(&decode_form(&encode_form(&pairs)).unwrap(), "auth").unwrap();
            let empty = auth == Auth::default();
            prop_assert_eq!(back, if empty { None } else { Some(auth) });
        }

        #[test]
        fn any_pairs_survive_form_encoding(pairs in proptest::collection::vec(("\\PC{0,8}", "\\PC{0,8}"), 0..8)) {
            let pairs: Pairs = pairs.into_iter().filter(|(k, _): &(String, String)| !k.is_empty()).collect();
            let mut sorted = pairs.clone();
            sorted.sort();
            prop_assert_eq!(decode_form(&encode_form(&pairs)).unwrap(), sorted);
        }

        #[test]
        fn decoding_arbitrary_bodies_never_panics(body in "\\PC{0,64}") {
            if let Ok(pairs) = decode_form(&body) {
                let _ = parse_auth(&pairs, "auth");
            }
        }
    }

    fn custom_auth() -> Auth {
        Auth {
            access_ips: Some(vec!["192.168.0.0/16".into(), "2001:db8::/32".into()]),
            model_access_scope: Some(ModelAccessScope {
                accessible_models: Some(vec!["qwen-plus".into(), "qwen-max".into()]),
                allow_all_models: Some(false),
            }),
            auth_type: Some("Custom".into()),
        }
    }

    #[test]
    fn auth_flattens_to_the_documented_keys() {
        let mut out = Vec::new();
        flatten_auth("auth", &custom_auth(), &mut out);
        let keys: Vec<_> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            vec![
                "auth.accessIps.1=192.168.0.0/16",
                "auth.accessIps.2=2001:db8::/32",
                "auth.modelAccessScope.accessibleModels.1=qwen-plus",
                "auth.modelAccessScope.accessibleModels.2=qwen-max",
                "auth.modelAccessScope.allowAllModels=false",
                "auth.type=Custom",
            ]
        );
    }

    #[test]
    fn form_body_round_trips_auth() {
        let mut pairs = Vec::new();
        flatten_auth("auth", &custom_auth(), &mut pairs);
        let body = encode_form(&pairs);
        assert!(
            body.contains("auth.accessIps.2=2001%3Adb8%3A%3A%2F32"),
            "{body}"
        );
        let back = parse_auth(&decode_form(&body).unwrap(), "auth").unwrap();
        assert_eq!(back, Some(custom_auth()));
    }

    #[test]
    fn list_items_are_ordered_numerically_not_as_text() {
        let pairs: Pairs = (1..=12)
            .map(|i| (format!("auth.accessIps.{i}"), format!("10.0.0.{i}")))
            .collect();
        let body = encode_form(&pairs);
        let ips = parse_list(&decode_form(&body).unwrap(), "auth.accessIps")
            .unwrap()
            .unwrap();
        assert_eq!(ips[1], "10.0.0.2");
        assert_eq!(ips[11], "10.0.0.12");
    }

    #[test]
    fn python_style_booleans_are_understood() {
        let pairs = decode_form("auth.modelAccessScope.allowAllModels=True&auth.type=All").unwrap();
        let auth = parse_auth(&pairs, "auth").unwrap().unwrap();
        assert_eq!(
            auth.model_access_scope.unwrap().allow_all_models,
            Some(true)
        );
        let bad = decode_form("auth.modelAccessScope.allowAllModels=yes").unwrap();
        assert_eq!(
            parse_auth(&bad, "auth").unwrap_err().code,
            crate::ErrorCode::InvalidInput
        );
    }

    #[test]
    fn malformed_indexes_are_refused_not_panicked_on() {
        for body in [
            "auth.accessIps.0=a",
            "auth.accessIps.x=a",
            "auth.accessIps.1=a&auth.accessIps.1=b",
        ] {
            let pairs = decode_form(body).unwrap();
            assert!(parse_auth(&pairs, "auth").is_err(), "{body}");
        }
    }

    #[test]
    fn no_auth_keys_means_no_auth_block() {
        let pairs = decode_form("description=x").unwrap();
        assert_eq!(parse_auth(&pairs, "auth").unwrap(), None);
    }

    #[test]
    fn spaces_and_chinese_survive_the_form() {
        let pairs = vec![("description".to_string(), "生产 key & more".to_string())];
        let body = encode_form(&pairs);
        assert!(
            body.starts_with("description=%E7%94%9F%E4%BA%A7+key+%26+more"),
            "{body}"
        );
        assert_eq!(decode_form(&body).unwrap(), pairs);
    }
}
