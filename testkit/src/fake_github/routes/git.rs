//! A branch's commits (`GET /repos/{o}/{r}/commits?sha=`, newest first, paged), one commit
//! (`GET /repos/{o}/{r}/commits/{ref}`), and refs by prefix (`GET /repos/{o}/{r}/git/matching-refs/{ref}`),
//! with GitHub's answers for what is not there: 409 for an empty repository, 404 for a list of an
//! unknown ref, 422 for an unknown commit.

use serde_json::{Value, json};

use super::{listed, repo, repo_path};
use crate::fake_github::model::{Repo, World};
use crate::fake_github::server::{Answer, Req, Shared};

pub(super) fn route(
    shared: &Shared,
    world: &World,
    req: &Req<'_>,
    full: &str,
    rest: &[&str],
) -> Result<Answer, Answer> {
    let repo = repo(world, full)?;
    let empty = repo.branches.values().all(Vec::is_empty);
    let (web, api) = (shared.web(), shared.api());
    match rest {
        ["commits"] => {
            if empty {
                return Err(Answer::error(409, "Git Repository is empty."));
            }
            let reference = req.param("sha").unwrap_or(&repo.default_branch);
            let (branch, at) = repo
                .resolve(reference)
                .ok_or_else(|| Answer::error(404, &format!("No commit found for SHA: {reference}")))?;
            let commits = &repo.branches[branch][..=at];
            let items: Vec<Value> = (0..commits.len())
                .rev()
                .map(|i| commits[i].json(repo, i.checked_sub(1).map(|p| &commits[p]), &web, &api))
                .collect();
            Ok(listed(shared, req, &repo_path(world, full, "commits"), items))
        }
        ["commits", reference @ ..] => {
            let reference = reference.join("/");
            if empty {
                return Err(Answer::error(409, "Git Repository is empty."));
            }
            let (branch, at) = repo
                .resolve(&reference)
                .ok_or_else(|| Answer::error(422, &format!("No commit found for SHA: {reference}")))?;
            let commits = &repo.branches[branch];
            let parent = at.checked_sub(1).map(|p| &commits[p]);
            Ok(Answer::json(200, commits[at].json(repo, parent, &web, &api)))
        }
        ["git", "matching-refs", prefix @ ..] => {
            if empty && repo.tags.is_empty() {
                return Err(Answer::error(409, "Git Repository is empty."));
            }
            let prefix = format!("refs/{}", prefix.join("/"));
            let items: Vec<Value> = refs(repo)
                .into_iter()
                .filter(|(name, _)| name.starts_with(&prefix))
                .map(|(name, sha)| {
                    json!({
                        "ref": name, "node_id": format!("REF_{name}"),
                        "url": format!("{api}/repos/{full}/git/{name}"),
                        "object": { "type": "commit", "sha": sha, "url": format!("{api}/repos/{full}/git/commits/{sha}") },
                    })
                })
                .collect();
            Ok(Answer::json(200, Value::Array(items)))
        }
        _ => Err(Answer::not_found()),
    }
}

/// Every ref with the commit it points at, sorted by name as GitHub lists them.
fn refs(repo: &Repo) -> Vec<(String, String)> {
    let mut refs: Vec<(String, String)> = repo
        .branches
        .iter()
        .filter_map(|(name, commits)| Some((format!("refs/heads/{name}"), commits.last()?.sha.clone())))
        .chain(repo.tags.iter().map(|tag| {
            let sha = repo.tag_targets.get(tag).cloned().unwrap_or_else(|| "0".repeat(40));
            (format!("refs/tags/{tag}"), sha)
        }))
        .collect();
    refs.sort();
    refs
}
