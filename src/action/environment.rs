//! The environment a run reads: the process's variables, or a map given by a caller (the demo, the
//! simulations), so that the whole program can run in-process exactly as the binary does.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Environment variables by name.
#[derive(Debug, Clone, Default)]
pub struct Environment(BTreeMap<String, String>);

impl Environment {
    /// The process's environment (variables that are not UTF-8 are left out).
    pub fn from_process() -> Self {
        Environment(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        )
    }

    /// An environment of exactly `vars`.
    pub fn from_vars<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        Environment(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// Sets `name` to `value`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// The value of `name`, `None` when unset or blank.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// Every variable.
    pub fn vars(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.0.iter().map(|(k, v)| (k.clone(), v.clone()))
    }

    /// Where temporary files go: `RUNNER_TEMP` when set (the runner's and act's), else the system's.
    pub fn temp_dir(&self) -> PathBuf {
        self.var("RUNNER_TEMP")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir)
    }

    /// Where files for later steps of the job go: `GITHUB_WORKSPACE` when set (mounted at the same
    /// relative place for a container action), else the working directory.
    pub fn workspace_dir(&self) -> PathBuf {
        self.var("GITHUB_WORKSPACE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}
