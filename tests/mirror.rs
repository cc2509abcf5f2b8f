//! The mirror remote (`mirror-remote-url`, `mirror-token`) end to end: the built binary against the
//! fake Cognigy server, the primary on `git http-backend` and the mirror on a second server (`git
//! http-backend` again, dulwich, or a local bare repository). Every push goes to the mirror too;
//! a mirror that fails is a warning and the run succeeds; the next run brings every tier ref of the
//! mirror to the primary's state (a mirror someone pushed to is overwritten); verify reports where
//! the mirror differs; bad mirror inputs are refused before any request; the mirror's token never
//! shows.

mod support;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use cognigy_backup_testkit::dulwich_server::DulwichServer;
use cognigy_backup_testkit::git_server::{GitHost, GitServer};
use support::cognigy::OneNode;
use support::git::{Fixture, TOKEN, USER, git};
use support::runner::{Annotation, Step, StepRun};

/// The mirror's own token: the primary's (`TOKEN`) is never sent there.
const MIRROR_TOKEN: &str = "glpat-mirror-7c2d9e41b";

/// The mirror repository's name on its server.
const MIRROR: &str = "mirror.git";

/// A project, the primary server, and every run's printed text (to look for the tokens in).
struct Sim {
    live: OneNode,
    fixture: Fixture,
    printed: RefCell<Vec<String>>,
}

impl Sim {
    fn new() -> Sim {
        Sim {
            live: OneNode::start(11),
            fixture: Fixture::new(),
            printed: RefCell::default(),
        }
    }

    /// A step of `mode` at `now` onto the primary, mirrored to `mirror` with `token`.
    fn step(&self, mode: &str, now: &str, mirror: &str, token: &str) -> Step {
        let step = Step::new()
            .with("mode", mode)
            .with("remote-url", self.fixture.server.url("backup.git"))
            .with("mirror-remote-url", mirror)
            .with("mirror-token", token)
            .context("github.token", TOKEN)
            .env("COGNIGY_BACKUP_NOW", now);
        if !matches!(mode, "backup" | "restore" | "setup") {
            return step;
        }
        self.live.inputs(step)
    }

    /// Runs `step`, keeps what it printed, and asserts that neither token is in it.
    fn run(&self, step: &Step) -> StepRun {
        let run = step.run();
        // `::add-mask::` is how the runner learns a secret: the one line that must hold it.
        let stdout: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
        let printed = format!(
            "{}\n{}\n{}\n{}",
            stdout.join("\n"),
            run.stderr,
            run.summary,
            String::from_utf8_lossy(&run.workspace_file("cognigy-backup-metrics.json").unwrap_or_default())
        );
        for token in [MIRROR_TOKEN, TOKEN] {
            assert!(!printed.contains(token), "a token was printed:\n{printed}");
        }
        self.printed.borrow_mut().push(printed);
        run
    }

    /// A backup at `now` in state `label` that must succeed.
    fn backup(&self, now: &str, label: &str, mirror: &str, token: &str) -> StepRun {
        self.live.set(label);
        let run = self.run(&self.step("backup", now, mirror, token));
        support::assert_code(&run, 0);
        run
    }

    /// Every ref of the primary repository.
    fn primary_refs(&self) -> String {
        refs(&self.fixture.repo)
    }
}

/// Every ref of a repository and where it points.
fn refs(repo: &Path) -> String {
    git(repo, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

/// The run's warnings with `title`.
fn warnings<'a>(run: &'a StepRun, title: &str) -> Vec<&'a Annotation> {
    run.annotations
        .iter()
        .filter(|a| a.level == "warning" && a.properties.get("title").map(String::as_str) == Some(title))
        .collect()
}

/// The `mirror` figure of the run's metrics file.
fn mirror_metric(run: &StepRun) -> serde_json::Value {
    let file = run
        .workspace_file("cognigy-backup-metrics.json")
        .expect("a metrics file");
    serde_json::from_slice::<serde_json::Value>(&file).expect("metrics JSON")["mirror"].clone()
}

/// The mirror on `host`: its URL and folder, created empty.
fn mirror_on(host: &dyn GitHost) -> (String, PathBuf) {
    (host.url(MIRROR), host.create_repo(MIRROR))
}

/// A backup pushes to the primary and then to the mirror, whatever server holds the mirror: git
/// http-backend, dulwich (a second git implementation) or a local bare repository.
#[test]
fn every_backup_reaches_the_mirror_on_each_kind_of_server() {
    let sim = Sim::new();
    let temp = tempfile::tempdir().unwrap();
    let git_host = GitServer::start(temp.path().join("git"), USER, MIRROR_TOKEN);
    std::fs::create_dir_all(temp.path().join("git")).unwrap();
    std::fs::create_dir_all(temp.path().join("dulwich")).unwrap();
    let dulwich = DulwichServer::start(temp.path().join("dulwich"), USER, MIRROR_TOKEN);
    let mut mirrors = vec![("git http-backend", mirror_on(&git_host))];
    if let Some(dulwich) = &dulwich {
        mirrors.push(("dulwich", mirror_on(dulwich)));
    }
    let local = temp.path().join("local-mirror.git");
    git(temp.path(), &["init", "--quiet", "--bare", local.to_str().unwrap()]);
    mirrors.push(("a local path", (local.display().to_string(), local.clone())));

    for (n, (server, (url, path))) in mirrors.iter().enumerate() {
        let now = format!("2026-12-0{}T10:00:00Z", n + 1);
        let run = sim.backup(&now, &format!("state {n}"), url, MIRROR_TOKEN);
        assert_eq!(run.outputs["changed"], "true", "{server}");
        assert_eq!(
            refs(path),
            sim.primary_refs(),
            "the mirror on {server} holds the primary's refs"
        );
        assert!(refs(path).contains("refs/heads/snapshot/hourly"), "{server}");
        support::git::assert_fsck_clean(path);
        assert!(
            run.summary.contains(&format!("**Mirror** `{url}`: up to date (")),
            "{server}: {}",
            run.summary
        );
        assert_eq!(mirror_metric(&run), "ok", "{server}");
        assert!(run.masks.iter().any(|m| m == MIRROR_TOKEN), "mirror-token is masked");
        assert!(
            run.annotations.iter().all(|a| a.level != "warning"),
            "{server}: {:?}",
            run.annotations
        );

        // Nothing new: nothing is sent, and the mirror is said to be up to date.
        let again = sim.backup(&now, &format!("state {n}"), url, MIRROR_TOKEN);
        assert_eq!(again.outputs["changed"], "false", "{server}");
        assert!(
            again.summary.contains(&format!("**Mirror** `{url}`: up to date.")),
            "{server}: {}",
            again.summary
        );
    }
}

/// A mirror that refuses the token, or is down, is a warning: the run succeeds with the primary
/// holding the snapshot. Days later, the first run with the mirror back brings every tier ref to
/// the primary's: hourly, daily, weekly and the monthly tag.
#[test]
fn a_mirror_that_fails_is_a_warning_and_the_next_run_catches_it_up() {
    let sim = Sim::new();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("mirror-srv");
    std::fs::create_dir_all(&root).unwrap();
    let server = GitServer::start(&root, USER, MIRROR_TOKEN);
    let (url, mirror) = mirror_on(&server);

    // A wrong token: a warning naming the mirror and mirror-token; the primary has the snapshot.
    let refused = sim.backup("2026-11-29T10:00:00Z", "a", &url, "glpat-wrong-token-0000");
    assert_eq!(refused.outputs["changed"], "true");
    let warned = warnings(&refused, "Mirror behind");
    assert_eq!(warned.len(), 1, "{:?}", refused.annotations);
    assert!(
        warned[0].message.contains(&url) && warned[0].message.contains("mirror-token"),
        "{}",
        warned[0].message
    );
    assert!(!warned[0].message.contains("glpat-wrong-token-0000"));
    assert!(refused.summary.contains("**behind**"), "{}", refused.summary);
    assert_eq!(mirror_metric(&refused), "behind");
    assert!(sim.primary_refs().contains("refs/heads/snapshot/hourly"));
    assert_eq!(refs(&mirror), "", "the mirror got nothing");

    // The mirror's server is down for days, across a month's end: every run warns, and succeeds.
    drop(server);
    for (now, label) in [
        ("2026-11-30T10:00:00Z", "b"),
        ("2026-12-01T10:00:00Z", "c"),
        ("2026-12-08T10:00:00Z", "d"),
    ] {
        let run = sim.backup(now, label, &url, MIRROR_TOKEN);
        assert_eq!(warnings(&run, "Mirror behind").len(), 1, "{now}: {:?}", run.annotations);
        assert!(
            warnings(&run, "Mirror behind")[0].message.contains(&url),
            "{now}: the warning names the mirror"
        );
    }
    let primary = sim.primary_refs();
    for tier in [
        "snapshot/hourly",
        "snapshot/daily",
        "snapshot/weekly",
        "tags/monthly-2026-11",
    ] {
        assert!(primary.contains(tier), "the primary has {tier}:\n{primary}");
    }

    // Back (on another port): an unchanged backup brings all of it over.
    let server = GitServer::start(&root, USER, MIRROR_TOKEN);
    let url = server.url(MIRROR);
    let caught_up = sim.backup("2026-12-08T11:00:00Z", "d", &url, MIRROR_TOKEN);
    assert_eq!(caught_up.outputs["changed"], "false");
    assert_eq!(
        refs(&mirror),
        sim.primary_refs(),
        "the mirror caught up with every tier ref"
    );
    support::git::assert_fsck_clean(&mirror);
    assert!(caught_up.summary.contains("ref(s) updated"), "{}", caught_up.summary);
    assert_eq!(mirror_metric(&caught_up), "ok");
    assert!(warnings(&caught_up, "Mirror behind").is_empty());

    // Promote pushes to the mirror too.
    let promote = sim.run(&sim.step("promote", "2027-01-01T10:00:00Z", &url, MIRROR_TOKEN));
    support::assert_code(&promote, 0);
    assert!(sim.primary_refs().contains("refs/tags/monthly-2026-12"));
    assert_eq!(refs(&mirror), sim.primary_refs(), "promote mirrored its push");
}

/// Someone pushed to the mirror: verify names every tier ref that differs and fails; the next
/// backup overwrites them with the primary's (the source of truth), says so, and verify passes.
#[test]
fn a_diverged_mirror_is_reported_by_verify_and_brought_back_by_the_next_backup() {
    let sim = Sim::new();
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(temp.path().join("srv")).unwrap();
    let server = GitServer::start(temp.path().join("srv"), USER, MIRROR_TOKEN);
    let (url, mirror) = mirror_on(&server);
    sim.backup("2026-11-30T10:00:00Z", "a", &url, MIRROR_TOKEN);
    sim.backup("2026-12-01T10:00:00Z", "b", &url, MIRROR_TOKEN);
    assert_eq!(refs(&mirror), sim.primary_refs());

    let verified = sim.run(&sim.step("verify", "2026-12-01T11:00:00Z", &url, MIRROR_TOKEN));
    support::assert_code(&verified, 0);
    assert!(
        verified.summary.contains("holds the same tier refs as the primary"),
        "{}",
        verified.summary
    );

    // Someone else's commit on the mirror's hourly branch, a stray monthly tag, daily deleted.
    let tree = git(&mirror, &["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let foreign = git_env(&mirror, &["commit-tree", tree.trim(), "-m", "someone else"]);
    git(&mirror, &["update-ref", "refs/heads/snapshot/hourly", foreign.trim()]);
    git(&mirror, &["update-ref", "refs/tags/monthly-1999-01", foreign.trim()]);
    git(&mirror, &["update-ref", "-d", "refs/heads/snapshot/daily"]);

    let verified = sim.run(&sim.step("verify", "2026-12-01T11:00:00Z", &url, MIRROR_TOKEN));
    assert_eq!(
        verified.code,
        Some(1),
        "verify fails on a mirror that differs\n{}",
        verified.stdout
    );
    let summary = &verified.summary;
    assert!(
        summary.contains("differs from the primary on 3 tier ref(s)"),
        "{summary}"
    );
    let short = &foreign.trim()[..7];
    assert!(
        summary.contains(&format!(
            "- **hourly** `snapshot/hourly`: the mirror {url} has commit {short}"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("- **daily** `snapshot/daily`: missing on the mirror {url}")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "- **monthly** `monthly-1999-01`: on the mirror {url} (commit {short}) but not on the primary"
        )),
        "{summary}"
    );
    assert!(
        verified.error().message.contains("snapshot/hourly"),
        "{}",
        verified.error().message
    );
    assert_eq!(verified.outputs["ok"], "false");

    // The next backup (nothing changed) forces the mirror back, and says it overwrote.
    let backup = sim.backup("2026-12-01T12:00:00Z", "b", &url, MIRROR_TOKEN);
    assert_eq!(refs(&mirror), sim.primary_refs(), "the mirror is the primary's again");
    let overwritten = warnings(&backup, "Mirror overwritten");
    assert_eq!(overwritten.len(), 1, "{:?}", backup.annotations);
    assert!(
        overwritten[0].message.contains("refs/heads/snapshot/hourly")
            && overwritten[0].message.contains("refs/tags/monthly-1999-01")
            && !overwritten[0].message.contains("refs/heads/snapshot/daily"),
        "only the refs that held commits the primary lacks: {}",
        overwritten[0].message
    );
    assert!(backup.summary.contains("source of truth"), "{}", backup.summary);
    let verified = sim.run(&sim.step("verify", "2026-12-01T13:00:00Z", &url, MIRROR_TOKEN));
    support::assert_code(&verified, 0);

    // A mirror that cannot be read fails verify, naming it.
    drop(server);
    let unreachable = sim.run(&sim.step("verify", "2026-12-01T14:00:00Z", &url, MIRROR_TOKEN));
    assert_eq!(unreachable.code, Some(1));
    assert!(
        unreachable
            .summary
            .contains(&format!("The mirror `{url}` could not be read.")),
        "{}",
        unreachable.summary
    );
}

/// A restore pushes twice (the undo point with the audit line `started`, then the outcome): the
/// mirror gets both, the audit branch included.
#[test]
fn a_restore_reaches_the_mirror_with_its_undo_point_and_audit_log() {
    let sim = Sim::new();
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(temp.path().join("srv")).unwrap();
    let server = GitServer::start(temp.path().join("srv"), USER, MIRROR_TOKEN);
    let (url, mirror) = mirror_on(&server);
    sim.backup("2026-12-01T10:00:00Z", "a", &url, MIRROR_TOKEN);
    sim.live.set("edited in Cognigy");

    let restore = sim
        .step("restore", "2026-12-01T11:00:00Z", &url, MIRROR_TOKEN)
        .with("dry-run", "false")
        .with("confirm", sim.live.fake.project_id());
    let run = sim.run(&restore);
    support::assert_code(&run, 0);
    assert_eq!(run.outputs["applied"], "true");
    let audit = git(&mirror, &["show", "refs/heads/snapshot/audit:restores.jsonl"]);
    assert_eq!(audit.lines().count(), 2, "started and applied, on the mirror:\n{audit}");
    assert!(audit.lines().nth(1).unwrap().contains("\"applied\""), "{audit}");
    assert_eq!(
        refs(&mirror),
        sim.primary_refs(),
        "the undo point and the audit log are mirrored"
    );
    assert!(
        run.summary
            .contains(&format!("**Mirror** `{url}`: up to date (2 ref(s) updated, ")),
        "the undo point's hourly and the audit branch (written twice), counted once each: {}",
        run.summary
    );
}

/// Setup asks the mirror for its push offer with `mirror-token` (nothing pushed): an optional
/// check, a warning with what to fix when the token is refused.
#[test]
fn setup_checks_that_the_mirror_takes_pushes() {
    use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
    const REPO: &str = "acme/cognigy-backup-demo";
    let sim = Sim::new();
    let github = FakeGithub::start();
    github.add_repo(REPO, true);
    github.add_token(TOKEN, Grant::workflow(REPO));
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(temp.path().join("srv")).unwrap();
    let server = GitServer::start(temp.path().join("srv"), USER, MIRROR_TOKEN);
    let (url, mirror) = mirror_on(&server);
    let setup = |token: &str| {
        sim.step("setup", "2026-12-01T10:00:00Z", &url, token)
            .with("github-api-url", github.api_url())
            .context("github.repository", REPO)
    };

    let run = sim.run(&setup(MIRROR_TOKEN));
    assert!(
        run.summary.contains(&format!(
            "- [x] **The mirror takes pushes** (optional): `{url}` takes pushes from `mirror-token`\n"
        )),
        "{}",
        run.summary
    );
    let refused = sim.run(&setup("glpat-wrong-token-0000"));
    assert!(
        refused.summary.contains(&format!(
            "- [x] ⚠️ **The mirror takes pushes** (optional): `authentication failed for {url}: check mirror-token"
        )),
        "{}",
        refused.summary
    );
    assert!(
        refused
            .summary
            .contains("**To fix:** check `mirror-remote-url` and `mirror-token`")
    );
    assert_eq!(run.code, refused.code, "an optional check does not change the outcome");
    assert_eq!(refs(&mirror), "", "setup pushes nothing");
}

/// `git args` in `repo` with a fixed identity (for commits made "by someone else").
fn git_env(repo: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_AUTHOR_NAME", "someone")
        .env("GIT_AUTHOR_EMAIL", "someone@example.com")
        .env("GIT_COMMITTER_NAME", "someone")
        .env("GIT_COMMITTER_EMAIL", "someone@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Bad mirror inputs: each refused with exit 2, naming the input (and its value, never the
/// token's), before any request to Cognigy or to either git server.
#[test]
fn bad_mirror_inputs_are_refused_before_any_request() {
    let sim = Sim::new();
    let primary = sim.fixture.server.url("backup.git");
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "http://mirror.example.com/backup.git",
            MIRROR_TOKEN,
            "mirror-remote-url",
            "http:// is accepted only for a loopback host",
        ),
        (
            "git@gitlab.com:acme/backup.git",
            MIRROR_TOKEN,
            "mirror-remote-url",
            "SSH remotes are not supported",
        ),
        (
            "ftp://mirror.example.com/backup.git",
            MIRROR_TOKEN,
            "mirror-remote-url",
            "accepted: an https:// URL",
        ),
        (
            "https://gitlab.com/acme/backup.git",
            "",
            "mirror-token",
            "is required to push to the http(s) mirror",
        ),
        ("", MIRROR_TOKEN, "mirror-token", "is set without mirror-remote-url"),
        (
            &primary,
            MIRROR_TOKEN,
            "mirror-remote-url",
            "is the snapshot repository itself",
        ),
    ];
    for (url, token, input, problem) in cases {
        let run = sim.run(&sim.step("backup", "2026-12-01T10:00:00Z", url, token));
        assert_eq!(run.code, Some(2), "{url:?} {token:?}: {}", run.stdout);
        let error = run.error();
        assert_eq!(
            error.properties.get("title").map(String::as_str),
            Some(format!("Invalid input {input}").as_str()),
            "{url:?}"
        );
        assert!(error.message.contains(problem), "{url:?}: {}", error.message);
        if input == "mirror-remote-url" {
            assert!(
                error.message.contains(&format!("{url:?}")),
                "the value is shown: {}",
                error.message
            );
        }
    }
    assert_eq!(sim.live.fake.requests().len(), 0, "no request reached Cognigy");
    assert_eq!(sim.fixture.server.bytes_received("git-upload-pack"), 0);
    assert_eq!(refs(&sim.fixture.repo), "", "nothing reached the primary");

    // A password inside the mirror's URL is masked like a token, even in an input error.
    let run = sim.run(&sim.step(
        "backup",
        "2026-12-01T10:00:00Z",
        "http://bot:pw-in-url-93f1c@mirror.example.com/b.git",
        "",
    ));
    assert_eq!(run.code, Some(2));
    assert!(
        !format!("{}{}", run.stdout, run.summary).contains("pw-in-url-93f1c"),
        "{}",
        run.stdout
    );
}

/// The store's part, on a mirror without `atomic` (refs one by one): a mirror that has the older
/// history gets only the objects it lacks, the same as the primary got; refs the store does not
/// have are deleted there; a mirror in step gets nothing; the store's refs still follow the primary.
#[test]
fn the_store_sends_a_mirror_only_what_it_lacks() {
    use cognigy_backup_action::secrets::Secret;
    use cognigy_backup_action::store::{RefUpdate, Remote};
    use support::git::{commit, files, selection};

    let primary = Fixture::new();
    let mirror_root = primary.temp.path().join("mirror-srv");
    std::fs::create_dir_all(&mirror_root).unwrap();
    let server = GitServer::start(&mirror_root, USER, MIRROR_TOKEN);
    let mirror_repo = server.create_repo_without_atomic(MIRROR);
    let mirror = Remote::new(server.url(MIRROR), Some(Secret::new(MIRROR_TOKEN)));
    let store = primary.store();
    let hourly = "refs/heads/snapshot/hourly";

    let first = commit(&store, &files(30, "a"), None, "snapshot 1");
    let created = store
        .push(&primary.remote(), &[RefUpdate::new(hourly, None, Some(first))])
        .unwrap();
    let caught_up = store.mirror_to(&mirror, &selection()).unwrap();
    assert_eq!(caught_up.updates, vec![RefUpdate::new(hourly, None, Some(first))]);
    assert_eq!(caught_up.report.objects_sent, 30 + 6 + 1, "30 blobs, 6 trees, 1 commit");
    assert_eq!(caught_up.report.objects_sent, created.objects_sent);

    // A stray branch under the prefix on the mirror only: deleted, and not "overwritten" (the
    // store has its commit).
    git(
        &mirror_repo,
        &["update-ref", "refs/heads/snapshot/stray", &first.to_string()],
    );
    let mut changed = files(30, "a");
    changed.insert("project/flows/flow-0000--id/chart-0.json".into(), b"{}\n".to_vec());
    let second = commit(&store, &changed, Some(first), "snapshot 2");
    let pushed = store
        .push(&primary.remote(), &[RefUpdate::new(hourly, Some(first), Some(second))])
        .unwrap();
    let mirrored = store.mirror_to(&mirror, &selection()).unwrap();
    assert_eq!(
        mirrored.updates,
        vec![
            RefUpdate::new(hourly, Some(first), Some(second)),
            RefUpdate::new("refs/heads/snapshot/stray", Some(first), None),
        ]
    );
    assert!(mirrored.overwritten.is_empty());
    assert_eq!(
        mirrored.report.objects_sent, pushed.objects_sent,
        "the mirror gets what the primary got"
    );
    assert_eq!(refs(&mirror_repo), refs(&primary.repo));
    support::git::assert_fsck_clean(&mirror_repo);

    let again = store.mirror_to(&mirror, &selection()).unwrap();
    assert_eq!(again, Default::default(), "a mirror in step gets nothing");
    assert_eq!(
        store.fetch(&primary.remote(), &selection()).unwrap().get(hourly),
        Some(second)
    );
}
