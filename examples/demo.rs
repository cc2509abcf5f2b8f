//! The demo: one backup cycle against the bundled fake Cognigy server into a local repository.
//!
//! `cargo run --example demo` starts the fake Cognigy API in-process, backs its project up into a
//! fresh local bare repository with the same code path as the action (`app::run` with the runner's
//! variables), changes a node, backs up again half an hour later, and prints both step summaries
//! and `git log --stat` of the hourly tier. Needs `git` on the PATH (only to create the bare
//! repository and show its log).

use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::app;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::git::git;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn main() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let remote = work.path().join("snapshots.git");
    git(work.path(), &["init", "--quiet", "--bare", remote.to_str().unwrap()]);
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    println!(
        "Fake Cognigy API at {}{}, project {}",
        fake.base_url(),
        fake.prefix(),
        fake.project_id()
    );
    println!("Snapshot repository: {}\n", remote.display());

    let first = OffsetDateTime::now_utc();
    backup(&fake, work.path(), &remote, first, "First backup");

    let flow = fake.edit(|project| {
        let flow = &project.flows[0];
        let (flow_id, node_id, locale) = (
            flow.id().to_owned(),
            flow.nodes[1].id().to_owned(),
            project.primary_locale_id().to_owned(),
        );
        let config = json!({"say": {"text": ["Hello from the cognigy-backup demo!"]}});
        project.set_node_config(&flow_id, &node_id, &locale, config);
        project.flows[0].name().to_owned()
    });
    println!("\nChanged a node of flow {flow:?} in the fake Cognigy project.\n");
    backup(
        &fake,
        work.path(),
        &remote,
        first + time::Duration::minutes(30),
        "Second backup, half an hour later",
    );

    println!("\n=== git log --stat snapshot/hourly ===\n");
    print!(
        "{}",
        git(
            &remote,
            &[
                "log",
                "--stat=140",
                "--format=commit %H%nDate:   %aI%n%n%B",
                "snapshot/hourly"
            ]
        )
    );
}

/// One run of the action, as the runner would start it; prints its step summary.
fn backup(fake: &FakeCognigy, work: &std::path::Path, remote: &std::path::Path, now: OffsetDateTime, title: &str) {
    let summary = work.join("step-summary.md");
    let _ = std::fs::remove_file(&summary);
    let env = Environment::from_vars([
        ("INPUT_MODE", "backup".to_owned()),
        ("INPUT_COGNIGY-BASE-URL", fake.base_url().to_owned()),
        ("INPUT_COGNIGY-API-KEY", fake.api_key().to_owned()),
        ("INPUT_COGNIGY-PROJECT-ID", fake.project_id().to_owned()),
        ("INPUT_REMOTE-URL", remote.display().to_string()),
        ("INPUT_REQUESTS-PER-SECOND", "100".to_owned()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        ("RUNNER_TEMP", work.display().to_string()),
        ("COGNIGY_BACKUP_NOW", now.format(&Rfc3339).unwrap()),
    ]);
    println!("=== {title} ===\n");
    let status = app::run(&env);
    assert_eq!(status, app::SUCCESS, "the backup failed");
    println!(
        "\n--- step summary ---\n{}",
        std::fs::read_to_string(&summary).unwrap_or_default()
    );
}
