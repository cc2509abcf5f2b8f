//! The repository's Python scripts (`scripts/*.py`), run as the release workflow runs them.

use std::process::Command;

use super::action_yml::repo_root;

/// What a script run left behind.
#[derive(Debug)]
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `python3 scripts/<script> args…` from the repository root.
pub fn run(script: &str, args: &[&str]) -> Run {
    let out = Command::new("python3")
        .arg(repo_root().join("scripts").join(script))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("python3 runs (the scripts need Python 3.11 or later)");
    Run {
        status: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}
