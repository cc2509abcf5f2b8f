//! The snapshot store: a scratch bare git repository that mirrors the few refs a backup needs.
//!
//! It knows nothing of Cognigy. A run [`fetch`](Store::fetch)es the tier branches and tags from the
//! remote (and nothing else), writes blobs, trees and commits without a work tree, plans the tier
//! chains with the pure functions of [`chain`], and [`push`](Store::push)es every ref change at
//! once, each guarded by the value fetched (a lease).
//!
//! ```no_run
//! # fn demo(token: cognigy_backup_action::secrets::Secret) -> Result<(), cognigy_backup_action::store::Error> {
//! use cognigy_backup_action::store::{Files, RefSelection, RefUpdate, Remote, Store};
//! let store = Store::create(&std::env::temp_dir())?;
//! let remote = Remote::new("https://github.com/acme/bot-backup.git", Some(token));
//! let found = store.fetch(&remote, &RefSelection::new("snapshot/", ["snapshot/audit"], "monthly-"))?;
//! let files = Files::from([("project/project.json".to_owned(), b"{}\n".to_vec())]);
//! let tree = store.write_tree(&files)?;
//! let tip = found.get("refs/heads/snapshot/hourly");
//! let commit = store.commit(tree, tip, "snapshot 1", time::OffsetDateTime::now_utc())?;
//! store.push(&remote, &[RefUpdate::new("refs/heads/snapshot/hourly", tip, Some(commit))])?;
//! # Ok(()) }
//! ```

mod advertisement;
pub mod chain;
mod error;
mod fetch;
mod push;
mod refs;
mod remote;
mod remote_messages;
mod repo;

pub use error::Error;
pub use fetch::{RefSelection, RemoteRefs};
pub use push::{Mirrored, PushOffer, PushReport, RefUpdate, pushes_completed};
pub use remote::Remote;
pub use repo::{Store, Unreadable};

/// The files of a tree: `/`-separated relative paths to their contents.
pub type Files = std::collections::BTreeMap<String, Vec<u8>>;

/// Git object ids, as the store hands them out.
pub use gix::ObjectId;
