//! Writing a pack of given objects, streamed into the push request.
//!
//! An object with a base (the object at its path that the remote has, see [`super::objects::bases`])
//! goes in as a delta against that base when the delta is less than half its size: a thin pack, which
//! `receive-pack` completes with the base from the repository. Other loose objects go in whole (zlib,
//! no delta search); objects the store holds in a pack are copied with their deltas when the base goes
//! too, and resolved otherwise.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::odb::pack::data::{self, output};

use super::delta;
use crate::store::{Error, Store};

/// Larger bases are not read to delta against (indexing one takes about 2.5 times its size).
const MAX_BASE: u64 = 16 << 20;

/// Writes a version 2 pack of exactly `objects` to `out` (an empty pack when there are none), those
/// with an entry in `bases` as deltas against it where that pays.
pub(super) fn write(
    store: &Store,
    objects: Vec<ObjectId>,
    bases: &HashMap<ObjectId, ObjectId>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let failed = |err: gix::Error| Error::local("write the pack to push", err);
    let io_failed = |err: std::io::Error| Error::local("write the pack to push", err);
    let mut db = gix::odb::at(store.path().join("objects"), gix::hash::Kind::Sha1)
        .and_then(|handle| handle.into_arc())
        .map_err(io_failed)?
        .into_inner();
    // Packs stay mapped while entries copied from them are in flight.
    db.prevent_pack_unload();

    let (based, whole): (Vec<_>, Vec<_>) = objects.into_iter().partition(|id| bases.contains_key(id));
    let interrupt = AtomicBool::new(false);
    let (counts, _) = output::count::objects_unthreaded(
        &db,
        &mut whole.into_iter().map(Ok),
        &gix::progress::Discard,
        &interrupt,
        output::count::objects::ObjectExpansion::AsIs,
    )
    .map_err(failed)?;
    let count = u32::try_from(counts.len() + based.len())
        .map_err(|_| Error::local("write the pack to push", "too many objects"))?;
    let entries = output::entry::iter_from_counts(
        counts,
        db,
        Box::new(gix::progress::Discard),
        output::entry::iter_from_counts::Options {
            thread_limit: Some(1),
            allow_thin_pack: false,
            ..Default::default()
        },
    )
    .map_err(failed)?;
    let deltas = based.into_iter().map(|id| {
        against_base(store, id, bases[&id])
            .map(|entry| vec![entry])
            .map_err(gix::Error::from_error)
    });
    let chunks = gix::parallel::InOrderIter::from(entries).chain(deltas);
    for written in output::bytes::FromEntriesIter::new(chunks, out, count, data::Version::V2, gix::hash::Kind::Sha1) {
        written.map_err(failed)?;
    }
    Ok(())
}

/// The entry of `id`: a delta against `base` if that is less than half of `id`'s size, else the whole object.
fn against_base(store: &Store, id: ObjectId, base: ObjectId) -> Result<output::Entry, Error> {
    let failed = |err: gix::Error| Error::local("write the pack to push", format!("{id}: {err}"));
    let repo = store.repo();
    let object = repo.find_object(id).map_err(failed)?;
    let count = output::Count::from_data(id, None);
    let header = repo.find_header(base).map_err(failed)?;
    if header.kind() == object.kind && header.size() <= MAX_BASE {
        let previous = repo.find_object(base).map_err(failed)?;
        let delta = delta::encode(&previous.data, &object.data);
        if delta.len() < object.data.len() / 2 {
            let mut entry = output::Entry::from_data(
                &count,
                &gix::objs::Data::new(&delta, object.kind, gix::hash::Kind::Sha1),
                compression(),
            )
            .map_err(failed)?;
            entry.kind = output::entry::Kind::DeltaOid { id: base };
            return Ok(entry);
        }
    }
    output::Entry::from_data(
        &count,
        &gix::objs::Data::new(&object.data, object.kind, gix::hash::Kind::Sha1),
        compression(),
    )
    .map_err(failed)
}

/// The compression of entries written here: gix-pack's (and git's) default.
fn compression() -> gix::zlib::Compression {
    output::entry::iter_from_counts::Options::default().compression
}
