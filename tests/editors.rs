//! Who changed what (`record-editors`) end to end: the built binary as the runner runs it, against
//! the fake Cognigy (whose audit trail records each test edit as the user it names), a real git
//! server and a local webhook. A backup after edits by ann and bob is authored by ann (the first by
//! time), committed by the action, with bob as a `Co-authored-by:` trailer and each resource's
//! users and times in the body; `git log --author` finds it; the Slack notice says by whom. With
//! `record-editors: false` no e-mail address is written and the trail is not read; a trail the key
//! may not read leaves the action as the author and the summary says why; a hostile user string
//! cannot add a trailer.

mod support;

use std::time::Duration;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Feature, Kind, Options, Project, ProjectSpec, id_of};
use cognigy_backup_testkit::webhook_receiver::WebhookReceiver;
use serde_json::json;
use support::git::{Fixture, git};
use support::runner::{Step, StepRun};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The fake's clock as `COGNIGY_BACKUP_NOW` takes it.
fn now(fake: &FakeCognigy) -> String {
    OffsetDateTime::from(fake.now()).format(&Rfc3339).unwrap()
}

fn backup(fake: &FakeCognigy, fixture: &Fixture) -> Step {
    support::step("backup", fake, fixture).env("COGNIGY_BACKUP_NOW", now(fake))
}

fn run(step: Step) -> StepRun {
    let run = step.run();
    support::assert_code(&run, 0);
    run
}

/// The first backup, after an older edit (so the trail reaches back past it), then ten minutes.
fn first_backup(fake: &FakeCognigy, fixture: &Fixture) {
    fake.edit(|p| {
        let flow = p.flows[1].id().to_owned();
        p.set_field(&flow, "description", json!("before the first backup"));
    });
    fake.advance_clock(Duration::from_secs(600));
    run(backup(fake, fixture));
    fake.advance_clock(Duration::from_secs(600));
}

/// What node `node` of flow `flow` says, set in the primary locale.
fn say(project: &mut Project, flow: &str, node: &str, text: &str) {
    let locale = project.primary_locale_id().to_owned();
    project.set_node_config(flow, node, &locale, json!({ "say": { "text": [text] } }));
}

/// Ann changes a node of the first flow; a minute later bob another node of it and an endpoint's
/// name; then a minute passes. Answers the flow's and the endpoint's names.
fn edits_by_ann_and_bob(fake: &FakeCognigy) -> (String, String) {
    let live = fake.project();
    let flow = live.flows[0].clone();
    let (first, second) = (flow.nodes[1].id().to_owned(), flow.nodes[2].id().to_owned());
    let endpoint = id_of(&live.items(Kind::Endpoint)[0]).to_owned();
    fake.as_user("ann@example.com")
        .edit(|p| say(p, flow.id(), &first, "Hi from ann"));
    fake.advance_clock(Duration::from_secs(60));
    fake.as_user("bob@example.com").edit(|p| {
        say(p, flow.id(), &second, "Hi from bob");
        p.set_field(&endpoint, "name", json!("Web chat by bob"));
    });
    fake.advance_clock(Duration::from_secs(60));
    let name = flow.doc["name"].as_str().unwrap().to_owned();
    (name, "Web chat by bob".to_owned())
}

/// `git log -1` of the hourly tier in the server's repository, in `format`.
fn tip(fixture: &Fixture, format: &str) -> String {
    git(
        &fixture.repo,
        &["log", "-1", &format!("--format={format}"), "snapshot/hourly"],
    )
}

/// The trailers of the hourly tip's message, as git parses them.
fn trailers(fixture: &Fixture) -> String {
    let message = tip(fixture, "%B");
    let dir = fixture.temp.path().join("message.txt");
    std::fs::write(&dir, message).unwrap();
    git(&fixture.repo, &["interpret-trailers", "--parse", dir.to_str().unwrap()])
}

fn auditevents_read(fake: &FakeCognigy) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.ends_with("/auditevents"))
        .count()
}

#[test]
fn a_backup_after_edits_is_authored_by_the_first_editor_with_the_others_as_co_authors() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let receiver = WebhookReceiver::start(200);
    first_backup(&fake, &fixture);
    assert_eq!(
        tip(&fixture, "%an <%ae>"),
        "cognigy-backup <cognigy-backup@users.noreply.github.com>\n",
        "the first snapshot has no snapshot below to read the trail back to"
    );
    let (flow, endpoint) = edits_by_ann_and_bob(&fake);

    let second = run(backup(&fake, &fixture)
        .with("webhook-url", receiver.url("/hook"))
        .with("webhook-format", "slack")
        .with("notify-on", "change"));

    assert_eq!(
        tip(&fixture, "%an <%ae>|%cn <%ce>"),
        "ann <ann@example.com>|cognigy-backup <cognigy-backup@users.noreply.github.com>\n"
    );
    assert_eq!(trailers(&fixture), "Co-authored-by: bob <bob@example.com>\n");
    let body = tip(&fixture, "%B");
    let line = |start: &str| {
        body.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?} in:\n{body}"))
            .to_owned()
    };
    let flow_line = line(&format!("  flows {flow}: ann@example.com at "));
    assert!(flow_line.contains("; bob@example.com at "), "{flow_line}");
    assert!(line(&format!("  endpoints {endpoint}: bob@example.com at ")).ends_with('Z'));
    assert!(body.contains("\nEdited in Cognigy (from its audit trail):\n"), "{body}");

    let found = git(
        &fixture.repo,
        &["log", "--author=ann@example.com", "--format=%H", "snapshot/hourly"],
    );
    assert_eq!(
        found,
        tip(&fixture, "%H"),
        "git log --author finds the snapshot ann edited"
    );
    let by_bob = git(
        &fixture.repo,
        &["log", "--author=bob@example.com", "--format=%H", "snapshot/hourly"],
    );
    assert_eq!(by_bob, "", "bob co-authored it: a trailer, not the author");

    assert!(
        second
            .summary
            .contains("### Editors\n\nFrom Cognigy's audit trail; the commit is authored by `ann@example.com`."),
        "{}",
        second.summary
    );
    let slack = receiver.received()[0].body["blocks"].to_string();
    assert!(
        slack.contains(&format!("{flow} (by ann@example.com, bob@example.com)")),
        "{slack}"
    );
    assert!(
        slack.contains(&format!("{endpoint} (renamed from")) && slack.contains("(by bob@example.com)"),
        "{slack}"
    );
}

#[test]
fn with_record_editors_false_no_e_mail_address_is_written() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    first_backup(&fake, &fixture);
    edits_by_ann_and_bob(&fake);
    fake.reset_log();

    let receiver = WebhookReceiver::start(200);
    let second = run(backup(&fake, &fixture)
        .with("record-editors", "false")
        .with("webhook-url", receiver.url("/hook"))
        .with("webhook-format", "json")
        .with("notify-on", "change"));

    // The trail is still read, once, by the incremental export (what changed), never for names.
    assert_eq!(auditevents_read(&fake), 1);
    let log = git(&fixture.repo, &["log", "--format=%an <%ae>%n%B", "snapshot/hourly"]);
    let notice = receiver.received()[0].body.to_string();
    let outputs = format!("{:?}", second.outputs);
    for (what, text) in [
        ("the commits", &log),
        ("the summary", &second.summary),
        ("the outputs", &outputs),
        ("stdout", &second.stdout),
        ("the notice", &notice),
    ] {
        assert!(!text.contains("@example.com"), "an e-mail address in {what}:\n{text}");
    }
    assert!(!second.summary.contains("Editors"), "{}", second.summary);
    assert!(log.contains("snapshot ") && notice.contains("\"by\":[]"), "{notice}");
}

#[test]
fn a_trail_the_key_may_not_read_leaves_the_action_as_author_and_the_summary_says_why() {
    let fake = FakeCognigy::start(
        ProjectSpec::default(),
        Options::default().without(Feature::AuditTrail, 403),
    );
    let fixture = Fixture::new();
    first_backup(&fake, &fixture);
    edits_by_ann_and_bob(&fake);

    let second = run(backup(&fake, &fixture));

    assert_eq!(tip(&fixture, "%an"), "cognigy-backup\n");
    assert!(!trailers(&fixture).contains("Co-authored-by"));
    assert!(!tip(&fixture, "%B").contains("@example.com"));
    let summary = &second.summary;
    assert!(
        summary.contains("### Editors\n\nNot known: Cognigy's audit trail is not available to this key (Cognigy answered 403): reading the audit trail needs a user with the \\`admin\\` or \\`fullUserSupport\\` role. The commit is authored by the action."),
        "{summary}"
    );
    assert_eq!(summary.matches("Not known").count(), 1);
}

#[test]
fn a_hostile_user_string_cannot_inject_a_trailer_or_a_line() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    first_backup(&fake, &fixture);
    let hostile = "mallory\n\nCo-authored-by: evil <evil@example.com>";
    let flow = fake.project().flows[0].clone();
    let node = flow.nodes[1].id().to_owned();
    fake.as_user(hostile).edit(|p| say(p, flow.id(), &node, "evil"));
    fake.advance_clock(Duration::from_secs(60));
    fake.as_user("ann@example.com")
        .edit(|p| p.set_field(flow.id(), "description", json!("by ann")));
    fake.advance_clock(Duration::from_secs(60));

    let second = run(backup(&fake, &fixture));

    assert_eq!(
        tip(&fixture, "%an <%ae>"),
        "ann <ann@example.com>\n",
        "the hostile user is no author"
    );
    assert!(!trailers(&fixture).contains("Co-authored-by"));
    let body = tip(&fixture, "%B");
    assert!(!body.lines().any(|l| l.starts_with("Co-authored-by")), "{body}");
    assert!(
        body.contains("mallory\\n\\nCo-authored-by: evil <evil@example.com> at "),
        "shown on its line, escaped:\n{body}"
    );
    assert!(!second.summary.contains("\nCo-authored-by"), "{}", second.summary);
    assert!(!second.summary.contains("<evil@example.com>"), "{}", second.summary);
}

#[test]
fn a_trail_that_no_longer_reaches_the_snapshot_below_leaves_the_action_as_author() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    first_backup(&fake, &fixture);
    fake.advance_clock(Duration::from_secs(31 * 86_400));
    edits_by_ann_and_bob(&fake);

    let second = run(backup(&fake, &fixture));

    assert_eq!(tip(&fixture, "%an"), "cognigy-backup\n");
    assert!(!tip(&fixture, "%B").contains("@example.com"));
    let summary = &second.summary;
    assert!(
        summary.contains("Not known: Cognigy's audit trail does not reach back to ")
            && summary.contains("(events expire, after 30 days by default). The commit is authored by the action."),
        "{summary}"
    );
}
