//! Pushing ref changes with leases: gitoxide has no push, so this is send-pack on gix's parts.
//!
//! Every update names the value the ref had when fetched (the lease); the remote must still hold it.
//! All updates go in one `atomic` request when the server offers it, else one by one, branches
//! before tags. Only objects the remote lacks are sent, a changed file or folder as a delta against
//! its previous version when that is much smaller. On success the store's mirror refs follow.

mod delta;
mod mirror;
mod objects;
mod pack;
mod session;

use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;

use crate::store::{Error, Remote, RemoteRefs, Store};
pub use mirror::Mirrored;
use session::Session;

/// A change of one ref: from `old` (none: it must not exist) to `new` (none: delete it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    /// The full ref name, e.g. `refs/heads/snapshot/hourly` or `refs/tags/monthly-2025-01`.
    pub name: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

impl RefUpdate {
    pub fn new(name: impl Into<String>, old: Option<ObjectId>, new: Option<ObjectId>) -> Self {
        RefUpdate {
            name: name.into(),
            old,
            new,
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    /// The refs changed on the remote.
    pub updated: Vec<String>,
    /// Objects in the packs sent.
    pub objects_sent: usize,
    /// Request bytes sent: commands and packs (HTTP framing aside).
    pub bytes_sent: u64,
}

/// Pushes that reached a remote in this process.
static COMPLETED: AtomicUsize = AtomicUsize::new(0);

/// How many pushes reached a remote so far in this process (for the report of a run that failed).
pub fn pushes_completed() -> usize {
    COMPLETED.load(Ordering::Relaxed)
}

/// What a remote offers a push, read from its receive-pack advertisement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushOffer {
    /// The refs the remote advertised.
    pub refs: usize,
    /// Whether it takes all ref changes of a push at once.
    pub atomic: bool,
}

impl Remote {
    /// Asks `git-receive-pack` for its advertisement with the token, and sends nothing after it:
    /// answers only when the remote would take a push from these credentials.
    pub fn push_offer(&self) -> Result<PushOffer, Error> {
        let session = Session::open(self)?;
        Ok(PushOffer {
            refs: session.advertised.0.len(),
            atomic: session.offers("atomic"),
        })
    }
}

impl Store {
    /// Applies `updates` on `remote`, each only if the ref is still at its `old` value.
    ///
    /// A ref moved by someone else fails with [`Error::LeaseRefused`]: fetch again and re-apply.
    /// Updates that change nothing are skipped; with none left, nothing is sent.
    pub fn push(&self, remote: &Remote, updates: &[RefUpdate]) -> Result<PushReport, Error> {
        let updates: Vec<RefUpdate> = updates.iter().filter(|u| u.old != u.new).cloned().collect();
        if updates.is_empty() {
            return Ok(PushReport::default());
        }
        let session = Session::open(remote)?;
        let haves: Vec<ObjectId> = self.local_refs()?.0.into_values().collect();
        self.send_updates(remote, session, updates, haves)
    }

    /// Sends `updates` over `session` (atomically when the server offers it, else one by one,
    /// branches first), leaving out every object reachable from `haves`, which the remote has.
    fn send_updates(
        &self,
        remote: &Remote,
        session: Session,
        mut updates: Vec<RefUpdate>,
        mut haves: Vec<ObjectId>,
    ) -> Result<PushReport, Error> {
        for update in &updates {
            let at = |id: Option<ObjectId>| id.map_or_else(|| "nothing".to_owned(), |id| id.to_string());
            tracing::debug!(
                "write ref {} from {} to {} on {}",
                update.name,
                at(update.old),
                at(update.new),
                remote.display()
            );
        }
        if !session.offers("report-status") {
            let detail = "the server does not report the outcome of a push (no `report-status`)".to_owned();
            return Err(Error::Remote {
                action: "push to",
                remote: remote.display(),
                detail,
            });
        }
        if session.offers("atomic") {
            return self.push_in_one(remote, session, &updates, &haves, true);
        }
        tracing::warn!(
            remote = %remote.display(),
            "the remote does not offer atomic pushes: pushing the refs one by one, branches first; \
             a failure may leave some refs updated"
        );
        updates.sort_by_key(|u| u.name.starts_with("refs/tags/"));
        let mut report = PushReport::default();
        let mut session = Some(session);
        for update in updates {
            // A fresh connection for each request: the transport serves one conversation.
            let next = match session.take() {
                Some(open) => open,
                None => Session::open(remote)?,
            };
            let one = self.push_in_one(remote, next, std::slice::from_ref(&update), &haves, false)?;
            // What this push sent is on the remote now: the next one leaves it out.
            haves.extend(update.new);
            report.updated.extend(one.updated);
            report.objects_sent += one.objects_sent;
            report.bytes_sent += one.bytes_sent;
        }
        Ok(report)
    }

    /// Sends `updates` in one request over `session`.
    fn push_in_one(
        &self,
        remote: &Remote,
        session: Session,
        updates: &[RefUpdate],
        haves: &[ObjectId],
        atomic: bool,
    ) -> Result<PushReport, Error> {
        lease_holds(remote, &session.advertised, updates)?;
        let objects = objects::missing(self, haves.iter().copied(), updates.iter().filter_map(|u| u.new))?;
        let bases = objects::bases(self, updates, &objects)?;
        let objects_sent = objects.len();
        let (report, bytes_sent) = session.send(updates, atomic, |out| pack::write(self, objects, &bases, out))?;

        let shown = remote.display();
        let rejected = |reasons: String| Error::Rejected {
            remote: shown.clone(),
            reasons,
        };
        if let Err(reason) = &report.unpack {
            return Err(rejected(with_messages(
                format!("it could not unpack the objects ({reason})"),
                &report.messages,
            )));
        }
        let refused: Vec<String> = updates
            .iter()
            .filter_map(|u| match report.refs.iter().find(|(name, _)| *name == u.name) {
                Some((_, Ok(()))) => None,
                Some((name, Err(reason))) => Some(format!("{name}: {reason}")),
                None => Some(format!("{}: no status reported", u.name)),
            })
            .collect();
        if !refused.is_empty() {
            // The reasons are not a stable interface: whether a lease broke is asked of the remote.
            lease_holds(remote, &Session::open(remote)?.advertised, updates)?;
            return Err(rejected(with_messages(refused.join("; "), &report.messages)));
        }
        COMPLETED.fetch_add(1, Ordering::Relaxed);
        self.set_refs(updates.iter().map(|u| (u.name.as_str(), u.new)))?;
        tracing::info!(remote = %shown, refs = updates.len(), objects = objects_sent, bytes = bytes_sent, "pushed");
        Ok(PushReport {
            updated: updates.iter().map(|u| u.name.clone()).collect(),
            objects_sent,
            bytes_sent,
        })
    }
}

/// Fails with [`Error::LeaseRefused`] when a ref on the remote is not where the update expects it.
fn lease_holds(remote: &Remote, on_remote: &RemoteRefs, updates: &[RefUpdate]) -> Result<(), Error> {
    let moved: Vec<String> = updates
        .iter()
        .filter(|u| on_remote.get(&u.name) != u.old)
        .map(|u| u.name.clone())
        .collect();
    if moved.is_empty() {
        Ok(())
    } else {
        Err(Error::LeaseRefused {
            remote: remote.display(),
            refs: moved,
        })
    }
}

fn with_messages(reasons: String, messages: &str) -> String {
    if messages.is_empty() {
        reasons
    } else {
        format!(
            "{reasons} (the server said: {})",
            crate::secrets::redact(messages).replace('\n', " ")
        )
    }
}
