//! The store's own refs: a mirror of the selected refs on the remote, as last fetched or pushed.
//!
//! Everything they reach is known to be on the remote, which is what the push leaves out.

use gix::ObjectId;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};

use crate::store::{Error, RemoteRefs, Store};

impl Store {
    /// Where each of the store's refs points.
    pub(crate) fn local_refs(&self) -> Result<RemoteRefs, Error> {
        let failed = |err: gix::Error| Error::local("list its refs", err);
        let platform = self.repo().references().map_err(failed)?;
        let mut refs = RemoteRefs::default();
        for reference in platform.all().map_err(failed)? {
            let reference = reference.map_err(|err| Error::local("list its refs", err))?;
            if let Some(id) = reference.target().try_id() {
                refs.0.insert(reference.name().as_bstr().to_string(), id.to_owned());
            }
        }
        Ok(refs)
    }

    /// Points each named ref at its id, or deletes it (`None`).
    pub(crate) fn set_refs<'a>(
        &self,
        refs: impl IntoIterator<Item = (&'a str, Option<ObjectId>)>,
    ) -> Result<(), Error> {
        let failed = |err: gix::Error| Error::local("update its refs", err);
        let edits = refs
            .into_iter()
            .map(|(name, id)| {
                let change = match id {
                    Some(id) => Change::Update {
                        log: LogChange {
                            mode: RefLog::AndReference,
                            force_create_reflog: false,
                            message: "mirror".into(),
                        },
                        expected: PreviousValue::Any,
                        new: gix::refs::Target::Object(id),
                    },
                    None => Change::Delete {
                        expected: PreviousValue::Any,
                        log: RefLog::AndReference,
                    },
                };
                let name = name.try_into().map_err(|err: gix::validate::reference::name::Error| {
                    Error::local("update its refs", format!("{name:?}: {err}"))
                })?;
                Ok(RefEdit {
                    change,
                    name,
                    deref: false,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        self.repo().edit_references(edits).map_err(failed)?;
        Ok(())
    }

    /// Deletes the store's refs that are not in `found` (gone from the remote).
    pub(crate) fn forget_refs_except(&self, found: &RemoteRefs) -> Result<(), Error> {
        let local = self.local_refs()?;
        self.set_refs(
            local
                .0
                .keys()
                .filter(|name| !found.0.contains_key(*name))
                .map(|name| (name.as_str(), None)),
        )
    }
}
