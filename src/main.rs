//! The `cognigy-backup` binary: `--help`, `--version`, or a run of the action configured by the
//! process's `INPUT_*` variables (see [`cognigy_backup_action::app`]).
//!
//! Exit status: 0 success, 1 the run failed, 2 invalid inputs or usage.

use std::process::ExitCode;

use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::action::help;
use cognigy_backup_action::app;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => ExitCode::from(app::run(&Environment::from_process())),
        Some("-h" | "--help") => {
            print!("{}", help::text());
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("cognigy-backup {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!(
                "cognigy-backup: unknown argument {other:?}; the configuration comes from INPUT_* variables (see --help)"
            );
            ExitCode::from(app::USAGE)
        }
    }
}
