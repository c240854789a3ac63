//! `skm exec --key ID [--temporary SECONDS] -- COMMAND ARGS…`: run a program
//! with a saved key in its environment only. `skm` spawns it and waits
//! (never replaces itself, so the app's sandbox it may have started keeps
//! serving), forwards SIGINT and SIGTERM, and exits with the program's
//! status: 128 + N when a signal N ended it.

use super::{context, output, GlobalArgs};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::services::Studio;
use clap::Args;
use std::ffi::OsString;

/// The shell's convention when a command cannot be found or run.
pub const EXIT_NOT_FOUND: i32 = 127;
pub const EXIT_NOT_EXECUTABLE: i32 = 126;

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The saved key to hand over (its apiKeyId).
    #[arg(long = "key", value_name = "ID")]
    pub key: String,
    /// Hand over a temporary st- key of this many seconds (1 to 1800) made
    /// from the saved key, instead of the saved key itself.
    #[arg(long, value_name = "SECONDS")]
    pub temporary: Option<u32>,
    /// The program and its arguments, after `--`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

/// Runs the program; its exit status, or 126/127 when it cannot start.
pub async fn run(g: &GlobalArgs, studio: &Studio, a: ExecArgs) -> Result<i32> {
    let Some((program, args)) = a.command.split_first() else {
        return Err(Error::new(ErrorCode::InvalidInput).with_reason("exec_no_command"));
    };
    let name = program.to_string_lossy().into_owned();
    let region = context::region(g)?;
    let (env, ticket) = studio
        .exec_env(region, a.key.clone(), a.temporary, &name)
        .await?;
    // Listening before the program starts: a signal that comes at once is
    // passed on too, not taken by skm's default handler.
    let signals = Signals::listen()?;
    let mut command = std::process::Command::new(program);
    command.args(args);
    for (var, value) in &env.vars {
        command.env(var, value.expose());
    }
    let spawned = command.spawn();
    // The values are in the child's environment now; drop ours.
    drop(env);
    let child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let (reason, status) = match e.kind() {
                std::io::ErrorKind::NotFound => ("exec_not_found", EXIT_NOT_FOUND),
                std::io::ErrorKind::PermissionDenied => {
                    ("exec_not_executable", EXIT_NOT_EXECUTABLE)
                }
                _ => ("exec_not_started", EXIT_NOT_EXECUTABLE),
            };
            let error = Error::new(ErrorCode::InvalidInput)
                .with_reason(reason)
                .with_param("command", name)
                .with_technical(e.to_string());
            studio.exec_finished(ticket, &Err(error.clone())).await;
            output::say(&format!("skm: {}", error.message()));
            return Ok(status);
        }
    };
    let status = signals.wait_passing_on(child).await;
    studio.exec_finished(ticket, &status).await;
    status
}

/// SIGINT and SIGTERM, caught for the program's sake.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn listen() -> Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Wait for `child` (on the blocking pool: the runtime keeps serving,
    /// the app's sandbox included), passing SIGINT and SIGTERM on to it.
    async fn wait_passing_on(mut self, mut child: std::process::Child) -> Result<i32> {
        use std::os::unix::process::ExitStatusExt;
        let pid = child.id() as libc::pid_t;
        let forward = |sig: i32| {
            // SAFETY: kill(2) with our own child's pid, not yet reaped (the
            // wait below has not returned), and a plain signal number.
            unsafe {
                libc::kill(pid, sig);
            }
        };
        let mut waiting = tokio::task::spawn_blocking(move || child.wait());
        loop {
            tokio::select! {
                status = &mut waiting => {
                    let status = status.map_err(|e| Error::internal(e.to_string()))??;
                    return Ok(match (status.code(), status.signal()) {
                        (Some(code), _) => code,
                        (None, Some(sig)) => 128 + sig,
                        (None, None) => 1,
                    });
                }
                _ = self.interrupt.recv() => forward(libc::SIGINT),
                _ = self.terminate.recv() => forward(libc::SIGTERM),
            }
        }
    }
}

/// Elsewhere Ctrl+C reaches the whole console group, the program included.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn listen() -> Result<Self> {
        Ok(Signals)
    }

    async fn wait_passing_on(self, mut child: std::process::Child) -> Result<i32> {
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .map_err(|e| Error::internal(e.to_string()))??;
        Ok(status.code().unwrap_or(1))
    }
}
