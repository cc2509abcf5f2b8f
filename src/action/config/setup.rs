//! The setup mode's inputs: the Cognigy project and the snapshot repository whose readiness it checks.

use super::validator::Validator;
use super::{Mode, ModeConfig};

impl Validator<'_> {
    pub(super) fn setup(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Setup;
        let (cognigy, repo) = (self.cognigy(mode), self.repo(mode));
        Some(ModeConfig::Setup {
            cognigy: cognigy?,
            repo: repo?,
        })
    }
}
