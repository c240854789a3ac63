//! `skm`: the command line face of Studio Keys. Each command parses its
//! arguments and calls the same `Studio` operation the app calls (cargo's
//! model: a command calls one `ops::` function), then prints: text in the
//! current language, `--json` for scripts; the exit status is
//! `ErrorCode::exit_code()`.

pub mod profiles;
pub mod sandbox;

mod audit;
mod context;
mod costs;
mod exec;
mod keys;
mod output;
mod workspaces;

use crate::domain::error::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "skm",
    version,
    about = "Manage Model Studio API keys from the command line"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Credentials profile (default: the environment's AccessKey variables).
    #[arg(long, global = true, env = "ALIBABA_CLOUD_PROFILE")]
    pub profile: Option<String>,
    /// Region id, e.g. cn-beijing, ap-southeast-1, us-east-1.
    #[arg(long, global = true, env = "SKM_REGION", default_value = "cn-beijing")]
    pub region: String,
    /// Workspace id (default: the region's default workspace).
    #[arg(long, global = true)]
    pub workspace: Option<String>,
    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Override the OpenAPI endpoint: https://*.aliyuncs.com or this computer
    /// (http allowed only there); others need --allow-foreign-endpoint.
    #[arg(long, global = true, value_name = "URL", env = "SKM_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Override the DashScope base URL (temp-key, verify --key).
    #[arg(long, global = true, value_name = "URL", env = "DASHSCOPE_BASE_URL")]
    pub dashscope_url: Option<String>,
    /// Allow --endpoint / --dashscope-url to name a host that is neither
    /// https://*.aliyuncs.com nor this computer (it receives your credentials).
    #[arg(long, global = true)]
    pub allow_foreign_endpoint: bool,
    /// Language of messages: en, zh-CN, zh-TW or ja (default: from the environment).
    #[arg(long, global = true)]
    pub lang: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// API keys.
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Workspaces.
    #[command(subcommand)]
    Workspaces(workspaces::WorkspacesCmd),
    /// Models.
    #[command(subcommand)]
    Models(workspaces::ModelsCmd),
    /// What keys, models or workspaces cost (billing days in UTC+8).
    Cost(costs::CostArgs),
    /// Make a temporary key (st-) from the API key in DASHSCOPE_API_KEY or on stdin.
    TempKey(workspaces::TempKeyArgs),
    /// Check that the credentials work; with --key, that an API key works.
    Verify(workspaces::VerifyArgs),
    /// The local Model Studio sandbox.
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
    /// Credentials profiles (the same ones the app uses).
    #[command(subcommand)]
    Profiles(profiles::ProfilesCommand),
    /// Run a program with a saved key in its environment only:
    /// skm exec --key ID [--temporary SECONDS] -- COMMAND ARGS…
    Exec(exec::ExecArgs),
    /// The local audit log of what was done with keys and profiles.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
}

/// Entry point used by `src/bin/skm.rs`; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let lang = cli
        .global
        .lang
        .as_deref()
        .map(crate::domain::i18n::Lang::from_tag)
        .unwrap_or_else(crate::domain::i18n::Lang::from_env);
    crate::domain::i18n::set_current(lang);
    let g = cli.global;
    match run(&g, cli.command) {
        Ok(status) => status,
        Err(e) => output::error(&g, &e),
    }
}

/// Runs `command`; the exit status (0, or what `exec` and `audit verify` say).
fn run(g: &GlobalArgs, command: Command) -> Result<i32> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| crate::Error::internal(e.to_string()))?;
    rt.block_on(async move {
        let studio = match command {
            // A sandbox of its own (`--db`): no profile or keychain involved.
            Command::Sandbox(cmd) => return sandbox::run(cmd, &g.region).await.map(|_| 0),
            // Profiles are the app's: no environment credentials or endpoint override.
            Command::Profiles(cmd) => {
                return profiles::run(&context::app_studio()?, cmd).await.map(|_| 0)
            }
            // A key value from the environment or stdin needs no one to act as.
            Command::TempKey(args) => {
                return workspaces::temp_key(g, &context::studio(g)?, args)
                    .await
                    .map(|_| 0)
            }
            Command::Verify(args) if args.key => {
                return workspaces::verify(g, &context::studio(g)?, args)
                    .await
                    .map(|_| 0)
            }
            // The log is this computer's: no one to act as.
            Command::Audit(cmd) => return audit::run(g, &context::studio(g)?, cmd).await,
            _ => context::acting_studio(g).await?,
        };
        match command {
            Command::Keys(cmd) => keys::run(g, &studio, cmd).await.map(|_| 0),
            Command::Cost(args) => costs::cost(g, &studio, args).await.map(|_| 0),
            Command::Workspaces(cmd) => workspaces::run(g, &studio, cmd).await.map(|_| 0),
            Command::Models(cmd) => workspaces::run_models(g, &studio, cmd).await.map(|_| 0),
            Command::TempKey(args) => workspaces::temp_key(g, &studio, args).await.map(|_| 0),
            Command::Verify(args) => workspaces::verify(g, &studio, args).await.map(|_| 0),
            Command::Exec(args) => exec::run(g, &studio, args).await,
            Command::Sandbox(_) | Command::Profiles(_) | Command::Audit(_) => {
                unreachable!("run above")
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seed_keys_takes_the_global_region() {
        let cli = Cli::try_parse_from([
            "skm",
            "sandbox",
            "seed-keys",
            "--db",
            "x.db",
            "--region",
            "us-east-1",
            "--count",
            "2",
        ])
        .unwrap();
        assert_eq!(cli.global.region, "us-east-1");
        assert!(matches!(cli.command, Command::Sandbox(_)));
    }

    #[test]
    fn create_takes_repeated_ips_and_models() {
        let cli = Cli::try_parse_from([
            "skm",
            "--region",
            "cn-beijing",
            "--json",
            "keys",
            "create",
            "--description",
            "ci",
            "--custom",
            "--ip",
            "10.0.0.0/8",
            "--ip",
            "::1",
            "--model",
            "qwen-plus",
        ])
        .unwrap();
        assert!(cli.global.json);
        let Command::Keys(keys::KeysCmd::Create(a)) = cli.command else {
            panic!("not create")
        };
        assert_eq!(a.ip, vec!["10.0.0.0/8", "::1"]);
        assert_eq!(a.model, vec!["qwen-plus"]);
        assert!(a.custom);
    }

    #[test]
    fn cost_takes_days_or_a_month_but_not_both() {
        let cli =
            Cli::try_parse_from(["skm", "cost", "--by", "model", "--month", "2026-11"]).unwrap();
        let Command::Cost(a) = cli.command else {
            panic!("not cost")
        };
        assert!(matches!(a.by, costs::By::Model));
        assert_eq!(a.month.as_deref(), Some("2026-11"));
        assert!(Cli::try_parse_from(["skm", "cost", "--days", "7", "--month", "2026-11"]).is_err());
        let cli = Cli::try_parse_from(["skm", "keys", "idle", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Keys(keys::KeysCmd::Idle { days: 30 })
        ));
    }
}
