//! The promote mode's inputs: the snapshot repository, the keeps, and the GitHub API for the
//! monthly releases.

use super::validator::Validator;
use super::{Mode, ModeConfig};

impl Validator<'_> {
    pub(super) fn promote(&mut self) -> Option<ModeConfig> {
        let (repo, keep, github) = (self.repo(Mode::Promote), self.keep(), self.github_api());
        Some(ModeConfig::Promote {
            repo: repo?,
            keep: keep?,
            github: github?,
        })
    }
}
