//! Which objects a push must send: those reachable from the new tips and not from what the remote has.
//!
//! Everything reachable from the remote's tips is on the remote, so a walk from those tips marks
//! what to leave out; a second walk from the new tips collects the rest, skipping any tree already
//! seen whole (an unchanged folder costs one id comparison) and never reading a blob.
//!
//! Each sent blob or tree that replaces one at the same path in an update's previous tip gets that
//! object as its delta base: the remote has it, so the pack may refer to it without carrying it.

use std::collections::HashMap;

use gix::ObjectId;
use gix::hashtable::HashSet;
use gix::objs::Kind;

use super::RefUpdate;
use crate::store::{Error, Store};

/// The objects reachable from `wants` but not from `haves`, each once.
pub(super) fn missing(
    store: &Store,
    haves: impl IntoIterator<Item = ObjectId>,
    wants: impl IntoIterator<Item = ObjectId>,
) -> Result<Vec<ObjectId>, Error> {
    let mut walk = Walk {
        store,
        seen: HashSet::default(),
        found: Vec::new(),
    };
    for id in haves {
        walk.from(id)?;
    }
    walk.found.clear();
    for id in wants {
        walk.from(id)?;
    }
    Ok(walk.found)
}

/// For each of `sent` that replaces a blob or tree at the same path in the tree of an update's
/// `old` commit (which the remote has, as the lease holds): that object.
pub(super) fn bases(
    store: &Store,
    updates: &[RefUpdate],
    sent: &[ObjectId],
) -> Result<HashMap<ObjectId, ObjectId>, Error> {
    let sent: HashSet<ObjectId> = sent.iter().copied().collect();
    let mut bases = HashMap::new();
    for update in updates {
        let (Some(old), Some(new)) = (update.old, update.new) else {
            continue;
        };
        let (Some(old), Some(new)) = (commit_tree(store, old)?, commit_tree(store, new)?) else {
            continue;
        };
        // Pairs of trees at the same path: the new one is sent, the old one is its base.
        let mut pairs = Vec::new();
        if sent.contains(&new) && !bases.contains_key(&new) {
            bases.insert(new, old);
            pairs.push((new, old));
        }
        while let Some((new, old)) = pairs.pop() {
            let before: HashMap<_, _> = store
                .tree_entries(old)?
                .into_iter()
                .map(|entry| (entry.filename.clone(), entry))
                .collect();
            for entry in store.tree_entries(new)? {
                if !sent.contains(&entry.oid) || bases.contains_key(&entry.oid) {
                    continue;
                }
                let Some(previous) = before.get(&entry.filename) else {
                    continue;
                };
                if entry.mode.is_tree() && previous.mode.is_tree() {
                    bases.insert(entry.oid, previous.oid);
                    pairs.push((entry.oid, previous.oid));
                } else if entry.mode.is_blob_or_symlink() && previous.mode.is_blob_or_symlink() {
                    bases.insert(entry.oid, previous.oid);
                }
            }
        }
    }
    Ok(bases)
}

/// The tree of the commit `id` points to (through tags), or none when it is not held here or
/// does not lead to a commit: then nothing gets a base from it.
fn commit_tree(store: &Store, id: ObjectId) -> Result<Option<ObjectId>, Error> {
    let repo = store.repo();
    if !repo.has_object(id) {
        return Ok(None);
    }
    let failed = |err: gix::Error| Error::local("read the objects to push", format!("{id}: {err}"));
    let object = repo.find_object(id).map_err(failed)?;
    match object.peel_to_kind(Kind::Commit) {
        Ok(commit) => Ok(Some(commit.into_commit().tree_id().map_err(failed)?.detach())),
        Err(_) => Ok(None),
    }
}

struct Walk<'a> {
    store: &'a Store,
    seen: HashSet<ObjectId>,
    found: Vec<ObjectId>,
}

impl Walk<'_> {
    /// Visits everything reachable from `root` not seen before.
    fn from(&mut self, root: ObjectId) -> Result<(), Error> {
        let repo = self.store.repo();
        let failed = |err: gix::Error| Error::local("read the objects to push", err);
        let mut stack = vec![(root, None)];
        while let Some((id, kind)) = stack.pop() {
            if !self.seen.insert(id) {
                continue;
            }
            self.found.push(id);
            if kind == Some(Kind::Blob) {
                continue;
            }
            if kind == Some(Kind::Tree) {
                stack.extend(self.tree_children(id)?);
                continue;
            }
            let object = repo.find_object(id).map_err(failed)?;
            match object.kind {
                Kind::Blob => {}
                Kind::Tree => stack.extend(self.tree_children(id)?),
                Kind::Commit => {
                    let commit = object.into_commit();
                    stack.push((commit.tree_id().map_err(failed)?.detach(), Some(Kind::Tree)));
                    stack.extend(commit.parent_ids().map(|p| (p.detach(), Some(Kind::Commit))));
                }
                Kind::Tag => stack.push((object.into_tag().target_id().map_err(failed)?.detach(), None)),
            }
        }
        Ok(())
    }

    /// The blobs and trees of tree `id` (submodule entries point elsewhere and are left out).
    fn tree_children(&self, id: ObjectId) -> Result<Vec<(ObjectId, Option<Kind>)>, Error> {
        Ok(self
            .store
            .tree_entries(id)?
            .into_iter()
            .filter(|entry| !self.seen.contains(&entry.oid))
            .filter_map(|entry| {
                let kind = if entry.mode.is_tree() {
                    Kind::Tree
                } else if entry.mode.is_blob_or_symlink() {
                    Kind::Blob
                } else {
                    return None;
                };
                Some((entry.oid, Some(kind)))
            })
            .collect())
    }
}
