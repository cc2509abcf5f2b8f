//! The mirror in verify: its tier refs (the branches of the tiers checked and the monthly tags),
//! listed without fetching, compared with the primary's. Each ref missing there, at another commit,
//! or there but not on the primary is a problem named by tier and ref; the next push to the
//! primary brings the mirror back to the primary's state.

use std::collections::BTreeSet;

use crate::action::config::Tier;
use crate::escape::markdown;
use crate::store::{RefSelection, RemoteRefs};

use super::report::Finding;
use crate::modes::mirror::{Mirror, why};
use crate::modes::repo::{MONTHLY_TAG_PREFIX, Repo};

/// The section's text and a finding per tier ref where the mirror differs from `primary` (the
/// refs of `selection` on the primary).
pub fn compare(
    repo: &Repo,
    mirror: &Mirror,
    selection: &RefSelection,
    primary: &RemoteRefs,
    tiers: &[Tier],
) -> (String, Vec<Finding>) {
    let shown = mirror.remote.display();
    let mirrored = match repo.store.list(&mirror.remote, selection) {
        Ok(refs) => refs,
        Err(error) => {
            let what = format!(
                "its mirror {shown} could not be read, so it was not compared: {}",
                why(&error)
            );
            let findings = tiers
                .iter()
                .map(|&tier| finding(repo, tier, None, what.clone()))
                .collect();
            return (
                format!("The mirror {} could not be read.", markdown::code(&shown)),
                findings,
            );
        }
    };
    let mut findings = Vec::new();
    for &tier in tiers {
        let full = repo.branch(tier);
        let tags = format!("refs/tags/{MONTHLY_TAG_PREFIX}");
        let of_tier = |name: &&String| match tier {
            Tier::Monthly => name.starts_with(&tags),
            _ => **name == full,
        };
        let names: BTreeSet<&String> = primary.0.keys().chain(mirrored.0.keys()).filter(of_tier).collect();
        for name in names {
            let what = match (primary.get(name), mirrored.get(name)) {
                (Some(ours), None) => format!("missing on the mirror {shown} (the primary has commit {})", short(ours)),
                (Some(ours), Some(theirs)) if ours != theirs => format!(
                    "the mirror {shown} has commit {}, the primary commit {}",
                    short(theirs),
                    short(ours)
                ),
                (None, Some(theirs)) => {
                    format!(
                        "on the mirror {shown} (commit {}) but not on the primary",
                        short(theirs)
                    )
                }
                _ => continue,
            };
            findings.push(finding(repo, tier, Some(name), what));
        }
    }
    let text = match findings.len() {
        0 => format!(
            "The mirror {} holds the same tier refs as the primary.",
            markdown::code(&shown)
        ),
        n => format!(
            "The mirror {} differs from the primary on {n} tier ref(s), listed below. The primary is the source of \
             truth: the next backup (or any push) brings the mirror back to its state.",
            markdown::code(&shown)
        ),
    };
    (text, findings)
}

/// A mirror problem of `tier`, at the full ref `name` (`None`: the tier as a whole).
fn finding(repo: &Repo, tier: Tier, name: Option<&String>, what: String) -> Finding {
    let git_ref = match (name, tier) {
        (Some(name), _) => name
            .strip_prefix("refs/heads/")
            .or_else(|| name.strip_prefix("refs/tags/"))
            .unwrap_or(name)
            .to_owned(),
        (None, Tier::Monthly) => format!("{MONTHLY_TAG_PREFIX}*"),
        (None, branch) => repo.branch_name(branch),
    };
    Finding {
        tier,
        git_ref,
        at: None,
        path: None,
        what,
    }
}

fn short(id: crate::store::ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}
