//! The verify mode end to end, run as the runner runs the binary: a snapshot repository made by
//! real backups (the fake Cognigy server, a real `git http-backend`, simulated days across a month's
//! end) verifies clean; copies of it, each damaged by hand with the git CLI as a person or a broken
//! tool might, are found out and every problem is named by tier, ref, snapshot and path. Verify
//! never pushes, and a damaged tier does not hide the others.

mod support;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use cognigy_backup_action::snapshot::manifest;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use cognigy_backup_testkit::fake_github::{FakeGithub, Grant};
use serde_json::{Value, json};
use support::git::{Fixture, TOKEN, git};
use support::runner::{Step, StepRun};

const REPO: &str = "acme/cognigy-backup-demo";

/// The captures of the healthy repository, each after a change of the project: two days of
/// October, the first run of November (which tags October), and two runs on one day (the hourly
/// tier keeps both, the daily tier the second).
const CAPTURES: [&str; 5] = [
    "2026-10-30T10:07:00Z",
    "2026-10-31T10:07:00Z",
    "2026-11-01T10:07:00Z",
    "2026-11-02T10:07:00Z",
    "2026-11-02T11:07:00Z",
];

/// `2026-10-30T10:07:00Z` -> `20261030T100700Z`.
fn id(now: &str) -> String {
    now.replace(['-', ':'], "")
}

/// The fake GitHub API on 127.0.0.1 (the git server's host, so that releases apply) holding
/// [`REPO`] with a release for each of `tags`, and taking the git server's token.
struct Github(FakeGithub);

impl Github {
    fn listing(tags: &[&str]) -> Github {
        let github = FakeGithub::start();
        github.add_repo(REPO, true);
        github.add_token(TOKEN, Grant::workflow(REPO));
        for tag in tags {
            github.add_release(REPO, tag, &[]);
        }
        Github(github)
    }

    fn url(&self) -> String {
        self.0.api_url()
    }
}

/// A snapshot repository on the git server, filled by backups at [`CAPTURES`].
struct Healthy {
    fixture: Fixture,
    github: Github,
}

impl Healthy {
    /// Backs `spec` up at every capture, changing the project before each.
    fn build(spec: ProjectSpec) -> Healthy {
        let fake = FakeCognigy::start(spec, Options::default());
        let fixture = Fixture::new();
        let github = Github::listing(&["monthly-2026-10"]);
        let (flow, node, locale) = {
            let project = fake.project();
            let flow = &project.flows[0];
            (
                flow.id().to_owned(),
                flow.nodes[1].id().to_owned(),
                project.primary_locale_id().to_owned(),
            )
        };
        for (n, now) in CAPTURES.iter().enumerate() {
            fake.edit(|p| p.set_node_config(&flow, &node, &locale, json!({"say": {"text": [format!("state {n}")]}})));
            let run = support::step("backup", &fake, &fixture)
                .with("github-api-url", github.url())
                .context("github.repository", REPO)
                .env("COGNIGY_BACKUP_NOW", *now)
                .run();
            assert_eq!(run.code, Some(0), "backup at {now}\n{}\n{}", run.stdout, run.stderr);
            assert_eq!(run.outputs["changed"], "true", "backup at {now}");
        }
        Healthy { fixture, github }
    }

    /// A copy of the repository on the server, to damage.
    fn copy(&self, name: &str) -> std::path::PathBuf {
        let copy = self.fixture.server.repo_path(name);
        let status = Command::new("cp")
            .args(["-a", self.fixture.repo.to_str().unwrap(), copy.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        copy
    }

    /// A verify step on the server's repository `name`, releases checked against `github`.
    fn verify(&self, name: &str, github: &Github) -> Step {
        Step::new()
            .with("mode", "verify")
            .with("remote-url", self.fixture.server.url(name))
            .with("github-api-url", github.url())
            .context("github.token", TOKEN)
            .context("github.repository", REPO)
    }
}

/// Every ref of a repository and where it points.
fn refs(repo: &Path) -> String {
    git(repo, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

/// Runs `git args` in `repo` with `env` and `stdin`; answers its trimmed output.
fn git_with(repo: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> String {
    let mut child = Command::new("git")
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// What a commit made by hand holds: `base`'s tree with `edits` (path -> new content, `None` to
/// remove), `base`'s message and dates unless `message` says otherwise, on `parents`.
struct HandMade<'a> {
    base: &'a str,
    edits: Vec<(String, Option<Vec<u8>>)>,
    parents: Vec<String>,
    message: Option<&'a str>,
}

impl HandMade<'_> {
    /// Writes the commit into `repo` with the git CLI; answers its id.
    fn write(&self, repo: &Path) -> String {
        let index = repo.join("hand-made.index");
        let index = index.to_str().unwrap();
        let with_index = [("GIT_INDEX_FILE", index)];
        git_with(repo, &["read-tree", self.base], &with_index, b"");
        let mut index_info = String::new();
        for (path, content) in &self.edits {
            match content {
                Some(bytes) => {
                    let blob = git_with(repo, &["hash-object", "-w", "--stdin"], &[], bytes);
                    index_info.push_str(&format!("100644 {blob}\t{path}\n"));
                }
                None => index_info.push_str(&format!("0 {}\t{path}\n", "0".repeat(40))),
            }
        }
        git_with(
            repo,
            &["update-index", "--index-info"],
            &with_index,
            index_info.as_bytes(),
        );
        let tree = git_with(repo, &["write-tree"], &with_index, b"");
        std::fs::remove_file(index).unwrap();
        let log = |format: &str| git(repo, &["log", "-1", &format!("--format={format}"), self.base]);
        let message = self.message.map_or_else(|| log("%B"), str::to_owned);
        let (author, committer) = (log("%aI"), log("%cI"));
        let dates = [
            ("GIT_AUTHOR_NAME", "someone"),
            ("GIT_AUTHOR_EMAIL", "someone@example.com"),
            ("GIT_COMMITTER_NAME", "someone"),
            ("GIT_COMMITTER_EMAIL", "someone@example.com"),
            ("GIT_AUTHOR_DATE", author.trim()),
            ("GIT_COMMITTER_DATE", committer.trim()),
        ];
        let mut args = vec!["commit-tree".to_owned(), tree, "-F".to_owned(), "-".to_owned()];
        for parent in &self.parents {
            args.extend(["-p".to_owned(), parent.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        git_with(repo, &args, &dates, message.as_bytes())
    }
}

/// `rev` in `repo`, full.
fn rev(repo: &Path, rev: &str) -> String {
    git(repo, &["rev-parse", rev]).trim().to_owned()
}

fn short(sha: &str) -> &str {
    &sha[..7]
}

/// The files of commit `rev` with the git CLI.
fn files_of(repo: &Path, rev: &str) -> BTreeMap<String, Vec<u8>> {
    git(repo, &["ls-tree", "-r", "--name-only", rev])
        .lines()
        .map(|path| {
            let out = Command::new("git")
                .args(["cat-file", "blob", &format!("{rev}:{path}")])
                .current_dir(repo)
                .output()
                .unwrap();
            (path.to_owned(), out.stdout)
        })
        .collect()
}

/// The manifest of `files` with the digest of `path` set to that of `content`: a hand edit that
/// keeps the manifest in step.
fn manifest_with(files: &BTreeMap<String, Vec<u8>>, path: &str, content: &[u8]) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(&files[manifest::PATH]).unwrap();
    value["files"][path] = Value::from(manifest::digest(content));
    serde_json::to_vec_pretty(&value).unwrap()
}

/// The problem lines of a summary.
fn problems(run: &StepRun) -> Vec<&str> {
    run.summary.lines().filter(|line| line.starts_with("- **")).collect()
}

/// The table row of `tier` in a summary.
fn row<'a>(run: &'a StepRun, tier: &str) -> &'a str {
    run.summary
        .lines()
        .find(|line| line.starts_with(&format!("| {tier} |")))
        .unwrap_or_else(|| panic!("no row for {tier} in\n{}", run.summary))
}

/// The run failed with a full report: exit 1, `ok=false`, an error annotation, and exactly one
/// problem line starting with each of `expected`.
fn assert_found(case: &str, run: &StepRun, expected: &[String]) {
    assert_eq!(run.code, Some(1), "{case}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["ok"], "false", "{case}");
    assert!(
        run.annotations
            .iter()
            .any(|a| a.level == "error" && a.message.starts_with("the snapshot repository has")),
        "{case}: {:?}",
        run.annotations
    );
    let found = problems(run);
    for wanted in expected {
        assert!(
            found.iter().any(|line| line.starts_with(wanted.as_str())),
            "{case}: no problem line starting with\n{wanted}\nin\n{}",
            run.summary
        );
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "{case}: only these problems\n{}",
        run.summary
    );
}

#[test]
fn a_repository_made_by_backups_verifies_ok_and_verify_pushes_nothing() {
    let healthy = Healthy::build(ProjectSpec::hard());
    let repo = &healthy.fixture.repo;
    let before = refs(repo);
    healthy.fixture.server.reset_bytes_received();

    let run = healthy.verify("backup.git", &healthy.github).run();
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["ok"], "true");
    assert_eq!(run.outputs["snapshot-id"], id(CAPTURES[4]));
    assert_eq!(run.outputs["commit-sha"], rev(repo, "snapshot/hourly"));
    assert_eq!(problems(&run), Vec::<&str>::new(), "{}", run.summary);
    let [c0, c1, c2, _, c4] = CAPTURES;
    for (tier, reference, count, oldest, newest) in [
        ("hourly", "`snapshot/hourly`", 5, c0, c4),
        ("daily", "`snapshot/daily`", 4, c0, c4),
        ("weekly", "`snapshot/weekly`", 2, c2, c4),
        ("monthly", "`monthly-2026-10`", 1, c1, c1),
    ] {
        assert_eq!(
            row(&run, tier),
            format!(
                "| {tier} | {reference} | {count} | `{}` | `{}` | ok |",
                id(oldest),
                id(newest)
            ),
        );
    }
    assert!(
        run.summary.contains("every check passed")
            && run
                .summary
                .contains("Every monthly tag has its GitHub Release in acme/cognigy-backup-demo."),
        "{}",
        run.summary
    );
    assert_eq!(refs(repo), before, "the remote's refs are as they were");
    assert_eq!(
        healthy.fixture.server.bytes_received("git-receive-pack"),
        0,
        "nothing was pushed"
    );
    support::git::assert_fsck_clean(repo);

    // One tier; and from a local path, where releases cannot be checked (which is no failure).
    let daily = healthy
        .verify("backup.git", &healthy.github)
        .with("tier", "daily")
        .run();
    assert_eq!(daily.code, Some(0), "{}", daily.stdout);
    assert_eq!(
        daily
            .summary
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| tier"))
            .count(),
        1,
        "{}",
        daily.summary
    );
    assert_eq!(daily.outputs["snapshot-id"], id(CAPTURES[4]));
    let local = healthy
        .verify("backup.git", &healthy.github)
        .with("remote-url", repo.to_str().unwrap())
        .run();
    assert_eq!(local.code, Some(0), "{}", local.stdout);
    assert!(
        local
            .summary
            .contains("### Monthly releases\n\nNot checked: the remote is a local repository."),
        "{}",
        local.summary
    );
    assert_eq!(refs(repo), before);
}

/// The bare repository `repo` with every object loose (unpacked from its packs), so that one can
/// be deleted.
fn unpack_all(repo: &Path) {
    let packs = repo.join("objects/pack");
    for entry in std::fs::read_dir(&packs).unwrap() {
        let pack = entry.unwrap().path();
        if pack.extension().is_some_and(|e| e == "pack") {
            let moved = repo.join("unpacking.pack");
            std::fs::rename(&pack, &moved).unwrap();
            std::fs::remove_file(pack.with_extension("idx")).unwrap();
            let bytes = std::fs::read(&moved).unwrap();
            git_with(repo, &["unpack-objects", "-q"], &[], &bytes);
            std::fs::remove_file(moved).unwrap();
        }
    }
}

/// The objects reachable from `revs`.
fn objects(repo: &Path, revs: &[&str]) -> std::collections::BTreeSet<String> {
    let mut args = vec!["rev-list", "--objects"];
    args.extend(revs);
    git(repo, &args)
        .lines()
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect()
}

/// The first path of commit `rev` that ends with `suffix`.
fn path_ending(repo: &Path, rev: &str, suffix: &str) -> String {
    git(repo, &["ls-tree", "-r", "--name-only", rev])
        .lines()
        .find(|path| path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {rev}"))
        .to_owned()
}

/// Points `reference` of `repo` at `commit`.
fn set_ref(repo: &Path, reference: &str, commit: &str) {
    git(repo, &["update-ref", reference, commit]);
}

/// Runs `step` on the damaged copy `name` of `healthy` and checks that it finds exactly
/// `expected` (each the start of a problem line), leaves every ref as it was, and reports the
/// tiers in `ok_tiers` as sound.
fn check_case(healthy: &Healthy, name: &str, step: Step, expected: &[String], ok_tiers: &[&str]) -> StepRun {
    let copy = healthy.fixture.server.repo_path(name);
    let before = refs(&copy);
    let run = step.run();
    assert_found(name, &run, expected);
    for tier in ok_tiers {
        assert!(
            row(&run, tier).ends_with("| ok |"),
            "{name}: {tier} is sound\n{}",
            run.summary
        );
    }
    assert_eq!(refs(&copy), before, "{name}: verify changed no ref");
    run
}

#[test]
fn every_damage_is_found_and_named_by_tier_snapshot_and_path() {
    let spec = ProjectSpec {
        flows: 1,
        nodes_per_flow: 3,
        lexicons: 1,
        keyphrases: 2,
        ..ProjectSpec::empty()
    };
    let healthy = Healthy::build(spec);
    let no_releases = Github::listing(&[]);
    healthy.fixture.server.reset_bytes_received();
    let [_, c1, c2, _, c4] = CAPTURES.map(id);
    let line = |tier: &str, reference: &str, snapshot: Option<&str>, commit: &str, path: Option<&str>| {
        let mut line = format!("- **{tier}** `{reference}`");
        line.push_str(&match snapshot {
            Some(id) => format!(", snapshot `{id}` (commit `{}`)", short(commit)),
            None => format!(", commit `{}`", short(commit)),
        });
        if let Some(path) = path {
            line.push_str(&format!(", `{path}`"));
        }
        line + ": "
    };

    // A commit pushed by hand in place of the hourly tip: a file changed, the manifest not.
    let copy = healthy.copy("changed.git");
    let tip = rev(&copy, "snapshot/hourly");
    let changed = HandMade {
        base: &tip,
        edits: vec![(
            "project/project.json".into(),
            Some(b"{\"name\": \"edited\"}\n".to_vec()),
        )],
        parents: vec![rev(&copy, "snapshot/hourly^")],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/hourly", &changed);
    let hourly = line(
        "hourly",
        "snapshot/hourly",
        Some(&c4),
        &changed,
        Some("project/project.json"),
    );
    check_case(
        &healthy,
        "changed.git",
        healthy.verify("changed.git", &healthy.github),
        &[hourly + "project/project.json has sha256 "],
        &["daily", "weekly", "monthly"],
    );

    // A file that is no JSON, the manifest edited to match: the daily tip.
    let copy = healthy.copy("not-json.git");
    let tip = rev(&copy, "snapshot/daily");
    let flow = path_ending(&copy, &tip, "/flow.json");
    let files = files_of(&copy, &tip);
    let broken = b"{\"name\": ".to_vec();
    let not_json = HandMade {
        base: &tip,
        edits: vec![
            (flow.clone(), Some(broken.clone())),
            (manifest::PATH.into(), Some(manifest_with(&files, &flow, &broken))),
        ],
        parents: vec![rev(&copy, "snapshot/daily^")],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/daily", &not_json);
    let daily = line("daily", "snapshot/daily", Some(&c4), &not_json, Some(&flow));
    check_case(
        &healthy,
        "not-json.git",
        healthy.verify("not-json.git", &healthy.github),
        &[format!("{daily}{flow} is not valid JSON: ")],
        &["hourly", "weekly", "monthly"],
    );

    // A manifest that names a file the tree lacks: the weekly tip without a chart.
    let copy = healthy.copy("lacking.git");
    let tip = rev(&copy, "snapshot/weekly");
    let chart = path_ending(&copy, &tip, "/chart.json");
    let lacking = HandMade {
        base: &tip,
        edits: vec![(chart.clone(), None)],
        parents: vec![rev(&copy, "snapshot/weekly^")],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/weekly", &lacking);
    let weekly = line("weekly", "snapshot/weekly", Some(&c4), &lacking, Some(&chart));
    check_case(
        &healthy,
        "lacking.git",
        healthy.verify("lacking.git", &healthy.github),
        &[format!(
            "{weekly}{chart} is listed in .backup-metadata.json but missing from the snapshot"
        )],
        &["hourly", "daily", "monthly"],
    );

    // A chain longer than its keep (a keep lowered without a cleanup): the root that should be has a parent.
    healthy.copy("too-long.git");
    let third = rev(&healthy.fixture.repo, "snapshot/hourly~2");
    check_case(
        &healthy,
        "too-long.git",
        healthy.verify("too-long.git", &healthy.github).with("keep-hourly", "3"),
        &[line("hourly", "snapshot/hourly", Some(&c2), &third, None)
            + "should be the chain's root, but has a parent: the chain holds 5 commits, more than keep-hourly (3)"],
        &["daily", "weekly", "monthly"],
    );

    // A merge: the daily tip with a second parent.
    let copy = healthy.copy("merge.git");
    let tip = rev(&copy, "snapshot/daily");
    let merge = HandMade {
        base: &tip,
        edits: vec![],
        parents: vec![rev(&copy, "snapshot/daily^"), rev(&copy, "snapshot/hourly^")],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/daily", &merge);
    check_case(
        &healthy,
        "merge.git",
        healthy.verify("merge.git", &healthy.github),
        &[line("daily", "snapshot/daily", Some(&c4), &merge, None)
            + "a merge commit (2 parents): a tier is a linear chain of snapshots"],
        &["hourly", "weekly", "monthly"],
    );

    // A commit that is no snapshot, on top of the weekly tier.
    let copy = healthy.copy("by-hand.git");
    let tip = rev(&copy, "snapshot/weekly");
    let by_hand = HandMade {
        base: &tip,
        edits: vec![],
        parents: vec![tip.clone()],
        message: Some("Fix things by hand\n"),
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/weekly", &by_hand);
    check_case(
        &healthy,
        "by-hand.git",
        healthy.verify("by-hand.git", &healthy.github),
        &[line("weekly", "snapshot/weekly", None, &by_hand, None)
            + "not a snapshot commit (its first line is \"Fix things by hand\", where a snapshot's reads \"snapshot\" and its id)"],
        &["hourly", "daily", "monthly"],
    );

    // A root that has a parent: the weekly chain grafted onto an initial commit of its own.
    let copy = healthy.copy("grafted.git");
    let empty_tree = git_with(&copy, &["mktree"], &[], b"");
    let (oldest, tip) = (rev(&copy, "snapshot/weekly^"), rev(&copy, "snapshot/weekly"));
    let initial = git_with(
        &copy,
        &["commit-tree", &empty_tree, "-m", "Initial commit"],
        &[
            ("GIT_AUTHOR_NAME", "someone"),
            ("GIT_AUTHOR_EMAIL", "someone@example.com"),
            ("GIT_COMMITTER_NAME", "someone"),
            ("GIT_COMMITTER_EMAIL", "someone@example.com"),
        ],
        b"",
    );
    let oldest = HandMade {
        base: &oldest,
        edits: vec![],
        parents: vec![initial.clone()],
        message: None,
    }
    .write(&copy);
    let grafted = HandMade {
        base: &tip,
        edits: vec![],
        parents: vec![oldest],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/weekly", &grafted);
    check_case(
        &healthy,
        "grafted.git",
        healthy.verify("grafted.git", &healthy.github),
        &[line("weekly", "snapshot/weekly", None, &initial, None)
            + "not a snapshot commit (its first line is \"Initial commit\", where a snapshot's reads \"snapshot\" and its id)"],
        &["hourly", "daily", "monthly"],
    );

    // A blob gone from the remote's hourly tier, and the daily tip edited: neither hides the other.
    let copy = healthy.copy("lost-blob.git");
    unpack_all(&copy);
    let others = objects(&copy, &["snapshot/daily", "snapshot/weekly", "--tags"]);
    let lost = objects(&copy, &["snapshot/hourly"])
        .into_iter()
        .find(|object| !others.contains(object) && git(&copy, &["cat-file", "-t", object]).trim() == "blob")
        .expect("a blob only the hourly tier holds");
    std::fs::remove_file(copy.join(format!("objects/{}/{}", &lost[..2], &lost[2..]))).unwrap();
    let tip = rev(&copy, "snapshot/daily");
    let edited = HandMade {
        base: &tip,
        edits: vec![("project/locales.json".into(), Some(b"[]\n".to_vec()))],
        parents: vec![rev(&copy, "snapshot/daily^")],
        message: None,
    }
    .write(&copy);
    set_ref(&copy, "refs/heads/snapshot/daily", &edited);
    let daily = line(
        "daily",
        "snapshot/daily",
        Some(&c4),
        &edited,
        Some("project/locales.json"),
    );
    let run = check_case(
        &healthy,
        "lost-blob.git",
        healthy.verify("lost-blob.git", &healthy.github),
        &[
            "- **hourly** `snapshot/hourly`: its objects could not be fetched, so none of its snapshots was checked: "
                .to_owned(),
            daily + "project/locales.json has sha256 ",
        ],
        &["weekly", "monthly"],
    );
    let fetch_failure = problems(&run)[0];
    assert!(
        fetch_failure.contains(&format!("fatal: unable to read {lost}")),
        "git's words name the object: {fetch_failure}"
    );
    assert!(
        row(&run, "hourly").ends_with("| 0 |  |  | **1 problem** |"),
        "{}",
        run.summary
    );
    assert!(row(&run, "weekly").starts_with(&format!("| weekly | `snapshot/weekly` | 2 | `{c2}` | `{c4}` |")));
    assert_eq!(run.outputs["snapshot-id"], c4, "the newest snapshot checked");

    // A monthly tag on a commit with a parent (the daily one it was copied from).
    let copy = healthy.copy("tag-parent.git");
    let october = rev(&copy, "snapshot/daily~2");
    set_ref(&copy, "refs/tags/monthly-2026-10", &october);
    check_case(
        &healthy,
        "tag-parent.git",
        healthy.verify("tag-parent.git", &healthy.github),
        &[line("monthly", "monthly-2026-10", Some(&c1), &october, None)
            + "the commit has 1 parent(s): a monthly tag holds one parentless snapshot commit"],
        &["hourly", "daily", "weekly"],
    );

    // A tag named for a month its snapshot is not of, and without a release.
    let copy = healthy.copy("wrong-month.git");
    let tag = rev(&copy, "refs/tags/monthly-2026-10");
    set_ref(&copy, "refs/tags/monthly-2026-09", &tag);
    let september = line("monthly", "monthly-2026-09", Some(&c1), &tag, None);
    check_case(
        &healthy,
        "wrong-month.git",
        healthy.verify("wrong-month.git", &healthy.github),
        &[
            september.clone() + "the snapshot was captured in 2026-10, not in the month the tag names",
            september + "no GitHub Release in acme/cognigy-backup-demo",
        ],
        &["hourly", "daily", "weekly"],
    );

    // The healthy repository against a GitHub without the monthly release.
    let run = check_case(
        &healthy,
        "backup.git",
        healthy.verify("backup.git", &no_releases),
        &[line("monthly", "monthly-2026-10", Some(&c1), &tag, None)
            + "no GitHub Release in acme/cognigy-backup-demo: the next backup, promote or cleanup run makes it"],
        &["hourly", "daily", "weekly"],
    );
    assert!(
        run.summary
            .contains("1 of 1 monthly tags have no GitHub Release in acme/cognigy-backup-demo."),
        "{}",
        run.summary
    );
    assert_eq!(
        healthy.fixture.server.bytes_received("git-receive-pack"),
        0,
        "verify never pushed"
    );
}

#[test]
fn a_repository_without_snapshots_does_not_verify() {
    let fixture = Fixture::new();
    let run = Step::new()
        .with("mode", "verify")
        .with("remote-url", fixture.server.url("backup.git"))
        .with("branch-prefix", "backups/")
        .context("github.token", TOKEN)
        .run();
    assert_found(
        "empty",
        &run,
        &[
            "- **hourly** `backups/hourly`: the repository holds no snapshot of the tier(s) checked: check remote-url \
           and branch-prefix (backups/), or run a backup first"
                .to_owned(),
        ],
    );
    assert!(
        row(&run, "hourly").ends_with("| 0 |  |  | **1 problem** |"),
        "{}",
        run.summary
    );
    for tier in ["daily", "weekly", "monthly"] {
        assert!(
            row(&run, tier).ends_with("| 0 |  |  | absent: no snapshot yet |"),
            "{}",
            run.summary
        );
    }
    assert!(!run.outputs.contains_key("snapshot-id"), "no snapshot to name");
}

#[test]
fn verify_live_reports_the_drift_of_the_live_project_and_stays_ok() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let backup = support::step("backup", &fake, &fixture)
        .env("COGNIGY_BACKUP_NOW", "2026-11-22T08:00:00Z")
        .run();
    assert_eq!(backup.code, Some(0), "{}", backup.stdout);
    let verify = || {
        support::step("verify", &fake, &fixture)
            .with("verify-live", "true")
            .env("COGNIGY_BACKUP_NOW", "2026-11-22T09:00:00Z")
            .run()
    };

    let same = verify();
    assert_eq!(same.code, Some(0), "{}", same.stdout);
    assert_eq!(same.outputs["ok"], "true");
    assert!(
        same.summary.contains("equals the newest snapshot, `20261122T080000Z`"),
        "{}",
        same.summary
    );

    let (flow_name, added) = fake.edit(|p| {
        let primary = p.primary_locale_id().to_owned();
        let flow = p.flows[0].id().to_owned();
        let node = p.flows[0].nodes[1].doc["_id"].as_str().unwrap().to_owned();
        p.set_node_config(&flow, &node, &primary, json!({"say": {"text": ["Drifted"]}}));
        (p.flows[0].name().to_owned(), p.add_flow("Made after the backup", 2))
    });
    fake.reset_log();
    let drifted = verify();
    assert_eq!(drifted.code, Some(0), "drift is not damage: {}", drifted.stdout);
    assert_eq!(drifted.outputs["ok"], "true");
    let summary = &drifted.summary;
    assert!(
        summary.contains("has drifted from the newest snapshot, `20261122T080000Z`"),
        "{summary}"
    );
    assert!(summary.contains("1 added, 0 removed, 1 modified"), "{summary}");
    assert!(summary.contains("Created in Cognigy since the snapshot") && summary.contains("Made after the backup"));
    assert!(summary.contains(&flow_name) && summary.contains("config.say.text") && summary.contains("Drifted"));
    assert!(!added.is_empty());
    let writes: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && !r.path.ends_with("/intents/export") && !r.path.ends_with("/downloadlink"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(writes, Vec::<String>::new(), "the drift report only reads");
}
