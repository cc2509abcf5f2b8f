//! A capture of the live project into the hourly tier, as the backup makes it and as a restore
//! makes its undo point: the snapshot built from an export, placed in capture order on the hourly
//! chain (unless a neighbour already holds the same project), with a native `.csnap` taken at most
//! once however often a lost push race re-applies it. Under `secrets: encrypt` the credentials are
//! encrypted against the snapshot below it on the chain, so unchanged ones keep their ciphertext.

use crate::action::commands::Level;
use crate::action::config::{CognigyConfig, SecretsMode};
use crate::cognigy::{Client, export, native};
use crate::editors::{self, Editors};
use crate::secrets::cipher::Sealer;
use crate::secrets::seal::{self, SecretChanges};
use crate::snapshot::{self, Files, Meta, Snapshot, diff};
use crate::store::chain::{self, Change, Link};
use crate::store::{self, ObjectId};

use super::repo::Repo;
use super::trail;
use super::{Context, Error};

/// Who changed what (the editors of a capture), or why that is not known.
pub type Credit = Result<Editors, String>;

/// What a capture did to the hourly tier.
pub enum Captured {
    /// The project equals this snapshot of the tier: nothing new.
    Unchanged { same_as: ObjectId },
    /// A new snapshot; the tier now ends at `tip`.
    New {
        changes: diff::Changes,
        /// Which credentials changed (said without their values), under `secrets: encrypt`.
        secrets: SecretChanges,
        /// Who changed what, when the capture records editors: or why they are not known.
        editors: Option<Box<Credit>>,
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
    /// Only when no snapshot of the capture's UTC day on the hourly tier has one yet
    /// (`native-snapshot: daily`).
    pub once_a_day: bool,
}

/// A capture on its way into the hourly tier.
pub struct Capture<'a> {
    /// The export as it will be committed (credentials redacted, or encrypted once placed).
    exported: snapshot::Export,
    /// The snapshot as it will be committed (with the native snapshot, once taken).
    pub built: Snapshot,
    native: Option<NativeSource<'a>>,
    native_tried: bool,
    /// `Some` under `secrets: encrypt`.
    sealer: Option<Sealer>,
    secrets: SecretChanges,
    /// `Some` when the commit records who changed what (`record-editors`).
    trail: Option<trail::Reader<'a>>,
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

/// What encrypts the credentials of a capture of `cognigy`'s project under `secrets`: `None` when
/// they stay redacted.
pub fn sealer(secrets: &SecretsMode, cognigy: &CognigyConfig) -> Option<Sealer> {
    match secrets {
        SecretsMode::Redact => None,
        SecretsMode::Encrypt(recipient) => Some(Sealer::new(recipient, &cognigy.api_key)),
    }
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
    /// A capture of `exported`; `native` takes a `.csnap` when the capture turns out to be new;
    /// `sealer` encrypts the credentials (else they stay redacted).
    pub fn new(
        meta: Meta,
        exported: snapshot::Export,
        native: Option<NativeSource<'a>>,
        sealer: Option<Sealer>,
    ) -> Self {
        Capture {
            built: snapshot::build(meta, exported.clone()),
            exported,
            native,
            native_tried: false,
            sealer,
            secrets: SecretChanges::default(),
            trail: None,
        }
    }

    /// The same capture, its commit authored by the Cognigy users whose events in `trail` name
    /// its changes.
    pub fn with_editors(self, trail: trail::Reader<'a>) -> Self {
        Capture {
            trail: Some(trail),
            ..self
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
        let captured_at = self.built.meta.captured_at.unix_timestamp();
        if let Some(sealer) = &self.sealer {
            let at = position(chain, captured_at);
            let previous = match at.checked_sub(1).or((at < chain.len()).then_some(at)) {
                Some(neighbour) => repo
                    .store
                    .read_files(repo.store.read_commit(chain[neighbour].id)?.tree)?,
                None => Files::new(),
            };
            let encrypted = seal::encrypt(&self.exported, sealer, &previous);
            self.exported = encrypted.export;
            self.secrets = encrypted.changes;
            self.built = snapshot::build(self.built.meta.clone(), self.exported.clone());
        }
        let project_tree = project_tree(repo, &self.built.files)?;
        let at = match place(repo, chain, project_tree, captured_at)? {
            Err(same_as) => return Ok(Captured::Unchanged { same_as }),
            Ok(at) => at,
        };
        if let Some(source) = self.native.as_ref().filter(|_| !self.native_tried) {
            self.native_tried = true;
            if source.once_a_day && day_has_native(repo, chain, keep, self.built.meta.captured_at)? {
                tracing::info!("native snapshot: today's is already on the hourly tier (native-snapshot: daily)");
            } else if let Some(csnap) = capture_native(source, &self.built.meta, context)? {
                self.exported.native = Some(csnap);
                self.built = snapshot::build(self.built.meta.clone(), self.exported.clone());
            }
        }
        let secret_lines = self.secrets.commit_lines();
        let note = match (note, secret_lines.is_empty()) {
            (Some(note), false) => Some(format!("{secret_lines}\n{note}")),
            (Some(note), true) => Some(note.to_owned()),
            (None, false) => Some(secret_lines.trim_end().to_owned()),
            (None, true) => None,
        };
        let placed = Placed { chain, at, keep };
        let committed = commit_snapshot(repo, &placed, &self.built, note.as_deref(), self.trail.as_mut())?;
        Ok(Captured::New {
            changes: committed.changes,
            secrets: self.secrets.clone(),
            editors: committed.editors.map(Box::new),
            tip: committed.tip,
        })
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
    let at = position(chain, captured_at);
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

/// The position on `chain` of a capture at `captured_at` (Unix seconds): below any newer capture.
fn position(chain: &[Link], captured_at: i64) -> usize {
    chain
        .iter()
        .take_while(|link| link.commit.committed.seconds <= captured_at)
        .count()
}

/// Where a commit goes: position `at` of the hourly `chain`, pruned to `keep`.
struct Placed<'c> {
    chain: &'c [Link],
    at: usize,
    keep: usize,
}

/// A snapshot's commit: what changed, the editors (with a trail) and the new tip.
struct Committed {
    changes: diff::Changes,
    editors: Option<Credit>,
    tip: Option<ObjectId>,
}

/// Why a first snapshot has no editors.
const FIRST_SNAPSHOT: &str = "the first snapshot has no snapshot below it to read Cognigy's audit trail back to";

/// Writes the snapshot as a commit where `placed` says, its message ending with `note`; with a
/// `trail`, authored by the first editor of its changes (the others as `Co-authored-by:`
/// trailers, the committer the store's identity).
fn commit_snapshot(
    repo: &Repo,
    placed: &Placed<'_>,
    built: &Snapshot,
    note: Option<&str>,
    trail: Option<&mut trail::Reader<'_>>,
) -> Result<Committed, store::Error> {
    let below = placed.at.checked_sub(1).map(|below| &placed.chain[below]);
    let previous = match below {
        Some(below) => repo.store.read_files(repo.store.read_commit(below.id)?.tree)?,
        None => Files::new(),
    };
    let mut changes = diff::diff(&previous, &built.files);
    let editors = trail.map(|trail| {
        let below = below.ok_or_else(|| FIRST_SNAPSHOT.to_owned())?;
        let since = time::OffsetDateTime::from_unix_timestamp(below.commit.committed.seconds)
            .map_err(|_| FIRST_SNAPSHOT.to_owned())?;
        Ok(editors::credit(&mut changes, &trail.since(since)?))
    });
    let known = editors.as_ref().and_then(|e| e.as_ref().ok());
    let tree = repo.store.write_tree(&built.files)?;
    let mut message = changes.commit_message(&built.meta.snapshot_id);
    message.push_str(&known.map(editors::message::commit_section).unwrap_or_default());
    if let Some(note) = note {
        message.push_str(&format!("\n{note}\n"));
    }
    message.push_str(&known.map(editors::message::trailers).unwrap_or_default());
    let mut commit = chain::Commit::captured(tree, message, built.meta.captured_at);
    commit.author = known.and_then(|e| e.author.as_ref()).map(|person| chain::Author {
        name: person.name.clone(),
        email: person.email.clone(),
    });
    let change = Change::Insert { at: placed.at, commit };
    let tip = repo
        .store
        .write_chain(&chain::plan(placed.chain, change, placed.keep))?;
    Ok(Committed { changes, editors, tip })
}

/// Whether the UTC day of `captured_at` already has its native snapshot on the hourly `chain`
/// (pruned to `keep`): one of that day's snapshots holds a `.csnap`, or the chain is full and its
/// oldest snapshot is of that day (the day's first change, which took it, was pruned).
fn day_has_native(
    repo: &Repo,
    chain: &[Link],
    keep: usize,
    captured_at: time::OffsetDateTime,
) -> Result<bool, store::Error> {
    let day = captured_at.to_offset(time::UtcOffset::UTC).date();
    let of_day = |link: &Link| {
        time::OffsetDateTime::from_unix_timestamp(link.commit.committed.seconds).is_ok_and(|at| at.date() == day)
    };
    if chain.len() >= keep && chain.first().is_some_and(of_day) {
        return Ok(true);
    }
    let (native_dir, _) = snapshot::NATIVE_PATH.rsplit_once('/').unwrap_or_default();
    for link in chain.iter().filter(|link| of_day(link)) {
        if repo.store.subtree(link.id, native_dir)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
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
