//! The backup mode's inputs: Cognigy and what to export, the snapshot repository, the keeps, and
//! whether the same push promotes (with the GitHub API for monthly releases), whether commits
//! record who changed what (`record-editors`), and the offsite copies.

use super::validator::Validator;
use super::{Mode, ModeConfig};

impl Validator<'_> {
    pub(super) fn backup(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Backup;
        let cognigy = self.cognigy(mode);
        let export = self.export();
        let repo = self.repo(mode);
        let keep = self.keep();
        let secrets = self.secrets_mode();
        let offsite = self.offsite();
        let record_editors = self.boolean("record-editors", true);
        let promote = match self.boolean("promote", true) {
            Some(true) => Some(self.github_api()),
            Some(false) => Some(None),
            None => None,
        };
        let full_export_every = self.duration("full-export-every", "24h", Some("every run reads everything"));
        Some(ModeConfig::Backup {
            cognigy: cognigy?,
            export: export?,
            repo: repo?,
            keep: keep?,
            secrets: secrets?,
            promote: promote?,
            offsite: offsite?.map(Box::new),
            record_editors: record_editors?,
            full_export_every: full_export_every?,
        })
    }
}
