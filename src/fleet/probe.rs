//! What GitHub says about one repository of the fleet, as a plain [`Record`]: its size, the newest
//! snapshot of each tier (id, time, commit), the recent snapshots for a timeline, the last run and
//! the last successful run of each watched workflow file (`backup.yml`, `drill.yml`), and the open
//! setup issue. A repository that cannot be read becomes a record with its problem, not an error.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::action::config::GithubApi;
use crate::github::{self, Commit, Issues, Repository, Run};
use crate::snapshot::diff::snapshot_id_in;

/// The workflow file whose runs are the backups.
pub const BACKUP_WORKFLOW: &str = "backup.yml";
/// The workflow files whose last runs each record shows.
pub const WORKFLOWS: [&str; 2] = [BACKUP_WORKFLOW, "drill.yml"];
/// The label of the setup issue.
pub const SETUP_LABEL: &str = "cognigy-backup-setup";

/// How many of a branch tier's newest snapshots the timeline shows.
const TIMELINE: [(&str, usize); 3] = [("hourly", 24), ("daily", 14), ("weekly", 8)];

/// Where a backup repository keeps its tiers.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `snapshot/`: the branches are `snapshot/hourly`, `snapshot/daily`, `snapshot/weekly`.
    pub branch_prefix: String,
    /// `monthly-`: the monthly tier's tags.
    pub monthly_prefix: String,
}

/// Everything read about one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Record {
    /// `owner/name`.
    pub repository: String,
    pub url: Option<String>,
    /// KiB, as GitHub reports it.
    pub size_kib: Option<u64>,
    /// The newest snapshot of each tier that has one (hourly, daily, weekly, monthly).
    pub tiers: Vec<Snapshot>,
    /// Recent snapshots of the branch tiers, newest first.
    pub timeline: Vec<Snapshot>,
    /// The watched workflow files the repository has.
    pub workflows: Vec<Workflow>,
    pub setup_issue: Option<SetupIssue>,
    /// Why the repository could not be read (it is red then).
    pub problem: Option<String>,
}

/// One snapshot: its tier, id, time and commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub tier: String,
    /// The snapshot id of its commit message, else the commit's short SHA.
    pub id: String,
    /// RFC 3339.
    pub time: String,
    pub commit: String,
    pub url: String,
    /// The monthly tier's tag (`monthly-2026-11`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl Snapshot {
    /// What people call it: the monthly tag, else the snapshot id.
    pub fn name(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.id)
    }
}

/// The last run and the last successful run of one workflow file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workflow {
    pub file: String,
    pub last: Option<RunRecord>,
    pub last_success: Option<RunRecord>,
}

/// One workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub status: String,
    pub conclusion: Option<String>,
    /// RFC 3339.
    pub started: Option<String>,
    /// RFC 3339, once completed.
    pub ended: Option<String>,
    pub duration_seconds: Option<i64>,
    pub url: String,
}

/// The open issue labelled [`SETUP_LABEL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupIssue {
    pub number: u64,
    pub title: String,
    pub url: String,
}

impl Record {
    /// A record of `repository` that knows nothing yet.
    pub fn new(repository: &str) -> Record {
        Record {
            repository: repository.to_owned(),
            ..Record::default()
        }
    }

    /// The runs of the workflow file `file`, when the repository has it.
    pub fn workflow(&self, file: &str) -> Option<&Workflow> {
        self.workflows.iter().find(|w| w.file == file)
    }
}

impl RunRecord {
    /// When the run ended.
    pub fn finished(&self) -> Option<OffsetDateTime> {
        parse(self.ended.as_deref()?)
    }

    fn from_run(run: Run) -> RunRecord {
        let started = run.run_started_at.unwrap_or(run.created_at);
        let ended = (run.status == "completed").then_some(run.updated_at);
        let duration_seconds = match (parse(&started), ended.as_deref().and_then(parse)) {
            (Some(start), Some(end)) => Some((end - start).whole_seconds().max(0)),
            _ => None,
        };
        RunRecord {
            status: run.status,
            conclusion: run.conclusion,
            started: Some(started),
            ended,
            duration_seconds,
            url: run.html_url,
        }
    }
}

/// An RFC 3339 time.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Reads `repository` at `api`; what cannot be read is the record's problem.
pub async fn probe(api: &GithubApi, repository: &str, layout: &Layout) -> Record {
    match read(api, repository, layout).await {
        Ok(record) => record,
        Err(error) => Record {
            problem: Some(error.to_string()),
            ..Record::new(repository)
        },
    }
}

async fn read(api: &GithubApi, repository: &str, layout: &Layout) -> Result<Record, github::Error> {
    let reader = Repository::new(api, repository)?;
    let info = reader.info().await?;
    let mut record = Record {
        repository: info.full_name.clone(),
        url: Some(info.html_url),
        size_kib: Some(info.size),
        ..Record::default()
    };
    for (tier, count) in TIMELINE {
        let commits = reader
            .commits(&format!("{}{tier}", layout.branch_prefix), count)
            .await?;
        let snapshots: Vec<Snapshot> = commits.into_iter().map(|c| snapshot(tier, c)).collect();
        record.tiers.extend(snapshots.first().cloned());
        record.timeline.extend(snapshots);
    }
    if let Some(newest) = reader.tags(&layout.monthly_prefix).await?.into_iter().max()
        && let Some(commit) = reader.commit(&newest).await?
    {
        let mut monthly = snapshot("monthly", commit);
        monthly.tag = Some(newest);
        record.tiers.push(monthly);
    }
    record.timeline.sort_by(|a, b| b.time.cmp(&a.time));
    record.timeline.dedup_by(|a, b| a.commit == b.commit);
    for file in WORKFLOWS {
        if let Some((last, last_success)) = reader.runs(file).await? {
            record.workflows.push(Workflow {
                file: file.to_owned(),
                last: last.map(RunRecord::from_run),
                last_success: last_success.map(RunRecord::from_run),
            });
        }
    }
    let issues = Issues::new(api, repository)?.labelled(SETUP_LABEL).await?;
    record.setup_issue = issues
        .into_iter()
        .rev()
        .find(|i| i.state == "open")
        .map(|i| SetupIssue {
            number: i.number,
            title: i.title,
            url: i.html_url,
        });
    Ok(record)
}

fn snapshot(tier: &str, commit: Commit) -> Snapshot {
    let id = snapshot_id_in(&commit.message)
        .map(str::to_owned)
        .unwrap_or_else(|| commit.sha.chars().take(12).collect());
    Snapshot {
        tier: tier.to_owned(),
        id,
        time: commit.date,
        commit: commit.sha,
        url: commit.html_url,
        tag: None,
    }
}
