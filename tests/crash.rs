//! A panic becomes the run's failure message, with where it happened: the panic hook calls the
//! report the run registered (app::run's writes an `::error` annotation and a failing summary) and
//! the process exits with the status it answers. The shipped binary aborts on a panic, so this is
//! the only path; each case runs in a child process (this test binary again), since it ends it.

use std::process::Command;

use cognigy_backup_action::crash;

/// Set in the child: which panic to raise, and the file the report writes to.
const CHILD: &str = "CRASH_TEST_CHILD";
const REPORTED: &str = "CRASH_TEST_REPORTED";

/// The child's side: a guarded run that panics where `CHILD` says, with hostile text in the message.
#[test]
fn child() {
    let Ok(case) = std::env::var(CHILD) else {
        return;
    };
    let reported = std::env::var(REPORTED).expect("the parent names the report file");
    let report = move |text: &str| {
        std::fs::write(&reported, text).expect("report file");
        1
    };
    crash::guard(report, || match case.as_str() {
        "main" => panic!("bad answer {}", "\n::error::x"),
        "thread" => {
            std::thread::spawn(|| panic!("a worker saw {}", "\n::warning::y"))
                .join()
                .ok();
            unreachable!("the worker's panic ends the process before its join returns")
        }
        "none" => 7,
        other => unreachable!("unknown case {other}"),
    });
}

/// Runs the child with `case`; answers its exit code, its stderr and what its report got.
fn run(case: &str) -> (Option<i32>, String, Option<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let reported = dir.path().join("reported");
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, case)
        .env(REPORTED, &reported)
        .output()
        .expect("child runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stderr, std::fs::read_to_string(&reported).ok())
}

#[test]
fn a_panic_on_the_guarded_thread_is_reported_with_its_message_and_place_and_exits_with_the_report_status() {
    let (code, stderr, reported) = run("main");
    assert_eq!(code, Some(1), "{stderr}");
    let reported = reported.expect("the report ran");
    assert!(
        reported.starts_with("bad answer \n::error::x (at tests/crash.rs:"),
        "{reported}"
    );
    // One line on stderr, the injected command neutralised.
    let line = stderr
        .lines()
        .find(|l| l.contains("internal error"))
        .expect("the hook's line");
    assert!(line.starts_with("cognigy-backup: internal error: bad answer"), "{line}");
    assert!(!stderr.lines().any(|l| l.starts_with("::error::x")), "{stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "Rust's own report is not printed: {stderr}"
    );
}

#[test]
fn a_panic_on_another_thread_ends_the_run_the_same_way() {
    let (code, stderr, reported) = run("thread");
    assert_eq!(code, Some(1), "{stderr}");
    let reported = reported.expect("the report ran");
    assert!(
        reported.starts_with("a worker saw \n::warning::y (at tests/crash.rs:"),
        "{reported}"
    );
    assert!(!stderr.lines().any(|l| l.starts_with("::warning::y")), "{stderr}");
}

#[test]
fn a_run_without_a_panic_returns_its_result_and_reports_nothing() {
    let (code, stderr, reported) = run("none");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(reported, None);
}
