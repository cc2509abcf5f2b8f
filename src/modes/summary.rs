//! Pieces of the step summary that several modes share: links, tables of counts and of the run's
//! figures, and the JSON report a mode leaves in the workspace.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Context;
use super::promotion::Promoted;
use super::repo::Repo;
use crate::action::commands::Level;
use crate::action::config::Tier;
use crate::cognigy::client::StatsReport;
use crate::escape::markdown;
use crate::store::{ObjectId, PushReport, Remote, RemoteRefs};

/// `abc1234`, linked to the commit on GitHub when the run is on GitHub and the repository is known.
pub fn commit_link(context: &Context<'_>, remote: &Remote, commit: ObjectId) -> String {
    let short = commit.to_hex_with_len(7).to_string();
    match (&context.commit_url_base, context.runner.on_actions) {
        (Some(base), true) => format!("[`{short}`]({base}/commit/{commit})"),
        _ => format!("`{short}` in {}", markdown::code(&remote.display())),
    }
}

/// Writes `report` as pretty JSON to `file` in the workspace (for later steps, output
/// `report-file`); a failure is a warning titled `title`, not a failed run.
pub fn write_report(context: &Context<'_>, file: &str, report: &impl Serialize, title: &str) {
    let path = context.workspace.join(file);
    let mut bytes = serde_json::to_vec_pretty(report).expect("a report always serialises");
    bytes.push(b'\n');
    if let Err(e) = std::fs::write(&path, bytes) {
        context
            .runner
            .annotate(Level::Warning, title, &format!("{}: {e}", path.display()));
    }
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// Which tiers this run updated, or that none was.
pub fn tiers_section(repo: &Repo, refs: &RemoteRefs, updated: &[&str]) -> String {
    if updated.is_empty() {
        return "Nothing was pushed: every tier was already up to date.\n\n".to_owned();
    }
    let names: Vec<String> = updated
        .iter()
        .map(|tier| match *tier {
            "monthly" => "monthly tags".to_owned(),
            tier => format!("`{}{tier}`", repo.prefix()),
        })
        .collect();
    let was = if refs.0.is_empty() {
        " (a new snapshot repository)"
    } else {
        ""
    };
    format!("Updated: {}{was}.\n\n", names.join(", "))
}

/// Each tier's tip and its monthly tags, as a table.
pub fn tiers_table(repo: &Repo, promoted: &Promoted) -> String {
    let mut md = String::from("| tier | tip |\n|---|---|\n");
    for (tier, tip) in [
        (Tier::Hourly, promoted.hourly),
        (Tier::Daily, promoted.daily),
        (Tier::Weekly, promoted.weekly),
    ] {
        let tip = tip.map_or("(empty)".to_owned(), |id| format!("`{}`", id.to_hex_with_len(7)));
        md.push_str(&format!("| `{}` | {tip} |\n", repo.branch_name(tier)));
    }
    let tags: Vec<String> = promoted.tags.keys().map(|tag| markdown::text(tag)).collect();
    md.push_str(&format!(
        "| monthly tags | {} |\n",
        if tags.is_empty() {
            "(none yet)".to_owned()
        } else {
            tags.join(", ")
        }
    ));
    md
}

/// Resources per kind.
pub fn counts_table(counts: &BTreeMap<String, usize>) -> String {
    let mut md = String::from("### Resources\n\n| kind | count |\n|---|---:|\n");
    for (kind, count) in counts {
        md.push_str(&format!("| {} | {count} |\n", markdown::text(kind)));
    }
    md.push('\n');
    md
}

/// Requests to Cognigy, timings and what was pushed.
/// What the snapshots kept take: `objects` git objects of `bytes` before compression.
pub fn storage_line(objects: usize, bytes: u64) -> String {
    format!(
        "\nThe snapshots kept (every tier and tag) take {objects} git objects, {} KiB before compression.\n",
        bytes.div_ceil(1024)
    )
}

pub fn run_table(stats: StatsReport, export: Duration, git: Duration, pushed: &PushReport) -> String {
    let mut md = String::from("### Run\n\n| | |\n|---|---:|\n");
    md.push_str(&format!("| requests to Cognigy | {} |\n", stats.sent));
    md.push_str(&format!("| retried | {} |\n", stats.retried));
    md.push_str(&format!("| rate-limited (429) | {} |\n", stats.rate_limited));
    md.push_str(&format!("| export time | {:.1} s |\n", export.as_secs_f64()));
    md.push_str(&format!("| git time | {:.1} s |\n", git.as_secs_f64()));
    md.push_str(&format!("| objects pushed | {} |\n", pushed.objects_sent));
    md.push_str(&format!("| bytes pushed | {} |\n", pushed.bytes_sent));
    md
}
