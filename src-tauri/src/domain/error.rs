//! One error type for the whole app.
//!
//! `code` is a stable identifier the UI, the CLI's exit status and the tests
//! branch on. The words a person reads come from the catalog (`locales/`) by
//! code, or by a more specific `reason`, in the current language. Server facts
//! (server code, request id, HTTP status) travel alongside for the "details" view.

use crate::domain::i18n::{self, Lang};
use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Declares `ErrorCode` with `ALL` and `as_str` from one list, so a new code
/// cannot be left out of them (the catalog test walks `ALL`).
macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
        pub enum ErrorCode {
            $($(#[$doc])* $code,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code,)+];

            /// The stable identifier (the variant's name): keep names stable.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => stringify!($code),)+
                }
            }
        }
    };
}

error_codes! {
    /// Unknown AccessKey id, or a wrong secret reported as such.
    InvalidCredentials,
    /// The server computed another signature: almost always a wrong AccessKey secret.
    SignatureMismatch,
    /// This computer's clock is more than 15 minutes off.
    ClockSkew,
    /// The signature nonce was used before (a replayed request).
    NonceReused,
    /// The credentials are valid but may not do this.
    Forbidden,
    /// The key, workspace or model does not exist (or no longer does).
    NotFound,
    /// The region's key limit is reached.
    QuotaExceeded,
    /// Something the person typed breaks a rule; `reason` says which.
    InvalidInput,
    /// The action clashes with the current state (already disabled, workspace not empty...).
    Conflict,
    /// Too many requests; try again after a pause.
    Throttled,
    /// The server could not be reached (DNS, refused, TLS, offline).
    Network,
    /// The server did not answer in time.
    Timeout,
    /// The server failed (5xx).
    Server,
    /// The server answered with something that is not the expected JSON.
    BadResponse,
    /// A create or reset was sent but its answer was lost; `reason` says what is known.
    OutcomeUnknown,
    /// The operating system keychain cannot be reached.
    KeychainUnavailable,
    /// The keychain is locked.
    KeychainLocked,
    /// A key value was needed but this computer has no saved copy.
    NotSaved,
    /// The thing asked for does not exist in this region or for this key type.
    Unsupported,
    /// A settings or data file is corrupt or unreadable.
    Config,
    /// A bug on our side.
    Internal,
}

impl ErrorCode {
    /// The `skm` exit status for this class of error (sysexits-like, stable).
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::InvalidInput | ErrorCode::Unsupported => 2,
            ErrorCode::InvalidCredentials
            | ErrorCode::SignatureMismatch
            | ErrorCode::ClockSkew
            | ErrorCode::NonceReused => 3,
            ErrorCode::Forbidden => 4,
            ErrorCode::NotFound | ErrorCode::NotSaved => 5,
            ErrorCode::QuotaExceeded | ErrorCode::Conflict => 6,
            ErrorCode::Throttled => 7,
            ErrorCode::Network | ErrorCode::Timeout => 8,
            ErrorCode::Server | ErrorCode::BadResponse => 9,
            ErrorCode::OutcomeUnknown => 10,
            ErrorCode::KeychainUnavailable | ErrorCode::KeychainLocked => 11,
            ErrorCode::Config => 12,
            ErrorCode::Internal => 70,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the server said, for the "details" toggle and bug reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetails {
    pub server_code: Option<String>,
    pub request_id: Option<String>,
    pub http_status: Option<u16>,
    /// Technical text (never a secret): the server's own message, an I/O error...
    pub technical: Option<String>,
    /// The finer reason within the code, e.g. `cidr_host_bits` (see `rules::RuleReason`).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {}", self.message_in(Lang::En))]
pub struct Error {
    pub code: ErrorCode,
    /// Catalog key under `reasons.` that says exactly what went wrong, if known.
    pub reason: Option<String>,
    /// Values for the reason's `%{placeholders}`. Never secrets.
    pub params: Vec<(String, String)>,
    pub details: ErrorDetails,
}

impl Error {
    pub fn new(code: ErrorCode) -> Self {
        Error {
            code,
            reason: None,
            params: Vec::new(),
            details: ErrorDetails::default(),
        }
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        self.details.reason = Some(reason.clone());
        self.reason = Some(reason);
        self
    }

    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    pub fn with_technical(mut self, text: impl Into<String>) -> Self {
        self.details.technical = Some(text.into());
        self
    }

    pub fn with_server(
        mut self,
        server_code: Option<String>,
        request_id: Option<String>,
        http_status: Option<u16>,
    ) -> Self {
        self.details.server_code = server_code;
        self.details.request_id = request_id;
        self.details.http_status = http_status;
        self
    }

    /// A rule was broken by `value` in `field`; `reason` names the rule.
    pub fn invalid_input(field: &str, value: &str, reason: &str) -> Self {
        Error::new(ErrorCode::InvalidInput)
            .with_reason(reason)
            .with_param("field", field)
            .with_param("value", value)
    }

    pub fn internal(text: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal).with_technical(text)
    }

    /// What happened, in plain words, followed by what to do next.
    pub fn message_in(&self, lang: Lang) -> String {
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let what = match &self.reason {
            Some(reason) if i18n::has(lang, &format!("reasons.{reason}")) => {
                i18n::tr(lang, &format!("reasons.{reason}"), &params)
            }
            _ => i18n::tr(lang, &format!("errors.{}.what", self.code), &params),
        };
        // A reason may say better than its class what to do next (`reason_actions`).
        let action_key = self
            .reason
            .as_ref()
            .map(|r| format!("reason_actions.{r}"))
            .filter(|k| i18n::has(lang, k))
            .unwrap_or_else(|| format!("errors.{}.action", self.code));
        let action = i18n::tr(lang, &action_key, &params);
        if action.is_empty() {
            what
        } else {
            format!("{what} {action}")
        }
    }

    pub fn message(&self) -> String {
        self.message_in(i18n::current())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorCode::Config)
            .with_reason("io")
            .with_technical(e.to_string())
    }
}

/// An error as it crosses IPC: `{code, message, details}`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub details: ErrorDetails,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError {
            code: e.code,
            message: e.message(),
            details: e.details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_with_its_own_next_step_replaces_the_classes() {
        let e = Error::new(ErrorCode::BadResponse).with_reason("update_wrong_key");
        for lang in Lang::ALL {
            let generic = i18n::tr(lang, "errors.BadResponse.action", &[]);
            let text = e.message_in(lang);
            assert!(!text.contains(&generic), "{lang:?}: {text}");
            assert!(text.ends_with(&i18n::tr(lang, "reason_actions.update_wrong_key", &[])));
        }
        // Without one, the class says what to do.
        let plain = Error::new(ErrorCode::BadResponse).with_reason("body_not_json");
        assert!(plain.message_in(Lang::En).ends_with(&i18n::tr(
            Lang::En,
            "errors.BadResponse.action",
            &[]
        )));
    }

    #[test]
    fn every_code_has_a_message_and_action_in_both_languages() {
        for code in ErrorCode::ALL {
            for lang in Lang::ALL {
                for part in ["what", "action"] {
                    let key = format!("errors.{code}.{part}");
                    let text = i18n::tr(lang, &key, &[]);
                    assert_ne!(text, key, "missing {key} in {lang:?}");
                    assert!(!text.trim().is_empty(), "empty {key} in {lang:?}");
                }
            }
        }
    }

    #[test]
    fn reason_replaces_the_generic_text_and_fills_parameters() {
        let e = Error::invalid_input("accessIps", "10.0.0.300", "ip_invalid");
        let en = e.message_in(Lang::En);
        assert!(en.contains("10.0.0.300"), "{en}");
        let zh = e.message_in(Lang::ZhCn);
        assert!(zh.contains("10.0.0.300"), "{zh}");
        assert_ne!(en, zh);
    }
}
