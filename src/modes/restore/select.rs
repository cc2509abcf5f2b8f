//! Which snapshot a restore (or a diff) reads: the newest of a tier, a commit SHA (full or
//! abbreviated), a snapshot id, or a `monthly-YYYY-MM` tag. An unknown selector fails and lists
//! what exists; the files of the one found must match its manifest.

use crate::action::config::{SnapshotSelector, Tier};
use crate::snapshot::diff::snapshot_id_in;
use crate::snapshot::{Files, manifest};
use crate::store::{ObjectId, RemoteRefs};

use super::super::Error;
use super::super::promotion::{chain_of, existing_tags};
use super::super::repo::Repo;

/// At most this many snapshots per place are listed when a selector matches none.
const MAX_LISTED: usize = 12;

/// The snapshot a restore or a diff reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub commit: ObjectId,
    pub snapshot_id: String,
    /// Where it was found, for people: `snapshot/hourly` or `tag monthly-2026-10`.
    pub place: String,
}

/// A place that holds snapshots (a tier branch or the monthly tags), newest first.
struct Place {
    tier: Tier,
    name: String,
    snapshots: Vec<Selected>,
}

/// The snapshot `selector` names (see [`select`]) with its files, which must match its manifest.
pub fn read(
    repo: &Repo,
    refs: &RemoteRefs,
    tier: Tier,
    selector: &SnapshotSelector,
) -> Result<(Selected, Files), Error> {
    let selected = select(repo, refs, tier, selector)?;
    let files = repo.store.read_files(repo.store.read_commit(selected.commit)?.tree)?;
    check_manifest(&files, &selected)?;
    Ok((selected, files))
}

/// Refuses a snapshot whose files do not match its manifest (every file's sha256, the `.csnap`
/// included): what a restore writes, or a diff shows, is exactly what was backed up.
fn check_manifest(files: &Files, selected: &Selected) -> Result<(), Error> {
    let problems = manifest::verify(files);
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Err(Error::Selection(format!(
        "snapshot {} ({}, commit {}) does not match its manifest, so it was not used: {}. Run `verify` on the \
         repository, and choose another snapshot.",
        selected.snapshot_id,
        selected.place,
        selected.commit,
        listed.join("; ")
    )))
}

/// The snapshot `selector` names, looked for in `tier` first, then in the other tiers.
pub fn select(repo: &Repo, refs: &RemoteRefs, tier: Tier, selector: &SnapshotSelector) -> Result<Selected, Error> {
    let mut places = places(repo, refs)?;
    // The chosen tier first: a snapshot id found there is taken from there.
    places.sort_by_key(|place| place.tier != tier);
    let all = || places.iter().flat_map(|place| &place.snapshots);
    let found = match selector {
        SnapshotSelector::Latest => places
            .iter()
            .find(|place| place.tier == tier)
            .and_then(|place| place.snapshots.first())
            .cloned(),
        SnapshotSelector::SnapshotId(id) => all().find(|s| &s.snapshot_id == id).cloned(),
        SnapshotSelector::MonthlyTag(tag) => all().find(|s| s.place == tag_place(tag)).cloned(),
        SnapshotSelector::Commit(prefix) => {
            // One commit may stand in several tiers (promotion copies it): ambiguity is between commits.
            let matching: Vec<&Selected> = all().filter(|s| s.commit.to_string().starts_with(prefix)).collect();
            let distinct: std::collections::BTreeSet<ObjectId> = matching.iter().map(|s| s.commit).collect();
            if distinct.len() > 1 {
                return Err(Error::Selection(format!(
                    "the commit SHA `{prefix}` is ambiguous: it starts {} snapshot commits. Give more of its hex digits.",
                    distinct.len()
                )));
            }
            matching.first().map(|s| (*s).clone())
        }
    };
    found.ok_or_else(|| Error::Selection(not_found(selector, tier, &places)))
}

/// Every place with its snapshots: the tier branches, then the monthly tags.
fn places(repo: &Repo, refs: &RemoteRefs) -> Result<Vec<Place>, Error> {
    let mut places = Vec::new();
    for tier in [Tier::Hourly, Tier::Daily, Tier::Weekly] {
        let name = repo.branch_name(tier);
        let chain = chain_of(repo, refs.get(&repo.branch(tier)))?;
        let snapshots = chain
            .iter()
            .rev()
            .map(|link| Selected {
                commit: link.id,
                snapshot_id: snapshot_id_in(&link.commit.message).unwrap_or_default().to_owned(),
                place: name.clone(),
            })
            .collect();
        places.push(Place { tier, name, snapshots });
    }
    let mut tags: Vec<(String, ObjectId)> = existing_tags(refs).collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0));
    let mut snapshots = Vec::new();
    for (tag, commit) in tags {
        let message = repo.store.read_commit(commit)?.message;
        snapshots.push(Selected {
            commit,
            snapshot_id: snapshot_id_in(&message).unwrap_or_default().to_owned(),
            place: tag_place(&tag),
        });
    }
    places.push(Place {
        tier: Tier::Monthly,
        name: "monthly tags".to_owned(),
        snapshots,
    });
    Ok(places)
}

fn tag_place(tag: &str) -> String {
    format!("tag {tag}")
}

/// Says that nothing matched `selector` and lists what exists, the chosen tier first.
fn not_found(selector: &SnapshotSelector, tier: Tier, places: &[Place]) -> String {
    let asked = match selector {
        SnapshotSelector::Latest => format!("`latest` of the {} tier: the tier holds no snapshot yet", tier.name()),
        SnapshotSelector::Commit(sha) => format!("commit `{sha}`: no snapshot commit has it"),
        SnapshotSelector::SnapshotId(id) => format!("snapshot `{id}`: no tier holds it"),
        SnapshotSelector::MonthlyTag(tag) => format!("tag `{tag}`: it does not exist"),
    };
    let mut out = format!("no snapshot found for {asked}. What exists:");
    for place in places {
        if place.snapshots.is_empty() {
            out.push_str(&format!("\n- {}: none", place.name));
            continue;
        }
        let listed: Vec<String> = place
            .snapshots
            .iter()
            .take(MAX_LISTED)
            .map(|s| match place.tier {
                Tier::Monthly => format!("{} ({})", s.place.trim_start_matches("tag "), s.snapshot_id),
                _ => format!("{} ({})", s.snapshot_id, short(s.commit)),
            })
            .collect();
        let more = place.snapshots.len().saturating_sub(MAX_LISTED);
        let more = if more > 0 {
            format!(" and {more} older")
        } else {
            String::new()
        };
        out.push_str(&format!("\n- {}: {}{more}", place.name, listed.join(", ")));
    }
    out.push_str("\nSet `snapshot` to one of these (or `latest`) and `tier` to where it is.");
    out
}

fn short(id: ObjectId) -> String {
    id.to_string()[..7].to_owned()
}
