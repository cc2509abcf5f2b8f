//! What a run does in the object store, as a pure function of the names listed under the prefix,
//! the newest snapshot and `keep-offsite`: whether the newest snapshot is uploaded (it is missing, or
//! half there), which snapshots are kept and which objects are deleted. A snapshot is a pair,
//! `<snapshot id>.tar.gz` and `<snapshot id>.backup-metadata.json`; snapshot ids are UTC times
//! (`20261122T073700Z`), so their order is their age. Names that are not of a snapshot are never touched.

use std::collections::BTreeMap;

use crate::action::config::is_snapshot_id;

/// The archive's name after the snapshot id.
pub const ARCHIVE: &str = ".tar.gz";
/// The manifest's name after the snapshot id.
pub const MANIFEST: &str = ".backup-metadata.json";

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The newest snapshot is not there whole: upload it.
    pub upload: bool,
    /// The snapshot ids kept, newest first (the newest snapshot among them).
    pub kept: Vec<String>,
    /// The snapshot ids removed, newest first.
    pub removed: Vec<String>,
    /// The objects to delete (names under the prefix): every object of a removed snapshot.
    pub delete: Vec<String>,
}

/// The plan for `listed` (object names under the prefix) when `newest` is the newest snapshot and
/// `keep` snapshots (at least 1) are kept.
pub fn plan(listed: &[String], newest: &str, keep: usize) -> Plan {
    let mut snapshots: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for name in listed {
        if let Some(id) = snapshot_of(name) {
            snapshots.entry(id).or_default().push(name);
        }
    }
    let whole = |id: &str| {
        snapshots.get(id).is_some_and(|names| {
            [ARCHIVE, MANIFEST]
                .iter()
                .all(|end| names.contains(&format!("{id}{end}").as_str()))
        })
    };
    let upload = !whole(newest);
    let others = snapshots.keys().rev().filter(|id| **id != newest);
    let (mut kept, mut removed) = (vec![newest.to_owned()], Vec::new());
    for id in others {
        if kept.len() < keep.max(1) {
            kept.push((*id).to_owned());
        } else {
            removed.push((*id).to_owned());
        }
    }
    let delete = removed
        .iter()
        .flat_map(|id| snapshots[id.as_str()].iter().map(|name| (*name).to_owned()))
        .collect();
    Plan {
        upload,
        kept,
        removed,
        delete,
    }
}

/// The snapshot id of `name` when it is a snapshot's archive or manifest.
fn snapshot_of(name: &str) -> Option<&str> {
    let id = name.strip_suffix(ARCHIVE).or_else(|| name.strip_suffix(MANIFEST))?;
    is_snapshot_id(id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(id: &str) -> [String; 2] {
        [format!("{id}{ARCHIVE}"), format!("{id}{MANIFEST}")]
    }

    /// `(listed, newest, keep)` and the plan's `(upload, kept, removed, objects deleted)`.
    type Case<'a> = (Vec<String>, &'a str, usize, bool, Vec<&'a str>, Vec<&'a str>, usize);

    #[test]
    fn the_plans() {
        let (a, b, c, d) = (
            "20261101T000000Z",
            "20261102T000000Z",
            "20261103T000000Z",
            "20261104T000000Z",
        );
        let names = |ids: &[&str]| ids.iter().flat_map(|id| pair(id)).collect::<Vec<_>>();
        let cases: Vec<Case> = vec![
            // An empty store: upload, nothing to remove.
            (vec![], a, 30, true, vec![a], vec![], 0),
            // Already there: nothing uploaded.
            (names(&[a]), a, 30, false, vec![a], vec![], 0),
            // A new snapshot among older ones, within keep.
            (names(&[a, b]), c, 3, true, vec![c, b, a], vec![], 0),
            // Over keep: the oldest pairs go, both objects of each.
            (names(&[a, b, c]), d, 2, true, vec![d, c], vec![b, a], 4),
            // Half there (the manifest missing after a failed run): uploaded again.
            (vec![format!("{d}{ARCHIVE}")], d, 2, true, vec![d], vec![], 0),
            // A lone leftover of an old snapshot is removed like a pair.
            (vec![format!("{a}{MANIFEST}")], d, 1, true, vec![d], vec![a], 1),
            // keep lowered: unchanged run, older snapshots removed.
            (names(&[a, b, c, d]), d, 1, false, vec![d], vec![c, b, a], 6),
        ];
        for (listed, newest, keep, upload, kept, removed, deleted) in cases {
            let plan = plan(&listed, newest, keep);
            assert_eq!(plan.upload, upload, "{listed:?} {newest} {keep}");
            assert_eq!(plan.kept, kept, "{listed:?} {newest} {keep}");
            assert_eq!(plan.removed, removed, "{listed:?} {newest} {keep}");
            assert_eq!(plan.delete.len(), deleted, "{listed:?} {newest} {keep}");
            for name in &plan.delete {
                assert!(
                    removed.iter().any(|id| name.starts_with(id)),
                    "{name} is of a removed snapshot"
                );
            }
        }
    }

    #[test]
    fn other_objects_are_never_touched() {
        let listed = vec![
            "notes.txt".to_owned(),
            "2026.tar.gz".to_owned(),
            "20261101T000000Z.zip".to_owned(),
            "sub/20261101T000000Z.tar.gz".to_owned(),
        ];
        let plan = plan(&listed, "20261104T000000Z", 1);
        assert!(plan.delete.is_empty() && plan.removed.is_empty());
        assert_eq!(plan.kept, ["20261104T000000Z"]);
    }
}
