//! The demo: one backup cycle against the bundled fake Cognigy server into a local repository, and a
//! restore of the first snapshot.
//!
//! `cargo run --example demo` starts the fake Cognigy API in-process, backs its project up into a
//! fresh local bare repository with the same code path as the action (`app::run` with the runner's
//! variables), changes a node, backs up again half an hour later, and prints both step summaries
//! and `git log --stat` of the hourly tier. Then it restores the first snapshot: a dry run first,
//! then applied (with `confirm`), and prints both summaries and the restore audit log. Needs `git`
//! on the PATH (only to create the bare repository and show its log).

use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::{app, snapshot};
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
    let demo = Demo {
        fake: &fake,
        work: work.path(),
        remote: &remote,
    };
    demo.step("backup", first, "First backup", &[]);

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
    demo.step(
        "backup",
        first + time::Duration::minutes(30),
        "Second backup, half an hour later",
        &[],
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

    let first_id = snapshot::snapshot_id(first);
    demo.step(
        "restore",
        first + time::Duration::minutes(40),
        &format!("Restore of the first snapshot ({first_id}): the dry run"),
        &[("snapshot", &first_id)],
    );
    demo.step(
        "restore",
        first + time::Duration::minutes(45),
        &format!("Restore of the first snapshot ({first_id}): applied"),
        &[
            ("snapshot", &first_id),
            ("dry-run", "false"),
            ("confirm", fake.project_id()),
        ],
    );
    println!("=== the restore audit log (snapshot/audit:restores.jsonl) ===\n");
    print!("{}", git(&remote, &["show", "snapshot/audit:restores.jsonl"]));
}

/// Where the demo runs.
struct Demo<'a> {
    fake: &'a FakeCognigy,
    work: &'a std::path::Path,
    remote: &'a std::path::Path,
}

impl Demo<'_> {
    /// One run of the action in `mode` at `now`, as the runner would start it, with `inputs` besides
    /// the connection's; prints its step summary.
    fn step(&self, mode: &str, now: OffsetDateTime, title: &str, inputs: &[(&str, &str)]) {
        let summary = self.work.join("step-summary.md");
        let _ = std::fs::remove_file(&summary);
        let mut vars = vec![
            ("INPUT_MODE".to_owned(), mode.to_owned()),
            ("INPUT_COGNIGY-BASE-URL".to_owned(), self.fake.base_url().to_owned()),
            ("INPUT_COGNIGY-API-KEY".to_owned(), self.fake.api_key().to_owned()),
            ("INPUT_COGNIGY-PROJECT-ID".to_owned(), self.fake.project_id().to_owned()),
            ("INPUT_REMOTE-URL".to_owned(), self.remote.display().to_string()),
            ("INPUT_REQUESTS-PER-SECOND".to_owned(), "100".to_owned()),
            ("GITHUB_STEP_SUMMARY".to_owned(), summary.display().to_string()),
            ("GITHUB_WORKSPACE".to_owned(), self.work.display().to_string()),
            ("RUNNER_TEMP".to_owned(), self.work.display().to_string()),
            ("COGNIGY_BACKUP_NOW".to_owned(), now.format(&Rfc3339).unwrap()),
        ];
        vars.extend(
            inputs
                .iter()
                .map(|(name, value)| (format!("INPUT_{}", name.to_uppercase()), value.to_string())),
        );
        println!("=== {title} ===\n");
        let status = app::run(&Environment::from_vars(vars));
        assert_eq!(status, app::SUCCESS, "the {mode} run failed");
        println!(
            "\n--- step summary ---\n{}",
            std::fs::read_to_string(&summary).unwrap_or_default()
        );
    }
}
