//! When to try an HTTP request again and how long to wait, for the Cognigy client and the
//! webhook of notifications alike: connection errors (not a server certificate that is not
//! trusted, which no retry mends: [`crate::tls::is_untrusted_certificate`]), 408, 429 and 5xx are
//! retried, honouring `Retry-After` (seconds or an HTTP date), else exponential backoff with
//! jitter; attempts are bounded and so is the total time spent on one request.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

/// Bounds on retrying one request.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    /// Total time one request may take, retries and waits included.
    pub deadline: Duration,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            deadline: Duration::from_secs(600),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Backoff before attempt `attempt + 1` (attempt counts from 1): `base * 2^(attempt-1)`, capped,
    /// with jitter between half and all of it.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// Whether a response status is worth another attempt.
pub fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// A `Retry-After` value: delay-seconds or an HTTP date, relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = OffsetDateTime::parse(value, &Rfc2822).ok()?;
    let now = OffsetDateTime::from(now);
    Some(if date > now {
        (date - now).unsigned_abs()
    } else {
        Duration::ZERO
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::from(datetime!(2026-11-22 10:00:00 UTC));
        let cases = [
            ("7", Some(Duration::from_secs(7))),
            (" 0 ", Some(Duration::ZERO)),
            ("Sun, 22 Nov 2026 10:00:30 GMT", Some(Duration::from_secs(30))),
            ("Sun, 22 Nov 2026 09:59:00 GMT", Some(Duration::ZERO)),
            ("soon", None),
            ("-3", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_retry_after(value, now), expected, "{value}");
        }
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_a_cap() {
        let policy = RetryPolicy::default();
        for (attempt, full) in [(1, 1), (2, 2), (3, 4), (7, 60), (30, 60)] {
            let d = policy.backoff(attempt);
            let full = Duration::from_secs(full);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn retryable_statuses() {
        let table = [
            (200, false),
            (400, false),
            (401, false),
            (404, false),
            (408, true),
            (409, false),
            (429, true),
            (500, true),
            (503, true),
        ];
        for (status, retry) in table {
            assert_eq!(retryable_status(status), retry, "{status}");
        }
    }
}
