//! The one Secret Service that every test of this binary shares: a test that
//! uses it (in this process, or through `skm` or `secret-tool`) holds
//! [`lock`] for its whole run, so such tests run one at a time. They did when
//! each area was a test binary of its own; two reasons they must still:
//!
//! - Each test starts its own sandbox, and a new sandbox numbers its keys
//!   from the same start, so the first key made in cn-beijing has the same id
//!   in every test. Saved keys live under `key:<scope>:<region>:<id>`: two
//!   tests saving keys at once write, read and delete each other's entries.
//! - gnome-keyring-daemon does not survive all of them at once: it aborts
//!   (a GLib trap), D-Bus starts a new, locked daemon in its place, and every
//!   later keychain call waits on an unlock prompt that nobody answers.

use tokio::sync::{Mutex, MutexGuard};

static SECRET_SERVICE: Mutex<()> = Mutex::const_new(());

/// Waits until no other test of this binary uses the Secret Service; it is
/// this test's until the guard drops.
pub async fn lock() -> MutexGuard<'static, ()> {
    SECRET_SERVICE.lock().await
}

/// [`lock`], for a test without an async runtime.
pub fn blocking_lock() -> MutexGuard<'static, ()> {
    SECRET_SERVICE.blocking_lock()
}
