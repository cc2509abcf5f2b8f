//! The snapshot repository as the modes use it: the store opened in a temporary folder, the remote
//! with its token, the refs a run needs, and the names of the tier branches.

use std::path::Path;

use crate::action::config::{RemoteLocation, RepoConfig, Tier};
use crate::store::{self, RefSelection, Remote, RemoteRefs, Store};

/// Tags of the monthly tier start with this.
pub const MONTHLY_TAG_PREFIX: &str = "monthly-";

/// A run's view of the snapshot repository.
pub struct Repo {
    pub store: Store,
    pub remote: Remote,
    prefix: String,
}

impl Repo {
    /// Opens a scratch store in a new folder under `temp_dir`.
    pub fn open(config: &RepoConfig, temp_dir: &Path) -> Result<Repo, store::Error> {
        let url = match &config.remote {
            RemoteLocation::Http(url) => url.to_string(),
            RemoteLocation::Path(path) => path.display().to_string(),
        };
        Ok(Repo {
            store: Store::create(temp_dir)?,
            remote: Remote::new(url, config.token.clone()),
            prefix: config.branch_prefix.clone(),
        })
    }

    /// Fetches the tier branches, the audit branch and the monthly tags, and nothing else.
    pub fn fetch(&self) -> Result<RemoteRefs, store::Error> {
        let selection = RefSelection::new(&self.prefix, [self.audit_branch()], MONTHLY_TAG_PREFIX);
        self.store.fetch(&self.remote, &selection)
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
}
