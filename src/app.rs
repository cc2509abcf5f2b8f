//! The program, from an environment to an exit status: read the inputs as the runner passes them,
//! mask the secrets, validate (the inputs, and the CA certificates the HTTPS clients will trust)
//! before any network I/O, run the mode, and report through the runner's file commands. `main`
//! calls it with the process's environment; the demo and the simulations call it in-process with
//! their own.

use crate::action::commands::{self, Level, Outputs, Runner};
use crate::action::config::{self, Against, Config, InputError, ModeConfig, RunnerEnv};
use crate::action::environment::Environment;
use crate::action::inputs::RawInputs;
use crate::clock::Clock;
use crate::escape::markdown;
use crate::{crash, logging, metrics, modes, notify, store, tls};

/// Exit status of a run that succeeded.
pub const SUCCESS: u8 = 0;
/// Exit status of a run that failed (nothing was pushed).
pub const FAILURE: u8 = 1;
/// Exit status of invalid inputs or usage (no request was made).
pub const USAGE: u8 = 2;

/// Runs the action in `env`; answers the exit status. A panic is a failure like any other.
pub fn run(env: &Environment) -> u8 {
    let runner = Runner::from_env(env);
    let on_panic = runner.clone();
    let report = move |panic: &str| {
        let message = format!(
            "an internal error stopped the run: {panic}. This is a bug of cognigy-backup {}: please report it with \
             this message",
            env!("CARGO_PKG_VERSION")
        );
        fail(&on_panic, "cognigy-backup", &message, Outputs::default())
    };
    crash::guard(report, || run_in(env, &runner))
}

fn run_in(env: &Environment, runner: &Runner) -> u8 {
    // Read the inputs first: that registers the secrets, which are masked before anything prints.
    let raw = match RawInputs::from_env(env) {
        Ok(raw) => raw,
        Err(e) => {
            runner.annotate(Level::Error, "Invalid inputs", &e.to_string());
            return USAGE;
        }
    };
    crate::offsite::mask_credentials(env);
    runner.mask_secrets();
    logging::init(config::requested_log_format(&raw), env.var("RUNNER_DEBUG") == Some("1"));

    let clock = match Clock::from_env(env) {
        Ok(clock) => clock,
        Err(e) => {
            runner.annotate(Level::Error, "Invalid clock", &e.to_string());
            return USAGE;
        }
    };
    let runner_env = RunnerEnv::from_env(env);
    let config = match config::validate(&raw, &runner_env) {
        Ok(config) => config,
        Err(errors) => return refuse(runner, &errors),
    };
    if let Err(problem) = tls::check_ca_certificates() {
        return refuse_ca_certificates(runner, &problem);
    }
    let commit_url_base = match (&runner_env.github_server_url, repository(&config)) {
        (Some(server), Some(repository)) => Some(format!("{}/{repository}", server.trim_end_matches('/'))),
        _ => None,
    };
    let context = modes::Context {
        runner,
        clock,
        commit_url_base,
        temp_dir: env.temp_dir(),
        workspace: env.workspace_dir(),
        run: run_info(env),
        mirror: modes::mirror::Log::default(),
    };
    run_mode(&context, &config)
}

/// The actor and URL of this workflow run, where the runner tells them.
fn run_info(env: &Environment) -> modes::RunInfo {
    let url = match (
        env.var("GITHUB_SERVER_URL"),
        env.var("GITHUB_REPOSITORY"),
        env.var("GITHUB_RUN_ID"),
    ) {
        (Some(server), Some(repository), Some(run)) => Some(format!(
            "{}/{repository}/actions/runs/{run}",
            server.trim_end_matches('/')
        )),
        _ => None,
    };
    modes::RunInfo {
        actor: env.var("GITHUB_ACTOR").map(str::to_owned),
        url,
    }
}

/// Reports every invalid input, having made no request.
fn refuse(runner: &Runner, errors: &[InputError]) -> u8 {
    let mut summary = String::from("## cognigy-backup: invalid inputs\n\nNothing was run. Fix these inputs:\n\n");
    for error in errors {
        runner.annotate(
            Level::Error,
            &format!("Invalid input {}", error.input),
            &error.to_string(),
        );
        let value = error
            .value
            .as_ref()
            .map(|value| format!(" is {}", markdown::code(&format!("{value:?}"))))
            .unwrap_or_default();
        summary.push_str(&format!("- input `{}`{value}: {}\n", error.input, error.problem));
    }
    report(runner, Outputs::default(), &summary);
    USAGE
}

/// Reports CA certificates (`SSL_CERT_FILE`, `SSL_CERT_DIR`) that cannot be used, having made no request.
fn refuse_ca_certificates(runner: &Runner, problem: &str) -> u8 {
    runner.annotate(Level::Error, "Invalid CA certificates", problem);
    let summary = format!(
        "## cognigy-backup: invalid CA certificates\n\nNothing was run. {}\n",
        markdown::text(problem)
    );
    report(runner, Outputs::default(), &summary);
    USAGE
}

/// The `owner/name` of the snapshot repository, when the mode has one.
fn repository(config: &Config) -> Option<&str> {
    match &config.mode {
        ModeConfig::Backup { repo, .. }
        | ModeConfig::Promote { repo, .. }
        | ModeConfig::Cleanup { repo, .. }
        | ModeConfig::Restore { repo, .. }
        | ModeConfig::Verify { repo, .. }
        | ModeConfig::Setup { repo, .. }
        | ModeConfig::Drill { repo, .. }
        | ModeConfig::Diff { repo, .. } => repo.repository.as_deref(),
        ModeConfig::Status { .. } => None,
    }
}

fn run_mode(context: &modes::Context<'_>, config: &Config) -> u8 {
    let runner = context.runner;
    let mode = config.mode.mode();
    let started = (context.clock.now(), std::time::Instant::now());
    let result = modes::run(config, context);
    let status = match &result {
        Ok(outcome) => match &outcome.failure {
            None => match outcome.stale_days {
                Some(days) => notify::Status::Stale(days),
                None => success_status(&outcome.outputs),
            },
            Some(why) => notify::Status::Failed(why.clone()),
        },
        Err(error) => notify::Status::Failed(error.to_string()),
    };
    let outcome = result.as_ref().ok();
    let snapshot_id = outcome
        .and_then(|o| o.outputs.get("snapshot-id"))
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    let metrics = metrics::Metrics {
        tool: "cognigy-backup",
        version: env!("CARGO_PKG_VERSION"),
        mode: mode.to_string(),
        outcome: match status {
            notify::Status::Failed(_) => "failed",
            notify::Status::Changed => "changed",
            notify::Status::Unchanged | notify::Status::Stale(_) => "unchanged",
        },
        started: modes::summary::rfc3339(started.0),
        duration_seconds: started.1.elapsed().as_secs_f64(),
        project: project(config),
        snapshot_id: snapshot_id.as_deref(),
        figures: &outcome.map(|o| o.figures.clone()).unwrap_or_default(),
    };
    let mut outputs = outcome.map(|o| o.outputs.clone()).unwrap_or_default();
    match metrics::write(&context.workspace, &metrics) {
        Ok(file) => outputs.set("metrics-file", file),
        Err(why) => runner.annotate(Level::Warning, "Metrics file not written", &why),
    }
    let code = match &result {
        Ok(outcome) => {
            report(runner, outputs, &outcome.summary);
            match &outcome.failure {
                None => SUCCESS,
                Some(why) => {
                    runner.annotate(Level::Error, &format!("cognigy-backup {mode} failed"), why);
                    FAILURE
                }
            }
        }
        Err(error) => fail(runner, &format!("cognigy-backup {mode}"), &error.to_string(), outputs),
    };
    let (changes, fleet) = result.ok().map(|o| (o.changes, o.fleet)).unwrap_or_default();
    let notice = notify::Notice {
        mode,
        status,
        project: project(config).map(str::to_owned),
        repository: repository(config).map(str::to_owned),
        snapshot_id,
        run_url: context.run.url.clone(),
        changes,
        fleet,
    };
    notify::send(&config.notify, &notice, runner);
    code
}

/// A successful run's status from its outputs: a new snapshot (`changed`) or an applied restore
/// (`applied`) changed something.
fn success_status(outputs: &Outputs) -> notify::Status {
    if outputs.get("changed") == Some("true") || outputs.get("applied") == Some("true") {
        notify::Status::Changed
    } else {
        notify::Status::Unchanged
    }
}

/// The Cognigy project the mode works on, when it has one.
fn project(config: &Config) -> Option<&str> {
    match &config.mode {
        ModeConfig::Backup { cognigy, .. } => Some(&cognigy.project_id),
        ModeConfig::Setup { cognigy, .. } => cognigy.as_ref().map(|c| c.project_id.as_str()),
        ModeConfig::Restore {
            cognigy,
            target_project_id,
            ..
        } => Some(if target_project_id.is_empty() {
            &cognigy.project_id
        } else {
            target_project_id
        }),
        ModeConfig::Cleanup { cognigy, .. } => cognigy.as_ref().map(|c| c.project_id.as_str()),
        ModeConfig::Verify { live, .. } => live.as_ref().map(|(c, _)| c.project_id.as_str()),
        // The project whose snapshot was drilled, not the staging project it went into.
        ModeConfig::Drill { source_project_id, .. } => Some(source_project_id),
        ModeConfig::Diff { against, .. } => match against {
            Against::Live(cognigy) => Some(&cognigy.project_id),
            Against::Snapshot(_) => None,
        },
        ModeConfig::Promote { .. } | ModeConfig::Status { .. } => None,
    }
}

/// Reports a run that stopped at an error: the annotation, and a summary that says what was pushed;
/// `outputs` holds what is known besides (the metrics file).
fn fail(runner: &Runner, what: &str, message: &str, mut outputs: Outputs) -> u8 {
    runner.annotate(Level::Error, &format!("{what} failed"), message);
    let pushed = match store::pushes_completed() {
        0 => "Nothing was committed or pushed: earlier snapshots are untouched.",
        _ => {
            "Nothing was pushed after the failure, and every push is all or nothing: the snapshot repository holds \
             no partial change, and earlier snapshots are untouched."
        }
    };
    let summary = format!("## {what} failed\n\n{}\n\n{pushed}\n", markdown::text(message));
    outputs.set("changed", "false");
    report(runner, outputs, &summary);
    FAILURE
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
