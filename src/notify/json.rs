//! The plain JSON format, for any receiver: the notice as data, every change listed (names and who
//! changed it, where known, as they are: a JSON encoder escapes them), with the tool's version.

use serde_json::{Value, json};

use super::{Notice, Status};
use crate::snapshot::diff::Change;

/// The webhook's body for `notice`.
pub fn message(notice: &Notice) -> Value {
    let list = |changes: &[Change]| -> Vec<Value> {
        changes
            .iter()
            .map(|c| json!({ "kind": c.kind, "name": c.name, "renamed_from": c.renamed_from, "by": c.by }))
            .collect()
    };
    json!({
        "tool": "cognigy-backup",
        "version": env!("CARGO_PKG_VERSION"),
        "title": notice.title(),
        "mode": notice.mode.to_string(),
        "outcome": notice.outcome(),
        "error": match &notice.status { Status::Failed(why) => Some(why.as_str()), _ => None },
        "unchanged_days": match notice.status { Status::Stale(days) => Some(days), _ => None },
        "project": notice.project,
        "repository": notice.repository,
        "snapshot_id": notice.snapshot_id,
        "run_url": notice.run_url,
        "fleet": notice.fleet.as_ref().map(|fleet| json!({
            "repositories": fleet.repositories,
            "healthy": fleet.healthy,
            "unhealthy": fleet.unhealthy.iter().map(|(health, repository, reason)| json!({
                "health": health, "repository": repository, "reason": reason,
            })).collect::<Vec<_>>(),
        })),
        "changes": notice.changes.as_ref().map(|changes| json!({
            "added": list(&changes.added),
            "removed": list(&changes.removed),
            "modified": list(&changes.modified),
            "files_changed": changes.files_changed,
        })),
    })
}
