//! The backup mode: export the project, build the snapshot, compare its `project/` tree with the
//! hourly tip's, and when it changed commit it to `<prefix>hourly` and push, all ref changes in one
//! leased push. A run that loses a race fetches again and re-applies its snapshot, in capture order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::action::commands::{Level, Outputs};
use crate::action::config::{CognigyConfig, ExportConfig, Keep, RepoConfig, Tier};
use crate::cognigy::client::StatsReport;
use crate::cognigy::{Client, export, native};
use crate::snapshot::{self, Files, Meta, Snapshot, diff};
use crate::store::chain::{self, Change, Link};
use crate::store::{self, ObjectId, PushReport, RefUpdate};

use super::repo::Repo;
use super::{Context, Error, Outcome, summary};

/// How many times a run fetches again and re-applies after losing a push race.
const MAX_PUSH_ATTEMPTS: u32 = 5;

/// What the backup mode needs.
pub struct Backup<'a> {
    pub cognigy: &'a CognigyConfig,
    pub export: &'a ExportConfig,
    pub repo: &'a RepoConfig,
    pub keep: Keep,
}

/// Where the new snapshot goes on the hourly chain, or why it goes nowhere.
enum Placement {
    /// Its `project/` tree equals a neighbour's in capture order: nothing new.
    Unchanged { same_as: ObjectId },
    /// Insert at `at` (the chain's length: on top), below any capture newer than it.
    At { chain: Vec<Link>, at: usize },
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
    let hourly = repo.branch(Tier::Hourly);
    let project_tree = project_tree(&repo, &built.files)?;
    let mut native_captured = false;
    for attempt in 1..=MAX_PUSH_ATTEMPTS {
        let refs = repo.fetch()?;
        let tip = refs.get(&hourly);
        let (chain, at) = match place(&repo, tip, project_tree, captured_at.unix_timestamp())? {
            Placement::Unchanged { same_as } => {
                let report = Report {
                    built: &built,
                    export_time,
                    git_time: git_started.elapsed(),
                    stats: client.stats(),
                };
                return Ok(unchanged(&repo, same_as, &report, context)?);
            }
            Placement::At { chain, at } => (chain, at),
        };
        if backup.export.native_snapshot && !native_captured {
            native_captured = true;
            if let Some(csnap) = capture_native(&runtime, &client, &built.meta, context)? {
                built = snapshot::build(
                    meta.clone(),
                    snapshot::Export {
                        native: Some(csnap),
                        ..exported.clone()
                    },
                );
            }
        }
        let previous = match at.checked_sub(1) {
            Some(below) => repo.store.read_files(repo.store.read_commit(chain[below].id)?.tree)?,
            None => Files::new(),
        };
        let changes = diff::diff(&previous, &built.files);
        let tree = repo.store.write_tree(&built.files)?;
        let commit = chain::Commit::captured(tree, changes.commit_message(&built.meta.snapshot_id), captured_at);
        let steps = chain::plan(&chain, Change::Insert { at, commit }, backup.keep.hourly);
        let new_tip = repo.store.write_chain(&steps)?;
        let updates = vec![RefUpdate::new(hourly.clone(), tip, new_tip)];
        // Promotion (daily, weekly, monthly) joins these updates here, in the same push.
        match repo.store.push(&repo.remote, &updates) {
            Ok(pushed) => {
                let ours = new_tip
                    .map(|tip| find_ours(&repo, tip, &built.meta.snapshot_id))
                    .transpose()?
                    .flatten();
                let report = Report {
                    built: &built,
                    export_time,
                    git_time: git_started.elapsed(),
                    stats: client.stats(),
                };
                return Ok(changed(&repo, ours, &changes, &pushed, &report, context));
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

/// The id of the tree `project/` of `files` would have.
fn project_tree(repo: &Repo, files: &Files) -> Result<ObjectId, store::Error> {
    let project: Files = files
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(snapshot::PROJECT_DIR)?.to_owned(), bytes.clone())))
        .collect();
    repo.store.write_tree(&project)
}

/// Where a capture of `project_tree` at `captured_at` (Unix seconds) belongs on the chain ending at `tip`.
fn place(
    repo: &Repo,
    tip: Option<ObjectId>,
    project_tree: ObjectId,
    captured_at: i64,
) -> Result<Placement, store::Error> {
    let chain = match tip {
        Some(tip) => repo.store.chain(tip)?,
        None => Vec::new(),
    };
    let at = chain
        .iter()
        .take_while(|link| link.commit.committed.seconds <= captured_at)
        .count();
    for neighbour in [at.checked_sub(1), (at < chain.len()).then_some(at)]
        .into_iter()
        .flatten()
    {
        if repo.store.subtree(chain[neighbour].id, "project")? == Some(project_tree) {
            return Ok(Placement::Unchanged {
                same_as: chain[neighbour].id,
            });
        }
    }
    Ok(Placement::At { chain, at })
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
}

fn unchanged(
    repo: &Repo,
    same_as: ObjectId,
    report: &Report<'_>,
    context: &Context<'_>,
) -> Result<Outcome, store::Error> {
    let message = repo.store.read_commit(same_as)?.message;
    let snapshot_id = message
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("snapshot "))
        .unwrap_or_default()
        .to_owned();
    let mut outputs = Outputs::default();
    outputs.set("changed", "false");
    outputs.set("snapshot-id", &snapshot_id);
    outputs.set("commit-sha", same_as.to_string());
    outputs.set("tiers-updated", "");
    outputs.set("files-changed", "0");
    let mut md = format!(
        "## Cognigy backup: no change\n\nProject `{}` is as in snapshot `{snapshot_id}` ({}) on `{}`; nothing was committed or pushed.\n\n",
        report.built.meta.project_id,
        summary::commit_link(context, &repo.remote, same_as),
        repo.branch_name(Tier::Hourly),
    );
    md.push_str(&summary::counts_table(&report.built.counts));
    md.push_str(&summary::run_table(
        report.stats,
        report.export_time,
        report.git_time,
        None,
    ));
    Ok(Outcome { outputs, summary: md })
}

fn changed(
    repo: &Repo,
    ours: Option<ObjectId>,
    changes: &diff::Changes,
    pushed: &PushReport,
    report: &Report<'_>,
    context: &Context<'_>,
) -> Outcome {
    let snapshot_id = &report.built.meta.snapshot_id;
    let commit = ours.map(|id| id.to_string()).unwrap_or_default();
    let mut outputs = Outputs::default();
    outputs.set("changed", "true");
    outputs.set("snapshot-id", snapshot_id);
    outputs.set("commit-sha", &commit);
    outputs.set("tiers-updated", "hourly");
    outputs.set("files-changed", changes.files_changed.to_string());
    let at = match ours {
        Some(id) => summary::commit_link(context, &repo.remote, id),
        None => "dropped at once by keep-hourly".to_owned(),
    };
    let native = if report.built.files.contains_key(snapshot::NATIVE_PATH) {
        ", with the native .csnap"
    } else {
        ""
    };
    let mut md = format!(
        "## Cognigy backup: new snapshot `{snapshot_id}`\n\nProject `{}` captured at {} into `{}` ({at}){native}.\n\n",
        report.built.meta.project_id,
        summary::rfc3339(report.built.meta.captured_at),
        repo.branch_name(Tier::Hourly),
    );
    md.push_str(&changes.markdown());
    md.push('\n');
    md.push_str(&summary::counts_table(&report.built.counts));
    md.push_str(&summary::run_table(
        report.stats,
        report.export_time,
        report.git_time,
        Some(pushed),
    ));
    Outcome { outputs, summary: md }
}
