//! The diff mode end to end, run as the runner runs it: the built binary against the fake Cognigy
//! server and a real `git http-backend`. Backups with edits in Cognigy between them make the
//! snapshots; a diff of two hourly snapshots (by id, by commit SHA, both directions), of a monthly
//! tag with the hourly tier's newest, and of a snapshot with the live project must show exactly
//! those edits, down to the fields and lines, in the summary and the JSON report, and send
//! Cognigy nothing that writes (between two snapshots: nothing at all). A selector that names no
//! snapshot fails listing what exists, before any request to Cognigy.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use serde_json::{Value, json};
use support::assert_code;
use support::cognigy::writes;
use support::git::{Fixture, git};
use support::runner::{Step, StepRun};

/// A backup that captures a new snapshot.
fn backup(fake: &FakeCognigy, fixture: &Fixture, now: &str) -> StepRun {
    let run = support::backup(fake, fixture, now);
    assert_eq!(run.outputs["changed"], "true", "backup at {now}");
    run
}

fn diff(fake: &FakeCognigy, fixture: &Fixture) -> Step {
    support::step("diff", fake, fixture).env("COGNIGY_BACKUP_NOW", "2026-11-23T12:00:00Z")
}

/// A diff between two snapshots needs no Cognigy inputs: they are left empty.
fn diff_of_snapshots(fake: &FakeCognigy, fixture: &Fixture, snapshot: &str, against: &str) -> StepRun {
    let run = diff(fake, fixture)
        .with("cognigy-base-url", "")
        .with("cognigy-api-key", "")
        .with("cognigy-project-id", "")
        .with("snapshot", snapshot)
        .with("against", against)
        .run();
    assert_code(&run, 0);
    run
}

fn report(run: &StepRun) -> Value {
    assert_eq!(run.outputs["report-file"], "cognigy-backup-diff.json");
    support::report::read(run)
}

/// `(kind, name, status)` of every resource in a diff's report, sorted.
fn resources(report: &Value) -> Vec<(String, String, String)> {
    support::report::resources(&report["comparison"])
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|(k, n, s)| (k.to_string(), n.to_string(), s.to_string()))
        .collect();
    out.sort();
    out
}

const SAID: &str = "Said after the first backup";
const KEYPHRASE: &str = "Keyphrase of the second edit";

/// The first edit: a node's text changes and a flow is added. Answers the edited flow's name.
fn first_edit(fake: &FakeCognigy) -> String {
    fake.edit(|p| {
        let primary = p.primary_locale_id().to_owned();
        let flow = p.flows[0].id().to_owned();
        let node = p.flows[0].nodes[1].doc["_id"].as_str().unwrap().to_owned();
        p.set_node_config(&flow, &node, &primary, json!({"say": {"text": [SAID]}}));
        p.add_flow("Added by the first edit", 2);
        p.flows[0].name().to_owned()
    })
}

/// The second edit: a keyphrase changes and a flow is deleted. Answers (lexicon, deleted flow).
fn second_edit(fake: &FakeCognigy) -> (String, String) {
    fake.edit(|p| {
        p.lexicons[0].keyphrases[0].value = KEYPHRASE.to_owned();
        let lexicon = p.lexicons[0].doc["name"].as_str().unwrap().to_owned();
        let deleted = (p.flows[1].id().to_owned(), p.flows[1].name().to_owned());
        p.remove_flow(&deleted.0);
        (lexicon, deleted.1)
    })
}

#[test]
fn two_hourly_snapshots_differ_by_the_edits_between_them_in_either_direction() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let a = backup(&fake, &fixture, "2026-11-22T08:00:00Z");
    let edited_flow = first_edit(&fake);
    let b = backup(&fake, &fixture, "2026-11-22T09:00:00Z");
    let (lexicon, deleted_flow) = second_edit(&fake);
    let c = backup(&fake, &fixture, "2026-11-22T10:00:00Z");
    fake.reset_log();

    // From the first to the second: the first edit only.
    let run = diff_of_snapshots(&fake, &fixture, "20261122T080000Z", "20261122T090000Z");
    assert_eq!(run.outputs["changes"], "2");
    assert_eq!(run.outputs["ok"], "false", "differences are reported, not failed");
    assert_eq!(run.outputs["changed"], "false");
    assert_eq!(run.outputs["snapshot-id"], "20261122T080000Z");
    assert_eq!(run.outputs["commit-sha"], a.outputs["commit-sha"]);
    let first = report(&run);
    assert_eq!(
        resources(&first),
        triples(&[
            ("flows", &edited_flow, "modified"),
            ("flows", "Added by the first edit", "added"),
        ])
    );
    assert_eq!(first["from"]["kind"], "snapshot");
    assert_eq!(first["from"]["snapshotId"], "20261122T080000Z");
    assert_eq!(first["from"]["place"], "snapshot/hourly");
    assert_eq!(first["to"]["snapshotId"], "20261122T090000Z");
    assert_eq!(first["to"]["commit"], b.outputs["commit-sha"].as_str());
    let text = first.to_string();
    assert!(text.contains(".config.say.text") && text.contains(SAID), "{text}");
    for shown in [
        "## Cognigy diff: 2 resources differ",
        "From snapshot `20261122T080000Z` (`snapshot/hourly`, commit",
        "to snapshot `20261122T090000Z`",
        "**In `20261122T090000Z`, not in `20261122T080000Z`**",
        "Added by the first edit",
        "**Changed from `20261122T080000Z` to `20261122T090000Z`**",
        "<details>",
        SAID,
        "Nothing was sent to Cognigy",
    ] {
        assert!(run.summary.contains(shown), "{shown:?} in:\n{}", run.summary);
    }

    // From the newest back to the first, selected by `latest` and by a commit SHA: both edits,
    // read backwards (the flow added since is not in the first, the deleted one only there).
    let short = &a.outputs["commit-sha"][..9];
    let run = diff_of_snapshots(&fake, &fixture, "latest", short);
    assert_eq!(run.outputs["snapshot-id"], "20261122T100000Z");
    assert_eq!(run.outputs["commit-sha"], c.outputs["commit-sha"]);
    let back = report(&run);
    assert_eq!(
        resources(&back),
        triples(&[
            ("flows", &edited_flow, "modified"),
            ("flows", "Added by the first edit", "removed"),
            ("flows", &deleted_flow, "added"),
            ("lexicons", &lexicon, "modified"),
        ])
    );
    assert_eq!(back["to"]["commit"], a.outputs["commit-sha"].as_str());
    assert!(back.to_string().contains(KEYPHRASE), "the keyphrase's lines");
    assert!(
        run.summary.contains("1 added, 1 removed, 2 modified"),
        "{}",
        run.summary
    );

    // `resources` narrows what is compared.
    let run = diff(&fake, &fixture)
        .with("snapshot", "20261122T080000Z")
        .with("against", "latest")
        .with("resources", "lexicons")
        .run();
    assert_code(&run, 0);
    assert_eq!(resources(&report(&run)), triples(&[("lexicons", &lexicon, "modified")]));

    // A snapshot with itself: nothing differs, `ok`.
    let same = diff_of_snapshots(&fake, &fixture, "latest", "20261122T100000Z");
    assert_eq!(same.outputs["ok"], "true");
    assert_eq!(same.outputs["changes"], "0");
    assert!(
        same.summary.contains("## Cognigy diff: no differences"),
        "{}",
        same.summary
    );

    assert!(
        fake.requests().is_empty(),
        "two snapshots are compared without Cognigy: {:?}",
        fake.requests()
    );
}

#[test]
fn a_monthly_tag_against_the_newest_hourly_snapshot() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, "2026-10-20T08:00:00Z");
    let edited_flow = first_edit(&fake);
    // The first run of November tags October's newest snapshot.
    backup(&fake, &fixture, "2026-11-02T08:00:00Z");
    assert!(
        fixture.server_ref("refs/tags/monthly-2026-10").is_some(),
        "promotion tagged October"
    );

    // `against: latest` with `tier` empty is the hourly tier's newest.
    let run = diff_of_snapshots(&fake, &fixture, "monthly-2026-10", "latest");
    let tagged = report(&run);
    assert_eq!(tagged["from"]["place"], "tag monthly-2026-10");
    assert_eq!(tagged["from"]["snapshotId"], "20261020T080000Z");
    assert_eq!(tagged["to"]["snapshotId"], "20261102T080000Z");
    assert_eq!(tagged["to"]["place"], "snapshot/hourly");
    assert_eq!(
        resources(&tagged),
        triples(&[
            ("flows", &edited_flow, "modified"),
            ("flows", "Added by the first edit", "added"),
        ])
    );
    assert!(
        run.summary
            .contains("From snapshot `20261020T080000Z` (`tag monthly-2026-10`"),
        "{}",
        run.summary
    );

    // `tier: monthly` makes `latest` the newest tag, on either side.
    let run = diff(&fake, &fixture)
        .with("tier", "monthly")
        .with("snapshot", "20261102T080000Z")
        .with("against", "latest")
        .run();
    assert_code(&run, 0);
    let back = report(&run);
    assert_eq!(back["to"]["place"], "tag monthly-2026-10");
    assert_eq!(
        resources(&back),
        triples(&[
            ("flows", &edited_flow, "modified"),
            ("flows", "Added by the first edit", "removed"),
        ])
    );
}

#[test]
fn a_snapshot_against_the_live_project_shows_the_edits_since_and_sends_only_reads() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, "2026-11-22T08:00:00Z");

    // Unchanged: nothing differs.
    let run = diff(&fake, &fixture).run();
    assert_code(&run, 0);
    assert_eq!(run.outputs["ok"], "true", "{}", run.summary);
    assert_eq!(run.outputs["changes"], "0");

    let edited_flow = first_edit(&fake);
    let (lexicon, deleted_flow) = second_edit(&fake);
    fake.reset_log();
    let run = diff(&fake, &fixture).run();
    assert_code(&run, 0);
    assert_eq!(writes(&fake.requests()), Vec::<String>::new(), "a diff only reads");
    assert!(!fake.requests().is_empty(), "the live project was exported");
    assert_eq!(run.outputs["ok"], "false");
    assert_eq!(run.outputs["changes"], "4");
    let live = report(&run);
    assert_eq!(live["to"], json!({"kind": "live", "projectId": fake.project_id()}));
    assert_eq!(
        resources(&live),
        triples(&[
            ("flows", &edited_flow, "modified"),
            ("flows", "Added by the first edit", "added"),
            ("flows", &deleted_flow, "removed"),
            ("lexicons", &lexicon, "modified"),
        ])
    );
    let text = live.to_string();
    assert!(text.contains(SAID) && text.contains(KEYPHRASE), "{text}");
    for shown in [
        "to the live project".to_owned(),
        format!("`{}`", fake.project_id()),
        "**In the live project, not in `20261122T080000Z`**".to_owned(),
        "**Changed from `20261122T080000Z` to the live project**".to_owned(),
        deleted_flow.clone(),
        "Only reads were sent to Cognigy".to_owned(),
    ] {
        assert!(run.summary.contains(&shown), "{shown:?} in:\n{}", run.summary);
    }
    assert_eq!(
        fixture.server_ref("snapshot/hourly").as_deref(),
        Some(live["from"]["commit"].as_str().unwrap()),
        "nothing was pushed"
    );
}

#[test]
fn selectors_that_name_no_snapshot_fail_listing_what_exists_before_any_request() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, "2026-11-22T08:00:00Z");
    first_edit(&fake);
    backup(&fake, &fixture, "2026-11-22T09:00:00Z");
    fake.reset_log();

    for (snapshot, against, asked) in [
        ("20261122T070000Z", "", "snapshot `20261122T070000Z`: no tier holds it"),
        ("latest", "monthly-2026-10", "tag `monthly-2026-10`: it does not exist"),
        ("latest", "abcdef0", "commit `abcdef0`: no snapshot commit has it"),
    ] {
        let run = diff(&fake, &fixture)
            .with("snapshot", snapshot)
            .with("against", against)
            .run();
        assert_code(&run, 1);
        let error = &run.error().message;
        assert!(error.contains(asked), "{error}");
        assert!(
            error.contains("20261122T090000Z") && error.contains("20261122T080000Z"),
            "lists what exists: {error}"
        );
    }
    // A value no selector accepts is an input error naming `against`.
    let run = diff(&fake, &fixture).with("against", "yesterday").run();
    assert_code(&run, 2);
    let error = &run.error().message;
    assert!(
        error.contains("input `against` is \"yesterday\"") && error.contains("monthly-YYYY-MM"),
        "{error}"
    );
    // Against the live project, the Cognigy inputs are needed.
    let run = diff(&fake, &fixture).with("cognigy-project-id", "").run();
    assert_code(&run, 2);
    let error = &run.error().message;
    assert!(
        error.contains("input `cognigy-project-id`") && error.contains("set `against` to compare two snapshots"),
        "{error}"
    );

    assert!(
        fake.requests().is_empty(),
        "nothing was asked of Cognigy: {:?}",
        fake.requests()
    );
}

#[test]
fn a_snapshot_that_does_not_match_its_manifest_is_not_compared() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    backup(&fake, &fixture, "2026-11-22T08:00:00Z");
    first_edit(&fake);
    backup(&fake, &fixture, "2026-11-22T09:00:00Z");
    // The newest snapshot's keyphrases are edited behind its manifest's back.
    let file = fixture.tamper("snapshot/hourly", |clone| {
        let file = git(clone, &["ls-files", "project/lexicons"])
            .lines()
            .find(|l| l.ends_with("keyphrases.csv"))
            .unwrap()
            .to_owned();
        std::fs::write(clone.join(&file), "tampered,PRODUCT,,{}\n").unwrap();
        file
    });
    fake.reset_log();

    for against in ["latest", ""] {
        let run = diff(&fake, &fixture)
            .with(
                "snapshot",
                if against.is_empty() {
                    "latest"
                } else {
                    "20261122T080000Z"
                },
            )
            .with("against", against)
            .run();
        assert_code(&run, 1);
        let error = &run.error().message;
        assert!(
            error.contains("20261122T090000Z")
                && error.contains("does not match its manifest")
                && error.contains(&file),
            "{error}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}
