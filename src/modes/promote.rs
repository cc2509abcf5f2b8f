//! The promote mode: for users who run promotion on their own schedule. Fetches the tiers, promotes
//! hourly -> daily -> weekly, makes the monthly tags, prunes every tier to its keep, and pushes it
//! all in one leased push, fetching again after a lost race. The backup mode does the same step
//! by itself when `promote` is on.

use std::time::Instant;

use crate::action::commands::Outputs;
use crate::action::config::{GithubApi, Keep, RepoConfig, Tier};
use crate::store::{self, PushReport, RemoteRefs};

use super::backup::MAX_PUSH_ATTEMPTS;
use super::promotion::{self, Promoted};
use super::releases;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary};

/// Promotes and prunes; answers the tiers as pushed.
pub fn run(config: &RepoConfig, keep: &Keep, github: &GithubApi, context: &Context<'_>) -> Result<Outcome, Error> {
    let started = Instant::now();
    let repo = Repo::open(config, &context.temp_dir)?;
    for attempt in 1..=MAX_PUSH_ATTEMPTS {
        let refs = repo.fetch()?;
        let promoted = promotion::promote(
            &repo,
            &refs,
            refs.get(&repo.branch(Tier::Hourly)),
            keep,
            context.clock.now(),
        )?;
        match repo.store.push(&repo.remote, &promoted.updates(&repo, &refs)) {
            Ok(pushed) => {
                let tags_changed = promoted.tiers_updated(&repo, &refs).contains(&Tier::Monthly.name());
                releases::sync(
                    &repo,
                    releases::target(config, github),
                    &promoted.tags,
                    tags_changed,
                    context,
                );
                return Ok(outcome(&repo, &refs, &promoted, &pushed, started));
            }
            Err(store::Error::LeaseRefused { .. }) if attempt < MAX_PUSH_ATTEMPTS => {
                tracing::warn!(
                    "another run pushed to {} first; fetching again (attempt {attempt})",
                    repo.remote.display()
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Race {
        attempts: MAX_PUSH_ATTEMPTS,
    })
}

fn outcome(repo: &Repo, refs: &RemoteRefs, promoted: &Promoted, pushed: &PushReport, started: Instant) -> Outcome {
    let tiers = promoted.tiers_updated(repo, refs);
    let mut outputs = Outputs::default();
    outputs.set("changed", "false");
    outputs.set("tiers-updated", tiers.join(","));
    let mut md = String::from("## Cognigy backup: promotion\n\n");
    md.push_str(&summary::tiers_section(repo, refs, &tiers));
    md.push_str(&summary::tiers_table(repo, promoted));
    md.push_str(&format!(
        "\n{} objects ({} bytes) pushed in {:.1} s.\n",
        pushed.objects_sent,
        pushed.bytes_sent,
        started.elapsed().as_secs_f64()
    ));
    Outcome { outputs, summary: md }
}
