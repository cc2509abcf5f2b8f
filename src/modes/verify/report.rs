//! The verify report: what each tier holds and how it fared, every problem named by tier, ref,
//! snapshot and path, and sections of their own (the monthly releases; a drift report can join the
//! same way with [`Report::add_section`]). It renders the step summary and the failure message.

use crate::action::config::Tier;
use crate::escape::{markdown, one_line};
use crate::store::ObjectId;

/// How many problems the failure message (an annotation) names; the summary lists them all.
const NAMED_IN_FAILURE: usize = 5;

/// One thing wrong, named by where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub tier: Tier,
    /// The ref as people name it: `snapshot/hourly`, `monthly-2026-11`.
    pub git_ref: String,
    /// The snapshot: its id, the commit, or both; `None` for the tier as a whole.
    pub at: Option<At>,
    /// The file (or folder, ending in `/`) of the snapshot, when the problem is in one.
    pub path: Option<String>,
    pub what: String,
}

/// A commit of a tier, and its snapshot id when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub snapshot_id: Option<String>,
    pub commit: ObjectId,
}

/// What a tier holds, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierReport {
    pub tier: Tier,
    /// `snapshot/hourly`, or the range of monthly tags.
    pub refs: String,
    /// How the tier stands when it has no problem of its own: `ok`, or why there is nothing.
    pub state: State,
    /// Its snapshots, oldest first.
    pub snapshots: Vec<At>,
}

/// A tier without problems: checked, or there is nothing to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Checked,
    /// The ref does not exist (yet): a new repository, or a tier this workflow does not fill.
    Absent,
}

/// The whole verification.
#[derive(Debug, Default)]
pub struct Report {
    tiers: Vec<TierReport>,
    findings: Vec<Finding>,
    /// Sections of their own: heading and markdown.
    sections: Vec<(String, String)>,
}

impl Report {
    pub fn add_tier(&mut self, tier: TierReport, findings: Vec<Finding>) {
        self.tiers.push(tier);
        self.findings.extend(findings);
    }

    /// Adds a section after the tiers' table, with the problems it found (they fail the run).
    pub fn add_section(&mut self, heading: &str, markdown: String, findings: Vec<Finding>) {
        self.sections.push((heading.to_owned(), markdown));
        self.findings.extend(findings);
    }

    /// Whether any tier checked holds a snapshot (or at least a ref).
    pub fn found_any(&self) -> bool {
        self.tiers.iter().any(|tier| tier.state == State::Checked)
    }

    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }

    /// The newest snapshot checked (by capture, then in tier order), if any.
    pub fn newest(&self) -> Option<&At> {
        let mut newest: Option<&At> = None;
        for at in self.tiers.iter().flat_map(|t| &t.snapshots) {
            if at.snapshot_id.is_some() && newest.is_none_or(|n| at.snapshot_id > n.snapshot_id) {
                newest = Some(at);
            }
        }
        newest
    }

    /// The step summary: one row per tier, the sections, then every problem.
    pub fn markdown(&self, remote: &str) -> String {
        let mut md = String::from("## Cognigy backup: verify\n\n");
        let checked: Vec<&str> = self.tiers.iter().map(|t| t.tier.name()).collect();
        md.push_str(&format!(
            "Checked the {} tier(s) of {}: ",
            checked.join(", "),
            markdown::code(remote)
        ));
        md.push_str(&match self.findings.len() {
            0 => "every check passed.\n\n".to_owned(),
            1 => "**1 problem** found.\n\n".to_owned(),
            n => format!("**{n} problems** found.\n\n"),
        });
        md.push_str("| tier | ref | snapshots | oldest | newest | status |\n|---|---|---:|---|---|---|\n");
        for tier in &self.tiers {
            let problems = self.findings.iter().filter(|f| f.tier == tier.tier).count();
            let status = match (problems, tier.state) {
                (0, State::Checked) => "ok".to_owned(),
                (0, State::Absent) => "absent: no snapshot yet".to_owned(),
                (1, _) => "**1 problem**".to_owned(),
                (n, _) => format!("**{n} problems**"),
            };
            let id = |at: Option<&At>| at.map_or(String::new(), label);
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {status} |\n",
                tier.tier.name(),
                tier.refs,
                tier.snapshots.len(),
                id(tier.snapshots.first()),
                id(tier.snapshots.last()),
            ));
        }
        for (heading, body) in &self.sections {
            md.push_str(&format!("\n### {heading}\n\n{}\n", body.trim_end()));
        }
        if !self.findings.is_empty() {
            md.push_str("\n### Problems\n\n");
            for finding in &self.findings {
                md.push_str(&format!("- {}\n", finding.markdown()));
            }
        }
        md
    }

    /// The run's failure message, when anything is wrong: how many problems, the first few.
    pub fn failure(&self) -> Option<String> {
        if self.ok() {
            return None;
        }
        let named: Vec<String> = self.findings.iter().take(NAMED_IN_FAILURE).map(Finding::text).collect();
        let more = self.findings.len().saturating_sub(NAMED_IN_FAILURE);
        let more = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        Some(format!(
            "the snapshot repository has {} problem(s): {}{more}. The step summary lists each with the tier, \
             snapshot and file it concerns",
            self.findings.len(),
            named.join("; ")
        ))
    }
}

/// `` `20261122T073700Z` `` (the snapshot id), else the short commit; fit for a table cell.
fn label(at: &At) -> String {
    match &at.snapshot_id {
        Some(id) => markdown::code_cell(id),
        None => format!("commit `{}`", at.commit.to_hex_with_len(7)),
    }
}

impl Finding {
    /// For the summary: `**hourly** `snapshot/hourly`, snapshot `…` (commit `…`), `path`: what`.
    fn markdown(&self) -> String {
        let (git_ref, at, path) = self.place(markdown::code);
        format!(
            "**{}** {git_ref}{at}{path}: {}",
            self.tier.name(),
            markdown::text(&self.what)
        )
    }

    /// For the annotation: the same without markdown.
    fn text(&self) -> String {
        let (git_ref, at, path) = self.place(|text| one_line(text).into_owned());
        format!("{} {git_ref}{at}{path}: {}", self.tier.name(), self.what)
    }

    /// The ref, `, snapshot … (commit …)` and `, path`, each name shown through `show`.
    fn place(&self, show: fn(&str) -> String) -> (String, String, String) {
        let at = match &self.at {
            Some(At {
                snapshot_id: Some(id),
                commit,
            }) => format!(
                ", snapshot {} (commit {})",
                show(id),
                show(&commit.to_hex_with_len(7).to_string())
            ),
            Some(At { commit, .. }) => format!(", commit {}", show(&commit.to_hex_with_len(7).to_string())),
            None => String::new(),
        };
        let path = self
            .path
            .as_deref()
            .map(|path| format!(", {}", show(path)))
            .unwrap_or_default();
        (show(&self.git_ref), at, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: Option<&str>, commit: u8) -> At {
        At {
            snapshot_id: id.map(str::to_owned),
            commit: ObjectId::from_bytes_or_panic(&[commit; 20]),
        }
    }

    fn tier(tier: Tier, refs: &str, state: State, snapshots: Vec<At>) -> TierReport {
        TierReport {
            tier,
            refs: refs.to_owned(),
            state,
            snapshots,
        }
    }

    #[test]
    fn a_healthy_report_is_a_table_and_names_the_newest_snapshot() {
        let mut report = Report::default();
        let hourly = vec![at(Some("20261122T073700Z"), 1), at(Some("20261122T083700Z"), 2)];
        report.add_tier(tier(Tier::Hourly, "`snapshot/hourly`", State::Checked, hourly), vec![]);
        report.add_tier(tier(Tier::Daily, "`snapshot/daily`", State::Absent, vec![]), vec![]);
        report.add_section(
            "Monthly releases",
            "Not checked: the remote is a local repository.".into(),
            vec![],
        );
        assert!(report.ok() && report.failure().is_none());
        assert_eq!(report.newest(), Some(&at(Some("20261122T083700Z"), 2)));
        assert_eq!(
            report.markdown("/srv/backup.git"),
            "## Cognigy backup: verify\n\n\
             Checked the hourly, daily tier(s) of `/srv/backup.git`: every check passed.\n\n\
             | tier | ref | snapshots | oldest | newest | status |\n|---|---|---:|---|---|---|\n\
             | hourly | `snapshot/hourly` | 2 | `20261122T073700Z` | `20261122T083700Z` | ok |\n\
             | daily | `snapshot/daily` | 0 |  |  | absent: no snapshot yet |\n\
             \n### Monthly releases\n\nNot checked: the remote is a local repository.\n"
        );
    }

    #[test]
    fn every_problem_is_named_by_tier_ref_snapshot_and_path() {
        let mut report = Report::default();
        let finding = |n: u8, path: Option<&str>| Finding {
            tier: Tier::Daily,
            git_ref: "snapshot/daily".into(),
            at: Some(at(Some("20261122T073700Z"), n)),
            path: path.map(str::to_owned),
            what: format!("problem {n}"),
        };
        let findings: Vec<Finding> = (1..=7).map(|n| finding(n, Some("project/project.json"))).collect();
        let snapshots = vec![at(Some("20261122T073700Z"), 1)];
        report.add_tier(
            tier(Tier::Daily, "`snapshot/daily`", State::Checked, snapshots),
            findings,
        );
        let merge = Finding {
            at: Some(at(None, 9)),
            path: None,
            ..finding(9, None)
        };
        report.add_section("More", "text".into(), vec![merge]);
        assert!(!report.ok());
        let md = report.markdown("r");
        assert!(md.contains("**8 problems** found."), "{md}");
        assert!(
            md.contains("| daily | `snapshot/daily` | 1 | `20261122T073700Z` | `20261122T073700Z` | **8 problems** |"),
            "{md}"
        );
        assert!(
            md.contains(
                "- **daily** `snapshot/daily`, snapshot `20261122T073700Z` (commit `0101010`), `project/project.json`: problem 1\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("- **daily** `snapshot/daily`, commit `0909090`: problem 9\n"),
            "{md}"
        );
        let failure = report.failure().unwrap();
        assert!(
            failure.starts_with(
                "the snapshot repository has 8 problem(s): daily snapshot/daily, snapshot 20261122T073700Z (commit 0101010), project/project.json: problem 1; "
            ),
            "{failure}"
        );
        assert!(failure.contains("problem 5; and 3 more."), "{failure}");
    }
}
