//! The documented REST paths the fake serves, and `Link` pagination (`per_page` up to 100,
//! default 30; `page` from 1; `next`, `last`, `prev` and `first` links that point, as GitHub's
//! do, at `/repositories/{id}/...` for a repository's lists).

mod git;
mod issues;
mod releases;
mod repos;

use serde_json::{Value, json};

use super::model::{Access, Repo, World};
use super::server::{Answer, Req, Shared};

/// Answers `req`; `Err` is a refusal (also an answer).
pub(super) fn route(shared: &Shared, world: &mut World, req: &Req<'_>) -> Result<Answer, Answer> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["rate_limit"] => Ok(rate_limit(req)),
        ["orgs" | "users", owner, "repos"] => repos::of_owner(shared, world, req, owner),
        ["repos", owner, name, rest @ ..] => {
            let full = format!("{owner}/{name}");
            in_repo(shared, world, req, &full, rest)
        }
        ["repositories", id, rest @ ..] => {
            let full = id
                .parse::<u64>()
                .ok()
                .and_then(|id| world.repos.iter().find(|r| r.id == id))
                .map(Repo::full_name)
                .ok_or_else(Answer::not_found)?;
            in_repo(shared, world, req, &full, rest)
        }
        _ => Err(Answer::not_found()),
    }
}

/// A route under one repository, after the token was found to see it.
fn in_repo(shared: &Shared, world: &mut World, req: &Req<'_>, full: &str, rest: &[&str]) -> Result<Answer, Answer> {
    let visible = world
        .repo(full)
        .is_some_and(|repo| !repo.private || req.grant.as_ref().is_some_and(|grant| grant.reaches(&repo.full_name())));
    if !visible {
        return Err(Answer::not_found());
    }
    let full = world.repo(full).map(Repo::full_name).unwrap_or_default();
    match rest {
        [] => repos::get(shared, world, &full),
        ["releases", ..] | ["git", "refs", "tags", ..] => {
            req.may(|g| g.contents, req.needed())?;
            releases::route(shared, world, req, &full, rest)
        }
        ["commits", ..] | ["git", "matching-refs", ..] => {
            req.may(|g| g.contents, Access::Read)?;
            git::route(shared, world, req, &full, rest)
        }
        ["issues", ..] | ["labels", ..] => {
            req.may(|g| g.issues, req.needed())?;
            issues::route(shared, world, req, &full, rest)
        }
        ["environments", ..] | ["actions", ..] => {
            req.may(|g| g.actions, Access::Read)?;
            repos::actions(shared, world, req, &full, rest)
        }
        _ => Err(Answer::not_found()),
    }
}

fn rate_limit(req: &Req<'_>) -> Answer {
    let limit = req.grant.as_ref().map_or(60, |g| g.rate_limit);
    Answer::json(
        200,
        json!({ "resources": { "core": { "limit": limit } }, "rate": { "limit": limit } }),
    )
}

/// One page of `items` for `req`, with its `Link` header pointing at `path` (under the API).
pub(super) fn page(shared: &Shared, req: &Req<'_>, path: &str, items: Vec<Value>) -> (Vec<Value>, Option<String>) {
    let per_page = req
        .param("per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page = req
        .param("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let shown: Vec<Value> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    let others: String = req
        .query
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "page" | "per_page"))
        .map(|(name, value)| format!("{name}={value}&"))
        .collect();
    let url = |n: usize| format!("<{}{path}?{others}per_page={per_page}&page={n}>", shared.api());
    let mut links = Vec::new();
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    (shown, (!links.is_empty()).then(|| links.join(", ")))
}

/// A JSON array answer of one page of `items`.
pub(super) fn listed(shared: &Shared, req: &Req<'_>, path: &str, items: Vec<Value>) -> Answer {
    let (shown, link) = page(shared, req, path, items);
    with_link(Answer::json(200, Value::Array(shown)), link)
}

pub(super) fn with_link(answer: Answer, link: Option<String>) -> Answer {
    match link {
        Some(link) => answer.header("link", link),
        None => answer,
    }
}

/// `/repositories/{id}/{tail}`, the path GitHub's links use for a repository's lists.
pub(super) fn repo_path(world: &World, full: &str, tail: &str) -> String {
    let id = world.repo(full).map_or(0, |r| r.id);
    format!("/repositories/{id}/{tail}")
}

/// The repository `full` (which the caller knows exists).
pub(super) fn repo<'a>(world: &'a World, full: &str) -> Result<&'a Repo, Answer> {
    world.repo(full).ok_or_else(Answer::not_found)
}

pub(super) fn repo_mut<'a>(world: &'a mut World, full: &str) -> Result<&'a mut Repo, Answer> {
    world.repo_mut(full).ok_or_else(Answer::not_found)
}

/// The value of `field` in a JSON body as text.
pub(super) fn text(body: &Value, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_owned)
}
