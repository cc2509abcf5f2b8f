//! The restore audit log: `restores.jsonl` on the branch `<prefix>audit`, one JSON object per
//! line, appended in a new commit on the branch's tip for every applied restore and never pruned.
//! A restore writes two lines with one `restore` id: `started` in the push of its undo point,
//! before anything is written to Cognigy, and its outcome once it ended.

use serde::Serialize;
use time::OffsetDateTime;

use crate::snapshot::Files;
use crate::store::chain::Commit;
use crate::store::{self, RefUpdate, RemoteRefs};

use super::super::repo::Repo;

/// The log's file on the audit branch.
pub const LOG_FILE: &str = "restores.jsonl";

/// One line of the log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The same for both lines of one restore: the time it started, as a snapshot id.
    pub restore: String,
    /// When this line was written (RFC 3339).
    pub time: String,
    /// `GITHUB_ACTOR`, when the runner tells.
    pub actor: Option<String>,
    /// The workflow run's URL, when the runner tells.
    pub run_url: Option<String>,
    pub source: Source,
    /// `native` or `update`.
    pub method: &'static str,
    pub target_project_id: String,
    /// The snapshot that holds the project as it was before the restore.
    pub undo_point: Option<Source>,
    /// Resources that differed before the restore.
    pub changes: usize,
    /// `started`, `applied`, `applied-with-differences` or `failed`.
    pub outcome: &'static str,
    /// What failed, or what differs still.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A snapshot named in the log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub snapshot_id: String,
    pub commit: String,
    /// Where it was: `snapshot/hourly`, `tag monthly-2026-10`.
    pub place: String,
}

/// The update of the audit branch that appends `entry` to the log, as of `refs`, committed `at`.
pub fn append(repo: &Repo, refs: &RemoteRefs, entry: &Entry, at: OffsetDateTime) -> Result<RefUpdate, store::Error> {
    let branch = repo.audit_ref();
    let tip = refs.get(&branch);
    let mut files = match tip {
        Some(tip) => repo.store.read_files(repo.store.read_commit(tip)?.tree)?,
        None => Files::new(),
    };
    let log = files.entry(LOG_FILE.to_owned()).or_default();
    if !log.is_empty() && !log.ends_with(b"\n") {
        log.push(b'\n');
    }
    log.extend(serde_json::to_vec(entry).expect("an audit entry always serialises"));
    log.push(b'\n');
    let tree = repo.store.write_tree(&files)?;
    let message = format!(
        "restore {}: {} of {} into project {} ({})",
        entry.outcome, entry.method, entry.source.snapshot_id, entry.target_project_id, entry.restore
    );
    let commit = repo.store.write_commit(&Commit::captured(tree, message, at), tip)?;
    Ok(RefUpdate::new(branch, tip, Some(commit)))
}
