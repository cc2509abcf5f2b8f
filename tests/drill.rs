//! The drill mode end to end, run as the runner runs it: the built binary against the fake Cognigy
//! server hosting two projects (the backed-up source and a staging project) and a real
//! `git http-backend`. A backup with a native snapshot, then a drill into staging must pass with
//! nothing different, write only to staging, push nothing and leave no uploaded snapshot behind; a
//! restore that leaves a flow out, or fails, must fail the run naming what is missing, the upload
//! deleted all the same; bad inputs and a snapshot without a `.csnap` are refused before anything
//! is written; `snapshot` selects an older snapshot; the outcome is notified; hostile names
//! inject nothing.

mod support;

use cognigy_backup_action::escape::one_line;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, Project, ProjectSpec, TaskFailure};
use cognigy_backup_testkit::webhook_receiver::WebhookReceiver;
use pulldown_cmark::{Event, Options as Markdown, Parser, Tag};
use serde_json::Value;
use support::cognigy::writes;
use support::git::Fixture;
use support::runner::{Step, StepRun, commands};
use support::{assert_code, backup};

const BACKED_UP: &str = "2026-11-22T08:00:00Z";
const SNAPSHOT_ID: &str = "20261122T080000Z";

/// The source project and a staging project on one fake, and a snapshot repository holding one
/// backup of the source (with its `.csnap`); answers the staging project's id.
fn backed_up(options: Options) -> (FakeCognigy, Fixture, String) {
    let fake = FakeCognigy::start(ProjectSpec::default(), options);
    let staging = fake.add_project(ProjectSpec::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);
    (fake, fixture, staging)
}

/// `step` notifying a JSON webhook at `receiver` of the outcomes `on` names.
fn notifying(step: Step, receiver: &WebhookReceiver, on: &str) -> Step {
    step.with("webhook-url", receiver.url("/hooks/drill"))
        .with("webhook-format", "json")
        .with("notify-on", on)
}

/// The one message `receiver` got.
fn notice(receiver: &WebhookReceiver) -> Value {
    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:#?}");
    received[0].body.clone()
}

/// A drill of `latest` into `staging`, confirmed.
fn drill(fake: &FakeCognigy, fixture: &Fixture, staging: &str) -> Step {
    support::step("drill", fake, fixture)
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T09:00:00Z")
        .with("target-project-id", staging)
        .with("confirm", staging)
}

fn flow_names(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = project.flows.iter().map(|f| f.name().to_owned()).collect();
    names.sort();
    names
}

fn report(run: &StepRun) -> Value {
    assert_eq!(run.outputs["report-file"], "cognigy-backup-drill.json");
    support::report::read(run)
}

fn metrics(run: &StepRun) -> Value {
    serde_json::from_slice(&run.workspace_file("cognigy-backup-metrics.json").expect("metrics file")).unwrap()
}

#[test]
fn a_drill_restores_the_newest_snapshot_into_staging_and_finds_nothing_different() {
    let (fake, fixture, staging) = backed_up(Options::default());
    fake.edit_project(&staging, |p| {
        p.add_flow("Only in staging", 2);
    });
    assert_ne!(flow_names(&fake.project_by_id(&staging)), flow_names(&fake.project()));
    let source_before = serde_json::to_value(fake.project()).unwrap();
    let hourly = fixture.server_ref("snapshot/hourly");
    fake.reset_log();

    let receiver = WebhookReceiver::start(200);
    let run = notifying(drill(&fake, &fixture, &staging), &receiver, "always").run();
    assert_code(&run, 0);
    assert_eq!(run.outputs["ok"], "true");
    assert_eq!(run.outputs["changes"], "0");
    assert_eq!(run.outputs["changed"], "false");
    assert_eq!(run.outputs["snapshot-id"], SNAPSHOT_ID);
    assert_eq!(Some(run.outputs["commit-sha"].clone()), hourly);

    // Staging now holds the snapshot; the source is untouched and nothing was pushed.
    assert_eq!(flow_names(&fake.project_by_id(&staging)), flow_names(&fake.project()));
    assert_eq!(serde_json::to_value(fake.project()).unwrap(), source_before);
    let source_id = fake.project_id().to_owned();
    let touched_source: Vec<String> = writes(&fake.requests())
        .into_iter()
        .filter(|w| w.contains(&source_id))
        .collect();
    assert_eq!(touched_source, Vec::<String>::new());
    let wrote = writes(&fake.requests());
    assert!(
        wrote.iter().any(|w| w.ends_with("/snapshots/upload")) && wrote.iter().any(|w| w.ends_with("/restore")),
        "{wrote:?}"
    );
    assert!(
        fake.snapshot_names_of(&staging).is_empty(),
        "the upload is deleted again"
    );
    assert_eq!(fixture.server_ref("snapshot/hourly"), hourly, "nothing pushed");
    assert_eq!(fixture.server_ref("snapshot/audit"), None, "no audit line");

    let report = report(&run);
    assert_eq!(report["ok"], true);
    assert_eq!(report["snapshot"]["snapshotId"], SNAPSHOT_ID);
    assert_eq!(report["sourceProjectId"], source_id.as_str());
    assert_eq!(report["targetProjectId"], staging.as_str());
    assert_eq!(report["comparison"]["resources"], serde_json::json!([]));
    assert_eq!(
        report["notRestored"],
        serde_json::json!(["endpoints", "knowledge-stores"])
    );
    assert!(
        run.summary
            .contains("Not restored and not compared: endpoints, knowledge-stores"),
        "{}",
        run.summary
    );
    assert_eq!(report["csnapSha256"].as_str().map(str::len), Some(64));
    let duration = report["durationSeconds"].as_f64().unwrap();
    let steps = &report["steps"];
    let parts: f64 = ["readSeconds", "restoreSeconds", "exportAfterSeconds", "compareSeconds"]
        .iter()
        .map(|s| steps[*s].as_f64().unwrap_or_else(|| panic!("{s} in {steps}")))
        .sum();
    assert!(duration > 0.0 && parts <= duration + 0.01, "{duration} {steps}");
    assert!(steps["restoreSeconds"].as_f64().unwrap() > 0.0, "{steps}");

    assert!(
        run.summary.contains("## Cognigy restore drill: passed"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("| Native restore"), "{}", run.summary);
    let metrics = metrics(&run);
    assert_eq!(metrics["mode"], "drill");
    assert_eq!(metrics["outcome"], "unchanged");
    assert_eq!(metrics["project"], source_id.as_str());
    assert_eq!(metrics["differences"], 0);
    assert!(metrics["drill_milliseconds"].as_u64().is_some(), "{metrics}");
    assert!(metrics["requests"].as_u64().unwrap() > 0, "{metrics}");
    let notice = notice(&receiver);
    assert_eq!(notice["mode"], "drill");
    assert_eq!(notice["outcome"], "unchanged");
    assert_eq!(notice["title"], format!("Restore drill of project {source_id} passed"));
}

#[test]
fn snapshot_selects_an_older_snapshot_and_staging_then_holds_that_one() {
    let (fake, fixture, staging) = backed_up(Options::default());
    let first = flow_names(&fake.project());
    fake.edit(|p| {
        p.add_flow("Added after the first backup", 2);
    });
    backup(&fake, &fixture, "2026-11-22T08:30:00Z");
    let run = drill(&fake, &fixture, &staging).with("snapshot", SNAPSHOT_ID).run();
    assert_code(&run, 0);
    assert_eq!(run.outputs["snapshot-id"], SNAPSHOT_ID);
    assert_eq!(flow_names(&fake.project_by_id(&staging)), first);
    assert_ne!(flow_names(&fake.project()), first);
}

#[test]
fn a_restore_that_leaves_a_flow_out_fails_the_drill_naming_it() {
    let (fake, fixture, staging) = backed_up(Options {
        incomplete_restores: 1,
        ..Options::default()
    });
    let source = fake.project();
    let left_out = source.flows.last().unwrap().name().to_owned();

    let receiver = WebhookReceiver::start(200);
    let run = notifying(drill(&fake, &fixture, &staging), &receiver, "failure").run();
    assert_code(&run, 1);
    assert_eq!(run.outputs["ok"], "false");
    assert_eq!(run.outputs["changes"], "1");
    let notice = notice(&receiver);
    assert_eq!(notice["outcome"], "failed");
    assert_eq!(
        notice["title"],
        format!("Cognigy drill of project {} failed", fake.project_id())
    );
    assert!(
        notice["error"].as_str().unwrap().contains("differs from the snapshot"),
        "{notice}"
    );
    let error = run.error();
    assert!(
        error.message.contains("differs from the snapshot") && error.message.contains("1 removed"),
        "{}",
        error.message
    );
    assert_eq!(
        support::report::resources(&report(&run)["comparison"]),
        vec![("flows".to_owned(), left_out.clone(), "removed".to_owned())]
    );
    assert_eq!(report(&run)["ok"], false);
    assert!(run.summary.contains("failed, 1 resource differs"), "{}", run.summary);
    assert!(
        run.summary.contains("In the snapshot, missing after the restore"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains(&left_out), "{}", run.summary);
    assert!(
        fake.snapshot_names_of(&staging).is_empty(),
        "the upload is deleted again"
    );
    assert_eq!(
        serde_json::to_value(fake.project()).unwrap(),
        serde_json::to_value(&source).unwrap()
    );
    let metrics = metrics(&run);
    assert_eq!(metrics["outcome"], "failed");
    assert_eq!(metrics["differences"], 1);
}

#[test]
fn a_failed_restore_fails_the_drill_and_still_deletes_the_upload() {
    let (fake, fixture, staging) = backed_up(Options {
        task_failures: vec![TaskFailure::error("restoreSnapshot", "storage quota reached")],
        ..Options::default()
    });
    let run = drill(&fake, &fixture, &staging).run();
    assert_code(&run, 1);
    assert_eq!(run.outputs["ok"], "false");
    assert!(!run.outputs.contains_key("changes"), "{:?}", run.outputs);
    assert!(
        run.error().message.contains("storage quota reached"),
        "{}",
        run.error().message
    );
    let report = report(&run);
    assert!(report["error"].as_str().unwrap().contains("native restore"), "{report}");
    assert!(run.summary.contains("### The drill failed"), "{}", run.summary);
    assert!(
        fake.snapshot_names_of(&staging).is_empty(),
        "the upload is deleted again"
    );
}

#[test]
fn bad_targets_and_confirms_are_refused_before_any_request() {
    let (fake, fixture, staging) = backed_up(Options::default());
    let source = fake.project_id().to_owned();
    let other = "0123456789abcdef01234567";
    let cases: [(&str, &str, &str, &str); 5] = [
        (&source, &source, "target-project-id", "is the backed-up project"),
        ("", &staging, "target-project-id", "is required in mode `drill`"),
        ("not-an-id", "not-an-id", "target-project-id", "24 hexadecimal digits"),
        (&staging, "", "confirm", "must equal target-project-id"),
        (&staging, other, "confirm", "must equal target-project-id"),
    ];
    for (target, confirm, input, says) in cases {
        fake.reset_log();
        let run = drill(&fake, &fixture, &staging)
            .with("target-project-id", target)
            .with("confirm", confirm)
            .run();
        assert_code(&run, 2);
        let error = run.error();
        assert!(
            error.message.contains(&format!("input `{input}`")) && error.message.contains(says),
            "{target} {confirm}: {}",
            error.message
        );
        assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    }
    assert!(fake.snapshot_names_of(&staging).is_empty());
}

#[test]
fn a_snapshot_without_a_csnap_is_refused_naming_what_to_set() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let staging = fake.add_project(ProjectSpec::default());
    let fixture = Fixture::new();
    let run = support::step("backup", &fake, &fixture)
        .env("COGNIGY_BACKUP_NOW", BACKED_UP)
        .with("native-snapshot", "off")
        .run();
    assert_code(&run, 0);
    fake.reset_log();
    let run = drill(&fake, &fixture, &staging).run();
    assert_code(&run, 1);
    let message = &run.error().message;
    for part in [
        SNAPSHOT_ID,
        "project.csnap",
        "`native-snapshot: on-change`",
        "`snapshot`",
    ] {
        assert!(message.contains(part), "{part} in {message}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn hostile_names_in_what_differs_inject_nothing() {
    const HOSTILE: &str = "Left out\n::error::INJECTED <!-- hidden | ](https://example.com)";
    let fake = FakeCognigy::start(
        ProjectSpec::default(),
        Options {
            incomplete_restores: 1,
            ..Options::default()
        },
    );
    fake.edit(|p| {
        let last = p.flows.len() - 1;
        p.flows[last].doc["name"] = serde_json::json!(HOSTILE);
    });
    let staging = fake.add_project(ProjectSpec::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, BACKED_UP);

    let run = drill(&fake, &fixture, &staging).run();
    assert_code(&run, 1);
    for command in commands(&run.stdout).into_iter().chain(commands(&run.stderr)) {
        assert!(
            !command.data.contains("INJECTED") || command.name == "error" && !command.data.contains('\n'),
            "{command:?}"
        );
        assert!(!command.properties.contains("INJECTED"), "{command:?}");
    }
    // The summary renders the name as text: no link, no HTML, nothing hidden.
    let mut text = String::new();
    for event in Parser::new_ext(&run.summary, Markdown::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::Html(html) | Event::InlineHtml(html) => panic!("HTML {html:?} in\n{}", run.summary),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("link {dest_url} in\n{}", run.summary),
            _ => {}
        }
    }
    assert!(text.contains(one_line(HOSTILE).as_ref()), "{text}");
}
