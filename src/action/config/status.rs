//! The status mode's inputs: the GitHub API and which repositories make the fleet.

use super::ModeConfig;
use super::validator::{Validator, is_github_name};

impl Validator<'_> {
    pub(super) fn status(&mut self) -> Option<ModeConfig> {
        let github = self.github_api();
        let owner = self
            .value("owner")
            .map(str::to_owned)
            .or_else(|| self.env.github_repository_owner.clone());
        let owner = match owner {
            Some(owner) if is_github_name(&owner) => Some(owner),
            Some(_) => self.fail("owner", "accepted: a GitHub user or organisation name"),
            None => self.fail("owner", "is required in mode `status` (outside the runner: set it)"),
        };
        let repo_prefix = self.value("repo-prefix").unwrap_or("cognigy-backup-").to_owned();
        Some(ModeConfig::Status {
            github: github?,
            owner: owner?,
            repo_prefix,
        })
    }
}
