//! The backup mode end to end, run as the runner runs it: the built binary against the fake
//! Cognigy server and a real `git http-backend` with Basic auth.

mod support;

use cognigy_backup_action::snapshot::manifest;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Fault, Kind, Options, ProjectSpec};
use support::git::{Fixture, TOKEN, git};
use support::runner::{Step, StepRun};

const HOURLY: &str = "snapshot/hourly";

fn backup(fake: &FakeCognigy, fixture: &Fixture, now: &str) -> Step {
    support::step("backup", fake, fixture)
        .with("concurrency", "8")
        .env("COGNIGY_BACKUP_NOW", now)
}

fn assert_ok(run: &StepRun) {
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

/// `(sha, subject)` of the branch's commits, newest first.
fn log(fixture: &Fixture, branch: &str) -> Vec<(String, String)> {
    git(&fixture.repo, &["log", "--format=%H %s", branch])
        .lines()
        .map(|l| {
            let (sha, subject) = l.split_once(' ').unwrap();
            (sha.to_owned(), subject.to_owned())
        })
        .collect()
}

#[test]
fn a_first_backup_commits_the_snapshot_and_an_unchanged_run_pushes_nothing() {
    let fake = FakeCognigy::start(ProjectSpec::hard(), Options::default());
    let fixture = Fixture::new();

    let first = backup(&fake, &fixture, "2026-11-22T07:37:00Z").run();
    assert_ok(&first);
    assert_eq!(first.outputs["changed"], "true");
    assert_eq!(first.outputs["snapshot-id"], "20261122T073700Z");
    assert_eq!(
        first.outputs["tiers-updated"], "hourly,daily,weekly",
        "promote is on by default"
    );
    assert_eq!(fixture.server_ref("snapshot/daily"), fixture.server_ref(HOURLY));
    assert_eq!(fixture.server_ref("snapshot/weekly"), fixture.server_ref(HOURLY));
    assert!(first.outputs["files-changed"].parse::<usize>().unwrap() > 50);
    let tip = fixture.server_ref(HOURLY).expect("the hourly branch exists");
    assert_eq!(first.outputs["commit-sha"], tip);
    assert!(first.summary.contains("new snapshot `20261122T073700Z`") && first.summary.contains("### Resources"));
    fixture.assert_fsck_clean();

    // The branch holds exactly the snapshot: every file listed in the manifest with its digest.
    let files = fixture.tip_files(HOURLY);
    assert_eq!(manifest::verify(&files), vec![], "the manifest matches the tree");
    assert_eq!(
        files["native/project.csnap"],
        fake.snapshot_bytes_now(),
        "the native snapshot is in the commit"
    );
    fixture.assert_clone_holds(HOURLY, &files);
    assert!(
        fake.snapshot_names().is_empty(),
        "the Cognigy-side snapshot was deleted again"
    );
    let commits = log(&fixture, HOURLY);
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0].1, "snapshot 20261122T073700Z");
    let author = git(&fixture.repo, &["log", "-1", "--format=%an <%ae> %aI %cI", HOURLY]);
    assert_eq!(
        author.trim(),
        "cognigy-backup <cognigy-backup@users.noreply.github.com> 2026-11-22T07:37:00Z 2026-11-22T07:37:00Z"
    );

    fake.reset_log();
    fixture.server.reset_bytes_received();
    let second = backup(&fake, &fixture, "2026-11-22T08:07:00Z").run();
    assert_ok(&second);
    assert_eq!(second.outputs["changed"], "false");
    assert_eq!(second.outputs["snapshot-id"], "20261122T073700Z");
    assert_eq!(second.outputs["commit-sha"], tip);
    assert_eq!(second.outputs["files-changed"], "0");
    assert_eq!(fixture.server_ref(HOURLY).unwrap(), tip);
    assert_eq!(
        fixture.server.bytes_received("git-receive-pack"),
        0,
        "nothing was pushed"
    );
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/snapshots")),
        "no native capture"
    );
    assert!(second.summary.contains("no change"));
}

#[test]
fn a_change_appends_a_commit_that_names_it_and_retention_re_roots_the_branch() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let keep2 = |now: &str| {
        backup(&fake, &fixture, now)
            .with("keep-hourly", "2")
            .with("native-snapshot", "off")
    };
    assert_ok(&keep2("2026-11-22T07:07:00Z").run());

    let flow_name = fake.edit(|p| {
        let flow = &p.flows[1];
        let (flow_id, node_id, locale) = (
            flow.id().to_owned(),
            flow.nodes[1].id().to_owned(),
            p.primary_locale_id().to_owned(),
        );
        p.set_node_config(
            &flow_id,
            &node_id,
            &locale,
            serde_json::json!({"say": {"text": ["Changed by a test"]}}),
        );
        p.flows[1].name().to_owned()
    });
    let second = keep2("2026-11-22T07:37:00Z").run();
    assert_ok(&second);
    assert_eq!(second.outputs["changed"], "true");
    assert_eq!(second.outputs["files-changed"], "1");
    let body = git(&fixture.repo, &["log", "-1", "--format=%B", HOURLY]);
    assert!(body.starts_with("snapshot 20261122T073700Z\n"), "{body}");
    assert!(body.contains("Modified:") && body.contains(&flow_name), "{body}");
    assert!(second.summary.contains(&flow_name));

    fake.edit(|p| p.add_lexicon("Added later", 3));
    assert_ok(&keep2("2026-11-22T08:07:00Z").run());
    let commits = log(&fixture, HOURLY);
    assert_eq!(
        commits.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
        ["snapshot 20261122T080700Z", "snapshot 20261122T073700Z"],
        "keep-hourly=2 keeps the newest two"
    );
    let root_parents = git(&fixture.repo, &["log", "-1", "--format=%P", &commits[1].0]);
    assert_eq!(root_parents.trim(), "", "the oldest kept commit is a root");
    fixture.assert_fsck_clean();
}

#[test]
fn native_snapshot_daily_takes_one_csnap_a_utc_day_even_once_the_first_is_pruned() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    // Each run follows an edit, so each makes a new snapshot; keep-hourly=2 prunes the day's first
    // (the one with the .csnap) by the third change of the day.
    let runs = [
        ("2026-11-22T07:07:00Z", true),
        ("2026-11-22T07:37:00Z", false),
        ("2026-11-22T12:07:00Z", false),
        ("2026-11-22T23:37:00Z", false),
        ("2026-11-23T00:07:00Z", true),
        ("2026-11-23T00:37:00Z", false),
    ];
    for (n, (now, with_native)) in runs.into_iter().enumerate() {
        fake.edit(|p| p.add_lexicon(&format!("Lexicon {n}"), 1));
        fake.reset_log();
        let run = backup(&fake, &fixture, now)
            .with("keep-hourly", "2")
            .with("native-snapshot", "daily")
            .run();
        assert_ok(&run);
        assert_eq!(run.outputs["changed"], "true", "{now}");
        let captures = fake
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/snapshots"))
            .count();
        assert_eq!(captures, usize::from(with_native), "native captures at {now}");
        let files = fixture.tip_files(HOURLY);
        assert_eq!(files.contains_key("native/project.csnap"), with_native, "{now}");
        assert_eq!(manifest::verify(&files), vec![], "{now}");
    }
}

#[test]
fn a_failed_export_pushes_nothing_and_names_the_request() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    assert_ok(
        &backup(&fake, &fixture, "2026-11-22T07:07:00Z")
            .with("native-snapshot", "off")
            .run(),
    );
    let before = fixture.server_ref(HOURLY);
    // A 404 is not retried, so the failure comes at once; persistent 5xx after retries are proven
    // in-process (tests/export.rs), where retries can be made quick.
    fake.add_fault(Fault::status("GET", "/lexicons/", 404).always());
    fake.edit(|p| p.add_lexicon("Never backed up", 1));
    let failed = backup(&fake, &fixture, "2026-11-22T07:37:00Z").run();
    assert_eq!(failed.code, Some(1));
    let error = failed.error();
    assert!(
        error.message.contains("404") && error.message.contains("GET /new/v2.0/lexicons/"),
        "{}",
        error.message
    );
    assert_eq!(failed.outputs["changed"], "false");
    assert!(failed.summary.contains("Nothing was committed or pushed"));
    assert_eq!(fixture.server_ref(HOURLY), before, "the remote is untouched");
}

#[test]
fn a_connection_dropped_in_the_middle_of_the_pack_leaves_the_remote_as_it_was() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    assert_ok(&backup(&fake, &fixture, "2026-11-22T07:07:00Z").run());
    let before = fixture.server_ref(HOURLY);
    fake.edit(|p| p.add_lexicon("Pushed on the second try", 40));
    fixture.server.drop_receive_pack_after(Some(600));
    let dropped = backup(&fake, &fixture, "2026-11-22T07:37:00Z").run();
    assert_eq!(dropped.code, Some(1), "{}", dropped.stdout);
    assert_eq!(fixture.server_ref(HOURLY), before);
    fixture.assert_fsck_clean();
    fixture.server.drop_receive_pack_after(None);
    let retried = backup(&fake, &fixture, "2026-11-22T08:07:00Z").run();
    assert_ok(&retried);
    assert_eq!(retried.outputs["changed"], "true");
    assert_eq!(log(&fixture, HOURLY).len(), 2);
    fixture.assert_fsck_clean();
}

#[test]
fn two_runs_at_once_both_land_in_capture_order() {
    let fixture = Fixture::new();
    let fakes: Vec<FakeCognigy> = (0..2)
        .map(|seed| {
            let options = Options {
                latency: std::time::Duration::from_millis(5),
                ..Options::default()
            };
            FakeCognigy::start(
                ProjectSpec {
                    seed: 100 + seed,
                    ..ProjectSpec::default()
                },
                options,
            )
        })
        .collect();
    for round in 0..3 {
        let times = [
            format!("2026-11-2{}T07:07:00Z", 2 + round),
            format!("2026-11-2{}T07:37:00Z", 2 + round),
        ];
        fakes[0].edit(|p| p.add_lexicon(&format!("round {round}"), 1));
        fakes[1].edit(|p| p.add_lexicon(&format!("round {round}"), 1));
        let runs: Vec<StepRun> = std::thread::scope(|s| {
            let handles: Vec<_> = fakes
                .iter()
                .zip(&times)
                .map(|(fake, now)| {
                    let step = backup(fake, &fixture, now)
                        .with("keep-hourly", "50")
                        .with("native-snapshot", "off");
                    s.spawn(move || step.run())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for run in &runs {
            assert_ok(run);
            assert_eq!(run.outputs["changed"], "true");
        }
    }
    let subjects: Vec<String> = log(&fixture, HOURLY).into_iter().map(|(_, s)| s).rev().collect();
    let expected: Vec<String> = (0..3)
        .flat_map(|round| {
            [
                format!("snapshot 2026112{}T070700Z", 2 + round),
                format!("snapshot 2026112{}T073700Z", 2 + round),
            ]
        })
        .collect();
    assert_eq!(subjects, expected, "every snapshot is there, oldest first, none lost");
    fixture.assert_fsck_clean();
}

#[test]
fn no_secret_reaches_the_repository_or_the_logs() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    for log_format in ["text", "json"] {
        fake.edit(|p| p.add_lexicon(log_format, 1));
        let run = backup(
            &fake,
            &fixture,
            if log_format == "text" {
                "2026-11-22T07:07:00Z"
            } else {
                "2026-11-22T07:37:00Z"
            },
        )
        .with("log-format", log_format)
        .run();
        assert_ok(&run);
        let shown: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        for secret in [TOKEN, fake.api_key()] {
            for (what, text) in [
                ("log", &shown),
                ("stderr", &run.stderr),
                ("outputs", &run.output_file),
                ("summary", &run.summary),
            ] {
                assert!(!text.contains(secret), "{what} holds a secret ({log_format})");
            }
        }
    }
    let objects = std::process::Command::new("git")
        .args(["cat-file", "--batch-all-objects", "--batch"])
        .current_dir(&fixture.repo)
        .output()
        .unwrap();
    assert!(objects.status.success() && objects.stdout.len() > 1000);
    let objects = String::from_utf8_lossy(&objects.stdout);
    let mut secrets = vec![TOKEN.to_owned(), fake.api_key().to_owned()];
    for connection in fake.project().items(Kind::Connection) {
        secrets.extend(
            connection["fields"]
                .as_object()
                .unwrap()
                .values()
                .filter_map(|v| v.as_str())
                .map(str::to_owned),
        );
    }
    for secret in secrets {
        assert!(!objects.contains(&secret), "the repository holds a secret");
    }
}
