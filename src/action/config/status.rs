//! The status mode's inputs: the GitHub API, which repositories make the fleet (the `owner`'s
//! repositories named `repo-prefix*`, or the explicit `repositories` list), `healthy-within`, and
//! `branch-prefix` (where the tiers' branches are).

use super::ModeConfig;
use super::validator::{Validator, is_github_name, is_repository};

impl Validator<'_> {
    pub(super) fn status(&mut self) -> Option<ModeConfig> {
        let github = self.github_api();
        let owner = self
            .value("owner")
            .map(str::to_owned)
            .or_else(|| self.env.github_repository_owner.clone());
        let repositories = self.repositories();
        let owner = match owner {
            Some(owner) if is_github_name(&owner) => Some(owner),
            Some(_) => self.fail("owner", "accepted: a GitHub user or organisation name"),
            // An explicit list names its owners itself.
            None if repositories.as_ref().is_some_and(|list| !list.is_empty()) => Some(String::new()),
            None => self.fail(
                "owner",
                "is required in mode `status` unless `repositories` is set (outside the runner: set it)",
            ),
        };
        let repo_prefix = self.value("repo-prefix").unwrap_or("cognigy-backup-").to_owned();
        let healthy_within = self.duration("healthy-within", "2h", None);
        let branch_prefix = self.branch_prefix();
        Some(ModeConfig::Status {
            github: github?,
            owner: owner?,
            repo_prefix,
            repositories: repositories?,
            healthy_within: healthy_within?,
            branch_prefix: branch_prefix?,
        })
    }

    /// `repositories`: a comma list of `owner/name` (empty: the owner's repositories by prefix).
    fn repositories(&mut self) -> Option<Vec<String>> {
        let Some(value) = self.value("repositories") else {
            return Some(Vec::new());
        };
        let list: Vec<String> = value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        match list.iter().find(|name| !is_repository(name)) {
            Some(bad) => self.fail(
                "repositories",
                format!(
                    "{bad:?} is not owner/name; accepted: a comma list of owner/name such as acme/cognigy-backup-bot"
                ),
            ),
            None if list.is_empty() => self.fail("repositories", "accepted: a comma list of owner/name"),
            None => {
                let mut list = list;
                list.sort_by_key(|name| name.to_ascii_lowercase());
                list.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                Some(list)
            }
        }
    }
}
