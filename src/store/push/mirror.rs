//! Bringing a second remote (a mirror) to the state of the store's refs, which follow the primary.
//!
//! The mirror's refs are read from its receive-pack advertisement; every selected ref that differs
//! from the store's (missing there, elsewhere, or one the primary no longer has) is set to the
//! store's value in one push, leased on what the mirror advertised. The primary is the source of
//! truth: a mirror ref someone moved is overwritten, and said so ([`Mirrored::overwritten`]).
//! Only objects the mirror lacks are sent: what its refs reach, where the store has them, is left out.

use std::collections::BTreeSet;

use gix::ObjectId;

use super::{PushReport, RefUpdate, Session};
use crate::store::{Error, RefSelection, Remote, RemoteRefs, Store};

/// What bringing a mirror up to date did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mirrored {
    /// The ref changes sent (none: the mirror was up to date).
    pub updates: Vec<RefUpdate>,
    /// Refs whose commit on the mirror the primary does not have (someone pushed there, or a
    /// state the primary has since dropped): overwritten.
    pub overwritten: Vec<String>,
    pub report: PushReport,
}

impl Store {
    /// Sets every ref `selection` names on `mirror` to the store's value (deleting those the store
    /// does not have), in one leased push.
    pub fn mirror_to(&self, mirror: &Remote, selection: &RefSelection) -> Result<Mirrored, Error> {
        let ours = selected(&self.local_refs()?, selection);
        let session = Session::open(mirror)?;
        let theirs = selected(&session.advertised, selection);
        let names: BTreeSet<&String> = ours.0.keys().chain(theirs.0.keys()).collect();
        let updates: Vec<RefUpdate> = names
            .into_iter()
            .map(|name| RefUpdate::new(name.clone(), theirs.get(name), ours.get(name)))
            .filter(|update| update.old != update.new)
            .collect();
        if updates.is_empty() {
            return Ok(Mirrored::default());
        }
        let repo = self.repo();
        let overwritten = updates
            .iter()
            .filter(|update| update.old.is_some_and(|old| !repo.has_object(old)))
            .map(|update| update.name.clone())
            .collect();
        // Everything the mirror's refs reach is there: what of it the store has is not sent again.
        let haves: Vec<ObjectId> = session
            .advertised
            .0
            .values()
            .copied()
            .filter(|id| repo.has_object(*id))
            .collect();
        let report = self.send_updates(mirror, session, updates.clone(), haves)?;
        Ok(Mirrored {
            updates,
            overwritten,
            report,
        })
    }
}

/// The refs of `refs` that `selection` names.
fn selected(refs: &RemoteRefs, selection: &RefSelection) -> RemoteRefs {
    RemoteRefs(
        refs.0
            .iter()
            .filter(|(name, _)| selection.selects(name))
            .map(|(name, id)| (name.clone(), *id))
            .collect(),
    )
}
