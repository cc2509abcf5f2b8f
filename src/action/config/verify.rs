//! The verify mode's inputs: which tiers of which repository, the keeps the chains must respect,
//! the GitHub API for the releases, and Cognigy when `verify-live` asks for a drift report.

use super::validator::Validator;
use super::{Mode, ModeConfig};

impl Validator<'_> {
    pub(super) fn verify(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Verify;
        let (repo, keep, github) = (self.repo(mode), self.keep(), self.github_api());
        let tier = self.tier();
        let live = match self.boolean("verify-live", false) {
            Some(true) => {
                let (cognigy, export) = (self.cognigy(mode), self.export());
                Some(Some((cognigy?, export?)))
            }
            Some(false) => Some(None),
            None => None,
        };
        Some(ModeConfig::Verify {
            repo: repo?,
            tier: tier?,
            keep: keep?,
            github: github?,
            live: live?,
        })
    }
}
