//! The year-long soak: one simulated year of half-hourly backups, checked after every run.
//!
//! `cargo run --release --example soak` starts the fake Cognigy API in-process with a tiny project
//! (one locale, one endpoint) and runs the action's backup mode in-process (`app::run`, as the demo
//! does) 17,520 times, every 30 minutes of 2026 through `COGNIGY_BACKUP_NOW`, into a local bare
//! repository: default keeps (6/7/4/12), promotion on, incremental exports with a scrub a day
//! (`full-export-every: 24h`) and editors recorded (both by default), no native snapshot, no GitHub
//! API (so the monthly tier is tags alone). Between runs a seeded RNG edits the project at uneven
//! times: quiet weeks, calm days, bursts, undos, returns to much older states, and edits undone
//! before the next run saw them. Each edit is made by one of three Cognigy users at a simulated
//! time between two runs (more than the trail's skew margin before the next), with the fake's
//! clock set to it (`FakeCognigy::set_clock`), so its audit trail (30 days' retention) and the
//! simulated clock agree.
//!
//! After every run it reads the bare repository in-process with gix and checks it against a
//! reference model of the contract's "Tiers" rules written here, independently of `retention`:
//! - the refs are the three tier branches, the export state and the monthly tags, nothing else;
//! - each tier branch is a linear chain of at most its keep whose oldest commit has no parent;
//! - a run that found the project changed put a snapshot captured at that run's "now" on the hourly
//!   tier, holding the project as edited (its manifest intact), and said `changed=true` (else
//!   `false`); equal project states always have equal `project/` trees and different states
//!   different ones;
//! - that snapshot's commit credits who changed the project since the snapshot below it: the first
//!   of those users (by time) its author, the others `Co-authored-by:`; the action is the author of
//!   a first snapshot and when the trail no longer reaches back to the snapshot below;
//! - each tier holds exactly the snapshots the model keeps, oldest first: capture times and whole
//!   trees (manifest included, so byte for byte); every 100th run, every file of every kept snapshot
//!   is read back and compared with the files first captured;
//! - the daily and weekly tiers hold one snapshot a UTC day / ISO week (neighbours may hold the same
//!   project: a day that changes and changes back replaces its tip); their tips are the hourly tip (same capture, same tree): with a promotion after every
//!   backup, the newest state of the current day and week is the newest capture, which may be days
//!   old on a quiet day (a day without change adds nothing);
//! - the monthly tags are exactly the model's: `monthly-YYYY-MM` for every ended month whose newest
//!   daily snapshot differs from the previous tag's, at most keep-monthly, each holding that snapshot;
//! - the export state (`snapshot/export-state`, one parentless commit on an empty tree) names a
//!   full export less than 24 hours old, and the run's metrics file says how it exported
//!   (`incremental` or `full`); a scrub finds no change the trail missed (the fake misses none).
//!
//! Every 50th run and the run after each burst of changes, the incremental export's invariant is
//! checked too: the hourly tip's files (the manifest aside, which holds capture times) are byte for
//! byte those of a full export of the project as it is then (`cognigy::export::export`).
//!
//! It stops at the first violation with a non-zero exit, naming the run, the check, what was expected
//! and what was found; at the end it prints the runs, the changes, how many exports were
//! incremental and full (scrubs among them), the time taken (per phase) and the repository's size,
//! before and after a `git gc --prune=now`. The action prints log groups to
//! stdout on every run, which would bury the report: the soak runs itself again as a child with
//! stdout discarded and reports on stderr. It works under `/dev/shm` where there is one. Needs `git`
//! on the PATH (to create and configure the bare repository, serve each run's fetch and push through
//! `git upload-pack` and `git receive-pack` as gix does for a local path, measure it once a month and
//! gc it at the end).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cognigy_backup_action::action::config::CognigyConfig;
use cognigy_backup_action::action::environment::Environment;
use cognigy_backup_action::app;
use cognigy_backup_action::cognigy::{Client, export};
use cognigy_backup_action::modes::trail::SKEW;
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::snapshot::{self, Files, Meta, manifest};
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
/// Every this many runs, and after each burst of changes, the hourly tip is compared with a full export.
const INVARIANT_EVERY: usize = 50;
/// The kinds backed up (`resources`).
const KINDS: [&str; 1] = ["endpoints"];
/// The Cognigy users who make the soak's edits, as the audit trail names them.
const USERS: [&str; 3] = ["ann@example.com", "bob@example.com", "chen@example.com"];
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
    // Every run fetches every tier from this local remote through `git upload-pack` and its
    // `pack-objects` (a scratch store starts empty). With git's defaults the remote unpacks each
    // small push into loose objects (thousands of them between two automatic gcs), and
    // `pack-objects` then spent 11 ms a fetch looking objects up among them, against 1.7 ms in a
    // pack (the soak's January took 53 s with pushes unpacked, 39 s kept as packs, on this
    // machine). This remote keeps each push as the pack it came in, as a hosting server does, folds
    // them together past 8 packs rather than git's 50 (the automatic gc after a push; 34 s against
    // 29 s for January), and packs on one thread (a thread per CPU for a few hundred small objects
    // only adds start-up).
    git(&remote, &["config", "receive.unpackLimit", "1"])?;
    git(&remote, &["config", "gc.autoPackLimit", "8"])?;
    git(&remote, &["config", "pack.threads", "1"])?;
    let spec = ProjectSpec {
        endpoints: 1,
        ..ProjectSpec::empty()
    };
    let options = Options::default();
    let retention = time::Duration::try_from(options.audit_retention)?;
    let fake = FakeCognigy::start(spec, options);
    let mut hands = Hands::new(fastrand::Rng::with_seed(SEED + 1));
    let project = Project::new(&fake, &mut hands, START - time::Duration::hours(1));
    let full = FullExport::new(&fake)?;
    let mut edits = Edits::new(fastrand::Rng::with_seed(SEED));
    let mut model = Model::default();
    let mut seen = Seen::default();
    let mut times = Phases::default();
    let mut exports = Exports::default();
    let outputs = work.path().join("outputs");
    eprintln!(
        "soak: {RUNS} half-hourly backups from {}, into {}",
        rfc3339(START),
        remote.display()
    );

    for run in 0..RUNS {
        let now = START + INTERVAL * run as u32;
        let phase = Instant::now();
        let states = edits.before_run(run);
        hands.make(&project, now, &states);
        times.edits += phase.elapsed();

        let phase = Instant::now();
        let _ = std::fs::remove_file(&outputs);
        fake.set_clock(now);
        let status = app::run(&environment(&fake, work.path(), &remote, &outputs, now));
        times.runs += phase.elapsed();
        let at = |e: Error| -> Error { format!("run {} of {RUNS} (now {}): {e}", run + 1, rfc3339(now)).into() };
        if status != app::SUCCESS {
            return Err(at(
                format!("the backup exited with {status}, not {}", app::SUCCESS).into()
            ));
        }

        let phase = Instant::now();
        let below = model.hourly.last().map(|tip| tip.at);
        let captured = model.run(now, edits.state);
        check_changed_output(&outputs, captured).map_err(at)?;
        exports.count(work.path()).map_err(at)?;
        let repo = Repo::open(&remote).map_err(at)?;
        let found = repo.tiers().map_err(at)?;
        if captured {
            let credited = hands.credited(below, now, retention);
            seen.capture(&repo, &found.hourly, now, edits.state, credited.as_deref())
                .map_err(at)?;
        }
        check(&model, &found, &seen, edits.state, now).map_err(at)?;
        times.checks += phase.elapsed();
        if (run + 1).is_multiple_of(INVARIANT_EVERY) || edits.burst_ended {
            let phase = Instant::now();
            full.compare(&repo, &found.hourly).map_err(at)?;
            exports.compared += 1;
            times.invariant += phase.elapsed();
        }
        if (run + 1).is_multiple_of(FULL_FILES_EVERY) || run + 1 == RUNS {
            let phase = Instant::now();
            check_files(&repo, &found, &seen).map_err(at)?;
            times.full_files += phase.elapsed();
        }

        let next = now + INTERVAL;
        if next.month() != now.month() || run + 1 == RUNS {
            eprintln!(
                "  {}-{:02}: {:>5} runs, {:>4} changes, {:>4} snapshots, {:>5} incremental exports; repository {}; {:.0} s",
                now.year(),
                now.month() as u8,
                run + 1,
                edits.changes,
                seen.records.len(),
                exports.incremental,
                repository_size(&remote)?,
                started.elapsed().as_secs_f64()
            );
        }
    }

    eprintln!(
        "\nsoak passed: {RUNS} runs, {} changes to the project ({} of them returns to an earlier state) by {} users, {} snapshots \
         captured, every check after every run",
        edits.changes,
        edits.reverts,
        USERS.len(),
        seen.records.len()
    );
    eprintln!(
        "exports: {} incremental, {} full ({} of them scrubs, which found {} change(s) the trail missed); {} runs' hourly tips equal to a full export",
        exports.incremental, exports.full, exports.scrubs, exports.missed, exports.compared
    );
    eprintln!("final repository: {}", repository_size(&remote)?);
    // Objects the re-rooting left unreachable stay on a real remote until its gc prunes them, two
    // weeks later by default: the soak's year passed in minutes, so prune them now to see the rest.
    git(&remote, &["gc", "--quiet", "--prune=now"])?;
    eprintln!("after git gc --prune=now: {}", repository_size(&remote)?);
    eprintln!("final tiers: {}", model.describe());
    eprintln!(
        "time: {:.1} s in all: backups {:.1} s ({:.1} ms a run), checks {:.1} s, invariant checks {:.1} s, full-file checks {:.1} s, edits {:.1} s",
        started.elapsed().as_secs_f64(),
        times.runs.as_secs_f64(),
        times.runs.as_secs_f64() * 1000.0 / RUNS as f64,
        times.checks.as_secs_f64(),
        times.invariant.as_secs_f64(),
        times.full_files.as_secs_f64(),
        times.edits.as_secs_f64()
    );
    Ok(())
}

/// One run of the action in backup mode at `now`, as the runner would start it (promotion on,
/// incremental exports with a scrub a day and editors recorded, all by default).
fn environment(fake: &FakeCognigy, work: &Path, remote: &Path, outputs: &Path, now: OffsetDateTime) -> Environment {
    Environment::from_vars([
        ("INPUT_MODE", "backup".to_owned()),
        ("INPUT_COGNIGY-BASE-URL", fake.base_url().to_owned()),
        ("INPUT_COGNIGY-API-KEY", fake.api_key().to_owned()),
        ("INPUT_COGNIGY-PROJECT-ID", fake.project_id().to_owned()),
        ("INPUT_REMOTE-URL", remote.display().to_string()),
        ("INPUT_RESOURCES", KINDS.join(",")),
        ("INPUT_NATIVE-SNAPSHOT", "off".to_owned()),
        ("INPUT_REQUESTS-PER-SECOND", "1000".to_owned()),
        ("INPUT_CONCURRENCY", "8".to_owned()),
        ("RUNNER_TEMP", work.display().to_string()),
        ("GITHUB_WORKSPACE", work.display().to_string()),
        ("GITHUB_OUTPUT", outputs.display().to_string()),
        ("COGNIGY_BACKUP_NOW", rfc3339(now)),
    ])
}

/// How the runs exported, from the metrics file each writes.
#[derive(Default)]
struct Exports {
    incremental: usize,
    full: usize,
    /// Full exports that checked the audit trail.
    scrubs: usize,
    /// Changes those scrubs found the trail had missed.
    missed: usize,
    /// Runs whose hourly tip was compared with a full export.
    compared: usize,
}

impl Exports {
    /// Counts the run whose metrics file is in `workspace`: the fake's trail misses nothing, so no
    /// scrub may find a change it missed.
    fn count(&mut self, workspace: &Path) -> Result<(), Error> {
        let text = std::fs::read_to_string(workspace.join(cognigy_backup_action::metrics::FILE))?;
        let metrics: serde_json::Value = serde_json::from_str(&text)?;
        match metrics["export"].as_str() {
            Some("incremental") => self.incremental += 1,
            Some("full") => self.full += 1,
            other => {
                return Err(violation(
                    "the metrics say how the export read",
                    "incremental or full",
                    format!("{other:?}"),
                ));
            }
        }
        if let Some(missed) = metrics["missed_changes"].as_u64() {
            self.scrubs += 1;
            self.missed += missed as usize;
            if missed > 0 {
                return Err(violation(
                    "a scrub finds nothing the audit trail missed (the fake records every change)",
                    "missed_changes 0",
                    format!("missed_changes {missed}"),
                ));
            }
        }
        Ok(())
    }
}

/// The invariant of the incremental export: the hourly tip holds, byte for byte, what a full export
/// of the project as it is now gives (the files the export produces; the manifest holds capture
/// times and is checked on its own).
struct FullExport {
    runtime: tokio::runtime::Runtime,
    client: Arc<Client>,
    project_id: String,
}

impl FullExport {
    fn new(fake: &FakeCognigy) -> Result<Self, Error> {
        let config = CognigyConfig {
            base_url: fake.base_url().parse()?,
            api_prefix: fake.prefix().to_owned(),
            api_key: Secret::new(fake.api_key()),
            project_id: fake.project_id().to_owned(),
            requests_per_second: 1000.0,
            concurrency: 8,
        };
        Ok(FullExport {
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build()?,
            client: Arc::new(Client::new(&config)?),
            project_id: fake.project_id().to_owned(),
        })
    }

    fn compare(&self, repo: &Repo, hourly: &[Found]) -> Result<(), Error> {
        let tip = last(hourly)?;
        let exported = self.runtime.block_on(export::export(self.client.clone(), &KINDS))?;
        let meta = Meta {
            snapshot_id: snapshot::snapshot_id(START),
            captured_at: START,
            project_id: self.project_id.clone(),
            base_url: String::new(),
            tool_version: String::new(),
        };
        let mut expected = snapshot::build(meta, exported).files;
        let mut files = repo.files(tip.tree)?;
        expected.remove(manifest::PATH);
        files.remove(manifest::PATH);
        if files != expected {
            let differs: Vec<&String> = expected
                .keys()
                .chain(files.keys())
                .filter(|path| files.get(*path) != expected.get(*path))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            return Err(violation(
                "the hourly tip is byte-identical to a full export of the project (the incremental export's invariant)",
                "the same files",
                format!("commit {} differs at {differs:?}", tip.id),
            ));
        }
        Ok(())
    }
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
    /// The project in state 0, as set by one of `hands` at `at`.
    fn new(fake: &'a FakeCognigy, hands: &mut Hands, at: OffsetDateTime) -> Self {
        let endpoint = id_of(&fake.project().items(Kind::Endpoint)[0]).to_owned();
        let project = Project { fake, endpoint };
        hands.set(&project, 0, at);
        project
    }

    /// Puts the project in `state` as `user` does in Cognigy's UI at the fake's clock: the audit
    /// trail records it.
    fn set(&self, state: u32, user: &str) {
        self.fake
            .as_user(user)
            .edit(|p| p.set_field(&self.endpoint, "description", json!(marker(state))));
    }
}

/// Who makes each edit and when, and every edit made: a seeded choice of its own, so that the
/// schedule of [`Edits`] does not depend on it.
struct Hands {
    rng: fastrand::Rng,
    /// Every edit so far: when and by whom, oldest first.
    log: Vec<(OffsetDateTime, &'static str)>,
}

impl Hands {
    fn new(rng: fastrand::Rng) -> Self {
        Hands { rng, log: Vec::new() }
    }

    /// Makes the edits that put the project through `states` before the run at `now`: between the
    /// previous run and this one, two minutes apart, and more than the trail's skew margin before
    /// this run (so the events a run reads are exactly those after the snapshot below it).
    fn make(&mut self, project: &Project<'_>, now: OffsetDateTime, states: &[u32]) {
        let mut at = now - INTERVAL + time::Duration::minutes(self.rng.i64(1..=20));
        for &state in states {
            self.set(project, state, at);
            at += time::Duration::minutes(2);
        }
    }

    fn set(&mut self, project: &Project<'_>, state: u32, at: OffsetDateTime) {
        let user = USERS[self.rng.usize(..USERS.len())];
        project.fake.set_clock(at);
        project.set(state, user);
        self.log.push((at, user));
    }

    /// Whom the commit of a snapshot captured at `now` credits, by the contract's `record-editors`:
    /// the users of the edits since the snapshot `below` it (less the skew margin), first editor
    /// first; `None` (the action is the author) for a first snapshot, or when the trail does not
    /// reach back that far (no event older than that is still kept after `retention`).
    fn credited(
        &self,
        below: Option<OffsetDateTime>,
        now: OffsetDateTime,
        retention: time::Duration,
    ) -> Option<Vec<&'static str>> {
        let start = below? - SKEW;
        if !self.log.iter().any(|(at, _)| *at < start && *at + retention > now) {
            return None;
        }
        let mut users = Vec::new();
        for (_, user) in self.log.iter().filter(|(at, _)| *at >= start) {
            if !users.contains(user) {
                users.push(*user);
            }
        }
        Some(users)
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
    /// The last run's edits ended a burst.
    burst_ended: bool,
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
            burst_ended: false,
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
        self.burst_ended = self.burst == 1;
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
    /// When the export state (`snapshot/export-state`) says the last full export ran.
    last_full: OffsetDateTime,
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
        let expected_branches = ["daily", "export-state", "hourly", "weekly"];
        if !others.is_empty() || !branches.keys().eq(expected_branches.iter()) {
            let found: Vec<&String> = branches.keys().chain(&others).collect();
            return Err(violation(
                "refs",
                "the branches snapshot/{daily,export-state,hourly,weekly} and monthly-* tags only",
                format!("branches {:?} and {others:?}", found),
            ));
        }
        Ok(Tiers {
            last_full: self.last_full(branches["export-state"])?,
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

    /// The export state's commit `id`: parentless, on an empty tree, its message naming when the
    /// last full export ran.
    fn last_full(&self, id: ObjectId) -> Result<OffsetDateTime, Error> {
        let check = "snapshot/export-state is one parentless commit on an empty tree naming the last full export";
        let commit = self.0.find_commit(id)?;
        let message = commit.message_raw()?.to_string();
        let last_full = message
            .lines()
            .find_map(|line| line.strip_prefix("last-full-export: "))
            .and_then(|at| OffsetDateTime::parse(at.trim(), &Rfc3339).ok());
        match last_full {
            Some(at) if commit.parent_ids().next().is_none() && commit.tree()?.decode()?.entries.is_empty() => Ok(at),
            _ => Err(violation(check, "such a commit", format!("{id}: {message:?}"))),
        }
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

    /// Commit `id` is authored by the first of `credited`, the others its `Co-authored-by:`
    /// trailers; with `None`, by the action, with no trailer.
    fn check_credit(&self, id: ObjectId, credited: Option<&[&str]>) -> Result<(), Error> {
        let commit = self.0.find_commit(id)?;
        let author = commit.author()?.email.to_string();
        let message = commit.message_raw()?.to_string();
        let co_authors: Vec<&str> = message
            .lines()
            .filter_map(|line| line.strip_prefix("Co-authored-by: "))
            .filter_map(|line| line.split_once('<')?.1.strip_suffix('>'))
            .collect();
        let right = match credited {
            Some([first, others @ ..]) => author == *first && co_authors == others,
            _ => !USERS.contains(&author.as_str()) && co_authors.is_empty(),
        };
        if !right {
            return Err(violation(
                "the commit credits the Cognigy users who changed the project since the snapshot below (record-editors)",
                match credited {
                    Some(users) => format!("author {:?}, co-authors {:?}", users.first(), users.get(1..)),
                    None => {
                        "the action as the author (a first snapshot, or a trail that does not reach back)".to_owned()
                    }
                },
                format!("author {author:?}, co-authors {co_authors:?} in {id}"),
            ));
        }
        Ok(())
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
    /// Checks and records the snapshot the run at `now` just captured in `state`: the hourly tip,
    /// its commit crediting the users `credited` (`None`: authored by the action).
    fn capture(
        &mut self,
        repo: &Repo,
        hourly: &[Found],
        now: OffsetDateTime,
        state: u32,
        credited: Option<&[&str]>,
    ) -> Result<(), Error> {
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
        repo.check_credit(tip.id, credited)?;
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

/// Compares the tiers found with the model's, after the run at `now` that left the project in `state`.
fn check(model: &Model, found: &Tiers, seen: &Seen, state: u32, now: OffsetDateTime) -> Result<(), Error> {
    // A scrub reads everything once `full-export-every` (24 h by default) has passed since the last.
    if !(now - time::Duration::DAY < found.last_full && found.last_full <= now) {
        return Err(violation(
            "a full export (a scrub) within full-export-every (24h) of every run",
            format!(
                "the last full export in ({}, {}]",
                rfc3339(now - time::Duration::DAY),
                rfc3339(now)
            ),
            rfc3339(found.last_full),
        ));
    }

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
    invariant: Duration,
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
