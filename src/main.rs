//! The `cognigy-backup` binary: reads the inputs as the runner passes them, validates them before
//! any network I/O, runs the mode and reports through the runner's file commands.
//!
//! Exit status: 0 success, 1 the run failed, 2 invalid inputs or usage.

use std::process::ExitCode;

use cognigy_backup_action::action::commands::{self, Level, Outputs, Runner};
use cognigy_backup_action::action::config::{self, Config, InputError, RunnerEnv};
use cognigy_backup_action::action::help;
use cognigy_backup_action::action::inputs::RawInputs;
use cognigy_backup_action::clock::Clock;
use cognigy_backup_action::{logging, modes};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help") => {
            print!("{}", help::text());
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("cognigy-backup {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!(
                "cognigy-backup: unknown argument {other:?}; the configuration comes from INPUT_* variables (see --help)"
            );
            return ExitCode::from(2);
        }
    }

    let runner = Runner::from_env();
    // Read the inputs first: that registers the secrets, which are masked before anything prints.
    let raw = match RawInputs::from_env() {
        Ok(raw) => raw,
        Err(e) => {
            runner.annotate(Level::Error, "Invalid inputs", &e.to_string());
            return ExitCode::from(2);
        }
    };
    runner.mask_secrets();
    logging::init(config::requested_log_format(&raw));

    let clock = match Clock::from_env() {
        Ok(clock) => clock,
        Err(e) => {
            runner.annotate(Level::Error, "Invalid clock", &e.to_string());
            return ExitCode::from(2);
        }
    };
    let config = match config::validate(&raw, &RunnerEnv::from_env()) {
        Ok(config) => config,
        Err(errors) => return refuse(&runner, &errors),
    };
    run(&runner, clock, &config)
}

/// Reports every invalid input and exits 2, having made no request.
fn refuse(runner: &Runner, errors: &[InputError]) -> ExitCode {
    let mut summary = String::from("## cognigy-backup: invalid inputs\n\nNothing was run. Fix these inputs:\n\n");
    for error in errors {
        runner.annotate(
            Level::Error,
            &format!("Invalid input {}", error.input),
            &error.to_string(),
        );
        summary.push_str(&format!("- {error}\n"));
    }
    report(runner, Outputs::default(), &summary);
    ExitCode::from(2)
}

fn run(runner: &Runner, clock: Clock, config: &Config) -> ExitCode {
    let mode = config.mode.mode();
    let context = modes::Context { runner, clock };
    // Notifications (webhook-url, notify-on) will be sent here, from the outcome of either branch.
    match modes::run(config, &context) {
        Ok(outcome) => {
            report(runner, outcome.outputs, &outcome.summary);
            ExitCode::SUCCESS
        }
        Err(error) => {
            let message = error.to_string();
            runner.annotate(Level::Error, &format!("cognigy-backup {mode} failed"), &message);
            let summary = format!(
                "## cognigy-backup {mode} failed\n\n{message}\n\nNothing was committed or pushed: earlier snapshots are untouched.\n"
            );
            let mut outputs = Outputs::default();
            outputs.set("changed", "false");
            report(runner, outputs, &summary);
            ExitCode::FAILURE
        }
    }
}

/// Writes the step summary and the outputs (with `summary` among them).
fn report(runner: &Runner, mut outputs: Outputs, summary: &str) {
    let summary = commands::fit_summary(summary);
    outputs.set("summary", summary.trim_end());
    if let Err(e) = runner.write_summary(&summary) {
        runner.annotate(
            Level::Warning,
            "Step summary not written",
            &format!("GITHUB_STEP_SUMMARY: {e}"),
        );
    }
    if let Err(e) = runner.write_outputs(&outputs) {
        runner.annotate(Level::Error, "Outputs not written", &format!("GITHUB_OUTPUT: {e}"));
    }
}
