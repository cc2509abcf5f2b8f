//! Fetching the selected refs, and nothing else, into the store.
//!
//! The refs found are mirrored 1:1 as the store's own refs (local refs the remote no longer has
//! are removed), so the store always knows what the remote holds: the push sends only what is
//! missing from there. The map of refs found is the lease for the push.
//!
//! A check of the repository instead [`list`](Store::list)s the refs and fetches them
//! [one by one](Store::fetch_one), so that a ref whose objects the remote cannot send fails alone.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::protocol::transport::client::blocking_io::connect;
use gix::remote::{Direction, fetch::Tags};

use crate::store::advertisement::Symrefless;
use crate::store::remote_messages::{Heard, Listening};
use crate::store::{Error, Remote, Store};

/// Which refs a run needs: the branches starting with a prefix, a few named branches, and the tags
/// starting with a prefix.
#[derive(Clone, Debug)]
pub struct RefSelection {
    branch_prefix: String,
    branches: Vec<String>,
    tag_prefix: String,
}

impl RefSelection {
    /// Branches `<branch_prefix>*`, each of `branches` (short names), and tags `<tag_prefix>*`.
    pub fn new<S: Into<String>>(
        branch_prefix: impl Into<String>,
        branches: impl IntoIterator<Item = S>,
        tag_prefix: impl Into<String>,
    ) -> Self {
        RefSelection {
            branch_prefix: branch_prefix.into(),
            branches: branches.into_iter().map(Into::into).collect(),
            tag_prefix: tag_prefix.into(),
        }
    }

    /// Whether the full ref `name` is one of those selected.
    pub fn selects(&self, name: &str) -> bool {
        let under = |kind: &str, prefix: &str| name.strip_prefix(kind).is_some_and(|rest| rest.starts_with(prefix));
        under("refs/heads/", &self.branch_prefix)
            || under("refs/tags/", &self.tag_prefix)
            || self
                .branches
                .iter()
                .any(|branch| name.strip_prefix("refs/heads/") == Some(branch.as_str()))
    }

    /// Forced refspecs mapping each selected remote ref to the same name in the store.
    fn refspecs(&self) -> Vec<String> {
        let glob = |full: String| format!("+{full}*:{full}*");
        let one = |full: String| format!("+{full}:{full}");
        std::iter::once(glob(format!("refs/heads/{}", self.branch_prefix)))
            .chain(std::iter::once(glob(format!("refs/tags/{}", self.tag_prefix))))
            .chain(self.branches.iter().map(|b| one(format!("refs/heads/{b}"))))
            .collect()
    }
}

/// The refs found on the remote (full name -> the id it points at), as fetched: the lease.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteRefs(pub BTreeMap<String, ObjectId>);

impl RemoteRefs {
    /// Where `full_name` (e.g. `refs/heads/snapshot/hourly`) points, if it exists.
    pub fn get(&self, full_name: &str) -> Option<ObjectId> {
        self.0.get(full_name).copied()
    }

    /// The refs once `updates` are applied: what the remote holds after a push of them.
    pub fn applied(&self, updates: &[crate::store::RefUpdate]) -> RemoteRefs {
        let mut refs = self.0.clone();
        for update in updates {
            match update.new {
                Some(id) => refs.insert(update.name.clone(), id),
                None => refs.remove(&update.name),
            };
        }
        RemoteRefs(refs)
    }
}

impl Store {
    /// Fetches the refs `selection` names from `remote`, with the objects they reach. The store's
    /// refs become a mirror of those found.
    pub fn fetch(&self, remote: &Remote, selection: &RefSelection) -> Result<RemoteRefs, Error> {
        let found = self.fetch_refspecs(remote, &selection.refspecs(), Receive::Objects)?;
        self.forget_refs_except(&found)?;
        Ok(found)
    }

    /// The refs `selection` names on `remote`, listed without fetching anything.
    pub fn list(&self, remote: &Remote, selection: &RefSelection) -> Result<RemoteRefs, Error> {
        self.fetch_refspecs(remote, &selection.refspecs(), Receive::Nothing)
    }

    /// Fetches the one ref `full_name` with the objects it reaches; answers where it points (`None`:
    /// the remote no longer has it). The store's other refs stay, so what they reach is not sent
    /// again. A remote that cannot send every object of the ref (a damaged repository) fails this
    /// fetch alone: fetching ref by ref keeps one damaged ref from hiding the others.
    pub fn fetch_one(&self, remote: &Remote, full_name: &str) -> Result<Option<ObjectId>, Error> {
        let found = self.fetch_refspecs(remote, &[format!("+{full_name}:{full_name}")], Receive::Objects)?;
        Ok(found.get(full_name))
    }

    /// Connects, lists the refs `refspecs` select, and receives their objects when asked to.
    fn fetch_refspecs(&self, remote: &Remote, refspecs: &[String], receive: Receive) -> Result<RemoteRefs, Error> {
        let shown = remote.display();
        let failed = |err: gix::Error| Error::remote("fetch from", &shown, &err);
        let repo = self.repo();
        let gix_remote = repo
            .remote_at_without_url_rewrite(remote.url())
            .and_then(|r| r.with_refspecs(refspecs.iter().map(String::as_str), Direction::Fetch))
            .map_err(failed)?
            .with_fetch_tags(Tags::None);
        let (url, version) = gix_remote.sanitized_url_and_version(Direction::Fetch).map_err(failed)?;
        let options = connect::Options {
            version,
            ..Default::default()
        };
        let transport = connect::connect(url, options).map_err(failed)?;
        let heard = Heard::default();
        let mut connection =
            gix_remote.to_connection_with_transport(Listening::new(Symrefless(transport), heard.clone()));
        // No credential helpers or prompts: the token is the only credential.
        connection.set_credentials(|_| Ok(None));
        if remote.is_http() {
            connection.set_transport_options(Box::new(remote.http_options()));
        }
        let prepared = connection
            .prepare_fetch(gix::progress::Discard, Default::default())
            .map_err(failed)?;
        let found = RemoteRefs(
            prepared
                .ref_map()
                .mappings
                .iter()
                .filter_map(|m| Some((m.remote.as_name()?.to_string(), m.remote.as_id()?.to_owned())))
                .collect(),
        );
        for (name, id) in &found.0 {
            tracing::debug!("read ref {name} at {id} from {shown}");
        }
        if found.0.is_empty() {
            tracing::debug!("read no ref of {} from {shown}", refspecs.join(" "));
        }
        // None of the selected refs exist yet (a new repository): there is nothing to receive.
        if receive == Receive::Objects && !found.0.is_empty() {
            prepared
                .receive(gix::progress::Discard, &AtomicBool::new(false))
                .map_err(|err| match heard.said() {
                    Some(said) => Error::remote_said(&shown, &said),
                    None => failed(err),
                })?;
        }
        Ok(found)
    }
}

/// Whether a fetch receives the objects of the refs it lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Receive {
    Objects,
    Nothing,
}
