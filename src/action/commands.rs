//! The runner's file and workflow commands, in one place.
//!
//! Outputs go to `GITHUB_OUTPUT` (multi-line values as heredocs with a random delimiter), the step
//! summary to `GITHUB_STEP_SUMMARY` (kept under 1 MiB), annotations, groups and masks to stdout as
//! workflow commands, escaped as the runner expects. Outside Actions (no `GITHUB_OUTPUT`) outputs are
//! printed to stdout in the same `name=value` / heredoc form. Everything written passes through
//! [`secrets::redact`] except the `::add-mask::` commands themselves, which the runner consumes.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use super::environment::Environment;
use crate::secrets;

/// GitHub's limit for one step's summary.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// Severity of an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// Every output the action declares, in `action.yml` order.
pub const OUTPUT_NAMES: [&str; 14] = [
    "changed",
    "snapshot-id",
    "commit-sha",
    "tiers-updated",
    "files-changed",
    "summary",
    "applied",
    "changes",
    "ok",
    "report-file",
    "issue-url",
    "dashboard-file",
    "unhealthy",
    "metrics-file",
];

/// Named output values of a run, in the order they were set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs(Vec<(String, String)>);

impl Outputs {
    /// Sets `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        assert!(
            OUTPUT_NAMES.contains(&name),
            "output {name:?} is not declared in action.yml"
        );
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// Where the runner wants things written; taken from the environment once.
#[derive(Debug, Clone, Default)]
pub struct Runner {
    /// `GITHUB_ACTIONS=true`: workflow commands are consumed by a runner.
    pub on_actions: bool,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
}

impl Runner {
    pub fn from_env(env: &Environment) -> Self {
        let path = |name: &str| env.var(name).map(PathBuf::from);
        Runner {
            on_actions: env.var("GITHUB_ACTIONS") == Some("true"),
            output_file: path("GITHUB_OUTPUT"),
            summary_file: path("GITHUB_STEP_SUMMARY"),
        }
    }

    /// Tells the runner to mask every registered secret. Printed only under a runner: elsewhere
    /// nothing would consume the command and the secret would be shown.
    pub fn mask_secrets(&self) {
        if self.on_actions {
            let mut out = io::stdout().lock();
            for secret in secrets::registered() {
                let _ = writeln!(out, "::add-mask::{}", escape_data(&secret));
            }
        }
    }

    /// Prints an annotation (`::error title=...::message`).
    pub fn annotate(&self, level: Level, title: &str, message: &str) {
        print_line(&format!(
            "::{} title={}::{}",
            level.command(),
            escape_property(title),
            escape_data(message)
        ));
    }

    /// Opens a collapsible group in the log; it closes when the guard drops.
    pub fn group(&self, name: &str) -> Group {
        print_line(&format!("::group::{}", escape_data(name)));
        Group(())
    }

    /// Writes `outputs` to `GITHUB_OUTPUT`, or to stdout outside Actions.
    pub fn write_outputs(&self, outputs: &Outputs) -> io::Result<()> {
        let text = format_outputs(outputs);
        match &self.output_file {
            Some(path) => append(path, &text),
            None => {
                print_line("Outputs:");
                print_raw(&text);
                Ok(())
            }
        }
    }

    /// Appends `markdown` (cut to stay under 1 MiB) to the step summary, when there is one.
    pub fn write_summary(&self, markdown: &str) -> io::Result<()> {
        match &self.summary_file {
            Some(path) => append(path, &fit_summary(markdown)),
            None => Ok(()),
        }
    }
}

/// Closes its `::group::` when dropped.
#[must_use = "the group closes when this guard is dropped"]
pub struct Group(());

impl Drop for Group {
    fn drop(&mut self) {
        print_line("::endgroup::");
    }
}

/// Prints one line to stdout with every secret redacted.
pub fn print_line(line: &str) {
    print_raw(&format!("{line}\n"));
}

fn print_raw(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(secrets::redact(text).as_bytes());
    let _ = out.flush();
}

fn append(path: &PathBuf, text: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(secrets::redact(text).as_bytes())
}

/// The file-command form of `outputs`: `name=value` lines, heredocs for multi-line values.
pub fn format_outputs(outputs: &Outputs) -> String {
    let mut text = String::new();
    for (name, value) in outputs.iter() {
        if value.contains(['\n', '\r']) {
            let delimiter = heredoc_delimiter(value);
            text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            text.push_str(&format!("{name}={value}\n"));
        }
    }
    text
}

/// A random delimiter that occurs nowhere in `value`.
fn heredoc_delimiter(value: &str) -> String {
    loop {
        let delimiter = format!("ghadelimiter_{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        if !value.contains(&delimiter) {
            return delimiter;
        }
    }
}

/// Escapes an annotation message (the part after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes an annotation property value (`title=...`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `markdown` cut at a line boundary to stay under [`SUMMARY_LIMIT`], with a note saying so.
pub fn fit_summary(markdown: &str) -> String {
    if markdown.len() < SUMMARY_LIMIT {
        return markdown.to_owned();
    }
    let note_room = 200;
    let mut cut = SUMMARY_LIMIT - note_room;
    while !markdown.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = markdown[..cut].rfind('\n').map_or(cut, |newline| newline + 1);
    format!(
        "{}\n\n> **Summary truncated:** {} bytes left out to stay under GitHub's 1 MiB limit; the full details are in the log.\n",
        &markdown[..cut],
        markdown.len() - cut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_outputs_are_plain_and_multi_line_ones_are_heredocs() {
        let mut outputs = Outputs::default();
        outputs.set("changed", "true");
        outputs.set("summary", "# Backup\n\nline two");
        outputs.set("changed", "false");
        let text = format_outputs(&outputs);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("changed=false"));
        let opener = lines.next().unwrap();
        let delimiter = opener.strip_prefix("summary<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_") && delimiter.len() > 20);
        assert_eq!(lines.by_ref().take(3).collect::<Vec<_>>(), ["# Backup", "", "line two"]);
        assert_eq!(lines.next(), Some(delimiter));
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn annotation_text_is_escaped_as_the_runner_expects() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("input: a, b"), "input%3A a%2C b");
    }

    #[test]
    fn summaries_stay_under_the_limit_with_a_note() {
        let small = "# ok\n";
        assert_eq!(fit_summary(small), small);
        let line = "| é | row of a big table |\n";
        let big = line.repeat(SUMMARY_LIMIT / line.len() + 100);
        let fitted = fit_summary(&big);
        assert!(fitted.len() < SUMMARY_LIMIT, "{}", fitted.len());
        assert!(fitted.contains("Summary truncated"));
        let kept = fitted.split("\n\n> **Summary truncated").next().unwrap();
        assert!(kept.ends_with(line), "cut at a line boundary");
    }
}
