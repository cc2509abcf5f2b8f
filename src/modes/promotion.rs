//! The promotion step: hourly -> daily -> weekly, the monthly tags, and every tier pruned to its
//! keep, decided by [`crate::retention`] and written as chains by the store. It changes nothing on
//! the remote itself: the caller pushes [`Promoted::updates`] with its own changes, in one push.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::Error;
use super::repo::{MONTHLY_TAG_PREFIX, Pushed, Repo};
use crate::action::config::{Keep, Tier};
use crate::retention::{self, Entry, Promotion, Tag, TagSource, Unit};
use crate::store::chain::{self, Change, Link};
use crate::store::{self, ObjectId, RefUpdate, RemoteRefs};

/// The tiers after a promotion: each branch's tip and the monthly tags (name -> commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promoted {
    pub hourly: Option<ObjectId>,
    pub daily: Option<ObjectId>,
    pub weekly: Option<ObjectId>,
    pub tags: BTreeMap<String, ObjectId>,
}

/// Promotes and prunes the tiers found in `refs`, the hourly tier ending at `hourly` (which a
/// backup may just have moved), at `now`.
pub fn promote(
    repo: &Repo,
    refs: &RemoteRefs,
    hourly: Option<ObjectId>,
    keep: &Keep,
    now: OffsetDateTime,
) -> Result<Promoted, Error> {
    let hourly = chain_of(repo, hourly)?;
    let daily = chain_of(repo, refs.get(&repo.branch(Tier::Daily)))?;
    let weekly = chain_of(repo, refs.get(&repo.branch(Tier::Weekly)))?;
    for (tier, chain) in [(Tier::Hourly, &hourly), (Tier::Daily, &daily), (Tier::Weekly, &weekly)] {
        retention::check_clock(now, tier, &entries(repo, chain)?)?;
    }
    let hourly = apply(repo, hourly, Change::Retain, retention::kept(keep, Tier::Hourly))?;
    // The weekly tier and the monthly tags see the daily tier before it is pruned: a run that catches
    // up more days than `keep-daily` (or a tier that keeps one) still gives each week its last day and
    // each month its last snapshot, as a promotion after every backup does. Pruning comes last.
    let daily = promote_into(repo, &hourly, daily, Unit::Day)?;
    let weekly = promote_into(repo, &daily, weekly, Unit::Week)?;

    let mut tags: BTreeMap<String, ObjectId> = existing_tags(refs).collect();
    let found: Vec<Tag<Option<ObjectId>>> = tags
        .iter()
        .map(|(name, &commit)| {
            Ok(Tag {
                name: name.clone(),
                content: repo.store.subtree(commit, "project")?,
            })
        })
        .collect::<Result<_, store::Error>>()?;
    let decided = retention::monthly(
        now,
        &entries(repo, &daily)?,
        &entries(repo, &weekly)?,
        &found,
        retention::kept(keep, Tier::Monthly),
    )?;
    for name in decided.delete {
        tags.remove(&name);
    }
    for new in decided.create {
        let link = match new.source {
            TagSource::Daily(index) => &daily[index],
            TagSource::Weekly(index) => &weekly[index],
        };
        // A parentless copy: the tag holds that one snapshot, not the tier's history behind it.
        tags.insert(new.name, repo.store.write_commit(&link.commit, None)?);
    }
    let daily = apply(repo, daily, Change::Retain, retention::kept(keep, Tier::Daily))?;
    let weekly = apply(repo, weekly, Change::Retain, retention::kept(keep, Tier::Weekly))?;
    let tip = |chain: &[Link]| chain.last().map(|link| link.id);
    Ok(Promoted {
        hourly: tip(&hourly),
        daily: tip(&daily),
        weekly: tip(&weekly),
        tags,
    })
}

/// Promotes and prunes the tiers as the remote holds them, and pushes the result: the promote and
/// cleanup modes.
pub fn promote_remote(repo: &Repo, keep: &Keep, now: OffsetDateTime) -> Result<Pushed<Promoted>, Error> {
    repo.update(|refs| {
        let promoted = promote(repo, refs, refs.get(&repo.branch(Tier::Hourly)), keep, now)?;
        Ok((promoted.updates(repo, refs), promoted))
    })
}

impl Promoted {
    /// The ref changes from `refs` (as fetched, the leases) to these tiers.
    pub fn updates(&self, repo: &Repo, refs: &RemoteRefs) -> Vec<RefUpdate> {
        let mut updates: Vec<RefUpdate> = [
            (Tier::Hourly, self.hourly),
            (Tier::Daily, self.daily),
            (Tier::Weekly, self.weekly),
        ]
        .into_iter()
        .map(|(tier, tip)| RefUpdate::new(repo.branch(tier), refs.get(&repo.branch(tier)), tip))
        .collect();
        let before: BTreeMap<String, ObjectId> = existing_tags(refs).collect();
        for name in before.keys().chain(self.tags.keys()) {
            let (old, new) = (before.get(name).copied(), self.tags.get(name).copied());
            if old != new && !updates.iter().any(|u| u.name == tag_ref(name)) {
                updates.push(RefUpdate::new(tag_ref(name), old, new));
            }
        }
        updates.retain(|update| update.old != update.new);
        updates
    }

    /// The tiers whose refs differ from `refs`, in tier order.
    pub fn tiers_updated(&self, repo: &Repo, refs: &RemoteRefs) -> Vec<&'static str> {
        let updates = self.updates(repo, refs);
        let mut tiers = Vec::new();
        for tier in [Tier::Hourly, Tier::Daily, Tier::Weekly] {
            if updates.iter().any(|u| u.name == repo.branch(tier)) {
                tiers.push(tier.name());
            }
        }
        if updates.iter().any(|u| u.name.starts_with(&tag_ref(MONTHLY_TAG_PREFIX))) {
            tiers.push(Tier::Monthly.name());
        }
        tiers
    }
}

/// The chain ending at `tip`, oldest first.
pub fn chain_of(repo: &Repo, tip: Option<ObjectId>) -> Result<Vec<Link>, store::Error> {
    match tip {
        Some(tip) => repo.store.chain(tip),
        None => Ok(Vec::new()),
    }
}

/// `refs/tags/<name>`.
fn tag_ref(name: &str) -> String {
    format!("refs/tags/{name}")
}

/// The monthly tags among `refs`: short name -> commit.
pub fn existing_tags(refs: &RemoteRefs) -> impl Iterator<Item = (String, ObjectId)> + '_ {
    let prefix = tag_ref(MONTHLY_TAG_PREFIX);
    refs.0
        .iter()
        .filter(move |(name, _)| name.starts_with(&prefix))
        .map(|(name, &id)| (name.trim_start_matches("refs/tags/").to_owned(), id))
}

/// The policy's view of a chain: capture time and the id of the `project/` tree of each commit.
fn entries(repo: &Repo, chain: &[Link]) -> Result<Vec<Entry<Option<ObjectId>>>, store::Error> {
    chain
        .iter()
        .map(|link| {
            let captured_at = OffsetDateTime::from_unix_timestamp(link.commit.committed.seconds).map_err(|e| {
                store::Error::Local {
                    action: "read a commit date",
                    detail: e.to_string(),
                }
            })?;
            Ok(Entry {
                captured_at,
                content: repo.store.subtree(link.id, "project")?,
            })
        })
        .collect()
}

/// Promotes `source` into `target` (each change as the policy decides), pruning nothing.
fn promote_into(repo: &Repo, source: &[Link], mut target: Vec<Link>, unit: Unit) -> Result<Vec<Link>, Error> {
    for promotion in retention::promote(&entries(repo, source)?, &entries(repo, &target)?, unit) {
        let change = match promotion {
            Promotion::Append(index) => Change::Append(source[index].commit.clone()),
            Promotion::ReplaceTip(index) => Change::ReplaceTip(source[index].commit.clone()),
        };
        target = apply(repo, target, change, usize::MAX)?;
    }
    Ok(target)
}

/// Writes `change` to `chain` (pruned to `keep`) and answers the chain as written.
fn apply(repo: &Repo, chain: Vec<Link>, change: Change, keep: usize) -> Result<Vec<Link>, store::Error> {
    let steps = chain::plan(&chain, change, keep);
    if chain::is_unchanged(&steps, &chain) {
        return Ok(chain);
    }
    match repo.store.write_chain(&steps)? {
        Some(tip) => repo.store.chain(tip),
        None => Ok(Vec::new()),
    }
}
