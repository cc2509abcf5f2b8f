//! The diff mode's inputs: the snapshot repository, the two sides (`snapshot`, and `against`: a
//! second snapshot, or empty for the live project, which then needs the Cognigy inputs), the tier
//! `latest` reads, and the kinds compared (`resources`).

use super::cognigy::CognigyConfig;
use super::selector::SnapshotSelector;
use super::validator::Validator;
use super::{Mode, ModeConfig, Tier};

/// What a diff compares the `snapshot` side with.
#[derive(Debug, Clone)]
pub enum Against {
    /// A second snapshot of the repository.
    Snapshot(SnapshotSelector),
    /// The live project, exported now (reads only).
    Live(CognigyConfig),
}

impl Validator<'_> {
    pub(super) fn diff(&mut self) -> Option<ModeConfig> {
        let mode = Mode::Diff;
        let repo = self.repo(mode);
        let tier = self.tier().map(|tier| tier.unwrap_or(Tier::Hourly));
        let snapshot = self.snapshot_selector("snapshot");
        let against = match self.value("against") {
            Some(_) => self.snapshot_selector("against").map(Against::Snapshot),
            None => {
                let before = self.errors.len();
                let cognigy = self.cognigy(mode);
                for error in &mut self.errors[before..] {
                    if error.problem.starts_with("is required") {
                        error.problem.push_str(
                            " (with `against` empty, a diff compares the snapshot with the live project; set `against` to \
                             compare two snapshots)",
                        );
                    }
                }
                cognigy.map(Against::Live)
            }
        };
        let kinds = self.resources();
        Some(ModeConfig::Diff {
            repo: repo?,
            tier: tier?,
            snapshot: snapshot?,
            against: against?,
            kinds: kinds?,
        })
    }
}
