//! The metrics file every mode writes (`cognigy-backup-metrics.json`, output `metrics-file`), read
//! as a later step of the workflow reads it: after a backup, an unchanged backup and a failed one.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use serde_json::Value;
use support::git::Fixture;
use support::runner::StepRun;

fn metrics_of(run: &StepRun) -> Value {
    assert_eq!(run.outputs["metrics-file"], "cognigy-backup-metrics.json");
    let bytes = run
        .workspace_file("cognigy-backup-metrics.json")
        .expect("the metrics file");
    serde_json::from_slice(&bytes).expect("JSON")
}

#[test]
fn every_backup_writes_its_figures_and_a_failed_one_says_so() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let step = |now: &str| support::step("backup", &fake, &fixture).env("COGNIGY_BACKUP_NOW", now);

    fake.reset_log();
    let first = step("2026-11-22T07:37:00Z").run();
    assert_eq!(first.code, Some(0), "{}", first.stdout);
    let metrics = metrics_of(&first);
    assert_eq!(metrics["tool"], "cognigy-backup");
    assert_eq!(metrics["mode"], "backup");
    assert_eq!(metrics["outcome"], "changed");
    assert_eq!(metrics["started"], "2026-11-22T07:37:00Z");
    assert!(metrics["duration_seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(metrics["project"], fake.project_id());
    assert_eq!(metrics["snapshot_id"], "20261122T073700Z");
    assert_eq!(
        metrics["requests"],
        fake.requests().len() as u64,
        "every request counted"
    );
    assert_eq!(metrics["rate_limited"], 0);
    assert_eq!(metrics["export"], "full");
    assert_eq!(metrics["resources"]["flows"], 3);
    assert_eq!(
        metrics["files_changed"].as_u64().unwrap().to_string(),
        first.outputs["files-changed"]
    );
    assert!(metrics["snapshot_bytes"].as_u64().unwrap() > 1000);
    assert!(
        metrics["repository_bytes"].as_u64().unwrap() >= metrics["snapshot_bytes"].as_u64().unwrap(),
        "the repository holds at least the snapshot"
    );

    let again = step("2026-11-22T08:07:00Z").run();
    let metrics = metrics_of(&again);
    assert_eq!(metrics["outcome"], "unchanged");
    assert_eq!(metrics["files_changed"], 0);

    let failed = step("2026-11-22T08:37:00Z")
        .with("cognigy-api-key", "a-key-cognigy-refuses")
        .run();
    assert_eq!(failed.code, Some(1));
    let metrics = metrics_of(&failed);
    assert_eq!(metrics["outcome"], "failed");
    assert_eq!(metrics["mode"], "backup");
    assert!(
        metrics.get("requests").is_none(),
        "a failed export reports no figures it did not finish: {metrics}"
    );
    let text = String::from_utf8(failed.workspace_file("cognigy-backup-metrics.json").unwrap()).unwrap();
    assert!(!text.contains(fake.api_key()), "no secret in the metrics");
}
