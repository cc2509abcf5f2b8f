//! A second, independent git smart-HTTP server for tests: dulwich (a git implementation in
//! Python) behind the same Basic auth as [`git_server`](crate::git_server), on 127.0.0.1. Its
//! advertisements differ from git's (an empty repository's names `symref=HEAD:...` for a branch
//! that does not exist), which is the point: the store must work against both.
//!
//! The Python comes from `COGNIGY_BACKUP_DULWICH_PYTHON` (set by `.ci/run` to its venv), else
//! `python3`. Without dulwich, [`DulwichServer::start`] answers `None` so a developer's run can
//! skip, except on CI (`CI` set), where a missing dulwich fails the test: a test that silently
//! skips on CI tests nothing.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::git_server::GitHost;

/// The server script, run with `python -c`.
const SCRIPT: &str = include_str!("dulwich_server.py");

/// The variable naming the Python that has dulwich.
pub const PYTHON_VAR: &str = "COGNIGY_BACKUP_DULWICH_PYTHON";

/// A running dulwich server; the process is killed when this drops.
pub struct DulwichServer {
    root: PathBuf,
    port: u16,
    child: Child,
}

impl DulwichServer {
    /// Serves the repositories under `root` to `user` with `password`; `None` when no Python with
    /// dulwich is found and `CI` is not set (on CI that panics, naming what to install).
    pub fn start(root: impl Into<PathBuf>, user: &str, password: &str) -> Option<DulwichServer> {
        let root = root.into();
        let python = std::env::var(PYTHON_VAR).unwrap_or_else(|_| "python3".to_owned());
        let started = Command::new(&python)
            .args(["-c", SCRIPT])
            .arg(&root)
            .args([user, password])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let missing = |why: String| {
            let advice = format!("install it with `{python} -m pip install dulwich` or set {PYTHON_VAR}; .ci/run does");
            assert!(
                std::env::var_os("CI").is_none(),
                "dulwich is needed on CI: {why}; {advice}"
            );
            eprintln!("skipped: dulwich is not available ({why}); {advice}");
            None
        };
        let mut child = match started {
            Ok(child) => child,
            Err(e) => return missing(format!("{python} did not start: {e}")),
        };
        let mut first_line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout).read_line(&mut first_line).ok();
        match first_line.trim().parse() {
            Ok(port) => Some(DulwichServer { root, port, child }),
            Err(_) => {
                let _ = child.kill();
                let output = child.wait_with_output().map(|o| o.stderr).unwrap_or_default();
                missing(String::from_utf8_lossy(&output).trim().to_owned())
            }
        }
    }
}

impl GitHost for DulwichServer {
    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    fn repo_path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

impl Drop for DulwichServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
