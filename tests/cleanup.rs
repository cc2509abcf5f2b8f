//! The cleanup mode, run as the runner runs it: it enforces lowered keeps, deletes only this tool's
//! Cognigy-side snapshots older than an hour, and reports each tier's span and the data's size.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use support::git::{Fixture, git};
use support::runner::{Step, StepRun};
use time::format_description::well_known::Rfc3339;

fn step(mode: &str, fake: &FakeCognigy, fixture: &Fixture, now: &str) -> Step {
    support::step(mode, fake, fixture)
        .with("native-snapshot", "off")
        .env("COGNIGY_BACKUP_NOW", now)
}

fn assert_ok(run: &StepRun) {
    assert_eq!(run.code, Some(0), "stdout:\n{}", run.stdout);
}

fn count(fixture: &Fixture, branch: &str) -> usize {
    git(&fixture.repo, &["rev-list", "--count", branch])
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn lowered_keeps_are_enforced_with_a_parentless_root_and_the_spans_reported() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    for (day, hour) in [(21, 8), (21, 9), (22, 8), (22, 9), (23, 8)] {
        fake.edit(|p| p.add_lexicon(&format!("day {day} hour {hour}"), 1));
        assert_ok(&step("backup", &fake, &fixture, &format!("2026-11-{day}T{hour:02}:07:00Z")).run());
    }
    assert_eq!(
        (count(&fixture, "snapshot/hourly"), count(&fixture, "snapshot/daily")),
        (5, 3)
    );
    let kept_subjects = git(&fixture.repo, &["log", "-2", "--format=%s %aI", "snapshot/hourly"]);

    let run = step("cleanup", &fake, &fixture, "2026-11-23T09:00:00Z")
        .with("keep-hourly", "2")
        .with("keep-daily", "1")
        .run();
    assert_ok(&run);
    assert_eq!(run.outputs["tiers-updated"], "hourly,daily");
    assert_eq!(
        (count(&fixture, "snapshot/hourly"), count(&fixture, "snapshot/daily")),
        (2, 1)
    );
    assert_eq!(
        git(&fixture.repo, &["log", "--format=%s %aI", "snapshot/hourly"]),
        kept_subjects,
        "messages and dates kept"
    );
    let root = git(&fixture.repo, &["rev-list", "--max-parents=0", "snapshot/hourly"]);
    assert_eq!(root.lines().count(), 1);
    assert!(
        run.summary
            .contains("| `snapshot/hourly` | 2 | 2026-11-22T09:07:00Z | 2026-11-23T08:07:00Z |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("git objects"), "{}", run.summary);
    fixture.assert_fsck_clean();

    let again = step("cleanup", &fake, &fixture, "2026-11-23T09:30:00Z")
        .with("keep-hourly", "2")
        .with("keep-daily", "1")
        .run();
    assert_ok(&again);
    assert_eq!(again.outputs["tiers-updated"], "", "a second cleanup changes nothing");
}

#[test]
fn only_this_tools_cognigy_snapshots_older_than_an_hour_are_deleted() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    for name in [
        "cognigy-backup-20261101T000700Z",
        "Release 1",
        "cognigy-backup-notes",
        "cognigy-backup-20261101T003700Z",
    ] {
        fake.seed_snapshot(name);
    }
    let now = time::OffsetDateTime::now_utc();
    let at = |minutes: i64| (now + time::Duration::minutes(minutes)).format(&Rfc3339).unwrap();

    let early = step("cleanup", &fake, &fixture, &at(30)).run();
    assert_ok(&early);
    assert_eq!(fake.snapshot_names().len(), 4, "none is an hour old yet");
    assert!(
        early.summary.contains("No Cognigy-side snapshot was left behind"),
        "{}",
        early.summary
    );

    let later = step("cleanup", &fake, &fixture, &at(90)).run();
    assert_ok(&later);
    assert_eq!(
        fake.snapshot_names(),
        ["Release 1", "cognigy-backup-notes"],
        "foreign and non-matching names stay"
    );
    assert!(
        later.summary.contains("Deleted 2 Cognigy-side snapshot(s)"),
        "{}",
        later.summary
    );
}
