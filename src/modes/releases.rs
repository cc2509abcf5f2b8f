//! The monthly tier's GitHub Releases, kept in step with the monthly tags after each push: a tag
//! without a release gets one (notes with the counts and the changes since the previous month, the
//! snapshot as `.tar.gz`, the `.csnap` when the snapshot has one); a release whose monthly tag is
//! gone is deleted. Because it reconciles, a release that failed is made by the next run.

use std::collections::BTreeMap;

use crate::action::commands::Level;
use crate::action::config::{GithubApi, RemoteLocation, RepoConfig};
use crate::escape::markdown;
use crate::github::{self, Releases};
use crate::snapshot::{self, Files, archive, diff, manifest};
use crate::store::{self, ObjectId};

use super::repo::{MONTHLY_TAG_PREFIX, Repo};
use super::{Context, summary};

/// Where releases can be made: the API and the repository, when the snapshots live on GitHub.
pub struct Target<'a> {
    pub api: &'a GithubApi,
    pub repository: &'a str,
}

/// The releases target of `repo`, or why there is none. Releases need the snapshots on the GitHub
/// that `github-api-url` serves: an http(s) remote on the API's host (or on `github.com` for
/// `api.github.com`), and `owner/name`.
pub fn target<'a>(repo: &'a RepoConfig, api: &'a GithubApi) -> Result<Target<'a>, &'static str> {
    let RemoteLocation::Http(remote) = &repo.remote else {
        return Err("the remote is a local repository");
    };
    let Some(repository) = repo.repository.as_deref() else {
        return Err("the repository (owner/name) is not known");
    };
    let (remote_host, api_host) = (remote.host_str().unwrap_or(""), api.url.host_str().unwrap_or(""));
    if remote_host == api_host || api_host.strip_prefix("api.") == Some(remote_host) {
        Ok(Target { api, repository })
    } else {
        Err("the remote is not on the GitHub that github-api-url serves")
    }
}

/// Brings the releases in step with `tags` (name -> commit), after a push that changed them
/// (`tags_changed`) or whenever there are tags (a release that failed before is made now).
/// Failures become a warning: the tags are pushed already, and the next run tries again.
pub fn sync(
    repo: &Repo,
    target: Result<Target<'_>, &'static str>,
    tags: &BTreeMap<String, ObjectId>,
    tags_changed: bool,
    context: &Context<'_>,
) {
    let target = match target {
        Ok(target) if tags_changed || !tags.is_empty() => target,
        Ok(_) => return,
        Err(why) => {
            if tags_changed {
                context.runner.annotate(
                    Level::Notice,
                    "Monthly tags only",
                    &format!("the monthly tags were updated without GitHub Releases: {why}"),
                );
            }
            return;
        }
    };
    let result = super::runtime().map_err(|e| e.to_string()).and_then(|runtime| {
        runtime
            .block_on(reconcile(repo, &target, tags))
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(done) if !done.is_empty() => tracing::info!("monthly releases: {}", done.join("; ")),
        Ok(_) => {}
        Err(e) => context.runner.annotate(
            Level::Warning,
            "Monthly releases not updated",
            &format!("the monthly tags were pushed, but their GitHub Releases could not be updated: {e}. The next run tries again."),
        ),
    }
}

#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error(transparent)]
    Github(#[from] github::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("could not pack the snapshot as .tar.gz: {0}")]
    Archive(#[from] std::io::Error),
}

async fn reconcile(
    repo: &Repo,
    target: &Target<'_>,
    tags: &BTreeMap<String, ObjectId>,
) -> Result<Vec<String>, SyncError> {
    let releases = Releases::new(target.api, target.repository)?;
    let existing = releases.list().await?;
    let mut done = Vec::new();
    let mut previous: Option<Files> = None;
    for (name, &commit) in tags {
        let files = repo.store.read_files(repo.store.read_commit(commit)?.tree)?;
        if !existing.iter().any(|release| &release.tag == name) {
            let notes = notes(name, &files, previous.as_ref());
            let release = releases.create(name, &commit.to_string(), name, &notes).await?;
            let captured = manifest::parse(files.get(manifest::PATH).map_or(&[][..], Vec::as_slice))
                .map(|m| m.meta.captured_at)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let tar = archive::tar_gz(&files, name, captured)?;
            releases
                .upload_asset(&release, &format!("{name}.tar.gz"), "application/gzip", tar)
                .await?;
            if let Some(csnap) = files.get(snapshot::NATIVE_PATH) {
                releases
                    .upload_asset(
                        &release,
                        &format!("{name}.csnap"),
                        "application/octet-stream",
                        csnap.clone(),
                    )
                    .await?;
            }
            done.push(format!("created {name}"));
        }
        previous = Some(files);
    }
    for release in existing
        .iter()
        .filter(|r| r.tag.starts_with(MONTHLY_TAG_PREFIX) && !tags.contains_key(&r.tag))
    {
        releases.delete(release).await?;
        done.push(format!("deleted {}", release.tag));
    }
    Ok(done)
}

/// The release notes: what the snapshot holds and what changed since the previous month's.
fn notes(name: &str, files: &Files, previous: Option<&Files>) -> String {
    let mut md = format!("Monthly snapshot `{name}` of the Cognigy project.\n\n");
    if let Ok(manifest) = manifest::parse(files.get(manifest::PATH).map_or(&[][..], Vec::as_slice)) {
        md.push_str(&format!(
            "Snapshot {} of project {}, captured at {}.\n\n",
            markdown::code(&manifest.meta.snapshot_id),
            markdown::code(&manifest.meta.project_id),
            summary::rfc3339(manifest.meta.captured_at)
        ));
        md.push_str(&summary::counts_table(&manifest.counts));
    }
    match previous {
        Some(previous) => md.push_str(&diff::diff(previous, files).markdown().replacen(
            "### Changes",
            "### Changes since the previous monthly snapshot",
            1,
        )),
        None => md.push_str("The first monthly snapshot kept.\n"),
    }
    md.push_str(&format!(
        "\nRestore it with the action's `restore` mode and `snapshot: {name}` (a dry run first). The `.tar.gz` holds \
         the snapshot's files; the `.csnap`, when attached, is Cognigy's native snapshot.\n"
    ));
    md
}
