//! Where requests may go: the endpoint policy. Signed requests and API keys
//! go only to the cloud's own hosts and to this computer (the sandbox),
//! unless a person allowed another host explicitly. `transport` sends; this
//! decides where.

use crate::domain::error::{Error, Result};

/// The cloud's own hosts for this app, exactly as the regions table names
/// them (Model Studio's OpenAPI, STS and DashScope of each region) and the
/// workspace hosts of a known region (`<workspace>.<region>.maas.aliyuncs.com`),
/// over https. Nothing that merely starts like them: other `*.aliyuncs.com`
/// names belong to customers (an OSS bucket is `<bucket>.oss-<region>.aliyuncs.com`).
pub fn is_official(url: &url::Url) -> bool {
    if url.scheme() != "https" {
        return false;
    }
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    crate::domain::regions::RegionId::ALL.iter().any(|r| {
        let info = r.info();
        host == info.openapi_host
            || host == info.sts_host
            || info.dashscope_host == Some(host.as_str())
            || info.trusted_workspace_host_of(&host)
    })
}

/// An endpoint override that may receive credentials: the cloud's own hosts
/// and this computer (the sandbox). Any other host needs `allow_foreign`
/// (`skm --allow-foreign-endpoint`): it would receive signed requests, or
/// API keys as Bearer tokens.
pub fn check_endpoint(text: &str, allow_foreign: bool) -> Result<url::Url> {
    let url = parse_endpoint(text)?;
    let local = url.host_str().is_some_and(is_loopback);
    if is_official(&url) || local || allow_foreign {
        Ok(url)
    } else {
        Err(Error::invalid_input(
            "endpoint",
            text.trim(),
            "endpoint_foreign",
        ))
    }
}

/// Check an endpoint override: `https://host[:port]`, or `http://` only for a
/// loopback host (the sandbox). A bare `host:port` means https.
pub fn parse_endpoint(text: &str) -> Result<url::Url> {
    let raw = text.trim();
    let url = parse_https_by_default(raw)?;
    let host = url
        .host_str()
        .ok_or_else(|| Error::invalid_input("endpoint", raw, "endpoint_invalid"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => return Err(Error::invalid_input("endpoint", raw, "endpoint_plain_http")),
        _ => return Err(Error::invalid_input("endpoint", raw, "endpoint_invalid")),
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(Error::invalid_input("endpoint", raw, "endpoint_has_path"));
    }
    Ok(url)
}

/// A URL as a person types it: without a scheme, https is meant.
fn parse_https_by_default(raw: &str) -> Result<url::Url> {
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    url::Url::parse(&with_scheme)
        .map_err(|_| Error::invalid_input("endpoint", raw, "endpoint_invalid"))
}

/// Loopback IP literals and exactly `localhost`: names under `.localhost` are not
/// guaranteed to resolve to this machine, and plain http would carry secrets.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .map(|a| a.is_loopback())
            .unwrap_or(false)
}

/// A base URL override as the SDKs take it (`DASHSCOPE_BASE_URL`, often with
/// a path such as `/api/v1` or `/compatible-mode/v1`): only its scheme, host
/// and port are used, since this client names its own paths.
pub fn origin_of(text: &str) -> Result<url::Url> {
    let raw = text.trim();
    let url = parse_https_by_default(raw)?;
    parse_endpoint(&url.origin().ascii_serialization()).map_err(|e| as_typed(e, raw))
}

/// An endpoint error that names the override as the person typed it.
pub fn as_typed(mut e: Error, typed: &str) -> Error {
    for (name, value) in e.params.iter_mut() {
        if name == "value" {
            *value = typed.to_string();
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        assert!(parse_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(parse_endpoint("http://localhost:1").is_ok());
        assert!(parse_endpoint("http://evil.localhost:1").is_err());
        assert!(parse_endpoint("http://[::1]:9").is_ok());
        assert!(parse_endpoint("https://modelstudio.cn-beijing.aliyuncs.com").is_ok());
        assert_eq!(
            parse_endpoint("modelstudio.us-east-1.aliyuncs.com")
                .unwrap()
                .scheme(),
            "https"
        );
        let e = parse_endpoint("http://modelstudio.cn-beijing.aliyuncs.com").unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("endpoint_plain_http"));
        assert!(parse_endpoint("http://127.0.0.1.evil.com").is_err());
        assert!(parse_endpoint("ftp://127.0.0.1").is_err());
        assert!(parse_endpoint("https://h/x").is_err());
    }

    #[test]
    fn only_the_clouds_hosts_and_this_computer_pass_without_permission() {
        for ok in [
            "https://modelstudio.cn-beijing.aliyuncs.com",
            "modelstudio.us-east-1.aliyuncs.com",
            "http://127.0.0.1:8080",
            "https://[::1]:9",
            "http://localhost:1",
        ] {
            assert!(check_endpoint(ok, false).is_ok(), "{ok}");
        }
        for foreign in [
            "https://example.com",
            "https://aliyuncs.com.evil.io",
            "https://evilaliyuncs.com",
            "https://10.0.0.1",
            // A customer's bucket is under aliyuncs.com too.
            "https://my-bucket.oss-cn-beijing.aliyuncs.com",
            "https://modelstudio.cn-beijing.aliyuncs.com.evil.io",
            // Names that merely start like the cloud's own.
            "https://sts-x.oss-cn-hangzhou.aliyuncs.com",
            "https://modelstudio-evil.cn-beijing.aliyuncs.com",
            "https://dashscope-x.aliyuncs.com",
            "https://a.b.cn-beijing.maas.aliyuncs.com",
            "https://llm-x.xx-nowhere-1.maas.aliyuncs.com",
        ] {
            let e = check_endpoint(foreign, false).unwrap_err();
            assert_eq!(e.reason.as_deref(), Some("endpoint_foreign"), "{foreign}");
            assert!(check_endpoint(foreign, true).is_ok(), "{foreign}");
        }
        // Plain http stays refused off this computer, even when foreign hosts are allowed.
        assert!(check_endpoint("http://example.com", true).is_err());
        for official in [
            "https://sts.cn-beijing.aliyuncs.com",
            "https://dashscope-intl.aliyuncs.com",
            "https://dashscope.aliyuncs.com",
            "https://llm-x1.cn-beijing.maas.aliyuncs.com",
            "https://MODELSTUDIO.us-east-1.aliyuncs.com",
        ] {
            assert!(
                is_official(&url::Url::parse(official).unwrap()),
                "{official}"
            );
        }
        assert!(!is_official(
            &url::Url::parse("http://127.0.0.1:1").unwrap()
        ));
    }
}
