//! Which objects a push must send: those reachable from the new tips and not from what the remote has.
//!
//! Everything reachable from the remote's tips is on the remote, so a walk from those tips marks
//! what to leave out; a second walk from the new tips collects the rest, skipping any tree already
//! seen whole (an unchanged folder costs one id comparison) and never reading a blob.

use gix::ObjectId;
use gix::hashtable::HashSet;
use gix::objs::Kind;

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
