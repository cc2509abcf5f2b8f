//! A new user's first hour, against the bundled fakes: what `setup` and the first backup print.
//!
//! `cargo run --example onboarding` starts the fake Cognigy API, the fake GitHub REST API and a
//! real `git http-backend` serving the (empty) backup repository, then runs the action as the
//! workflows that `cognigy-backup init` writes would, with the same code path (`app::run` with
//! the runner's variables):
//!
//! 1. `setup` on the first push, before the secret and variables are set: it fails and opens the
//!    checklist issue saying what to set;
//! 2. `setup` again once they are set and the `production-restore` environment has a reviewer:
//!    every required check passes and the same issue is updated and closed;
//! 3. `backup` by hand: the first snapshot lands on `snapshot/hourly`.
//!
//! It prints each run's log, outputs and step summary (for `setup`, the issue's body), which is
//! what `docs/SETUP-GUIDE.md` quotes. Needs `git` and `git http-backend` on the PATH.

use std::path::Path;

use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::app;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Feature, Options, ProjectSpec};
use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
use cognigy_backup_testkit::git::git;
use cognigy_backup_testkit::git_server::GitServer;

const REPOSITORY: &str = "acme/cognigy-backup-support-bot";
/// What the runner hands the job as `github.token` (the git server takes it as a password).
const TOKEN: &str = "ghs_onboarding-example-token";

fn main() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let root = work.path().join("git");
    std::fs::create_dir(&root).expect("the git server's folder");
    let server = GitServer::start(&root, "x-access-token", TOKEN);
    let remote = server.create_repo(&format!("{REPOSITORY}.git"));
    let github = FakeGithub::start();
    github.add_repo(REPOSITORY, true);
    github.add_token(TOKEN, Grant::workflow(REPOSITORY));
    // The key's user, as most, has neither the `admin` nor the `fullUserSupport` role.
    let cognigy = FakeCognigy::start(
        ProjectSpec::default(),
        Options::default().without(Feature::AuditTrail, 403),
    );
    println!(
        "Fake Cognigy API at {}, project {}; fake GitHub API at {}; git server at {}\n",
        cognigy.base_url(),
        cognigy.project_id(),
        github.api_url(),
        server.url(""),
    );
    let run = Run {
        work: work.path(),
        cognigy: &cognigy,
        github: &github,
        server: &server,
    };

    run.step(
        "1. The first push runs setup.yml, before the secret and variables are set",
        "setup",
        "2026-03-02T09:00:00Z",
        false,
    );
    github.add_environment(REPOSITORY, "production-restore", &["octocat"]);
    run.step(
        "2. Set COGNIGY_API_KEY, COGNIGY_BASE_URL and COGNIGY_PROJECT_ID, add the environment, run setup.yml again",
        "setup",
        "2026-03-02T09:20:00Z",
        true,
    );
    let issues = github.repo(REPOSITORY).issues;
    println!(
        "Issues of {REPOSITORY}: {}\n",
        issues
            .iter()
            .map(|i| format!("#{} {:?} ({}, labels {:?})", i.number, i.title, i.state, i.labels))
            .collect::<Vec<_>>()
            .join("; ")
    );
    run.step(
        "3. Run backup.yml by hand: the first snapshot",
        "backup",
        "2026-03-02T09:25:00Z",
        true,
    );
    println!("=== git log --stat snapshot/hourly ===\n");
    print!(
        "{}",
        git(
            &remote,
            &["log", "--stat=100", "--format=commit %h%n%n%B", "snapshot/hourly"]
        )
    );
}

/// Where the runs run.
struct Run<'a> {
    work: &'a Path,
    cognigy: &'a FakeCognigy,
    github: &'a FakeGithub,
    server: &'a GitServer,
}

impl Run<'_> {
    /// One run of the action in `mode` at `now`, with the inputs the workflows `init` writes pass
    /// (the Cognigy ones empty until `configured`); prints its log, outputs and step summary.
    fn step(&self, title: &str, mode: &str, now: &str, configured: bool) {
        let files = self.work.join("file_commands");
        let _ = std::fs::remove_dir_all(&files);
        std::fs::create_dir(&files).expect("the runner's file commands folder");
        let (summary, output) = (files.join("summary"), files.join("output"));
        let cognigy = [
            ("INPUT_COGNIGY-BASE-URL", self.cognigy.base_url()),
            ("INPUT_COGNIGY-API-KEY", self.cognigy.api_key()),
            ("INPUT_COGNIGY-PROJECT-ID", self.cognigy.project_id()),
        ];
        let mut vars: Vec<(String, String)> = cognigy
            .into_iter()
            .map(|(name, value)| {
                (
                    name.to_owned(),
                    if configured { value.to_owned() } else { String::new() },
                )
            })
            .collect();
        let path = |p: &Path| p.display().to_string();
        vars.extend(
            [
                ("INPUT_MODE", mode.to_owned()),
                ("INPUT_GITHUB-TOKEN", TOKEN.to_owned()),
                ("INPUT_REPOSITORY", REPOSITORY.to_owned()),
                ("INPUT_GITHUB-API-URL", self.github.api_url()),
                // Only the client's speed cap, so that the example does not wait.
                ("INPUT_REQUESTS-PER-SECOND", "100".to_owned()),
                ("GITHUB_ACTIONS", "true".to_owned()),
                ("GITHUB_REPOSITORY", REPOSITORY.to_owned()),
                (
                    "GITHUB_SERVER_URL",
                    self.server.url("").trim_end_matches('/').to_owned(),
                ),
                ("GITHUB_RUN_ID", "1".to_owned()),
                ("GITHUB_ACTOR", "octocat".to_owned()),
                ("GITHUB_OUTPUT", path(&output)),
                ("GITHUB_STEP_SUMMARY", path(&summary)),
                ("GITHUB_WORKSPACE", path(self.work)),
                ("RUNNER_TEMP", path(self.work)),
                ("COGNIGY_BACKUP_NOW", now.to_owned()),
            ]
            .map(|(name, value)| (name.to_owned(), value)),
        );
        println!("=== {title} ===\n\n--- log ---");
        let status = app::run(&Environment::from_vars(vars));
        println!("(exit status {status})\n\n--- outputs ---");
        let written = std::fs::read_to_string(&output).unwrap_or_default();
        // The single-line outputs; the multi-line `summary` (a heredoc) follows as the step summary.
        for line in written.lines().take_while(|l| !l.contains("<<")) {
            println!("{line}");
        }
        println!(
            "\n--- step summary ---\n{}",
            std::fs::read_to_string(&summary).unwrap_or_default()
        );
    }
}
