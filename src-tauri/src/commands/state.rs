//! What the Tauri builder (`app.rs`) and the commands share, kept apart so
//! neither imports the other.

/// Why the core could not start (an unreadable config dir...), for `app_info`.
pub struct StartupError(pub crate::domain::error::IpcError);

/// `STUDIO_KEYS_BENCH=1`: log the launch timeline `make bench` reads.
pub fn bench_mode() -> bool {
    std::env::var("STUDIO_KEYS_BENCH").is_ok_and(|v| v == "1")
}
