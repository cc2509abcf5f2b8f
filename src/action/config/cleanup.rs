//! The cleanup mode's inputs: what promote needs, and Cognigy when its key is given (to delete the
//! native snapshots interrupted runs left behind).

use super::validator::Validator;
use super::{Mode, ModeConfig};

impl Validator<'_> {
    pub(super) fn cleanup(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Cleanup;
        let (repo, keep, github) = (self.repo(mode), self.keep(), self.github_api());
        let cognigy = if self.value("cognigy-api-key").is_some() {
            Some(self.cognigy(mode)?)
        } else {
            None
        };
        Some(ModeConfig::Cleanup {
            repo: repo?,
            keep: keep?,
            github: github?,
            cognigy,
        })
    }
}
