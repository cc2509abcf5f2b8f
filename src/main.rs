//! The `cognigy-backup` binary. Without a command it runs the action, configured by the process's
//! `INPUT_*` variables (see [`cognigy_backup_action::app`]); `init` writes a backup repository's
//! files on a person's machine (see [`cognigy_backup_action::init`]); `--help` lists every input.
//!
//! Exit status: 0 success, 1 the run failed, 2 invalid inputs or usage.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::action::help;
use cognigy_backup_action::{app, init};

/// Versioned, restorable backups of a Cognigy.AI project in git.
#[derive(Parser)]
#[command(name = "cognigy-backup", version, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write a backup repository's workflows, README and Dependabot configuration into a folder
    ///
    /// Asks on a terminal for what no flag gives, shows what it would change, and writes. A second
    /// run changes nothing; a file you edited, or one init did not write, is kept unless --force.
    Init(init::Args),
}

fn main() -> ExitCode {
    let matches = Cli::command().after_help(help::text()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match cli.command {
        None => ExitCode::from(app::run(&Environment::from_process())),
        Some(Command::Init(args)) => {
            let stdin = std::io::stdin();
            let interactive = stdin.is_terminal() && std::io::stdout().is_terminal();
            let mut input = stdin.lock();
            let mut out = std::io::stdout();
            let mut console = init::Console {
                input: &mut input,
                out: &mut out,
                interactive,
            };
            ExitCode::from(init::run(&args, &mut console, &mut std::io::stderr()))
        }
    }
}
