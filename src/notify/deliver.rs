//! Posting a notification: one JSON body to the webhook, tried again on a connection error, 408,
//! 429 or 5xx ([`crate::retry`], `Retry-After` honoured up to a bound), a few times within a short
//! deadline, so that a dead webhook costs the run seconds, not minutes. The URL never appears in
//! an error (it is a secret), and the body is redacted of every registered secret before it goes.

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::retry::{RetryPolicy, parse_retry_after, retryable_status};

/// At most this long for each attempt.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// A webhook is tried this often within this long; a longer `Retry-After` is not waited for.
const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    deadline: Duration::from_secs(45),
    base_delay: Duration::from_secs(1),
    max_delay: Duration::from_secs(8),
};

/// Posts `message` to `url`; answers the number of attempts it took, or why it was not taken.
pub fn post(url: &str, message: &Value) -> Result<u32, String> {
    let body = crate::secrets::redact(&message.to_string()).into_owned();
    let client = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(crate::tls::client_config().map_err(|e| format!("no HTTP client: {e}"))?)
        .timeout(ATTEMPT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("cognigy-backup/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("no HTTP client: {}", describe(e)))?;
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        let sent = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send();
        let (why, wait) = match sent {
            Ok(answer) if answer.status().is_success() => return Ok(attempt),
            Ok(answer) => {
                let status = answer.status();
                let retry_after = answer
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now()));
                let why = format!("it answered HTTP {}", status.as_u16());
                if !retryable_status(status.as_u16()) {
                    return Err(why);
                }
                (why, retry_after.unwrap_or_else(|| POLICY.backoff(attempt)))
            }
            Err(e) => (
                format!("it could not be reached ({})", describe(e)),
                POLICY.backoff(attempt),
            ),
        };
        let out_of_time = started.elapsed() + wait > POLICY.deadline;
        if attempt >= POLICY.max_attempts || out_of_time {
            return Err(format!("{why}, after {attempt} attempt(s)"));
        }
        std::thread::sleep(wait);
        attempt += 1;
    }
}

/// `error` and its causes, without the URL.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
