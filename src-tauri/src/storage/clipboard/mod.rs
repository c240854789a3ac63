//! A clipboard that forgets secrets.
//!
//! A secret is written with the history-exclusion hints each platform offers
//! (KDE's password-manager hint on Linux, "exclude from history / cloud /
//! monitoring" on Windows, the concealed type on macOS). After N seconds it is
//! cleared, but only if the clipboard still holds our value: if the person
//! copied something else meanwhile, that is left alone. We keep a SHA-256 of
//! the value, never the value, to make that comparison. On quit the app calls
//! [`SecretClipboard::clear_now`].
//!
//! The platform access sits behind [`ClipboardBackend`], so the policy is
//! tested without a display. Here: the policy (what is pending, when and
//! whether to clear). `backend`: the system clipboard. `exit`: clearing when
//! the process ends abnormally.

mod backend;
mod exit;

pub use backend::ArboardBackend;
pub use exit::clear_on_abnormal_exit;

use crate::domain::error::Result;
use crate::domain::secret::Secret;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The platform clipboard, reduced to what the policy needs.
pub trait ClipboardBackend: Send {
    /// Write a secret with the platform's "do not keep in history" hints.
    fn set_secret_text(&mut self, text: &str) -> Result<()>;
    /// Write ordinary text.
    fn set_text(&mut self, text: &str) -> Result<()>;
    /// The current text (`None`: the clipboard holds no text). An error means
    /// the clipboard could not be read, which is not the same as "not ours".
    fn get_text(&mut self) -> Result<Option<String>>;
    fn clear(&mut self) -> Result<()>;
}

pub use crate::domain::clipboard::{ClearOutcome, ClipboardStatus};

/// How often, and how long apart, a failed timed clear is tried again.
const CLEAR_RETRIES: u32 = 5;
const CLEAR_RETRY_WAIT: Duration = Duration::from_secs(2);

/// A scheduled clear: the copy's generation and the delay.
pub type ClearTimer = (u64, Duration);

struct Pending {
    hash: [u8; 32],
    deadline: Option<Instant>,
    generation: u64,
}

struct Inner {
    backend: Box<dyn ClipboardBackend>,
    pending: Option<Pending>,
    generation: u64,
    last_clear: Option<ClearOutcome>,
}

/// Shared handle; cheap to clone. Methods block briefly on the platform clipboard.
#[derive(Clone)]
pub struct SecretClipboard {
    inner: Arc<Mutex<Inner>>,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl SecretClipboard {
    pub fn new(backend: Box<dyn ClipboardBackend>) -> Self {
        SecretClipboard {
            inner: Arc::new(Mutex::new(Inner {
                backend,
                pending: None,
                generation: 0,
                last_clear: None,
            })),
        }
    }

    /// The system clipboard (opened on first use, so a headless start does not fail).
    pub fn system() -> Self {
        Self::new(Box::new(ArboardBackend::default()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the clipboard half-written; go on.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Copy `value`; clear it after `clear_after_seconds` (0 = never) if unchanged.
    /// Starts a timer thread that performs the clear.
    pub fn copy_secret(&self, value: &Secret, clear_after_seconds: u32) -> Result<ClipboardStatus> {
        let (status, timer) = self.copy_secret_at(value, clear_after_seconds, Instant::now())?;
        if let Some((generation, wait)) = timer {
            let me = self.clone();
            std::thread::spawn(move || {
                std::thread::sleep(wait);
                for _ in 0..CLEAR_RETRIES {
                    if me.clear_if_due(generation, Instant::now()) != Some(ClearOutcome::Failed) {
                        return;
                    }
                    std::thread::sleep(CLEAR_RETRY_WAIT);
                }
            });
        }
        Ok(status)
    }

    /// The policy behind [`copy_secret`](Self::copy_secret), with the clock passed in.
    /// Returns the status and, if a clear is scheduled, its generation and delay.
    pub fn copy_secret_at(
        &self,
        value: &Secret,
        clear_after_seconds: u32,
        now: Instant,
    ) -> Result<(ClipboardStatus, Option<ClearTimer>)> {
        let mut inner = self.lock();
        inner.backend.set_secret_text(value.expose())?;
        inner.generation += 1;
        let generation = inner.generation;
        let wait =
            (clear_after_seconds > 0).then(|| Duration::from_secs(clear_after_seconds.into()));
        inner.pending = Some(Pending {
            hash: digest(value.expose()),
            deadline: wait.map(|w| now + w),
            generation,
        });
        inner.last_clear = None;
        let status = status_of(&inner, now);
        Ok((status, wait.map(|w| (generation, w))))
    }

    /// Copy non-secret text (a masked key, an id). Forgets any pending secret:
    /// it is no longer on the clipboard.
    pub fn copy_text(&self, text: &str) -> Result<()> {
        let mut inner = self.lock();
        inner.backend.set_text(text)?;
        inner.pending = None;
        inner.last_clear = None;
        Ok(())
    }

    /// Clear the secret of copy `generation` if its time has come and the
    /// clipboard still holds it. `None` when that copy is not due (or is gone).
    pub fn clear_if_due(&self, generation: u64, now: Instant) -> Option<ClearOutcome> {
        let mut inner = self.lock();
        let due = matches!(&inner.pending,
            Some(p) if p.generation == generation && p.deadline.is_some_and(|d| now >= d));
        if due {
            clear_if_ours(&mut inner)
        } else {
            None
        }
    }

    /// Clear our secret now if the clipboard still holds it (on quit).
    /// Returns whether the clipboard was cleared.
    pub fn clear_now(&self) -> bool {
        let mut inner = self.lock();
        clear_if_ours(&mut inner) == Some(ClearOutcome::Cleared)
    }

    /// `clear_now` for a process that is going down (a panic, a signal): never
    /// waits for the lock, which the failing code itself may hold.
    pub fn clear_now_without_waiting(&self) -> bool {
        match self.inner.try_lock() {
            Ok(mut inner) => clear_if_ours(&mut inner) == Some(ClearOutcome::Cleared),
            Err(std::sync::TryLockError::Poisoned(p)) => {
                clear_if_ours(&mut p.into_inner()) == Some(ClearOutcome::Cleared)
            }
            Err(std::sync::TryLockError::WouldBlock) => false,
        }
    }

    /// The countdown for the UI.
    pub fn status(&self) -> ClipboardStatus {
        status_of(&self.lock(), Instant::now())
    }

    pub fn status_at(&self, now: Instant) -> ClipboardStatus {
        status_of(&self.lock(), now)
    }
}

fn status_of(inner: &Inner, now: Instant) -> ClipboardStatus {
    match &inner.pending {
        None => ClipboardStatus {
            last_clear: inner.last_clear,
            ..ClipboardStatus::default()
        },
        Some(p) => ClipboardStatus {
            clears_in_seconds: p.deadline.map(|d| {
                let left = d.saturating_duration_since(now);
                // Round up so the countdown never shows 0 while the value is still there.
                (left.as_millis().div_ceil(1000)) as u32
            }),
            holds_secret: true,
            last_clear: inner.last_clear,
        },
    }
}

/// Clear the pending secret if the clipboard still holds it. A clipboard that
/// cannot be read or cleared keeps the clear pending. `None`: nothing pending.
fn clear_if_ours(inner: &mut Inner) -> Option<ClearOutcome> {
    let hash = inner.pending.as_ref()?.hash;
    let outcome = match inner.backend.get_text() {
        Err(e) => {
            log::warn!(
                "could not read the clipboard to clear it: {}",
                e.details.technical.unwrap_or_default()
            );
            ClearOutcome::Failed
        }
        Ok(current) if current.as_deref().is_some_and(|t| digest(t) == hash) => {
            drop(current);
            match inner.backend.clear() {
                Ok(()) => ClearOutcome::Cleared,
                Err(e) => {
                    log::warn!(
                        "could not clear the clipboard: {}",
                        e.details.technical.unwrap_or_default()
                    );
                    ClearOutcome::Failed
                }
            }
        }
        Ok(_) => ClearOutcome::LeftAlone,
    };
    if outcome != ClearOutcome::Failed {
        inner.pending = None;
    }
    inner.last_clear = Some(outcome);
    Some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::{Error, ErrorCode};

    /// An in-memory clipboard another "application" can write to.
    #[derive(Clone, Default)]
    struct FakeBoard {
        text: Arc<Mutex<Option<String>>>,
        secret_hint: Arc<Mutex<bool>>,
        /// Reads fail while set (another program holds the clipboard, say).
        unreadable: Arc<Mutex<bool>>,
    }

    impl FakeBoard {
        fn text(&self) -> Option<String> {
            self.text.lock().unwrap().clone()
        }
    }

    impl ClipboardBackend for FakeBoard {
        fn set_secret_text(&mut self, text: &str) -> Result<()> {
            *self.text.lock().unwrap() = Some(text.into());
            *self.secret_hint.lock().unwrap() = true;
            Ok(())
        }
        fn set_text(&mut self, text: &str) -> Result<()> {
            *self.text.lock().unwrap() = Some(text.into());
            *self.secret_hint.lock().unwrap() = false;
            Ok(())
        }
        fn get_text(&mut self) -> Result<Option<String>> {
            if *self.unreadable.lock().unwrap() {
                return Err(Error::new(ErrorCode::Unsupported).with_technical("busy"));
            }
            Ok(self.text.lock().unwrap().clone())
        }
        fn clear(&mut self) -> Result<()> {
            *self.text.lock().unwrap() = None;
            Ok(())
        }
    }

    fn setup() -> (SecretClipboard, FakeBoard) {
        let board = FakeBoard::default();
        (SecretClipboard::new(Box::new(board.clone())), board)
    }

    #[test]
    fn secret_is_cleared_when_its_time_comes() {
        let (clip, board) = setup();
        let t0 = Instant::now();
        let (status, timer) = clip
            .copy_secret_at(&Secret::new("sk-ws-one"), 30, t0)
            .unwrap();
        assert_eq!(status.clears_in_seconds, Some(30));
        assert!(
            *board.secret_hint.lock().unwrap(),
            "history exclusion hint not used"
        );
        let (generation, wait) = timer.unwrap();
        assert_eq!(wait, Duration::from_secs(30));
        assert_eq!(
            clip.clear_if_due(generation, t0 + Duration::from_secs(29)),
            None,
            "cleared early"
        );
        assert_eq!(board.text().as_deref(), Some("sk-ws-one"));
        assert_eq!(
            clip.status_at(t0 + Duration::from_millis(29_500))
                .clears_in_seconds,
            Some(1)
        );
        assert_eq!(
            clip.clear_if_due(generation, t0 + Duration::from_secs(30)),
            Some(ClearOutcome::Cleared)
        );
        assert_eq!(board.text(), None);
        assert_eq!(
            clip.status(),
            ClipboardStatus {
                last_clear: Some(ClearOutcome::Cleared),
                ..ClipboardStatus::default()
            },
            "the UI's \"cleared\" comes from here"
        );
    }

    #[test]
    fn something_else_copied_meanwhile_is_left_alone() {
        let (clip, mut board) = setup();
        let t0 = Instant::now();
        let (_, timer) = clip
            .copy_secret_at(&Secret::new("sk-ws-two"), 5, t0)
            .unwrap();
        board.set_text("the person's own text").unwrap();
        assert_eq!(
            clip.clear_if_due(timer.unwrap().0, t0 + Duration::from_secs(60)),
            Some(ClearOutcome::LeftAlone)
        );
        assert_eq!(board.text().as_deref(), Some("the person's own text"));
        assert_eq!(clip.status().last_clear, Some(ClearOutcome::LeftAlone));
        assert!(!clip.clear_now(), "quit must not clear someone else's text");
    }

    #[test]
    fn a_newer_copy_is_not_cleared_by_the_older_timer() {
        let (clip, board) = setup();
        let t0 = Instant::now();
        let (_, first) = clip.copy_secret_at(&Secret::new("sk-ws-a"), 5, t0).unwrap();
        let later = t0 + Duration::from_secs(4);
        let (_, second) = clip
            .copy_secret_at(&Secret::new("sk-ws-b"), 5, later)
            .unwrap();
        assert_eq!(
            clip.clear_if_due(first.unwrap().0, t0 + Duration::from_secs(6)),
            None
        );
        assert_eq!(board.text().as_deref(), Some("sk-ws-b"));
        assert_eq!(
            clip.clear_if_due(second.unwrap().0, later + Duration::from_secs(5)),
            Some(ClearOutcome::Cleared)
        );
    }

    #[test]
    fn zero_seconds_means_never_but_quit_still_clears() {
        let (clip, board) = setup();
        let t0 = Instant::now();
        let (status, timer) = clip.copy_secret_at(&Secret::new("sk-ws-z"), 0, t0).unwrap();
        assert!(timer.is_none());
        assert_eq!(
            status,
            ClipboardStatus {
                clears_in_seconds: None,
                holds_secret: true,
                last_clear: None,
            }
        );
        assert!(clip.clear_now());
        assert_eq!(board.text(), None);
    }

    #[test]
    fn a_clipboard_that_cannot_be_read_keeps_the_clear_pending() {
        let (clip, board) = setup();
        let t0 = Instant::now();
        let (_, timer) = clip
            .copy_secret_at(&Secret::new("sk-ws-busy"), 5, t0)
            .unwrap();
        let generation = timer.unwrap().0;
        *board.unreadable.lock().unwrap() = true;
        let due = t0 + Duration::from_secs(5);
        assert_eq!(
            clip.clear_if_due(generation, due),
            Some(ClearOutcome::Failed)
        );
        assert!(clip.status().holds_secret, "still pending, not forgotten");
        assert_eq!(board.text().as_deref(), Some("sk-ws-busy"));
        // Readable again: the next try (the timer's retry, or quit) clears it.
        *board.unreadable.lock().unwrap() = false;
        assert_eq!(
            clip.clear_if_due(generation, due),
            Some(ClearOutcome::Cleared)
        );
        assert_eq!(board.text(), None);
    }

    #[test]
    fn copying_plain_text_drops_the_pending_secret() {
        let (clip, _board) = setup();
        clip.copy_secret_at(&Secret::new("sk-ws-p"), 30, Instant::now())
            .unwrap();
        clip.copy_text("sk-ws-p****").unwrap();
        assert!(!clip.status().holds_secret);
    }

    /// Against a real X clipboard when a display is available (the Xvfb test session).
    #[test]
    fn real_x_clipboard_round_trip_when_a_display_exists() {
        if std::env::var_os("DISPLAY").is_none() {
            return; // Covered by the fake-board tests above; this one needs X.
        }
        let clip = SecretClipboard::system();
        let value = format!("sk-ws-test-{}", uuid::Uuid::new_v4().simple());
        let t0 = Instant::now();
        let (_, timer) = clip
            .copy_secret_at(&Secret::new(value.clone()), 1, t0)
            .unwrap();
        let mut reader = ArboardBackend::default();
        assert_eq!(reader.get_text().unwrap().as_deref(), Some(value.as_str()));
        assert_eq!(
            clip.clear_if_due(timer.unwrap().0, t0 + Duration::from_secs(1)),
            Some(ClearOutcome::Cleared)
        );
        assert_ne!(
            reader.get_text().ok().flatten().as_deref(),
            Some(value.as_str())
        );
    }
}
