//! The tiers through simulated days, weeks and months, run as a user would run them: the built binary
//! in `backup` and `promote` modes, its clock set with `COGNIGY_BACKUP_NOW`, against the fake Cognigy
//! server and a real `git http-backend`.
//!
//! Each test drives a tiny project (one flow, `resources: flows`, no native snapshot) through a
//! calendar, putting the project in a named state (`"a"`, `"b"`, ...: one node's config) before each
//! backup, and then reads the server's repository with the git CLI: every tier branch must be a linear
//! chain with a parentless root, holding exactly the expected snapshots (subject `snapshot <id>`,
//! capture dates, `project/` tree of the expected state), each a copy of the hourly commit it was
//! promoted from (same tree, message and dates); monthly tags are parentless copies.

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::cognigy::OneNode;
use support::git::{Fixture, TOKEN, assert_fsck_clean, git};
use support::runner::{Step, StepRun};

const HOURLY: &str = "snapshot/hourly";
const DAILY: &str = "snapshot/daily";
const WEEKLY: &str = "snapshot/weekly";

/// The repository `Fixture::new` creates on the server.
const REPO: &str = "backup.git";

/// A commit of the server's repository, as the git CLI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Commit {
    sha: String,
    parents: Vec<String>,
    /// The root tree.
    tree: String,
    /// The tree of `project/`.
    project: String,
    author_date: String,
    commit_date: String,
    /// The whole message.
    message: String,
}

impl Commit {
    fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }

    /// Everything a copy of a snapshot keeps: all but the commit id and the parents.
    fn snapshot(&self) -> (&str, &str, &str, &str, &str) {
        (
            &self.tree,
            &self.project,
            &self.author_date,
            &self.commit_date,
            &self.message,
        )
    }
}

/// One simulated project and git server.
struct Sim {
    /// The project; its node's text names its state.
    live: OneNode,
    fixture: Fixture,
    /// The `project/` tree of each named state, as first committed.
    states: RefCell<BTreeMap<String, String>>,
    /// Every hourly commit seen after a backup, by subject: what the other tiers copy.
    captured: RefCell<BTreeMap<String, Commit>>,
}

impl Sim {
    fn new() -> Sim {
        Sim {
            live: OneNode::start(7),
            fixture: Fixture::new(),
            states: RefCell::default(),
            captured: RefCell::default(),
        }
    }

    /// The server's repository `name` (created on first use).
    fn repo(&self, name: &str) -> PathBuf {
        let path = self.fixture.server.repo_path(name);
        if !path.exists() {
            self.fixture.server.create_repo(name);
        }
        path
    }

    /// A step of `mode` on repository `repo` at `now`, with the inputs every run here shares.
    fn step(&self, mode: &str, repo: &str, now: &str) -> Step {
        let step = Step::new()
            .with("mode", mode)
            .with("remote-url", self.fixture.server.url(repo))
            .context("github.token", TOKEN)
            .env("COGNIGY_BACKUP_NOW", now);
        if mode != "backup" {
            return step;
        }
        self.live.inputs(step).with("concurrency", "8")
    }

    /// Puts the project in state `label` (`None`: as it is) and backs it up into `repo` at `now`
    /// with `step`'s extra inputs; records the hourly commits.
    fn backup_with(&self, repo: &str, now: &str, label: Option<&str>, extra: impl FnOnce(Step) -> Step) -> StepRun {
        // The fake's audit trail runs on the simulated clock too: the edit is made at `now`.
        let at = time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339);
        self.live.fake.set_clock(at.expect("an RFC 3339 time"));
        if let Some(label) = label {
            self.live.set(label);
        }
        let run = extra(self.step("backup", repo, now)).run();
        assert_ok(&run, &format!("backup at {now}"));
        let hourly = chain(&self.repo(repo), HOURLY);
        let tip = hourly.last().expect("a backup leaves an hourly tier");
        if run.outputs["changed"] == "true" {
            assert_eq!(tip.subject(), subject(now), "the new snapshot is the hourly tip");
            if let Some(label) = label {
                self.states
                    .borrow_mut()
                    .entry(label.to_owned())
                    .or_insert_with(|| tip.project.clone());
            }
        }
        if let Some(label) = label {
            assert_eq!(tip.project, self.state(label), "the hourly tip holds state {label:?}");
        }
        let mut captured = self.captured.borrow_mut();
        for commit in hourly {
            captured.entry(commit.subject().to_owned()).or_insert(commit);
        }
        run
    }

    /// [`Sim::backup_with`] into the main repository with the default inputs.
    fn backup(&self, now: &str, label: Option<&str>) -> StepRun {
        self.backup_with(REPO, now, label, |step| step)
    }

    /// A promote run on `repo` at `now`, with `step`'s extra inputs; it must succeed.
    fn promote_with(&self, repo: &str, now: &str, extra: impl FnOnce(Step) -> Step) -> StepRun {
        let run = extra(self.step("promote", repo, now)).run();
        assert_ok(&run, &format!("promote at {now}"));
        run
    }

    /// The `project/` tree of state `label`.
    fn state(&self, label: &str) -> String {
        self.states
            .borrow()
            .get(label)
            .unwrap_or_else(|| panic!("state {label:?} was never backed up"))
            .clone()
    }

    /// Asserts that `branch` of the main repository holds exactly the snapshots captured at `expected`
    /// `(now, state)`, oldest first: a linear chain from a parentless root, each commit a copy of the
    /// hourly snapshot of that capture.
    fn assert_tier(&self, branch: &str, expected: &[(&str, &str)]) {
        self.assert_tier_in(REPO, branch, expected);
    }

    fn assert_tier_in(&self, repo: &str, branch: &str, expected: &[(&str, &str)]) {
        let commits = chain(&self.repo(repo), branch);
        let subjects: Vec<&str> = commits.iter().map(Commit::subject).collect();
        let wanted: Vec<String> = expected.iter().map(|(now, _)| subject(now)).collect();
        assert_eq!(subjects, wanted, "{branch} in {repo}");
        assert_linear(&commits, branch);
        for (commit, (now, label)) in commits.iter().zip(expected) {
            assert_eq!(
                commit.project,
                self.state(label),
                "{branch}: {} holds state {label:?}",
                commit.subject()
            );
            self.assert_copy(commit, now, branch);
        }
    }

    /// `commit` is the snapshot captured at `now`: its tree, message and dates as the hourly tier got them.
    fn assert_copy(&self, commit: &Commit, now: &str, what: &str) {
        let captured = self.captured.borrow();
        let original = captured
            .get(&subject(now))
            .unwrap_or_else(|| panic!("no hourly snapshot captured at {now}"));
        assert_eq!(
            commit.snapshot(),
            original.snapshot(),
            "{what}: {} is a copy of the hourly commit",
            commit.subject()
        );
        assert_eq!(commit.commit_date, now, "{what}: committed at its capture time");
        assert_eq!(commit.author_date, now, "{what}: authored at its capture time");
    }

    /// Asserts the monthly tags of the main repository: exactly `expected` `(tag, now, state)`, each a
    /// parentless copy of the snapshot captured at `now`.
    fn assert_tags(&self, expected: &[(&str, &str, &str)]) {
        let repo = self.repo(REPO);
        let tags = tags(&repo);
        let names: Vec<&str> = tags.keys().map(String::as_str).collect();
        let wanted: Vec<&str> = expected.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, wanted, "monthly tags");
        for (name, now, label) in expected {
            let commit = read_commit(&repo, &tags[*name]);
            assert_eq!(
                commit.parents,
                Vec::<String>::new(),
                "{name} points at a parentless commit"
            );
            assert_eq!(commit.subject(), subject(now), "{name}");
            assert_eq!(commit.project, self.state(label), "{name} holds state {label:?}");
            self.assert_copy(&commit, now, name);
        }
    }
}

fn assert_ok(run: &StepRun, what: &str) {
    assert_eq!(
        run.code,
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

/// `2026-12-28T09:00:00Z` -> `snapshot 20261228T090000Z`.
fn subject(now: &str) -> String {
    format!("snapshot {}", now.replace(['-', ':'], ""))
}

/// The chain of `branch` in `repo`, oldest first; empty when the branch does not exist.
fn chain(repo: &Path, branch: &str) -> Vec<Commit> {
    let full = format!("refs/heads/{branch}");
    if git(repo, &["for-each-ref", "--format=%(objectname)", &full])
        .trim()
        .is_empty()
    {
        return Vec::new();
    }
    let listing = git(repo, &["log", "--format=%H%x00%P%x00%T%x00%aI%x00%cI%x00%B%x1e", &full]);
    let mut commits: Vec<Commit> = listing
        .split('\x1e')
        .map(|record| record.trim_start_matches('\n'))
        .filter(|record| !record.is_empty())
        .map(|record| {
            let fields: Vec<&str> = record.splitn(6, '\0').collect();
            Commit {
                sha: fields[0].to_owned(),
                parents: fields[1].split_whitespace().map(str::to_owned).collect(),
                tree: fields[2].to_owned(),
                project: String::new(),
                author_date: fields[3].to_owned(),
                commit_date: fields[4].to_owned(),
                message: fields[5].to_owned(),
            }
        })
        .collect();
    let specs: Vec<String> = commits.iter().map(|c| format!("{}:project", c.sha)).collect();
    let mut args = vec!["rev-parse"];
    args.extend(specs.iter().map(String::as_str));
    for (commit, tree) in commits.iter_mut().zip(git(repo, &args).lines()) {
        commit.project = tree.to_owned();
    }
    commits.reverse();
    commits
}

/// One commit of `repo`.
fn read_commit(repo: &Path, sha: &str) -> Commit {
    let out = git(
        repo,
        &["show", "-s", "--format=%H%x00%P%x00%T%x00%aI%x00%cI%x00%B", sha],
    );
    let fields: Vec<&str> = out.splitn(6, '\0').collect();
    Commit {
        sha: fields[0].to_owned(),
        parents: fields[1].split_whitespace().map(str::to_owned).collect(),
        tree: fields[2].to_owned(),
        project: git(repo, &["rev-parse", &format!("{sha}:project")]).trim().to_owned(),
        author_date: fields[3].to_owned(),
        commit_date: fields[4].to_owned(),
        message: fields[5].trim_end_matches('\n').to_owned() + "\n",
    }
}

/// A chain from a parentless root, each commit's one parent the commit before it.
fn assert_linear(commits: &[Commit], branch: &str) {
    for (i, commit) in commits.iter().enumerate() {
        let parents: Vec<&str> = commits[..i].last().map(|c| c.sha.as_str()).into_iter().collect();
        assert_eq!(
            commit.parents,
            parents,
            "{branch}: {} has the commit before it as its one parent",
            commit.subject()
        );
    }
}

/// Every ref of `repo`: name -> object id.
fn refs(repo: &Path) -> BTreeMap<String, String> {
    git(repo, &["for-each-ref", "--format=%(refname) %(objectname)"])
        .lines()
        .map(|l| {
            let (name, id) = l.split_once(' ').unwrap();
            (name.to_owned(), id.to_owned())
        })
        .collect()
}

/// The monthly tags of `repo`: short name -> the commit each points at.
fn tags(repo: &Path) -> BTreeMap<String, String> {
    git(
        repo,
        &[
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
            "refs/tags/monthly-*",
        ],
    )
    .lines()
    .map(|l| {
        let (name, id) = l.split_once(' ').unwrap();
        (name.to_owned(), id.to_owned())
    })
    .collect()
}

/// Subjects and `project/` trees of a branch, for comparing two repositories.
fn contents(repo: &Path, branch: &str) -> Vec<(String, String)> {
    chain(repo, branch)
        .into_iter()
        .map(|c| (c.subject().to_owned(), c.project))
        .collect()
}

/// The number of commits reachable from any ref of `repo`.
fn reachable_commits(repo: &Path) -> usize {
    git(repo, &["rev-list", "--all", "--count"]).trim().parse().unwrap()
}

/// The number of objects reachable from any ref of `repo`.
fn reachable_objects(repo: &Path) -> usize {
    git(repo, &["rev-list", "--all", "--objects"]).lines().count()
}

#[test]
fn daily_and_weekly_hold_the_newest_state_of_each_day_and_of_an_iso_week_across_the_year_end() {
    let sim = Sim::new();
    let server = &sim.fixture.server;

    // Monday of 2026-W53, which runs to Sunday 2027-01-03.
    let first = sim.backup("2026-12-28T09:00:00Z", Some("a"));
    assert_eq!(first.outputs["tiers-updated"], "hourly,daily,weekly");
    sim.assert_tier(DAILY, &[("2026-12-28T09:00:00Z", "a")]);
    sim.assert_tier(WEEKLY, &[("2026-12-28T09:00:00Z", "a")]);

    // The same day: the daily tip is replaced, not stacked; the hourly tier keeps both.
    let second = sim.backup("2026-12-28T10:00:00Z", Some("b"));
    assert_eq!(second.outputs["tiers-updated"], "hourly,daily,weekly");
    sim.assert_tier(HOURLY, &[("2026-12-28T09:00:00Z", "a"), ("2026-12-28T10:00:00Z", "b")]);
    sim.assert_tier(DAILY, &[("2026-12-28T10:00:00Z", "b")]);
    sim.assert_tier(WEEKLY, &[("2026-12-28T10:00:00Z", "b")]);

    // Unchanged, later that day and on the next day: nothing is added, nothing pushed.
    for now in ["2026-12-28T23:00:00Z", "2026-12-29T00:00:00Z"] {
        server.reset_bytes_received();
        let unchanged = sim.backup(now, Some("b"));
        assert_eq!(unchanged.outputs["changed"], "false", "{now}");
        assert_eq!(unchanged.outputs["tiers-updated"], "", "{now}");
        assert_eq!(server.bytes_received("git-receive-pack"), 0, "{now}: nothing pushed");
        sim.assert_tier(DAILY, &[("2026-12-28T10:00:00Z", "b")]);
    }

    // The next day with a change appends to the daily tier; the week's tip is replaced.
    sim.backup("2026-12-29T09:00:00Z", Some("c"));
    sim.assert_tier(DAILY, &[("2026-12-28T10:00:00Z", "b"), ("2026-12-29T09:00:00Z", "c")]);
    sim.assert_tier(WEEKLY, &[("2026-12-29T09:00:00Z", "c")]);

    sim.backup("2026-12-31T23:59:59Z", Some("d"));
    sim.assert_tags(&[]);

    // 2027-01-01 is still in 2026-W53: the weekly tip is replaced across the year's end, and
    // December has ended, so its newest daily snapshot is tagged.
    let new_year = sim.backup("2027-01-01T09:00:00Z", Some("e"));
    assert_eq!(new_year.outputs["tiers-updated"], "hourly,daily,weekly,monthly");
    sim.assert_tier(
        DAILY,
        &[
            ("2026-12-28T10:00:00Z", "b"),
            ("2026-12-29T09:00:00Z", "c"),
            ("2026-12-31T23:59:59Z", "d"),
            ("2027-01-01T09:00:00Z", "e"),
        ],
    );
    sim.assert_tier(WEEKLY, &[("2027-01-01T09:00:00Z", "e")]);
    sim.assert_tags(&[("monthly-2026-12", "2026-12-31T23:59:59Z", "d")]);

    sim.backup("2027-01-03T23:59:59Z", Some("f"));
    sim.assert_tier(WEEKLY, &[("2027-01-03T23:59:59Z", "f")]);

    // Monday 2027-01-04 opens 2027-W01: the weekly tier appends, then replaces within the new week.
    sim.backup("2027-01-04T00:00:00Z", Some("g"));
    sim.assert_tier(WEEKLY, &[("2027-01-03T23:59:59Z", "f"), ("2027-01-04T00:00:00Z", "g")]);
    let last = sim.backup("2027-01-04T12:00:00Z", Some("h"));
    assert_eq!(last.outputs["tiers-updated"], "hourly,daily,weekly");
    sim.assert_tier(WEEKLY, &[("2027-01-03T23:59:59Z", "f"), ("2027-01-04T12:00:00Z", "h")]);
    sim.assert_tier(
        DAILY,
        &[
            ("2026-12-28T10:00:00Z", "b"),
            ("2026-12-29T09:00:00Z", "c"),
            ("2026-12-31T23:59:59Z", "d"),
            ("2027-01-01T09:00:00Z", "e"),
            ("2027-01-03T23:59:59Z", "f"),
            ("2027-01-04T12:00:00Z", "h"),
        ],
    );
    sim.assert_tags(&[("monthly-2026-12", "2026-12-31T23:59:59Z", "d")]);
    sim.fixture.assert_fsck_clean();
}

#[test]
fn a_month_is_tagged_on_the_first_run_after_it_ends_unless_it_equals_the_previous_tag() {
    let sim = Sim::new();
    sim.backup("2026-11-20T10:00:00Z", Some("a"));
    sim.backup("2026-11-29T10:00:00Z", Some("b"));
    sim.backup("2026-11-30T23:59:59Z", Some("c"));
    sim.assert_tags(&[]);

    // The first run of December, with the project unchanged, tags November's newest daily snapshot.
    let december = sim.backup("2026-12-01T00:00:00Z", Some("c"));
    assert_eq!(december.outputs["changed"], "false");
    assert_eq!(december.outputs["tiers-updated"], "monthly");
    sim.assert_tags(&[("monthly-2026-11", "2026-11-30T23:59:59Z", "c")]);

    // December changes and changes back: its newest snapshot equals November's tag.
    sim.backup("2026-12-05T10:00:00Z", Some("d"));
    sim.backup("2026-12-06T10:00:00Z", Some("c"));
    sim.assert_tier(
        DAILY,
        &[
            ("2026-11-20T10:00:00Z", "a"),
            ("2026-11-29T10:00:00Z", "b"),
            ("2026-11-30T23:59:59Z", "c"),
            ("2026-12-05T10:00:00Z", "d"),
            ("2026-12-06T10:00:00Z", "c"),
        ],
    );
    let january = sim.promote_with(REPO, "2027-01-01T00:30:00Z", |step| step);
    assert_eq!(january.outputs["tiers-updated"], "", "December equals November: no tag");
    sim.assert_tags(&[("monthly-2026-11", "2026-11-30T23:59:59Z", "c")]);

    // The first run of February brings a change of its own: the tag is January's newest, not the tip.
    sim.backup("2027-01-10T10:00:00Z", Some("e"));
    sim.backup("2027-01-31T22:00:00Z", Some("f"));
    let february = sim.backup("2027-02-01T08:00:00Z", Some("g"));
    assert_eq!(february.outputs["tiers-updated"], "hourly,daily,weekly,monthly");
    sim.assert_tags(&[
        ("monthly-2026-11", "2026-11-30T23:59:59Z", "c"),
        ("monthly-2027-01", "2027-01-31T22:00:00Z", "f"),
    ]);
    sim.fixture.assert_fsck_clean();
}

#[test]
fn a_second_promote_at_the_same_time_changes_nothing_and_pushes_nothing() {
    let sim = Sim::new();
    let no_promotion = |step: Step| step.with("promote", "false");
    // Monday 2027-03-29 to Thursday 2027-04-01, all in 2027-W13, backed up without promotion.
    for (now, label) in [
        ("2027-03-29T10:00:00Z", "a"),
        ("2027-03-30T10:00:00Z", "b"),
        ("2027-03-31T22:00:00Z", "c"),
        ("2027-04-01T10:00:00Z", "d"),
    ] {
        let run = sim.backup_with(REPO, now, Some(label), no_promotion);
        assert_eq!(run.outputs["tiers-updated"], "hourly", "{now}");
    }
    let repo = sim.repo(REPO);
    assert_eq!(chain(&repo, DAILY), vec![], "no promotion yet");
    assert_eq!(tags(&repo), BTreeMap::new());

    let now = "2027-04-02T00:00:00Z";
    let first = sim.promote_with(REPO, now, |step| step);
    assert_eq!(first.outputs["tiers-updated"], "daily,weekly,monthly");
    assert_eq!(first.outputs["changed"], "false");
    let daily = [
        ("2027-03-29T10:00:00Z", "a"),
        ("2027-03-30T10:00:00Z", "b"),
        ("2027-03-31T22:00:00Z", "c"),
        ("2027-04-01T10:00:00Z", "d"),
    ];
    sim.assert_tier(DAILY, &daily);
    sim.assert_tier(WEEKLY, &[("2027-04-01T10:00:00Z", "d")]);
    sim.assert_tags(&[("monthly-2027-03", "2027-03-31T22:00:00Z", "c")]);
    let after_first = refs(&repo);

    // Again at the same time, later with nothing new, and a promoting backup of the unchanged project.
    for what in ["the same time", "later", "a backup"] {
        sim.fixture.server.reset_bytes_received();
        let run = match what {
            "the same time" => sim.promote_with(REPO, now, |step| step),
            "later" => sim.promote_with(REPO, "2027-04-02T06:00:00Z", |step| step),
            // Reading everything every run, it records no new export state (a scrub would).
            _ => sim.backup_with(REPO, "2027-04-02T07:00:00Z", Some("d"), |step| {
                step.with("full-export-every", "0")
            }),
        };
        assert_eq!(run.outputs["tiers-updated"], "", "{what}");
        assert_eq!(refs(&repo), after_first, "{what}: the server's refs are as they were");
        assert_eq!(
            sim.fixture.server.bytes_received("git-receive-pack"),
            0,
            "{what}: nothing pushed"
        );
    }
    sim.assert_tier(DAILY, &daily);
    sim.fixture.assert_fsck_clean();
}

/// The repository backed up without promotion in the late-promotion tests.
const LATE: &str = "late.git";

/// Runs `script` (`(now, state or unchanged, promote the late repository then)`) into two repositories
/// with the `keeps`: the main one promoted by every backup, [`LATE`] backed up with `promote: false`
/// and promoted only where the script says. After each late promotion both must hold the same
/// commits in every tier and tag.
fn promote_late_and_on_time(sim: &Sim, script: &[(&str, Option<&str>, bool)], keeps: impl Fn(Step) -> Step + Copy) {
    let (on_time, late) = (sim.repo(REPO), sim.repo(LATE));
    for &(now, label, promote_late) in script {
        sim.backup_with(REPO, now, label, keeps);
        let run = sim.backup_with(LATE, now, None, |step| keeps(step).with("promote", "false"));
        assert!(matches!(run.outputs["tiers-updated"].as_str(), "" | "hourly"), "{now}");
        if !promote_late {
            continue;
        }
        sim.promote_with(LATE, now, keeps);
        for branch in [HOURLY, DAILY, WEEKLY] {
            assert_eq!(contents(&late, branch), contents(&on_time, branch), "{branch} at {now}");
        }
        let subjects = |repo: &Path| -> BTreeMap<String, String> {
            tags(repo)
                .into_iter()
                .map(|(name, sha)| (name, read_commit(repo, &sha).subject().to_owned()))
                .collect()
        };
        assert_eq!(subjects(&late), subjects(&on_time), "monthly tags at {now}");
        assert_eq!(refs(&late), refs(&on_time), "at {now}: the same commits, tags included");
    }
    sim.fixture.assert_fsck_clean();
    assert_fsck_clean(&late);
}

#[test]
fn a_late_promotion_gives_the_tiers_and_tags_of_promoting_after_every_backup() {
    let sim = Sim::new();
    // Enough hourly snapshots for the late repository to catch up from; few daily ones, so the
    // catch-up prunes as well.
    let keeps = |step: Step| step.with("keep-hourly", "50").with("keep-daily", "4");
    let script: &[(&str, Option<&str>, bool)] = &[
        ("2027-01-29T09:00:00Z", Some("a"), false),
        ("2027-01-29T15:00:00Z", Some("b"), false),
        ("2027-01-30T10:00:00Z", None, false),
        ("2027-01-31T23:00:00Z", Some("c"), false),
        // Monday: a new ISO week and a new month.
        ("2027-02-01T08:00:00Z", Some("d"), false),
        ("2027-02-01T18:00:00Z", Some("e"), false),
        ("2027-02-02T09:00:00Z", None, true),
        ("2027-02-03T09:00:00Z", Some("f"), false),
        ("2027-02-04T09:00:00Z", Some("g"), false),
        ("2027-02-04T21:00:00Z", Some("h"), false),
        ("2027-02-08T07:00:00Z", Some("i"), false),
        ("2027-02-09T07:00:00Z", None, true),
    ];
    promote_late_and_on_time(&sim, script, keeps);
    sim.assert_tier_in(
        LATE,
        DAILY,
        &[
            ("2027-02-01T18:00:00Z", "e"),
            ("2027-02-03T09:00:00Z", "f"),
            ("2027-02-04T21:00:00Z", "h"),
            ("2027-02-08T07:00:00Z", "i"),
        ],
    );
    sim.assert_tier_in(
        LATE,
        WEEKLY,
        &[
            ("2027-01-31T23:00:00Z", "c"),
            ("2027-02-04T21:00:00Z", "h"),
            ("2027-02-08T07:00:00Z", "i"),
        ],
    );
    sim.assert_tags(&[("monthly-2027-01", "2027-01-31T23:00:00Z", "c")]);
}

/// A month that ends in the middle of an ISO week, promoted late by more days than the daily tier
/// keeps (the hourly tier still holds every snapshot): the weekly tier still gets the earlier week's
/// last snapshot, and the month is tagged with its last snapshot, as by on-time runs.
#[test]
fn a_late_promotion_past_the_daily_keep_still_gives_each_week_and_month_its_last_snapshot() {
    let sim = Sim::new();
    let keeps = |step: Step| step.with("keep-hourly", "50").with("keep-daily", "3");
    // Wednesday 2027-03-31 ends March in the middle of 2027-W13 (Monday 03-29 to Sunday 04-04).
    let script: &[(&str, Option<&str>, bool)] = &[
        ("2027-03-27T10:00:00Z", Some("a"), false),
        ("2027-03-31T10:00:00Z", Some("b"), false),
        ("2027-04-01T10:00:00Z", Some("c"), false),
        ("2027-04-02T10:00:00Z", Some("d"), false),
        ("2027-04-03T10:00:00Z", Some("e"), true),
    ];
    promote_late_and_on_time(&sim, script, keeps);
    sim.assert_tier_in(
        LATE,
        WEEKLY,
        &[("2027-03-27T10:00:00Z", "a"), ("2027-04-03T10:00:00Z", "e")],
    );
    sim.assert_tags(&[("monthly-2027-03", "2027-03-31T10:00:00Z", "b")]);
}

/// With `keep-daily: 1`, the first run of a month that brings a change pushes the previous month's
/// last snapshot out of the daily tier; when that month ended in the middle of an ISO week, the
/// weekly tier no longer holds it either. It is still the one tagged.
#[test]
fn one_daily_snapshot_kept_still_tags_the_months_last_snapshot() {
    let sim = Sim::new();
    let keep_one = |step: Step| step.with("keep-daily", "1");
    sim.backup_with(REPO, "2027-03-29T10:00:00Z", Some("a"), keep_one);
    sim.backup_with(REPO, "2027-03-31T10:00:00Z", Some("b"), keep_one);
    let april = sim.backup_with(REPO, "2027-04-01T10:00:00Z", Some("c"), keep_one);
    assert_eq!(april.outputs["tiers-updated"], "hourly,daily,weekly,monthly");
    sim.assert_tier(DAILY, &[("2027-04-01T10:00:00Z", "c")]);
    sim.assert_tier(WEEKLY, &[("2027-04-01T10:00:00Z", "c")]);
    sim.assert_tags(&[("monthly-2027-03", "2027-03-31T10:00:00Z", "b")]);
    sim.fixture.assert_fsck_clean();
}

#[test]
fn lowering_the_keeps_prunes_each_branch_to_its_newest_commits_unchanged() {
    let sim = Sim::new();
    // One change every other day from Monday 2027-05-03 (2027-W18) through three ISO weeks.
    let days = ["03", "05", "07", "08", "10", "12", "14", "17", "19", "21"];
    let labels = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for (day, label) in days.iter().zip(labels) {
        sim.backup(&format!("2027-05-{day}T09:00:00Z"), Some(label));
    }
    let repo = sim.repo(REPO);
    let before: BTreeMap<&str, Vec<Commit>> = [HOURLY, DAILY, WEEKLY].map(|b| (b, chain(&repo, b))).into();
    assert_eq!(before[HOURLY].len(), 6, "keep-hourly defaults to 6");
    assert_eq!(before[DAILY].len(), 7, "keep-daily defaults to 7");
    assert_eq!(before[WEEKLY].len(), 3, "one per ISO week: W18, W19, W20");

    let lowered = |step: Step| {
        step.with("keep-hourly", "2")
            .with("keep-daily", "3")
            .with("keep-weekly", "1")
    };
    let now = "2027-05-21T12:00:00Z";
    let run = sim.promote_with(REPO, now, lowered);
    assert_eq!(run.outputs["tiers-updated"], "hourly,daily,weekly");
    for (branch, keep) in [(HOURLY, 2), (DAILY, 3), (WEEKLY, 1)] {
        let after = chain(&repo, branch);
        assert_linear(&after, branch);
        let kept = &before[branch][before[branch].len() - keep..];
        assert_eq!(after.len(), keep, "{branch}");
        for (new, old) in after.iter().zip(kept) {
            assert_eq!(
                new.snapshot(),
                old.snapshot(),
                "{branch}: {} keeps its tree, message and dates",
                old.subject()
            );
        }
    }
    sim.assert_tier(
        DAILY,
        &[
            ("2027-05-17T09:00:00Z", "h"),
            ("2027-05-19T09:00:00Z", "i"),
            ("2027-05-21T09:00:00Z", "j"),
        ],
    );
    sim.assert_tier(HOURLY, &[("2027-05-19T09:00:00Z", "i"), ("2027-05-21T09:00:00Z", "j")]);
    sim.assert_tier(WEEKLY, &[("2027-05-21T09:00:00Z", "j")]);
    sim.assert_tags(&[]);

    // Once pruned, the same promotion has nothing left to do.
    let pruned = refs(&repo);
    sim.fixture.server.reset_bytes_received();
    let again = sim.promote_with(REPO, now, lowered);
    assert_eq!(again.outputs["tiers-updated"], "");
    assert_eq!(refs(&repo), pruned);
    assert_eq!(sim.fixture.server.bytes_received("git-receive-pack"), 0);
    sim.fixture.assert_fsck_clean();
}

#[test]
fn storage_stops_growing_once_the_tiers_are_full() {
    let sim = Sim::new();
    let (hourly, daily, weekly, monthly) = (3, 3, 2, 2);
    let keeps = |step: Step| {
        step.with("keep-hourly", hourly.to_string())
            .with("keep-daily", daily.to_string())
            .with("keep-weekly", weekly.to_string())
            .with("keep-monthly", monthly.to_string())
    };
    // The keeps, and the export state's one commit.
    let bound = hourly + daily + weekly + monthly + 1;
    let repo = sim.repo(REPO);
    let start = time::macros::datetime!(2027-01-20 09:00 UTC);
    let mut most = (0, 0);
    // Every five days from 2027-01-20 to 2027-04-05, a change in the morning and one in the evening.
    for step in 0..16 {
        let day = start + time::Duration::days(5 * step);
        for (half, hours) in [(0, 0), (1, 12)] {
            let at = day + time::Duration::hours(hours);
            let now = at.format(&time::format_description::well_known::Rfc3339).unwrap();
            sim.backup_with(REPO, &now, Some(&format!("s{step}-{half}")), keeps);
            for (branch, keep) in [(HOURLY, hourly), (DAILY, daily), (WEEKLY, weekly)] {
                let commits = chain(&repo, branch);
                assert!(
                    commits.len() <= keep,
                    "{now}: {branch} holds {} > {keep}",
                    commits.len()
                );
                assert_linear(&commits, branch);
            }
            assert!(tags(&repo).len() <= monthly, "{now}: {:?}", tags(&repo));
            let commits = reachable_commits(&repo);
            assert!(
                commits <= bound,
                "{now}: {commits} commits reachable, more than the {bound} the keeps allow"
            );
            most = (most.0.max(commits), most.1.max(reachable_objects(&repo)));
        }
    }
    // Full: every branch at its keep, and the oldest month's tag deleted for the newest.
    for (branch, keep) in [(HOURLY, hourly), (DAILY, daily), (WEEKLY, weekly)] {
        assert_eq!(chain(&repo, branch).len(), keep, "{branch}");
    }
    assert_eq!(
        tags(&repo).keys().collect::<Vec<_>>(),
        ["monthly-2027-02", "monthly-2027-03"]
    );
    sim.assert_tags(&[
        ("monthly-2027-02", "2027-02-24T21:00:00Z", "s7-1"),
        ("monthly-2027-03", "2027-03-31T21:00:00Z", "s14-1"),
    ]);
    // Objects too: no more than the kept snapshots' trees hold.
    let tip = chain(&repo, HOURLY).pop().unwrap();
    let per_snapshot = git(&repo, &["ls-tree", "-r", "-t", &tip.sha]).lines().count() + 2;
    assert!(most.1 <= bound * per_snapshot, "{} objects reachable at most", most.1);
    eprintln!(
        "at most {} commits and {} objects reachable; {per_snapshot} objects per snapshot",
        most.0, most.1
    );
    sim.fixture.assert_fsck_clean();
}

#[test]
fn a_clock_behind_the_newest_snapshot_fails_the_run_and_pushes_nothing() {
    let sim = Sim::new();
    sim.backup("2027-06-10T12:00:00Z", Some("a"));
    let repo = sim.repo(REPO);
    let before = refs(&repo);
    sim.live.set("b");
    let behind = "2027-06-09T12:00:00Z";
    for mode in ["backup", "promote"] {
        sim.fixture.server.reset_bytes_received();
        let run = sim.step(mode, REPO, behind).run();
        assert_eq!(run.code, Some(1), "{mode}: {}", run.stdout);
        let error = run.error();
        assert!(
            error.message.contains("COGNIGY_BACKUP_NOW")
                && error.message.contains("2027-06-09T12:00:00Z")
                && error.message.contains("2027-06-10T12:00:00Z"),
            "{mode}: {}",
            error.message
        );
        assert_eq!(refs(&repo), before, "{mode}: the server's refs are untouched");
        assert_eq!(
            sim.fixture.server.bytes_received("git-receive-pack"),
            0,
            "{mode}: nothing pushed"
        );
    }
    sim.fixture.assert_fsck_clean();
}
