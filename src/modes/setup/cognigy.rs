//! The Cognigy side of the setup, sending reads only: the base URL is the API host (the UI host
//! answers web pages, not JSON), the key is accepted, the project is readable, which resource kinds
//! the platform offers, whether the audit trail and the native snapshots can be read.

use std::time::Duration;

use serde_json::Value;

use super::check::{Check, quoted};
use crate::action::config::{CognigyConfig, api_host_for_ui_host};
use crate::cognigy::client::{Call, Client};
use crate::cognigy::export::kinds::FLAT_KINDS;
use crate::cognigy::{Error, audit, native};
use crate::escape::markdown;
use crate::retry::RetryPolicy;

pub const API_HOST: &str = "cognigy-base-url is the API host";
pub const KEY: &str = "The API key is accepted";
pub const PROJECT: &str = "The project is readable";
pub const KINDS: &str = "Resource kinds";
pub const AUDIT: &str = "Audit trail (who changed what)";
pub const SNAPSHOTS: &str = "Native snapshots can be listed";

/// Every Cognigy check's title and whether it is required, in the order they are made.
const CHECKS: [(&str, bool); 6] = [
    (API_HOST, true),
    (KEY, true),
    (PROJECT, true),
    (KINDS, true),
    (AUDIT, false),
    (SNAPSHOTS, true),
];

/// The checks from `first` on, not checked because of `why`.
pub fn skipped_from(first: &str, why: &str) -> Vec<Check> {
    CHECKS
        .iter()
        .skip_while(|(title, _)| *title != first)
        .map(|&(title, required)| Check::skipped(title, required, why))
        .collect()
}

/// A setup waits for a dead host or a rate limit much less than a backup.
const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    deadline: Duration::from_secs(60),
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(10),
};

/// Every Cognigy check, in order; after a failure the checks that depend on it are skipped.
pub async fn checks(config: &CognigyConfig) -> Vec<Check> {
    let client = match Client::new(config) {
        Ok(client) => client.with_retry_policy(POLICY),
        Err(e) => {
            let mut checks = vec![Check::fail(
                API_HOST,
                true,
                quoted(&e.to_string()),
                "run the setup again",
            )];
            checks.extend(skipped_from(KEY, "no HTTP client"));
            return checks;
        }
    };
    let base = config.base_url.as_str().trim_end_matches('/');
    let (host, key, project) = reach(&client, config, base).await;
    let readable = project.state == super::check::State::Pass;
    let mut checks = vec![host, key, project];
    if !readable {
        checks.extend(skipped_from(KINDS, "the project could not be read"));
        return checks;
    }
    checks.push(kinds(&client).await);
    checks.push(audit_trail(&client).await);
    checks.push(snapshots(&client).await);
    checks
}

/// The first request, `GET /projects/{id}`, tells the host, the key and the project apart.
async fn reach(client: &Client, config: &CognigyConfig, base: &str) -> (Check, Check, Check) {
    let call = Call::get("project", format!("projects/{}", config.project_id)).about_project();
    let answer = client.send(call).await;
    let not_api = |what: String| {
        let fix = match config.base_url.host_str().and_then(api_host_for_ui_host) {
            Some(api) => format!("set the variable `COGNIGY_BASE_URL` to `https://{api}`, the API host of that environment"),
            None => "set the variable `COGNIGY_BASE_URL` to the API host of your Cognigy environment (e.g. `https://api-app.cognigy.ai`; on-premise: the host of the REST API, not of the web interface)".to_owned(),
        };
        let skipped = "cognigy-base-url does not reach the API";
        (
            Check::fail(API_HOST, true, format!("`{base}` {what}"), fix),
            Check::skipped(KEY, true, skipped),
            Check::skipped(PROJECT, true, skipped),
        )
    };
    let host_ok = || Check::pass(API_HOST, true, format!("`{base}` answers as the Cognigy API"));
    match answer {
        Ok(response) => {
            let json = serde_json::from_slice::<Value>(&response.body)
                .ok()
                .filter(Value::is_object);
            let Some(project) = json else {
                let kind = response.content_type().unwrap_or("no content type");
                return not_api(format!(
                    "answered with a web page ({}), not the API: that is the host of Cognigy's web interface",
                    quoted(kind)
                ));
            };
            let name = project.get("name").and_then(Value::as_str).unwrap_or("(no name)");
            (
                host_ok(),
                Check::pass(KEY, true, "Cognigy accepted it"),
                Check::pass(
                    PROJECT,
                    true,
                    format!("project `{}`: {}", config.project_id, markdown::text(name)),
                ),
            )
        }
        Err(Error::Transport { reason, .. }) => not_api(format!("did not answer: {}", quoted(&reason))),
        Err(Error::Api { status, problem, .. })
            if problem.title.is_none() && problem.detail.is_none() && problem.code.is_none() =>
        {
            not_api(format!(
                "answered {status} without Cognigy's error body: it is not the Cognigy API"
            ))
        }
        Err(e @ Error::Api { status: 401 | 403, .. }) => (
            host_ok(),
            Check::fail(
                KEY,
                true,
                quoted(&e.to_string()),
                "create an API key in Cognigy (your user menu > My Profile > API Keys) as a user who can read this project, on this environment, and store it as the repository secret `COGNIGY_API_KEY`",
            ),
            Check::skipped(PROJECT, true, "the key was refused"),
        ),
        Err(e @ Error::Api { status: 400 | 404, .. }) => (
            host_ok(),
            Check::pass(KEY, true, "Cognigy accepted it"),
            Check::fail(
                PROJECT,
                true,
                quoted(&e.to_string()),
                "set the variable `COGNIGY_PROJECT_ID` to the 24 hexadecimal digits in the project's URL in Cognigy, on the environment `COGNIGY_BASE_URL` names",
            ),
        ),
        Err(e) => (
            host_ok(),
            Check::skipped(KEY, true, "Cognigy did not answer the project's read"),
            Check::fail(PROJECT, true, quoted(&e.to_string()), "run the setup again later"),
        ),
    }
}

/// Each kind's list, one item asked for: available (with its count), not on this platform, or
/// refused to this key.
async fn kinds(client: &Client) -> Check {
    let project = client.project_id().to_owned();
    let collections = [("flows", "flows", false), ("lexicons", "lexicons", false)]
        .into_iter()
        .chain(FLAT_KINDS.iter().map(|k| (k.kind, k.path, k.optional)));
    let (mut found, mut refused) = (Vec::new(), Vec::new());
    for (kind, path, optional) in collections {
        let call = Call::get(format!("list of {kind}"), path)
            .query("projectId", &project)
            .query("limit", "1");
        match client.json(call).await {
            Ok(page) => {
                let total = page.get("total").and_then(Value::as_u64).unwrap_or(0);
                found.push(format!("{kind} {total}"));
            }
            Err(e) if optional && e.status() == Some(404) => found.push(format!("{kind}: not on this platform")),
            Err(e) => refused.push(format!("{kind} ({})", quoted(&e.to_string()))),
        }
    }
    let detail = found.join(", ");
    if refused.is_empty() {
        return Check::pass(KINDS, true, detail);
    }
    Check::fail(
        KINDS,
        true,
        format!("{detail}; refused: {}", refused.join("; ")),
        "give the key's user access to these kinds in Cognigy (or a licence for them), or leave them out with the `resources` input of backup.yml",
    )
}

/// One item of the audit trail (the reader's request): readable, or not available to this key.
async fn audit_trail(client: &Client) -> Check {
    match client.json(audit::request(client).query("limit", "1")).await {
        Ok(_) => Check::pass(AUDIT, false, "readable: backups can tell who changed what"),
        Err(e) => match audit::unavailable(&e) {
            Some(why) => Check::warn(
                AUDIT,
                false,
                format!("{why}; backups cannot name who made a change"),
                "use a key of a user with the `admin` or `fullUserSupport` role, if you want the editors named",
            ),
            None => Check::warn(AUDIT, false, quoted(&e.to_string()), "run the setup again later"),
        },
    }
}

/// The project's native snapshots: listable, and how close to Cognigy's cap.
async fn snapshots(client: &Client) -> Check {
    match native::list(client).await {
        Ok(listed) if listed.len() >= native::SNAPSHOT_CAP => Check::warn(
            SNAPSHOTS,
            true,
            format!(
                "the project holds {} native snapshots, the most Cognigy allows: backups leave out the `.csnap` until one is deleted",
                listed.len()
            ),
            "delete a snapshot you no longer need in Cognigy (Deploy > Snapshots)",
        ),
        Ok(listed) => Check::pass(
            SNAPSHOTS,
            true,
            format!("{} of at most {}", listed.len(), native::SNAPSHOT_CAP),
        ),
        Err(e) => Check::fail(
            SNAPSHOTS,
            true,
            quoted(&e.to_string()),
            "give the key's user the right to manage snapshots, or set `native-snapshot: off` in backup.yml",
        ),
    }
}
