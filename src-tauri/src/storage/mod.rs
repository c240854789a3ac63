//! What this computer keeps: the keychain (`vault`), saved API keys, profiles
//! and settings, the clipboard and export files. Secrets go to the keychain
//! only; everything else here holds none.

pub mod audit;
pub mod callers;
pub mod clipboard;
pub mod export;
pub mod intents;
pub mod paths;
pub mod profiles;
pub mod records;
pub mod review_dates;
pub mod rotations;
pub mod saved_keys;
pub mod spend_alerts;
pub mod vault;
