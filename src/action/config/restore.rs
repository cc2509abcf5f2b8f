//! The restore mode's inputs: which snapshot of which tier, dry run or applied (`confirm`), by
//! which method, into which project, for which kinds.

use super::validator::Validator;
use super::{Mode, ModeConfig, RESOURCE_KINDS, Tier};

/// What `confirm` names: the project an applied restore may write to and, in the form
/// `<project id>@<commit>`, the snapshot commit it was reviewed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub project_id: String,
    /// 7 to 40 hex digits, lower-case.
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreMethod {
    Native,
    Update,
    Auto,
}

impl Validator<'_> {
    pub(super) fn restore(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Restore;
        let cognigy = self.cognigy(mode);
        let repo = self.repo(mode);
        let tier = self.tier().map(|tier| tier.unwrap_or(Tier::Hourly));
        let snapshot = self.snapshot_selector("snapshot");
        let dry_run = self.boolean("dry-run", true);
        let method = self.choice(
            "restore-method",
            "auto",
            &[
                ("native", RestoreMethod::Native),
                ("update", RestoreMethod::Update),
                ("auto", RestoreMethod::Auto),
            ],
        );
        let target = match self.value("target-project-id").map(str::to_owned) {
            Some(id) => self.object_id("target-project-id", id).map(Some),
            None => Some(None),
        };
        let confirm = self.confirm();
        let kinds = self.resources();
        let keep = self.keep();
        let secrets = self.secrets_mode();
        let identity = self.identity();
        let (cognigy, target) = (cognigy?, target?);
        let method = method?;
        let target_project_id = match target {
            Some(id) if id != cognigy.project_id && method == RestoreMethod::Update => {
                return self.fail(
                    "target-project-id",
                    "restoring into another project needs restore-method native (update can only patch the project it came from)",
                );
            }
            Some(id) => id,
            None => cognigy.project_id.clone(),
        };
        let kinds = kinds?;
        if method == RestoreMethod::Native && kinds.len() < RESOURCE_KINDS.len() {
            return self.fail(
                "resources",
                "a native restore always restores the whole project: set `resources: all`, or `restore-method: update` to restore only some kinds",
            );
        }
        Some(ModeConfig::Restore {
            cognigy,
            repo: repo?,
            tier: tier?,
            snapshot: snapshot?,
            dry_run: dry_run?,
            confirm: confirm?,
            method,
            target_project_id,
            kinds,
            keep: keep?,
            secrets: secrets?,
            identity: identity?,
        })
    }
}

impl Validator<'_> {
    /// `confirm`: a project id, or `<project id>@<commit>`; `Some(None)` when empty.
    fn confirm(&mut self) -> Option<Option<Confirm>> {
        let Some(value) = self.value("confirm").map(str::to_owned) else {
            return Some(None);
        };
        let (project_id, commit) = match value.split_once('@') {
            None => (value, None),
            Some((project_id, commit)) => {
                let commit = commit.trim();
                if !(7..=40).contains(&commit.len()) || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return self.fail(
                        "confirm",
                        "accepted: the target project id, or `<project id>@<commit>` with the snapshot's commit SHA (7 to 40 hex digits) as the dry run shows it",
                    );
                }
                (project_id.trim().to_owned(), Some(commit.to_ascii_lowercase()))
            }
        };
        Some(Some(Confirm { project_id, commit }))
    }
}
