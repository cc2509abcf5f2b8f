//! The checks of the tiers as fetched: a branch is a linear chain of at most its keep of snapshot
//! commits, in capture order, whose oldest commit has no parent; a monthly tag is one parentless
//! snapshot commit of the month it names, and there are at most `keep-monthly` of them. Every
//! commit holds a snapshot: first line `snapshot <id>`, every object present, its files as its
//! manifest lists them ([`manifest::verify`]), in the contract's layout with JSON that parses
//! ([`layout::check`]).

use time::OffsetDateTime;

use super::report::{At, Finding};
use crate::action::config::{Tier, is_snapshot_id};
use crate::retention::{self, Period, Unit};
use crate::snapshot::{layout, manifest};
use crate::store::chain::Commit;
use crate::store::{ObjectId, Store};

/// How far beyond its keep a chain is walked: enough to show that it is too long, without reading
/// a whole history someone pushed onto a tier.
const WALK_BEYOND_KEEP: usize = 100;

/// What the checks of a tier (or of one of its refs) found: its snapshots, oldest first, and its
/// problems.
#[derive(Debug, Default)]
pub struct Checked {
    pub snapshots: Vec<At>,
    pub findings: Vec<Finding>,
}

impl Checked {
    fn add(&mut self, tier: Tier, git_ref: &str, at: Option<&At>, path: Option<&str>, what: String) {
        self.findings.push(Finding {
            tier,
            git_ref: git_ref.to_owned(),
            at: at.cloned(),
            path: path.map(str::to_owned),
            what,
        });
    }
}

/// Checks the branch `git_ref` of `tier`, ending at `tip`, which may hold `keep` snapshots.
pub fn branch(store: &Store, tier: Tier, git_ref: &str, tip: ObjectId, keep: usize) -> Checked {
    let keep = keep.max(1);
    let mut checked = Checked::default();
    // The chain, newest first, each commit with its parents, as far as it can be read.
    let mut links: Vec<(ObjectId, Vec<ObjectId>)> = Vec::new();
    let mut next = Some(tip);
    let mut cut_short = false;
    while let Some(id) = next {
        if links.len() == keep + WALK_BEYOND_KEEP {
            cut_short = true;
            break;
        }
        match store.parents(id) {
            Ok(parents) => {
                next = parents.first().copied();
                links.push((id, parents));
            }
            Err(error) => {
                let what = format!("the commit cannot be read: {error}");
                checked.add(tier, git_ref, Some(&commit_at(id)), None, what);
                break;
            }
        }
    }
    // The commit that should be the chain's root when the chain is longer than its keep.
    let root = (links.len() > keep).then(|| links[keep - 1].0);
    let walked = links.len();
    let mut below: Option<String> = None;
    for (id, parents) in links.into_iter().rev() {
        let Some((at, _)) = snapshot(store, tier, git_ref, id, &mut checked) else {
            continue;
        };
        if parents.len() > 1 {
            let what = format!(
                "a merge commit ({} parents): a tier is a linear chain of snapshots",
                parents.len()
            );
            checked.add(tier, git_ref, Some(&at), None, what);
        }
        if let (Some(id), Some(older)) = (&at.snapshot_id, &below)
            && id <= older
        {
            let what = format!(
                "captured no later than the snapshot below it ({older}): a tier holds its snapshots in capture order"
            );
            checked.add(tier, git_ref, Some(&at), None, what);
        }
        below = at.snapshot_id.clone().or(below);
        checked.snapshots.push(at);
    }
    if let Some(root) = root {
        let at = checked.snapshots.iter().find(|at| at.commit == root).cloned();
        let more = if cut_short { "more than " } else { "" };
        let what = format!(
            "should be the chain's root, but has a parent: the chain holds {more}{walked} commits, more than \
             keep-{tier} ({keep}). The cleanup mode drops the older ones and re-roots the chain (or raise keep-{tier})",
            tier = tier.name()
        );
        checked.add(tier, git_ref, Some(&at.unwrap_or_else(|| commit_at(root))), None, what);
    }
    checked
}

/// Checks the monthly tag `name` on `commit`.
pub fn tag(store: &Store, name: &str, commit: ObjectId) -> Checked {
    let tier = Tier::Monthly;
    let mut checked = Checked::default();
    let month = retention::month_of(name);
    if month.is_none() {
        let what = "not a monthly tag name: this tool names them monthly-YYYY-MM".to_owned();
        checked.add(tier, name, Some(&commit_at(commit)), None, what);
    }
    let Some((at, content)) = snapshot(store, tier, name, commit, &mut checked) else {
        return checked;
    };
    match store.parents(commit) {
        Ok(parents) if parents.is_empty() => {}
        Ok(parents) => {
            let what = format!(
                "the commit has {} parent(s): a monthly tag holds one parentless snapshot commit",
                parents.len()
            );
            checked.add(tier, name, Some(&at), None, what);
        }
        Err(error) => checked.add(
            tier,
            name,
            Some(&at),
            None,
            format!("the commit cannot be read: {error}"),
        ),
    }
    let captured = OffsetDateTime::from_unix_timestamp(content.committed.seconds).ok();
    if let (Some(month), Some(captured)) = (month, captured.map(|at| Period::of(Unit::Month, at)))
        && captured != month
    {
        let what = format!("the snapshot was captured in {captured}, not in the month the tag names");
        checked.add(tier, name, Some(&at), None, what);
    }
    checked.snapshots.push(at);
    checked
}

/// The problem of having more monthly tags than `keep` (tags not named `monthly-YYYY-MM` aside).
pub fn tag_count<'a>(names: impl IntoIterator<Item = &'a str>, keep: usize) -> Option<Finding> {
    let count = names
        .into_iter()
        .filter(|name| retention::month_of(name).is_some())
        .count();
    (count > keep).then(|| Finding {
        tier: Tier::Monthly,
        git_ref: "monthly-*".to_owned(),
        at: None,
        path: None,
        what: format!(
            "{count} monthly tags, more than keep-monthly ({keep}): the oldest beyond the keep should be deleted with \
             their releases (the cleanup mode does it), or keep-monthly raised"
        ),
    })
}

/// Checks the snapshot of commit `id`: its first line, then (when it is a snapshot commit) its
/// objects, its manifest and its layout.
/// Answers the commit with its snapshot id and what it holds, or `None` when it cannot be read.
fn snapshot(store: &Store, tier: Tier, git_ref: &str, id: ObjectId, checked: &mut Checked) -> Option<(At, Commit)> {
    let content = match store.read_commit(id) {
        Ok(content) => content,
        Err(error) => {
            checked.add(
                tier,
                git_ref,
                Some(&commit_at(id)),
                None,
                format!("the commit cannot be read: {error}"),
            );
            return None;
        }
    };
    let first_line = content.message.lines().next().unwrap_or_default();
    let at = At {
        snapshot_id: first_line
            .strip_prefix("snapshot ")
            .filter(|id| is_snapshot_id(id))
            .map(str::to_owned),
        commit: id,
    };
    let mut add = |path: Option<&str>, what: String| checked.add(tier, git_ref, Some(&at), path, what);
    if at.snapshot_id.is_none() {
        add(
            None,
            format!(
                "not a snapshot commit (its first line is {first_line:?}, where a snapshot's reads \"snapshot\" and its id): a tier holds snapshots only"
            ),
        );
        return Some((at, content));
    }
    let (files, unreadable) = store.read_files_partly(content.tree);
    for lost in &unreadable {
        let path = (!lost.path.is_empty()).then_some(lost.path.as_str());
        add(path, format!("missing from the repository: {}", lost.error));
    }
    // A file whose object is missing is reported once, not again as missing from the manifest.
    let lost = |path: &str| {
        unreadable.iter().any(|lost| {
            path == lost.path || ((lost.path.is_empty() || lost.path.ends_with('/')) && path.starts_with(&lost.path))
        })
    };
    for problem in manifest::verify(&files) {
        let path = match &problem {
            manifest::Problem::Missing(path) if lost(path) => continue,
            manifest::Problem::NoManifest if lost(manifest::PATH) => continue,
            manifest::Problem::Missing(path) | manifest::Problem::Extra(path) => path.as_str(),
            manifest::Problem::Digest { path, .. } => path.as_str(),
            manifest::Problem::NoManifest | manifest::Problem::BadManifest(_) => manifest::PATH,
        };
        add(Some(path), problem.to_string());
    }
    for problem in layout::check(&files) {
        let path = problem.path();
        let vanished = matches!(
            problem,
            layout::Problem::Missing(_) | layout::Problem::Incomplete { .. }
        );
        if !(vanished && lost(&path)) {
            add(Some(&path), problem.to_string());
        }
    }
    let listed = files.get(manifest::PATH).and_then(|bytes| manifest::parse(bytes).ok());
    if let (Some(manifest), Some(id)) = (listed, &at.snapshot_id)
        && manifest.meta.snapshot_id != *id
    {
        let what = format!(
            "lists snapshot {}, but the commit is snapshot {id}",
            manifest.meta.snapshot_id
        );
        add(Some(manifest::PATH), what);
    }
    Some((at, content))
}

fn commit_at(commit: ObjectId) -> At {
    At {
        snapshot_id: None,
        commit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Content, Export, Meta, build, snapshot_id};
    use time::macros::datetime;

    /// A store holding a chain of two snapshots; answers it with the tip.
    fn chain() -> (tempfile::TempDir, Store, ObjectId) {
        let temp = tempfile::tempdir().unwrap();
        let store = Store::create(temp.path()).unwrap();
        let mut tip = None;
        for (at, name) in [
            (datetime!(2026-11-22 07:37 UTC), "a"),
            (datetime!(2026-11-22 08:07 UTC), "b"),
        ] {
            let meta = Meta {
                snapshot_id: snapshot_id(at),
                captured_at: at,
                project_id: "p".into(),
                base_url: "https://api-app.cognigy.ai".into(),
                tool_version: "0".into(),
            };
            let export = Export {
                project: vec![
                    ("project.json", Content::Json(serde_json::json!({ "name": name }))),
                    ("locales.json", Content::Json(serde_json::json!([]))),
                ],
                ..Export::default()
            };
            let files = build(meta.clone(), export).files;
            let tree = store.write_tree(&files).unwrap();
            tip = Some(
                store
                    .commit(tree, tip, &format!("snapshot {}", meta.snapshot_id), at)
                    .unwrap(),
            );
        }
        (temp, store, tip.unwrap())
    }

    #[test]
    fn a_healthy_chain_has_no_finding() {
        let (_temp, store, tip) = chain();
        let checked = branch(&store, Tier::Hourly, "snapshot/hourly", tip, 2);
        assert_eq!(checked.findings, vec![]);
        let ids: Vec<_> = checked
            .snapshots
            .iter()
            .map(|at| at.snapshot_id.clone().unwrap())
            .collect();
        assert_eq!(ids, ["20261122T073700Z", "20261122T080700Z"]);
        let too_long = branch(&store, Tier::Hourly, "snapshot/hourly", tip, 1);
        assert_eq!(too_long.findings.len(), 1);
        assert!(
            too_long.findings[0]
                .what
                .starts_with("should be the chain's root, but has a parent: the chain holds 2 commits"),
            "{:?}",
            too_long.findings
        );
        let tip = too_long.snapshots[1].clone();
        assert_eq!(
            too_long.findings[0].at,
            Some(tip),
            "with keep 1 the tip should be the root"
        );
    }

    #[test]
    fn objects_missing_from_the_fetched_repository_are_named_once_by_path() {
        let (_temp, store, tip) = chain();
        let tree = store.read_commit(tip).unwrap().tree;
        let project = store.subtree(tip, "project").unwrap().unwrap();
        let blob = store
            .tree_entries(project)
            .unwrap()
            .into_iter()
            .find(|entry| entry.filename == "project.json")
            .unwrap()
            .oid
            .to_string();
        std::fs::remove_file(store.path().join(format!("objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();

        let checked = branch(&store, Tier::Daily, "snapshot/daily", tip, 2);
        let found: Vec<(Option<&str>, Option<&str>)> = checked
            .findings
            .iter()
            .map(|f| {
                (
                    f.at.as_ref().and_then(|at| at.snapshot_id.as_deref()),
                    f.path.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [(Some("20261122T080700Z"), Some("project/project.json"))],
            "{:?}",
            checked.findings
        );
        assert!(
            checked.findings[0].what.starts_with("missing from the repository: "),
            "{:?}",
            checked.findings
        );
        assert!(checked.findings[0].what.contains(&blob), "{:?}", checked.findings);
        assert_eq!(checked.snapshots.len(), 2, "the chain is still walked");

        // The whole root tree gone: one finding for the snapshot, nothing about its files.
        let tree = tree.to_string();
        std::fs::remove_file(store.path().join(format!("objects/{}/{}", &tree[..2], &tree[2..]))).unwrap();
        let checked = branch(&store, Tier::Daily, "snapshot/daily", tip, 2);
        assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
        assert_eq!(checked.findings[0].path, None);
    }
}
