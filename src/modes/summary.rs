//! Pieces of the step summary that several modes share: links, tables of counts and of the run's
//! figures.

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Context;
use crate::cognigy::client::StatsReport;
use crate::store::{ObjectId, PushReport, Remote};

/// `abc1234`, linked to the commit on GitHub when the run is on GitHub and the repository is known.
pub fn commit_link(context: &Context<'_>, remote: &Remote, commit: ObjectId) -> String {
    let short = commit.to_hex_with_len(7).to_string();
    match (&context.commit_url_base, context.runner.on_actions) {
        (Some(base), true) => format!("[`{short}`]({base}/commit/{commit})"),
        _ => format!("`{short}` in {}", remote.display()),
    }
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// Resources per kind.
pub fn counts_table(counts: &BTreeMap<String, usize>) -> String {
    let mut md = String::from("### Resources\n\n| kind | count |\n|---|---:|\n");
    for (kind, count) in counts {
        md.push_str(&format!("| {kind} | {count} |\n"));
    }
    md.push('\n');
    md
}

/// Requests to Cognigy, timings and what was pushed.
pub fn run_table(stats: StatsReport, export: Duration, git: Duration, pushed: Option<&PushReport>) -> String {
    let mut md = String::from("### Run\n\n| | |\n|---|---:|\n");
    md.push_str(&format!("| requests to Cognigy | {} |\n", stats.sent));
    md.push_str(&format!("| retried | {} |\n", stats.retried));
    md.push_str(&format!("| rate-limited (429) | {} |\n", stats.rate_limited));
    md.push_str(&format!("| export time | {:.1} s |\n", export.as_secs_f64()));
    md.push_str(&format!("| git time | {:.1} s |\n", git.as_secs_f64()));
    if let Some(pushed) = pushed {
        md.push_str(&format!("| objects pushed | {} |\n", pushed.objects_sent));
        md.push_str(&format!("| bytes pushed | {} |\n", pushed.bytes_sent));
    }
    md
}
