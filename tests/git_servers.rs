//! The whole path (backup into an empty repository, backups of a change and of no change,
//! promote, verify, a restore's dry run and its application) against two independent git server
//! implementations: git's own `http-backend` and dulwich. Their advertisements differ (dulwich's
//! empty repository names `symref=HEAD:refs/heads/main`, a branch that does not exist), and no
//! answer of either may end a run with a panic. Dulwich is skipped where it is not installed,
//! except on CI (see `cognigy_backup_testkit::dulwich_server`).

mod support;

use cognigy_backup_testkit::dulwich_server::DulwichServer;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::git_server::{GitHost, GitServer};
use serde_json::json;
use support::git::{TOKEN, USER, assert_fsck_clean, git};
use support::runner::{Step, StepRun};

/// A step of `mode` at `now` against the fake and `url`.
fn step(mode: &str, fake: &FakeCognigy, url: &str, now: &str) -> Step {
    Step::new()
        .with("mode", mode)
        .with("cognigy-base-url", fake.base_url())
        .with("cognigy-api-key", fake.api_key())
        .with("cognigy-project-id", fake.project_id())
        .with("remote-url", url)
        .with("requests-per-second", "500")
        .with("concurrency", "8")
        .context("github.token", TOKEN)
        .env("COGNIGY_BACKUP_NOW", now)
}

fn assert_ok(server: &str, what: &str, run: &StepRun) {
    assert_eq!(
        run.code,
        Some(0),
        "{server}: {what}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

/// Runs the whole path against `host`'s new empty repository.
fn whole_path(server: &str, host: &dyn GitHost) {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let repo = host.create_repo("backup.git");
    let url = host.url("backup.git");
    let heads = || git(&repo, &["for-each-ref", "--format=%(refname) %(objectname)", "refs/"]);

    let first = step("backup", &fake, &url, "2026-11-23T07:37:00Z").run();
    assert_ok(server, "a backup into an empty repository", &first);
    assert_eq!(first.outputs["changed"], "true", "{server}");
    assert_eq!(first.outputs["tiers-updated"], "hourly,daily,weekly", "{server}");
    let hourly = git(&repo, &["rev-parse", "refs/heads/snapshot/hourly"]);
    assert_eq!(first.outputs["commit-sha"], hourly.trim(), "{server}");
    assert!(
        git(&repo, &["ls-tree", "-r", "--name-only", "snapshot/hourly"]).contains("native/project.csnap"),
        "{server}: the native snapshot is in the commit"
    );

    fake.edit(|project| {
        let flow = &project.flows[0];
        let (flow_id, node_id, locale) = (
            flow.id().to_owned(),
            flow.nodes[1].id().to_owned(),
            project.primary_locale_id().to_owned(),
        );
        project.set_node_config(&flow_id, &node_id, &locale, json!({"say": {"text": ["Changed"]}}));
    });
    let second = step("backup", &fake, &url, "2026-11-23T08:07:00Z").run();
    assert_ok(server, "a backup of a change", &second);
    assert_eq!(second.outputs["changed"], "true", "{server}");
    let unchanged = step("backup", &fake, &url, "2026-11-23T08:37:00Z").run();
    assert_ok(server, "a backup of no change", &unchanged);
    assert_eq!(unchanged.outputs["changed"], "false", "{server}");

    let before_promote = heads();
    let promote = step("promote", &fake, &url, "2026-12-01T00:07:00Z").run();
    assert_ok(server, "promote", &promote);
    assert!(
        promote.outputs["tiers-updated"].contains("monthly"),
        "{server}: {:?}",
        promote.outputs
    );
    assert_ne!(heads(), before_promote, "{server}: the month's tag was pushed");
    assert!(heads().contains("refs/tags/monthly-2026-11"), "{server}: {}", heads());

    let verify = step("verify", &fake, &url, "2026-12-01T00:10:00Z").run();
    assert_ok(server, "verify", &verify);
    assert_eq!(verify.outputs["ok"], "true", "{server}: {}", verify.summary);

    let first_id = first.outputs["snapshot-id"].clone();
    let dry = step("restore", &fake, &url, "2026-12-01T00:20:00Z")
        .with("snapshot", &first_id)
        .run();
    assert_ok(server, "a restore's dry run", &dry);
    assert_eq!(
        (dry.outputs["applied"].as_str(), dry.outputs["changes"].as_str()),
        ("false", "1"),
        "{server}"
    );
    let applied = step("restore", &fake, &url, "2026-12-01T00:30:00Z")
        .with("snapshot", &first_id)
        .with("dry-run", "false")
        .with("confirm", fake.project_id())
        .run();
    assert_ok(server, "an applied restore", &applied);
    assert_eq!(applied.outputs["applied"], "true", "{server}: {}", applied.summary);
    assert!(
        heads().contains("refs/heads/snapshot/audit"),
        "{server}: the audit log was pushed"
    );
    let again = step("restore", &fake, &url, "2026-12-01T00:40:00Z")
        .with("snapshot", &first_id)
        .run();
    assert_eq!(
        again.outputs["changes"], "0",
        "{server}: the project equals the snapshot again"
    );
    assert_fsck_clean(&repo);
}

#[test]
fn the_whole_path_works_against_git_http_backend() {
    let temp = tempfile::tempdir().unwrap();
    whole_path("git http-backend", &GitServer::start(temp.path(), USER, TOKEN));
}

#[test]
fn the_whole_path_works_against_dulwich() {
    let temp = tempfile::tempdir().unwrap();
    if let Some(dulwich) = DulwichServer::start(temp.path(), USER, TOKEN) {
        whole_path("dulwich", &dulwich);
    }
}
