//! A test server written in Python (dulwich's git server, moto's S3), started as `python -c
//! SCRIPT ARGS...`: the script prints its port on its first line once it answers. The Python comes
//! from an environment variable (`.ci/run` points it at its venv), else `python3`. When the package
//! is missing the start answers `None` so a developer's run can skip, except on CI (`CI` set), where
//! it panics naming what to install: a test that silently skips on CI tests nothing.

use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

/// A started server: the process, killed when this drops, and the port it listens on.
pub(crate) struct Started {
    child: Child,
    pub port: u16,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `script` with `args` under the Python that `python_var` names; `package` is what pip
/// installs (`dulwich`, `'moto[server]==5.2.1'`).
pub(crate) fn start(python_var: &str, package: &str, script: &str, args: &[&OsStr]) -> Option<Started> {
    let python = std::env::var(python_var).unwrap_or_else(|_| "python3".to_owned());
    let started = Command::new(&python)
        .args(["-c", script])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let missing = |why: String| {
        let advice = format!("install it with `{python} -m pip install {package}` or set {python_var}; .ci/run does");
        assert!(
            std::env::var_os("CI").is_none(),
            "{package} is needed on CI: {why}; {advice}"
        );
        eprintln!("skipped: {package} is not available ({why}); {advice}");
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
        Ok(port) => Some(Started { child, port }),
        Err(_) => {
            let _ = child.kill();
            let output = child.wait_with_output().map(|o| o.stderr).unwrap_or_default();
            missing(String::from_utf8_lossy(&output).trim().to_owned())
        }
    }
}
