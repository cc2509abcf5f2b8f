//! An S3-compatible object store for tests: moto (AWS's APIs in Python) in server mode on
//! 127.0.0.1, on a free port, with one bucket made. The offsite copies are tested against it
//! through the real S3 protocol, not a mock of the client.
//!
//! The Python comes from `COGNIGY_BACKUP_MOTO_PYTHON` (set by `.ci/run` to its venv), else
//! `python3`; without moto a developer's run skips and CI fails ([`python_server`]).

use crate::python_server;

/// The server script, run with `python -c`.
const SCRIPT: &str = include_str!("moto_server.py");

/// The variable naming the Python that has `moto[server]`.
pub const PYTHON_VAR: &str = "COGNIGY_BACKUP_MOTO_PYTHON";

/// A running moto server; the process is killed when this drops.
pub struct MotoServer {
    bucket: String,
    server: python_server::Started,
}

impl MotoServer {
    /// Starts moto with the bucket `bucket`; `None` when no Python with moto is found and `CI` is
    /// not set (on CI that panics, naming what to install).
    pub fn start(bucket: &str) -> Option<MotoServer> {
        let started = python_server::start(PYTHON_VAR, "'moto[server]==5.2.1'", SCRIPT, &[bucket.as_ref()])?;
        Some(MotoServer {
            bucket: bucket.to_owned(),
            server: started,
        })
    }

    /// The endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}
