//! The setup mode as a new user meets it, run as the runner runs the binary against the fake
//! Cognigy server, a real `git http-backend` and the fake GitHub API: it opens one issue with the
//! checklist, updates that same issue on the next run, fails naming the check that failed (a wrong
//! key, unset variables, the UI host as base URL), and writes nothing anywhere else: no request
//! that changes Cognigy, no ref on the snapshot repository, no secret in the issue or the log.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Feature, Options, ProjectSpec};
use cognigy_backup_testkit::fake_github::{Access, FakeGithub, Grant, Issue};
use support::git::{Fixture, TOKEN, git};
use support::runner::{Step, StepRun};

const REPO: &str = "acme/cognigy-backup-demo";
const LABEL: &str = "cognigy-backup-setup";

struct Scene {
    cognigy: FakeCognigy,
    fixture: Fixture,
    github: FakeGithub,
}

impl Scene {
    fn new() -> Scene {
        Scene::with(Options::default())
    }

    /// A scene whose fake Cognigy behaves as `options` say.
    fn with(options: Options) -> Scene {
        let github = FakeGithub::start();
        github.add_repo(REPO, true);
        github.add_token(TOKEN, Grant::workflow(REPO));
        github.add_environment(REPO, "production-restore", &["octocat"]);
        Scene {
            cognigy: FakeCognigy::start(ProjectSpec::default(), options),
            fixture: Fixture::new(),
            github,
        }
    }

    fn setup(&self) -> Step {
        support::step("setup", &self.cognigy, &self.fixture)
            .with("github-api-url", self.github.api_url())
            .context("github.repository", REPO)
    }

    fn issues(&self) -> Vec<Issue> {
        self.github.repo(REPO).issues
    }

    /// Nothing was written: no request that changes Cognigy, no ref on the snapshot repository.
    fn assert_nothing_written(&self) {
        let writes: Vec<String> = self
            .cognigy
            .requests()
            .iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(writes.is_empty(), "{writes:?}");
        assert_eq!(git(&self.fixture.repo, &["for-each-ref"]), "", "no ref pushed");
    }

    /// No secret in what a person can see: the issue, the summary, the log, the outputs.
    fn assert_no_secret(&self, run: &StepRun, secrets: &[&str]) {
        let issues: String = self
            .issues()
            .iter()
            .map(|i| format!("{}\n{}", i.title, i.body))
            .collect();
        let outputs = format!("{:?}", run.outputs);
        // `::add-mask::` is how a secret is hidden, the one place it may be named.
        let log: String = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        for secret in secrets.iter().chain([&self.cognigy.api_key(), &TOKEN]) {
            for (what, text) in [
                ("issue", &issues),
                ("summary", &run.summary),
                ("stdout", &log),
                ("stderr", &run.stderr),
                ("outputs", &outputs),
            ] {
                assert!(!text.contains(secret), "{what} shows a secret:\n{text}");
            }
        }
    }
}

fn line<'a>(body: &'a str, title: &str) -> &'a str {
    body.lines()
        .find(|l| l.contains(&format!("**{title}**")))
        .unwrap_or_else(|| panic!("no line for {title}:\n{body}"))
}

#[test]
fn a_ready_project_gets_one_issue_ticked_and_closed_and_a_second_run_updates_the_same_one() {
    let scene = Scene::new();
    let run = scene.setup().run();
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.summary);
    assert_eq!(run.outputs["ok"], "true");
    let issues = scene.issues();
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(
        run.outputs["issue-url"],
        format!("{}/web/{REPO}/issues/1", scene.github.api_url())
    );
    assert_eq!(
        (issue.title.as_str(), issue.labels.as_slice()),
        ("Cognigy backup setup", &[LABEL.to_owned()][..])
    );
    assert_eq!(issue.state, "closed", "nothing left to do");
    let body = &issue.body;
    assert!(body.starts_with("## Cognigy backup setup: ready\n"), "{body}");
    for title in [
        "The secret and variables are set",
        "cognigy-base-url is the API host",
        "The API key is accepted",
        "The project is readable",
        "Resource kinds",
        "Audit trail (who changed what)",
        "Native snapshots can be listed",
        "The token can push the snapshot branches",
        "The releases API answers",
        "The restore environment exists",
    ] {
        assert!(line(body, title).starts_with("- [x] **"), "{}", line(body, title));
    }
    assert!(line(body, "Resource kinds").contains("flows 3"), "{body}");
    assert!(
        line(body, "The restore environment exists").contains("approved by octocat"),
        "{body}"
    );
    assert!(
        line(body, "Audit trail (who changed what)")
            .ends_with("(optional): readable: backups can tell who changed what"),
        "{body}"
    );
    let audit_reads: Vec<String> = scene
        .cognigy
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/auditevents"))
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(
        audit_reads,
        [format!(
            "projectId={}&sort=timestamp%3Adesc&limit=1",
            scene.cognigy.project_id()
        )],
        "one item of the audit trail asked for"
    );
    assert!(run.summary.contains("This checklist is issue [#1]("), "{}", run.summary);
    scene.assert_nothing_written();
    scene.assert_no_secret(&run, &[]);
    assert!(
        scene
            .github
            .requests()
            .iter()
            .all(|r| r.token.as_deref() == Some(TOKEN))
    );

    let before = scene.github.requests().len();
    let again = scene.setup().env("COGNIGY_BACKUP_NOW", "2026-03-02T10:30:00Z").run();
    assert_eq!(again.code, Some(0), "{}", again.stdout);
    assert_eq!(again.outputs["issue-url"], run.outputs["issue-url"]);
    let issues = scene.issues();
    assert_eq!(issues.len(), 1, "never a second issue");
    assert!(
        issues[0].body.contains("Checked at 2026-03-02T10:30:00Z"),
        "the body is the second run's: {}",
        issues[0].body
    );
    let writes: Vec<String> = scene.github.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(writes, [format!("PATCH /repos/{REPO}/issues/1")], "updated in place");
    scene.assert_nothing_written();
}

#[test]
fn a_key_without_the_role_for_the_audit_trail_is_warned_and_the_setup_still_passes() {
    let scene = Scene::with(Options::default().without(Feature::AuditTrail, 403));
    let run = scene.setup().run();
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.summary);
    assert_eq!(run.outputs["ok"], "true");
    let body = &scene.issues()[0].body;
    let audit = line(body, "Audit trail (who changed what)");
    assert_eq!(
        audit,
        "- [x] ⚠️ **Audit trail (who changed what)** (optional): not available to this key (Cognigy answered 403): reading the audit trail needs a user with the `admin` or `fullUserSupport` role; backups cannot name who made a change",
    );
    assert!(
        body.contains("**To fix:** use a key of a user with the `admin` or `fullUserSupport` role"),
        "{body}"
    );
    scene.assert_nothing_written();
}

#[test]
fn a_wrong_key_fails_naming_the_key_check_and_the_fixed_key_closes_the_same_issue() {
    let scene = Scene::new();
    let wrong = "wrong-cognigy-key-7d1e2f";
    let run = scene.setup().with("cognigy-api-key", wrong).run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.outputs["ok"], "false");
    let error = run.error();
    assert!(
        error.message.contains("required checks failed: The API key is accepted (not checked until then: The project is readable; Resource kinds; Native snapshots can be listed)"),
        "{error:?}"
    );
    assert!(
        error.message.contains(&format!(
            "The checklist in issue #1 ({}) says how to fix each",
            run.outputs["issue-url"]
        )),
        "{error:?}"
    );
    let issue = &scene.issues()[0];
    assert_eq!(issue.state, "open");
    let key = line(&issue.body, "The API key is accepted");
    assert!(
        key.starts_with("- [ ] ❌ **The API key is accepted**: `Cognigy answered 401"),
        "{key}"
    );
    assert!(
        issue.body.contains("**To fix:** create an API key in Cognigy"),
        "{}",
        issue.body
    );
    assert!(
        issue
            .body
            .starts_with("## Cognigy backup setup: 1 required check to fix\n\nA backup cannot run until every required check passes; 3 more could not be checked until then."),
        "{}",
        issue.body
    );
    scene.assert_no_secret(&run, &[wrong]);
    scene.assert_nothing_written();

    let fixed = scene.setup().run();
    assert_eq!(fixed.code, Some(0), "{}", fixed.stdout);
    let issues = scene.issues();
    assert_eq!(issues.len(), 1, "the same issue, updated");
    assert_eq!((issues[0].state.as_str(), issues[0].number), ("closed", 1));
    assert!(issues[0].body.starts_with("## Cognigy backup setup: ready"));
}

#[test]
fn before_the_secret_and_variables_are_set_the_issue_says_which_to_set() {
    let scene = Scene::new();
    let run = Step::new()
        .with("mode", "setup")
        .with("remote-url", scene.fixture.server.url("backup.git"))
        .with("github-api-url", scene.github.api_url())
        .context("github.token", TOKEN)
        .context("github.repository", REPO)
        .run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let body = &scene.issues()[0].body;
    let inputs = line(body, "The secret and variables are set");
    assert!(
        inputs.contains(
            "not set: the variable `COGNIGY_BASE_URL`, the secret `COGNIGY_API_KEY`, the variable `COGNIGY_PROJECT_ID`"
        ),
        "{inputs}"
    );
    assert!(
        body.contains("| secret | `COGNIGY_API_KEY` | a Cognigy API key (never shown) | **not set** |"),
        "{body}"
    );
    assert!(line(body, "The API key is accepted").contains("not checked"), "{body}");
    // What does not depend on Cognigy is checked all the same.
    assert!(
        line(body, "The token can push the snapshot branches").starts_with("- [x]"),
        "{body}"
    );
    assert!(scene.cognigy.requests().is_empty());
}

#[test]
fn the_ui_host_as_base_url_is_named_as_such() {
    let scene = Scene::new();
    let web = WebPage::start();
    // A host that answers every path with the web interface's page, as a UI host does.
    let run = scene.setup().with("cognigy-base-url", web.url()).run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let body = &scene.issues()[0].body;
    let host = line(body, "cognigy-base-url is the API host");
    assert!(
        host.contains("answered with a web page (`text/html; charset=utf-8`)"),
        "{host}"
    );
    assert!(host.contains("that is the host of Cognigy's web interface"), "{host}");
    assert!(
        body.contains("**To fix:** set the variable `COGNIGY_BASE_URL`"),
        "{body}"
    );
}

/// A web server that answers every request with an HTML page.
struct WebPage {
    address: std::net::SocketAddr,
}

impl WebPage {
    fn start() -> WebPage {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten().take(20) {
                let mut stream = stream;
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let page = "<!doctype html><html><head><title>Cognigy.AI</title></head><body></body></html>";
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
            }
        });
        WebPage { address }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

#[test]
fn a_token_that_cannot_push_fails_the_push_check_and_nothing_else() {
    let scene = Scene::new();
    // GitHub's API takes this token; the git server does not (as with `contents: read`).
    scene.github.add_token("ghs_read_only_7c2d", Grant::workflow(REPO));
    let run = scene.setup().context("github.token", "ghs_read_only_7c2d").run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let body = &scene.issues()[0].body;
    let push = line(body, "The token can push the snapshot branches");
    assert!(
        push.starts_with("- [ ] ❌ **The token can push the snapshot branches**: `authentication failed"),
        "{push}"
    );
    assert!(
        body.contains("**To fix:** give the job `permissions: contents: write`"),
        "{body}"
    );
    assert!(
        body.starts_with("## Cognigy backup setup: 1 required check to fix"),
        "{body}"
    );
    scene.assert_no_secret(&run, &["ghs_read_only_7c2d"]);
}

#[test]
fn a_token_that_may_not_write_issues_fails_saying_so_and_still_shows_the_checklist() {
    let scene = Scene::new();
    // As a workflow without `permissions: issues: write`: the same token, which the git server takes.
    scene.github.add_token(
        TOKEN,
        Grant {
            issues: Access::Read,
            ..Grant::workflow(REPO)
        },
    );
    let run = scene.setup().run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(scene.issues().is_empty());
    assert!(!run.outputs.contains_key("issue-url"), "{:?}", run.outputs);
    assert_eq!(
        run.outputs["ok"], "true",
        "every check passed; only the issue is missing"
    );
    let error = run.error();
    assert!(
        error.message.starts_with("the setup issue could not be written: ")
            && error
                .message
                .ends_with("The setup workflow needs `permissions: issues: write`"),
        "{error:?}"
    );
    assert!(
        run.summary.starts_with("## Cognigy backup setup: ready"),
        "{}",
        run.summary
    );
    scene.assert_no_secret(&run, &[]);
}
