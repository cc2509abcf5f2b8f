//! Issues (listed with `state` and `labels` filters, pull requests never among them here),
//! created and edited; labels, listed, read and created.

use serde_json::Value;

use super::{listed, repo, repo_mut, repo_path, text};
use crate::fake_github::model::{Issue, Label, World};
use crate::fake_github::server::{Answer, Req, Shared};

/// Who the fake says opened an issue.
const AUTHOR: &str = "github-actions[bot]";

pub(super) fn route(
    shared: &Shared,
    world: &mut World,
    req: &Req<'_>,
    full: &str,
    rest: &[&str],
) -> Result<Answer, Answer> {
    let (web, api) = (shared.web(), shared.api());
    match (req.method.as_str(), rest) {
        ("GET", ["issues"]) => {
            let state = req.param("state").unwrap_or("open");
            let wanted: Vec<&str> = req
                .param("labels")
                .map(|l| l.split(',').map(str::trim).filter(|l| !l.is_empty()).collect())
                .unwrap_or_default();
            let repo = repo(world, full)?;
            // Newest first, as GitHub sorts by default.
            let items: Vec<Value> = repo
                .issues
                .iter()
                .rev()
                .filter(|i| state == "all" || i.state == state)
                .filter(|i| {
                    wanted
                        .iter()
                        .all(|w| i.labels.iter().any(|l| l.eq_ignore_ascii_case(w)))
                })
                .map(|i| i.json(repo, &web, &api))
                .collect();
            Ok(listed(shared, req, &repo_path(world, full, "issues"), items))
        }
        ("POST", ["issues"]) => {
            let body = req.json_body()?;
            let title = text(&body, "title").ok_or_else(|| Answer::invalid("Issue", "title", "missing_field"))?;
            let labels = names(&body);
            let id = world.next_id();
            let now = super::super::now();
            for name in &labels {
                ensure_label(world, full, name)?;
            }
            let repo = repo_mut(world, full)?;
            let issue = Issue {
                id,
                number: repo.issues.len() as u64 + 1,
                title,
                body: text(&body, "body").unwrap_or_default(),
                state: "open".to_owned(),
                state_reason: None,
                labels,
                author: AUTHOR.to_owned(),
                created_at: now.clone(),
                updated_at: now,
            };
            repo.issues.push(issue.clone());
            Ok(Answer::json(201, issue.json(repo, &web, &api)))
        }
        ("GET", ["issues", number]) => {
            let repo = repo(world, full)?;
            let issue = repo.issues.iter().find(|i| i.number.to_string() == *number);
            Ok(Answer::json(
                200,
                issue.ok_or_else(Answer::not_found)?.json(repo, &web, &api),
            ))
        }
        ("PATCH", ["issues", number]) => {
            let body = req.json_body()?;
            if body.get("labels").is_some() {
                for name in names(&body) {
                    ensure_label(world, full, &name)?;
                }
            }
            let now = super::super::now();
            let repo = repo_mut(world, full)?;
            let issue = repo.issues.iter_mut().find(|i| i.number.to_string() == *number);
            let issue = issue.ok_or_else(Answer::not_found)?;
            if let Some(title) = text(&body, "title") {
                issue.title = title;
            }
            if let Some(text) = text(&body, "body") {
                issue.body = text;
            }
            if let Some(state) = text(&body, "state") {
                if !matches!(state.as_str(), "open" | "closed") {
                    return Err(Answer::invalid("Issue", "state", "invalid"));
                }
                issue.state_reason = match state.as_str() {
                    "closed" => Some(text(&body, "state_reason").unwrap_or_else(|| "completed".to_owned())),
                    _ => (issue.state == "closed").then(|| "reopened".to_owned()),
                };
                issue.state = state;
            }
            if body.get("labels").is_some() {
                issue.labels = names(&body);
            }
            issue.updated_at = now;
            let issue = issue.clone();
            let repo = repo_mut(world, full)?;
            Ok(Answer::json(200, issue.json(repo, &web, &api)))
        }
        ("GET", ["labels"]) => {
            let repo = repo(world, full)?;
            let items = repo.labels.iter().map(Label::json).collect();
            Ok(listed(shared, req, &repo_path(world, full, "labels"), items))
        }
        ("GET", ["labels", name]) => {
            let repo = repo(world, full)?;
            let label = repo.labels.iter().find(|l| l.name.eq_ignore_ascii_case(name));
            Ok(Answer::json(200, label.ok_or_else(Answer::not_found)?.json()))
        }
        ("POST", ["labels"]) => {
            let body = req.json_body()?;
            let name = text(&body, "name").ok_or_else(|| Answer::invalid("Label", "name", "missing_field"))?;
            if repo(world, full)?
                .labels
                .iter()
                .any(|l| l.name.eq_ignore_ascii_case(&name))
            {
                return Err(Answer::invalid("Label", "name", "already_exists"));
            }
            let id = world.next_id();
            let label = Label {
                id,
                name,
                color: text(&body, "color").unwrap_or_else(|| "ededed".to_owned()),
                description: text(&body, "description").unwrap_or_default(),
            };
            repo_mut(world, full)?.labels.push(label.clone());
            Ok(Answer::json(201, label.json()))
        }
        _ => Err(Answer::not_found()),
    }
}

/// The label names of a body's `labels` (names, or objects with a `name`).
fn names(body: &Value) -> Vec<String> {
    body.get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned).or_else(|| text(l, "name")))
        .collect()
}

/// GitHub creates a label that an issue names and the repository lacks.
fn ensure_label(world: &mut World, full: &str, name: &str) -> Result<(), Answer> {
    if repo(world, full)?
        .labels
        .iter()
        .any(|l| l.name.eq_ignore_ascii_case(name))
    {
        return Ok(());
    }
    let id = world.next_id();
    repo_mut(world, full)?.labels.push(Label {
        id,
        name: name.to_owned(),
        color: "ededed".to_owned(),
        description: String::new(),
    });
    Ok(())
}
