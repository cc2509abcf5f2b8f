//! Everything the server remembers: the hosted projects with their snapshots and audit trails (see
//! `hosted`, `audit`), tasks
//! and what they do when done, prepared downloads, the request log and the counters behind rate
//! limiting and injected quirks, all server-wide. Guarded by one mutex; no handler holds it across
//! an await.

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::audit::{Change, Recorded, Recorder};
use super::csv;
use super::hosted::Hosted;
use super::model::Project;
use super::options::{Fault, FaultKind, Options, TaskFailure, TaskOutcome};
use super::rng::Rng;
use super::snapshots::{self, Snapshot};
use super::tasks::{Status, Task, Work};

/// One answered (or dropped) request, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The full path, prefix included.
    pub path: String,
    /// The raw query string (empty if none).
    pub query: String,
    /// The status answered; 0 for a dropped connection.
    pub status: u16,
    /// When the request arrived.
    pub arrived: Instant,
}

/// What a download token gives.
#[derive(Debug, Clone)]
pub enum Download {
    Snapshot(String),
    Csv(String),
}

pub struct World {
    /// The hosted projects in the order they were added; the first is the one the server started with.
    pub projects: Vec<Hosted>,
    pub tasks: HashMap<String, Task>,
    pub downloads: HashMap<String, Download>,
    /// Finished keyphrase exports: lexicon id -> CSV (lexicon ids are unique across projects).
    pub lexicon_exports: HashMap<String, String>,
    pub log: Vec<RequestRecord>,
    pub faults: Vec<Fault>,
    pub task_failures: Vec<TaskFailure>,
    pub placeholders_left: u32,
    pub cut_shorts_left: u32,
    pub incomplete_restores_left: u32,
    /// Start and count of the current rate-limit window.
    pub window: Option<(Instant, u32)>,
    /// Ids of server-made things (tasks, snapshots, tokens), apart from the project's own generator.
    pub ids: Rng,
    /// The audit trail's clock, retention and ids.
    pub recorder: Recorder,
}

/// Seconds since the Unix epoch: every timestamp the API answers is one (the typings' `TTimestamp`).
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl World {
    pub fn new(project: Project, options: &Options) -> Self {
        Self {
            projects: vec![Hosted::new(project)],
            tasks: HashMap::new(),
            downloads: HashMap::new(),
            lexicon_exports: HashMap::new(),
            log: Vec::new(),
            faults: options.faults.clone(),
            task_failures: options.task_failures.clone(),
            placeholders_left: options.snapshot_placeholder_downloads,
            cut_shorts_left: options.snapshot_cut_short_downloads,
            incomplete_restores_left: options.incomplete_restores,
            window: None,
            ids: Rng::new(0xC0FFEE),
            recorder: Recorder::new(options.audit_retention.as_millis() as u64, options.audit_drop_every),
        }
    }

    /// Records `change` in the audit trail of project `project_id` (if hosted), made by `user`.
    pub fn audit(&mut self, project_id: &str, user: &str, change: &Change) {
        let Some(event) = self.recorder.record(project_id, user, change) else {
            return;
        };
        let recorder = &self.recorder;
        if let Some(hosted) = self.projects.iter_mut().find(|h| h.project.id() == project_id) {
            hosted.audit.retain(|e| recorder.kept(e));
            hosted.audit.push(event);
        }
    }

    /// The events of project `project_id` still kept, newest first.
    pub fn audit_trail(&self, project_id: &str) -> Vec<&Recorded> {
        let events = self.hosted(project_id).map(|h| h.audit.as_slice()).unwrap_or_default();
        let mut kept: Vec<&Recorded> = events.iter().filter(|e| self.recorder.kept(e)).collect();
        kept.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
        kept
    }

    /// The first injected fault matching the request, counting the use.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let fault = self.faults.iter_mut().find(|f| f.matches(method, path))?;
        if let Some(left) = fault.times.as_mut() {
            *left -= 1;
        }
        Some(fault.kind)
    }

    /// Starts a task for `work`; answers the creating call's JSON.
    pub fn start_task(&mut self, work: Work, parameters: serde_json::Value) -> serde_json::Value {
        let task = Task::new(self.ids.object_id(), work, parameters, now(), &mut self.task_failures);
        let created = task.created_json();
        self.tasks.insert(task.id.clone(), task);
        created
    }

    /// One poll of a task: it advances, and when it ends its work is applied. `None` if unknown.
    pub fn poll_task(&mut self, id: &str, polls_needed: u32) -> Option<serde_json::Value> {
        let task = self.tasks.get_mut(id)?;
        task.polls += 1;
        if task.status == Status::Queued || task.status == Status::Active {
            if task.polls < polls_needed {
                task.status = Status::Active;
            } else {
                let planned = task.planned.clone();
                let work = task.work.take();
                let outcome = match (planned, work) {
                    (TaskOutcome::Done, Some(work)) => {
                        self.apply(work).map_or_else(TaskOutcome::Error, |()| TaskOutcome::Done)
                    }
                    (planned, _) => planned,
                };
                self.tasks.get_mut(id)?.status = Status::Ended(outcome);
            }
        }
        self.tasks.get(id).map(Task::json)
    }

    /// A new download token for `what`.
    pub fn download_token(&mut self, what: Download) -> String {
        let token = self.ids.hex(40);
        self.downloads.insert(token.clone(), what);
        token
    }

    fn apply(&mut self, work: Work) -> Result<(), String> {
        let gone = |what: &str, id: &str| format!("The {what} '{id}' no longer exists.");
        match work {
            Work::CreateSnapshot {
                project_id,
                name,
                description,
            } => {
                self.add_snapshot(&project_id, name, description)
                    .ok_or_else(|| gone("project", &project_id))?;
            }
            Work::PackageSnapshot { id } => {
                let snapshot = self
                    .projects
                    .iter_mut()
                    .find_map(|h| h.snapshots.iter_mut().find(|s| s.id == id))
                    .ok_or_else(|| gone("snapshot", &id))?;
                snapshot.package(now());
            }
            Work::DeleteSnapshot { id } => self
                .projects
                .iter_mut()
                .for_each(|h| h.snapshots.retain(|s| s.id != id)),
            Work::RestoreSnapshot { id } => {
                let holder = self.snapshot_holder(&id).ok_or_else(|| gone("snapshot", &id))?;
                let project_id = holder.project.id().to_owned();
                let taken = self.ids_outside(Some(&project_id));
                let holder = self.hosted_mut(&project_id).expect("found above");
                let content = &holder.snapshot(&id).expect("found above").content;
                let mut restored = snapshots::restore(content, &holder.project, &taken)?;
                if self.incomplete_restores_left > 0 {
                    self.incomplete_restores_left -= 1;
                    restored.flows.pop();
                }
                self.hosted_mut(&project_id).expect("found above").project = restored;
            }
            Work::UploadSnapshot { project_id, bytes } => {
                snapshots::validate(&bytes)?;
                let id = self.ids.object_id();
                let holder = self
                    .hosted_mut(&project_id)
                    .ok_or_else(|| gone("project", &project_id))?;
                holder.snapshots.push(Snapshot {
                    name: format!("Uploaded snapshot {id}"),
                    id,
                    description: String::new(),
                    created_at: now(),
                    package_expires_at: None,
                    content: bytes,
                });
            }
            Work::ExportLexicon { lexicon_id } => {
                let lexicon = self
                    .find(|p| p.lexicon(&lexicon_id))
                    .ok_or_else(|| gone("lexicon", &lexicon_id))?;
                let csv = csv::write(&lexicon.keyphrases);
                self.lexicon_exports.insert(lexicon_id, csv);
            }
            Work::ImportLexicon { lexicon_id, keyphrases } => {
                let lexicon = self
                    .find_mut(|p| p.lexicon_mut(&lexicon_id))
                    .ok_or_else(|| gone("lexicon", &lexicon_id))?;
                lexicon.keyphrases = keyphrases;
            }
            Work::ImportIntents {
                flow_id,
                locale_id,
                intents,
            } => {
                let flow = self
                    .find_mut(|p| p.flow_mut(&flow_id))
                    .ok_or_else(|| gone("flow", &flow_id))?;
                flow.intents.insert(locale_id, intents);
            }
        }
        Ok(())
    }
}
