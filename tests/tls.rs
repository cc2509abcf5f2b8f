//! The binary over HTTPS with a private CA, run as the runner runs it: the fake Cognigy server and
//! the git server behind HTTPS proxies whose certificates a CA made for the test signs (for
//! 127.0.0.1, with `https://` URLs, as the CI's end-to-end job serves them on the Docker bridge).
//! With `SSL_CERT_FILE` naming that CA a backup and a verify succeed, and a cleanup reads the
//! monthly releases from a mock GitHub API behind such a proxy, so every client the binary uses
//! trusts it (Cognigy through reqwest, git through gix's transport, GitHub through reqwest);
//! without it Cognigy and git are refused in the handshake, at once and with advice; and an
//! `SSL_CERT_FILE` that holds no certificate is refused before any request, naming the variable.

mod support;

use std::path::PathBuf;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
use cognigy_backup_testkit::https_proxy::HttpsProxy;
use cognigy_backup_testkit::tls::TestCa;
use support::git::{Fixture, TOKEN, git};
use support::runner::{Step, StepRun};

/// The two servers behind HTTPS proxies, their CA, and its certificate as a file.
struct Https {
    ca: TestCa,
    fake: FakeCognigy,
    fixture: Fixture,
    cognigy: HttpsProxy,
    git: HttpsProxy,
    ca_file: PathBuf,
}

impl Https {
    fn start() -> Https {
        let ca = TestCa::new();
        let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
        let fixture = Fixture::new();
        let cognigy = HttpsProxy::start("127.0.0.1", fake.base_url(), &ca).unwrap();
        let git_inner = fixture.server.url("");
        let git = HttpsProxy::start("127.0.0.1", git_inner.trim_end_matches('/'), &ca).unwrap();
        let ca_file = fixture.temp.path().join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        Https {
            ca,
            fake,
            fixture,
            cognigy,
            git,
            ca_file,
        }
    }

    /// A step of `mode` against the HTTPS URLs.
    fn step(&self, mode: &str) -> Step {
        support::step(mode, &self.fake, &self.fixture)
            .with("cognigy-base-url", self.cognigy.url())
            .with("remote-url", format!("{}/backup.git", self.git.url()))
    }

    /// The same step trusting the CA through `SSL_CERT_FILE`.
    fn trusting(&self, mode: &str) -> Step {
        self.step(mode).env("SSL_CERT_FILE", self.ca_file.display().to_string())
    }
}

/// Every annotation of `run` as one text.
fn annotations(run: &StepRun) -> String {
    run.annotations
        .iter()
        .map(|a| format!("{}: {}", a.level, a.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn with_ssl_cert_file_the_binary_trusts_the_private_ca_for_cognigy_and_git() {
    let https = Https::start();
    assert!(https.cognigy.url().starts_with("https://127.0.0.1:"));

    let backup = https.trusting("backup").run();
    assert_eq!(backup.code, Some(0), "{}\n{}", backup.stdout, backup.stderr);
    assert_eq!(backup.outputs["changed"], "true");
    let tip = https
        .fixture
        .server_ref("snapshot/hourly")
        .expect("the backup was pushed");
    assert_eq!(backup.outputs["commit-sha"], tip);
    assert!(
        https.fake.requests().iter().any(|r| r.status == 200),
        "the export went through the HTTPS proxy"
    );

    let verify = https.trusting("verify").run();
    assert_eq!(verify.code, Some(0), "{}\n{}", verify.stdout, verify.stderr);
    assert_eq!(verify.outputs["ok"], "true");
    assert_eq!(verify.outputs["commit-sha"], tip);
    https.fixture.assert_fsck_clean();
}

#[test]
fn without_the_ca_cognigy_and_git_are_refused_in_the_handshake() {
    let https = Https::start();

    let backup = https.step("backup").run();
    assert_eq!(backup.code, Some(1), "{}", backup.stdout);
    let said = annotations(&backup);
    // The backup reads the previous snapshot (the incremental export's base) first: git's handshake.
    assert!(said.contains("UnknownIssuer"), "{said}");
    assert!(said.contains("give the action that CA through SSL_CERT_FILE"), "{said}");
    assert!(https.fake.requests().is_empty(), "no request got through the handshake");
    assert_eq!(https.fixture.server_ref("snapshot/hourly"), None, "nothing was pushed");

    // git alone: a verify reads only the snapshot repository.
    let verify = https.step("verify").run();
    assert_ne!(verify.code, Some(0), "{}", verify.stdout);
    let said = annotations(&verify);
    assert!(said.contains("InvalidCertificate(UnknownIssuer)"), "{said}");
    assert!(said.contains("give the action that CA through SSL_CERT_FILE"), "{said}");
}

#[test]
fn an_ssl_cert_file_without_certificates_is_refused_before_any_request() {
    let https = Https::start();
    let not_pem = https.fixture.temp.path().join("not-a-ca.pem");
    std::fs::write(&not_pem, "this is no certificate\n").unwrap();

    let run = https
        .step("backup")
        .env("SSL_CERT_FILE", not_pem.display().to_string())
        .run();
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    let error = run.error();
    assert_eq!(error.properties["title"], "Invalid CA certificates");
    assert!(
        error
            .message
            .contains(&format!("SSL_CERT_FILE={} cannot be used", not_pem.display())),
        "{}",
        error.message
    );
    assert!(run.summary.contains("invalid CA certificates"), "{}", run.summary);
    assert!(https.fake.requests().is_empty(), "no request was made");
    assert_eq!(https.fixture.server_ref("snapshot/hourly"), None);
}

#[test]
fn with_ssl_cert_file_the_github_api_is_trusted_too_and_only_that_ca() {
    let https = Https::start();
    let backup = https.trusting("backup").run();
    assert_eq!(backup.code, Some(0), "{}\n{}", backup.stdout, backup.stderr);
    let tip = https.fixture.server_ref("snapshot/hourly").unwrap();
    git(&https.fixture.repo, &["tag", "monthly-2026-10", &tip]);

    // The GitHub fake on 127.0.0.1 (the remote's host, so that releases apply), holding the tag's
    // release, behind an HTTPS proxy with the test CA's certificate.
    let repo = "acme/cognigy-backup-demo";
    let github = FakeGithub::start();
    github.add_repo(repo, true);
    github.add_token(TOKEN, Grant::workflow(repo));
    github.add_release(repo, "monthly-2026-10", &[]);
    let releases = format!("/repos/{repo}/releases");
    let listed_releases = || {
        github
            .requests()
            .iter()
            .filter(|request| request.path.ends_with(&releases) && request.method == "GET")
            .count()
    };
    let api = HttpsProxy::start("127.0.0.1", &github.api_url(), &https.ca).unwrap();

    let cleanup = https.trusting("cleanup").with("github-api-url", api.url()).run();
    assert_eq!(cleanup.code, Some(0), "{}\n{}", cleanup.stdout, cleanup.stderr);
    let said = annotations(&cleanup);
    assert!(!said.contains("Monthly releases"), "{said}");
    let listed = listed_releases();
    assert!(listed > 0, "the releases were listed over HTTPS: {said}");

    // The same API behind a certificate from another CA: git still passes, GitHub is refused.
    let stranger = HttpsProxy::start("127.0.0.1", &github.api_url(), &TestCa::new()).unwrap();
    let cleanup = https.trusting("cleanup").with("github-api-url", stranger.url()).run();
    let said = annotations(&cleanup);
    assert!(
        said.contains("GitHub Releases could not be updated") && said.contains("invalid peer certificate"),
        "{said}"
    );
    assert!(said.contains("give the action that CA through SSL_CERT_FILE"), "{said}");
    let listed_after = listed_releases();
    assert_eq!(listed_after, listed, "no request got through the handshake");
}
