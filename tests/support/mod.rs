//! Shared helpers for the integration tests: `action.yml` as data and an emulation of the GitHub
//! runner that runs the built binary exactly as a workflow step would.
// Each test file uses a different part of this module.
#![allow(dead_code)]

pub mod action_yml;
pub mod cognigy;
pub mod git;
pub mod report;
pub mod runner;
pub mod scripts;

use cognigy_backup_testkit::fake_cognigy::FakeCognigy;

/// A step of `mode` against the fake Cognigy server and the git server's `backup.git`, with the
/// token that server accepts and a request rate that keeps the tests quick.
pub fn step(mode: &str, fake: &FakeCognigy, fixture: &git::Fixture) -> runner::Step {
    runner::Step::new()
        .with("mode", mode)
        .with("cognigy-base-url", fake.base_url())
        .with("cognigy-api-key", fake.api_key())
        .with("cognigy-project-id", fake.project_id())
        .with("remote-url", fixture.server.url("backup.git"))
        .with("requests-per-second", "500")
        .context("github.token", git::TOKEN)
}

/// The run ended with exit status `code`; else the test fails showing its output.
pub fn assert_code(run: &runner::StepRun, code: i32) {
    assert_eq!(run.code, Some(code), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

/// A backup of `fake` into the fixture's repository with the clock at `now`; it must succeed.
pub fn backup(fake: &FakeCognigy, fixture: &git::Fixture, now: &str) -> runner::StepRun {
    let run = step("backup", fake, fixture).env("COGNIGY_BACKUP_NOW", now).run();
    assert_code(&run, 0);
    run
}
