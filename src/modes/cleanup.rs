//! The cleanup mode: enforces the keeps (also after a user lowered them) with the same promotion
//! step the backup runs, which deletes monthly tags beyond `keep-monthly` and, through the release
//! sync, their releases; deletes the Cognigy-side snapshots that interrupted runs left behind (only
//! this tool's, by name, older than an hour); and reports each tier's span and the snapshot data's
//! size.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::action::commands::Outputs;
use crate::action::config::{CognigyConfig, GithubApi, Keep, RepoConfig, Tier, is_snapshot_id};
use crate::cognigy::{self, Client, native};
use crate::escape::markdown;
use crate::store::{self, ObjectId};

use super::promotion::{self, Promoted, chain_of};
use super::releases;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary};

/// A native snapshot of this tool's younger than this may belong to a backup still running.
const LEFTOVER_AGE: time::Duration = time::Duration::hours(1);

/// What cleanup needs.
pub struct Cleanup<'a> {
    pub repo: &'a RepoConfig,
    pub keep: &'a Keep,
    pub github: &'a GithubApi,
    pub cognigy: Option<&'a CognigyConfig>,
}

pub fn run(cleanup: Cleanup<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let now = context.clock.now();
    let repo = Repo::open(cleanup.repo, &context.temp_dir, &context.mirror)?;
    let pushed = promotion::promote_remote(&repo, cleanup.keep, now)?;
    let (refs, promoted) = (pushed.refs, pushed.work);
    let tiers = promoted.tiers_updated(&repo, &refs);
    let tags_changed = tiers.contains(&Tier::Monthly.name());
    releases::sync(
        &repo,
        releases::target(cleanup.repo, cleanup.github),
        &promoted.tags,
        tags_changed,
        context,
    );
    let deleted = match cleanup.cognigy {
        Some(cognigy) => delete_leftovers(cognigy, now)?,
        None => Vec::new(),
    };

    let mut outputs = Outputs::default();
    outputs.set("changed", "false");
    outputs.set("tiers-updated", tiers.join(","));
    let mut md = String::from("## Cognigy backup: cleanup\n\n");
    md.push_str(&summary::tiers_section(&repo, &refs, &tiers));
    md.push_str(&spans(&repo, &promoted)?);
    md.push_str(&match (cleanup.cognigy, deleted.as_slice()) {
        (None, _) => "\nCognigy-side snapshots were not checked (no cognigy-api-key given).\n".to_owned(),
        (Some(_), []) => "\nNo Cognigy-side snapshot was left behind by an interrupted run.\n".to_owned(),
        (Some(_), names) => format!(
            "\nDeleted {} Cognigy-side snapshot(s) left behind by interrupted runs: {}.\n",
            names.len(),
            names.iter().map(|n| markdown::code(n)).collect::<Vec<_>>().join(", ")
        ),
    });
    Ok(Outcome {
        outputs,
        summary: md,
        failure: None,
        ..Outcome::default()
    })
}

/// Deletes this tool's Cognigy-side snapshots older than [`LEFTOVER_AGE`]; answers their names.
fn delete_leftovers(config: &CognigyConfig, now: OffsetDateTime) -> Result<Vec<String>, cognigy::Error> {
    let runtime = super::runtime().map_err(|e| cognigy::Error::Setup(e.to_string()))?;
    let client = Arc::new(Client::new(config)?);
    runtime.block_on(async {
        let cutoff = (now - LEFTOVER_AGE).unix_timestamp();
        let mut deleted = Vec::new();
        for snapshot in native::list(&client).await? {
            let ours = snapshot
                .name
                .strip_prefix(native::NAME_PREFIX)
                .is_some_and(is_snapshot_id);
            // A snapshot whose age is unknown may belong to a backup still running: it stays.
            if ours && snapshot.created_at.is_some_and(|created| created < cutoff) {
                native::delete(&client, &snapshot.name, &snapshot.id).await?;
                deleted.push(snapshot.name);
            }
        }
        Ok(deleted)
    })
}

/// Each tier's count and the capture times it spans, and the size of the snapshot data.
fn spans(repo: &Repo, promoted: &Promoted) -> Result<String, store::Error> {
    let mut md = String::from("| tier | snapshots | oldest | newest |\n|---|---:|---|---|\n");
    let time_of = |seconds: i64| {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(summary::rfc3339)
            .unwrap_or_default()
    };
    for (tier, tip) in [
        (Tier::Hourly, promoted.hourly),
        (Tier::Daily, promoted.daily),
        (Tier::Weekly, promoted.weekly),
    ] {
        let chain = chain_of(repo, tip)?;
        let (oldest, newest) = match (chain.first(), chain.last()) {
            (Some(first), Some(last)) => (
                time_of(first.commit.committed.seconds),
                time_of(last.commit.committed.seconds),
            ),
            _ => Default::default(),
        };
        md.push_str(&format!(
            "| `{}` | {} | {oldest} | {newest} |\n",
            repo.branch_name(tier),
            chain.len()
        ));
    }
    let tags: Vec<(&String, &ObjectId)> = promoted.tags.iter().collect();
    let (first, last) = (tags.first().map(|t| t.0.as_str()), tags.last().map(|t| t.0.as_str()));
    md.push_str(&format!(
        "| monthly tags | {} | {} | {} |\n",
        tags.len(),
        first.unwrap_or_default(),
        last.unwrap_or_default()
    ));
    let tips: Vec<ObjectId> = [promoted.hourly, promoted.daily, promoted.weekly]
        .into_iter()
        .flatten()
        .chain(promoted.tags.values().copied())
        .collect();
    let (objects, bytes) = repo.store.reachable_size(&tips)?;
    md.push_str(&summary::storage_line(objects, bytes));
    Ok(md)
}
