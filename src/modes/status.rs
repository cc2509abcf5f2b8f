//! The status mode: the fleet read through the GitHub API ([`crate::fleet`]), written as the JSON
//! report (`cognigy-backup-status.json`, output `report-file`), the dashboard page
//! (`cognigy-backup-status.html`, output `dashboard-file`) and the step summary; output
//! `unhealthy` counts the yellow and red repositories. A repository that cannot be read is red,
//! not a failed run; only an owner whose repositories cannot be listed fails it.

use time::Duration;

use super::{Context, Error, Outcome};
use crate::action::commands::{Level, Outputs};
use crate::action::config::GithubApi;
use crate::escape::markdown;
use crate::fleet::{self, Fleet, health, probe};
use crate::notify::FleetNotice;

/// The report's name, in the workspace.
pub const REPORT_FILE: &str = "cognigy-backup-status.json";
/// The dashboard's name, in the workspace.
pub const DASHBOARD_FILE: &str = "cognigy-backup-status.html";

/// The status mode's configuration.
pub struct Status<'a> {
    pub github: &'a GithubApi,
    pub owner: &'a str,
    pub repo_prefix: &'a str,
    pub repositories: &'a [String],
    pub healthy_within: Duration,
    pub branch_prefix: &'a str,
}

pub fn run(status: Status<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let now = context.clock.now();
    let query = fleet::Query {
        api: status.github,
        owner: status.owner,
        prefix: status.repo_prefix,
        explicit: status.repositories,
        layout: probe::Layout {
            branch_prefix: status.branch_prefix.to_owned(),
            monthly_prefix: super::repo::MONTHLY_TAG_PREFIX.to_owned(),
        },
        healthy_within: status.healthy_within,
    };
    let fleet = super::runtime()?.block_on(fleet::read(query, now))?;

    let mut outputs = Outputs::default();
    let mut summary = fleet.summary();
    let mut report = serde_json::to_vec_pretty(&fleet.report()).unwrap_or_default();
    report.push(b'\n');
    let files = [
        (REPORT_FILE, "report-file", report),
        (
            DASHBOARD_FILE,
            "dashboard-file",
            fleet::dashboard::page(&fleet, now).into_bytes(),
        ),
    ];
    for (name, output, bytes) in files {
        let path = context.workspace.join(name);
        match std::fs::write(&path, bytes) {
            Ok(()) => {
                outputs.set(output, name);
                summary.push_str(&format!("\n{output}: {}\n", markdown::code(name)));
            }
            Err(e) => context.runner.annotate(
                Level::Warning,
                "Status file not written",
                &format!("{}: {e}", path.display()),
            ),
        }
    }
    outputs.set("unhealthy", fleet.unhealthy().to_string());
    Ok(Outcome {
        outputs,
        summary,
        figures: crate::metrics::Figures {
            repositories: Some(fleet.entries.len()),
            unhealthy: Some(fleet.unhealthy()),
            ..Default::default()
        },
        fleet: Some(notice(&fleet)),
        ..Outcome::default()
    })
}

/// The fleet summary a webhook gets.
fn notice(fleet: &Fleet) -> FleetNotice {
    FleetNotice {
        repositories: fleet.entries.len(),
        unhealthy: fleet
            .entries
            .iter()
            .filter(|e| e.health.level != health::Level::Green)
            .map(|e| {
                (
                    e.health.level.name(),
                    e.record.repository.clone(),
                    e.health.reason.clone(),
                )
            })
            .collect(),
        healthy: fleet.count(health::Level::Green),
    }
}
