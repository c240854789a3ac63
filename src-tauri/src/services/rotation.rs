//! Rotate a key without downtime: a twin, a grace period, then retirement.
//!
//! Reset kills the old value at once; rotation does it in steps that
//! survive restarts, and nothing is disabled or deleted without the
//! person's say (Stripe's "Roll key" and grace periods of now / 1 hour /
//! 24 hours / 7 days are the models; Model Studio keys cannot expire, so
//! Studio Keys keeps the clock):
//! 1. Twin: a key in the same workspace with the same permission block and
//!    the description marked "(rotated DATE)", saved to the keychain before
//!    it is shown once, and checked with DashScope.
//! 2. Hand-over: the person puts the new value where the old one was used
//!    (the audit log says where the old one went).
//! 3. Disable the old key: the grace period starts; "Enable again" and
//!    "Retire now" stay possible.
//! 4. Retire: once the grace period has ended, the old key's deletion is
//!    offered; its saved copy is forgotten with it.
//!
//! The state is a record per rotation (`storage::rotations`, no secrets),
//! validated on every read: a planted record is reported, never acted on.

use super::audit::Audited;
use super::views::{CreateKeyInput, OneTimeKey, RotationStarted, RotationView, RotationsReport};
use super::{parse_api_key_id, Studio};
use crate::cloud::dashscope::KeyCheck;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::keyformat::display_server_value;
use crate::domain::regions::RegionId;
use crate::domain::rules::DESCRIPTION_MAX_CHARS;
use crate::protocol::wire::{ApiKey, Auth};
use crate::storage::profiles::Profile;
use crate::storage::rotations::{Grace, Rotation, Rotations, Step};
use chrono::{Local, NaiveDate, TimeZone};

/// The longest grace period a date may give.
pub const GRACE_MAX_DAYS: i64 = 90;
/// The grace period when none is chosen.
pub const GRACE_DEFAULT: &str = "7d";

/// `--grace` as a person writes it: `now`, `1h`, `24h`, `7d`, or a date up
/// to 90 days ahead (`YYYY-MM-DD`, ending at the end of that day here).
fn parse_grace(text: &str, today: NaiveDate) -> Result<Grace> {
    let t = text.trim();
    let refuse = || Error::invalid_input("grace", t, "grace_invalid");
    match t {
        "now" => return Ok(Grace::Now),
        "1h" => return Ok(Grace::Hours { hours: 1 }),
        "24h" => return Ok(Grace::Hours { hours: 24 }),
        "7d" => return Ok(Grace::Hours { hours: 7 * 24 }),
        _ => {}
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| refuse())?;
    let ahead = (date - today).num_days();
    if !(0..=GRACE_MAX_DAYS).contains(&ahead) {
        return Err(refuse());
    }
    Ok(Grace::Until {
        date: date.format("%Y-%m-%d").to_string(),
    })
}

/// The grace period as `--grace` takes it.
pub fn grace_text(grace: &Grace) -> String {
    match grace {
        Grace::Now => "now".into(),
        Grace::Hours { hours } if hours % 24 == 0 && *hours >= 48 => format!("{}d", hours / 24),
        Grace::Hours { hours } => format!("{hours}h"),
        Grace::Until { date } => date.clone(),
    }
}

/// When a grace period that starts at `from_ms` ends (epoch ms).
pub fn grace_end_ms(grace: &Grace, from_ms: i64) -> i64 {
    match grace {
        Grace::Now => from_ms,
        Grace::Hours { hours } => from_ms + i64::from(*hours) * 3600 * 1000,
        Grace::Until { date } => NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.succ_opt())
            .and_then(|next| next.and_hms_opt(0, 0, 0))
            .and_then(|midnight| Local.from_local_datetime(&midnight).earliest())
            .map(|t| t.timestamp_millis() - 1)
            .unwrap_or(from_ms),
    }
}

/// The twin's description: the old one cut to leave room for
/// " (rotated YYYY-MM-DD)"; an earlier such suffix is replaced, not stacked.
pub fn rotated_description(old: &str, today: NaiveDate) -> String {
    let suffix = format!(" (rotated {})", today.format("%Y-%m-%d"));
    let mut base = old.trim();
    if let Some(at) = base.rfind(" (rotated ") {
        if base.ends_with(')') {
            base = base[..at].trim_end();
        }
    }
    let room = DESCRIPTION_MAX_CHARS.saturating_sub(suffix.chars().count());
    let cut: String = base.chars().take(room).collect();
    format!("{}{suffix}", cut.trim_end())
        .trim_start()
        .to_owned()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Studio {
    pub(crate) fn rotations(&self) -> Rotations {
        Rotations::new(crate::storage::paths::rotations_dir(&self.inner.dirs.data))
    }

    /// The rotation in progress for key `old_id`, if any.
    fn rotation_of(&self, profile: &Profile, region: RegionId, old_id: i64) -> Option<Rotation> {
        let scope = Studio::scope_of(profile);
        self.rotations().all().0.into_iter().find(|r| {
            r.profile_id == profile.id
                && r.scope == scope
                && r.region == region
                && r.old_key_id == old_id
                && !matches!(r.step, Step::Retired | Step::Ended)
        })
    }

    /// The acting profile, the old key's id and its rotation in progress
    /// (`NotFound` when there is none).
    async fn rotation_in_progress(
        &self,
        region: RegionId,
        api_key_id: &str,
    ) -> Result<(Profile, i64, Rotation)> {
        let old_id = parse_api_key_id(api_key_id)?;
        let profile = self.acting_profile().await?;
        let r = self
            .rotation_of(&profile, region, old_id)
            .ok_or_else(|| Error::new(ErrorCode::NotFound).with_reason("rotation_not_found"))?;
        Ok((profile, old_id, r))
    }

    fn put_rotation(&self, r: &mut Rotation) -> Result<()> {
        r.updated_at_ms = now_ms();
        self.rotations().put(r)
    }

    /// Step 1: make the twin. For a rotation already in progress, its state
    /// and no second twin (a twin whose Create was interrupted is found, not
    /// made again).
    pub async fn rotate_start(
        &self,
        region: RegionId,
        api_key_id: String,
        grace: &str,
    ) -> Result<RotationStarted> {
        let grace = parse_grace(grace, chrono::Local::now().date_naive())?;
        let old_id = parse_api_key_id(&api_key_id)?;
        let profile = self.acting_profile().await?;
        if let Some(mut r) = self.rotation_of(&profile, region, old_id) {
            if r.step == Step::Paused {
                // The twin was deleted or disabled elsewhere: a new one.
                r.step = Step::Twin;
                r.twin_key_id = None;
                r.twin_masked = None;
                r.note = None;
                r.started_at_ms = now_ms();
                r.twin_description =
                    rotated_description(&r.old_description, Local::now().date_naive());
                return self.make_twin(&profile, r).await;
            }
            if r.step != Step::Twin {
                return Ok(RotationStarted {
                    rotation: self.rotation_view(&r),
                    twin: None,
                });
            }
            // Interrupted in step 1: the twin may exist already.
            let client = self.client_for(&profile, region).await?;
            if let Some(twin) = self.find_twin(&client, &r).await? {
                r.twin_key_id = twin.api_key_id;
                r.twin_masked = twin.api_key_value.as_deref().map(display_server_value);
                self.check_twin(&profile, &mut r).await?;
                return Ok(RotationStarted {
                    rotation: self.rotation_view(&r),
                    twin: None,
                });
            }
            return self.make_twin(&profile, r).await;
        }
        // Nothing is created unless the twin's value can be kept.
        if !self.keychain_names_are_ours() {
            return Err(Error::new(ErrorCode::Unsupported).with_reason("rotation_needs_keychain"));
        }
        self.blocking(|s| s.inner.profiles.vault().check()).await?;
        let client = self.client_for(&profile, region).await?;
        let old = client.get_api_key(old_id).await?;
        // The twin needs a free slot: the region's keys counted as the list's quota counts them.
        let info = region.info();
        let all = client.list_api_keys(&Default::default()).await?;
        if super::keys::quota_used(&all, info.key_limit_scope) >= info.key_limit {
            return Err(Error::new(ErrorCode::QuotaExceeded)
                .with_reason("rotation_needs_slot")
                .with_param("limit", info.key_limit.to_string()));
        }
        let today = Local::now().date_naive();
        let old_description = old.description.clone().unwrap_or_default();
        let now = now_ms();
        let r = Rotation {
            id: uuid::Uuid::new_v4().to_string(),
            profile_id: profile.id.clone(),
            scope: Studio::scope_of(&profile),
            region,
            old_key_id: old_id,
            twin_description: rotated_description(&old_description, today),
            old_description,
            old_masked: old
                .api_key_value
                .as_deref()
                .map(display_server_value)
                .unwrap_or_default(),
            workspace_id: old.workspace_id.clone(),
            twin_key_id: None,
            twin_masked: None,
            grace,
            step: Step::Twin,
            started_at_ms: now,
            updated_at_ms: now,
            disabled_at_ms: None,
            grace_ends_at_ms: None,
            note: None,
            reminded: false,
        };
        let started = self
            .audit_start(
                Audited::new("rotate", &profile)
                    .region(region)
                    .key(old_id)
                    .masked(Some(r.old_masked.clone()))
                    .note(format!("grace {}", grace_text(&r.grace))),
            )
            .await?;
        let made = self.make_twin_of(&profile, r, &old).await;
        self.audit_end(started, &made, |entry, m| {
            entry.note = m
                .rotation
                .twin_key_id
                .as_ref()
                .map(|id| format!("twin {id}"));
        })
        .await;
        made
    }

    async fn make_twin(&self, profile: &Profile, r: Rotation) -> Result<RotationStarted> {
        let client = self.client_for(profile, r.region).await?;
        let old = client.get_api_key(r.old_key_id).await?;
        self.make_twin_of(profile, r, &old).await
    }

    /// The record first (a crash leaves it at step 1, to be found), then the
    /// Create through the same intent journal as any, saved to the keychain
    /// whatever the profile's preference, then the check.
    async fn make_twin_of(
        &self,
        profile: &Profile,
        mut r: Rotation,
        old: &ApiKey,
    ) -> Result<RotationStarted> {
        self.put_rotation(&mut r)?;
        let mut keeping = profile.clone();
        keeping.preferences.save_keys_on_create = true;
        let input = CreateKeyInput {
            region: r.region,
            workspace_id: r.workspace_id.clone(),
            description: r.twin_description.clone(),
            permission: Auth::permission(old.auth.as_ref()),
        };
        let twin = match self.create_key_as(&keeping, input).await {
            Ok(t) => t,
            Err(e) => {
                r.note = Some(e.message());
                let _ = self.put_rotation(&mut r);
                return Err(e);
            }
        };
        if let Some(e) = &twin.save_error {
            // The value exists only in this answer now: shown, and the
            // rotation goes no further until it is saved (paste it back).
            r.note = Some(e.message());
        }
        r.twin_key_id = twin.api_key_id.parse().ok();
        r.twin_masked = Some(crate::domain::keyformat::mask(twin.value.expose()));
        self.check_twin_value(profile, &mut r, &twin).await?;
        Ok(RotationStarted {
            rotation: self.rotation_view(&r),
            twin: Some(twin),
        })
    }

    /// A key the interrupted step 1 made: same description and workspace,
    /// made since the rotation began, not the old key.
    async fn find_twin(
        &self,
        client: &crate::cloud::Client,
        r: &Rotation,
    ) -> Result<Option<ApiKey>> {
        let listed = client
            .list_api_keys(&crate::protocol::requests::ListApiKeysRequest::default())
            .await?;
        Ok(listed.into_iter().find(|k| {
            k.api_key_id != Some(r.old_key_id)
                && k.description.as_deref() == Some(r.twin_description.as_str())
                && k.workspace_id == r.workspace_id
                && k.gmt_create.is_some_and(|t| t >= r.started_at_ms - 60_000)
        }))
    }

    /// Check a found twin with its saved value.
    async fn check_twin(&self, profile: &Profile, r: &mut Rotation) -> Result<()> {
        let Some(id) = r.twin_key_id else {
            return Ok(());
        };
        let key = Studio::key_ref(profile, r.region, id);
        match self.saved_value(&key).await {
            Ok(value) => self.check_and_advance(profile, r, &value).await,
            Err(e) => {
                r.note = Some(e.message());
                self.put_rotation(r)?;
                Ok(())
            }
        }
    }

    async fn check_twin_value(
        &self,
        profile: &Profile,
        r: &mut Rotation,
        twin: &OneTimeKey,
    ) -> Result<()> {
        if twin.save_error.is_some() {
            return self.put_rotation(r);
        }
        self.check_and_advance(profile, r, &twin.value).await
    }

    /// DashScope's check of the twin: works, or "access denied" because its
    /// whitelist excludes this computer (it exists and is recognised). Only a
    /// checked twin is offered as ready.
    async fn check_and_advance(
        &self,
        profile: &Profile,
        r: &mut Rotation,
        value: &crate::domain::secret::Secret,
    ) -> Result<()> {
        let host = self
            .workspace_api_host(profile, r.region, r.workspace_id.as_deref())
            .await;
        let checked = self
            .check_value_with(profile, r.region, host.as_deref(), value)
            .await;
        let lang = crate::domain::i18n::current();
        match checked {
            Ok(KeyCheck::Valid) => {
                r.step = Step::HandOver;
                r.note = None;
            }
            Ok(KeyCheck::Denied) => {
                r.step = Step::HandOver;
                r.note = Some(crate::domain::i18n::tr(
                    lang,
                    "rotation.twin_denied_here",
                    &[],
                ));
            }
            Ok(KeyCheck::Invalid) => {
                r.note = Some(crate::domain::i18n::tr(
                    lang,
                    "rotation.twin_not_verified",
                    &[],
                ));
            }
            Err(e) => r.note = Some(e.message()),
        }
        self.put_rotation(r)
    }

    /// Step 3 and 4: disable the old key now (the grace period starts); when
    /// the grace period has ended, or with `delete_now`, delete it (and
    /// forget its saved copy).
    pub async fn rotate_finish(
        &self,
        region: RegionId,
        api_key_id: String,
        delete_now: bool,
    ) -> Result<RotationView> {
        let (profile, old_id, mut r) = self.rotation_in_progress(region, &api_key_id).await?;
        self.refresh_rotation(&profile, &mut r).await?;
        match r.step {
            Step::Twin | Step::Paused | Step::Ended | Step::Retired => {
                return Err(Error::new(ErrorCode::Conflict)
                    .with_reason("rotation_not_ready")
                    .with_param("note", r.note.clone().unwrap_or_default()));
            }
            Step::HandOver => {
                self.key_set_enabled(region, old_id.to_string(), false)
                    .await?;
                let now = now_ms();
                r.step = Step::Disabled;
                r.disabled_at_ms = Some(now);
                r.grace_ends_at_ms = Some(grace_end_ms(&r.grace, now));
                self.put_rotation(&mut r)?;
            }
            Step::Disabled => {}
        }
        let ended = r.grace_ends_at_ms.is_some_and(|end| end <= now_ms());
        if ended || delete_now {
            self.key_delete(region, old_id.to_string()).await?;
            r.step = Step::Retired;
            self.put_rotation(&mut r)?;
            let view = self.rotation_view(&r);
            self.rotations().remove(&r.id)?;
            return Ok(view);
        }
        Ok(self.rotation_view(&r))
    }

    /// During the grace period: the old key works again and the rotation
    /// goes back to the hand-over.
    pub async fn rotate_enable_again(
        &self,
        region: RegionId,
        api_key_id: String,
    ) -> Result<RotationView> {
        let (_, old_id, mut r) = self.rotation_in_progress(region, &api_key_id).await?;
        if r.step != Step::Disabled {
            return Err(Error::new(ErrorCode::Conflict).with_reason("rotation_not_disabled"));
        }
        self.key_set_enabled(region, old_id.to_string(), true)
            .await?;
        r.step = Step::HandOver;
        r.disabled_at_ms = None;
        r.grace_ends_at_ms = None;
        self.put_rotation(&mut r)?;
        Ok(self.rotation_view(&r))
    }

    /// The acting profile's rotations in progress, each checked against the
    /// cloud (changes made elsewhere pause or end one), and the records that
    /// were refused (never acted on).
    pub async fn rotations_list(&self) -> Result<RotationsReport> {
        let profile = self.acting_profile().await?;
        let scope = Studio::scope_of(&profile);
        let (all, rejected) = self.rotations().all();
        for bad in &rejected {
            log::warn!("rotation record {} refused: {}", bad.file, bad.why);
        }
        let mut views = Vec::new();
        for mut r in all
            .into_iter()
            .filter(|r| r.profile_id == profile.id && r.scope == scope)
        {
            if !matches!(r.step, Step::Retired | Step::Ended) {
                self.refresh_rotation(&profile, &mut r).await?;
            }
            views.push(self.rotation_view(&r));
        }
        Ok(RotationsReport {
            rotations: views,
            refused: rejected
                .into_iter()
                .map(|r| format!("{}: {}", r.file, r.why))
                .collect(),
        })
    }

    /// Hold a rotation against the cloud: the old key deleted elsewhere
    /// ends it; the twin deleted or disabled pauses it ("make a new twin");
    /// the old key reset elsewhere is said (its programs broke already).
    async fn refresh_rotation(&self, profile: &Profile, r: &mut Rotation) -> Result<()> {
        let client = self.client_for(profile, r.region).await?;
        let lang = crate::domain::i18n::current();
        let say = |key: &str| crate::domain::i18n::tr(lang, key, &[]);
        let old = match client.get_api_key(r.old_key_id).await {
            Ok(k) => Some(k),
            Err(e) if e.code == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        };
        let changed = match &old {
            None => {
                r.step = Step::Ended;
                r.note = Some(say("rotation.old_deleted_elsewhere"));
                true
            }
            Some(k) => {
                let masked = k
                    .api_key_value
                    .as_deref()
                    .map(display_server_value)
                    .unwrap_or_default();
                if !r.old_masked.is_empty() && masked != r.old_masked {
                    r.old_masked = masked;
                    r.note = Some(say("rotation.old_reset_elsewhere"));
                    true
                } else {
                    false
                }
            }
        };
        let twin_changed = match (r.step, r.twin_key_id) {
            (Step::HandOver | Step::Disabled, Some(twin)) => match client.get_api_key(twin).await {
                Ok(k) if k.disabled == Some(1) => {
                    r.step = Step::Paused;
                    r.note = Some(say("rotation.twin_disabled_elsewhere"));
                    true
                }
                Ok(_) => false,
                Err(e) if e.code == ErrorCode::NotFound => {
                    r.step = Step::Paused;
                    r.note = Some(say("rotation.twin_deleted_elsewhere"));
                    true
                }
                Err(e) => return Err(e),
            },
            _ => false,
        };
        if changed || twin_changed {
            self.put_rotation(r)?;
        }
        Ok(())
    }

    /// Rotations whose grace period has ended and that no OS notification
    /// named yet: the notification's title and body, and their ids. From
    /// this computer's records alone (no network). Call `rotations_reminded`
    /// once it is shown.
    pub async fn rotation_reminder(&self) -> Result<Option<(String, String, Vec<String>)>> {
        let due: Vec<Rotation> = self
            .rotations()
            .all()
            .0
            .into_iter()
            .filter(|r| {
                r.step == Step::Disabled
                    && !r.reminded
                    && r.grace_ends_at_ms.is_some_and(|end| end <= now_ms())
            })
            .collect();
        let Some(first) = due.first() else {
            return Ok(None);
        };
        let lang = crate::domain::i18n::current();
        let label = if first.old_description.is_empty() {
            first.old_key_id.to_string()
        } else {
            super::reviews::notification_label(&first.old_description)
        };
        let region = first.region.info().name_in(lang);
        let mut body = crate::domain::i18n::tr(
            lang,
            "rotation.notify_body",
            &[("label", &label), ("region", region)],
        );
        if due.len() > 1 {
            let more = (due.len() - 1).to_string();
            body.push(' ');
            body.push_str(&crate::domain::i18n::tr(
                lang,
                "rotation.notify_more",
                &[("count", &more)],
            ));
        }
        let title = crate::domain::i18n::tr(lang, "rotation.notify_title", &[]);
        Ok(Some((title, body, due.into_iter().map(|r| r.id).collect())))
    }

    /// The notification naming these rotations was shown: not again.
    pub async fn rotations_reminded(&self, ids: Vec<String>) -> Result<()> {
        for id in ids {
            if let Some(mut r) = self.rotations().get(&id) {
                r.reminded = true;
                self.put_rotation(&mut r)?;
            }
        }
        Ok(())
    }

    pub(crate) fn rotation_view(&self, r: &Rotation) -> RotationView {
        RotationView {
            id: r.id.clone(),
            region: r.region,
            old_key_id: r.old_key_id.to_string(),
            old_description: r.old_description.clone(),
            old_masked: r.old_masked.clone(),
            twin_key_id: r.twin_key_id.map(|id| id.to_string()),
            twin_description: r.twin_description.clone(),
            twin_masked: r.twin_masked.clone(),
            grace: grace_text(&r.grace),
            step: r.step,
            started_at: r.started_at_ms as f64,
            disabled_at: r.disabled_at_ms.map(|t| t as f64),
            grace_ends_at: r.grace_ends_at_ms.map(|t| t as f64),
            retire_due: r.step == Step::Disabled
                && r.grace_ends_at_ms.is_some_and(|end| end <= now_ms()),
            note: r.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn grace_takes_the_offered_periods_or_a_date_within_ninety_days() {
        let today = day("2026-12-06");
        assert_eq!(parse_grace("now", today).unwrap(), Grace::Now);
        assert_eq!(
            parse_grace("24h", today).unwrap(),
            Grace::Hours { hours: 24 }
        );
        assert_eq!(grace_text(&parse_grace("7d", today).unwrap()), "7d");
        assert_eq!(grace_text(&parse_grace("1h", today).unwrap()), "1h");
        assert_eq!(
            parse_grace("2027-03-06", today).unwrap(),
            Grace::Until {
                date: "2027-03-06".into()
            }
        );
        for bad in ["2027-03-07", "2026-12-05", "3d", "tomorrow", ""] {
            let e = parse_grace(bad, today).unwrap_err();
            assert_eq!(e.reason.as_deref(), Some("grace_invalid"), "{bad}");
            let text = e.message_in(crate::domain::i18n::Lang::En);
            assert!(text.contains("7d") && text.contains("YYYY-MM-DD"), "{text}");
        }
    }

    #[test]
    fn a_date_grace_ends_at_the_end_of_that_day_here() {
        let end = grace_end_ms(
            &Grace::Until {
                date: "2026-12-24".into(),
            },
            0,
        );
        let at = Local.timestamp_millis_opt(end).unwrap();
        assert_eq!(at.date_naive(), day("2026-12-24"));
        assert_eq!(at.format("%H:%M:%S").to_string(), "23:59:59");
        assert_eq!(
            grace_end_ms(&Grace::Hours { hours: 1 }, 1000),
            1000 + 3_600_000
        );
        assert_eq!(grace_end_ms(&Grace::Now, 5), 5);
    }

    #[test]
    fn the_twin_is_marked_rotated_once_and_fits_the_description_bound() {
        let today = day("2026-12-06");
        assert_eq!(
            rotated_description("CI runner", today),
            "CI runner (rotated 2026-12-06)"
        );
        assert_eq!(
            rotated_description("CI runner (rotated 2026-01-02)", today),
            "CI runner (rotated 2026-12-06)",
            "an earlier mark is replaced, not stacked"
        );
        let long = "密".repeat(DESCRIPTION_MAX_CHARS);
        let twin = rotated_description(&long, today);
        assert_eq!(twin.chars().count(), DESCRIPTION_MAX_CHARS);
        assert!(twin.ends_with("(rotated 2026-12-06)"));
        assert_eq!(rotated_description("", today), "(rotated 2026-12-06)");
    }
}
