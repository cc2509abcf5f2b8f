//! An S3-compatible object store for tests: moto (AWS's APIs in Python) in server mode on
//! 127.0.0.1, on a free port, with one bucket made. The offsite copies are tested against it
//! through the real S3 protocol, not a mock of the client.
//!
//! The Python comes from `COGNIGY_BACKUP_MOTO_PYTHON` (set by `.ci/run` to its venv), else
//! `python3`. Without moto, [`MotoServer::start`] answers `None` so a developer's run can skip,
//! except on CI (`CI` set), where a missing moto fails the test, as with
//! [`dulwich_server`](crate::dulwich_server).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

/// The server script, run with `python -c`.
const SCRIPT: &str = include_str!("moto_server.py");

/// The variable naming the Python that has `moto[server]`.
pub const PYTHON_VAR: &str = "COGNIGY_BACKUP_MOTO_PYTHON";

/// A running moto server; the process is killed when this drops.
pub struct MotoServer {
    port: u16,
    bucket: String,
    child: Child,
}

impl MotoServer {
    /// Starts moto with the bucket `bucket`; `None` when no Python with moto is found and `CI` is
    /// not set (on CI that panics, naming what to install).
    pub fn start(bucket: &str) -> Option<MotoServer> {
        let python = std::env::var(PYTHON_VAR).unwrap_or_else(|_| "python3".to_owned());
        let started = Command::new(&python)
            .args(["-c", SCRIPT, bucket])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let missing = |why: String| {
            let advice = format!(
                "install it with `{python} -m pip install 'moto[server]==5.2.1'` or set {PYTHON_VAR}; .ci/run does"
            );
            assert!(
                std::env::var_os("CI").is_none(),
                "moto is needed on CI: {why}; {advice}"
            );
            eprintln!("skipped: moto is not available ({why}); {advice}");
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
            Ok(port) => Some(MotoServer {
                port,
                bucket: bucket.to_owned(),
                child,
            }),
            Err(_) => {
                let _ = child.kill();
                let output = child.wait_with_output().map(|o| o.stderr).unwrap_or_default();
                missing(String::from_utf8_lossy(&output).trim().to_owned())
            }
        }
    }

    /// The endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
