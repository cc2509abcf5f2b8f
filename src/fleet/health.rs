//! A repository's health as a pure function of what was read about it, the clock and
//! `healthy-within`: green when the last successful backup ended within `healthy-within`, yellow
//! within three times that, red otherwise, when there never was one, or when the repository could
//! not be read. Each answer says why in words.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::probe::{BACKUP_WORKFLOW, Record};

/// Green, yellow or red; ordered worst first (reds sort before yellows before greens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Red,
    Yellow,
    Green,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Red => "red",
            Level::Yellow => "yellow",
            Level::Green => "green",
        }
    }
}

/// A level and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    pub level: Level,
    pub reason: String,
}

/// The health of `record` at `now`.
pub fn health(record: &Record, now: OffsetDateTime, healthy_within: Duration) -> Health {
    let health = |level, reason: String| Health { level, reason };
    if let Some(problem) = &record.problem {
        return health(Level::Red, format!("cannot be read: {problem}"));
    }
    let backup = record.workflow(BACKUP_WORKFLOW);
    let Some(backup) = backup else {
        return health(Level::Red, format!("no {BACKUP_WORKFLOW} workflow"));
    };
    let last_failed = backup
        .last
        .as_ref()
        .and_then(|run| run.conclusion.as_deref())
        .filter(|conclusion| *conclusion != "success")
        .map(|conclusion| format!("; the last run: {conclusion}"))
        .unwrap_or_default();
    let Some(ended) = backup.last_success.as_ref().and_then(|run| run.finished()) else {
        return health(Level::Red, format!("never backed up successfully{last_failed}"));
    };
    let age = now - ended;
    let words = format!("last successful backup {} ago{last_failed}", words(age));
    if age <= healthy_within {
        health(Level::Green, words)
    } else if age <= healthy_within * 3 {
        health(
            Level::Yellow,
            format!("{words} (healthy within {})", self::words(healthy_within)),
        )
    } else {
        health(
            Level::Red,
            format!("{words} (healthy within {})", self::words(healthy_within)),
        )
    }
}

/// A duration in the largest whole unit that fits: `45m`, `3h`, `2d` (a negative one, a clock
/// behind GitHub's, as `0m`).
pub fn words(duration: Duration) -> String {
    let minutes = duration.whole_minutes().max(0);
    match minutes {
        m if m >= 2 * 24 * 60 => format!("{}d", m / (24 * 60)),
        m if m >= 120 => format!("{}h", m / 60),
        m => format!("{m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::probe::{RunRecord, Workflow};
    use time::macros::datetime;

    fn run(conclusion: &str, ended: &str) -> RunRecord {
        RunRecord {
            status: "completed".to_owned(),
            conclusion: Some(conclusion.to_owned()),
            started: Some(ended.to_owned()),
            ended: Some(ended.to_owned()),
            duration_seconds: Some(0),
            url: String::new(),
        }
    }

    fn record(last: Option<RunRecord>, last_success: Option<RunRecord>) -> Record {
        Record {
            workflows: vec![Workflow {
                file: BACKUP_WORKFLOW.to_owned(),
                last,
                last_success,
            }],
            ..Record::new("acme/cognigy-backup-bot")
        }
    }

    #[test]
    fn health_follows_the_last_successful_backup() {
        let now = datetime!(2026-12-04 12:00 UTC);
        let within = Duration::hours(2);
        let ok = |at: &str| Some(run("success", at));
        let failed = |at: &str| Some(run("failure", at));
        // The last run succeeded at `at`.
        let good = |at: &str| record(ok(at), ok(at));
        let table = [
            (
                good("2026-12-04T11:00:00Z"),
                Level::Green,
                "last successful backup 60m ago",
            ),
            (
                good("2026-12-04T10:00:00Z"),
                Level::Green,
                "last successful backup 2h ago",
            ),
            (
                record(failed("2026-12-04T11:30:00Z"), ok("2026-12-04T07:00:00Z")),
                Level::Yellow,
                "last successful backup 5h ago; the last run: failure (healthy within 2h)",
            ),
            (
                good("2026-12-04T06:00:00Z"),
                Level::Yellow,
                "last successful backup 6h ago (healthy within 2h)",
            ),
            (
                good("2026-12-04T05:59:00Z"),
                Level::Red,
                "last successful backup 6h ago (healthy within 2h)",
            ),
            (
                good("2026-12-01T12:00:00Z"),
                Level::Red,
                "last successful backup 3d ago (healthy within 2h)",
            ),
            (
                record(failed("2026-12-04T11:00:00Z"), None),
                Level::Red,
                "never backed up successfully; the last run: failure",
            ),
            (record(None, None), Level::Red, "never backed up successfully"),
            (Record::new("acme/x"), Level::Red, "no backup.yml workflow"),
            (
                Record {
                    problem: Some("GitHub answered 404".to_owned()),
                    ..Record::new("acme/x")
                },
                Level::Red,
                "cannot be read: GitHub answered 404",
            ),
        ];
        for (record, level, reason) in table {
            let got = health(&record, now, within);
            assert_eq!((got.level, got.reason.as_str()), (level, reason), "{record:?}");
        }
    }

    #[test]
    fn durations_read_in_their_largest_unit() {
        let table = [
            (-5, "0m"),
            (0, "0m"),
            (119, "119m"),
            (120, "2h"),
            (47 * 60, "47h"),
            (48 * 60, "2d"),
        ];
        for (minutes, expected) in table {
            assert_eq!(words(Duration::minutes(minutes)), expected);
        }
    }
}
