//! The backup mode: export the project, build the snapshot, compare its `project/` tree with the
//! hourly tip's, commit it to `<prefix>hourly` when it changed, promote (when `promote` is on), and
//! push every ref change in one leased push. A run that loses a race fetches again and re-applies
//! its snapshot, in capture order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::action::commands::{Level, Outputs};
use crate::action::config::{CognigyConfig, ExportConfig, GithubApi, Keep, RepoConfig, Tier};
use crate::cognigy::client::StatsReport;
use crate::cognigy::{Client, export, native};
use crate::snapshot::{self, Files, Meta, Snapshot, diff};
use crate::store::chain::{self, Change, Link};
use crate::store::{self, ObjectId, PushReport, RefUpdate, RemoteRefs};

use super::promotion::{self, chain_of};
use super::releases;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary};

/// A capture at most this much older than the hourly tier's newest lost a race to another run (or
/// ran on a runner whose clock is a little behind): it goes under the newer capture and promotion
/// runs as of that newer capture. Anything older means a wrong clock, which promotion refuses.
const RACE_TOLERANCE: time::Duration = time::Duration::hours(1);

/// What the backup mode needs.
pub struct Backup<'a> {
    pub cognigy: &'a CognigyConfig,
    pub export: &'a ExportConfig,
    pub repo: &'a RepoConfig,
    pub keep: Keep,
    /// `Some` to promote in the same push, with the GitHub API for the monthly releases.
    pub releases: Option<&'a GithubApi>,
}

/// What a run did to the hourly tier.
enum Captured {
    /// The project equals this snapshot of the tier: nothing new.
    Unchanged { same_as: ObjectId },
    /// A new snapshot; the tier now ends at `tip`.
    New {
        changes: diff::Changes,
        tip: Option<ObjectId>,
    },
}

pub fn run(backup: Backup<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let runtime = super::runtime()?;
    let client = Arc::new(Client::new(backup.cognigy)?);
    let started = Instant::now();
    let exported = {
        let _group = context
            .runner
            .group(&format!("Export of Cognigy project {}", backup.cognigy.project_id));
        runtime.block_on(export::export(client.clone(), &backup.export.kinds))?
    };
    let export_time = started.elapsed();
    let captured_at = context.clock.now();
    let meta = Meta {
        snapshot_id: snapshot::snapshot_id(captured_at),
        captured_at,
        project_id: backup.cognigy.project_id.clone(),
        base_url: backup.cognigy.base_url.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let mut built = snapshot::build(meta.clone(), exported.clone());

    let git_started = Instant::now();
    let repo = Repo::open(backup.repo, &context.temp_dir)?;
    let project_tree = project_tree(&repo, &built.files)?;
    let mut native_captured = false;
    let pushed = repo.update(|refs| {
        let tip = refs.get(&repo.branch(Tier::Hourly));
        let chain = chain_of(&repo, tip)?;
        let captured = match place(&repo, &chain, project_tree, captured_at.unix_timestamp())? {
            Err(same_as) => Captured::Unchanged { same_as },
            Ok(at) => {
                if backup.export.native_snapshot && !native_captured {
                    native_captured = true;
                    if let Some(csnap) = capture_native(&runtime, &client, &built.meta, context)? {
                        let with_native = snapshot::Export {
                            native: Some(csnap),
                            ..exported.clone()
                        };
                        built = snapshot::build(meta.clone(), with_native);
                    }
                }
                commit_snapshot(&repo, &chain, at, &built, backup.keep.hourly)?
            }
        };
        let hourly = match &captured {
            Captured::Unchanged { .. } => tip,
            Captured::New { tip, .. } => *tip,
        };
        let Some(api) = backup.releases else {
            let update = RefUpdate::new(repo.branch(Tier::Hourly), tip, hourly);
            let tiers = if update.old == update.new {
                vec![]
            } else {
                vec![Tier::Hourly.name()]
            };
            return Ok((vec![update], (captured, tiers, None)));
        };
        let promoted = promotion::promote(&repo, refs, hourly, &backup.keep, promotion_time(&chain, captured_at))?;
        let tiers = promoted.tiers_updated(&repo, refs);
        Ok((
            promoted.updates(&repo, refs),
            (captured, tiers, Some((api, promoted.tags))),
        ))
    })?;
    let (captured, tiers, releases_due) = pushed.work;
    if let Some((api, tags)) = releases_due {
        let tags_changed = tiers.contains(&Tier::Monthly.name());
        releases::sync(&repo, releases::target(backup.repo, api), &tags, tags_changed, context);
    }
    let report = Report {
        built: &built,
        export_time,
        git_time: git_started.elapsed(),
        stats: client.stats(),
        pushed: pushed.report,
        tiers,
    };
    Ok(outcome(&repo, &pushed.refs, captured, &report, context)?)
}

/// "Now" for the promotion after a capture at `captured_at` onto `chain` (the hourly tier as
/// fetched): the capture time, or the newest capture on the tier when this one lost a race to it by
/// at most [`RACE_TOLERANCE`].
fn promotion_time(chain: &[Link], captured_at: time::OffsetDateTime) -> time::OffsetDateTime {
    let newest = chain
        .last()
        .map_or(captured_at.unix_timestamp(), |link| link.commit.committed.seconds);
    let behind = newest - captured_at.unix_timestamp();
    if behind > 0 && behind <= RACE_TOLERANCE.whole_seconds() {
        captured_at + time::Duration::seconds(behind)
    } else {
        captured_at
    }
}

/// The id of the tree `project/` of `files` would have.
fn project_tree(repo: &Repo, files: &Files) -> Result<ObjectId, store::Error> {
    let project: Files = files
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(snapshot::PROJECT_DIR)?.to_owned(), bytes.clone())))
        .collect();
    repo.store.write_tree(&project)
}

/// Where a capture of `project_tree` at `captured_at` (Unix seconds) belongs on the hourly `chain`:
/// `Ok(position)`, below any capture newer than it; or `Err(commit)` when a neighbour in capture
/// order already holds the same project.
fn place(
    repo: &Repo,
    chain: &[Link],
    project_tree: ObjectId,
    captured_at: i64,
) -> Result<Result<usize, ObjectId>, store::Error> {
    let at = chain
        .iter()
        .take_while(|link| link.commit.committed.seconds <= captured_at)
        .count();
    for neighbour in [at.checked_sub(1), (at < chain.len()).then_some(at)]
        .into_iter()
        .flatten()
    {
        if repo.store.subtree(chain[neighbour].id, "project")? == Some(project_tree) {
            return Ok(Err(chain[neighbour].id));
        }
    }
    Ok(Ok(at))
}

/// Writes the snapshot as a commit at position `at` of the hourly chain, pruned to `keep`.
fn commit_snapshot(
    repo: &Repo,
    chain: &[Link],
    at: usize,
    built: &Snapshot,
    keep: usize,
) -> Result<Captured, store::Error> {
    let previous = match at.checked_sub(1) {
        Some(below) => repo.store.read_files(repo.store.read_commit(chain[below].id)?.tree)?,
        None => Files::new(),
    };
    let changes = diff::diff(&previous, &built.files);
    let tree = repo.store.write_tree(&built.files)?;
    let commit = chain::Commit::captured(
        tree,
        changes.commit_message(&built.meta.snapshot_id),
        built.meta.captured_at,
    );
    let tip = repo
        .store
        .write_chain(&chain::plan(chain, Change::Insert { at, commit }, keep))?;
    Ok(Captured::New { changes, tip })
}

/// The commit of snapshot `snapshot_id` on the chain ending at `tip` (gone if retention dropped it).
fn find_ours(repo: &Repo, tip: ObjectId, snapshot_id: &str) -> Result<Option<ObjectId>, store::Error> {
    let first_line = format!("snapshot {snapshot_id}");
    Ok(repo
        .store
        .chain(tip)?
        .into_iter()
        .rev()
        .find(|link| link.commit.message.lines().next() == Some(&first_line))
        .map(|link| link.id))
}

/// Captures the native snapshot; `None` (with a warning) when the project is at Cognigy's cap.
fn capture_native(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    meta: &Meta,
    context: &Context<'_>,
) -> Result<Option<Vec<u8>>, Error> {
    let _group = context.runner.group("Native Cognigy snapshot");
    let name = format!("{}{}", native::NAME_PREFIX, meta.snapshot_id);
    let description = "Made by cognigy-backup for a git backup; deleted again once downloaded.";
    match runtime.block_on(native::capture(client, &name, description))? {
        native::Capture::Captured(bytes) => {
            tracing::info!("native snapshot {name}: {} bytes", bytes.len());
            Ok(Some(bytes))
        }
        native::Capture::CapReached { existing } => {
            context.runner.annotate(
                Level::Warning,
                "Native snapshot skipped",
                &format!(
                    "the Cognigy project holds {existing} snapshots, the platform's cap of {}: this backup goes on without \
                     native/project.csnap. Delete snapshots you no longer need in Cognigy to get native snapshots again.",
                    native::SNAPSHOT_CAP
                ),
            );
            Ok(None)
        }
    }
}

/// Figures of the run for the summary.
struct Report<'a> {
    built: &'a Snapshot,
    export_time: Duration,
    git_time: Duration,
    stats: StatsReport,
    pushed: PushReport,
    tiers: Vec<&'static str>,
}

fn outcome(
    repo: &Repo,
    refs: &RemoteRefs,
    captured: Captured,
    report: &Report<'_>,
    context: &Context<'_>,
) -> Result<Outcome, store::Error> {
    let hourly = repo.branch_name(Tier::Hourly);
    let project = &report.built.meta.project_id;
    let mut outputs = Outputs::default();
    let mut md = match &captured {
        Captured::Unchanged { same_as } => {
            let message = repo.store.read_commit(*same_as)?.message;
            let snapshot_id = message
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("snapshot "))
                .unwrap_or_default();
            outputs.set("changed", "false");
            outputs.set("snapshot-id", snapshot_id);
            outputs.set("commit-sha", same_as.to_string());
            outputs.set("files-changed", "0");
            format!(
                "## Cognigy backup: no change\n\nProject `{project}` is as in snapshot `{snapshot_id}` ({}) on `{hourly}`.\n\n",
                summary::commit_link(context, &repo.remote, *same_as),
            )
        }
        Captured::New { changes, tip } => {
            let snapshot_id = &report.built.meta.snapshot_id;
            let ours = tip.map(|tip| find_ours(repo, tip, snapshot_id)).transpose()?.flatten();
            outputs.set("changed", "true");
            outputs.set("snapshot-id", snapshot_id);
            outputs.set("commit-sha", ours.map(|id| id.to_string()).unwrap_or_default());
            outputs.set("files-changed", changes.files_changed.to_string());
            let at = match ours {
                Some(id) => summary::commit_link(context, &repo.remote, id),
                None => "dropped at once by keep-hourly: newer captures fill the tier".to_owned(),
            };
            let native = if report.built.files.contains_key(snapshot::NATIVE_PATH) {
                ", with the native .csnap"
            } else {
                ""
            };
            format!(
                "## Cognigy backup: new snapshot `{snapshot_id}`\n\nProject `{project}` captured at {} into `{hourly}` ({at}){native}.\n\n{}\n",
                summary::rfc3339(report.built.meta.captured_at),
                changes.markdown(),
            )
        }
    };
    outputs.set("tiers-updated", report.tiers.join(","));
    md.push_str(&summary::tiers_section(repo, refs, &report.tiers));
    md.push_str(&summary::counts_table(&report.built.counts));
    md.push_str(&summary::run_table(
        report.stats,
        report.export_time,
        report.git_time,
        &report.pushed,
    ));
    Ok(Outcome {
        outputs,
        summary: md,
        failure: None,
    })
}
