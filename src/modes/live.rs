//! A snapshot compared with the live project, as verify's drift report (`verify-live`) and a diff
//! without `against` read it: the live project exported now, for the kinds the snapshot's manifest
//! lists within `resources`, then compared from the snapshot to the live project, resource by
//! resource. Only reads are sent. Credentials are no difference: the export holds them redacted,
//! and those the snapshot holds encrypted read as redacted too.

use std::sync::Arc;

use crate::action::config::{CognigyConfig, RESOURCE_KINDS};
use crate::cognigy::Client;
use crate::secrets::unseal;
use crate::snapshot::Files;
use crate::snapshot::compare::{self, Comparison};
use crate::snapshot::diff::is_project_level;

use super::capture::export_live;
use super::restore::kinds_of;
use super::{Context, Error};

/// Which resources a comparison for the kinds `resources` names looks at: those kinds, and the
/// project's own files (locales, settings) when every kind is named.
pub fn scope<'a>(kinds: &'a [&'static str]) -> impl Fn(&str) -> bool + Copy + 'a {
    let whole_project = kinds.len() == RESOURCE_KINDS.len();
    move |kind: &str| (is_project_level(kind) && whole_project) || kinds.contains(&kind)
}

/// What differs from the snapshot `files` (named for people by `snapshot`, e.g.
/// `20261122T080700Z (commit abc1234)`) to the live project of `cognigy`, for `kinds`.
pub fn compare_with_live(
    files: &Files,
    snapshot: &str,
    cognigy: &CognigyConfig,
    kinds: &[&'static str],
    context: &Context<'_>,
) -> Result<Comparison, Error> {
    let exported: Vec<&'static str> = kinds_of(files, snapshot)?
        .into_iter()
        .filter(|kind| kinds.contains(kind))
        .collect();
    let runtime = super::runtime()?;
    let client = Arc::new(Client::new(cognigy)?);
    let live = export_live(&runtime, &client, cognigy, &exported, context)?;
    let snapshot = unseal::compare_view(files, &live.built.files, None);
    Ok(compare::compare(&snapshot, &live.built.files, scope(kinds)))
}
