//! The one setup issue of a repository, found again by its label (never a second one): made on the
//! first run, its body replaced on every later one; open while a required check fails, closed
//! once none does.

use crate::action::config::GithubApi;
use crate::github::{Error, Issue, Issues};

/// The label that marks the setup issue.
pub const LABEL: &str = "cognigy-backup-setup";
pub const TITLE: &str = "Cognigy backup setup";
const LABEL_COLOR: &str = "0e8a16";
const LABEL_DESCRIPTION: &str = "The checklist that cognigy-backup's setup workflow keeps";

/// Writes `body` into the setup issue of `repository`, open unless `ok`; answers the issue.
pub async fn publish(api: &GithubApi, repository: &str, body: &str, ok: bool) -> Result<Issue, Error> {
    let issues = Issues::new(api, repository)?;
    let existing = issues.labelled(LABEL).await?;
    // The oldest is the one: should someone have added the label to another issue, it stays as it is.
    match existing.first() {
        Some(issue) => issues.update(issue.number, TITLE, body, !ok).await,
        None => {
            issues.ensure_label(LABEL, LABEL_COLOR, LABEL_DESCRIPTION).await?;
            let made = issues.create(TITLE, body, LABEL).await?;
            if ok {
                issues.update(made.number, TITLE, body, false).await
            } else {
                Ok(made)
            }
        }
    }
}
