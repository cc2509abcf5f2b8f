//! The backup's offsite copy (`object-store-url`): after the push, the hourly tier's newest snapshot
//! goes to the object store through [`crate::offsite`], and the run's summary and metrics say what
//! happened. A failure is a warning, never the run's failure.

use crate::action::commands::Level;
use crate::action::config::{OffsiteConfig, Tier};
use crate::escape::markdown;
use crate::metrics;
use crate::store::RemoteRefs;

use super::repo::Repo;
use super::{Context, Outcome};

/// Copies the hourly tier's newest snapshot as pushed (this run's, or the one found unchanged) to
/// the object store. A failure is a warning: the pushed snapshot is the backup, and the next run
/// uploads the newest snapshot when it is missing there.
pub(super) fn copy(
    repo: &Repo,
    after: &RemoteRefs,
    config: &OffsiteConfig,
    runtime: &tokio::runtime::Runtime,
    context: &Context<'_>,
    outcome: &mut Outcome,
) {
    let Some(tip) = after.get(&repo.branch(Tier::Hourly)) else {
        return;
    };
    let copied = repo
        .store
        .read_commit(tip)
        .and_then(|commit| repo.store.read_files(commit.tree))
        .map_err(|e| e.to_string())
        .and_then(|files| crate::offsite::copy(config, &files, runtime).map_err(|e| e.to_string()));
    match copied {
        Ok(report) => {
            outcome.summary.push_str(&format!("\n{}", report.line()));
            outcome.figures.offsite = Some(metrics::Offsite {
                uploaded_bytes: report.uploaded.unwrap_or(0),
                kept: report.kept,
                removed: report.removed,
            });
        }
        Err(e) => {
            context.runner.annotate(
                Level::Warning,
                "Offsite copy failed",
                &format!(
                    "the snapshot was pushed, but its copy to {} failed: {e}. The next run uploads it.",
                    config.url
                ),
            );
            outcome.summary.push_str(&format!(
                "\nOffsite: the copy to {} failed: {}. The next run uploads it.\n",
                markdown::code(config.url.as_str()),
                markdown::text(&e)
            ));
        }
    }
}
