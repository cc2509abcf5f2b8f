//! The incremental backup end to end, as a new user would see it: the built binary against the
//! fake Cognigy (with its audit trail) and a real `git http-backend`. The second, unchanged backup
//! makes a handful of requests and reads no node; a node changed by a named user is captured in one
//! run and the tree equals a full export's; with the trail refused every run reads everything and
//! says why (with the roles that would enable it); an edit the trail missed is captured, named and
//! counted by the next scrub, and the runs after read everything until a scrub finds nothing missed.

mod support;

use std::time::Duration;

use cognigy_backup_action::action::config::RESOURCE_KINDS;
use cognigy_backup_action::cognigy::export::export;
use cognigy_backup_action::snapshot::Files;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Feature, Options, ProjectSpec};
use serde_json::{Value, json};
use support::git::Fixture;
use support::runner::StepRun;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const HOURLY: &str = "snapshot/hourly";

/// Starts the fake with one event in its trail, an hour old: the trail reaches back past the first
/// backup. The runs use the real clock, as the fake's trail does (a fixed clock reads everything).
fn start(options: Options) -> FakeCognigy {
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let an_hour_ago = (OffsetDateTime::now_utc() - time::Duration::hours(1))
        .format(&Rfc3339)
        .unwrap();
    let project = fake.project_id().to_owned();
    fake.add_raw_audit_item(
        &project,
        json!({ "_id": "65b0000000000000000000f1", "timestamp": an_hour_ago, "type": "patch", "user": "setup@example.com", "chain": [{ "elementType": "projectsettings", "elementId": project }] }),
    );
    fake
}

/// A backup now, after `seconds` of waiting (for `full-export-every` to pass).
fn backup(fake: &FakeCognigy, fixture: &Fixture, seconds: u64, full_every: &str) -> StepRun {
    std::thread::sleep(Duration::from_secs(seconds));
    fake.reset_log();
    let run = support::step("backup", fake, fixture)
        .with("native-snapshot", "off")
        .with("full-export-every", full_every)
        .run();
    support::assert_code(&run, 0);
    run
}

fn metrics(run: &StepRun) -> Value {
    serde_json::from_slice(&run.workspace_file("cognigy-backup-metrics.json").unwrap()).unwrap()
}

/// The `project/` files of a full export of the fake now.
fn full_export(fake: &FakeCognigy) -> Files {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exported = runtime
        .block_on(export(support::cognigy::client(fake), &RESOURCE_KINDS))
        .unwrap();
    project_files(support::cognigy::files_of(fake, exported))
}

fn project_files(files: Files) -> Files {
    files
        .into_iter()
        .filter(|(path, _)| path.starts_with("project/"))
        .collect()
}

#[test]
fn an_unchanged_backup_reads_almost_nothing_and_a_changed_node_is_read_alone() {
    let fake = start(Options::default());
    let fixture = Fixture::new();
    let first = backup(&fake, &fixture, 0, "24h");
    assert!(
        first.summary.contains("**Export:** full: no previous snapshot"),
        "{}",
        first.summary
    );
    let full_requests = fake.requests().len();
    assert!(
        fixture.server_ref("snapshot/export-state").is_some(),
        "the first full export is recorded"
    );

    let unchanged = backup(&fake, &fixture, 0, "24h");
    assert_eq!(unchanged.outputs["changed"], "false");
    assert!(
        unchanged.summary.contains("**Export:** incremental ("),
        "{}",
        unchanged.summary
    );
    let requests = fake.requests();
    assert!(
        requests.len() <= 25,
        "{} requests (a full export: {full_requests}): {:?}",
        requests.len(),
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    assert!(
        !requests.iter().any(|r| r.path.contains("/chart/nodes/")),
        "no node read"
    );
    assert_eq!(metrics(&unchanged)["export"], "incremental");

    let (flow, node, locales) = fake.edit(|p| {
        let flow = &p.flows[1];
        (
            flow.doc["_id"].as_str().unwrap().to_owned(),
            flow.nodes[2].id().to_owned(),
            p.locale_ids(),
        )
    });
    fake.as_user("ann@example.com")
        .edit(|p| p.set_node_config(&flow, &node, &locales[0], json!({ "text": "changed by Ann" })));
    let changed = backup(&fake, &fixture, 0, "24h");
    assert_eq!(changed.outputs["changed"], "true");
    assert!(
        changed.summary.contains("**Export:** incremental ("),
        "{}",
        changed.summary
    );
    let requests = fake.requests();
    let node_reads: Vec<_> = requests.iter().filter(|r| r.path.contains("/chart/nodes/")).collect();
    assert!(requests.len() <= 40, "{} requests", requests.len());
    assert_eq!(node_reads.len(), locales.len(), "the changed node, in each locale");
    assert!(
        node_reads
            .iter()
            .all(|r| r.path.ends_with(&format!("/chart/nodes/{node}")))
    );
    let tip = project_files(fixture.tip_files(HOURLY));
    assert!(String::from_utf8_lossy(&tip.values().flatten().copied().collect::<Vec<u8>>()).contains("changed by Ann"));
    assert_eq!(tip, full_export(&fake), "the tree equals a full export's");
}

#[test]
fn without_the_trail_every_backup_reads_everything_and_says_why() {
    let fake = start(Options::default().without(Feature::AuditTrail, 403));
    let fixture = Fixture::new();
    backup(&fake, &fixture, 0, "24h");
    for _ in 0..2 {
        let run = backup(&fake, &fixture, 0, "24h");
        assert!(
            run.summary
                .contains("**Export:** full: the audit trail is not available to this key (Cognigy answered 403)")
                && run.summary.contains(r"\`admin\` or \`fullUserSupport\` role"),
            "{}",
            run.summary
        );
        assert_eq!(metrics(&run)["export"], "full");
        assert!(fake.requests().iter().any(|r| r.path.contains("/chart/nodes/")));
    }
}

#[test]
fn a_change_the_trail_missed_is_named_by_the_next_scrub_and_distrusts_the_trail_until_a_clean_one() {
    // Every change is left out of the trail (the old event `start` puts there stays).
    let fake = start(Options {
        audit_drop_every: Some(1),
        ..Options::default()
    });
    let fixture = Fixture::new();
    backup(&fake, &fixture, 0, "1m");
    let endpoint = fake.edit(|p| {
        let id = p.resources[&cognigy_backup_testkit::fake_cognigy::Kind::Endpoint][0]["_id"]
            .as_str()
            .unwrap()
            .to_owned();
        p.set_field(&id, "description", json!("missed by the trail"));
        id
    });
    let blind = backup(&fake, &fixture, 0, "1m");
    assert_eq!(
        blind.outputs["changed"], "false",
        "the trail did not say: {}",
        blind.summary
    );

    let scrub = backup(&fake, &fixture, 61, "1m");
    assert_eq!(scrub.outputs["changed"], "true", "{}", scrub.summary);
    assert!(
        scrub.summary.contains("**Export:** full: a scrub is due"),
        "{}",
        scrub.summary
    );
    assert!(
        scrub.summary.contains("### Changes the audit trail missed"),
        "{}",
        scrub.summary
    );
    let warnings: Vec<_> = scrub
        .annotations
        .iter()
        .filter(|a| a.properties.get("title").map(String::as_str) == Some("Change missed by the audit trail"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", scrub.annotations);
    assert!(
        warnings[0].message.starts_with("project/endpoints/"),
        "{}",
        warnings[0].message
    );
    assert_eq!(metrics(&scrub)["missed_changes"], 1);
    let tip = fixture.tip_files(HOURLY);
    assert!(
        tip.iter().any(|(p, b)| p.starts_with("project/endpoints/")
            && String::from_utf8_lossy(b).contains(&endpoint)
            && String::from_utf8_lossy(b).contains("missed by the trail")),
        "the scrub captured the change"
    );

    let distrusted = backup(&fake, &fixture, 0, "1m");
    assert!(
        distrusted
            .summary
            .contains("**Export:** full: the last scrub found 1 change(s) the audit trail missed"),
        "{}",
        distrusted.summary
    );
    assert_eq!(metrics(&distrusted)["missed_changes"], 0, "a clean scrub");
    let trusted = backup(&fake, &fixture, 0, "1m");
    assert!(
        trusted.summary.contains("**Export:** incremental ("),
        "{}",
        trusted.summary
    );
}
