//! The projects one server hosts, as one Cognigy organisation does: one API key reaches them all,
//! each has its own resources and its own snapshots. A request names a project by `projectId`, or
//! names only a resource (a flow, a snapshot, ...), which is then found in whichever project holds it.

use std::collections::HashSet;

use super::audit::Recorded;
use super::ids;
use super::model::Project;
use super::snapshots::Snapshot;
use super::tasks::Work;
use super::world::{World, now};

/// One hosted project, its snapshots and its audit trail, oldest first.
pub struct Hosted {
    pub project: Project,
    pub snapshots: Vec<Snapshot>,
    /// Expired events are never answered, and dropped when the next one is recorded.
    pub audit: Vec<Recorded>,
}

impl Hosted {
    pub fn new(project: Project) -> Self {
        Self {
            project,
            snapshots: Vec::new(),
            audit: Vec::new(),
        }
    }

    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshots.iter().find(|s| s.id == id)
    }
}

impl World {
    /// The project `id`.
    pub fn hosted(&self, id: &str) -> Option<&Hosted> {
        self.projects.iter().find(|h| h.project.id() == id)
    }

    pub fn hosted_mut(&mut self, id: &str) -> Option<&mut Hosted> {
        self.projects.iter_mut().find(|h| h.project.id() == id)
    }

    /// The first answer `find` gives for a project, in the order they were added: a resource named
    /// only by its id, from whichever project holds it.
    pub fn find<'a, T>(&'a self, find: impl FnMut(&'a Project) -> Option<T>) -> Option<T> {
        self.projects.iter().map(|h| &h.project).find_map(find)
    }

    /// [`World::find`] for a change.
    pub fn find_mut<'a, T>(&'a mut self, find: impl FnMut(&'a mut Project) -> Option<T>) -> Option<T> {
        self.projects.iter_mut().map(|h| &mut h.project).find_map(find)
    }

    /// The project holding snapshot `id`.
    pub fn snapshot_holder(&self, id: &str) -> Option<&Hosted> {
        self.projects.iter().find(|h| h.snapshot(id).is_some())
    }

    /// The snapshot `id`, in whichever project holds it.
    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshot_holder(id)?.snapshot(id)
    }

    /// Whether project `project_id` has a snapshot named `name`, or one is being created.
    pub fn snapshot_name_taken(&self, project_id: &str, name: &str) -> bool {
        let pending = self.pending_snapshots(project_id).any(|w| match w {
            Work::CreateSnapshot { name: pending, .. } => pending == name,
            _ => false,
        });
        pending
            || self
                .hosted(project_id)
                .is_some_and(|h| h.snapshots.iter().any(|s| s.name == name))
    }

    /// Snapshots of project `project_id` that exist or are being created or uploaded, against its cap.
    pub fn snapshot_count(&self, project_id: &str) -> usize {
        let existing = self.hosted(project_id).map_or(0, |h| h.snapshots.len());
        existing + self.pending_snapshots(project_id).count()
    }

    fn pending_snapshots(&self, project_id: &str) -> impl Iterator<Item = &Work> {
        self.tasks
            .values()
            .filter_map(|t| t.work.as_ref())
            .filter(move |w| w.adds_snapshot_to() == Some(project_id))
    }

    /// A snapshot of project `project_id` as it is now, named `name`; answers its id (`None` for an
    /// unknown project).
    pub fn add_snapshot(&mut self, project_id: &str, name: String, description: String) -> Option<String> {
        let holder = self.projects.iter_mut().find(|h| h.project.id() == project_id)?;
        let id = self.ids.object_id();
        let snapshot = Snapshot::capture(id.clone(), name, description, &holder.project, now());
        holder.snapshots.push(snapshot);
        Some(id)
    }

    /// Every id the projects other than `except` own.
    pub fn ids_outside(&self, except: Option<&str>) -> HashSet<String> {
        self.projects
            .iter()
            .filter(|h| Some(h.project.id()) != except)
            .flat_map(|h| ids::owned(&h.project))
            .collect()
    }
}
