//! Where a key rotation is: kept in its record (`storage::rotations`) and
//! shown as it is by the app and `skm` (`services::rotation`).

use serde::{Deserialize, Serialize};

/// Where a rotation is (see `services::rotation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RotationStep {
    /// The twin's Create is about to be sent or was sent; its answer is not
    /// kept yet (a crash here is settled on the next start).
    Twin,
    /// The twin exists, is saved here and was checked: hand it over.
    HandOver,
    /// The old key is disabled; the grace period runs.
    Disabled,
    /// The old key was deleted: done.
    Retired,
    /// Stopped by a change made elsewhere (`note` says which): make a new twin.
    Paused,
    /// Ended by a change made elsewhere (`note` says which).
    Ended,
}
