//! The repository side of the setup, writing nothing: the token can push (an authenticated
//! receive-pack advertisement, nothing sent after it), and so can `mirror-token` to the mirror; the
//! releases API answers, and the restore environment exists with its reviewers.

use super::check::{Check, quoted};
use crate::action::config::{GithubApi, RepoConfig};
use crate::escape::markdown;
use crate::github::{Environments, Releases};
use crate::init::RESTORE_ENVIRONMENT;
use crate::modes::{releases, repo};
use crate::store;

pub const PUSH: &str = "The token can push the snapshot branches";
pub const MIRROR: &str = "The mirror takes pushes";
pub const RELEASES: &str = "The releases API answers";
pub const ENVIRONMENT: &str = "The restore environment exists";

/// The push check (blocking: git's transport is).
pub fn push(config: &RepoConfig) -> Check {
    let remote = repo::remote(config);
    match remote.push_offer() {
        Ok(offer) => Check::pass(PUSH, true, takes_pushes(&remote, &offer, "this token")),
        Err(e @ store::Error::Auth { .. }) => Check::fail(
            PUSH,
            true,
            quoted(&e.to_string()),
            "give the job `permissions: contents: write` (backup.yml has it); with a custom `remote-url`, pass a `github-token` that may push there",
        ),
        Err(e) => Check::fail(
            PUSH,
            true,
            quoted(&e.to_string()),
            "check `remote-url` and the network, then run the setup again",
        ),
    }
}

/// The mirror's push check, with `mirror-remote-url`: optional, as a mirror that fails is a
/// warning in every run.
pub fn mirror_push(config: &RepoConfig) -> Option<Check> {
    let mirror = config.mirror.as_ref()?;
    let remote = repo::remote_at(&mirror.remote, mirror.token.clone());
    Some(match remote.push_offer() {
        Ok(offer) => Check::pass(MIRROR, false, takes_pushes(&remote, &offer, "`mirror-token`")),
        Err(e) => Check::warn(
            MIRROR,
            false,
            quoted(&crate::modes::mirror::why(&e)),
            "check `mirror-remote-url` and `mirror-token` (it needs write access there); until then every run warns that the mirror is behind",
        ),
    })
}

/// `` `remote` takes pushes from `who` ``, and whether atomically.
fn takes_pushes(remote: &store::Remote, offer: &store::PushOffer, who: &str) -> String {
    format!(
        "{} takes pushes from {who}{}",
        markdown::code(&remote.display()),
        if offer.atomic {
            ""
        } else {
            " (not atomically: refs are pushed one by one)"
        }
    )
}

/// The releases and environment checks.
pub async fn api_checks(config: &RepoConfig, api: &GithubApi) -> Vec<Check> {
    let target = match releases::target(config, api) {
        Ok(target) => target,
        Err(why) => {
            return vec![
                Check::skipped(
                    RELEASES,
                    false,
                    &format!("{why}; monthly tags are kept without releases"),
                ),
                Check::skipped(ENVIRONMENT, false, why),
            ];
        }
    };
    let listed = async { Releases::new(target.api, target.repository)?.list().await };
    let releases = match listed.await {
        Ok(listed) => Check::pass(RELEASES, false, format!("{} releases so far", listed.len())),
        Err(e) => Check::warn(
            RELEASES,
            false,
            quoted(&e.to_string()),
            "monthly snapshots are then kept as tags only; give the job `permissions: contents: write`",
        ),
    };
    let found = async {
        Environments::new(target.api, target.repository)?
            .get(RESTORE_ENVIRONMENT)
            .await
    };
    let environment = match found.await {
        Ok(Some(env)) if env.reviewers.is_empty() => Check::warn(
            ENVIRONMENT,
            false,
            format!(
                "`{RESTORE_ENVIRONMENT}` exists, with no required reviewers: anyone who may run workflows can restore alone"
            ),
            format!(
                "add required reviewers to `{RESTORE_ENVIRONMENT}` (Settings > Environments); on a private repository this needs GitHub Enterprise, else keep the circle of people with write access small"
            ),
        ),
        Ok(Some(env)) => Check::pass(
            ENVIRONMENT,
            false,
            format!(
                "`{RESTORE_ENVIRONMENT}`, approved by {}",
                env.reviewers
                    .iter()
                    .map(|r| markdown::text(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Ok(None) => Check::warn(
            ENVIRONMENT,
            false,
            format!(
                "there is no environment `{RESTORE_ENVIRONMENT}`: GitHub makes it, without reviewers, on the first restore"
            ),
            format!(
                "add the environment `{RESTORE_ENVIRONMENT}` with required reviewers (Settings > Environments > New environment)"
            ),
        ),
        Err(e) => Check::warn(
            ENVIRONMENT,
            false,
            quoted(&e.to_string()),
            "give the setup job `permissions: actions: read` (setup.yml has it)",
        ),
    };
    vec![releases, environment]
}
