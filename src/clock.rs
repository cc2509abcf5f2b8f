//! The clock: "now" for every decision that depends on the time.
//!
//! `COGNIGY_BACKUP_NOW` (RFC 3339) fixes it, for tests and simulations; otherwise it is the system
//! time. Durations for progress and timings are measured with `std::time::Instant`, not with this.

use time::OffsetDateTime;

use crate::action::environment::Environment;
use time::format_description::well_known::Rfc3339;

/// The environment variable that fixes "now".
pub const NOW_VAR: &str = "COGNIGY_BACKUP_NOW";

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(OffsetDateTime),
}

/// `COGNIGY_BACKUP_NOW` is not an RFC 3339 time.
#[derive(Debug, thiserror::Error)]
#[error("{NOW_VAR} is {value:?}: accepted: an RFC 3339 time such as 2026-11-22T07:37:00Z")]
pub struct ClockError {
    pub value: String,
}

impl Clock {
    /// The clock the environment asks for.
    pub fn from_env(env: &Environment) -> Result<Clock, ClockError> {
        match env.var(NOW_VAR) {
            Some(value) => Clock::parse(value),
            None => Ok(Clock::System),
        }
    }

    /// A clock fixed at `value` (RFC 3339).
    pub fn parse(value: &str) -> Result<Clock, ClockError> {
        OffsetDateTime::parse(value.trim(), &Rfc3339)
            .map(|t| Clock::Fixed(t.to_offset(time::UtcOffset::UTC)))
            .map_err(|_| ClockError {
                value: value.to_owned(),
            })
    }

    /// Now, in UTC, to the second (snapshot ids and commit dates have no finer resolution).
    pub fn now(&self) -> OffsetDateTime {
        let now = match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(t) => *t,
        };
        now.replace_nanosecond(0).expect("0 is a valid nanosecond")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_fixed_clock_reads_rfc3339_in_any_offset_and_answers_utc() {
        let clock = Clock::parse("2026-03-01T01:30:00+02:00").unwrap();
        assert_eq!(clock.now(), datetime!(2026-02-28 23:30:00 UTC));
        assert_eq!(clock.now().offset(), time::UtcOffset::UTC);
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_accepted_form() {
        let err = Clock::parse("yesterday").unwrap_err().to_string();
        assert!(
            err.contains("COGNIGY_BACKUP_NOW") && err.contains("\"yesterday\"") && err.contains("RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn the_system_clock_is_utc() {
        assert_eq!(Clock::System.now().offset(), time::UtcOffset::UTC);
    }
}
