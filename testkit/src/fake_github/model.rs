//! What the fake GitHub remembers: accounts' repositories with their releases (and assets), tags,
//! issues, labels, environments and workflow runs; the tokens it accepts with what each may do and
//! its rate-limit budget; injected faults; the request log. Each item renders as the JSON GitHub's
//! REST API documents for it (more fields than the project reads, as GitHub sends them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

/// How far a token reaches into one area of a repository (a fine-grained token's or
/// `GITHUB_TOKEN`'s permission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Write,
}

/// What a token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `owner/name` of the repositories it reaches; `None`: every one.
    pub repositories: Option<Vec<String>>,
    /// Code, refs, releases and their assets.
    pub contents: Access,
    /// Issues and labels.
    pub issues: Access,
    /// Workflow runs and environments.
    pub actions: Access,
    /// Requests per hour (`x-ratelimit-limit`).
    pub rate_limit: u32,
}

impl Grant {
    /// `GITHUB_TOKEN` of a workflow in `repository` with `permissions: { contents: write, issues:
    /// write, actions: read }` (1,000 requests an hour).
    pub fn workflow(repository: &str) -> Grant {
        Grant {
            repositories: Some(vec![repository.to_owned()]),
            contents: Access::Write,
            issues: Access::Write,
            actions: Access::Read,
            rate_limit: 1000,
        }
    }

    /// A token that reaches every repository with every permission (5,000 requests an hour).
    pub fn everything() -> Grant {
        Grant {
            repositories: None,
            contents: Access::Write,
            issues: Access::Write,
            actions: Access::Write,
            rate_limit: 5000,
        }
    }

    pub(super) fn reaches(&self, repository: &str) -> bool {
        self.repositories
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n.eq_ignore_ascii_case(repository)))
    }
}

/// A token, with its budget.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub grant: Grant,
    pub used: u32,
}

/// One repository.
#[derive(Debug, Clone)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub default_branch: String,
    /// In KiB, as GitHub reports it.
    pub size: u64,
    pub pushed_at: String,
    pub releases: Vec<Release>,
    pub tags: BTreeSet<String>,
    pub issues: Vec<Issue>,
    pub labels: Vec<Label>,
    pub environments: Vec<Environment>,
    pub runs: Vec<WorkflowRun>,
    /// The commits of each branch (`snapshot/hourly`), oldest first.
    pub branches: BTreeMap<String, Vec<Commit>>,
    /// The commit each tag points at, for the tags a test placed on a commit.
    pub tag_targets: BTreeMap<String, String>,
}

/// A commit on a branch: what the commits API shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub message: String,
    /// The committer date, RFC 3339.
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub id: u64,
    pub tag: String,
    pub name: Option<String>,
    pub target_commitish: String,
    pub body: String,
    pub created_at: String,
    pub assets: Vec<Asset>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: u64,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub id: u64,
    pub number: u64,
    pub title: String,
    pub body: String,
    /// `open` or `closed`.
    pub state: String,
    pub state_reason: Option<String>,
    pub labels: Vec<String>,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: u64,
    pub name: String,
    pub color: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub id: u64,
    pub name: String,
    /// Logins of the required reviewers (none: no protection rule).
    pub reviewers: Vec<String>,
}

/// A run of a workflow, as the Actions API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    pub id: u64,
    /// The workflow's name (`Cognigy backup`).
    pub name: String,
    /// `.github/workflows/backup.yml`.
    pub path: String,
    pub event: String,
    /// `queued`, `in_progress` or `completed`.
    pub status: String,
    /// `success`, `failure`, `cancelled`, ... once completed.
    pub conclusion: Option<String>,
    pub head_branch: String,
    pub created_at: String,
    pub run_started_at: String,
    pub updated_at: String,
}

impl WorkflowRun {
    /// A completed run of the workflow file `file` (`backup.yml`) that started at `started_at`
    /// (RFC 3339) and took `seconds`.
    pub fn completed(file: &str, conclusion: &str, started_at: &str, seconds: i64) -> WorkflowRun {
        let updated = time::OffsetDateTime::parse(started_at, &time::format_description::well_known::Rfc3339)
            .map(|at| super::rfc3339(at + time::Duration::seconds(seconds)))
            .unwrap_or_else(|_| started_at.to_owned());
        WorkflowRun {
            id: 0,
            name: file.trim_end_matches(".yml").to_owned(),
            path: format!(".github/workflows/{file}"),
            event: "schedule".to_owned(),
            status: "completed".to_owned(),
            conclusion: Some(conclusion.to_owned()),
            head_branch: "main".to_owned(),
            created_at: started_at.to_owned(),
            run_started_at: started_at.to_owned(),
            updated_at: updated,
        }
    }
}

/// A fault to answer instead of the real thing, once, for the first request that matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub method: String,
    /// Matched against the request's path (after the API prefix).
    pub path_contains: String,
    pub status: u16,
    /// The `message` of the error body.
    pub message: String,
}

/// One answered request, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The full path, API prefix included.
    pub path: String,
    pub query: String,
    pub status: u16,
    /// The bearer token sent, if any.
    pub token: Option<String>,
    pub accept: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Everything the server remembers.
#[derive(Debug, Default)]
pub(super) struct World {
    pub repos: Vec<Repo>,
    pub tokens: BTreeMap<String, Token>,
    pub faults: Vec<Fault>,
    pub log: Vec<RequestRecord>,
    next_id: u64,
}

impl World {
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn repo(&self, full_name: &str) -> Option<&Repo> {
        self.repos
            .iter()
            .find(|r| r.full_name().eq_ignore_ascii_case(full_name))
    }

    pub fn repo_mut(&mut self, full_name: &str) -> Option<&mut Repo> {
        self.repos
            .iter_mut()
            .find(|r| r.full_name().eq_ignore_ascii_case(full_name))
    }
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// The branch and position of the commit `reference` names (a branch: its tip; a tag: the
    /// commit it was placed on; else a SHA or its start of at least 7 characters).
    pub(super) fn resolve(&self, reference: &str) -> Option<(&str, usize)> {
        if let Some((branch, commits)) = self.branches.get_key_value(reference) {
            return commits.len().checked_sub(1).map(|tip| (branch.as_str(), tip));
        }
        let sha = self.tag_targets.get(reference).map_or(reference, String::as_str);
        if sha.len() < 7 {
            return None;
        }
        self.branches.iter().find_map(|(branch, commits)| {
            commits
                .iter()
                .position(|c| c.sha.starts_with(sha))
                .map(|at| (branch.as_str(), at))
        })
    }

    pub(super) fn json(&self, web: &str, api: &str) -> Value {
        let full = self.full_name();
        json!({
            "id": self.id, "node_id": format!("R_{}", self.id), "name": self.name, "full_name": full,
            "private": self.private, "visibility": if self.private { "private" } else { "public" },
            "owner": { "login": self.owner, "id": 1, "type": "Organization" },
            "html_url": format!("{web}/{full}"), "url": format!("{api}/repos/{full}"),
            "default_branch": self.default_branch, "size": self.size, "archived": false, "disabled": false,
            "pushed_at": self.pushed_at, "created_at": "2026-01-01T00:00:00Z", "updated_at": self.pushed_at,
        })
    }
}

impl Release {
    pub(super) fn json(&self, repo: &Repo, web: &str, api: &str, uploads: &str) -> Value {
        let full = repo.full_name();
        json!({
            "url": format!("{api}/repos/{full}/releases/{}", self.id),
            "html_url": format!("{web}/{full}/releases/tag/{}", self.tag),
            "assets_url": format!("{api}/repos/{full}/releases/{}/assets", self.id),
            "upload_url": format!("{uploads}/repos/{full}/releases/{}/assets{{?name,label}}", self.id),
            "id": self.id, "node_id": format!("RE_{}", self.id), "tag_name": self.tag,
            "target_commitish": self.target_commitish, "name": self.name, "body": self.body,
            "draft": false, "prerelease": false, "created_at": self.created_at, "published_at": self.created_at,
            "author": { "login": "github-actions[bot]", "id": 41898282, "type": "Bot" },
            "assets": self.assets.iter().map(|a| a.json(repo, self, web, api)).collect::<Vec<_>>(),
        })
    }
}

impl Asset {
    pub(super) fn json(&self, repo: &Repo, release: &Release, web: &str, api: &str) -> Value {
        let full = repo.full_name();
        json!({
            "url": format!("{api}/repos/{full}/releases/assets/{}", self.id),
            "browser_download_url": format!("{web}/{full}/releases/download/{}/{}", release.tag, self.name),
            "id": self.id, "node_id": format!("RA_{}", self.id), "name": self.name, "label": "",
            "state": "uploaded", "content_type": self.content_type, "size": self.bytes.len(),
            "download_count": 0, "created_at": release.created_at, "updated_at": release.created_at,
        })
    }
}

impl Issue {
    pub(super) fn json(&self, repo: &Repo, web: &str, api: &str) -> Value {
        let full = repo.full_name();
        let labels: Vec<Value> = self
            .labels
            .iter()
            .map(|name| match repo.labels.iter().find(|l| &l.name == name) {
                Some(label) => label.json(),
                None => json!({ "name": name }),
            })
            .collect();
        json!({
            "url": format!("{api}/repos/{full}/issues/{}", self.number),
            "html_url": format!("{web}/{full}/issues/{}", self.number),
            "id": self.id, "node_id": format!("I_{}", self.id), "number": self.number, "title": self.title,
            "body": self.body, "state": self.state, "state_reason": self.state_reason, "labels": labels,
            "user": { "login": self.author, "type": "Bot" }, "comments": 0, "locked": false,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "closed_at": if self.state == "closed" { Value::from(self.updated_at.clone()) } else { Value::Null },
        })
    }
}

impl Commit {
    pub(super) fn json(&self, repo: &Repo, parent: Option<&Commit>, web: &str, api: &str) -> Value {
        let full = repo.full_name();
        let person =
            json!({ "name": "cognigy-backup", "email": "cognigy-backup@users.noreply.github.com", "date": self.date });
        json!({
            "sha": self.sha, "node_id": format!("C_{}", self.sha),
            "url": format!("{api}/repos/{full}/commits/{}", self.sha),
            "html_url": format!("{web}/{full}/commit/{}", self.sha),
            "commit": {
                "message": self.message, "author": person, "committer": person, "comment_count": 0,
                "tree": { "sha": "0".repeat(40), "url": format!("{api}/repos/{full}/git/trees/{}", "0".repeat(40)) },
            },
            "author": null, "committer": null,
            "parents": parent.map(|p| vec![json!({ "sha": p.sha, "url": format!("{api}/repos/{full}/commits/{}", p.sha) })]).unwrap_or_default(),
        })
    }
}

impl Label {
    pub(super) fn json(&self) -> Value {
        json!({ "id": self.id, "name": self.name, "color": self.color, "description": self.description, "default": false })
    }
}

impl Environment {
    pub(super) fn json(&self, repo: &Repo, web: &str, api: &str) -> Value {
        let full = repo.full_name();
        let rules: Vec<Value> = if self.reviewers.is_empty() {
            Vec::new()
        } else {
            let reviewers: Vec<Value> = self
                .reviewers
                .iter()
                .map(|login| json!({ "type": "User", "reviewer": { "login": login, "type": "User" } }))
                .collect();
            vec![
                json!({ "id": self.id, "type": "required_reviewers", "prevent_self_review": false, "reviewers": reviewers }),
            ]
        };
        json!({
            "id": self.id, "node_id": format!("EN_{}", self.id), "name": self.name,
            "url": format!("{api}/repos/{full}/environments/{}", self.name),
            "html_url": format!("{web}/{full}/deployments/activity_log?environments_filter={}", self.name),
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "protection_rules": rules, "deployment_branch_policy": null,
        })
    }
}

impl WorkflowRun {
    pub(super) fn json(&self, repo: &Repo, web: &str, api: &str, number: usize) -> Value {
        let full = repo.full_name();
        json!({
            "id": self.id, "name": self.name, "display_title": self.name, "path": self.path,
            "event": self.event, "status": self.status, "conclusion": self.conclusion,
            "head_branch": self.head_branch, "head_sha": "0".repeat(40), "run_number": number, "run_attempt": 1,
            "workflow_id": 1, "created_at": self.created_at, "updated_at": self.updated_at,
            "run_started_at": self.run_started_at,
            "url": format!("{api}/repos/{full}/actions/runs/{}", self.id),
            "html_url": format!("{web}/{full}/actions/runs/{}", self.id),
            "repository": { "id": repo.id, "full_name": full },
        })
    }
}
