//! The promote mode: for users who run promotion on their own schedule. Fetches the tiers, promotes
//! hourly -> daily -> weekly, makes the monthly tags, prunes every tier to its keep, and pushes it
//! all in one leased push, fetching again after a lost race. The backup mode does the same step
//! by itself when `promote` is on.

use std::time::Instant;

use crate::action::commands::Outputs;
use crate::action::config::{GithubApi, Keep, RepoConfig, Tier};

use super::promotion;
use super::releases;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary};

/// Promotes and prunes; answers the tiers as pushed.
pub fn run(config: &RepoConfig, keep: &Keep, github: &GithubApi, context: &Context<'_>) -> Result<Outcome, Error> {
    let started = Instant::now();
    let repo = Repo::open(config, &context.temp_dir, &context.mirror)?;
    let pushed = promotion::promote_remote(&repo, keep, context.clock.now())?;
    let (refs, promoted) = (&pushed.refs, &pushed.work);
    let tiers = promoted.tiers_updated(&repo, refs);
    releases::sync(
        &repo,
        releases::target(config, github),
        &promoted.tags,
        tiers.contains(&Tier::Monthly.name()),
        context,
    );

    let mut outputs = Outputs::default();
    outputs.set("changed", "false");
    outputs.set("tiers-updated", tiers.join(","));
    let mut md = String::from("## Cognigy backup: promotion\n\n");
    md.push_str(&summary::tiers_section(&repo, refs, &tiers));
    md.push_str(&summary::tiers_table(&repo, promoted));
    md.push_str(&format!(
        "\n{} objects ({} bytes) pushed in {:.1} s.\n",
        pushed.report.objects_sent,
        pushed.report.bytes_sent,
        started.elapsed().as_secs_f64()
    ));
    Ok(Outcome {
        outputs,
        summary: md,
        failure: None,
        ..Outcome::default()
    })
}
