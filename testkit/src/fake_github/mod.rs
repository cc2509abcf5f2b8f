//! A stateful fake of the GitHub REST API for tests, following GitHub's documentation: the paths
//! of repositories (one, and an owner's), releases with their assets and tags, issues and labels,
//! environments and workflow runs, branches' commits and matching refs; `Link` pagination; bearer tokens, each with the repositories and
//! permissions it reaches and a rate-limit budget (`x-ratelimit-*` headers on every answer); 401
//! for an unknown token, 404 for a repository the token cannot see, 403 for a permission it lacks
//! or a spent budget; injected faults; and a request log.
//!
//! [`FakeGithub::start`] serves on `127.0.0.1` from its own thread and runtime, with the API at the
//! root like `api.github.com`; [`FakeGithub::start_enterprise`] under `/api/v3` with uploads under
//! `/api/uploads`, like GitHub Enterprise Server. Dropping the handle stops it.
//!
//! Choices where GitHub documents nothing: asset uploads go to the API's own host (a release's
//! `upload_url` says where); every token's budget resets an hour after the server started; a
//! token that reaches a private repository sees it, whatever its permissions.
//!
//! ```no_run
//! use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
//!
//! let github = FakeGithub::start();
//! github.add_repo("acme/cognigy-backup-bot", true);
//! github.add_token("ghs_token", Grant::workflow("acme/cognigy-backup-bot"));
//! // ... GET {github.api_url()}/repos/acme/cognigy-backup-bot/releases with `Authorization: Bearer ghs_token` ...
//! assert!(github.requests().iter().all(|r| r.status == 200));
//! ```

mod model;
mod routes;
mod server;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::extract::DefaultBodyLimit;
use tokio::sync::oneshot;

pub use model::{
    Access, Asset, Commit, Environment, Fault, Grant, Issue, Label, Release, Repo, RequestRecord, WorkflowRun,
};

use model::Token;
use server::Shared;

/// A running fake GitHub API. Stops when dropped.
pub struct FakeGithub {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeGithub {
    /// Serves an API at the root, like `https://api.github.com`.
    pub fn start() -> FakeGithub {
        Self::serve(false)
    }

    /// Serves an API under `/api/v3` (uploads under `/api/uploads`), like GitHub Enterprise Server.
    pub fn start_enterprise() -> FakeGithub {
        Self::serve(true)
    }

    fn serve(enterprise: bool) -> FakeGithub {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the fake GitHub server");
        listener.set_nonblocking(true).expect("make the listener non-blocking");
        let origin = format!("http://{}", listener.local_addr().expect("the listener has an address"));
        let reset_at = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
        let shared = Arc::new(Shared::new(origin, enterprise, reset_at));
        let app = axum::Router::new()
            .fallback(server::handle)
            .layer(DefaultBodyLimit::max(512 * 1024 * 1024))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fake-github".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("build the fake GitHub runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("adopt the listener");
                    tokio::select! {
                        result = axum::serve(listener, app).into_future() => result.expect("serve the fake GitHub API"),
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_background();
            })
            .expect("spawn the fake GitHub thread");
        FakeGithub {
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The API's base URL, as `github-api-url` takes it (`http://127.0.0.1:PORT[/api/v3]`).
    pub fn api_url(&self) -> String {
        self.shared.api()
    }

    /// Adds the repository `full_name` (`owner/name`), empty, with `main` as its default branch;
    /// answers its id.
    pub fn add_repo(&self, full_name: &str, private: bool) -> u64 {
        let (owner, name) = full_name.split_once('/').expect("a repository is owner/name");
        let mut world = self.shared.world();
        let id = world.next_id();
        world.repos.push(Repo {
            id,
            owner: owner.to_owned(),
            name: name.to_owned(),
            private,
            default_branch: "main".to_owned(),
            size: 0,
            pushed_at: now(),
            releases: Vec::new(),
            tags: Default::default(),
            issues: Vec::new(),
            labels: Vec::new(),
            environments: Vec::new(),
            runs: Vec::new(),
            branches: BTreeMap::new(),
            tag_targets: BTreeMap::new(),
        });
        id
    }

    /// Accepts `token` with what `grant` allows.
    pub fn add_token(&self, token: &str, grant: Grant) {
        self.shared
            .world()
            .tokens
            .insert(token.to_owned(), Token { grant, used: 0 });
    }

    /// Leaves `token` this many requests of its budget.
    pub fn set_remaining(&self, token: &str, remaining: u32) {
        if let Some(entry) = self.shared.world().tokens.get_mut(token) {
            entry.used = entry.grant.rate_limit.saturating_sub(remaining);
        }
    }

    /// Changes the repository `full_name` as someone would on GitHub; answers what `change` answers.
    pub fn edit_repo<R>(&self, full_name: &str, change: impl FnOnce(&mut Repo) -> R) -> R {
        let mut world = self.shared.world();
        let repo = world
            .repo_mut(full_name)
            .unwrap_or_else(|| panic!("no repository {full_name}"));
        change(repo)
    }

    /// A copy of the repository `full_name`, with everything it holds.
    pub fn repo(&self, full_name: &str) -> Repo {
        self.shared
            .world()
            .repo(full_name)
            .cloned()
            .unwrap_or_else(|| panic!("no repository {full_name}"))
    }

    /// Adds a release of `tag` (and the tag) to `full_name`, as an earlier run would have made it.
    pub fn add_release(&self, full_name: &str, tag: &str, assets: &[(&str, &[u8])]) -> u64 {
        let mut world = self.shared.world();
        let id = world.next_id();
        let mut made = Vec::new();
        for (name, bytes) in assets {
            made.push(Asset {
                id: world.next_id(),
                name: (*name).to_owned(),
                content_type: "application/octet-stream".to_owned(),
                bytes: bytes.to_vec(),
            });
        }
        let repo = world
            .repo_mut(full_name)
            .unwrap_or_else(|| panic!("no repository {full_name}"));
        repo.tags.insert(tag.to_owned());
        repo.releases.push(Release {
            id,
            tag: tag.to_owned(),
            name: Some(tag.to_owned()),
            target_commitish: repo.default_branch.clone(),
            body: String::new(),
            created_at: now(),
            assets: made,
        });
        id
    }

    /// Adds a tag without a release (one pushed by git).
    pub fn add_tag(&self, full_name: &str, tag: &str) {
        self.edit_repo(full_name, |repo| repo.tags.insert(tag.to_owned()));
    }

    /// Adds the environment `name` to `full_name`, with `reviewers` required (none: unprotected).
    pub fn add_environment(&self, full_name: &str, name: &str, reviewers: &[&str]) {
        let mut world = self.shared.world();
        let id = world.next_id();
        let repo = world
            .repo_mut(full_name)
            .unwrap_or_else(|| panic!("no repository {full_name}"));
        repo.environments.push(Environment {
            id,
            name: name.to_owned(),
            reviewers: reviewers.iter().map(|r| (*r).to_owned()).collect(),
        });
    }

    /// Adds a workflow run to `full_name` (its id is assigned here); answers the id.
    pub fn add_run(&self, full_name: &str, mut run: WorkflowRun) -> u64 {
        let mut world = self.shared.world();
        run.id = world.next_id();
        let id = run.id;
        let repo = world
            .repo_mut(full_name)
            .unwrap_or_else(|| panic!("no repository {full_name}"));
        repo.runs.push(run);
        id
    }

    /// Adds a commit with `message`, committed at `date` (RFC 3339), on top of `branch` of
    /// `full_name` (made when new); answers its SHA.
    pub fn add_commit(&self, full_name: &str, branch: &str, message: &str, date: &str) -> String {
        let mut world = self.shared.world();
        let id = u128::from(world.next_id());
        // 40 hex digits that differ from their start on (a multiplicative hash of the id).
        let mixed = id.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) | (1 << 127);
        let sha = format!("{mixed:032x}{:08x}", id as u32);
        let repo = world
            .repo_mut(full_name)
            .unwrap_or_else(|| panic!("no repository {full_name}"));
        repo.branches.entry(branch.to_owned()).or_default().push(Commit {
            sha: sha.clone(),
            message: message.to_owned(),
            date: date.to_owned(),
        });
        sha
    }

    /// Adds the tag `tag` on the commit `sha` of `full_name` (as a push of a tag would).
    pub fn add_tag_on(&self, full_name: &str, tag: &str, sha: &str) {
        self.edit_repo(full_name, |repo| {
            repo.tags.insert(tag.to_owned());
            repo.tag_targets.insert(tag.to_owned(), sha.to_owned());
        });
    }

    /// Answers the next request that matches `fault` with its status and message instead.
    pub fn add_fault(&self, fault: Fault) {
        self.shared.world().faults.push(fault);
    }

    /// Every request so far, in the order answered.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.world().log.clone()
    }

    /// Forgets the requests so far.
    pub fn reset_log(&self) {
        self.shared.world().log.clear();
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Now, as GitHub writes times (`2026-11-30T23:37:00Z`).
fn now() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
