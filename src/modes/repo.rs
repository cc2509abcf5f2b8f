//! The snapshot repository as the modes use it: the store opened in a temporary folder, the remote
//! with its token, the refs a run needs, and the names of the tier branches.

use std::path::Path;

use super::Error;
use super::mirror::{self, Mirror};
use crate::action::config::{RemoteLocation, RepoConfig, Tier};
use crate::secrets::Secret;
use crate::store::{self, PushReport, RefSelection, RefUpdate, Remote, RemoteRefs, Store};

/// Tags of the monthly tier start with this.
pub const MONTHLY_TAG_PREFIX: &str = "monthly-";

/// How many times a run fetches again and re-applies after losing a push race.
pub const MAX_PUSH_ATTEMPTS: u32 = 5;

/// The git remote of `config`, with its token.
pub fn remote(config: &RepoConfig) -> Remote {
    remote_at(&config.remote, config.token.clone())
}

/// The git remote at `location`, with `token`.
pub fn remote_at(location: &RemoteLocation, token: Option<Secret>) -> Remote {
    let url = match location {
        RemoteLocation::Http(url) => url.to_string(),
        RemoteLocation::Path(path) => path.display().to_string(),
    };
    Remote::new(url, token)
}

/// What an [`Repo::update`] pushed: the refs it was leased on, what the work answered, the push.
pub struct Pushed<T> {
    pub refs: RemoteRefs,
    /// The refs after the push.
    pub after: RemoteRefs,
    pub work: T,
    pub report: PushReport,
}

/// A run's view of the snapshot repository.
pub struct Repo {
    pub store: Store,
    pub remote: Remote,
    /// `mirror-remote-url`, brought to the primary's state after every push.
    pub mirror: Option<Mirror>,
    prefix: String,
}

impl Repo {
    /// Opens a scratch store in a new folder under `temp_dir`; what the pushes do to the mirror
    /// goes into `mirror_log`.
    pub fn open(config: &RepoConfig, temp_dir: &Path, mirror_log: &mirror::Log) -> Result<Repo, store::Error> {
        Ok(Repo {
            store: Store::create(temp_dir)?,
            remote: remote(config),
            mirror: config.mirror.as_ref().map(|mirror| Mirror::new(mirror, mirror_log)),
            prefix: config.branch_prefix.clone(),
        })
    }

    /// The refs a run works on: the branches under the prefix (the tiers, the audit log, the stale
    /// notice's), the audit branch and the monthly tags.
    pub fn selection(&self) -> RefSelection {
        RefSelection::new(&self.prefix, [self.audit_branch()], MONTHLY_TAG_PREFIX)
    }

    /// Fetches the refs of [`Self::selection`], and nothing else.
    pub fn fetch(&self) -> Result<RemoteRefs, store::Error> {
        self.store.fetch(&self.remote, &self.selection())
    }

    /// Fetches, lets `work` decide the ref updates from the refs found, and pushes them leased on
    /// those refs. When another run pushed first, fetches again and re-applies the work (at most
    /// [`MAX_PUSH_ATTEMPTS`] times in all). After the push, the mirror (if any) is brought to the
    /// primary's state, whether this push changed anything or not: a mirror behind catches up.
    pub fn update<T>(
        &self,
        work: impl FnMut(&RemoteRefs) -> Result<(Vec<RefUpdate>, T), Error>,
    ) -> Result<Pushed<T>, Error> {
        self.update_from(self.fetch()?, work)
    }

    /// [`Repo::update`], the first attempt on `fetched` (the refs a run fetched before its work).
    pub fn update_from<T>(
        &self,
        fetched: RemoteRefs,
        mut work: impl FnMut(&RemoteRefs) -> Result<(Vec<RefUpdate>, T), Error>,
    ) -> Result<Pushed<T>, Error> {
        let mut fetched = Some(fetched);
        for attempt in 1..=MAX_PUSH_ATTEMPTS {
            let refs = match fetched.take() {
                Some(refs) => refs,
                None => self.fetch()?,
            };
            let (updates, done) = work(&refs)?;
            match self.store.push(&self.remote, &updates) {
                Ok(report) => {
                    if let Some(mirror) = &self.mirror {
                        mirror.sync(&self.store, &self.selection());
                    }
                    return Ok(Pushed {
                        after: refs.applied(&updates),
                        refs,
                        work: done,
                        report,
                    });
                }
                Err(store::Error::LeaseRefused { .. }) if attempt < MAX_PUSH_ATTEMPTS => {
                    tracing::warn!(
                        "another run pushed to {} first; fetching again (attempt {attempt})",
                        self.remote.display()
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Race {
            attempts: MAX_PUSH_ATTEMPTS,
        })
    }

    /// The full ref of a tier's branch: `refs/heads/<prefix><tier>`.
    pub fn branch(&self, tier: Tier) -> String {
        format!("refs/heads/{}{}", self.prefix, tier.name())
    }

    /// The short name of a tier's branch, for people: `snapshot/hourly`.
    pub fn branch_name(&self, tier: Tier) -> String {
        format!("{}{}", self.prefix, tier.name())
    }

    /// The branch prefix (`snapshot/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn audit_branch(&self) -> String {
        format!("{}audit", self.prefix)
    }

    /// The branch that points at the snapshot the last stale notice was about
    /// ([`crate::notify::stale`]): `refs/heads/<prefix>stale-notice`.
    pub fn stale_notice_ref(&self) -> String {
        format!("refs/heads/{}stale-notice", self.prefix)
    }

    /// The branch of the export state ([`super::incremental::State`]: the last full export, what
    /// its scrub found missed): `refs/heads/<prefix>export-state`.
    pub fn export_state_ref(&self) -> String {
        format!("refs/heads/{}export-state", self.prefix)
    }

    /// The full ref of the restore audit log's branch: `refs/heads/<prefix>audit`.
    pub fn audit_ref(&self) -> String {
        format!("refs/heads/{}", self.audit_branch())
    }
}
