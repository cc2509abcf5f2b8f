//! `cognigy-backup init` as a person runs it: the built binary with flags (no terminal), writing a
//! backup repository's files into a folder; a second run changes nothing, an edited file survives,
//! and two projects get different schedules.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PROJECT: &str = "0123456789abcdef01234567";
const OTHER_PROJECT: &str = "76543210fedcba9876543210";

const FILES: [&str; 6] = [
    ".github/workflows/backup.yml",
    ".github/workflows/restore.yml",
    ".github/workflows/verify.yml",
    ".github/workflows/setup.yml",
    "README.md",
    ".github/dependabot.yml",
];

fn init(dir: &Path, flags: &[&str]) -> Output {
    Command::new(support::runner::binary())
        .arg("init")
        .arg("--dir")
        .arg(dir)
        .args(flags)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn contents(dir: &Path) -> BTreeMap<&'static str, String> {
    FILES
        .iter()
        .map(|f| (*f, std::fs::read_to_string(dir.join(f)).unwrap_or_default()))
        .collect()
}

fn cron_of(workflow: &str) -> String {
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(workflow).unwrap();
    value["on"]["schedule"][0]["cron"].as_str().unwrap().to_owned()
}

#[test]
fn init_writes_every_file_and_a_second_run_changes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("cognigy-backup-support-bot");
    let first = init(
        &dir,
        &[
            "--project-id",
            PROJECT,
            "--base-url",
            "https://api-trial.cognigy.ai",
            "--name",
            "Support bot",
        ],
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}{}",
        stdout(&first),
        String::from_utf8_lossy(&first.stderr)
    );
    let written = contents(&dir);
    for file in FILES {
        assert!(written[file].contains("Written by cognigy-backup init"), "{file}");
        assert!(
            stdout(&first).contains(&format!("create     {file}")),
            "{}",
            stdout(&first)
        );
    }
    // The workflows are valid YAML that use the action in the mode their name says.
    for (file, mode) in [
        ("backup", "backup"),
        ("restore", "restore"),
        ("verify", "verify"),
        ("setup", "setup"),
    ] {
        let text = &written[format!(".github/workflows/{file}.yml").as_str()];
        let workflow: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
        let jobs = workflow["jobs"].as_mapping().unwrap();
        let step = &jobs.values().next().unwrap()["steps"][0];
        assert_eq!(step["uses"].as_str(), Some("org/cognigy-backup-action@v1"), "{file}");
        assert_eq!(step["with"]["mode"].as_str(), Some(mode), "{file}");
    }
    let readme = &written["README.md"];
    assert!(readme.contains("# Cognigy backup: Support bot\n"), "{readme}");
    assert!(
        readme.contains(&format!("`{PROJECT}` on `https://api-trial.cognigy.ai`")),
        "{readme}"
    );
    assert!(stdout(&first).contains("gh variable set COGNIGY_BASE_URL --body https://api-trial.cognigy.ai"));

    let second = init(
        &dir,
        &[
            "--project-id",
            PROJECT,
            "--base-url",
            "https://api-trial.cognigy.ai",
            "--name",
            "Support bot",
        ],
    );
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(contents(&dir), written, "a second run changes nothing");
    let shown = stdout(&second);
    assert_eq!(shown.matches("unchanged ").count(), FILES.len(), "{shown}");
    assert!(shown.contains("Nothing to change."), "{shown}");
}

#[test]
fn two_projects_get_different_cron_minutes() {
    let temp = tempfile::tempdir().unwrap();
    let (a, b) = (temp.path().join("a"), temp.path().join("b"));
    assert!(init(&a, &["--project-id", PROJECT, "--yes"]).status.success());
    assert!(init(&b, &["--project-id", OTHER_PROJECT, "--yes"]).status.success());
    let (a, b) = (contents(&a), contents(&b));
    let backup = (cron_of(&a[FILES[0]]), cron_of(&b[FILES[0]]));
    assert_ne!(backup.0, backup.1);
    for cron in [&backup.0, &backup.1] {
        let minutes: Vec<u32> = cron
            .split(' ')
            .next()
            .unwrap()
            .split(',')
            .map(|m| m.parse().unwrap())
            .collect();
        assert!(
            minutes.len() == 2 && minutes[1] == minutes[0] + 30 && !minutes[0].is_multiple_of(15),
            "{cron}"
        );
    }
    assert_ne!(cron_of(&a[FILES[2]]), cron_of(&b[FILES[2]]), "the weekly verify too");
    assert_eq!(
        a[FILES[1]], b[FILES[1]],
        "restore.yml has no schedule: the same for both"
    );
}

#[test]
fn an_edited_file_and_a_foreign_one_survive_unless_forced() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "# Our own README\n").unwrap();
    assert!(init(&dir, &["--project-id", PROJECT, "--yes"]).status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "# Our own README\n"
    );

    let backup = dir.join(FILES[0]);
    let edited = std::fs::read_to_string(&backup)
        .unwrap()
        .replace("timeout-minutes: 30", "timeout-minutes: 45");
    std::fs::write(&backup, &edited).unwrap();
    let again = init(&dir, &["--project-id", PROJECT, "--yes"]);
    assert!(again.status.success());
    let shown = stdout(&again);
    assert!(
        shown.contains("keep       .github/workflows/backup.yml   edited since init wrote it: --force replaces it"),
        "{shown}"
    );
    assert!(
        shown.contains("README.md                      not written by init: --force replaces it"),
        "{shown}"
    );
    assert!(
        shown.contains("-    timeout-minutes: 45\n+    timeout-minutes: 30\n"),
        "the change is shown: {shown}"
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), edited);

    let dry = init(&dir, &["--project-id", PROJECT, "--yes", "--force", "--dry-run"]);
    assert!(stdout(&dry).contains("Nothing written (--dry-run)."));
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), edited);

    let forced = init(&dir, &["--project-id", PROJECT, "--yes", "--force"]);
    assert!(forced.status.success());
    assert!(stdout(&forced).contains("replace    .github/workflows/backup.yml"));
    assert!(
        std::fs::read_to_string(&backup)
            .unwrap()
            .contains("timeout-minutes: 30")
    );
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .unwrap()
            .contains("# Cognigy backup: repo")
    );
}

#[test]
fn answers_are_checked_by_the_inputs_rules_before_anything_is_written() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("repo");
    let missing = init(&dir, &[]);
    assert_eq!(missing.status.code(), Some(2));
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(error.contains("--project-id is required"), "{error}");
    let ui_host = init(
        &dir,
        &["--project-id", PROJECT, "--base-url", "https://trial.cognigy.ai"],
    );
    assert_eq!(ui_host.status.code(), Some(2));
    let error = String::from_utf8_lossy(&ui_host.stderr);
    assert!(
        error.contains("--base-url \"https://trial.cognigy.ai\": is the host of Cognigy's web interface, not of its API; use the API host https://api-trial.cognigy.ai"),
        "{error}"
    );
    assert!(!dir.exists(), "nothing was written");
}
