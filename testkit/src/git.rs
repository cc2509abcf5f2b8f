//! The git command line, for the tests, benchmarks and demo: run it, and check a repository with
//! `git fsck`.

use std::path::Path;
use std::process::Command;

/// Runs `git args` in `dir` and answers its standard output; panics (showing git's error) when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `git fsck --full --strict` finds nothing wrong in `repo` (notices aside).
pub fn assert_fsck_clean(repo: &Path) {
    let out = Command::new("git")
        .args(["fsck", "--full", "--strict", "--no-dangling"])
        .current_dir(repo)
        .output()
        .expect("git is installed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let problems: Vec<&str> = text.lines().filter(|line| !line.starts_with("notice:")).collect();
    assert!(
        out.status.success() && problems.is_empty(),
        "fsck of {}: {text}",
        repo.display()
    );
}
