//! Repositories (one, and an owner's with every page), environments and workflow runs.

use serde_json::{Value, json};

use super::{listed, page, repo, repo_path, with_link};
use crate::fake_github::model::World;
use crate::fake_github::server::{Answer, Req, Shared};

/// `GET /repos/{owner}/{name}`.
pub(super) fn get(shared: &Shared, world: &World, full: &str) -> Result<Answer, Answer> {
    Ok(Answer::json(200, repo(world, full)?.json(&shared.web(), &shared.api())))
}

/// `GET /orgs/{org}/repos`, `GET /users/{user}/repos`: the owner's repositories the token can see.
pub(super) fn of_owner(shared: &Shared, world: &World, req: &Req<'_>, owner: &str) -> Result<Answer, Answer> {
    if !world.repos.iter().any(|r| r.owner.eq_ignore_ascii_case(owner)) {
        return Err(Answer::not_found());
    }
    let items: Vec<Value> = world
        .repos
        .iter()
        .filter(|r| r.owner.eq_ignore_ascii_case(owner))
        .filter(|r| !r.private || req.grant.as_ref().is_some_and(|g| g.reaches(&r.full_name())))
        .map(|r| r.json(&shared.web(), &shared.api()))
        .collect();
    let kind = if req.segments[0] == "orgs" { "orgs" } else { "users" };
    Ok(listed(shared, req, &format!("/{kind}/{owner}/repos"), items))
}

/// Environments and workflow runs.
pub(super) fn actions(
    shared: &Shared,
    world: &World,
    req: &Req<'_>,
    full: &str,
    rest: &[&str],
) -> Result<Answer, Answer> {
    let repo = repo(world, full)?;
    let (web, api) = (shared.web(), shared.api());
    match rest {
        ["environments"] => {
            let all: Vec<Value> = repo.environments.iter().map(|e| e.json(repo, &web, &api)).collect();
            let total = all.len();
            let (shown, link) = page(shared, req, &repo_path(world, full, "environments"), all);
            let body = json!({ "total_count": total, "environments": shown });
            Ok(with_link(Answer::json(200, body), link))
        }
        ["environments", name] => repo
            .environments
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
            .map(|e| Answer::json(200, e.json(repo, &web, &api)))
            .ok_or_else(Answer::not_found),
        ["actions", "runs"] => Ok(runs(shared, world, req, full, None)),
        // The fake knows a workflow by its runs: a file no run has is no workflow (404, as GitHub).
        ["actions", "workflows", workflow, "runs"]
            if repo.runs.iter().any(|run| run.path.ends_with(&format!("/{workflow}"))) =>
        {
            Ok(runs(shared, world, req, full, Some(workflow)))
        }
        _ => Err(Answer::not_found()),
    }
}

/// Runs newest first, filtered by workflow file, `status`, `branch` and `event`.
fn runs(shared: &Shared, world: &World, req: &Req<'_>, full: &str, workflow: Option<&str>) -> Answer {
    let Some(repo) = world.repo(full) else {
        return Answer::not_found();
    };
    let (web, api) = (shared.web(), shared.api());
    let mut matching: Vec<(usize, &crate::fake_github::model::WorkflowRun)> = repo
        .runs
        .iter()
        .enumerate()
        .filter(|(_, run)| workflow.is_none_or(|w| run.path.ends_with(&format!("/{w}"))))
        .filter(|(_, run)| {
            req.param("status")
                .is_none_or(|s| run.status == s || run.conclusion.as_deref() == Some(s))
        })
        .filter(|(_, run)| req.param("branch").is_none_or(|b| run.head_branch == b))
        .filter(|(_, run)| req.param("event").is_none_or(|e| run.event == e))
        .collect();
    matching.sort_by(|a, b| b.1.created_at.cmp(&a.1.created_at));
    let total = matching.len();
    let items: Vec<Value> = matching
        .iter()
        .map(|(index, run)| run.json(repo, &web, &api, index + 1))
        .collect();
    let tail = match workflow {
        Some(w) => format!("actions/workflows/{w}/runs"),
        None => "actions/runs".to_owned(),
    };
    let (shown, link) = page(shared, req, &repo_path(world, full, &tail), items);
    with_link(
        Answer::json(200, json!({ "total_count": total, "workflow_runs": shown })),
        link,
    )
}
