//! The vocabulary everything else speaks, with no I/O: regions and their
//! limits as data, the billing calendar, key formats, permission blocks and the
//! console's rules for what a person enters, the one error type, the secret
//! type, log redaction and the message catalog.

pub mod billing;
pub mod clipboard;
pub mod error;
pub mod i18n;
pub mod identity;
pub mod keyformat;
pub mod permission;
pub mod redact;
pub mod regions;
pub mod rotation;
pub mod rules;
pub mod secret;
pub mod settings;
