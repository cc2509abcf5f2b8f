//! Which repositories make the fleet: the explicit `repositories` list, else the repositories of
//! `owner` (an organisation's, else a user's, every page) whose names start with `repo-prefix`.

use crate::action::config::GithubApi;
use crate::github::{self, Owner};

/// Why the fleet could not be listed.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot list the repositories of {owner}: {source} The status mode needs a token that reads every repository of \
     the fleet (github-token: a fine-grained token or a GitHub App installation with read access to contents, \
     actions, issues and metadata of those repositories; a workflow's own GITHUB_TOKEN sees only its repository), \
     or the fleet named in `repositories`."
)]
pub struct ListError {
    owner: String,
    source: Box<github::Error>,
}

/// The fleet's repositories (`owner/name`), sorted by name.
pub async fn repositories(
    api: &GithubApi,
    owner: &str,
    prefix: &str,
    explicit: &[String],
) -> Result<Vec<String>, ListError> {
    if !explicit.is_empty() {
        return Ok(explicit.to_vec());
    }
    let failed = |source| ListError {
        owner: owner.to_owned(),
        source: Box::new(source),
    };
    let listed = Owner::new(api, owner)
        .map_err(failed)?
        .repositories()
        .await
        .map_err(failed)?;
    let prefix = prefix.to_ascii_lowercase();
    let mut names: Vec<String> = listed
        .into_iter()
        .filter(|r| !r.archived && r.name.to_ascii_lowercase().starts_with(&prefix))
        .map(|r| r.full_name)
        .collect();
    names.sort_by_key(|name| name.to_ascii_lowercase());
    Ok(names)
}
