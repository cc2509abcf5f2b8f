//! Where and how to reach Cognigy, and what to export: `cognigy-base-url`, `cognigy-api-key`,
//! `cognigy-project-id`, `cognigy-api-prefix`, `requests-per-second`, `concurrency`, `resources`
//! and `native-snapshot`.

use reqwest::Url;

use super::Mode;
use super::validator::Validator;
use crate::secrets::Secret;

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
    /// When a backup that finds a change also captures a native `.csnap`.
    pub native_snapshot: NativeSnapshot,
}

/// `native-snapshot`: which new snapshots carry a native `.csnap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeSnapshot {
    /// Every new snapshot.
    OnChange,
    /// The first new snapshot of each UTC day: at most one `.csnap` a day.
    Daily,
    Off,
}

impl Validator<'_> {
    pub(super) fn cognigy(&mut self, mode: Mode) -> Option<CognigyConfig> {
        let base_url = self
            .required(
                "cognigy-base-url",
                mode,
                "the Cognigy API base URL, e.g. https://api-app.cognigy.ai",
            )
            .and_then(|value| self.base_url(&value));
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

    /// `cognigy-base-url`: a URL, and the API host of an environment rather than its UI host.
    pub(super) fn base_url(&mut self, value: &str) -> Option<Url> {
        let url = self.url("cognigy-base-url", value)?;
        match url.host_str().and_then(api_host_for_ui_host) {
            Some(api_host) => self.fail(
                "cognigy-base-url",
                format!("is the host of Cognigy's web interface, not of its API; use the API host https://{api_host}"),
            ),
            None => Some(url),
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

    pub(super) fn export(&mut self) -> Option<ExportConfig> {
        let kinds = self.resources();
        let native_snapshot = self.choice(
            "native-snapshot",
            "on-change",
            &[
                ("on-change", NativeSnapshot::OnChange),
                ("daily", NativeSnapshot::Daily),
                ("off", NativeSnapshot::Off),
            ],
        );
        Some(ExportConfig {
            kinds: kinds?,
            native_snapshot: native_snapshot?,
        })
    }

    pub(super) fn resources(&mut self) -> Option<Vec<&'static str>> {
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
}

/// The API host for `host` when `host` is the UI (or endpoint) host of a Cognigy SaaS or dedicated
/// environment: `trial.cognigy.ai` -> `api-trial.cognigy.ai`, `endpoint-app.cognigy.ai` ->
/// `api-app.cognigy.ai`, `acme.cognigy.cloud` -> `api-acme.cognigy.cloud`. `None` for an API host
/// and for every other (on-premise) host, which only a request can tell apart.
pub fn api_host_for_ui_host(host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
    let (label, domain) = host.split_once('.')?;
    if !matches!(domain, "cognigy.ai" | "cognigy.cloud") || label.starts_with("api") {
        return None;
    }
    let environment = label.strip_prefix("endpoint-").unwrap_or(label);
    Some(format!("api-{environment}.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::api_host_for_ui_host;

    #[test]
    fn ui_and_endpoint_hosts_of_cognigy_environments_name_their_api_host() {
        for (host, api) in [
            ("trial.cognigy.ai", Some("api-trial.cognigy.ai")),
            ("app.cognigy.ai", Some("api-app.cognigy.ai")),
            ("App-US.Cognigy.ai", Some("api-app-us.cognigy.ai")),
            ("endpoint-trial.cognigy.ai", Some("api-trial.cognigy.ai")),
            ("acme.cognigy.cloud", Some("api-acme.cognigy.cloud")),
            ("api-trial.cognigy.ai", None),
            ("api-acme.cognigy.cloud", None),
            ("cognigy.acme.example", None),
            ("127.0.0.1", None),
        ] {
            assert_eq!(api_host_for_ui_host(host).as_deref(), api, "{host}");
        }
    }
}
