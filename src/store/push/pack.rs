//! Writing a pack of given objects, streamed into the push request.
//!
//! Loose objects go in whole (zlib, no delta search); objects the store holds in a pack are copied
//! with their deltas when the base goes too, and resolved otherwise (no thin packs).

use std::io::Write;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::odb::pack::data::{self, output};

use crate::store::{Error, Store};

/// Writes a version 2 pack of exactly `objects` to `out` (an empty pack when there are none).
pub(super) fn write(store: &Store, objects: Vec<ObjectId>, out: &mut dyn Write) -> Result<(), Error> {
    let failed = |err: gix::Error| Error::local("write the pack to push", err);
    let io_failed = |err: std::io::Error| Error::local("write the pack to push", err);
    let mut db = gix::odb::at(store.path().join("objects"), gix::hash::Kind::Sha1)
        .and_then(|handle| handle.into_arc())
        .map_err(io_failed)?
        .into_inner();
    // Packs stay mapped while entries copied from them are in flight.
    db.prevent_pack_unload();

    let interrupt = AtomicBool::new(false);
    let (counts, _) = output::count::objects_unthreaded(
        &db,
        &mut objects.into_iter().map(Ok),
        &gix::progress::Discard,
        &interrupt,
        output::count::objects::ObjectExpansion::AsIs,
    )
    .map_err(failed)?;
    let count = u32::try_from(counts.len()).map_err(|_| Error::local("write the pack to push", "too many objects"))?;
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
    let chunks = gix::parallel::InOrderIter::from(entries);
    for written in output::bytes::FromEntriesIter::new(chunks, out, count, data::Version::V2, gix::hash::Kind::Sha1) {
        written.map_err(failed)?;
    }
    Ok(())
}
