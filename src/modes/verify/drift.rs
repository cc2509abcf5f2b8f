//! The drift report of `verify-live`: the newest snapshot verify checked against the live project,
//! resource by resource down to the changed fields, as a restore's dry run compares them (read
//! from the snapshot to the project: what was created, deleted and changed in Cognigy since).
//! Drift is not damage: it is reported, and does not fail the run. The comparison is
//! [`compare_with_live`]'s.

use crate::action::config::{CognigyConfig, ExportConfig};
use crate::escape::markdown;
use crate::snapshot::compare::Words;

use super::super::live::compare_with_live;
use super::super::repo::Repo;
use super::super::{Context, Error};
use super::report::At;

const WORDS: Words<'static> = Words {
    added: "Created in Cognigy since the snapshot",
    removed: "Deleted in Cognigy since the snapshot",
    modified: "Changed in Cognigy since the snapshot",
};

/// The markdown of the drift between snapshot `newest` (already fetched into the store) and the
/// live project, for the kinds of `export` the snapshot holds.
pub fn report(
    repo: &Repo,
    newest: Option<&At>,
    cognigy: &CognigyConfig,
    export: &ExportConfig,
    context: &Context<'_>,
) -> Result<String, Error> {
    let Some(newest) = newest else {
        return Ok("Not compared: no snapshot was checked.".to_owned());
    };
    let snapshot_id = newest.snapshot_id.clone().unwrap_or_default();
    let short = newest.commit.to_hex_with_len(7).to_string();
    let files = repo.store.read_files(repo.store.read_commit(newest.commit)?.tree)?;
    let snapshot = format!("{snapshot_id} (commit {short})");
    let comparison = compare_with_live(&files, &snapshot, cognigy, &export.kinds, context)?;
    let project = &cognigy.project_id;
    let snapshot_id = markdown::code(&snapshot_id);
    Ok(if comparison.is_empty() {
        format!("The live project `{project}` equals the newest snapshot, {snapshot_id} (commit `{short}`).")
    } else {
        format!(
            "The live project `{project}` has drifted from the newest snapshot, {snapshot_id} (commit `{short}`): {}. \
             The next backup captures it.\n\n{}",
            comparison.headline(),
            comparison.markdown(&WORDS)
        )
    })
}
