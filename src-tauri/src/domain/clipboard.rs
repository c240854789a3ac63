//! What became of a copied secret, as the clipboard (`storage::clipboard`)
//! reports it and the screens show it.

use serde::Serialize;

/// What the UI shows after a copy: a countdown, or what became of the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardStatus {
    /// Seconds until the secret is cleared; `None` when nothing of ours is pending.
    pub clears_in_seconds: Option<u32>,
    /// Whether a secret we copied is (as far as we know) still on the clipboard.
    pub holds_secret: bool,
    /// How the last clear went: what the UI says once the countdown ends.
    pub last_clear: Option<ClearOutcome>,
}

/// What a clear of our secret found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ClearOutcome {
    /// Our secret was on the clipboard and is gone now.
    Cleared,
    /// Something else had been copied meanwhile: left alone.
    LeftAlone,
    /// The clipboard could not be read or cleared; the clear stays pending
    /// and is tried again (and on quit).
    Failed,
}
