//! The setup mode's inputs: the Cognigy project, the snapshot repository and the GitHub API whose
//! readiness it checks. Unlike the other modes, a missing Cognigy input is no input error here:
//! saying which secret or variable to set is the setup's job, so it becomes a failed check.

use super::validator::Validator;
use super::{Mode, ModeConfig};

/// The Cognigy inputs a backup needs, as the setup reports them when unset.
pub const COGNIGY_INPUTS: [&str; 3] = ["cognigy-base-url", "cognigy-api-key", "cognigy-project-id"];

impl Validator<'_> {
    pub(super) fn setup(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Setup;
        let missing: Vec<&'static str> = COGNIGY_INPUTS
            .into_iter()
            .filter(|input| self.value(input).is_none())
            .collect();
        let cognigy = if missing.is_empty() {
            self.cognigy(mode).map(Some)
        } else {
            // What is given is still checked, so a bad value is refused as in every mode.
            if let Some(url) = self.value("cognigy-base-url").map(str::to_owned) {
                self.base_url(&url);
            }
            if let Some(id) = self.value("cognigy-project-id").map(str::to_owned) {
                self.object_id("cognigy-project-id", id);
            }
            Some(None)
        };
        let (repo, github) = (self.repo(mode), self.github_api());
        Some(ModeConfig::Setup {
            cognigy: cognigy?,
            missing,
            repo: repo?,
            github: github?,
        })
    }
}
