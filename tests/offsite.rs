//! Offsite copies (`object-store-url`) end to end: the built binary backs up the fake Cognigy
//! project to a real `git http-backend` and copies each new snapshot to moto, a real S3-compatible
//! server started by the test, read back here with the same S3 protocol.

mod support;

use std::collections::BTreeMap;
use std::io::Read as _;

use cognigy_backup_action::snapshot::{Files, manifest};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::moto_server::MotoServer;
use futures_util::TryStreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _};
use support::git::Fixture;
use support::runner::{Step, StepRun};

const HOURLY: &str = "snapshot/hourly";
/// The secret key the runs get: it must never show.
const SECRET: &str = "moto-canary-secret-9f3a1c7e5b";
const PREFIX: &str = "cognigy/project-a";

fn backup(fake: &FakeCognigy, fixture: &Fixture, endpoint: &str, now: &str) -> Step {
    support::step("backup", fake, fixture)
        .with("native-snapshot", "off")
        .with("object-store-url", format!("s3://backups/{PREFIX}"))
        .with("object-store-endpoint", endpoint)
        .env("COGNIGY_BACKUP_NOW", now)
        .env("AWS_ACCESS_KEY_ID", "AKIAOFFSITETEST00001")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
}

fn assert_ok(run: &StepRun) {
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_no_secret(run);
}

/// The secret key is masked, and shows nowhere else: the `::add-mask::` command is the one place
/// it may stand (the runner consumes it and never shows it).
fn assert_no_secret(run: &StepRun) {
    assert!(
        run.masks.iter().any(|m| m == SECRET),
        "the secret key is masked: {:?}",
        run.masks
    );
    let shown: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
    let metrics = String::from_utf8(run.workspace_file("cognigy-backup-metrics.json").unwrap_or_default()).unwrap();
    for (what, text) in [
        ("stdout", &shown),
        ("stderr", &run.stderr),
        ("summary", &run.summary),
        ("outputs", &run.output_file),
        ("metrics", &metrics),
    ] {
        assert!(!text.contains(SECRET), "the secret key is in {what}:\n{text}");
    }
}

/// The bucket as the test reads it.
struct Bucket {
    store: Box<dyn ObjectStore>,
    runtime: tokio::runtime::Runtime,
}

impl Bucket {
    fn new(moto: &MotoServer) -> Bucket {
        cognigy_backup_action::tls::install();
        let store = AmazonS3Builder::new()
            .with_bucket_name(moto.bucket())
            .with_endpoint(moto.endpoint())
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("test")
            .with_secret_access_key("test")
            .build()
            .unwrap();
        Bucket {
            store: Box::new(store),
            runtime: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    /// Every object (name -> its last modification, as text), names relative to the bucket.
    fn objects(&self) -> BTreeMap<String, String> {
        self.runtime.block_on(async {
            let listed: Vec<_> = self.store.list(None).try_collect().await.unwrap();
            listed
                .into_iter()
                .map(|o| (o.location.to_string(), format!("{} {}", o.last_modified, o.size)))
                .collect()
        })
    }

    fn get(&self, name: &str) -> Vec<u8> {
        self.runtime.block_on(async {
            let got = self.store.get(&Path::from(name)).await.unwrap();
            got.bytes().await.unwrap().to_vec()
        })
    }
}

/// The files of a `.tar.gz`, each under `top/`.
fn untar(bytes: &[u8], top: &str) -> Files {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files = Files::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_str().unwrap().to_owned();
        let path = path
            .strip_prefix(&format!("{top}/"))
            .expect("under the top folder")
            .to_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        files.insert(path, content);
    }
    files
}

fn names(ids: &[&str]) -> Vec<String> {
    ids.iter()
        .flat_map(|id| {
            [
                format!("{PREFIX}/{id}.backup-metadata.json"),
                format!("{PREFIX}/{id}.tar.gz"),
            ]
        })
        .collect()
}

fn change(fake: &FakeCognigy, n: usize) {
    fake.edit(|p| p.add_lexicon(&format!("Offsite lexicon {n}"), 1));
}

#[test]
fn a_new_snapshot_is_copied_with_its_manifest_and_an_unchanged_run_uploads_nothing() {
    let Some(moto) = MotoServer::start("backups") else {
        return;
    };
    let bucket = Bucket::new(&moto);
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();

    let first = backup(&fake, &fixture, &moto.endpoint(), "2026-11-22T07:37:00Z").run();
    assert_ok(&first);
    let id = "20261122T073700Z";
    assert_eq!(first.outputs["snapshot-id"], id);
    let objects = bucket.objects();
    assert_eq!(objects.keys().cloned().collect::<Vec<_>>(), names(&[id]));

    // The archive holds exactly the pushed snapshot, the manifest is the snapshot's.
    let pushed = fixture.tip_files(HOURLY);
    let archive = bucket.get(&format!("{PREFIX}/{id}.tar.gz"));
    assert_eq!(untar(&archive, id), pushed);
    let manifest_bytes = bucket.get(&format!("{PREFIX}/{id}.backup-metadata.json"));
    assert_eq!(manifest_bytes, pushed[manifest::PATH]);
    assert_eq!(manifest::verify(&untar(&archive, id)), vec![]);
    let uploaded = archive.len() + manifest_bytes.len();
    assert!(
        first.summary.contains(&format!(
            "Offsite: uploaded `{id}.tar.gz` ({uploaded} bytes), kept 1, removed 0."
        )),
        "{}",
        first.summary
    );
    let metrics: serde_json::Value =
        serde_json::from_slice(&first.workspace_file("cognigy-backup-metrics.json").unwrap()).unwrap();
    assert_eq!(
        metrics["offsite"],
        serde_json::json!({"uploaded_bytes": uploaded, "kept": 1, "removed": 0})
    );

    let second = backup(&fake, &fixture, &moto.endpoint(), "2026-11-22T08:07:00Z").run();
    assert_ok(&second);
    assert_eq!(second.outputs["changed"], "false");
    assert_eq!(bucket.objects(), objects, "nothing uploaded again, nothing touched");
    assert!(
        second
            .summary
            .contains(&format!("Offsite: `{id}.tar.gz` already there, kept 1, removed 0."))
    );
}

#[test]
fn keep_offsite_keeps_the_newest_snapshots() {
    let Some(moto) = MotoServer::start("backups") else {
        return;
    };
    let bucket = Bucket::new(&moto);
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    // Something else under the prefix is never touched.
    bucket.runtime.block_on(async {
        let notes = Path::from(format!("{PREFIX}/notes.txt"));
        bucket.store.put(&notes, b"ours".to_vec().into()).await.unwrap();
    });

    let times = ["07:07", "07:37", "08:07", "08:37"];
    for (n, time) in times.iter().enumerate() {
        change(&fake, n);
        let run = backup(&fake, &fixture, &moto.endpoint(), &format!("2026-11-22T{time}:00Z"))
            .with("keep-offsite", "2")
            .run();
        assert_ok(&run);
        assert_eq!(run.outputs["changed"], "true");
        let removed = usize::from(n >= 2);
        assert!(
            run.summary
                .contains(&format!("kept {}, removed {removed}.", (n + 1).min(2))),
            "{}",
            run.summary
        );
    }
    let mut expected = names(&["20261122T080700Z", "20261122T083700Z"]);
    expected.insert(0, format!("{PREFIX}/notes.txt"));
    expected.sort();
    assert_eq!(bucket.objects().keys().cloned().collect::<Vec<_>>(), expected);
    let newest = bucket.get(&format!("{PREFIX}/20261122T083700Z.tar.gz"));
    assert_eq!(untar(&newest, "20261122T083700Z"), fixture.tip_files(HOURLY));
}

#[test]
fn an_unreachable_store_is_a_warning_and_the_next_run_uploads_the_missing_snapshot() {
    let Some(moto) = MotoServer::start("backups") else {
        return;
    };
    let bucket = Bucket::new(&moto);
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    // A port nothing listens on: the object store is down.
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port())
    };

    let failed = backup(&fake, &fixture, &down, "2026-11-22T07:37:00Z").run();
    assert_ok(&failed);
    assert_eq!(failed.outputs["changed"], "true", "the backup itself succeeded");
    assert!(fixture.server_ref(HOURLY).is_some(), "and was pushed");
    let warning = failed
        .annotations
        .iter()
        .find(|a| a.level == "warning")
        .expect("a warning");
    assert_eq!(warning.properties["title"], "Offsite copy failed");
    assert!(
        warning
            .message
            .contains("the snapshot was pushed, but its copy to s3://backups/cognigy/project-a failed"),
        "{}",
        warning.message
    );
    assert!(failed.summary.contains("Offsite: the copy to"), "{}", failed.summary);
    assert!(bucket.objects().is_empty());

    let next = backup(&fake, &fixture, &moto.endpoint(), "2026-11-22T08:07:00Z").run();
    assert_ok(&next);
    assert_eq!(next.outputs["changed"], "false");
    assert!(next.annotations.iter().all(|a| a.level != "warning"));
    assert_eq!(
        bucket.objects().keys().cloned().collect::<Vec<_>>(),
        names(&["20261122T073700Z"]),
        "the snapshot the failed run pushed"
    );
    let archive = bucket.get(&format!("{PREFIX}/20261122T073700Z.tar.gz"));
    assert_eq!(untar(&archive, "20261122T073700Z"), fixture.tip_files(HOURLY));
}

/// The inputs given, the input refused and what its error says.
type BadCase<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

#[test]
fn bad_offsite_inputs_are_refused_before_any_request() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let cases: &[BadCase] = &[
        (
            &[("object-store-url", "s3://AKIAKEY:hunter2-url-secret@backups/x")],
            "object-store-url",
            "must not carry credentials",
        ),
        (
            &[("object-store-url", "ftp://backups/x")],
            "object-store-url",
            "accepted: s3://bucket[/prefix]",
        ),
        (
            &[("object-store-url", "s3:///x")],
            "object-store-url",
            "accepted: s3://bucket[/prefix]",
        ),
        (
            &[("object-store-url", "s3://backups/a/../b")],
            "object-store-url",
            "the prefix's folders",
        ),
        (
            &[("object-store-url", "s3://backups/x?region=eu")],
            "object-store-url",
            "query or fragment",
        ),
        (
            &[
                ("object-store-url", "s3://backups"),
                ("object-store-endpoint", "http://minio.example.com"),
            ],
            "object-store-endpoint",
            "http:// is accepted only for a loopback host",
        ),
        (
            &[
                ("object-store-url", "s3://backups"),
                ("object-store-endpoint", "https://minio.example.com/path"),
            ],
            "object-store-endpoint",
            "without credentials, path, query or fragment",
        ),
        (
            &[
                ("object-store-url", "gs://backups"),
                ("object-store-endpoint", "https://minio.example.com"),
            ],
            "object-store-endpoint",
            "applies to s3:// only",
        ),
        (
            &[("object-store-endpoint", "https://minio.example.com")],
            "object-store-endpoint",
            "object-store-url, which is not set",
        ),
        (
            &[("object-store-url", "s3://backups"), ("keep-offsite", "0")],
            "keep-offsite",
            "a whole number from 1 to",
        ),
    ];
    for (inputs, input, problem) in cases {
        let mut step = support::step("backup", &fake, &fixture)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_ACCESS_KEY_ID", "AKIAOFFSITETEST00001");
        for (name, value) in *inputs {
            step = step.with(name, *value);
        }
        let run = step.run();
        assert_eq!(run.code, Some(2), "{inputs:?}: {}", run.stdout);
        let error = run.error();
        assert_eq!(
            error.properties["title"],
            format!("Invalid input {input}"),
            "{inputs:?}"
        );
        assert!(error.message.contains(problem), "{inputs:?}: {}", error.message);
        assert_no_secret(&run);
        let shown: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        for text in [&shown, &run.stderr, &run.summary] {
            assert!(
                !text.contains("hunter2-url-secret"),
                "{inputs:?}: a credential in the URL shows:\n{text}"
            );
        }
    }
    assert!(fake.requests().is_empty(), "no request was sent");
    assert_eq!(fixture.server_ref(HOURLY), None);
}
