//! A secret given as an input never appears in anything the process prints or writes. The only
//! place it may stand is the `::add-mask::` command itself, which the runner consumes and never shows.

mod support;

use support::runner::{Step, StepRun};

const API_KEY: &str = "ck-live-0a1b2c3d4e5f60718293";
const TOKEN: &str = "ghs_TokenThatMustNeverLeak42";
const WEBHOOK: &str = "https://hooks.slack.example/services/T0/B0/SeCrEtHoOk";

fn everything_written(run: &StepRun) -> String {
    let mut all = format!("{}\n{}\n{}\n{}\n", run.stdout, run.stderr, run.output_file, run.summary);
    for entry in walk(run.temp.path()) {
        all.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap_or_default()));
    }
    all
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path))
        } else {
            files.push(path)
        }
    }
    files
}

fn assert_no_leak(run: &StepRun, case: &str) {
    let shown: String = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect::<Vec<_>>()
        .join("\n");
    let run_without_masks = format!("{shown}\n{}", everything_written(run).replace(&run.stdout, ""));
    for secret in [API_KEY, TOKEN, WEBHOOK] {
        assert!(
            !run_without_masks.contains(secret),
            "{case}: {secret} leaked:\n{run_without_masks}"
        );
    }
}

fn step(mode: &str) -> Step {
    Step::new()
        .with("mode", mode)
        .with("cognigy-base-url", "http://127.0.0.1:9")
        .with("cognigy-api-key", API_KEY)
        .with("cognigy-project-id", "64b7f0c2a1e4d3b2c1a09f8e")
        .with("webhook-url", WEBHOOK)
        .context("github.token", TOKEN)
}

#[test]
fn secrets_are_masked_first_and_never_printed_or_written() {
    for format in ["text", "json"] {
        for (case, step) in [
            ("valid backup", step("backup").with("remote-url", "/tmp/none.git")),
            ("invalid input", step("backup").with("keep-daily", "0")),
            (
                "secret input invalid",
                step("backup").with("webhook-url", "not-a-url-but-secret-XYZ"),
            ),
            ("https remote", step("promote")),
            (
                "outside actions",
                step("backup").with("remote-url", "/tmp/none.git").outside_actions(),
            ),
        ] {
            let run = step.with("log-format", format).run();
            let case = format!("{case} ({format})");
            assert_no_leak(&run, &case);
            if !case.starts_with("outside") {
                let first_lines: Vec<&str> = run
                    .stdout
                    .lines()
                    .take_while(|l| l.starts_with("::add-mask::"))
                    .collect();
                for secret in [API_KEY, TOKEN] {
                    assert!(
                        first_lines.iter().any(|l| l.ends_with(secret)),
                        "{case}: {secret} not masked first"
                    );
                }
            }
        }
    }
}
