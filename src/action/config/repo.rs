//! Where the snapshots are kept and how long: `repository`, `remote-url`, `github-token`,
//! `branch-prefix`, the `keep-*` counts, `github-api-url` and `tier`.

use std::fmt;
use std::path::PathBuf;

use reqwest::Url;

use super::Mode;
use super::mirror::MirrorConfig;
use super::validator::{Validator, is_repository};
use crate::secrets::Secret;

/// Where the snapshots are kept.
#[derive(Debug, Clone)]
pub struct RepoConfig {
    pub remote: RemoteLocation,
    pub token: Option<Secret>,
    /// `owner/name`, when known (links in the summary, releases).
    pub repository: Option<String>,
    pub branch_prefix: String,
    /// `mirror-remote-url`: a second remote brought to the primary's state after every push.
    pub mirror: Option<MirrorConfig>,
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

impl Validator<'_> {
    pub(super) fn repo(&mut self, mode: Mode) -> Option<RepoConfig> {
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
            (Some(url), _) => self.remote_url("remote-url", url.to_owned()),
            (None, Some(Some(repo))) => {
                let server = self
                    .env
                    .github_server_url
                    .clone()
                    .unwrap_or_else(|| "https://github.com".to_owned());
                match Url::parse(&format!("{}/{repo}.git", server.trim_end_matches('/'))) {
                    Ok(url) => self.encrypted("remote-url", url).map(RemoteLocation::Http),
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
        let mirror = self.mirror(remote.as_ref());
        Some(RepoConfig {
            remote: remote?,
            token: token.map(Secret::new),
            repository: repository?,
            branch_prefix: branch_prefix?,
            mirror: mirror?,
        })
    }

    /// The git remote `value` of `input` (`remote-url`, `mirror-remote-url`).
    pub(super) fn remote_url(&mut self, input: &str, value: String) -> Option<RemoteLocation> {
        let accepted = "accepted: an https:// URL (http:// to a loopback host), or a local path to a git repository";
        if value.contains("://") {
            match Url::parse(&value) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                    self.encrypted(input, url).map(RemoteLocation::Http)
                }
                Ok(url) if url.scheme() == "file" => match url.to_file_path() {
                    Ok(path) => Some(RemoteLocation::Path(path)),
                    Err(()) => self.fail(input, accepted),
                },
                _ => self.fail(input, accepted),
            }
        } else if value.contains('@') && value.contains(':') {
            self.fail(input, format!("SSH remotes are not supported; {accepted}"))
        } else {
            Some(RemoteLocation::Path(PathBuf::from(value)))
        }
    }

    pub(super) fn branch_prefix(&mut self) -> Option<String> {
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

    pub(super) fn keep(&mut self) -> Option<Keep> {
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

    pub(super) fn github_api(&mut self) -> Option<GithubApi> {
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

    pub(super) fn tier(&mut self) -> Option<Option<Tier>> {
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
}
