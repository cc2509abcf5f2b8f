//! A secret given as an input never appears in anything the process prints or writes. The only
//! place it may stand is the `::add-mask::` command itself, which the runner consumes and never shows.

mod support;

use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use support::git::Fixture;
use support::runner::{Step, StepRun};

const API_KEY: &str = "ck-live-0a1b2c3d4e5f60718293";
const TOKEN: &str = support::git::TOKEN;
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
    for secret in [
        API_KEY,
        TOKEN,
        WEBHOOK,
        "ghs_WrongTokenAlsoSecret9",
        "not-a-url-but-secret-XYZ",
    ] {
        assert!(
            !run_without_masks.contains(secret),
            "{case}: {secret} leaked:\n{run_without_masks}"
        );
    }
}

/// The fake Cognigy server, accepting [`API_KEY`].
fn fake_accepting_api_key() -> FakeCognigy {
    let options = Options {
        api_key: API_KEY.to_owned(),
        ..Options::default()
    };
    FakeCognigy::start(ProjectSpec::default(), options)
}

/// A step against the fake Cognigy server (which accepts [`API_KEY`]) and the git server (which
/// accepts [`TOKEN`]): every run below goes as far as its mode goes, with secrets in play.
fn step(mode: &str, fake: &FakeCognigy, git: &Fixture) -> Step {
    support::step(mode, fake, git).with("webhook-url", WEBHOOK)
}

#[test]
fn secrets_are_masked_first_and_never_printed_or_written() {
    let fake = fake_accepting_api_key();
    let git = Fixture::new();
    for format in ["text", "json"] {
        fake.edit(|p| p.add_lexicon(format, 1));
        for (case, step) in [
            ("backup", step("backup", &fake, &git)),
            ("invalid input", step("backup", &fake, &git).with("keep-daily", "0")),
            (
                "secret input invalid",
                step("backup", &fake, &git).with("webhook-url", "not-a-url-but-secret-XYZ"),
            ),
            ("promote", step("promote", &fake, &git)),
            ("cleanup", step("cleanup", &fake, &git)),
            (
                "wrong token",
                step("promote", &fake, &git).context("github.token", "ghs_WrongTokenAlsoSecret9"),
            ),
            ("outside actions", step("backup", &fake, &git).outside_actions()),
        ] {
            let expected_code = match case {
                "invalid input" | "secret input invalid" => 2,
                "wrong token" => 1,
                _ => 0,
            };
            let run = step.with("log-format", format).run();
            let case = format!("{case} ({format})");
            assert_eq!(run.code, Some(expected_code), "{case}:\n{}", run.stdout);
            assert_no_leak(&run, &case);
            if !case.starts_with("outside") {
                let first_lines: Vec<&str> = run
                    .stdout
                    .lines()
                    .take_while(|l| l.starts_with("::add-mask::"))
                    .collect();
                let token = if case.starts_with("wrong token") {
                    "ghs_WrongTokenAlsoSecret9"
                } else {
                    TOKEN
                };
                let webhook = if case.starts_with("secret input invalid") {
                    "not-a-url-but-secret-XYZ"
                } else {
                    WEBHOOK
                };
                for secret in [API_KEY, token, webhook] {
                    assert!(
                        first_lines.iter().any(|l| l.ends_with(secret)),
                        "{case}: {secret} not masked first"
                    );
                }
            }
        }
    }
}

#[test]
fn a_restore_that_writes_to_cognigy_leaks_no_secret() {
    let fake = fake_accepting_api_key();
    let git = Fixture::new();
    for format in ["text", "json"] {
        let backup = step("backup", &fake, &git).with("log-format", format).run();
        assert_eq!(backup.code, Some(0), "{}", backup.stdout);
        let lexicon = fake.edit(|p| p.add_lexicon(&format!("added after the {format} backup"), 1));
        for (case, step, applied) in [
            ("restore dry run", step("restore", &fake, &git), "false"),
            (
                "restore applied",
                step("restore", &fake, &git)
                    .with("dry-run", "false")
                    .with("confirm", fake.project_id()),
                "true",
            ),
        ] {
            let run = step.with("log-format", format).run();
            let case = format!("{case} ({format})");
            assert_eq!(run.code, Some(0), "{case}:\n{}", run.stdout);
            assert_eq!(run.outputs["applied"], applied, "{case}");
            assert_no_leak(&run, &case);
        }
        assert!(
            fake.project().lexicon(&lexicon).is_none(),
            "the restore removed the lexicon"
        );
    }
}
