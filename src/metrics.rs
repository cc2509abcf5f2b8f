//! The metrics file of a run (`cognigy-backup-metrics.json` in the workspace, output
//! `metrics-file`): the mode, its outcome, when it started and how long it took, and the figures
//! the mode knows (requests, 429s and retries, resources per kind, files changed, the snapshot's
//! size, the repository's size, how the export read the project (and which kinds in full), whether
//! the mirror is up to date and what the offsite copy did; a drill: its differences and how long it
//! took; status: the fleet's size and how many of it are unhealthy). Every mode writes it, failed
//! runs too, so that a later step can upload it as an artifact or feed it to a dashboard. It holds
//! no secret and no bot content: numbers, kinds and ids.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

/// The file's name, in the workspace.
pub const FILE: &str = "cognigy-backup-metrics.json";

/// What a mode measured; what it does not know stays out of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Requests sent to Cognigy, every attempt counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// 429 answers among them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limited: Option<u64>,
    /// Attempts that repeated a failed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retried: Option<u64>,
    /// Resources per kind in the snapshot.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_changed: Option<usize>,
    /// Bytes of the snapshot's files (the `.csnap` included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_bytes: Option<u64>,
    /// Bytes before compression of the git objects every tier and monthly tag keeps after the run
    /// (what the repository holds, garbage not counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_bytes: Option<u64>,
    /// Status: the repositories of the fleet, and how many of them are yellow or red.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repositories: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unhealthy: Option<usize>,
    /// `full`: the export read every resource; `incremental`: only what the audit trail named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<&'static str>,
    /// An incremental export: the kinds it read in full (an event named the kind, not which of its
    /// resources).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds_read_in_full: Vec<&'static str>,
    /// Resources a scrub (a full export that checks the audit trail) found changed that no event
    /// named: changes the trail missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missed_changes: Option<usize>,
    /// With `mirror-remote-url`: `ok` when the mirror holds what the primary holds after the run,
    /// `behind` when it could not be brought up to date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<&'static str>,
    /// A drill: the resources that differ from the snapshot after its restore (0: it passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differences: Option<usize>,
    /// A drill: how long it took, from reading the snapshot to the comparison, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drill_milliseconds: Option<u64>,
    /// The offsite copy (`object-store-url`), when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offsite: Option<Offsite>,
}

/// What the offsite copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Offsite {
    /// Bytes uploaded (0 when the newest snapshot was there already).
    pub uploaded_bytes: u64,
    /// Snapshots kept in the object store.
    pub kept: usize,
    /// Snapshots removed from it.
    pub removed: usize,
}

/// The whole file.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub mode: String,
    /// `changed`, `unchanged` or `failed`.
    pub outcome: &'static str,
    /// RFC 3339, UTC.
    pub started: String,
    pub duration_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<&'a str>,
    #[serde(flatten)]
    pub figures: &'a Figures,
}

/// Writes `metrics` into `workspace`; answers the file's name, or why it could not be written.
pub fn write(workspace: &Path, metrics: &Metrics<'_>) -> Result<&'static str, String> {
    let mut bytes = serde_json::to_vec_pretty(metrics).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    std::fs::write(workspace.join(FILE), bytes).map_err(|e| format!("{}: {e}", workspace.join(FILE).display()))?;
    Ok(FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_figures_are_written_and_the_file_reads_back() {
        let figures = Figures {
            requests: Some(91),
            rate_limited: Some(0),
            resources: BTreeMap::from([("flows".to_owned(), 3), ("lexicons".to_owned(), 2)]),
            export: Some("full"),
            ..Figures::default()
        };
        let metrics = Metrics {
            tool: "cognigy-backup",
            version: "0.1.0",
            mode: "backup".to_owned(),
            outcome: "changed",
            started: "2026-11-22T07:37:00Z".to_owned(),
            duration_seconds: 1.5,
            project: Some("279a6011ab4535c786292baa"),
            snapshot_id: None,
            figures: &figures,
        };
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(write(dir.path(), &metrics), Ok(FILE));
        let read: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join(FILE)).unwrap()).unwrap();
        assert_eq!(read["requests"], 91);
        assert_eq!(read["resources"]["flows"], 3);
        assert_eq!(read["outcome"], "changed");
        assert!(
            read.get("retried").is_none() && read.get("snapshot_id").is_none(),
            "{read}"
        );
    }
}
