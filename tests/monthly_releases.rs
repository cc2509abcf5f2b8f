//! The monthly tier's releases end to end: the binary, run as the runner runs it through a month's
//! end against the fake Cognigy server, a real `git http-backend` and the fake GitHub API on the
//! same host, tags the month and makes its release on the tag's commit with the snapshot attached.

mod support;

use std::io::Read as _;

use cognigy_backup_action::snapshot::Files;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
use support::git::{Fixture, TOKEN, git};
use support::runner::Step;

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

#[test]
fn the_first_run_of_a_month_tags_the_last_one_and_releases_it_with_its_snapshot() {
    let github = FakeGithub::start();
    github.add_repo(REPO, true);
    github.add_token(TOKEN, Grant::workflow(REPO));
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let november = backup(&fake, &fixture, &github.api_url(), "2026-11-30T23:37:00Z").run();
    let december = backup(&fake, &fixture, &github.api_url(), "2026-12-01T00:07:00Z").run();
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

    let releases = github.repo(REPO).releases;
    assert_eq!(releases.len(), 1, "one release");
    let release = &releases[0];
    assert_eq!(release.tag, "monthly-2026-11");
    assert_eq!(release.target_commitish, tag);
    assert!(
        release.body.contains("| flows | 3 |"),
        "notes list the counts: {}",
        release.body
    );
    assert!(
        github.requests().iter().all(|r| r.token.as_deref() == Some(TOKEN)),
        "every request carries the token"
    );

    let asset = |name: &str| {
        release
            .assets
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no asset {name}"))
    };
    let archive = untar(&asset("monthly-2026-11.tar.gz").bytes, "monthly-2026-11");
    let listing = git(&fixture.repo, &["ls-tree", "-r", "--name-only", &tag]);
    assert_eq!(
        archive.keys().cloned().collect::<Vec<_>>(),
        listing.lines().collect::<Vec<_>>(),
        "every file of the tag"
    );
    assert_eq!(
        archive["native/project.csnap"],
        asset("monthly-2026-11.csnap").bytes,
        "the .csnap as its own asset"
    );
    assert_eq!(release.assets.len(), 2);
}
