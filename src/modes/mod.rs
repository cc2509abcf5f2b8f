//! The modes: thin orchestration over the export, snapshot and store parts.
//!
//! Each mode module takes the typed configuration of its mode and a [`Context`], and answers an
//! [`Outcome`] (outputs and the step summary) or an [`Error`]; `main` reports either.

pub mod backup;
pub mod capture;
pub mod cleanup;
pub mod diff;
pub mod drill;
pub mod export_run;
pub mod incremental;
pub mod live;
pub mod mirror;
pub mod offsite;
pub mod promote;
pub mod promotion;
pub mod releases;
pub mod repo;
pub mod restore;
pub mod setup;
pub mod status;
pub mod summary;
pub mod trail;
pub mod verify;

use crate::action::commands::{Outputs, Runner};
use crate::action::config::{Config, ModeConfig};
use crate::clock::Clock;
use crate::{cognigy, store};

/// What a run that got to its end reports: its outputs, the markdown of its step summary, and
/// whether it failed all the same (a verify that found damage, a restore that failed after its undo
/// point was pushed). A failed outcome's summary says itself what was and was not pushed.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub outputs: Outputs,
    pub summary: String,
    /// `Some(why)`: the run fails (exit 1) with this message as its error annotation.
    pub failure: Option<String>,
    /// What a new snapshot changed, resource by resource, for notifications.
    pub changes: Option<crate::snapshot::diff::Changes>,
    /// What the run measured, for the metrics file.
    pub figures: crate::metrics::Figures,
    /// A backup of a project unchanged for this many days (`stale-after-days`) that is due to
    /// send the stale notice.
    pub stale_days: Option<u32>,
    /// A status run's fleet summary, for notifications.
    pub fleet: Option<crate::notify::FleetNotice>,
}

/// Why a run failed. Every message says what failed and what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Cognigy(#[from] cognigy::Error),

    #[error(transparent)]
    Store(#[from] store::Error),

    #[error(
        "other runs kept pushing to the snapshot repository first ({attempts} attempts); nothing of this run was \
         pushed. Make sure the workflow has a `concurrency` group so that backups of one project do not overlap"
    )]
    Race { attempts: u32 },

    #[error(transparent)]
    Fleet(#[from] crate::fleet::ListError),

    #[error(transparent)]
    Clock(#[from] crate::retention::ClockBehind),

    /// A part the previous snapshot held items of is not available any more: nothing was pushed.
    #[error("{0}")]
    LostPart(String),

    /// The chosen snapshot cannot be used as asked; says what exists and what to set.
    #[error("{0}")]
    Selection(String),

    #[error("could not start the async runtime: {0}")]
    Runtime(String),
}

/// Everything a mode may use besides its configuration.
pub struct Context<'a> {
    pub runner: &'a Runner,
    pub clock: Clock,
    /// `https://github.com/<owner>/<name>`, for links in the summary, when known.
    pub commit_url_base: Option<String>,
    /// Where temporary files go (`RUNNER_TEMP`, else the system's).
    pub temp_dir: std::path::PathBuf,
    /// Where reports for later steps go (`GITHUB_WORKSPACE`, else the working directory): the
    /// same folder inside the container and on the runner.
    pub workspace: std::path::PathBuf,
    /// Who started the run and where to see it, for the restore audit log.
    pub run: RunInfo,
    /// What the run's pushes did to the mirror remote, if one is configured.
    pub mirror: mirror::Log,
}

/// Who started this run and its URL, as the runner tells (`GITHUB_ACTOR`, `GITHUB_SERVER_URL`,
/// `GITHUB_REPOSITORY`, `GITHUB_RUN_ID`); `None` outside Actions.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub actor: Option<String>,
    pub url: Option<String>,
}

/// Runs the configured mode; the report tells how the mirror stands after its pushes.
pub fn run(config: &Config, context: &Context<'_>) -> Result<Outcome, Error> {
    let mut result = run_mode(config, context);
    mirror::report(&context.mirror, &mut result, context.runner);
    result
}

fn run_mode(config: &Config, context: &Context<'_>) -> Result<Outcome, Error> {
    match &config.mode {
        ModeConfig::Backup {
            cognigy,
            export,
            repo,
            keep,
            secrets,
            promote,
            offsite,
            record_editors,
            full_export_every,
        } => backup::run(
            backup::Backup {
                cognigy,
                export,
                repo,
                keep: *keep,
                secrets,
                releases: promote.as_ref(),
                record_editors: *record_editors,
                full_export_every: *full_export_every,
                stale_after_days: config.notify.webhook.as_ref().and(config.notify.stale_after_days),
                offsite: offsite.as_deref(),
            },
            context,
        ),
        ModeConfig::Promote { repo, keep, github } => promote::run(repo, keep, github, context),
        ModeConfig::Cleanup {
            repo,
            keep,
            github,
            cognigy,
        } => cleanup::run(
            cleanup::Cleanup {
                repo,
                keep,
                github,
                cognigy: cognigy.as_ref(),
            },
            context,
        ),
        ModeConfig::Restore {
            cognigy,
            repo,
            tier,
            snapshot,
            dry_run,
            confirm,
            method,
            target_project_id,
            kinds,
            keep,
            secrets,
            identity,
        } => restore::run(
            restore::Restore {
                cognigy,
                repo,
                tier: *tier,
                snapshot,
                dry_run: *dry_run,
                confirm: confirm.as_ref(),
                method: *method,
                target_project_id,
                kinds,
                keep: *keep,
                secrets,
                identity: identity.as_ref(),
            },
            context,
        ),
        ModeConfig::Verify {
            repo,
            tier,
            keep,
            github,
            live,
        } => verify::run(
            verify::Verify {
                repo,
                tier: *tier,
                keep,
                github,
                live: live.as_ref().map(|(cognigy, export)| (cognigy, export)),
            },
            context,
        ),
        ModeConfig::Setup {
            cognigy,
            missing,
            repo,
            github,
        } => setup::run(
            setup::Setup {
                cognigy: cognigy.as_ref(),
                missing,
                repo,
                github,
            },
            context,
        ),
        ModeConfig::Drill {
            target,
            source_project_id,
            repo,
            tier,
            snapshot,
        } => drill::run(
            drill::Drill {
                target,
                source_project_id,
                repo,
                tier: *tier,
                snapshot,
            },
            context,
        ),
        ModeConfig::Diff {
            repo,
            tier,
            snapshot,
            against,
            kinds,
        } => diff::run(
            diff::Diff {
                repo,
                tier: *tier,
                snapshot,
                against,
                kinds,
            },
            context,
        ),
        ModeConfig::Status {
            github,
            owner,
            repo_prefix,
            repositories,
            healthy_within,
            branch_prefix,
        } => status::run(
            status::Status {
                github,
                owner,
                repo_prefix,
                repositories,
                healthy_within: *healthy_within,
                branch_prefix,
            },
            context,
        ),
    }
}

/// The runtime the Cognigy client runs on. Git work happens outside it (gix's HTTP transport is
/// blocking and has a runtime of its own).
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(e.to_string()))
}
