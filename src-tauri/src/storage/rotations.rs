//! Rotations in progress: which key is being replaced by which twin, the
//! grace period chosen, and the step reached. No secrets (the twin's value
//! is in the keychain like any saved key). One record per rotation in
//! `<data>/rotations/`, validated on every read (`storage::records`): a
//! planted or damaged record is reported and never acted on.

use super::records::{self, Record, Rejected};
use super::vault::KeyScope;
use crate::domain::error::Result;
use crate::domain::regions::RegionId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How long the old key stays usable (disabled, "Enable again" offered)
/// before its deletion is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Grace {
    /// Retire as soon as it is disabled.
    Now,
    Hours {
        hours: u32,
    },
    /// The end of this day (`YYYY-MM-DD`) in the computer's time zone.
    Until {
        date: String,
    },
}

/// Where a rotation is.
pub use crate::domain::rotation::RotationStep as Step;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rotation {
    pub id: String,
    pub profile_id: String,
    pub scope: KeyScope,
    pub region: RegionId,
    pub old_key_id: i64,
    /// The old key's description and mask when the rotation began.
    pub old_description: String,
    pub old_masked: String,
    pub workspace_id: Option<String>,
    /// What the twin is called (the old description with " (rotated DATE)").
    pub twin_description: String,
    pub twin_key_id: Option<i64>,
    pub twin_masked: Option<String>,
    pub grace: Grace,
    pub step: Step,
    pub started_at_ms: i64,
    pub updated_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
    /// When the grace period ends (set when the old key is disabled).
    pub grace_ends_at_ms: Option<i64>,
    /// Why a rotation paused or ended, or what a person should know (a
    /// twin that could not be tried from this computer).
    pub note: Option<String>,
    /// The launch reminder and OS notification were given for the grace end.
    #[serde(default)]
    pub reminded: bool,
}

impl Record for Rotation {
    fn id(&self) -> &str {
        &self.id
    }

    fn times(&self) -> Vec<i64> {
        // The grace end is the one time meant to lie ahead.
        [
            Some(self.started_at_ms),
            Some(self.updated_at_ms),
            self.disabled_at_ms,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The rotations folder.
#[derive(Debug, Clone)]
pub struct Rotations {
    dir: PathBuf,
}

impl Rotations {
    pub fn new(dir: PathBuf) -> Self {
        Rotations { dir }
    }

    /// Every accepted rotation, and the files refused.
    pub fn all(&self) -> (Vec<Rotation>, Vec<Rejected>) {
        records::read_all(&self.dir)
    }

    pub fn get(&self, id: &str) -> Option<Rotation> {
        records::read(&self.dir, id)
    }

    pub fn put(&self, rotation: &Rotation) -> Result<()> {
        records::write(&self.dir, rotation)
    }

    /// A finished rotation goes; its history stays in the audit log.
    pub fn remove(&self, id: &str) -> Result<()> {
        records::remove(&self.dir, id)
    }
}
