//! Notifications end to end: the built binary run as the runner runs it, against the fake Cognigy
//! server, a real git server, and a local webhook receiver that keeps every message it takes.
//! Each format's shape is checked as its platform documents it; the webhook URL (a secret) is
//! never written anywhere.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::webhook_receiver::{Received, WebhookReceiver};
use serde_json::Value;
use support::git::Fixture;
use support::runner::{Step, StepRun};

/// The secret part of every webhook URL here; it must never appear in what a run writes.
const SECRET_PATH: &str = "/services/T0001/B0001/hook-secret-3f9a";

/// The run's URL as the runner emulation gives it (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID).
const RUN_URL: &str = "https://github.com/acme/cognigy-backup-demo/actions/runs/4242";

/// Renames the project's first flow.
fn rename_first_flow(fake: &FakeCognigy, name: &str) {
    fake.edit(|project| project.flows[0].doc["name"] = serde_json::json!(name));
}

fn backup(fake: &FakeCognigy, fixture: &Fixture, receiver: &WebhookReceiver, format: &str, on: &str) -> Step {
    support::step("backup", fake, fixture)
        .with("webhook-url", receiver.url(SECRET_PATH))
        .with("webhook-format", format)
        .with("notify-on", on)
}

/// Nothing the run wrote holds the webhook URL or its secret path, but the command that masks it
/// (which the runner takes out of the log).
fn assert_no_webhook_secret(run: &StepRun) {
    let stdout: String = run
        .stdout
        .lines()
        .filter(|line| !line.starts_with("::add-mask::"))
        .collect();
    for (what, text) in [("stdout", &stdout), ("stderr", &run.stderr), ("summary", &run.summary)] {
        assert!(
            !text.contains("hook-secret-3f9a"),
            "the webhook's secret in {what}:\n{text}"
        );
    }
    for (name, value) in &run.outputs {
        assert!(
            !value.contains("hook-secret-3f9a"),
            "the webhook's secret in output {name}"
        );
    }
}

fn only(received: &[Received]) -> &Received {
    assert_eq!(received.len(), 1, "exactly one message: {received:#?}");
    assert_eq!(received[0].path, SECRET_PATH);
    assert_eq!(received[0].content_type.as_deref(), Some("application/json"));
    &received[0]
}

/// The text of every Slack block, joined.
fn slack_text(body: &Value) -> String {
    body["blocks"].to_string()
}

#[test]
fn a_failed_backup_posts_one_slack_message_naming_the_error_with_a_button_to_the_run() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let receiver = WebhookReceiver::start(200);

    let step = backup(&fake, &fixture, &receiver, "slack", "failure").with("cognigy-api-key", "not-the-key");
    let run = step.run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let message = only(&receiver.received()).body.clone();

    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50);
    assert_eq!(blocks[0]["type"], "header");
    let header = blocks[0]["text"]["text"].as_str().unwrap();
    assert!(
        header.starts_with("Cognigy backup of project") && header.ends_with("failed"),
        "{header}"
    );
    assert!(header.chars().count() <= 150);
    assert_eq!(message["text"], header, "the notification's fallback text");
    let error = blocks
        .iter()
        .find(|b| b["text"]["text"].as_str().is_some_and(|t| t.starts_with("*Error*")))
        .expect("an error section");
    assert!(error["text"]["text"].as_str().unwrap().contains("401"), "{error}");
    let button = blocks
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("an actions block");
    assert_eq!(button["elements"][0]["type"], "button");
    assert_eq!(button["elements"][0]["url"], RUN_URL);
    assert!(slack_text(&message).contains(fake.project_id()));
    assert_no_webhook_secret(&run);
}

#[test]
fn under_failure_a_good_backup_posts_nothing_and_under_change_only_a_change_posts() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let receiver = WebhookReceiver::start(204);

    let quiet = backup(&fake, &fixture, &receiver, "discord", "failure")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T07:37:00Z")
        .run();
    assert_eq!(quiet.code, Some(0), "{}", quiet.stdout);
    assert_eq!(quiet.outputs["changed"], "true");
    assert!(receiver.received().is_empty(), "failure: a good run posts nothing");

    rename_first_flow(&fake, "Renamed <b>flow</b> @everyone [x](https://example.com)");
    let change = backup(&fake, &fixture, &receiver, "discord", "change")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:07:00Z")
        .run();
    assert_eq!(change.code, Some(0), "{}", change.stdout);
    assert_eq!(change.outputs["changed"], "true");
    let message = only(&receiver.received()).body.clone();
    assert_eq!(
        message["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "no name can ping"
    );
    let embed = &message["embeds"][0];
    assert_eq!(
        embed["title"],
        format!("New snapshot 20261122T080700Z of project {}", fake.project_id())
    );
    assert_eq!(embed["url"], RUN_URL);
    let modified = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Modified")
        .expect("a Modified field");
    let value = modified["value"].as_str().unwrap();
    assert!(value.starts_with("**flows** (1): "), "{value}");
    assert!(
        value.contains("Renamed \\<b\\>flow\\</b\\> \\@everyone \\[x\\]\\(https\\://example.com\\)"),
        "the name escaped as Discord reads it: {value}"
    );
    let total: usize = [&embed["title"], &embed["description"], &embed["footer"]["text"]]
        .iter()
        .map(|v| v.as_str().unwrap_or_default().chars().count())
        .sum::<usize>()
        + embed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().chars().count() + f["value"].as_str().unwrap().chars().count())
            .sum::<usize>();
    assert!(total <= 6000, "an embed holds at most 6000 characters: {total}");

    let unchanged = backup(&fake, &fixture, &receiver, "discord", "change")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:37:00Z")
        .run();
    assert_eq!(unchanged.outputs["changed"], "false");
    assert_eq!(receiver.received().len(), 1, "change: an unchanged run posts nothing");
    for run in [&quiet, &change, &unchanged] {
        assert_no_webhook_secret(run);
    }
}

#[test]
fn teams_gets_an_adaptive_card_and_json_receivers_the_whole_notice() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let receiver = WebhookReceiver::start(202);

    let teams = backup(&fake, &fixture, &receiver, "teams", "always")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T07:37:00Z")
        .run();
    assert_eq!(teams.code, Some(0), "{}", teams.stdout);
    let message = only(&receiver.received()).body.clone();
    assert_eq!(message["type"], "message");
    let attachment = &message["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    assert_eq!(card["body"][0]["type"], "TextBlock");
    assert_eq!(card["body"][1]["type"], "FactSet");
    assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
    assert!(
        message.to_string().len() < 28 * 1024,
        "a Teams message holds at most 28 KB"
    );
    let runs: Vec<&Value> = card["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "RichTextBlock")
        .collect();
    assert!(
        runs.iter()
            .any(|b| b["inlines"][0]["text"].as_str().unwrap().starts_with("flows (3): ")),
        "the added flows as plain text runs: {runs:?}"
    );

    let receiver = WebhookReceiver::start(200);
    rename_first_flow(&fake, "Main v2");
    let json = backup(&fake, &fixture, &receiver, "json", "always")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:07:00Z")
        .run();
    assert_eq!(json.code, Some(0), "{}", json.stdout);
    let message = only(&receiver.received()).body.clone();
    assert_eq!(message["tool"], "cognigy-backup");
    assert_eq!(message["mode"], "backup");
    assert_eq!(message["outcome"], "changed");
    assert_eq!(message["snapshot_id"], "20261122T080700Z");
    assert_eq!(message["project"], fake.project_id());
    assert_eq!(message["error"], Value::Null);
    let modified = message["changes"]["modified"].as_array().unwrap();
    assert!(
        modified.iter().any(|c| c["kind"] == "flows" && c["name"] == "Main v2"),
        "{modified:?}"
    );
    assert_no_webhook_secret(&teams);
    assert_no_webhook_secret(&json);
}

#[test]
fn a_dead_webhook_warns_and_never_fails_the_backup_and_a_busy_one_is_tried_again() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();

    let dead = WebhookReceiver::start(404);
    let run = backup(&fake, &fixture, &dead, "slack", "always")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T07:37:00Z")
        .run();
    assert_eq!(run.code, Some(0), "the backup succeeds: {}", run.stdout);
    assert_eq!(run.outputs["changed"], "true");
    assert_eq!(dead.received().len(), 1, "a 404 is not tried again");
    let warning = run
        .annotations
        .iter()
        .find(|a| {
            a.level == "warning" && a.properties.get("title").map(String::as_str) == Some("Notification not sent")
        })
        .expect("a warning");
    assert!(warning.message.contains("HTTP 404"), "{}", warning.message);
    assert_no_webhook_secret(&run);

    let busy = WebhookReceiver::start(200);
    busy.answer_next(&[503]);
    rename_first_flow(&fake, "Main v3");
    let run = backup(&fake, &fixture, &busy, "slack", "always")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:07:00Z")
        .run();
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(busy.received().len(), 2, "a 503 is tried again");
    assert_eq!(busy.received()[0].raw, busy.received()[1].raw, "the same message");
    assert!(
        !run.annotations.iter().any(|a| a.level == "warning"),
        "{:?}",
        run.annotations
    );

    // A webhook nobody listens on: the connection is refused, the run goes on.
    let port = dead.url("");
    drop(dead);
    let run = support::step("backup", &fake, &fixture)
        .with("webhook-url", format!("{port}{SECRET_PATH}"))
        .with("notify-on", "always")
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:37:00Z")
        .run();
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.annotations
            .iter()
            .any(|a| a.level == "warning" && a.message.contains("could not be reached")),
        "{:?}",
        run.annotations
    );
    assert_no_webhook_secret(&run);
}

#[test]
fn eight_unchanged_days_give_one_stale_notice_and_the_next_change_starts_another_wait() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let receiver = WebhookReceiver::start(200);
    let day = |n: u32| format!("2026-11-{:02}T07:37:00Z", 10 + n);
    let run_on = |n: u32| {
        let run = backup(&fake, &fixture, &receiver, "json", "failure")
            .with("stale-after-days", "7")
            .env("COGNIGY_BACKUP_NOW", day(n))
            .run();
        assert_eq!(run.code, Some(0), "day {n}: {}", run.stdout);
        assert_no_webhook_secret(&run);
        run
    };
    run_on(0);
    for n in 1..=9 {
        run_on(n);
    }
    let received = receiver.received();
    assert_eq!(received.len(), 1, "one notice in nine unchanged days: {received:#?}");
    let notice = &received[0].body;
    assert_eq!(notice["outcome"], "stale");
    assert_eq!(notice["unchanged_days"], 7, "sent on the seventh day");
    assert_eq!(
        notice["title"],
        format!("No change of project {} for 7 days", fake.project_id())
    );
    let first_snapshot = fixture.server_ref("snapshot/hourly").unwrap();
    assert_eq!(
        fixture.server_ref("snapshot/stale-notice").as_deref(),
        Some(first_snapshot.as_str()),
        "the notice is remembered by the snapshot it was about"
    );

    // A change ends the quiet; seven more quiet days give the next notice.
    rename_first_flow(&fake, "Edited after the quiet");
    let changed = run_on(10);
    assert_eq!(changed.outputs["changed"], "true");
    for n in 11..=17 {
        run_on(n);
    }
    let received = receiver.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    assert_eq!(received[1].body["unchanged_days"], 7);
    assert_eq!(
        fixture.server_ref("snapshot/stale-notice"),
        fixture.server_ref("snapshot/hourly")
    );

    // Without a webhook, or with stale-after-days: 0, nothing is remembered or sent.
    let quiet = support::step("backup", &fake, &fixture)
        .with("stale-after-days", "0")
        .env("COGNIGY_BACKUP_NOW", day(19))
        .run();
    assert_eq!(quiet.code, Some(0), "{}", quiet.stdout);
    assert_eq!(receiver.received().len(), 2);
}
