//! The diff mode: what differs from one snapshot (`snapshot`) to another (`against`), or to the
//! live project (`against` empty), resource by resource down to the changed fields and lines, as a
//! restore's dry run shows them: in the summary and the JSON report [`REPORT_FILE`].
//!
//! Both sides take every selector `snapshot` takes ([`select`]); `latest` is the newest of `tier`
//! (hourly when empty), whichever side names it. Each snapshot's files must match its manifest.
//! Nothing is pushed; against the live project only reads are sent to Cognigy (the comparison is
//! [`compare_with_live`]'s, as verify's drift report), between two snapshots nothing at all.
//! Differences are what a diff is for: they do not fail the run (`ok` says whether there are any).

use serde::Serialize;

use crate::action::commands::Outputs;
use crate::action::config::{Against, RepoConfig, SnapshotSelector, Tier};
use crate::escape::markdown;
use crate::snapshot::compare::{self, Comparison, Words};

use super::live::{compare_with_live, scope};
use super::repo::Repo;
use super::restore::audit::Source;
use super::restore::select::{self, Selected};
use super::{Context, Error, Outcome, summary};

/// The JSON report's file name, in the workspace.
pub const REPORT_FILE: &str = "cognigy-backup-diff.json";

/// What the diff mode needs.
pub struct Diff<'a> {
    pub repo: &'a RepoConfig,
    /// The tier `latest` reads, on either side.
    pub tier: Tier,
    /// The side the comparison reads from.
    pub snapshot: &'a SnapshotSelector,
    /// The side it reads to.
    pub against: &'a Against,
    /// The kinds compared (`resources`).
    pub kinds: &'a [&'static str],
}

/// One side of a diff.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Side<'a> {
    Snapshot(Source),
    #[serde(rename_all = "camelCase")]
    Live {
        project_id: &'a str,
    },
}

impl Side<'_> {
    fn of(selected: &Selected) -> Self {
        Side::Snapshot(Source {
            snapshot_id: selected.snapshot_id.clone(),
            commit: selected.commit.to_string(),
            place: selected.place.clone(),
        })
    }

    /// The side in full, for the summary's first line.
    fn described(&self) -> String {
        match self {
            Side::Snapshot(s) => format!(
                "snapshot {} ({}, commit `{}`)",
                markdown::code(&s.snapshot_id),
                markdown::code(&s.place),
                &s.commit[..7.min(s.commit.len())]
            ),
            Side::Live { project_id } => format!("the live project {}", markdown::code(project_id)),
        }
    }

    /// The side in short, for the headings of the lists.
    fn short(&self) -> String {
        match self {
            Side::Snapshot(s) => markdown::code(&s.snapshot_id),
            Side::Live { .. } => "the live project".to_owned(),
        }
    }
}

/// The machine-readable report.
#[derive(Serialize)]
struct Json<'a> {
    from: &'a Side<'a>,
    to: &'a Side<'a>,
    comparison: &'a Comparison,
}

pub fn run(diff: Diff<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let repo = Repo::open(diff.repo, &context.temp_dir, &context.mirror)?;
    let refs = repo.fetch()?;
    let (from, from_files) = select::read(&repo, &refs, diff.tier, diff.snapshot)?;
    let (to, comparison) = match diff.against {
        Against::Snapshot(selector) => {
            let (to, to_files) = select::read(&repo, &refs, diff.tier, selector)?;
            (
                Side::of(&to),
                compare::compare(&from_files, &to_files, scope(diff.kinds)),
            )
        }
        Against::Live(cognigy) => {
            let named = format!("{} ({})", from.snapshot_id, from.place);
            let comparison = compare_with_live(&from_files, &named, cognigy, diff.kinds, context)?;
            (
                Side::Live {
                    project_id: &cognigy.project_id,
                },
                comparison,
            )
        }
    };
    let from_side = Side::of(&from);
    let json = Json {
        from: &from_side,
        to: &to,
        comparison: &comparison,
    };
    summary::write_report(context, REPORT_FILE, &json, "Diff report not written");

    let mut outputs = Outputs::default();
    outputs.set("snapshot-id", &from.snapshot_id);
    outputs.set("commit-sha", from.commit.to_string());
    outputs.set("changed", "false");
    outputs.set("ok", if comparison.is_empty() { "true" } else { "false" });
    outputs.set("changes", comparison.resources.len().to_string());
    outputs.set("report-file", REPORT_FILE);
    Ok(Outcome {
        outputs,
        summary: markdown(&from_side, &to, &comparison),
        ..Outcome::default()
    })
}

fn markdown(from: &Side<'_>, to: &Side<'_>, comparison: &Comparison) -> String {
    let count = comparison.resources.len();
    let title = match count {
        0 => "no differences".to_owned(),
        1 => "1 resource differs".to_owned(),
        n => format!("{n} resources differ"),
    };
    let (sent, checked) = match to {
        Side::Snapshot(_) => (
            "Nothing was sent to Cognigy",
            "Every file of both snapshots matches its manifest.",
        ),
        Side::Live { .. } => (
            "Only reads were sent to Cognigy",
            "Every file of the snapshot matches its manifest; credentials are not compared (the live export holds \
             them redacted).",
        ),
    };
    let mut md = format!(
        "## Cognigy diff: {title}\n\nFrom {} to {}. {checked} {sent}, and nothing was pushed.\n\n",
        from.described(),
        to.described()
    );
    if comparison.is_empty() {
        md.push_str("Nothing differs between them in the kinds compared.\n\n");
    } else {
        let (from, to) = (from.short(), to.short());
        let (added, removed, modified) = (
            format!("In {to}, not in {from}"),
            format!("In {from}, not in {to}"),
            format!("Changed from {from} to {to}"),
        );
        md.push_str(&format!(
            "### Differences from {from} to {to}\n\n{}.\n\n{}",
            comparison.headline(),
            comparison.markdown(&Words {
                added: &added,
                removed: &removed,
                modified: &modified,
            })
        ));
    }
    md.push_str(&format!(
        "The machine-readable report is `{REPORT_FILE}` in the workspace (output `report-file`).\n"
    ));
    md
}
