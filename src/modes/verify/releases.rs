//! Every monthly tag has its GitHub Release, where the releases can be reached: the snapshots on
//! the GitHub that `github-api-url` serves ([`releases::target`]), and the API answering. Where
//! they cannot, the check is reported as not done, which is no failure.

use crate::action::config::{GithubApi, RepoConfig, Tier};
use crate::escape::markdown;
use crate::github::Releases;
use crate::modes::releases;

use super::report::{At, Finding};

/// The section on the releases of `tags` (name and snapshot): its markdown, and a finding for
/// each tag without a release.
pub fn check(repo: &RepoConfig, api: &GithubApi, tags: &[(String, At)]) -> (String, Vec<Finding>) {
    if tags.is_empty() {
        return ("No monthly tag, so no release to check.".to_owned(), Vec::new());
    }
    let target = match releases::target(repo, api) {
        Ok(target) => target,
        Err(why) => return (format!("Not checked: {}.", markdown::text(why)), Vec::new()),
    };
    let listed = crate::modes::runtime().map_err(|e| e.to_string()).and_then(|runtime| {
        runtime
            .block_on(async { Releases::new(target.api, target.repository)?.list().await })
            .map_err(|e| e.to_string())
    });
    let existing = match listed {
        Ok(existing) => existing,
        Err(why) => {
            return (
                format!("Not checked: the GitHub API did not answer ({}).", markdown::text(&why)),
                Vec::new(),
            );
        }
    };
    let findings: Vec<Finding> = tags
        .iter()
        .filter(|(name, _)| !existing.iter().any(|release| &release.tag == name))
        .map(|(name, at)| Finding {
            tier: Tier::Monthly,
            git_ref: name.clone(),
            at: Some(at.clone()),
            path: None,
            what: format!(
                "no GitHub Release in {}: the next backup, promote or cleanup run makes it",
                target.repository
            ),
        })
        .collect();
    let markdown = match findings.len() {
        0 => format!("Every monthly tag has its GitHub Release in {}.", target.repository),
        n => format!(
            "{n} of {} monthly tags have no GitHub Release in {}.",
            tags.len(),
            target.repository
        ),
    };
    (markdown, findings)
}
