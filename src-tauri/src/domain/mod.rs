//! The vocabulary everything else speaks, with no I/O: regions and their
//! limits as data, the billing calendar, key formats, the one error type, the secret type, log
//! redaction and the message catalog.

pub mod billing;
pub mod error;
pub mod i18n;
pub mod keyformat;
pub mod redact;
pub mod regions;
pub mod secret;
