//! Errors of the GitHub Releases client: each names the request that failed and says what the user
//! can do. Text that comes from GitHub or from the network passes through [`crate::secrets::redact`].

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::secrets::redact;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `repository` input is not `owner/name`.
    #[error("repository {0:?} is not owner/name. Check repository.")]
    Repository(String),

    /// The API URL cannot carry requests (no host, or an unusable scheme).
    #[error("cannot set up the GitHub client for {url}: {reason}. Check github-api-url.")]
    Setup { url: String, reason: String },

    /// 401 or 403: the token is missing, invalid, or lacks the permission the request needs.
    #[error(
        "GitHub refused {request} with {status}{message}. Check github-token: it needs `{permission}` on {repository} (in a workflow: `permissions: {permission}`)."
    )]
    Denied {
        status: u16,
        request: String,
        message: String,
        repository: String,
        /// The workflow permission, e.g. `contents: write`.
        permission: &'static str,
    },

    /// 404: no such repository under this API, or the token cannot see it.
    #[error(
        "GitHub answered 404 for {request}{message}. Check repository: {repository} must exist on the GitHub at github-api-url ({api}), and github-token must be able to read it."
    )]
    NotFound {
        request: String,
        message: String,
        repository: String,
        api: String,
    },

    /// GitHub's primary or secondary rate limit.
    #[error(
        "GitHub's rate limit stopped {request}{message}. {when}Run again later, or less often: the token's requests per hour are shared by every workflow that uses it."
    )]
    RateLimited {
        request: String,
        message: String,
        /// `It resets at ... . ` or `GitHub asks to wait ... . `, when GitHub said.
        when: String,
    },

    /// Any other refusal.
    #[error("GitHub answered {status} for {request}{message}. {hint}")]
    Api {
        status: u16,
        request: String,
        message: String,
        hint: &'static str,
    },

    /// A request that cannot be formed (a name that does not fit in a URL, a bad content type).
    #[error("cannot send {request}: {reason}")]
    Request { request: String, reason: String },

    /// No answer: connection refused or reset, a timeout, TLS.
    #[error("no answer from GitHub for {request}: {reason}. {hint}")]
    Transport {
        request: String,
        reason: String,
        hint: &'static str,
    },

    /// An answer that is not what the API documents.
    #[error("unexpected answer from GitHub for {request}: {what}")]
    Unexpected { request: String, what: String },
}

impl Error {
    /// The error for a refusal (`status` not a success) of `request`, with GitHub's `body`.
    pub(super) fn refused(
        status: StatusCode,
        headers: &HeaderMap,
        body: &str,
        request: &str,
        repository: &str,
        api: &str,
        permission: &'static str,
    ) -> Error {
        let request = request.to_owned();
        let message = problem(body);
        if is_rate_limit(status, headers, &message) {
            return Error::RateLimited {
                request,
                message,
                when: when(headers),
            };
        }
        match status.as_u16() {
            status @ (401 | 403) => Error::Denied {
                status,
                request,
                message,
                repository: repository.to_owned(),
                permission,
            },
            404 => Error::NotFound {
                request,
                message,
                repository: repository.to_owned(),
                api: api.to_owned(),
            },
            status => Error::Api {
                status,
                request,
                message,
                hint: match status {
                    422 => "GitHub refused the request as invalid: see its message above.",
                    500..=599 => {
                        "GitHub had a server error; run again later, and check githubstatus.com if it persists."
                    }
                    _ => "Check github-api-url and repository.",
                },
            },
        }
    }

    /// The error for a request that got no answer; `error`'s whole chain of causes is kept.
    pub(super) fn transport(request: &str, error: &(dyn std::error::Error + 'static)) -> Error {
        let mut reason = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            // Wrappers often repeat their source in their own message.
            if !reason.contains(&cause_text) {
                reason = format!("{reason}: {cause_text}");
            }
            source = cause.source();
        }
        Error::Transport {
            request: request.to_owned(),
            reason: redact(&reason).into_owned(),
            hint: if crate::tls::is_untrusted_certificate(error) {
                crate::tls::UNTRUSTED_HINT
            } else {
                "Check github-api-url and that the runner can reach it."
            },
        }
    }
}

/// `: <message> (<resource> <field> <code>, ...)` from GitHub's error body, or nothing.
fn problem(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return String::new();
    };
    let mut text = value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let details: Vec<String> = value
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            ["resource", "field", "code", "message"]
                .iter()
                .filter_map(|key| e.get(key).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|detail| !detail.is_empty())
        .collect();
    if !details.is_empty() {
        text = format!("{text} ({})", details.join(", "));
    }
    if text.is_empty() {
        return text;
    }
    format!(": {}", redact(&text))
}

/// 429, or a 403 that GitHub marks as a rate limit (no requests left, or says so).
fn is_rate_limit(status: StatusCode, headers: &HeaderMap, message: &str) -> bool {
    let exhausted = headers.get("x-ratelimit-remaining").is_some_and(|v| v == "0");
    status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::FORBIDDEN && (exhausted || message.to_lowercase().contains("rate limit")))
}

/// `It resets at ... . ` from `Retry-After` (seconds) or `X-RateLimit-Reset` (Unix time), or nothing.
fn when(headers: &HeaderMap) -> String {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok();
    if let Some(seconds) = number(RETRY_AFTER.as_str()) {
        return format!("GitHub asks to wait {seconds} seconds. ");
    }
    number("x-ratelimit-reset")
        .and_then(|unix| OffsetDateTime::from_unix_timestamp(unix).ok()?.format(&Rfc3339).ok())
        .map(|at| format!("It resets at {at}. "))
        .unwrap_or_default()
}
