//! Native snapshot capture against the fake Cognigy server: the right bytes, nothing of ours left
//! behind and nothing foreign touched, download quirks ridden out, the cap of 10 respected, a failed
//! creating POST never doubled, and a failed packaging task reported and cleaned up.

mod support;

use cognigy_backup_action::cognigy::native::{Capture, NAME_PREFIX, capture, delete, list};
use cognigy_backup_testkit::fake_cognigy::{
    FakeCognigy, Fault, MAX_SNAPSHOTS, Options, ProjectSpec, RequestRecord, TaskFailure,
};
use support::cognigy::client;

const NAME: &str = "cognigy-backup-2026-11-22T07-37-00Z";
const FOREIGN: &str = "Before the big release";

fn start(options: Options) -> FakeCognigy {
    FakeCognigy::start(ProjectSpec::default(), options)
}

async fn captured(fake: &FakeCognigy) -> Vec<u8> {
    match capture(&client(fake), NAME, "backup").await.unwrap() {
        Capture::Captured(bytes) => bytes,
        other => panic!("expected a capture, got {other:?}"),
    }
}

/// The requests of `fake` with `method` whose path ends with `suffix`.
fn requests(fake: &FakeCognigy, method: &str, suffix: &str) -> Vec<RequestRecord> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_capture_gives_the_package_and_deletes_only_its_own_snapshot() {
    let fake = start(Options::default());
    fake.seed_snapshot(FOREIGN);
    let bytes = captured(&fake).await;
    assert_eq!(
        bytes,
        fake.snapshot_bytes_now(),
        "the downloaded package is the project's"
    );
    assert_eq!(fake.snapshot_names(), [FOREIGN], "ours is gone, the foreign one stays");
    assert_eq!(requests(&fake, "POST", "/snapshots").len(), 1, "created once");
    assert_eq!(
        fake.requests().iter().filter(|r| r.method == "DELETE").count(),
        1,
        "one DELETE, of ours"
    );
    let listed = list(&client(&fake)).await.unwrap();
    assert!(listed.iter().all(|s| !s.name.starts_with(NAME_PREFIX)), "{listed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn placeholder_and_cut_short_downloads_are_tried_again() {
    for (placeholders, cut_shorts) in [(1, 0), (0, 1), (1, 1)] {
        let fake = start(Options {
            snapshot_placeholder_downloads: placeholders,
            snapshot_cut_short_downloads: cut_shorts,
            ..Options::default()
        });
        let bytes = captured(&fake).await;
        assert_eq!(
            bytes,
            fake.snapshot_bytes_now(),
            "{placeholders} placeholder(s), {cut_shorts} cut short"
        );
        let downloads = fake
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/downloads/"))
            .count();
        assert_eq!(
            downloads as u32,
            1 + placeholders + cut_shorts,
            "one download per quirk, plus the good one"
        );
        assert!(fake.snapshot_names().is_empty(), "ours was deleted");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn at_the_cap_nothing_is_created_and_nothing_deleted() {
    let fake = start(Options::default());
    let foreign: Vec<String> = (0..MAX_SNAPSHOTS).map(|i| format!("Release {i}")).collect();
    for name in &foreign {
        fake.seed_snapshot(name);
    }
    let outcome = capture(&client(&fake), NAME, "backup").await.unwrap();
    assert!(
        matches!(outcome, Capture::CapReached { existing } if existing == MAX_SNAPSHOTS),
        "{outcome:?}"
    );
    assert_eq!(fake.snapshot_names(), foreign);
    let writes: Vec<_> = fake.requests().into_iter().filter(|r| r.method != "GET").collect();
    assert!(writes.is_empty(), "no create, no delete: {writes:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_creating_post_is_looked_up_before_it_is_sent_again() {
    // Matches the first POST whose path contains `/snapshots`: the create, answered before it acts.
    let fake = start(Options {
        faults: vec![Fault::status("POST", "/snapshots", 503)],
        ..Options::default()
    });
    let bytes = captured(&fake).await;
    assert_eq!(bytes, fake.snapshot_bytes_now());
    let log = fake.requests();
    let creates: Vec<usize> = (0..log.len())
        .filter(|&i| log[i].method == "POST" && log[i].path.ends_with("/snapshots"))
        .collect();
    assert_eq!(
        creates.iter().map(|&i| log[i].status).collect::<Vec<_>>(),
        [503, 200],
        "one refused, one that created"
    );
    let looked_up = log[creates[0]..creates[1]]
        .iter()
        .any(|r| r.method == "GET" && r.path.ends_with("/snapshots"));
    assert!(
        looked_up,
        "the snapshot was looked up before the POST was sent again: {log:#?}"
    );
    assert!(fake.snapshot_names().is_empty(), "the one snapshot created was deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_packaging_task_fails_with_its_reason_and_the_snapshot_is_still_deleted() {
    let fake = start(Options {
        task_failures: vec![TaskFailure::error(
            "packageSnapshot",
            "Packaging ran out of disk space.",
        )],
        ..Options::default()
    });
    let error = capture(&client(&fake), NAME, "backup").await.unwrap_err().to_string();
    assert!(error.contains("Packaging ran out of disk space."), "{error}");
    assert!(error.contains(NAME), "the message names the snapshot: {error}");
    assert_eq!(requests(&fake, "POST", "/snapshots").len(), 1);
    assert_eq!(fake.requests().iter().filter(|r| r.method == "DELETE").count(), 1);
    assert!(fake.snapshot_names().is_empty(), "the snapshot created was deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_not_made_by_this_tool_is_never_deleted() {
    let fake = start(Options::default());
    let id = fake.seed_snapshot(FOREIGN);
    let client = client(&fake);
    let refused = tokio::spawn(async move { delete(&client, FOREIGN, &id).await })
        .await
        .unwrap_err();
    assert!(refused.is_panic(), "deleting a foreign snapshot is refused");
    assert!(fake.requests().is_empty(), "before any request was sent");
    assert_eq!(fake.snapshot_names(), [FOREIGN]);
}
