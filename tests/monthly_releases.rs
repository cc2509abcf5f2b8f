//! The monthly tier's releases end to end: the binary, run as the runner runs it through a month's
//! end against the fake Cognigy server, a real `git http-backend` and a mock GitHub API on the same
//! host, tags the month and makes its release on the tag's commit with the snapshot attached.

mod support;

use std::io::Read as _;

use cognigy_backup_action::snapshot::Files;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use serde_json::{Value, json};
use support::git::{Fixture, TOKEN, git};
use support::runner::Step;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REPO: &str = "acme/cognigy-backup-demo";

fn backup(fake: &FakeCognigy, fixture: &Fixture, api: &str, now: &str) -> Step {
    support::step("backup", fake, fixture)
        .with("github-api-url", api)
        .context("github.repository", REPO)
        .env("COGNIGY_BACKUP_NOW", now)
}

fn untar(bytes: &[u8], top: &str) -> Files {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files = Files::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry
            .path()
            .unwrap()
            .to_str()
            .unwrap()
            .strip_prefix(&format!("{top}/"))
            .unwrap()
            .to_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        files.insert(path, content);
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_of_a_month_tags_the_last_one_and_releases_it_with_its_snapshot() {
    let github = MockServer::start().await;
    let uploads = format!("{}/uploads", github.uri());
    Mock::given(method("GET"))
        .and(path(format!("/repos/{REPO}/releases")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&github)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/repos/{REPO}/releases")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 7, "tag_name": "monthly-2026-11", "name": "monthly-2026-11", "target_commitish": "x",
            "upload_url": format!("{uploads}/repos/{REPO}/releases/7/assets{{?name,label}}"), "assets": []
        })))
        .expect(1)
        .mount(&github)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/uploads/repos/.+/releases/7/assets$"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 70, "name": "asset", "size": 1})))
        .expect(2)
        .mount(&github)
        .await;

    let api = github.uri();
    // The steps block on the binary; the mock GitHub keeps serving on this test's runtime meanwhile.
    let (fixture, runs) = tokio::task::spawn_blocking(move || {
        let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
        let fixture = Fixture::new();
        let november = backup(&fake, &fixture, &api, "2026-11-30T23:37:00Z").run();
        let december = backup(&fake, &fixture, &api, "2026-12-01T00:07:00Z").run();
        (fixture, (november, december))
    })
    .await
    .unwrap();
    let (november, december) = runs;
    assert_eq!(november.code, Some(0), "{}", november.stdout);
    assert_eq!(december.code, Some(0), "{}", december.stdout);
    assert!(
        !november.outputs["tiers-updated"].contains("monthly"),
        "November has not ended yet"
    );
    assert_eq!(december.outputs["changed"], "false");
    assert_eq!(december.outputs["tiers-updated"], "monthly");
    assert!(
        december.annotations.iter().all(|a| a.level != "warning"),
        "{:?}",
        december.annotations
    );

    let tag = fixture
        .server_ref("refs/tags/monthly-2026-11")
        .expect("the monthly tag");
    assert_eq!(
        git(&fixture.repo, &["log", "--format=%P", "-1", &tag]).trim(),
        "",
        "the tag holds one parentless commit"
    );
    assert_eq!(
        git(&fixture.repo, &["rev-parse", &format!("{tag}^{{tree}}")]),
        git(&fixture.repo, &["rev-parse", "snapshot/daily^{tree}"])
    );

    let requests = github.received_requests().await.unwrap();
    let create = requests
        .iter()
        .find(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/releases"))
        .unwrap();
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body["tag_name"], "monthly-2026-11");
    assert_eq!(body["target_commitish"], tag.as_str());
    assert!(
        body["body"].as_str().unwrap().contains("| flows | 3 |"),
        "notes list the counts: {}",
        body["body"]
    );
    assert_eq!(
        create.headers["authorization"].to_str().unwrap(),
        format!("Bearer {TOKEN}")
    );

    let upload = |name: &str| {
        requests
            .iter()
            .find(|r| r.url.path().contains("/assets") && r.url.query().is_some_and(|q| q.contains(name)))
            .unwrap_or_else(|| panic!("no upload of {name}"))
    };
    let archive = untar(&upload("monthly-2026-11.tar.gz").body, "monthly-2026-11");
    let listing = git(&fixture.repo, &["ls-tree", "-r", "--name-only", &tag]);
    assert_eq!(
        archive.keys().cloned().collect::<Vec<_>>(),
        listing.lines().collect::<Vec<_>>(),
        "every file of the tag"
    );
    assert_eq!(
        archive["native/project.csnap"],
        upload("monthly-2026-11.csnap").body,
        "the .csnap as its own asset"
    );
}
