//! Validation: the raw inputs become a typed configuration for one mode, before any network I/O.
//!
//! Every bad value is collected (not just the first), each as an [`InputError`] that names the
//! input, shows the value (never a secret's) and says what is accepted.

use std::fmt;
use std::path::PathBuf;

use reqwest::Url;

use super::environment::Environment;
use super::inputs::{INPUTS, RawInputs};
use crate::secrets::Secret;

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
}

impl Mode {
    pub const ALL: [Mode; 7] = [
        Mode::Backup,
        Mode::Promote,
        Mode::Cleanup,
        Mode::Restore,
        Mode::Verify,
        Mode::Status,
        Mode::Setup,
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
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The resource kinds the `resources` input selects from, in export order.
pub const RESOURCE_KINDS: [&str; 15] = [
    "flows",
    "lexicons",
    "endpoints",
    "ai-agents",
    "extensions",
    "nlu-connectors",
    "functions",
    "llms",
    "knowledge-stores",
    "playbooks",
    "connections",
    "snippets",
    "milestones",
    "ai-copilot-configs",
    "handover-providers",
];

/// Where and how to reach Cognigy.
#[derive(Debug, Clone)]
pub struct CognigyConfig {
    pub base_url: Url,
    pub api_prefix: String,
    pub api_key: Secret,
    pub project_id: String,
    pub requests_per_second: f64,
    pub concurrency: usize,
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportConfig {
    /// The selected kinds, a subset of [`RESOURCE_KINDS`] in that order.
    pub kinds: Vec<&'static str>,
    /// Capture a native `.csnap` when a backup finds a change.
    pub native_snapshot: bool,
}

/// Where the snapshots are kept.
#[derive(Debug, Clone)]
pub struct RepoConfig {
    pub remote: RemoteLocation,
    pub token: Option<Secret>,
    /// `owner/name`, when known (links in the summary, releases).
    pub repository: Option<String>,
    pub branch_prefix: String,
}

/// A git remote the store can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteLocation {
    Http(Url),
    Path(PathBuf),
}

impl fmt::Display for RemoteLocation {
    /// Never shows credentials embedded in a URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteLocation::Http(url) => {
                let mut shown = url.clone();
                let _ = shown.set_username("");
                let _ = shown.set_password(None);
                write!(f, "{shown}")
            }
            RemoteLocation::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// How many snapshots each tier keeps (each at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    pub hourly: usize,
    pub daily: usize,
    pub weekly: usize,
    pub monthly: usize,
}

/// The GitHub REST API, for releases and the fleet status.
#[derive(Debug, Clone)]
pub struct GithubApi {
    pub url: Url,
    pub token: Option<Secret>,
}

/// A tier of the snapshot store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Hourly => "hourly",
            Tier::Daily => "daily",
            Tier::Weekly => "weekly",
            Tier::Monthly => "monthly",
        }
    }
}

/// Which snapshot a restore reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotSelector {
    Latest,
    /// A commit SHA, full or abbreviated (at least 7 hex digits), lower-cased.
    Commit(String),
    /// A snapshot id (`20261122T003105Z`).
    SnapshotId(String),
    /// A `monthly-YYYY-MM` tag.
    MonthlyTag(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreMethod {
    Native,
    Update,
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyOn {
    Failure,
    Change,
    Always,
    Never,
}

/// Where notifications go and when.
#[derive(Debug, Clone)]
pub struct Notify {
    pub webhook: Option<Secret>,
    pub on: NotifyOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
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
        /// `Some` when the backup also promotes (in the same push).
        promote: Option<GithubApi>,
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
        confirm: Option<String>,
        method: RestoreMethod,
        target_project_id: String,
        /// The kinds `resources` names: what is compared and restored.
        kinds: Vec<&'static str>,
        /// `keep-hourly` applies to the undo point, which goes into the hourly tier.
        keep: Keep,
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
        owner: String,
        repo_prefix: String,
    },
    Setup {
        cognigy: CognigyConfig,
        repo: RepoConfig,
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

struct Validator<'a> {
    raw: &'a RawInputs,
    env: &'a RunnerEnv,
    errors: Vec<InputError>,
}

fn is_secret(input: &str) -> bool {
    INPUTS.iter().any(|spec| spec.name == input && spec.secret)
}

fn static_name(input: &str) -> &'static str {
    INPUTS
        .iter()
        .find(|spec| spec.name == input)
        .map(|spec| spec.name)
        .unwrap_or("unknown")
}

impl Validator<'_> {
    fn value(&self, input: &str) -> Option<&str> {
        self.raw.get(input).map(str::trim)
    }

    fn fail<T>(&mut self, input: &str, problem: impl Into<String>) -> Option<T> {
        let value = if is_secret(input) {
            None
        } else {
            self.value(input).map(str::to_owned)
        };
        self.errors.push(InputError {
            input: static_name(input),
            value,
            problem: problem.into(),
        });
        None
    }

    fn required(&mut self, input: &str, mode: Mode, what: &str) -> Option<String> {
        match self.value(input) {
            Some(value) => Some(value.to_owned()),
            None => self.fail(input, format!("is required in mode `{mode}`: {what}")),
        }
    }

    fn choice<T: Copy>(&mut self, input: &str, default: &str, choices: &[(&str, T)]) -> Option<T> {
        let value = self.value(input).unwrap_or(default);
        match choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(value)) {
            Some((_, choice)) => Some(*choice),
            None => {
                let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
                self.fail(input, format!("accepted: {}", names.join(", ")))
            }
        }
    }

    fn boolean(&mut self, input: &str, default: bool) -> Option<bool> {
        match self.value(input) {
            None => Some(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
            Some(_) => self.fail(input, "accepted: true or false"),
        }
    }

    fn count(&mut self, input: &str, default: usize, max: usize) -> Option<usize> {
        let Some(value) = self.value(input) else {
            return Some(default);
        };
        match value.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => self.fail(input, format!("accepted: a whole number from 1 to {max}")),
        }
    }

    fn url(&mut self, input: &str, value: &str) -> Option<Url> {
        let accepted = "accepted: an absolute http:// or https:// URL such as https://api-app.cognigy.ai";
        match Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                if url.query().is_some() || url.fragment().is_some() {
                    return self.fail(input, format!("a query or fragment is not allowed; {accepted}"));
                }
                Some(url)
            }
            Ok(_) | Err(_) => self.fail(input, accepted.to_owned()),
        }
    }

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
        Some(match mode {
            Mode::Backup => {
                let cognigy = self.cognigy(mode);
                let export = self.export();
                let repo = self.repo(mode);
                let keep = self.keep();
                let promote = match self.boolean("promote", true) {
                    Some(true) => Some(self.github_api()),
                    Some(false) => Some(None),
                    None => None,
                };
                ModeConfig::Backup {
                    cognigy: cognigy?,
                    export: export?,
                    repo: repo?,
                    keep: keep?,
                    promote: promote?,
                }
            }
            Mode::Promote => {
                let (repo, keep, github) = (self.repo(mode), self.keep(), self.github_api());
                ModeConfig::Promote {
                    repo: repo?,
                    keep: keep?,
                    github: github?,
                }
            }
            Mode::Cleanup => {
                let (repo, keep, github) = (self.repo(mode), self.keep(), self.github_api());
                let cognigy = if self.value("cognigy-api-key").is_some() {
                    Some(self.cognigy(mode)?)
                } else {
                    None
                };
                ModeConfig::Cleanup {
                    repo: repo?,
                    keep: keep?,
                    github: github?,
                    cognigy,
                }
            }
            Mode::Restore => self.restore()?,
            Mode::Verify => {
                let (repo, keep, github) = (self.repo(mode), self.keep(), self.github_api());
                let tier = self.tier();
                let live = match self.boolean("verify-live", false) {
                    Some(true) => {
                        let (cognigy, export) = (self.cognigy(mode), self.export());
                        Some(Some((cognigy?, export?)))
                    }
                    Some(false) => Some(None),
                    None => None,
                };
                ModeConfig::Verify {
                    repo: repo?,
                    tier: tier?,
                    keep: keep?,
                    github: github?,
                    live: live?,
                }
            }
            Mode::Status => {
                let github = self.github_api();
                let owner = self
                    .value("owner")
                    .map(str::to_owned)
                    .or_else(|| self.env.github_repository_owner.clone());
                let owner = match owner {
                    Some(owner) if is_github_name(&owner) => Some(owner),
                    Some(_) => self.fail("owner", "accepted: a GitHub user or organisation name"),
                    None => self.fail("owner", "is required in mode `status` (outside the runner: set it)"),
                };
                let repo_prefix = self.value("repo-prefix").unwrap_or("cognigy-backup-").to_owned();
                ModeConfig::Status {
                    github: github?,
                    owner: owner?,
                    repo_prefix,
                }
            }
            Mode::Setup => {
                let (cognigy, repo) = (self.cognigy(mode), self.repo(mode));
                ModeConfig::Setup {
                    cognigy: cognigy?,
                    repo: repo?,
                }
            }
        })
    }

    fn cognigy(&mut self, mode: Mode) -> Option<CognigyConfig> {
        let base_url = self
            .required(
                "cognigy-base-url",
                mode,
                "the Cognigy API base URL, e.g. https://api-app.cognigy.ai",
            )
            .and_then(|value| self.url("cognigy-base-url", &value));
        let api_key = self
            .required("cognigy-api-key", mode, "pass the Cognigy API key from a secret")
            .map(Secret::new);
        let project_id = self
            .required("cognigy-project-id", mode, "the id of the Cognigy project to back up")
            .and_then(|id| self.object_id("cognigy-project-id", id));
        let api_prefix = self.api_prefix();
        let requests_per_second = self.requests_per_second();
        let concurrency = self.count("concurrency", 4, 64);
        Some(CognigyConfig {
            base_url: base_url?,
            api_prefix: api_prefix?,
            api_key: api_key?,
            project_id: project_id?,
            requests_per_second: requests_per_second?,
            concurrency: concurrency?,
        })
    }

    fn object_id(&mut self, input: &str, id: String) -> Option<String> {
        if id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some(id.to_ascii_lowercase())
        } else {
            self.fail(
                input,
                "accepted: a Cognigy id of 24 hexadecimal digits, as shown in the project's URL",
            )
        }
    }

    fn api_prefix(&mut self) -> Option<String> {
        let value = self.value("cognigy-api-prefix").unwrap_or("/new/v2.0");
        let ok = value.starts_with('/')
            && !value.contains(['?', '#', ' ', '\\'])
            && !value.split('/').any(|segment| segment == "..");
        if ok {
            Some(value.trim_end_matches('/').to_owned())
        } else {
            self.fail(
                "cognigy-api-prefix",
                "accepted: a URL path starting with `/`, such as /new/v2.0 or /v2.0",
            )
        }
    }

    fn requests_per_second(&mut self) -> Option<f64> {
        let Some(value) = self.value("requests-per-second") else {
            return Some(3.0);
        };
        match value.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 1000.0 => Some(rate),
            _ => self.fail(
                "requests-per-second",
                "accepted: a number above 0 and at most 1000, such as 3 or 0.5",
            ),
        }
    }

    fn export(&mut self) -> Option<ExportConfig> {
        let kinds = self.resources();
        let native_snapshot = self.choice("native-snapshot", "on-change", &[("on-change", true), ("off", false)]);
        Some(ExportConfig {
            kinds: kinds?,
            native_snapshot: native_snapshot?,
        })
    }

    fn resources(&mut self) -> Option<Vec<&'static str>> {
        let value = self.value("resources").unwrap_or("all");
        let accepted = format!("accepted: all, or a comma list of {}", RESOURCE_KINDS.join(", "));
        let asked: Vec<&str> = value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if asked.len() == 1 && asked[0].eq_ignore_ascii_case("all") {
            return Some(RESOURCE_KINDS.to_vec());
        }
        if asked.is_empty() {
            return self.fail("resources", accepted);
        }
        let unknown: Vec<&str> = asked
            .iter()
            .copied()
            .filter(|kind| !RESOURCE_KINDS.iter().any(|k| k.eq_ignore_ascii_case(kind)))
            .collect();
        if !unknown.is_empty() {
            return self.fail("resources", format!("unknown kind {}; {accepted}", unknown.join(", ")));
        }
        Some(
            RESOURCE_KINDS
                .iter()
                .copied()
                .filter(|k| asked.iter().any(|a| a.eq_ignore_ascii_case(k)))
                .collect(),
        )
    }

    fn repo(&mut self, mode: Mode) -> Option<RepoConfig> {
        let repository = match self
            .value("repository")
            .map(str::to_owned)
            .or_else(|| self.env.github_repository.clone())
        {
            Some(repo) if is_repository(&repo) => Some(Some(repo)),
            Some(_) => self.fail(
                "repository",
                "accepted: owner/name, such as acme/cognigy-backup-support-bot",
            ),
            None => Some(None),
        };
        let remote = match (self.value("remote-url"), &repository) {
            (Some(url), _) => self.remote_url(url.to_owned()),
            (None, Some(Some(repo))) => {
                let server = self
                    .env
                    .github_server_url
                    .clone()
                    .unwrap_or_else(|| "https://github.com".to_owned());
                match Url::parse(&format!("{}/{repo}.git", server.trim_end_matches('/'))) {
                    Ok(url) => Some(RemoteLocation::Http(url)),
                    Err(_) => self.fail(
                        "remote-url",
                        format!("GITHUB_SERVER_URL {server:?} gives no valid remote URL; set remote-url"),
                    ),
                }
            }
            (None, Some(None)) => self.fail(
                "repository",
                format!("is required in mode `{mode}` unless remote-url is set (outside the runner: set one of them)"),
            ),
            (None, None) => None,
        };
        let token = self
            .value("github-token")
            .map(str::to_owned)
            .or_else(|| self.env.github_token.clone());
        if token.is_none() && matches!(remote, Some(RemoteLocation::Http(ref url)) if url.username().is_empty()) {
            self.fail::<()>(
                "github-token",
                format!("is required in mode `{mode}` to push to an http(s) remote"),
            );
        }
        let branch_prefix = self.branch_prefix();
        Some(RepoConfig {
            remote: remote?,
            token: token.map(Secret::new),
            repository: repository?,
            branch_prefix: branch_prefix?,
        })
    }

    fn remote_url(&mut self, value: String) -> Option<RemoteLocation> {
        let accepted = "accepted: an https:// or http:// URL, or a local path to a git repository";
        if value.contains("://") {
            match Url::parse(&value) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                    Some(RemoteLocation::Http(url))
                }
                Ok(url) if url.scheme() == "file" => match url.to_file_path() {
                    Ok(path) => Some(RemoteLocation::Path(path)),
                    Err(()) => self.fail("remote-url", accepted),
                },
                _ => self.fail("remote-url", accepted),
            }
        } else if value.contains('@') && value.contains(':') {
            self.fail("remote-url", format!("SSH remotes are not supported; {accepted}"))
        } else {
            Some(RemoteLocation::Path(PathBuf::from(value)))
        }
    }

    fn branch_prefix(&mut self) -> Option<String> {
        let prefix = self.value("branch-prefix").unwrap_or("snapshot/").to_owned();
        let valid = !prefix.is_empty()
            && !prefix.starts_with(['/', '-', '.'])
            && !prefix.contains("..")
            && !prefix.contains("//")
            && !prefix.contains("@{")
            && !prefix.chars().any(|c| c.is_control() || " ~^:?*[\\".contains(c))
            && !prefix
                .split('/')
                .any(|part| part.starts_with('.') || part.ends_with(".lock"));
        if valid && prefix != "main" {
            Some(prefix)
        } else {
            self.fail(
                "branch-prefix",
                "accepted: a git branch name prefix such as snapshot/ or backup- (no spaces, `..`, `~^:?*[\\`)",
            )
        }
    }

    fn keep(&mut self) -> Option<Keep> {
        let hourly = self.count("keep-hourly", 6, 10_000);
        let daily = self.count("keep-daily", 7, 10_000);
        let weekly = self.count("keep-weekly", 4, 10_000);
        let monthly = self.count("keep-monthly", 12, 10_000);
        Some(Keep {
            hourly: hourly?,
            daily: daily?,
            weekly: weekly?,
            monthly: monthly?,
        })
    }

    fn github_api(&mut self) -> Option<GithubApi> {
        let value = self
            .value("github-api-url")
            .map(str::to_owned)
            .or_else(|| self.env.github_api_url.clone())
            .unwrap_or_else(|| "https://api.github.com".to_owned());
        let url = self.url("github-api-url", &value)?;
        let token = self
            .value("github-token")
            .map(str::to_owned)
            .or_else(|| self.env.github_token.clone());
        Some(GithubApi {
            url,
            token: token.map(Secret::new),
        })
    }

    fn tier(&mut self) -> Option<Option<Tier>> {
        if self.value("tier").is_none() {
            return Some(None);
        }
        let tiers = [
            ("hourly", Tier::Hourly),
            ("daily", Tier::Daily),
            ("weekly", Tier::Weekly),
            ("monthly", Tier::Monthly),
        ];
        self.choice("tier", "", &tiers).map(Some)
    }

    fn restore(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Restore;
        let cognigy = self.cognigy(mode);
        let repo = self.repo(mode);
        let tier = self.tier().map(|tier| tier.unwrap_or(Tier::Hourly));
        let snapshot = self.snapshot_selector();
        let dry_run = self.boolean("dry-run", true);
        let method = self.choice(
            "restore-method",
            "auto",
            &[
                ("native", RestoreMethod::Native),
                ("update", RestoreMethod::Update),
                ("auto", RestoreMethod::Auto),
            ],
        );
        let target = match self.value("target-project-id").map(str::to_owned) {
            Some(id) => self.object_id("target-project-id", id).map(Some),
            None => Some(None),
        };
        let confirm = self.value("confirm").map(str::to_owned);
        let kinds = self.resources();
        let keep = self.keep();
        let (cognigy, target) = (cognigy?, target?);
        let method = method?;
        let target_project_id = match target {
            Some(id) if id != cognigy.project_id && method == RestoreMethod::Update => {
                return self.fail(
                    "target-project-id",
                    "restoring into another project needs restore-method native (update can only patch the project it came from)",
                );
            }
            Some(id) => id,
            None => cognigy.project_id.clone(),
        };
        let kinds = kinds?;
        if method == RestoreMethod::Native && kinds.len() < RESOURCE_KINDS.len() {
            return self.fail(
                "resources",
                "a native restore always restores the whole project: set `resources: all`, or `restore-method: update` to restore only some kinds",
            );
        }
        Some(ModeConfig::Restore {
            cognigy,
            repo: repo?,
            tier: tier?,
            snapshot: snapshot?,
            dry_run: dry_run?,
            confirm,
            method,
            target_project_id,
            kinds,
            keep: keep?,
        })
    }

    fn snapshot_selector(&mut self) -> Option<SnapshotSelector> {
        let value = self.value("snapshot").unwrap_or("latest");
        parse_snapshot_selector(value).or_else(|| {
            self.fail(
                "snapshot",
                "accepted: latest, a commit SHA (7 to 40 hex digits), a snapshot id such as 20261122T003105Z, or a tag monthly-YYYY-MM",
            )
        })
    }

    fn notify(&mut self) -> Option<Notify> {
        let webhook = match self.value("webhook-url") {
            None => Some(None),
            Some(url) => match Url::parse(url) {
                Ok(parsed) if matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some() => {
                    Some(Some(Secret::new(url)))
                }
                _ => self.fail(
                    "webhook-url",
                    "accepted: the https:// URL of a Slack- or Discord-compatible incoming webhook",
                ),
            },
        };
        let on = self.choice(
            "notify-on",
            "failure",
            &[
                ("failure", NotifyOn::Failure),
                ("change", NotifyOn::Change),
                ("always", NotifyOn::Always),
                ("never", NotifyOn::Never),
            ],
        );
        Some(Notify {
            webhook: webhook?,
            on: on?,
        })
    }
}

/// `latest`, a commit SHA, a snapshot id or a monthly tag; `None` for anything else.
pub fn parse_snapshot_selector(value: &str) -> Option<SnapshotSelector> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("latest") {
        return Some(SnapshotSelector::Latest);
    }
    if (7..=40).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(SnapshotSelector::Commit(value.to_ascii_lowercase()));
    }
    if is_snapshot_id(value) {
        return Some(SnapshotSelector::SnapshotId(value.to_owned()));
    }
    if let Some(month) = value.strip_prefix("monthly-") {
        let b = month.as_bytes();
        let well_formed =
            b.len() == 7 && b[4] == b'-' && month.chars().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
        if well_formed && matches!(month[5..].parse::<u8>(), Ok(1..=12)) {
            return Some(SnapshotSelector::MonthlyTag(value.to_owned()));
        }
    }
    None
}

/// A snapshot id: the capture time in UTC, `YYYYMMDDTHHMMSSZ`.
pub fn is_snapshot_id(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

fn is_github_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !name.starts_with('.')
}

fn is_repository(value: &str) -> bool {
    matches!(value.split_once('/'), Some((owner, name)) if is_github_name(owner) && is_github_name(name))
}
