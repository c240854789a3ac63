//! `skm`: the command line face of Studio Keys.

pub mod sandbox;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "skm",
    version,
    about = "Manage Model Studio API keys from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// The local Model Studio sandbox.
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
}

/// Entry point used by `src/bin/skm.rs`; returns the process exit code.
pub fn main() -> i32 {
    match Cli::try_parse() {
        Ok(cli) => match cli.command {
            Command::Sandbox(cmd) => sandbox::run(cmd),
        },
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                2
            } else {
                0
            }
        }
    }
}
