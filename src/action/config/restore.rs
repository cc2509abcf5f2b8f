//! The restore mode's inputs: which snapshot of which tier, dry run or applied (`confirm`), by
//! which method, into which project, for which kinds.

use super::validator::Validator;
use super::{Mode, ModeConfig, RESOURCE_KINDS, Tier};

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
        let snapshot = self.snapshot_selector();
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
        let confirm = self.value("confirm").map(str::to_owned);
        let kinds = self.resources();
        let keep = self.keep();
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
            confirm,
            method,
            target_project_id,
            kinds,
            keep: keep?,
        })
    }
}
