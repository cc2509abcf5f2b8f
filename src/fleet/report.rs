//! The fleet as one value ([`Fleet`]: every record with its health, worst first), and the two
//! texts made of it besides the page: the JSON report (`cognigy-backup-status.json`) and the
//! step summary's table. Every repository name, title and message passes through
//! [`crate::escape::markdown`] on its way into the summary.

use serde::Serialize;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::health::{self, Health, Level};
use super::probe::{BACKUP_WORKFLOW, Record, RunRecord, parse};
use crate::escape::markdown;

/// The fleet at one time.
#[derive(Debug, Clone, Serialize)]
pub struct Fleet {
    /// RFC 3339.
    pub generated: String,
    /// `2h`.
    pub healthy_within: String,
    pub entries: Vec<Entry>,
}

/// One repository with its health.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub health: Health,
    #[serde(flatten)]
    pub record: Record,
}

impl Fleet {
    /// The fleet of `records` judged at `now`: reds first, then yellows, then greens, each by name.
    pub fn new(records: Vec<Record>, now: OffsetDateTime, healthy_within: Duration) -> Fleet {
        let mut entries: Vec<Entry> = records
            .into_iter()
            .map(|record| Entry {
                health: health::health(&record, now, healthy_within),
                record,
            })
            .collect();
        entries.sort_by(|a, b| {
            (a.health.level, a.record.repository.to_ascii_lowercase())
                .cmp(&(b.health.level, b.record.repository.to_ascii_lowercase()))
        });
        Fleet {
            generated: crate::modes::summary::rfc3339(now),
            healthy_within: health::words(healthy_within),
            entries,
        }
    }

    /// How many are yellow or red.
    pub fn unhealthy(&self) -> usize {
        self.entries.iter().filter(|e| e.health.level != Level::Green).count()
    }

    /// How many are at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.entries.iter().filter(|e| e.health.level == level).count()
    }

    /// KiB of every repository GitHub reported a size of.
    pub fn total_kib(&self) -> u64 {
        self.entries.iter().filter_map(|e| e.record.size_kib).sum()
    }

    /// The JSON report.
    pub fn report(&self) -> Value {
        json!({
            "tool": "cognigy-backup",
            "version": env!("CARGO_PKG_VERSION"),
            "generated": self.generated,
            "healthy_within": self.healthy_within,
            "counts": {
                "repositories": self.entries.len(),
                "unhealthy": self.unhealthy(),
                "red": self.count(Level::Red),
                "yellow": self.count(Level::Yellow),
                "green": self.count(Level::Green),
            },
            "storage": {
                "total_kib": self.total_kib(),
                "repositories": self.entries.iter().map(|e| json!({
                    "repository": e.record.repository, "size_kib": e.record.size_kib,
                })).collect::<Vec<_>>(),
            },
            "repositories": self.entries,
        })
    }

    /// The step summary: the counts, a table (reds first) and the storage total.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "## Cognigy backup fleet: {} of {} unhealthy\n\n{} red, {} yellow, {} green (green: last successful backup within {}), at {}.\n\n",
            self.unhealthy(),
            self.entries.len(),
            self.count(Level::Red),
            self.count(Level::Yellow),
            self.count(Level::Green),
            self.healthy_within,
            self.generated,
        );
        if self.entries.is_empty() {
            out.push_str("No repository matches: check owner, repo-prefix or repositories.\n");
            return out;
        }
        out.push_str("| health | repository | why | last backup run | newest snapshot | size | setup issue |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for entry in &self.entries {
            let record = &entry.record;
            let last_run = record
                .workflow(BACKUP_WORKFLOW)
                .and_then(|w| w.last.as_ref())
                .map_or_else(|| "none".to_owned(), |run| markdown::text(&run_words(run)));
            let newest = record.tiers.iter().max_by(|a, b| a.time.cmp(&b.time)).map_or_else(
                || "none".to_owned(),
                |s| format!("{} {}", s.tier, markdown::text(s.name())),
            );
            let issue = record
                .setup_issue
                .as_ref()
                .map_or_else(String::new, |i| format!("#{} {}", i.number, markdown::text(&i.title)));
            out.push_str(&format!(
                "| {} {} | {} | {} | {} | {} | {} | {} |\n",
                symbol(entry.health.level),
                entry.health.level.name(),
                markdown::text(&record.repository),
                markdown::text(&entry.health.reason),
                last_run,
                newest,
                size_words(record.size_kib),
                issue,
            ));
        }
        out.push_str(&format!(
            "\nStorage: {} in all ({} repositories).\n",
            size_words(Some(self.total_kib())),
            self.entries.len()
        ));
        out
    }
}

/// `failure, 2026-12-04T11:00:00Z, 42s` (plain text: escape it for its sink).
fn run_words(run: &RunRecord) -> String {
    let conclusion = run.conclusion.as_deref().unwrap_or(&run.status);
    let at = run
        .started
        .as_deref()
        .and_then(parse)
        .map(crate::modes::summary::rfc3339);
    let mut words = conclusion.to_owned();
    if let Some(at) = at {
        words.push_str(&format!(", {at}"));
    }
    if let Some(seconds) = run.duration_seconds {
        words.push_str(&format!(", {seconds}s"));
    }
    words
}

/// A colour's sign, so that the table reads without colour.
fn symbol(level: Level) -> &'static str {
    match level {
        Level::Red => "🔴",
        Level::Yellow => "🟡",
        Level::Green => "🟢",
    }
}

/// `1.5 MiB`, `320 KiB`, or `unknown`.
pub fn size_words(kib: Option<u64>) -> String {
    match kib {
        None => "unknown".to_owned(),
        Some(k) if k >= 1024 * 1024 => format!("{:.1} GiB", k as f64 / (1024.0 * 1024.0)),
        Some(k) if k >= 1024 => format!("{:.1} MiB", k as f64 / 1024.0),
        Some(k) => format!("{k} KiB"),
    }
}
