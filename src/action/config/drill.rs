//! The drill mode's inputs: the Cognigy inputs of the source project, the staging project the
//! snapshot is restored into (`target-project-id`, which must differ from `cognigy-project-id`,
//! and `confirm`, which must equal it), the snapshot repository, and which snapshot (`snapshot`,
//! `latest` of `tier`, hourly when empty).

use super::cognigy::CognigyConfig;
use super::validator::Validator;
use super::{Mode, ModeConfig, Tier};

impl Validator<'_> {
    pub(super) fn drill(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Drill;
        let source = self.cognigy(mode);
        let repo = self.repo(mode);
        let tier = self.tier().map(|tier| tier.unwrap_or(Tier::Hourly));
        let snapshot = self.snapshot_selector("snapshot");
        let target = self
            .required(
                "target-project-id",
                mode,
                "the id of a staging project to restore into (everything in it is replaced)",
            )
            .and_then(|id| self.object_id("target-project-id", id));
        let (source, target) = (source?, target?);
        if target == source.project_id {
            return self.fail(
                "target-project-id",
                "is the backed-up project (`cognigy-project-id`): a drill replaces everything in its target, so it \
                 needs another project, a staging project kept for drills",
            );
        }
        match self.value("confirm") {
            Some(confirm) if confirm.eq_ignore_ascii_case(&target) => {}
            _ => {
                return self.fail(
                    "confirm",
                    format!(
                        "must equal target-project-id (`{target}`): a drill replaces everything in that project, and \
                         `confirm` says it may"
                    ),
                );
            }
        }
        Some(ModeConfig::Drill {
            target: CognigyConfig {
                project_id: target,
                ..source.clone()
            },
            source_project_id: source.project_id,
            repo: repo?,
            tier: tier?,
            snapshot: snapshot?,
        })
    }
}
