//! The year-long soak: one simulated year of half-hourly backups, checked after every run.
//!
//! `cargo run --release --example soak` starts the fake Cognigy API in-process with a tiny project
//! (one locale, one endpoint) and runs the action's backup mode in-process (`app::run`, as the demo
//! does) 17,520 times, every 30 minutes of 2026 through `COGNIGY_BACKUP_NOW`, into a local bare
//! repository: default keeps (6/7/4/12), promotion on, no native snapshot, no GitHub API (so the
//! monthly tier is tags alone). Between runs a seeded RNG edits the project at uneven times: quiet
//! weeks, calm days, bursts, undos, returns to much older states, and edits undone before the next
//! run saw them.
//!
//! After every run it reads the bare repository in-process with gix and checks it against a
//! reference model of the contract's "Tiers" rules written here, independently of `retention`:
//! - the refs are the three tier branches and the monthly tags, nothing else;
//! - each tier branch is a linear chain of at most its keep whose oldest commit has no parent;
//! - a run that found the project changed put a snapshot captured at that run's "now" on the hourly
//!   tier, holding the project as edited (its manifest intact), and said `changed=true` (else
//!   `false`); equal project states always have equal `project/` trees and different states
//!   different ones;
//! - each tier holds exactly the snapshots the model keeps, oldest first: capture times and whole
//!   trees (manifest included, so byte for byte); every 100th run, every file of every kept snapshot
//!   is read back and compared with the files first captured;
//! - the daily and weekly tiers hold one snapshot a UTC day / ISO week (neighbours may hold the same
//!   project: a day that changes and changes back replaces its tip); their tips are the hourly tip (same capture, same tree): with a promotion after every
//!   backup, the newest state of the current day and week is the newest capture, which may be days
//!   old on a quiet day (a day without change adds nothing);
//! - the monthly tags are exactly the model's: `monthly-YYYY-MM` for every ended month whose newest
//!   daily snapshot differs from the previous tag's, at most keep-monthly, each holding that snapshot.
//!
//! It stops at the first violation with a non-zero exit, naming the run, the check, what was expected
//! and what was found; at the end it prints the time taken (per phase), the runs, the changes and the
//! repository's size, before and after a `git gc --prune=now`. The action prints log groups to
//! stdout on every run, which would bury the report: the soak runs itself again as a child with
//! stdout discarded and reports on stderr. It works under `/dev/shm` where there is one. Needs `git`
//! on the PATH (to create the bare repository, measure it once a month and gc it at the end).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::app;
use cognigy_backup_action::snapshot::{Files, manifest};
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Kind, Options, ProjectSpec, id_of};
use gix::ObjectId;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

const START: OffsetDateTime = datetime!(2026-01-01 00:07:00 UTC);
const INTERVAL: time::Duration = time::Duration::minutes(30);
const RUNS_A_DAY: usize = 48;
/// Half-hourly runs for 365 days.
const RUNS: usize = 365 * RUNS_A_DAY;
const SEED: u64 = 2026;
/// The default keeps (the action's inputs are left unset).
const KEEP_HOURLY: usize = 6;
const KEEP_DAILY: usize = 7;
const KEEP_WEEKLY: usize = 4;
const KEEP_MONTHLY: usize = 12;
/// Every this many runs (and after the last), every file of every kept snapshot is compared.
const FULL_FILES_EVERY: usize = 100;
const BRANCH_PREFIX: &str = "refs/heads/snapshot/";
const TAG_PREFIX: &str = "refs/tags/monthly-";
/// Set in the child that runs the soak (see the module's doc).
const CHILD_VAR: &str = "COGNIGY_SOAK_CHILD";
const RAM_DISK: &str = "/dev/shm";

type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    if std::env::var_os(CHILD_VAR).is_some() {
        return match soak() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("\nsoak FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let exe = std::env::current_exe().expect("the soak knows its own executable");
    let status = Command::new(exe)
        .env(CHILD_VAR, "1")
        .stdout(Stdio::null())
        .status()
        .expect("the soak starts itself as a child");
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        _ => {
            eprintln!("soak: the child process ended with {status}");
            ExitCode::FAILURE
        }
    }
}

fn soak() -> Result<(), Error> {
    let started = Instant::now();
    // On ext4, creating and deleting each run's scratch repository takes longer than the run's
    // own work: where there is a RAM disk, the soak works there.
    let ram = Path::new(RAM_DISK);
    let work = if ram.is_dir() {
        tempfile::tempdir_in(ram)?
    } else {
        tempfile::tempdir()?
    };
    let remote = work.path().join("snapshots.git");
    git(
        work.path(),
        &[
            "init",
            "--quiet",
            "--bare",
            remote.to_str().ok_or("a UTF-8 temporary path")?,
        ],
    )?;
    let spec = ProjectSpec {
        endpoints: 1,
        ..ProjectSpec::empty()
    };
    let fake = FakeCognigy::start(spec, Options::default());
    let project = Project::new(&fake);
    let mut edits = Edits::new(fastrand::Rng::with_seed(SEED));
    let mut model = Model::default();
    let mut seen = Seen::default();
    let mut times = Phases::default();
    let outputs = work.path().join("outputs");
    eprintln!(
        "soak: {RUNS} half-hourly backups from {}, into {}",
        rfc3339(START),
        remote.display()
    );

    for run in 0..RUNS {
        let now = START + INTERVAL * run as u32;
        let phase = Instant::now();
        for state in edits.before_run(run) {
            project.set(state);
        }
        times.edits += phase.elapsed();

        let phase = Instant::now();
        let _ = std::fs::remove_file(&outputs);
        let status = app::run(&environment(&fake, work.path(), &remote, &outputs, now));
        times.runs += phase.elapsed();
        let at = |e: Error| -> Error { format!("run {} of {RUNS} (now {}): {e}", run + 1, rfc3339(now)).into() };
        if status != app::SUCCESS {
            return Err(at(
                format!("the backup exited with {status}, not {}", app::SUCCESS).into()
            ));
        }

        let phase = Instant::now();
        let captured = model.run(now, edits.state);
        check_changed_output(&outputs, captured).map_err(at)?;
        let repo = Repo::open(&remote).map_err(at)?;
        let found = repo.tiers().map_err(at)?;
        if captured {
            seen.capture(&repo, &found.hourly, now, edits.state).map_err(at)?;
        }
        check(&model, &found, &seen, edits.state).map_err(at)?;
        times.checks += phase.elapsed();
        if (run + 1).is_multiple_of(FULL_FILES_EVERY) || run + 1 == RUNS {
            let phase = Instant::now();
            check_files(&repo, &found, &seen).map_err(at)?;
            times.full_files += phase.elapsed();
        }

        let next = now + INTERVAL;
        if next.month() != now.month() || run + 1 == RUNS {
            eprintln!(
                "  {}-{:02}: {:>5} runs, {:>4} changes, {:>4} snapshots; repository {}; {:.0} s",
                now.year(),
                now.month() as u8,
                run + 1,
                edits.changes,
                seen.records.len(),
                repository_size(&remote)?,
                started.elapsed().as_secs_f64()
            );
        }
    }

    eprintln!(
        "\nsoak passed: {RUNS} runs, {} changes to the project ({} of them returns to an earlier state), {} snapshots \
         captured, every check after every run",
        edits.changes,
        edits.reverts,
        seen.records.len()
    );
    eprintln!("final repository: {}", repository_size(&remote)?);
    // Objects the re-rooting left unreachable stay on a real remote until its gc prunes them, two
    // weeks later by default: the soak's year passed in minutes, so prune them now to see the rest.
    git(&remote, &["gc", "--quiet", "--prune=now"])?;
    eprintln!("after git gc --prune=now: {}", repository_size(&remote)?);
    eprintln!("final tiers: {}", model.describe());
    eprintln!(
        "time: {:.1} s in all: backups {:.1} s ({:.1} ms a run), checks {:.1} s, full-file checks {:.1} s, edits {:.1} s",
        started.elapsed().as_secs_f64(),
        times.runs.as_secs_f64(),
        times.runs.as_secs_f64() * 1000.0 / RUNS as f64,
        times.checks.as_secs_f64(),
        times.full_files.as_secs_f64(),
        times.edits.as_secs_f64()
    );
    Ok(())
}

/// One run of the action in backup mode at `now`, as the runner would start it (promotion on by default).
fn environment(fake: &FakeCognigy, work: &Path, remote: &Path, outputs: &Path, now: OffsetDateTime) -> Environment {
    Environment::from_vars([
        ("INPUT_MODE", "backup".to_owned()),
        ("INPUT_COGNIGY-BASE-URL", fake.base_url().to_owned()),
        ("INPUT_COGNIGY-API-KEY", fake.api_key().to_owned()),
        ("INPUT_COGNIGY-PROJECT-ID", fake.project_id().to_owned()),
        ("INPUT_REMOTE-URL", remote.display().to_string()),
        ("INPUT_RESOURCES", "endpoints".to_owned()),
        ("INPUT_NATIVE-SNAPSHOT", "off".to_owned()),
        ("INPUT_REQUESTS-PER-SECOND", "1000".to_owned()),
        ("INPUT_CONCURRENCY", "8".to_owned()),
        // The simulated clock is not the fake's: the audit trail, read back to a capture time a year
        // before the fake's events, would be read to its page bound on every change and name
        // nobody. Under this fixed clock every export is full anyway (see `modes::incremental`).
        ("INPUT_RECORD-EDITORS", "false".to_owned()),
        ("RUNNER_TEMP", work.display().to_string()),
        ("GITHUB_OUTPUT", outputs.display().to_string()),
        ("COGNIGY_BACKUP_NOW", rfc3339(now)),
    ])
}

/// The run's output `changed` says whether it captured a new snapshot.
fn check_changed_output(outputs: &Path, captured: bool) -> Result<(), Error> {
    let text = std::fs::read_to_string(outputs)?;
    let changed = text.lines().find_map(|line| line.strip_prefix("changed="));
    let expected = if captured { "true" } else { "false" };
    if changed != Some(expected) {
        let check = "the output `changed` says whether the run captured a new snapshot";
        return Err(violation(check, format!("changed={expected}"), format!("{changed:?}")));
    }
    Ok(())
}

/// The fake project's one endpoint, whose description tells the project state: state `n` is
/// `"soak state n"`, so equal states are equal projects.
struct Project<'a> {
    fake: &'a FakeCognigy,
    endpoint: String,
}

impl<'a> Project<'a> {
    fn new(fake: &'a FakeCognigy) -> Self {
        let endpoint = fake.edit(|p| id_of(&p.items(Kind::Endpoint)[0]).to_owned());
        let project = Project { fake, endpoint };
        project.set(0);
        project
    }

    fn set(&self, state: u32) {
        self.fake
            .edit(|p| p.set_field(&self.endpoint, "description", json!(marker(state))));
    }
}

fn marker(state: u32) -> String {
    format!("soak state {state}")
}

/// When and how the project changes: a seeded schedule, uneven on purpose.
struct Edits {
    rng: fastrand::Rng,
    /// The state the project is in now.
    state: u32,
    /// Every state so far, in the order they were entered.
    history: Vec<u32>,
    next_state: u32,
    changes: usize,
    reverts: usize,
    quiet_week: bool,
    /// The chance of a change before a run, today.
    day_rate: f64,
    /// Runs left in the current burst of changes.
    burst: usize,
}

impl Edits {
    fn new(rng: fastrand::Rng) -> Self {
        Edits {
            rng,
            state: 0,
            history: vec![0],
            next_state: 1,
            changes: 0,
            reverts: 0,
            quiet_week: false,
            day_rate: 0.0,
            burst: 0,
        }
    }

    /// The states the project goes through before run `run` (usually none).
    fn before_run(&mut self, run: usize) -> Vec<u32> {
        if run.is_multiple_of(RUNS_A_DAY * 7) {
            self.quiet_week = self.rng.f64() < 0.3;
        }
        if run.is_multiple_of(RUNS_A_DAY) {
            // Some days are calm, some busy.
            self.day_rate = if self.quiet_week {
                0.0
            } else {
                self.rng.f64().powi(2) * 0.2
            };
        }
        if self.burst == 0 && !self.quiet_week && self.rng.f64() < 0.012 {
            self.burst = self.rng.usize(2..12);
        }
        let chance = if self.burst > 0 {
            self.burst -= 1;
            0.8
        } else {
            self.day_rate
        };
        let mut states = Vec::new();
        if self.rng.f64() < chance {
            states.push(self.change());
            // Now and then an edit is undone before the next run sees it.
            if self.rng.f64() < 0.05 {
                states.push(self.change_to(self.history[self.history.len() - 2]));
            }
        }
        states
    }

    fn change(&mut self) -> u32 {
        let roll = self.rng.f64();
        if roll < 0.2 && self.history.len() >= 2 {
            // Undo: back to the state before this one.
            self.change_to(self.history[self.history.len() - 2])
        } else if roll < 0.3 {
            // Back to any earlier state.
            let earlier = self.history[self.rng.usize(..self.history.len())];
            if earlier == self.state {
                self.change_to(self.next_state)
            } else {
                self.change_to(earlier)
            }
        } else {
            self.change_to(self.next_state)
        }
    }

    fn change_to(&mut self, state: u32) -> u32 {
        if state == self.next_state {
            self.next_state += 1;
        } else {
            self.reverts += 1;
        }
        self.changes += 1;
        self.state = state;
        self.history.push(state);
        state
    }
}

/// A snapshot as the model sees it: when it was captured and which project state it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Capture {
    at: OffsetDateTime,
    state: u32,
}

/// A UTC day, ISO week or calendar month, as (year, number within the year).
type Period = (i32, u16);

fn day(at: OffsetDateTime) -> Period {
    (at.year(), at.ordinal())
}

fn iso_week(at: OffsetDateTime) -> Period {
    let (year, week, _) = at.to_iso_week_date();
    (year, u16::from(week))
}

fn month(at: OffsetDateTime) -> Period {
    (at.year(), u16::from(at.month() as u8))
}

/// What the tiers hold after each run, by the contract's rules ("Tiers"), read independently of
/// the product's `retention` module.
#[derive(Default)]
struct Model {
    hourly: Vec<Capture>,
    daily: Vec<Capture>,
    weekly: Vec<Capture>,
    /// Monthly tags by month.
    monthly: BTreeMap<Period, Capture>,
}

impl Model {
    /// A backup run at `now` that found the project in `state`, then promoted; answers whether it
    /// captured a new snapshot.
    fn run(&mut self, now: OffsetDateTime, state: u32) -> bool {
        // The hourly tier gets a commit only when the project differs from its tip's.
        let captured = self.hourly.last().is_none_or(|tip| tip.state != state);
        if captured {
            self.hourly.push(Capture { at: now, state });
            keep_newest(&mut self.hourly, KEEP_HOURLY);
        }
        let tip = *self.hourly.last().expect("the first run captures");
        promote(&mut self.daily, tip, day, KEEP_DAILY);
        let tip = *self.daily.last().expect("promotion filled the daily tier");
        promote(&mut self.weekly, tip, iso_week, KEEP_WEEKLY);
        self.tag_months(now);
        captured
    }

    /// For every ended month, the newest daily (else weekly) snapshot captured in it becomes its tag,
    /// unless its content is the previous tag's; the oldest tags beyond keep-monthly go.
    fn tag_months(&mut self, now: OffsetDateTime) {
        let this_month = month(now);
        let untagged: BTreeSet<Period> = (self.daily.iter().chain(&self.weekly))
            .map(|capture| month(capture.at))
            .filter(|m| *m < this_month && !self.monthly.contains_key(m))
            .collect();
        for m in untagged {
            let newest_in = |tier: &[Capture]| tier.iter().filter(|c| month(c.at) == m).max_by_key(|c| c.at).copied();
            let Some(snapshot) = newest_in(&self.daily).or_else(|| newest_in(&self.weekly)) else {
                continue;
            };
            let previous = self.monthly.range(..m).next_back().map(|(_, tag)| tag.state);
            if previous != Some(snapshot.state) {
                self.monthly.insert(m, snapshot);
            }
        }
        while self.monthly.len() > KEEP_MONTHLY {
            self.monthly.pop_first();
        }
    }

    fn describe(&self) -> String {
        let span = |tier: &[Capture]| match (tier.first(), tier.last()) {
            (Some(first), Some(last)) => format!("{} ({} .. {})", tier.len(), rfc3339(first.at), rfc3339(last.at)),
            _ => "empty".to_owned(),
        };
        let tags: Vec<String> = self.monthly.keys().map(|(y, m)| format!("{y}-{m:02}")).collect();
        format!(
            "hourly {}, daily {}, weekly {}, monthly {} [{}]",
            span(&self.hourly),
            span(&self.daily),
            span(&self.weekly),
            tags.len(),
            tags.join(" ")
        )
    }
}

/// Promotion of the source tier's tip into `tier`: captured in the tip's period, it replaces the
/// tip; in a later period, it is appended unless its content equals the tip's.
fn promote(tier: &mut Vec<Capture>, source_tip: Capture, period: fn(OffsetDateTime) -> Period, keep: usize) {
    match tier.last() {
        Some(tip) if period(tip.at) == period(source_tip.at) => {
            tier.pop();
        }
        Some(tip) if tip.state == source_tip.state => return,
        _ => {}
    }
    tier.push(source_tip);
    keep_newest(tier, keep);
}

fn keep_newest(tier: &mut Vec<Capture>, keep: usize) {
    let dropped = tier.len().saturating_sub(keep);
    tier.drain(..dropped);
}

/// A snapshot commit as found in the repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Found {
    id: ObjectId,
    /// Committer date (the capture time), Unix seconds.
    at: i64,
    tree: ObjectId,
    project: Option<ObjectId>,
}

/// The tiers as found in the repository, oldest first.
struct Tiers {
    hourly: Vec<Found>,
    daily: Vec<Found>,
    weekly: Vec<Found>,
    monthly: BTreeMap<Period, Found>,
}

/// The bare repository, read with gix.
struct Repo(gix::Repository);

impl Repo {
    fn open(path: &Path) -> Result<Repo, Error> {
        Ok(Repo(gix::open_opts(path, gix::open::Options::isolated())?))
    }

    /// Reads every ref: the three tier chains (linear, at most their keep, root without parent) and
    /// the monthly tags; any other ref is a violation.
    fn tiers(&self) -> Result<Tiers, Error> {
        let mut branches = BTreeMap::new();
        let mut monthly = BTreeMap::new();
        let mut others = Vec::new();
        for reference in self.0.references()?.all()? {
            let mut reference = reference?;
            let name = reference.name().as_bstr().to_string();
            let commit = reference.peel_to_commit()?.id;
            if let Some(tier) = name.strip_prefix(BRANCH_PREFIX) {
                branches.insert(tier.to_owned(), commit);
            } else if let Some(tag) = name.strip_prefix(TAG_PREFIX) {
                let period = tag
                    .split_once('-')
                    .and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?)));
                match period {
                    Some(period) if tag.len() == 7 => monthly.insert(period, self.found(commit)?),
                    _ => return Err(violation("monthly tag names", "monthly-YYYY-MM", &name)),
                };
            } else {
                others.push(name);
            }
        }
        let expected_branches = ["daily", "hourly", "weekly"];
        if !others.is_empty() || !branches.keys().eq(expected_branches.iter()) {
            let found: Vec<&String> = branches.keys().chain(&others).collect();
            return Err(violation(
                "refs",
                "the branches snapshot/{daily,hourly,weekly} and monthly-* tags only",
                format!("branches {:?} and {others:?}", found),
            ));
        }
        Ok(Tiers {
            hourly: self.chain(&branches, "hourly", KEEP_HOURLY)?,
            daily: self.chain(&branches, "daily", KEEP_DAILY)?,
            weekly: self.chain(&branches, "weekly", KEEP_WEEKLY)?,
            monthly,
        })
    }

    /// The chain of `snapshot/<tier>`, oldest first.
    fn chain(&self, branches: &BTreeMap<String, ObjectId>, tier: &str, keep: usize) -> Result<Vec<Found>, Error> {
        let check = format!("snapshot/{tier} is a linear chain of at most {keep} with a parentless root");
        let mut chain = Vec::new();
        let mut next = Some(branches[tier]);
        while let Some(id) = next {
            if chain.len() == keep {
                return Err(violation(
                    &check,
                    format!("{keep} commits, the oldest without a parent"),
                    format!("{id} beyond them"),
                ));
            }
            let commit = self.0.find_commit(id)?;
            let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
            if parents.len() > 1 {
                return Err(violation(
                    &check,
                    "at most one parent",
                    format!("{id} has parents {parents:?}"),
                ));
            }
            chain.push(self.found(id)?);
            next = parents.first().copied();
        }
        chain.reverse();
        Ok(chain)
    }

    fn found(&self, id: ObjectId) -> Result<Found, Error> {
        let commit = self.0.find_commit(id)?;
        let tree = commit.tree()?;
        Ok(Found {
            id,
            at: commit.time()?.seconds,
            tree: tree.id,
            project: tree.find_entry("project").map(|entry| entry.oid().to_owned()),
        })
    }

    /// Every file of `tree`, by path.
    fn files(&self, tree: ObjectId) -> Result<Files, Error> {
        let mut files = Files::new();
        let mut pending = vec![(String::new(), tree)];
        while let Some((prefix, tree)) = pending.pop() {
            for entry in self.0.find_tree(tree)?.decode()?.entries {
                let path = format!("{prefix}{}", entry.filename);
                if entry.mode.is_tree() {
                    pending.push((format!("{path}/"), entry.oid.to_owned()));
                } else {
                    files.insert(path, self.0.find_blob(entry.oid)?.data.clone());
                }
            }
        }
        Ok(files)
    }
}

/// What the soak has seen captured: each snapshot (by capture time) and each state's `project/` tree.
#[derive(Default)]
struct Seen {
    /// Capture time (Unix seconds) -> the snapshot's tree and files as first committed.
    records: HashMap<i64, Record>,
    trees: HashMap<u32, ObjectId>,
    states: HashMap<ObjectId, u32>,
}

struct Record {
    tree: ObjectId,
    state: u32,
    files: Files,
}

impl Seen {
    /// Checks and records the snapshot the run at `now` just captured in `state`: the hourly tip.
    fn capture(&mut self, repo: &Repo, hourly: &[Found], now: OffsetDateTime, state: u32) -> Result<(), Error> {
        let check = "a run that finds a change commits a snapshot captured now to the hourly tier";
        let tip = hourly
            .last()
            .copied()
            .ok_or_else(|| violation(check, "a commit", "an empty tier"))?;
        if tip.at != now.unix_timestamp() {
            return Err(violation(
                check,
                format!("its tip captured at {}", rfc3339(now)),
                show_found(&tip, self),
            ));
        }
        let project = tip
            .project
            .ok_or_else(|| violation(check, "a project/ folder", "none"))?;
        match (self.trees.get(&state), self.states.get(&project)) {
            (Some(tree), _) if *tree != project => {
                return Err(violation(
                    "an unchanged project gives a byte-identical project/ tree",
                    format!("state {state} as before: tree {tree}"),
                    format!("tree {project}"),
                ));
            }
            (_, Some(other)) if *other != state => {
                return Err(violation(
                    "different projects give different project/ trees",
                    format!("state {state} in a tree of its own"),
                    format!("tree {project}, that of state {other}"),
                ));
            }
            _ => {}
        }
        let files = repo.files(tip.tree)?;
        let problems = manifest::verify(&files);
        if !problems.is_empty() {
            return Err(violation(
                "the snapshot's manifest lists every file and its sha256",
                "no problem",
                format!("{problems:?}"),
            ));
        }
        let meta = manifest::parse(&files[manifest::PATH])?.meta;
        if meta.captured_at != now {
            return Err(violation(
                "the manifest's capturedAt",
                rfc3339(now),
                rfc3339(meta.captured_at),
            ));
        }
        let wanted = format!("\"{}\"", marker(state));
        let endpoint = files
            .iter()
            .find(|(path, _)| path.starts_with("project/endpoints/") && path.ends_with("/endpoint.json"));
        match endpoint {
            Some((_, bytes)) if contains(bytes, wanted.as_bytes()) => {}
            other => {
                let found = other.map_or("no endpoint.json".to_owned(), |(path, bytes)| {
                    format!("{path}: {}", String::from_utf8_lossy(bytes))
                });
                return Err(violation(
                    "the snapshot holds the project as edited",
                    format!("an endpoint.json with {wanted}"),
                    found,
                ));
            }
        }
        self.trees.insert(state, project);
        self.states.insert(project, state);
        self.records.insert(
            tip.at,
            Record {
                tree: tip.tree,
                state,
                files,
            },
        );
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Compares the tiers found with the model's, after the run that left the project in `state`.
fn check(model: &Model, found: &Tiers, seen: &Seen, state: u32) -> Result<(), Error> {
    for (tier, expected, found) in [
        ("hourly", &model.hourly, &found.hourly),
        ("daily", &model.daily, &found.daily),
        ("weekly", &model.weekly, &found.weekly),
    ] {
        let same = expected.len() == found.len() && expected.iter().zip(found).all(|(e, f)| matches(e, f, seen));
        if !same {
            return Err(violation(
                &format!("snapshot/{tier} holds every snapshot the policy keeps, and only those"),
                show_expected(expected.iter(), seen),
                show_all_found(found.iter(), seen),
            ));
        }
    }

    for (tier, found, period) in [
        ("daily", &found.daily, day as fn(_) -> _),
        ("weekly", &found.weekly, iso_week),
    ] {
        for pair in found.windows(2) {
            let (older, newer) = (&pair[0], &pair[1]);
            let periods = [older.at, newer.at].map(|at| OffsetDateTime::from_unix_timestamp(at).map(period));
            if periods[0]? == periods[1]? {
                return Err(violation(
                    &format!("snapshot/{tier} holds one snapshot a period"),
                    "neighbours in different periods",
                    format!("{} then {}", show_found(older, seen), show_found(newer, seen)),
                ));
            }
        }
    }

    let (hourly, daily, weekly) = (last(&found.hourly)?, last(&found.daily)?, last(&found.weekly)?);
    for (tier, tip) in [("daily", daily), ("weekly", weekly)] {
        if (tip.at, tip.tree) != (hourly.at, hourly.tree) {
            return Err(violation(
                &format!("the {tier} tip is the newest state of its period: the hourly tip"),
                show_found(&hourly, seen),
                show_found(&tip, seen),
            ));
        }
    }
    if hourly.project != seen.trees.get(&state).copied() {
        return Err(violation(
            "the tips hold the project as the run found it",
            format!("state {state}"),
            show_found(&hourly, seen),
        ));
    }

    let same = model.monthly.len() == found.monthly.len()
        && model
            .monthly
            .iter()
            .zip(&found.monthly)
            .all(|((m1, e), (m2, f))| m1 == m2 && matches(e, f, seen));
    if !same {
        let show = |tags: Vec<(&Period, String)>| {
            let tags: Vec<String> = tags
                .into_iter()
                .map(|((y, m), s)| format!("monthly-{y}-{m:02}: {s}"))
                .collect();
            format!("[{}]", tags.join(", "))
        };
        return Err(violation(
            "the monthly tags: every ended month whose newest daily snapshot differs from the previous tag's",
            show(model.monthly.iter().map(|(m, c)| (m, show_capture(c, seen))).collect()),
            show(found.monthly.iter().map(|(m, f)| (m, show_found(f, seen))).collect()),
        ));
    }
    Ok(())
}

/// Reads every file of every kept snapshot back and compares it with the snapshot as first captured.
fn check_files(repo: &Repo, found: &Tiers, seen: &Seen) -> Result<(), Error> {
    let all = found
        .hourly
        .iter()
        .chain(&found.daily)
        .chain(&found.weekly)
        .chain(found.monthly.values());
    for snapshot in all {
        let record = &seen.records[&snapshot.at];
        let files = repo.files(snapshot.tree)?;
        if files != record.files {
            let differs = record
                .files
                .keys()
                .chain(files.keys())
                .find(|path| files.get(*path) != record.files.get(*path))
                .cloned()
                .unwrap_or_default();
            return Err(violation(
                "every file of every kept snapshot is as captured",
                format!("the files captured at {}", show_seconds(snapshot.at)),
                format!("commit {} differs at {differs:?}", snapshot.id),
            ));
        }
    }
    Ok(())
}

fn last(tier: &[Found]) -> Result<Found, Error> {
    tier.last()
        .copied()
        .ok_or_else(|| violation("a tier is never empty once a backup ran", "a tip", "none"))
}

/// Whether the snapshot found is the model's capture: the same capture time and the whole tree it got then.
fn matches(expected: &Capture, found: &Found, seen: &Seen) -> bool {
    let at = expected.at.unix_timestamp();
    found.at == at && seen.records.get(&at).is_some_and(|record| record.tree == found.tree)
}

fn show_capture(capture: &Capture, seen: &Seen) -> String {
    let tree = seen
        .records
        .get(&capture.at.unix_timestamp())
        .map_or("?".to_owned(), |r| short(r.tree));
    format!("{} state {} tree {tree}", rfc3339(capture.at), capture.state)
}

fn show_found(found: &Found, seen: &Seen) -> String {
    let state = match found.project.and_then(|p| seen.states.get(&p)) {
        Some(state) => state.to_string(),
        None => "?".to_owned(),
    };
    let known = match seen.records.get(&found.at) {
        Some(record) if record.tree == found.tree => String::new(),
        Some(record) => format!(" (captured then: tree {}, state {})", short(record.tree), record.state),
        None => " (no capture then)".to_owned(),
    };
    format!(
        "{} state {state} tree {}{known}",
        show_seconds(found.at),
        short(found.tree)
    )
}

fn show_expected<'a>(captures: impl Iterator<Item = &'a Capture>, seen: &Seen) -> String {
    format!(
        "[{}]",
        captures.map(|c| show_capture(c, seen)).collect::<Vec<_>>().join(", ")
    )
}

fn show_all_found<'a>(found: impl Iterator<Item = &'a Found>, seen: &Seen) -> String {
    format!(
        "[{}]",
        found.map(|f| show_found(f, seen)).collect::<Vec<_>>().join(", ")
    )
}

fn short(id: ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

fn show_seconds(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds).map_or_else(|_| seconds.to_string(), rfc3339)
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("2026 formats as RFC 3339")
}

/// A check that failed: what it asserts, what was expected, what was found.
#[derive(Debug)]
struct Violation {
    check: String,
    expected: String,
    found: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "check failed: {}\n  expected: {}\n  found:    {}",
            self.check, self.expected, self.found
        )
    }
}

impl std::error::Error for Violation {}

fn violation(check: &str, expected: impl Into<String>, found: impl Into<String>) -> Error {
    Box::new(Violation {
        check: check.to_owned(),
        expected: expected.into(),
        found: found.into(),
    })
}

/// Time spent per phase of the soak.
#[derive(Default)]
struct Phases {
    edits: Duration,
    runs: Duration,
    checks: Duration,
    full_files: Duration,
}

/// `git count-objects -v` of the repository, in one line, and its bytes on disk.
fn repository_size(repo: &Path) -> Result<String, Error> {
    let counts = git(repo, &["count-objects", "-v"])?;
    let field = |name: &str| {
        counts
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
            .unwrap_or("?")
            .to_owned()
    };
    Ok(format!(
        "{} loose objects ({} KiB) + {} packed ({} KiB in {} packs), {} bytes on disk",
        field("count"),
        field("size"),
        field("in-pack"),
        field("size-pack"),
        field("packs"),
        disk_usage(repo)?
    ))
}

/// The bytes of every file under `dir`.
fn disk_usage(dir: &Path) -> Result<u64, Error> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            disk_usage(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Error> {
    let out = Command::new("git").args(args).current_dir(dir).output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}
