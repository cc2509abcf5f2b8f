//! The action's inputs as the runner passes them: one table, read with envy.
//!
//! The runner sets `INPUT_` + the input name upper-cased, spaces turned to `_`, hyphens kept
//! (`cognigy-api-key` arrives as `INPUT_COGNIGY-API-KEY`), and passes every declared input with its
//! default filled in; an empty value means "use the default". The [`inputs!`] table below is the one
//! place an input is named: it generates the struct envy fills, the list `--help` prints and the list
//! the tests compare with `action.yml`, so the three cannot drift apart.

use serde::Deserialize;

use super::environment::Environment;
use crate::secrets;

/// One input the binary reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSpec {
    /// The name in `action.yml` (`keep-daily`).
    pub name: &'static str,
    /// The default as `--help` shows it; for inputs whose `action.yml` default is an expression
    /// (`${{ github.token }}`), what the binary falls back to when run outside the runner.
    pub default: &'static str,
    /// Masked at start-up and never shown, not even in an error about its own value.
    pub secret: bool,
    /// One line for `--help`.
    pub summary: &'static str,
}

impl InputSpec {
    /// The environment variable the runner sets for this input.
    pub fn env_var(&self) -> String {
        env_var_name(self.name)
    }
}

/// `INPUT_` + the name upper-cased with spaces turned to `_` and hyphens kept, as the runner does.
pub fn env_var_name(input: &str) -> String {
    format!("INPUT_{}", input.replace(' ', "_").to_uppercase())
}

macro_rules! inputs {
    ($( $field:ident = $name:literal, default $default:literal, secret $secret:literal, $summary:literal; )*) => {
        /// The inputs as read from the environment, before validation. Empty values are `None`.
        /// (No `Debug`: it holds secrets.)
        #[derive(Default, Deserialize)]
        pub struct RawInputs {
            $( #[serde(rename = $name, default)] $field: Option<String>, )*
        }

        /// Every input the binary reads, in `action.yml` order.
        pub const INPUTS: &[InputSpec] = &[
            $( InputSpec { name: $name, default: $default, secret: $secret, summary: $summary }, )*
        ];

        impl RawInputs {
            /// The value of input `name`, `None` when unset or empty.
            pub fn get(&self, name: &str) -> Option<&str> {
                match name {
                    $( $name => self.$field.as_deref(), )*
                    _ => None,
                }
            }

            fn normalise(&mut self) {
                $( if self.$field.as_deref().is_some_and(|v| v.trim().is_empty()) { self.$field = None; } )*
            }
        }
    };
}

inputs! {
    mode = "mode", default "", secret false,
        "backup, promote, cleanup, restore, verify, status, setup, drill or diff";
    cognigy_base_url = "cognigy-base-url", default "", secret false,
        "Cognigy API base URL, e.g. https://api-app.cognigy.ai";
    cognigy_api_key = "cognigy-api-key", default "", secret true,
        "Cognigy API key (X-API-Key)";
    cognigy_project_id = "cognigy-project-id", default "", secret false,
        "the project (agent) id";
    cognigy_api_prefix = "cognigy-api-prefix", default "/new/v2.0", secret false,
        "path prefix of the Cognigy REST API";
    resources = "resources", default "all", secret false,
        "comma list of resource kinds to export, or all";
    native_snapshot = "native-snapshot", default "on-change", secret false,
        "on-change: capture a native .csnap with each changed snapshot; daily: with the first change of a UTC day; off";
    full_export_every = "full-export-every", default "24h", secret false,
        "backup: how often the export reads everything instead of only what the audit trail says changed (30m, 6h, 2d; 0: every run)";
    requests_per_second = "requests-per-second", default "3", secret false,
        "client-side cap on the request rate to Cognigy";
    concurrency = "concurrency", default "4", secret false,
        "requests to Cognigy in flight at most";
    github_token = "github-token", default "$GITHUB_TOKEN", secret true,
        "token for git push and the GitHub API";
    repository = "repository", default "$GITHUB_REPOSITORY", secret false,
        "owner/name of the repository that holds the snapshots";
    remote_url = "remote-url", default "", secret false,
        "git remote override: https:// (http:// to a loopback host) or a local path";
    mirror_remote_url = "mirror-remote-url", default "", secret false,
        "a second git remote that receives every push too: https:// (http:// to a loopback host) or a local path";
    mirror_token = "mirror-token", default "", secret true,
        "token for the mirror remote (never github-token's)";
    github_api_url = "github-api-url", default "$GITHUB_API_URL, else https://api.github.com", secret false,
        "GitHub REST API base";
    branch_prefix = "branch-prefix", default "snapshot/", secret false,
        "prefix of the tier branches";
    keep_hourly = "keep-hourly", default "6", secret false,
        "snapshots kept on the hourly branch";
    keep_daily = "keep-daily", default "7", secret false,
        "snapshots kept on the daily branch";
    keep_weekly = "keep-weekly", default "4", secret false,
        "snapshots kept on the weekly branch";
    keep_monthly = "keep-monthly", default "12", secret false,
        "monthly tags and releases kept";
    promote = "promote", default "true", secret false,
        "backup mode: promote to daily/weekly/monthly in the same push";
    record_editors = "record-editors", default "true", secret false,
        "backup mode: author each snapshot commit by the Cognigy users who changed it (audit trail)";
    tier = "tier", default "", secret false,
        "hourly, daily, weekly or monthly: the tier restore, drill and diff read latest from, and verify checks";
    snapshot = "snapshot", default "latest", secret false,
        "restore, drill, diff: latest, a commit SHA, a snapshot id or a monthly-YYYY-MM tag";
    against = "against", default "", secret false,
        "diff: the snapshot to compare `snapshot` with (same selectors); empty: the live project";
    dry_run = "dry-run", default "true", secret false,
        "restore: only show what would change";
    verify_live = "verify-live", default "false", secret false,
        "verify: also compare with the live project";
    confirm = "confirm", default "", secret false,
        "restore: the target project id, or <project id>@<commit>, to write anything; drill: the target project id";
    restore_method = "restore-method", default "auto", secret false,
        "native, update or auto";
    target_project_id = "target-project-id", default "", secret false,
        "restore into another project (native only); drill: the staging project";
    webhook_url = "webhook-url", default "", secret true,
        "incoming webhook for notifications (Slack, Discord, Teams Workflows or any JSON receiver)";
    notify_on = "notify-on", default "failure", secret false,
        "failure, change, always or never";
    webhook_format = "webhook-format", default "auto", secret false,
        "auto (from the webhook's host), slack, discord, teams or json";
    stale_after_days = "stale-after-days", default "7", secret false,
        "backup: notify once when the project has not changed for this many days (0: never)";
    log_format = "log-format", default "text", secret false,
        "text or json (one JSON object per line)";
    owner = "owner", default "$GITHUB_REPOSITORY_OWNER", secret false,
        "status mode: the owner of the fleet's repositories";
    repo_prefix = "repo-prefix", default "cognigy-backup-", secret false,
        "status mode: name prefix of the fleet's repositories";
    repositories = "repositories", default "", secret false,
        "status mode: the fleet as a comma list of owner/name (instead of owner and repo-prefix)";
    healthy_within = "healthy-within", default "2h", secret false,
        "status mode: green when the last successful backup is this recent (30m, 6h, 2d); yellow within three times it";
    secrets = "secrets", default "redact", secret false,
        "redact or encrypt: how credentials inside resources are stored";
    encryption_recipient = "encryption-recipient", default "", secret false,
        "an age X25519 public key (age1...), for secrets: encrypt";
    encryption_identity = "encryption-identity", default "", secret true,
        "the matching age secret key, for a restore to put encrypted credentials back";
    object_store_url = "object-store-url", default "", secret false,
        "backup: s3://, gs:// or az:// bucket/prefix that also receives every new snapshot as .tar.gz plus manifest";
    object_store_endpoint = "object-store-endpoint", default "", secret false,
        "backup: an S3-compatible endpoint (MinIO, R2, ...) for object-store-url";
    keep_offsite = "keep-offsite", default "30", secret false,
        "backup: snapshots kept in the object store";
}

/// Why the inputs could not be read at all (an individual bad value is a validation error).
#[derive(Debug, thiserror::Error)]
#[error("could not read the INPUT_* environment variables: {0}")]
pub struct ReadError(String);

impl RawInputs {
    /// Reads every `INPUT_*` variable of `env` and registers the secret ones with [`secrets`] before
    /// anything else can print them.
    pub fn from_env(env: &Environment) -> Result<Self, ReadError> {
        Self::from_vars(env.vars())
    }

    /// Reads the inputs from `(name, value)` pairs shaped like the process environment.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ReadError> {
        let mut raw: RawInputs = envy::prefixed("INPUT_")
            .from_iter(vars)
            .map_err(|e| ReadError(e.to_string()))?;
        raw.normalise();
        for spec in INPUTS.iter().filter(|spec| spec.secret) {
            if let Some(value) = raw.get(spec.name) {
                secrets::register(value);
            }
        }
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names_keep_hyphens() {
        assert_eq!(env_var_name("cognigy-api-key"), "INPUT_COGNIGY-API-KEY");
        assert_eq!(env_var_name("mode"), "INPUT_MODE");
        assert_eq!(env_var_name("a name"), "INPUT_A_NAME");
    }

    #[test]
    fn reads_runner_variables_and_treats_empty_as_unset() {
        let raw = RawInputs::from_vars([
            ("INPUT_MODE".to_owned(), "backup".to_owned()),
            ("INPUT_KEEP-DAILY".to_owned(), "9".to_owned()),
            ("INPUT_TIER".to_owned(), "  ".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ])
        .unwrap();
        assert_eq!(raw.get("mode"), Some("backup"));
        assert_eq!(raw.get("keep-daily"), Some("9"));
        assert_eq!(raw.get("tier"), None);
        assert_eq!(raw.get("no-such-input"), None);
    }

    #[test]
    fn every_input_is_readable_through_its_variable() {
        let vars = INPUTS
            .iter()
            .map(|spec| (spec.env_var(), format!("value of {}", spec.name)));
        let raw = RawInputs::from_vars(vars).unwrap();
        for spec in INPUTS {
            assert_eq!(
                raw.get(spec.name),
                Some(format!("value of {}", spec.name).as_str()),
                "{}",
                spec.name
            );
        }
    }
}
