//! What the status mode reads about one repository, all through the REST API (no clone, so a fleet
//! of a hundred repositories stays cheap): the repository itself (its size), the commits of a
//! branch newest first, the tags under a prefix, one commit, and the runs of a workflow file.
//! Reads only; a ref or workflow that does not exist is no error but nothing.

use reqwest::Method;
use serde::Deserialize;

use super::Error;
use super::client::{Client, encoded};
use crate::action::config::GithubApi;

/// The permissions the reads need, for messages.
const READS: &str = "contents: read, actions: read, issues: read";

/// A repository, as much as status reads of it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RepositoryInfo {
    pub name: String,
    pub full_name: String,
    pub html_url: String,
    /// KiB, as GitHub counts it (updated within an hour or so of a push).
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub archived: bool,
}

/// A commit: its SHA, link, message and committer date (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub html_url: String,
    pub message: String,
    pub date: String,
}

#[derive(Deserialize)]
struct CommitAnswer {
    sha: String,
    #[serde(default)]
    html_url: String,
    commit: CommitDetail,
}

#[derive(Deserialize)]
struct CommitDetail {
    #[serde(default)]
    message: String,
    committer: Option<Signature>,
    author: Option<Signature>,
}

#[derive(Deserialize)]
struct Signature {
    date: Option<String>,
}

impl From<CommitAnswer> for Commit {
    fn from(answer: CommitAnswer) -> Commit {
        let date = [answer.commit.committer, answer.commit.author]
            .into_iter()
            .flatten()
            .find_map(|s| s.date)
            .unwrap_or_default();
        Commit {
            sha: answer.sha,
            html_url: answer.html_url,
            message: answer.commit.message,
            date,
        }
    }
}

/// One run of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Run {
    pub id: u64,
    pub html_url: String,
    /// `queued`, `in_progress`, `completed`, ...
    pub status: String,
    /// `success`, `failure`, ... once completed.
    pub conclusion: Option<String>,
    pub created_at: String,
    /// When it started (its latest attempt).
    pub run_started_at: Option<String>,
    /// When it last changed: for a completed run, when it ended.
    pub updated_at: String,
}

#[derive(Deserialize)]
struct Runs {
    workflow_runs: Vec<Run>,
}

#[derive(Deserialize)]
struct GitRef {
    #[serde(rename = "ref")]
    name: String,
}

/// The reads of one repository.
pub struct Repository {
    client: Client,
}

impl Repository {
    /// A reader of `repository` (`owner/name`) at `api`; sends nothing yet. Must be called inside a
    /// tokio runtime.
    pub fn new(api: &GithubApi, repository: &str) -> Result<Repository, Error> {
        Ok(Repository {
            client: Client::new(api, repository, READS)?,
        })
    }

    /// The repository itself.
    pub async fn info(&self) -> Result<RepositoryInfo, Error> {
        let route = self.client.route("").trim_end_matches('/').to_owned();
        self.client.send(Method::GET, &route, None).await?.decode()
    }

    /// The newest `count` (at most 100) commits of `branch`, newest first; none when the branch
    /// does not exist or the repository is empty.
    pub async fn commits(&self, branch: &str, count: usize) -> Result<Vec<Commit>, Error> {
        let route = self.client.route(&format!(
            "commits?sha={}&per_page={}",
            encoded(branch),
            count.clamp(1, 100)
        ));
        match self.client.send(Method::GET, &route, None).await {
            Ok(answer) => {
                let commits: Vec<CommitAnswer> = answer.decode()?;
                Ok(commits.into_iter().take(count).map(Commit::from).collect())
            }
            Err(e) if missing(&e) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The commit `reference` (a branch, tag or SHA) names; `None` when it names none.
    pub async fn commit(&self, reference: &str) -> Result<Option<Commit>, Error> {
        let route = self.client.route(&format!("commits/{}", encoded(reference)));
        match self.client.send(Method::GET, &route, None).await {
            Ok(answer) => Ok(Some(answer.decode::<CommitAnswer>()?.into())),
            Err(e) if missing(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The names of the tags that start with `prefix`, as GitHub lists them (by name).
    pub async fn tags(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let route = self
            .client
            .route(&format!("git/matching-refs/tags/{}", encoded(prefix)));
        match self.client.send(Method::GET, &route, None).await {
            Ok(answer) => {
                let refs: Vec<GitRef> = answer.decode()?;
                Ok(refs
                    .into_iter()
                    .filter_map(|r| r.name.strip_prefix("refs/tags/").map(str::to_owned))
                    .collect())
            }
            Err(e) if missing(&e) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The newest run of the workflow file `file` (`backup.yml`), and the newest successful one;
    /// `None` when the repository has no such workflow.
    pub async fn runs(&self, file: &str) -> Result<Option<(Option<Run>, Option<Run>)>, Error> {
        let runs = |query: &str| {
            self.client
                .route(&format!("actions/workflows/{}/runs?{query}per_page=1", encoded(file)))
        };
        let last = match self.client.send(Method::GET, &runs(""), None).await {
            Ok(answer) => answer.decode::<Runs>()?.workflow_runs.into_iter().next(),
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let succeeded = match &last {
            Some(run) if run.conclusion.as_deref() == Some("success") => Some(run.clone()),
            Some(_) => {
                let answer = self.client.send(Method::GET, &runs("status=success&"), None).await?;
                answer.decode::<Runs>()?.workflow_runs.into_iter().next()
            }
            None => None,
        };
        Ok(Some((last, succeeded)))
    }
}

/// The repositories of one user or organisation.
pub struct Owner {
    client: Client,
    owner: String,
}

impl Owner {
    /// A lister of `owner`'s repositories; sends nothing yet. Must be called inside a tokio runtime.
    pub fn new(api: &GithubApi, owner: &str) -> Result<Owner, Error> {
        Ok(Owner {
            client: Client::for_owner(api, owner, "metadata: read")?,
            owner: owner.to_owned(),
        })
    }

    /// Every repository of `owner` that the token sees, over every page: an organisation's, else
    /// (404) a user's.
    pub async fn repositories(&self) -> Result<Vec<RepositoryInfo>, Error> {
        let owner = encoded(&self.owner);
        let org = self.client.route(&format!("orgs/{owner}/repos?type=all&per_page=100"));
        match self.client.all(&org).await {
            Err(Error::NotFound { .. }) => {
                let user = self
                    .client
                    .route(&format!("users/{owner}/repos?type=owner&per_page=100"));
                self.client.all(&user).await
            }
            other => other,
        }
    }
}

/// A ref or commit that does not exist (404, 422 "No commit found"), or an empty repository (409).
fn missing(error: &Error) -> bool {
    matches!(error, Error::NotFound { .. } | Error::Api { status: 409 | 422, .. })
}
