//! A capture of the live project into the hourly tier, as the backup makes it and as a restore
//! makes its undo point: the snapshot built from an export, placed in capture order on the hourly
//! chain (unless a neighbour already holds the same project), with a native `.csnap` taken at most
//! once however often a lost push race re-applies it.

use crate::action::commands::Level;
use crate::action::config::CognigyConfig;
use crate::cognigy::{Client, export, native};
use crate::snapshot::{self, Files, Meta, Snapshot, diff};
use crate::store::chain::{self, Change, Link};
use crate::store::{self, ObjectId};

use super::repo::Repo;
use super::{Context, Error};

/// What a capture did to the hourly tier.
pub enum Captured {
    /// The project equals this snapshot of the tier: nothing new.
    Unchanged { same_as: ObjectId },
    /// A new snapshot; the tier now ends at `tip`.
    New {
        changes: diff::Changes,
        tip: Option<ObjectId>,
    },
}

impl Captured {
    /// The tip of the hourly tier after the capture, given the tip it was placed on.
    pub fn hourly_tip(&self, fetched: Option<ObjectId>) -> Option<ObjectId> {
        match self {
            Captured::Unchanged { .. } => fetched,
            Captured::New { tip, .. } => *tip,
        }
    }
}

/// Where the native snapshot of a capture comes from, when one is wanted.
pub struct NativeSource<'a> {
    pub runtime: &'a tokio::runtime::Runtime,
    pub client: &'a Client,
}

/// A capture on its way into the hourly tier.
pub struct Capture<'a> {
    exported: snapshot::Export,
    /// The snapshot as it will be committed (with the native snapshot, once taken).
    pub built: Snapshot,
    native: Option<NativeSource<'a>>,
    native_tried: bool,
}

/// The live project, exported and built as a snapshot (for a restore's comparison and undo point,
/// and verify's drift report).
pub struct LiveExport {
    pub export: snapshot::Export,
    pub built: Snapshot,
}

/// Exports the live project of `cognigy` for `kinds`, as a backup would.
pub fn export_live(
    runtime: &tokio::runtime::Runtime,
    client: &std::sync::Arc<Client>,
    cognigy: &CognigyConfig,
    kinds: &[&'static str],
    context: &Context<'_>,
) -> Result<LiveExport, Error> {
    let _group = context
        .runner
        .group(&format!("Export of the live Cognigy project {}", cognigy.project_id));
    let export = runtime.block_on(export::export(client.clone(), kinds))?;
    let built = snapshot::build(meta_now(cognigy, context), export.clone());
    Ok(LiveExport { export, built })
}

/// What a snapshot of `cognigy`'s project captured now records.
pub fn meta_now(cognigy: &CognigyConfig, context: &Context<'_>) -> Meta {
    let captured_at = context.clock.now();
    Meta {
        snapshot_id: snapshot::snapshot_id(captured_at),
        captured_at,
        project_id: cognigy.project_id.clone(),
        base_url: cognigy.base_url.to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

impl<'a> Capture<'a> {
    /// A capture of `exported`; `native` takes a `.csnap` when the capture turns out to be new.
    pub fn new(meta: Meta, exported: snapshot::Export, native: Option<NativeSource<'a>>) -> Self {
        Capture {
            built: snapshot::build(meta, exported.clone()),
            exported,
            native,
            native_tried: false,
        }
    }

    /// Places the capture on the hourly `chain` (as fetched), pruned to `keep`: unchanged when a
    /// neighbour in capture order holds the same project, else a new commit whose message ends
    /// with `note`.
    pub fn onto(
        &mut self,
        repo: &Repo,
        chain: &[Link],
        keep: usize,
        note: Option<&str>,
        context: &Context<'_>,
    ) -> Result<Captured, Error> {
        let project_tree = project_tree(repo, &self.built.files)?;
        let captured_at = self.built.meta.captured_at.unix_timestamp();
        let at = match place(repo, chain, project_tree, captured_at)? {
            Err(same_as) => return Ok(Captured::Unchanged { same_as }),
            Ok(at) => at,
        };
        if let Some(source) = self.native.as_ref().filter(|_| !self.native_tried) {
            self.native_tried = true;
            if let Some(csnap) = capture_native(source, &self.built.meta, context)? {
                let with_native = snapshot::Export {
                    native: Some(csnap),
                    ..self.exported.clone()
                };
                self.built = snapshot::build(self.built.meta.clone(), with_native);
            }
        }
        Ok(commit_snapshot(repo, chain, at, &self.built, keep, note)?)
    }

    /// The commit of this capture on the chain ending at `tip` (gone if retention dropped it).
    pub fn find_on(&self, repo: &Repo, tip: ObjectId) -> Result<Option<ObjectId>, store::Error> {
        let first_line = format!("snapshot {}", self.built.meta.snapshot_id);
        Ok(repo
            .store
            .chain(tip)?
            .into_iter()
            .rev()
            .find(|link| link.commit.message.lines().next() == Some(&first_line))
            .map(|link| link.id))
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

/// Writes the snapshot as a commit at position `at` of the hourly chain, pruned to `keep`, its
/// message ending with `note`.
fn commit_snapshot(
    repo: &Repo,
    chain: &[Link],
    at: usize,
    built: &Snapshot,
    keep: usize,
    note: Option<&str>,
) -> Result<Captured, store::Error> {
    let previous = match at.checked_sub(1) {
        Some(below) => repo.store.read_files(repo.store.read_commit(chain[below].id)?.tree)?,
        None => Files::new(),
    };
    let changes = diff::diff(&previous, &built.files);
    let tree = repo.store.write_tree(&built.files)?;
    let mut message = changes.commit_message(&built.meta.snapshot_id);
    if let Some(note) = note {
        message.push_str(&format!("\n{note}\n"));
    }
    let commit = chain::Commit::captured(tree, message, built.meta.captured_at);
    let tip = repo
        .store
        .write_chain(&chain::plan(chain, Change::Insert { at, commit }, keep))?;
    Ok(Captured::New { changes, tip })
}

/// Captures the native snapshot; `None` (with a warning) when the project is at Cognigy's cap.
fn capture_native(source: &NativeSource<'_>, meta: &Meta, context: &Context<'_>) -> Result<Option<Vec<u8>>, Error> {
    let _group = context.runner.group("Native Cognigy snapshot");
    let name = format!("{}{}", native::NAME_PREFIX, meta.snapshot_id);
    let description = "Made by cognigy-backup for a git backup; deleted again once downloaded.";
    match source
        .runtime
        .block_on(native::capture(source.client, &name, description))?
    {
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
