//! An emulation of the GitHub runner for a Docker container action, for the tests.
//!
//! It reads `action.yml`, sets `INPUT_*` exactly as the runner does (upper-cased, spaces to `_`,
//! hyphens kept; every declared input passed, defaults filled in, expressions such as
//! `${{ github.token }}` evaluated from a small context), gives the step fresh `GITHUB_OUTPUT` and
//! `GITHUB_STEP_SUMMARY` files and a `RUNNER_TEMP`, runs the built binary with nothing else of the
//! test's environment, and parses what comes back: outputs (from the file, or from stdout when run
//! outside Actions), the step summary, annotations and masks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::action_yml::ActionYml;

/// The built binary.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cognigy-backup"))
}

/// A workflow step that uses the action.
#[derive(Debug, Clone)]
pub struct Step {
    with: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    context: BTreeMap<&'static str, String>,
    on_actions: bool,
}

/// What a step did.
#[derive(Debug)]
pub struct StepRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Outputs as the runner would read them.
    pub outputs: BTreeMap<String, String>,
    /// The raw `GITHUB_OUTPUT` file (empty outside Actions).
    pub output_file: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// Values announced with `::add-mask::`.
    pub masks: Vec<String>,
    /// The step's `RUNNER_TEMP` after the run (kept until the `StepRun` drops).
    pub temp: tempfile::TempDir,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: String,
    pub properties: BTreeMap<String, String>,
    pub message: String,
}

impl Default for Step {
    fn default() -> Self {
        Self::new()
    }
}

impl Step {
    /// A step on a runner (`GITHUB_ACTIONS=true`) with a default `github` context.
    pub fn new() -> Self {
        let context = BTreeMap::from([
            ("github.token", String::new()),
            ("github.repository", "acme/cognigy-backup-demo".to_owned()),
            ("github.repository_owner", "acme".to_owned()),
            ("github.api_url", "https://api.github.com".to_owned()),
        ]);
        Step {
            with: BTreeMap::new(),
            env: BTreeMap::new(),
            context,
            on_actions: true,
        }
    }

    /// `with: { name: value }`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.with.insert(name.to_owned(), value.into());
        self
    }

    /// An extra environment variable (`env:` of the step, or `COGNIGY_BACKUP_NOW`).
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.insert(name.to_owned(), value.into());
        self
    }

    /// Sets a value of the `github` context used to evaluate defaults (`github.token`, ...).
    pub fn context(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.context.insert(key, value.into());
        self
    }

    /// Runs the binary as a person would locally: the same `INPUT_*` variables, no runner files.
    pub fn outside_actions(mut self) -> Self {
        self.on_actions = false;
        self
    }

    /// The environment the runner would give the container.
    pub fn environment(&self, temp: &Path) -> BTreeMap<String, String> {
        let action = ActionYml::load();
        let mut env = BTreeMap::new();
        env.insert("PATH".to_owned(), std::env::var("PATH").unwrap_or_default());
        env.insert("HOME".to_owned(), temp.join("home").display().to_string());
        env.insert("RUNNER_TEMP".to_owned(), temp.join("runner_temp").display().to_string());
        for input in &action.inputs {
            let value = match self.with.get(&input.name) {
                Some(value) => value.clone(),
                None => self.evaluate(input.default.as_deref().unwrap_or("")),
            };
            env.insert(format!("INPUT_{}", input.name.replace(' ', "_").to_uppercase()), value);
        }
        for (name, value) in &self.with {
            // Unknown `with:` keys only earn a warning from the runner, and are passed on.
            env.entry(format!("INPUT_{}", name.replace(' ', "_").to_uppercase()))
                .or_insert_with(|| value.clone());
        }
        if self.on_actions {
            for (name, value) in [
                ("GITHUB_ACTIONS", "true".to_owned()),
                ("CI", "true".to_owned()),
                ("GITHUB_OUTPUT", temp.join("file_commands/output").display().to_string()),
                (
                    "GITHUB_STEP_SUMMARY",
                    temp.join("file_commands/summary").display().to_string(),
                ),
                ("GITHUB_REPOSITORY", self.context["github.repository"].clone()),
                (
                    "GITHUB_REPOSITORY_OWNER",
                    self.context["github.repository_owner"].clone(),
                ),
                ("GITHUB_API_URL", self.context["github.api_url"].clone()),
                ("GITHUB_SERVER_URL", "https://github.com".to_owned()),
                ("GITHUB_WORKSPACE", temp.join("workspace").display().to_string()),
                ("GITHUB_ACTOR", "octocat".to_owned()),
                ("GITHUB_RUN_ID", "4242".to_owned()),
            ] {
                env.insert(name.to_owned(), value);
            }
        }
        env.extend(self.env.clone());
        env
    }

    /// `${{ github.x }}` from the context; other text as it is.
    fn evaluate(&self, default: &str) -> String {
        match default.trim().strip_prefix("${{").and_then(|s| s.strip_suffix("}}")) {
            Some(expr) => self.context.get(expr.trim()).cloned().unwrap_or_default(),
            None => default.to_owned(),
        }
    }

    /// Runs the step to its end.
    pub fn run(&self) -> StepRun {
        let temp = tempfile::tempdir().expect("temp dir");
        for dir in ["home", "runner_temp", "file_commands", "workspace"] {
            std::fs::create_dir_all(temp.path().join(dir)).unwrap();
        }
        let output_path = temp.path().join("file_commands/output");
        let summary_path = temp.path().join("file_commands/summary");
        if self.on_actions {
            std::fs::write(&output_path, "").unwrap();
            std::fs::write(&summary_path, "").unwrap();
        }
        let out = Command::new(binary())
            .env_clear()
            .envs(self.environment(temp.path()))
            .current_dir(temp.path().join("workspace"))
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let output_file = std::fs::read_to_string(&output_path).unwrap_or_default();
        let outputs = if self.on_actions {
            parse_outputs(&output_file)
        } else {
            let printed = stdout.split_once("\nOutputs:\n").map(|(_, rest)| rest).unwrap_or("");
            parse_outputs(printed)
        };
        StepRun {
            code: out.status.code(),
            annotations: parse_annotations(&stdout),
            masks: stdout
                .lines()
                .filter_map(|l| l.strip_prefix("::add-mask::"))
                .map(unescape)
                .collect(),
            summary: std::fs::read_to_string(&summary_path).unwrap_or_default(),
            stdout,
            stderr,
            outputs,
            output_file,
            temp,
        }
    }
}

impl StepRun {
    /// The run's first error annotation; a run without one fails the test.
    pub fn error(&self) -> &Annotation {
        self.annotations
            .iter()
            .find(|a| a.level == "error")
            .unwrap_or_else(|| panic!("no error annotation in {:?}\n{}", self.annotations, self.stdout))
    }

    /// A file the step left in its workspace (`GITHUB_WORKSPACE`), if any.
    pub fn workspace_file(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.temp.path().join("workspace").join(name)).ok()
    }
}

/// Parses the `GITHUB_OUTPUT` format: `name=value` lines and `name<<DELIM` heredocs.
pub fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        }
    }
    outputs
}

/// Parses `::error title=T::message` style lines.
pub fn parse_annotations(stdout: &str) -> Vec<Annotation> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("::")?;
            let (head, message) = rest.split_once("::")?;
            let (level, props) = head.split_once(' ').unwrap_or((head, ""));
            if !matches!(level, "error" | "warning" | "notice") {
                return None;
            }
            let properties = props
                .split(',')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_owned(), unescape(v)))
                .collect();
            Some(Annotation {
                level: level.to_owned(),
                properties,
                message: unescape(message),
            })
        })
        .collect()
}

/// Undoes the runner's escaping.
pub fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// A workflow command as the runner finds it in a line of a step's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowCommand {
    /// Lower-cased: the runner matches names ignoring case.
    pub name: String,
    pub properties: String,
    pub data: String,
}

/// The command names the runner acts on (its command extensions, and `stop-commands`).
const RUNNER_COMMANDS: &[&str] = &[
    "add-mask",
    "add-matcher",
    "add-path",
    "debug",
    "echo",
    "endgroup",
    "error",
    "group",
    "internal-set-repo-path",
    "notice",
    "remove-matcher",
    "save-state",
    "set-env",
    "set-output",
    "stop-commands",
    "warning",
];

/// Every workflow command the runner would act on in `output` (stdout or stderr) as it reads
/// them (actions/runner, `ActionCommand`): lines end at CR, LF or CRLF; a line is a command when,
/// after leading white space, it is `::name properties::data`, or when it holds
/// `##[name properties]data` anywhere (the older form, still parsed), for a known name.
pub fn commands(output: &str) -> Vec<WorkflowCommand> {
    let known = |name: &str| RUNNER_COMMANDS.contains(&name.to_ascii_lowercase().as_str());
    let split = |info: &str| {
        let (name, properties) = info.split_once(' ').unwrap_or((info, ""));
        (name.to_ascii_lowercase(), properties.to_owned())
    };
    output
        .split(['\r', '\n'])
        .filter_map(|line| {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("::")
                && let Some((info, data)) = rest.split_once("::")
                && known(split(info).0.as_str())
            {
                let (name, properties) = split(info);
                return Some(WorkflowCommand {
                    name,
                    properties,
                    data: data.to_owned(),
                });
            }
            let (_, old) = line.split_once("##[")?;
            let (info, data) = old.split_once(']')?;
            let (name, properties) = split(info);
            known(&name).then(|| WorkflowCommand {
                name,
                properties,
                data: data.to_owned(),
            })
        })
        .collect()
}
