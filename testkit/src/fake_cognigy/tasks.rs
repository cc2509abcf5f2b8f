//! Long-running tasks: created `queued`, `active` while polled, then `done`, `error` or `cancelled`
//! after [`Options::task_polls`](super::Options) polls. The work a task stands for is applied by the
//! world when the task reaches `done`.

use serde_json::{Value, json};

use super::model::Keyphrase;
use super::options::{TaskFailure, TaskOutcome};

/// The change a task makes once it is done.
#[derive(Debug, Clone)]
pub enum Work {
    CreateSnapshot {
        project_id: String,
        name: String,
        description: String,
    },
    PackageSnapshot {
        id: String,
    },
    DeleteSnapshot {
        id: String,
    },
    RestoreSnapshot {
        id: String,
    },
    UploadSnapshot {
        project_id: String,
        bytes: Vec<u8>,
    },
    ExportLexicon {
        lexicon_id: String,
    },
    ImportLexicon {
        lexicon_id: String,
        keyphrases: Vec<Keyphrase>,
    },
    ImportIntents {
        flow_id: String,
        locale_id: String,
        intents: Vec<Value>,
    },
}

impl Work {
    /// The project a snapshot is being added to (a create or an upload), counted against its cap.
    pub fn adds_snapshot_to(&self) -> Option<&str> {
        match self {
            Work::CreateSnapshot { project_id, .. } | Work::UploadSnapshot { project_id, .. } => Some(project_id),
            _ => None,
        }
    }

    /// The task `type` Cognigy reports for this work.
    pub fn task_type(&self) -> &'static str {
        match self {
            Work::CreateSnapshot { .. } => "createSnapshot",
            Work::PackageSnapshot { .. } => "packageSnapshot",
            Work::DeleteSnapshot { .. } => "deleteSnapshot",
            Work::RestoreSnapshot { .. } => "restoreSnapshot",
            Work::UploadSnapshot { .. } => "uploadSnapshot",
            Work::ExportLexicon { .. } => "exportLexicon",
            Work::ImportLexicon { .. } => "importLexicon",
            Work::ImportIntents { .. } => "importIntents",
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Queued,
    Active,
    Ended(TaskOutcome),
}

/// One task.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub task_type: &'static str,
    pub parameters: Value,
    pub created_at: u64,
    pub polls: u32,
    pub status: Status,
    /// How the task will end (decided at creation from the injected failures).
    pub planned: TaskOutcome,
    /// Taken when the task ends.
    pub work: Option<Work>,
}

impl Task {
    pub fn new(id: String, work: Work, parameters: Value, created_at: u64, failures: &mut [TaskFailure]) -> Self {
        let task_type = work.task_type();
        Self {
            id,
            task_type,
            parameters,
            created_at,
            polls: 0,
            status: Status::Queued,
            planned: planned_outcome(task_type, failures),
            work: Some(work),
        }
    }

    /// The answer of the creating call.
    pub fn created_json(&self) -> Value {
        json!({
            "_id": self.id,
            "status": "queued",
            "type": self.task_type,
            "parameters": self.parameters,
            "createdAt": self.created_at,
            "lastChangedAt": self.created_at,
        })
    }

    /// The answer of `GET /tasks/{id}`.
    pub fn json(&self) -> Value {
        let (status, fail_reason) = match &self.status {
            Status::Queued => ("queued", ""),
            Status::Active => ("active", ""),
            Status::Ended(TaskOutcome::Done) => ("done", ""),
            Status::Ended(TaskOutcome::Error(reason)) => ("error", reason.as_str()),
            Status::Ended(TaskOutcome::Cancelled) => ("cancelled", "The task was cancelled."),
        };
        let ended = matches!(self.status, Status::Ended(_));
        json!({
            "_id": self.id,
            "type": self.task_type,
            "status": status,
            "currentStep": if ended { 2 } else { u32::from(self.polls > 0) },
            "totalStep": 2,
            "failReason": fail_reason,
            "parameters": self.parameters,
            "data": {},
            "lastRunAt": null,
            "lastFinishedAt": null,
            "createdAt": self.created_at,
            "lastChanged": self.created_at,
            "createdBy": crate::fake_cognigy::generate::CREATOR,
            "lastChangedBy": crate::fake_cognigy::generate::CREATOR,
        })
    }
}

/// The first matching injected failure with uses left decides; otherwise the task succeeds.
fn planned_outcome(task_type: &str, failures: &mut [TaskFailure]) -> TaskOutcome {
    let failure = failures
        .iter_mut()
        .find(|f| task_type.contains(&f.task_type) && f.times != Some(0));
    match failure {
        Some(f) => {
            if let Some(left) = f.times.as_mut() {
                *left -= 1;
            }
            f.outcome.clone()
        }
        None => TaskOutcome::Done,
    }
}
