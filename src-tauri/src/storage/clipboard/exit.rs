//! Clearing the clipboard when the process ends abnormally: a panic, SIGINT
//! or SIGTERM (Ctrl+C on Windows).

use super::SecretClipboard;

/// Clear our secret when the process ends abnormally too: on a panic, and on
/// SIGINT / SIGTERM (Ctrl+C on Windows). After a signal `on_signal` runs with
/// the signal's conventional exit status (the app quits through its normal
/// path); without one, or at a second signal (the normal path is stuck), the
/// process exits with that status at once.
pub fn clear_on_abnormal_exit(
    clipboard: &SecretClipboard,
    on_signal: Option<Box<dyn Fn(i32) + Send + 'static>>,
) {
    let for_panic = clipboard.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        for_panic.clear_now_without_waiting();
        previous(info);
    }));
    let for_signal = clipboard.clone();
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    else {
        log::warn!("clipboard signal watch not started: no runtime");
        return;
    };
    // Registered here, before this returns: a signal right after is seen.
    let mut signals = {
        let _in_runtime = rt.enter();
        exit_signals()
    };
    let spawned = std::thread::Builder::new()
        .name("clipboard-signals".into())
        .spawn(move || {
            let mut asked_once = false;
            loop {
                let status = rt.block_on(signals.next());
                for_signal.clear_now_without_waiting();
                match &on_signal {
                    Some(quit) if !asked_once => {
                        asked_once = true;
                        quit(status);
                    }
                    _ => std::process::exit(status),
                }
            }
        });
    if let Err(e) = spawned {
        log::warn!("clipboard signal watch not started: {e}");
    }
}

/// SIGINT and SIGTERM, registered.
#[cfg(unix)]
struct ExitSignals(Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>);

#[cfg(unix)]
fn exit_signals() -> ExitSignals {
    use tokio::signal::unix::{signal, SignalKind};
    ExitSignals(
        signal(SignalKind::interrupt())
            .ok()
            .zip(signal(SignalKind::terminate()).ok()),
    )
}

#[cfg(unix)]
impl ExitSignals {
    /// Waits for the next one; returns the exit status it conventionally means.
    async fn next(&mut self) -> i32 {
        let Some((int, term)) = self.0.as_mut() else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => 130,
            _ = term.recv() => 143,
        }
    }
}

#[cfg(not(unix))]
struct ExitSignals;

#[cfg(not(unix))]
fn exit_signals() -> ExitSignals {
    ExitSignals
}

#[cfg(not(unix))]
impl ExitSignals {
    async fn next(&mut self) -> i32 {
        match tokio::signal::ctrl_c().await {
            Ok(()) => 130,
            Err(_) => std::future::pending().await,
        }
    }
}
