//! Validation: the raw inputs become a typed configuration for one mode, before any network I/O.
//!
//! Every bad value is collected (not just the first), each as an [`InputError`] that names the
//! input, shows the value (never a secret's) and says what is accepted.
//!
//! [`validator`] holds the primitives; the groups of inputs that several modes share have a file
//! each ([`cognigy`], [`repo`], [`mirror`], [`selector`], [`notify`]); every mode has a file with its own
//! validation (`backup.rs`, `restore.rs`, `drill.rs`, `diff.rs`, ...); [`secrets`] reads the keys, which picks the groups it needs.

pub mod answers;
mod backup;
mod cleanup;
mod cognigy;
mod diff;
mod drill;
mod mirror;
mod notify;
mod offsite;
mod promote;
mod repo;
mod restore;
mod secrets;
mod selector;
mod setup;
mod status;
mod validator;
mod verify;

use std::fmt;

use super::environment::Environment;
use super::inputs::RawInputs;
use validator::Validator;

pub use cognigy::{CognigyConfig, ExportConfig, NativeSnapshot, RESOURCE_KINDS, api_host_for_ui_host};
pub use diff::Against;
pub use mirror::MirrorConfig;
pub use notify::{LogFormat, Notify, NotifyOn, WebhookFormat};
pub use offsite::{Cloud, OffsiteConfig};
pub use repo::{GithubApi, Keep, RemoteLocation, RepoConfig, Tier};
pub use restore::{Confirm, RestoreMethod};
pub use secrets::SecretsMode;
pub use selector::{SnapshotSelector, is_snapshot_id, parse_snapshot_selector};
pub use setup::COGNIGY_INPUTS;

/// What the run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Backup,
    Promote,
    Cleanup,
    Restore,
    Verify,
    Status,
    Setup,
    Drill,
    Diff,
}

impl Mode {
    pub const ALL: [Mode; 9] = [
        Mode::Backup,
        Mode::Promote,
        Mode::Cleanup,
        Mode::Restore,
        Mode::Verify,
        Mode::Status,
        Mode::Setup,
        Mode::Drill,
        Mode::Diff,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Backup => "backup",
            Mode::Promote => "promote",
            Mode::Cleanup => "cleanup",
            Mode::Restore => "restore",
            Mode::Verify => "verify",
            Mode::Status => "status",
            Mode::Setup => "setup",
            Mode::Drill => "drill",
            Mode::Diff => "diff",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The typed configuration of one run.
#[derive(Debug, Clone)]
pub struct Config {
    pub log_format: LogFormat,
    pub notify: Notify,
    pub mode: ModeConfig,
}

/// What each mode needs, and nothing more.
#[derive(Debug, Clone)]
pub enum ModeConfig {
    Backup {
        cognigy: CognigyConfig,
        export: ExportConfig,
        repo: RepoConfig,
        keep: Keep,
        /// How credentials inside the project are stored.
        secrets: SecretsMode,
        /// `Some` when the backup also promotes (in the same push).
        promote: Option<GithubApi>,
        /// Whether a new snapshot's commit is authored by the Cognigy users who changed it.
        record_editors: bool,
        /// At least this often the export reads everything (a scrub); zero: every run.
        full_export_every: time::Duration,
        /// `Some` when every new snapshot is also copied to an object store.
        offsite: Option<Box<OffsiteConfig>>,
    },
    Promote {
        repo: RepoConfig,
        keep: Keep,
        github: GithubApi,
    },
    Cleanup {
        repo: RepoConfig,
        keep: Keep,
        github: GithubApi,
        /// When given, Cognigy-side snapshots left behind by interrupted runs are deleted too.
        cognigy: Option<CognigyConfig>,
    },
    Restore {
        cognigy: CognigyConfig,
        repo: RepoConfig,
        tier: Tier,
        snapshot: SnapshotSelector,
        dry_run: bool,
        confirm: Option<Confirm>,
        method: RestoreMethod,
        target_project_id: String,
        /// The kinds `resources` names: what is compared and restored.
        kinds: Vec<&'static str>,
        /// `keep-hourly` applies to the undo point, which goes into the hourly tier.
        keep: Keep,
        /// How the undo point stores credentials.
        secrets: SecretsMode,
        /// Opens the credentials a snapshot holds encrypted, to put them back.
        identity: Option<crate::secrets::Identity>,
    },
    Verify {
        repo: RepoConfig,
        /// `None`: every tier.
        tier: Option<Tier>,
        /// How long each tier's chain may be, and how many monthly tags there may be.
        keep: Keep,
        /// Where the monthly tags' releases are checked.
        github: GithubApi,
        /// `Some` when `verify-live` asks for a drift report against the live project.
        live: Option<(CognigyConfig, ExportConfig)>,
    },
    Status {
        github: GithubApi,
        /// Empty when `repositories` names the fleet and no owner is known.
        owner: String,
        repo_prefix: String,
        /// `owner/name` of each repository of the fleet; empty: the owner's by prefix.
        repositories: Vec<String>,
        /// How recent the last successful backup must be for a repository to be green.
        healthy_within: time::Duration,
        /// The tier branches' prefix (`snapshot/`), as the fleet's backups use it.
        branch_prefix: String,
    },
    Setup {
        /// `None` when a Cognigy input is missing (see `missing`).
        cognigy: Option<CognigyConfig>,
        /// The Cognigy inputs that are not set, each a failed check.
        missing: Vec<&'static str>,
        repo: RepoConfig,
        /// Where the releases, the issue and the restore environment are checked.
        github: GithubApi,
    },
    Drill {
        /// The staging project restored into: the Cognigy inputs with `target-project-id`.
        target: CognigyConfig,
        /// `cognigy-project-id`, the project the snapshots are of (never written).
        source_project_id: String,
        repo: RepoConfig,
        /// The tier `latest` reads.
        tier: Tier,
        snapshot: SnapshotSelector,
    },
    Diff {
        repo: RepoConfig,
        /// The tier `latest` reads, for either side.
        tier: Tier,
        /// The side the comparison reads from.
        snapshot: SnapshotSelector,
        /// The side it reads to.
        against: Against,
        /// The kinds `resources` names: what is compared.
        kinds: Vec<&'static str>,
    },
}

impl ModeConfig {
    pub fn mode(&self) -> Mode {
        match self {
            ModeConfig::Backup { .. } => Mode::Backup,
            ModeConfig::Promote { .. } => Mode::Promote,
            ModeConfig::Cleanup { .. } => Mode::Cleanup,
            ModeConfig::Restore { .. } => Mode::Restore,
            ModeConfig::Verify { .. } => Mode::Verify,
            ModeConfig::Status { .. } => Mode::Status,
            ModeConfig::Setup { .. } => Mode::Setup,
            ModeConfig::Drill { .. } => Mode::Drill,
            ModeConfig::Diff { .. } => Mode::Diff,
        }
    }
}

/// One invalid input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub input: &'static str,
    /// The value as given; `None` for secrets and for missing values.
    pub value: Option<String>,
    /// What went wrong and what is accepted.
    pub problem: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "input `{}` is {value:?}: {}", self.input, self.problem),
            None => write!(f, "input `{}`: {}", self.input, self.problem),
        }
    }
}

/// The environment outside the inputs that validation may consult (the runner's `GITHUB_*`).
#[derive(Debug, Clone, Default)]
pub struct RunnerEnv {
    pub github_token: Option<String>,
    pub github_repository: Option<String>,
    pub github_repository_owner: Option<String>,
    pub github_server_url: Option<String>,
    pub github_api_url: Option<String>,
}

impl RunnerEnv {
    pub fn from_env(env: &Environment) -> Self {
        let var = |name: &str| env.var(name).map(str::to_owned);
        RunnerEnv {
            github_token: var("GITHUB_TOKEN"),
            github_repository: var("GITHUB_REPOSITORY"),
            github_repository_owner: var("GITHUB_REPOSITORY_OWNER"),
            github_server_url: var("GITHUB_SERVER_URL"),
            github_api_url: var("GITHUB_API_URL"),
        }
    }
}

/// Validates `raw` into the configuration of its mode, or every problem found.
pub fn validate(raw: &RawInputs, env: &RunnerEnv) -> Result<Config, Vec<InputError>> {
    let mut v = Validator {
        raw,
        env,
        errors: Vec::new(),
    };
    let log_format = v.choice(
        "log-format",
        "text",
        &[("text", LogFormat::Text), ("json", LogFormat::Json)],
    );
    let notify = v.notify();
    let mode = v.mode().and_then(|mode| v.mode_config(mode));
    match (log_format, notify, mode) {
        (Some(log_format), Some(notify), Some(mode)) if v.errors.is_empty() => Ok(Config {
            log_format,
            notify,
            mode,
        }),
        _ => Err(v.errors),
    }
}

/// The log format asked for, for setting up logging before the rest is validated.
pub fn requested_log_format(raw: &RawInputs) -> LogFormat {
    match raw.get("log-format").map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("json") => LogFormat::Json,
        _ => LogFormat::Text,
    }
}
impl Validator<'_> {
    fn mode(&mut self) -> Option<Mode> {
        let names: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
        match self.value("mode") {
            None => self.fail("mode", format!("is required; accepted: {}", names.join(", "))),
            Some(value) => match Mode::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(value)) {
                Some(mode) => Some(mode),
                None => self.fail("mode", format!("is not a mode; accepted: {}", names.join(", "))),
            },
        }
    }

    fn mode_config(&mut self, mode: Mode) -> Option<ModeConfig> {
        match mode {
            Mode::Backup => self.backup(),
            Mode::Promote => self.promote(),
            Mode::Cleanup => self.cleanup(),
            Mode::Restore => self.restore(),
            Mode::Verify => self.verify(),
            Mode::Status => self.status(),
            Mode::Setup => self.setup(),
            Mode::Drill => self.drill(),
            Mode::Diff => self.diff(),
        }
    }
}
