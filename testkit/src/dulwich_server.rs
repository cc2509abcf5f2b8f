//! A second, independent git smart-HTTP server for tests: dulwich (a git implementation in
//! Python) behind the same Basic auth as [`git_server`](crate::git_server), on 127.0.0.1. Its
//! advertisements differ from git's (an empty repository's names `symref=HEAD:...` for a branch
//! that does not exist), which is the point: the store must work against both.
//!
//! The Python comes from `COGNIGY_BACKUP_DULWICH_PYTHON` (set by `.ci/run` to its venv), else
//! `python3`; without dulwich a developer's run skips and CI fails ([`python_server`]).

use std::path::PathBuf;

use crate::git_server::GitHost;
use crate::python_server;

/// The server script, run with `python -c`.
const SCRIPT: &str = include_str!("dulwich_server.py");

/// The variable naming the Python that has dulwich.
pub const PYTHON_VAR: &str = "COGNIGY_BACKUP_DULWICH_PYTHON";

/// A running dulwich server; the process is killed when this drops.
pub struct DulwichServer {
    root: PathBuf,
    server: python_server::Started,
}

impl DulwichServer {
    /// Serves the repositories under `root` to `user` with `password`; `None` when no Python with
    /// dulwich is found and `CI` is not set (on CI that panics, naming what to install).
    pub fn start(root: impl Into<PathBuf>, user: &str, password: &str) -> Option<DulwichServer> {
        let root = root.into();
        let args = [root.as_os_str(), user.as_ref(), password.as_ref()];
        let started = python_server::start(PYTHON_VAR, "dulwich", SCRIPT, &args)?;
        Some(DulwichServer { root, server: started })
    }
}

impl GitHost for DulwichServer {
    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.server.port)
    }

    fn repo_path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}
