//! Logs a person can raise: a run with `RUNNER_DEBUG=1` (what the runner sets when a run is
//! re-run with debug logging) logs every Cognigy request with its status, time and retry decision,
//! and every git ref it reads and writes; without it the log keeps to its usual lines.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Fault, Options, ProjectSpec};
use support::git::Fixture;
use support::runner::StepRun;

fn backup(debug: bool) -> (StepRun, FakeCognigy) {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    // One answer the client must try again.
    fake.add_fault(Fault::status("GET", "/lexicons", 503).times(1));
    let mut step = support::step("backup", &fake, &fixture).env("COGNIGY_BACKUP_NOW", "2026-11-22T07:37:00Z");
    if debug {
        step = step.env("RUNNER_DEBUG", "1");
    }
    let run = step.run();
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    (run, fake)
}

fn lines_with<'a>(run: &'a StepRun, needle: &str) -> Vec<&'a str> {
    run.stdout.lines().filter(|line| line.contains(needle)).collect()
}

#[test]
fn runner_debug_logs_every_request_and_ref_and_the_usual_log_stays_short() {
    let (debug, fake) = backup(true);
    let requests = fake.requests().len();
    let answered = lines_with(&debug, " in ");
    let statuses = lines_with(&debug, ": HTTP ");
    assert_eq!(statuses.len(), requests, "one line per request sent:\n{}", debug.stdout);
    assert!(answered.len() >= requests);
    assert!(
        statuses
            .iter()
            .any(|l| l.contains("DEBUG") && l.contains("HTTP 503") && l.contains("(attempt 1)")),
        "{statuses:#?}"
    );
    assert!(
        lines_with(&debug, "retrying in").iter().any(|l| l.contains("lexicons")),
        "the retry decision is logged:\n{}",
        debug.stdout
    );
    assert!(
        lines_with(&debug, "read no ref of").len() == 1
            && lines_with(&debug, "write ref refs/heads/snapshot/hourly from nothing to ").len() == 1,
        "the refs read and written:\n{}",
        debug.stdout
    );
    assert!(
        debug
            .stdout
            .lines()
            .all(|line| line.starts_with("::add-mask::") || !line.contains(fake.api_key())),
        "no secret in the debug log but the command that masks it"
    );

    let (quiet, _) = backup(false);
    assert!(lines_with(&quiet, "DEBUG").is_empty(), "{}", quiet.stdout);
    assert!(lines_with(&quiet, ": HTTP ").is_empty());
    assert!(
        quiet.stdout.lines().count() * 3 < debug.stdout.lines().count(),
        "the usual log is a fraction of the debug one: {} and {} lines",
        quiet.stdout.lines().count(),
        debug.stdout.lines().count()
    );
}
