//! The restore mode end to end, run as the runner runs it: the built binary against the fake
//! Cognigy server and a real `git http-backend`. A backup, then edits a user makes in Cognigy, then
//! a dry run (which must show exactly those edits and write nothing), a refused apply, a native
//! restore with its undo point and audit log, the undo of it, and restores by update.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Kind, Options, ProjectSpec, RequestRecord, TaskFailure};
use serde_json::{Value, json};
use support::git::{Fixture, git};
use support::report::{read as report, resources};
use support::runner::{Step, StepRun};
use support::{assert_code, backup};

const BACKED_UP: &str = "2026-11-22T08:00:00Z";
const SNAPSHOT_ID: &str = "20261122T080000Z";

fn restore(fake: &FakeCognigy, fixture: &Fixture, now: &str) -> Step {
    support::step("restore", fake, fixture).env("COGNIGY_BACKUP_NOW", now)
}

/// The run failed before writing, its error saying to set `confirm` to `target`.
fn assert_refused_asking_for_confirm(run: &StepRun, target: &str) {
    assert_code(run, 1);
    assert!(
        run.annotations
            .iter()
            .any(|a| a.level == "error" && a.message.contains(&format!("set `confirm: {target}@"))),
        "{:?}",
        run.annotations
    );
}

fn apply(step: Step, fake: &FakeCognigy) -> Step {
    step.with("dry-run", "false").with("confirm", fake.project_id())
}

/// The edits of the round trip, made as a user would in Cognigy; answers what to look for.
struct Edits {
    node_flow: String,
    node_id: String,
    deleted_flow: String,
    deleted_flow_name: String,
    added_flow: String,
    endpoint: String,
    lexicon: String,
}

const NEW_CONFIG_TEXT: &str = "Edited in Cognigy after the backup";
const NEW_TRANSFORMER: &str = "// edited after the backup\nexport {};\n";
const NEW_KEYPHRASE: &str = "Keyphrase added after the backup";

fn edit(fake: &FakeCognigy) -> Edits {
    fake.edit(|p| {
        let primary = p.primary_locale_id().to_owned();
        let node_flow = p.flows[0].id().to_owned();
        let node_id = p.flows[0].nodes[1].doc["_id"].as_str().unwrap().to_owned();
        p.set_node_config(
            &node_flow,
            &node_id,
            &primary,
            json!({"say": {"text": [NEW_CONFIG_TEXT]}}),
        );
        let deleted_flow = p.flows[1].id().to_owned();
        let deleted_flow_name = p.flows[1].name().to_owned();
        p.remove_flow(&deleted_flow);
        let added_flow = p.add_flow("Added after the backup", 3);
        let endpoint = p.items(Kind::Endpoint)[0]["_id"].as_str().unwrap().to_owned();
        p.item_mut(Kind::Endpoint, &endpoint).unwrap()["transformer"]["transformer"] = json!(NEW_TRANSFORMER);
        let lexicon = p.lexicons[0].id().to_owned();
        p.lexicon_mut(&lexicon).unwrap().keyphrases[0].value = NEW_KEYPHRASE.to_owned();
        Edits {
            node_flow,
            node_id,
            deleted_flow,
            deleted_flow_name,
            added_flow,
            endpoint,
            lexicon,
        }
    })
}

/// What the edits touched, read from the fake's state: (node config, deleted flow there, added
/// flow there, endpoint transformer, first keyphrase).
fn edited_state(fake: &FakeCognigy, edits: &Edits) -> State {
    let p = fake.project();
    let primary = p.primary_locale_id().to_owned();
    let node = p.flow(&edits.node_flow).unwrap().node(&edits.node_id).unwrap();
    let config = node.in_locale(&primary, &primary).unwrap().1.config.clone();
    let endpoint = p
        .items(Kind::Endpoint)
        .iter()
        .find(|e| e["_id"] == json!(edits.endpoint))
        .unwrap()["transformer"]["transformer"]
        .clone();
    (
        config,
        p.flow(&edits.deleted_flow).is_some(),
        p.flow(&edits.added_flow).is_some(),
        endpoint,
        p.lexicon(&edits.lexicon).unwrap().keyphrases[0].value.clone(),
    )
}

/// What the edits touched, as [`edited_state`] reads it.
type State = (Value, bool, bool, Value, String);

/// A project backed up at [`BACKED_UP`], then edited by [`edit`].
struct Scene {
    fake: FakeCognigy,
    fixture: Fixture,
    edits: Edits,
    /// The state right after the edits.
    edited: State,
}

fn backed_up_then_edited(options: Options) -> Scene {
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);
    let edits = edit(&fake);
    let edited = edited_state(&fake, &edits);
    Scene {
        fake,
        fixture,
        edits,
        edited,
    }
}

/// Requests that change something in Cognigy: anything but GETs and the read-only POSTs.
fn writes(requests: &[RequestRecord]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !(r.method == "POST" && (r.path.ends_with("/intents/export") || r.path.ends_with("/downloadlink"))))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The lines of the audit log on the remote.
fn audit(fixture: &Fixture) -> Vec<Value> {
    git(&fixture.repo, &["show", "snapshot/audit:restores.jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_native_restore_round_trip_with_dry_run_undo_point_audit_and_undo() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);
    let backed_up = fixture.server_ref("snapshot/hourly").unwrap();
    let edits = edit(&fake);
    let edited = edited_state(&fake, &edits);
    let first_flow_name = fake.project().flow(&edits.node_flow).unwrap().name().to_owned();
    let endpoint_name = fake.project().items(Kind::Endpoint)[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let lexicon_name = fake.project().lexicon(&edits.lexicon).unwrap().doc["name"]
        .as_str()
        .unwrap()
        .to_owned();

    // The dry run (the default) shows exactly the edits, and writes nothing.
    fake.reset_log();
    let dry = restore(&fake, &fixture, "2026-11-22T09:00:00Z").run();
    assert_code(&dry, 0);
    assert_eq!(
        writes(&fake.requests()),
        Vec::<String>::new(),
        "a dry run writes nothing"
    );
    assert_eq!(edited_state(&fake, &edits), edited);
    assert_eq!(dry.outputs["applied"], "false");
    assert_eq!(dry.outputs["changes"], "5");
    assert_eq!(dry.outputs["snapshot-id"], SNAPSHOT_ID);
    assert_eq!(dry.outputs["commit-sha"], backed_up);
    let dry_report = report(&dry);
    let mut expected: Vec<(String, String, String)> = vec![
        ("endpoints".into(), endpoint_name.clone(), "modified".into()),
        ("flows".into(), "Added after the backup".into(), "removed".into()),
        ("flows".into(), edits.deleted_flow_name.clone(), "added".into()),
        ("flows".into(), first_flow_name.clone(), "modified".into()),
        ("lexicons".into(), lexicon_name.clone(), "modified".into()),
    ];
    expected.sort();
    assert_eq!(resources(&dry_report["comparison"]), expected);
    let text = dry_report.to_string();
    assert!(
        text.contains(".config.say.text") && text.contains(NEW_CONFIG_TEXT),
        "node config paths"
    );
    assert!(text.contains("edited after the backup"), "transformer lines");
    assert!(text.contains(NEW_KEYPHRASE), "keyphrase lines");
    assert_eq!(
        dry_report["method"], "native",
        "auto picks native: the snapshot has a .csnap"
    );
    for shown in [
        &first_flow_name,
        &edits.deleted_flow_name,
        "Added after the backup",
        "<details>",
    ] {
        assert!(dry.summary.contains(shown), "{shown} in the summary:\n{}", dry.summary);
    }
    assert!(
        dry.summary
            .contains(&format!("`dry-run: false` and `confirm: {}@", fake.project_id()))
    );

    // dry-run false without the right confirm: refused, saying what to set; nothing written.
    fake.reset_log();
    let refused = restore(&fake, &fixture, "2026-11-22T09:05:00Z")
        .with("dry-run", "false")
        .with("confirm", "not-the-project")
        .run();
    assert_refused_asking_for_confirm(&refused, fake.project_id());
    assert_eq!(writes(&fake.requests()), Vec::<String>::new());
    assert_eq!(edited_state(&fake, &edits), edited);
    assert_eq!(
        fixture.server_ref("snapshot/audit"),
        None,
        "nothing applied, nothing logged"
    );

    // Applied natively: the project is the snapshot's again.
    let applied = apply(restore(&fake, &fixture, "2026-11-22T09:10:00Z"), &fake).run();
    assert_code(&applied, 0);
    assert_eq!(applied.outputs["applied"], "true");
    let restored = edited_state(&fake, &edits);
    assert_ne!(restored.0, edited.0, "the node config is back");
    assert!(restored.1, "the deleted flow is back");
    assert!(!restored.2, "the flow added since is gone");
    assert_ne!(restored.3, edited.3, "the endpoint's transformer is back");
    assert_ne!(restored.4, NEW_KEYPHRASE, "the keyphrase is back");
    assert!(
        applied.summary.contains("A new export equals the snapshot"),
        "{}",
        applied.summary
    );
    assert!(
        report(&applied)["differsStill"]["resources"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        fake.snapshot_names().is_empty(),
        "the uploaded snapshot and the undo point's are deleted: {:?}",
        fake.snapshot_names()
    );

    // The undo point: the edited project, in the hourly tier, named in the summary.
    let log = git(&fixture.repo, &["log", "--format=%H%x09%B%x00", "snapshot/hourly"]);
    let undo_commit = fixture.server_ref("snapshot/hourly").unwrap();
    assert!(
        log.starts_with(&undo_commit) && log.contains("Undo point: the project as it was before restoring snapshot")
    );
    let undo_id = "20261122T091000Z";
    assert!(
        applied
            .summary
            .contains(&format!("Snapshot `{undo_id}` on `snapshot/hourly`")),
        "{}",
        applied.summary
    );
    let undo_flows = git(
        &fixture.repo,
        &["ls-tree", "--name-only", &format!("{undo_commit}:project/flows")],
    );
    assert!(undo_flows.contains("Added after the backup--"), "{undo_flows}");

    // The audit log: `started` with the undo point, then the outcome.
    let entries = audit(&fixture);
    assert_eq!(entries.len(), 2, "{entries:?}");
    for (entry, outcome) in entries.iter().zip(["started", "applied"]) {
        assert_eq!(entry["outcome"], outcome);
        assert_eq!(entry["actor"], "octocat");
        assert_eq!(
            entry["runUrl"],
            "https://github.com/acme/cognigy-backup-demo/actions/runs/4242"
        );
        assert_eq!(entry["method"], "native");
        assert_eq!(entry["targetProjectId"], fake.project_id());
        assert_eq!(entry["source"]["snapshotId"], SNAPSHOT_ID);
        assert_eq!(entry["undoPoint"]["snapshotId"], undo_id);
        assert_eq!(entry["restore"], entries[0]["restore"]);
    }
    let audit_parent_of_started = git(&fixture.repo, &["rev-list", "--count", "snapshot/audit"]);
    assert_eq!(audit_parent_of_started.trim(), "2", "one commit per line, never pruned");

    // Undo: restoring the undo point brings the edits back.
    let undone = apply(restore(&fake, &fixture, "2026-11-22T09:20:00Z"), &fake)
        .with("snapshot", undo_id)
        .run();
    assert_code(&undone, 0);
    assert_eq!(edited_state(&fake, &edits), edited, "the edits are back");
    assert_eq!(audit(&fixture).len(), 4);
    fixture.assert_fsck_clean();
}

#[test]
fn an_update_restore_writes_what_it_can_and_lists_what_it_cannot() {
    let Scene {
        fake,
        fixture,
        edits,
        edited,
    } = backed_up_then_edited(Options::default());

    fake.reset_log();
    let run = apply(restore(&fake, &fixture, "2026-11-22T09:00:00Z"), &fake)
        .with("restore-method", "update")
        .run();
    assert_code(&run, 0);
    let state = edited_state(&fake, &edits);
    assert_ne!(state.0, edited.0, "the node config is patched back");
    assert_ne!(state.3, edited.3, "the endpoint's transformer is patched back");
    assert_ne!(state.4, NEW_KEYPHRASE, "the keyphrases are imported back");
    assert!(!state.1 && state.2, "update neither re-creates nor deletes flows");
    let sent = writes(&fake.requests());
    assert!(
        sent.iter()
            .any(|w| w.starts_with("PATCH") && w.contains("/chart/nodes/")),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|w| w.starts_with("PATCH") && w.contains("/endpoints/")),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|w| w.ends_with(&format!("/lexicons/{}/import", edits.lexicon))),
        "{sent:?}"
    );
    assert!(
        !sent.iter().any(|w| w.contains("/snapshots")),
        "no native snapshot: {sent:?}"
    );

    // What it cannot do is listed plainly and warned about, with what differs still.
    assert!(
        run.summary.contains("What a restore by update cannot restore"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains(&edits.deleted_flow_name) && run.summary.contains("only a native restore re-creates it")
    );
    assert!(
        run.summary.contains("Added after the backup") && run.summary.contains("a restore by update deletes nothing")
    );
    let warning = run
        .annotations
        .iter()
        .find(|a| {
            a.level == "warning" && a.properties.get("title").map(String::as_str) == Some("Not restorable by update")
        })
        .expect("a warning names what was not restored");
    assert!(warning.message.contains(&edits.deleted_flow_name) && warning.message.contains("Added after the backup"));
    let report = report(&run);
    assert_eq!(report["cannotRestore"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(
        resources(&report["differsStill"])
            .into_iter()
            .map(|r| (r.1, r.2))
            .collect::<std::collections::BTreeSet<_>>(),
        [
            (edits.deleted_flow_name.clone(), "added".to_owned()),
            ("Added after the backup".to_owned(), "removed".to_owned()),
        ]
        .into(),
        "only the two flows differ still"
    );
    let entries = audit(&fixture);
    assert_eq!(entries[1]["outcome"], "applied-with-differences");
    assert_eq!(entries[1]["method"], "update");
}

#[test]
fn the_resources_input_limits_what_is_compared_and_restored() {
    let Scene {
        fake,
        fixture,
        edits,
        edited,
    } = backed_up_then_edited(Options::default());

    let run = apply(restore(&fake, &fixture, "2026-11-22T09:00:00Z"), &fake)
        .with("resources", "endpoints")
        .run();
    assert_code(&run, 0);
    assert_eq!(run.outputs["changes"], "1");
    let state = edited_state(&fake, &edits);
    assert_ne!(state.3, edited.3, "the endpoint is restored");
    assert_eq!(
        (&state.0, state.1, state.2, &state.4),
        (&edited.0, edited.1, edited.2, &edited.4),
        "nothing else"
    );
    assert_eq!(
        report(&run)["method"],
        "update",
        "auto restores only some kinds by update"
    );
}

#[test]
fn an_unknown_snapshot_fails_and_lists_what_exists() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);
    for (selector, says) in [
        ("20250101T000000Z", "no tier holds it"),
        ("deadbeef", "no snapshot commit has it"),
        ("monthly-2026-01", "it does not exist"),
    ] {
        let run = restore(&fake, &fixture, "2026-11-22T09:00:00Z")
            .with("snapshot", selector)
            .run();
        assert_code(&run, 1);
        let error = run.error();
        assert!(error.message.contains(says), "{selector}: {}", error.message);
        assert!(
            error.message.contains(SNAPSHOT_ID),
            "lists what exists: {}",
            error.message
        );
    }
    // A snapshot id, an abbreviated SHA and `latest` of another tier all find it.
    let sha = fixture.server_ref("snapshot/hourly").unwrap();
    for (tier, selector) in [("hourly", SNAPSHOT_ID), ("weekly", &sha[..9]), ("daily", "latest")] {
        let run = restore(&fake, &fixture, "2026-11-22T09:00:00Z")
            .with("tier", tier)
            .with("snapshot", selector)
            .run();
        assert_code(&run, 0);
        assert_eq!(run.outputs["snapshot-id"], SNAPSHOT_ID, "{tier} {selector}");
        assert_eq!(run.outputs["changes"], "0");
        assert!(run.summary.contains("nothing to restore"));
    }
}

#[test]
fn a_restore_that_fails_after_its_undo_point_says_so_and_logs_the_failure() {
    let options = Options {
        task_failures: vec![TaskFailure::error(
            "restoreSnapshot",
            "Restoring the snapshot failed: storage quota reached",
        )],
        ..Options::default()
    };
    let Scene {
        fake,
        fixture,
        edits,
        edited,
    } = backed_up_then_edited(options);

    let run = apply(restore(&fake, &fixture, "2026-11-22T09:00:00Z"), &fake).run();
    assert_code(&run, 1);
    assert_eq!(run.outputs["applied"], "false");
    assert_eq!(edited_state(&fake, &edits), edited, "the failed task changed nothing");
    assert!(
        fake.snapshot_names().is_empty(),
        "the upload is deleted: {:?}",
        fake.snapshot_names()
    );
    let error = run.error();
    for part in [
        "after its undo point was pushed",
        "storage quota reached",
        "20261122T090000Z",
    ] {
        assert!(error.message.contains(part), "{part} in {}", error.message);
    }
    assert!(run.summary.contains("### The restore failed") && run.summary.contains("### Undo point"));
    let entries = audit(&fixture);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["outcome"], "failed");
    assert!(entries[1]["detail"].as_str().unwrap().contains("storage quota reached"));
    assert_eq!(
        report(&run)["error"].as_str().map(|e| e.contains("storage quota")),
        Some(true)
    );
}

#[test]
fn a_restore_into_another_project_never_touches_the_source() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let staging = fake.add_project(ProjectSpec::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);
    let hourly = fixture.server_ref("snapshot/hourly");
    let source_before = serde_json::to_value(fake.project()).unwrap();
    let flow_names = |p: &cognigy_backup_testkit::fake_cognigy::Project| {
        let mut names: Vec<String> = p.flows.iter().map(|f| f.name().to_owned()).collect();
        names.sort();
        names
    };
    fake.edit_project(&staging, |p| {
        p.add_flow("Only in staging", 2);
    });
    assert_ne!(flow_names(&fake.project_by_id(&staging)), flow_names(&fake.project()));

    let into_staging = |now: &str| restore(&fake, &fixture, now).with("target-project-id", &staging);
    // Confirming with the source project's id does not restore into staging.
    let refused = into_staging("2026-11-22T09:00:00Z")
        .with("dry-run", "false")
        .with("confirm", fake.project_id())
        .run();
    assert_refused_asking_for_confirm(&refused, &staging);

    fake.reset_log();
    let run = into_staging("2026-11-22T09:05:00Z")
        .with("dry-run", "false")
        .with("confirm", &staging)
        .run();
    assert!(run.code == Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["applied"], "true");
    assert_eq!(
        flow_names(&fake.project_by_id(&staging)),
        flow_names(&fake.project()),
        "staging has the snapshot's flows"
    );
    assert_eq!(
        serde_json::to_value(fake.project()).unwrap(),
        source_before,
        "the source project is untouched"
    );
    let source_id = fake.project_id().to_owned();
    let touched_source: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && r.path.contains(&source_id))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(touched_source, Vec::<String>::new());
    assert!(
        fake.snapshot_names_of(&staging).is_empty(),
        "the upload is deleted again"
    );
    assert_eq!(
        fixture.server_ref("snapshot/hourly"),
        hourly,
        "no undo point of another project in the tiers"
    );
    let entries = audit(&fixture);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["targetProjectId"], staging.as_str());
    assert_eq!(entries[1]["undoPoint"], Value::Null);
    assert!(run.summary.contains("went into another project"), "{}", run.summary);
}
