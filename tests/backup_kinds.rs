//! The backup of every kind of a project, end to end as the runner runs it (the built binary
//! against the fake Cognigy server and a real `git http-backend`): each kind in the contract's
//! layout, no change while only volatile fields flip, a kind the platform lacks reported once and
//! skipped, and a kind that held items and then answers 403 failing the run with nothing pushed.

mod support;

use cognigy_backup_action::snapshot::{Files, layout};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Fault, Feature, Kind, Options, ProjectSpec};
use serde_json::Value;
use support::git::Fixture;
use support::runner::{Step, StepRun};

const BRANCHES: [&str; 3] = ["snapshot/hourly", "snapshot/daily", "snapshot/weekly"];

fn backup(fake: &FakeCognigy, fixture: &Fixture, now: &str) -> Step {
    support::step("backup", fake, fixture)
        .with("concurrency", "8")
        .with("native-snapshot", "off")
        .env("COGNIGY_BACKUP_NOW", now)
}

fn assert_ok(run: &StepRun) {
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

/// The files of the hourly tip, read with the git CLI.
fn hourly_files(fixture: &Fixture) -> Files {
    fixture.tip_files(BRANCHES[0])
}

fn server_refs(fixture: &Fixture) -> Vec<Option<String>> {
    BRANCHES.iter().map(|b| fixture.server_ref(b)).collect()
}

/// `GET path` on the fake, as the product's client reads it.
fn read(fake: &FakeCognigy, path: String) -> Value {
    use cognigy_backup_action::cognigy::client::Call;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = support::cognigy::client(fake);
    runtime.block_on(client.json(Call::get("a test read", path))).unwrap()
}

#[test]
fn every_kind_is_in_the_layout_and_an_unchanged_project_stays_unchanged_while_volatile_fields_flip() {
    let spec = ProjectSpec::default();
    let fake = FakeCognigy::start(spec.clone(), Options::default());
    let fixture = Fixture::new();
    let project = fake.project();
    let lexicon = format!("lexicons/{}", project.lexicons[0].id());
    let store_id = project.resources[&Kind::KnowledgeStore][0]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let store = format!("knowledgestores/{store_id}");
    assert_eq!(read(&fake, lexicon.clone())["isPackedForDownload"], false);

    let first = backup(&fake, &fixture, "2026-11-22T07:37:00Z").run();
    assert_ok(&first);
    assert_eq!(first.outputs["changed"], "true");
    assert!(!first.summary.contains("Not available"), "{}", first.summary);
    let files = hourly_files(&fixture);
    assert_eq!(layout::check(&files), vec![], "the tree follows the layout");
    for (folder, file, expected) in support::cognigy::expected_files(&spec) {
        assert!(expected > 0, "the spec has {folder}");
        assert_eq!(
            support::cognigy::count_files(&files, folder, file),
            expected,
            "{folder} {file}"
        );
    }
    assert!(files.contains_key("project/profile-schema.json"));
    let chunks = files.iter().find(|(p, _)| p.ends_with("/chunks.jsonl")).unwrap().1;
    assert_eq!(
        String::from_utf8_lossy(chunks).lines().count(),
        spec.knowledge_chunks,
        "one chunk a line"
    );

    // What flips without an edit: the backup's own keyphrase export packs the lexicon, and the
    // knowledge store's ingestion status moves from read to read.
    assert_eq!(read(&fake, lexicon)["isPackedForDownload"], true);
    let statuses = [read(&fake, store.clone()), read(&fake, store)].map(|s| s["status"].clone());
    assert_ne!(statuses[0], statuses[1], "the fake flips the status");

    let refs = server_refs(&fixture);
    let second = backup(&fake, &fixture, "2026-11-22T08:07:00Z").run();
    assert_ok(&second);
    assert_eq!(second.outputs["changed"], "false", "{}", second.summary);
    assert_eq!(second.outputs["files-changed"], "0");
    assert_eq!(server_refs(&fixture), refs);
}

#[test]
fn a_kind_the_platform_lacks_is_reported_once_and_skipped() {
    let options = Options::default()
        .without(Feature::Snippets, 404)
        .without(Feature::KnowledgeAi, 403);
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let fixture = Fixture::new();
    let run = backup(&fake, &fixture, "2026-11-22T07:37:00Z").run();
    assert_ok(&run);
    assert_eq!(run.outputs["changed"], "true");
    let section = run
        .summary
        .split("### Not available on this platform")
        .nth(1)
        .unwrap_or_else(|| panic!("no section on what was not available:\n{}", run.summary));
    for (part, status) in [("snippets", "404"), ("knowledge-stores", "403")] {
        let lines: Vec<&str> = section
            .lines()
            .filter(|l| l.starts_with(&format!("- {part}:")))
            .collect();
        assert_eq!(lines.len(), 1, "{part} once:\n{section}");
        assert!(lines[0].contains(status), "{}", lines[0]);
    }
    assert_eq!(run.summary.matches("- snippets:").count(), 1);
    let files = hourly_files(&fixture);
    assert!(
        files
            .keys()
            .all(|p| !p.starts_with("project/snippets/") && !p.starts_with("project/knowledge-stores/"))
    );
    assert!(
        files.keys().any(|p| p.starts_with("project/milestones/")),
        "the rest is there"
    );
    assert_eq!(layout::check(&files), vec![]);
}

#[test]
fn a_kind_that_held_items_and_then_answers_403_fails_the_run_with_nothing_pushed() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    assert_ok(&backup(&fake, &fixture, "2026-11-22T07:37:00Z").run());
    let before = server_refs(&fixture);
    assert!(before.iter().all(Option::is_some));

    // A real change elsewhere, so that a run that ignored the lost kind would push it.
    fake.edit(|p| p.add_lexicon("Added while access was lost", 2));
    fake.add_fault(Fault::status("GET", "/knowledgestores", 403).always());
    let failed = backup(&fake, &fixture, "2026-11-22T08:07:00Z").run();
    assert_eq!(failed.code, Some(1), "stdout:\n{}", failed.stdout);
    let error = failed.error();
    assert!(
        error.message.contains("no longer serves knowledge-stores")
            && error.message.contains("20261122T073700Z")
            && error.message.contains("nothing was committed or pushed"),
        "{}",
        error.message
    );
    assert_eq!(failed.outputs["changed"], "false");
    assert_eq!(server_refs(&fixture), before, "the remote refs are unchanged");
    fixture.assert_fsck_clean();
}
