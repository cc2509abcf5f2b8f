//! Releases, their assets (uploaded with `?name=` to the release's `upload_url`) and the tags a
//! release deletes with it.

use serde_json::Value;

use super::{listed, repo, repo_mut, repo_path, text};
use crate::fake_github::model::{Asset, Release, World};
use crate::fake_github::server::{Answer, Req, Shared};

pub(super) fn route(
    shared: &Shared,
    world: &mut World,
    req: &Req<'_>,
    full: &str,
    rest: &[&str],
) -> Result<Answer, Answer> {
    let method = req.method.as_str();
    match (method, rest) {
        ("GET", ["releases"]) => {
            let repo = repo(world, full)?;
            let (web, api, uploads) = (shared.web(), shared.api(), shared.uploads());
            // Newest first, as GitHub lists them.
            let items: Vec<Value> = repo
                .releases
                .iter()
                .rev()
                .map(|r| r.json(repo, &web, &api, &uploads))
                .collect();
            Ok(listed(shared, req, &repo_path(world, full, "releases"), items))
        }
        ("POST", ["releases"]) => create(shared, world, req, full),
        ("GET", ["releases", "assets", id]) => {
            let repo = repo(world, full)?;
            let (release, asset) = repo
                .releases
                .iter()
                .find_map(|r| Some((r, r.assets.iter().find(|a| a.id.to_string() == *id)?)))
                .ok_or_else(Answer::not_found)?;
            let wants_bytes = req
                .headers
                .get("accept")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("application/octet-stream"));
            Ok(if wants_bytes {
                Answer::bytes(&asset.content_type, asset.bytes.clone())
            } else {
                Answer::json(200, asset.json(repo, release, &shared.web(), &shared.api()))
            })
        }
        ("GET", ["releases", id]) => {
            let repo = repo(world, full)?;
            let release = repo.releases.iter().find(|r| r.id.to_string() == *id);
            let release = release.ok_or_else(Answer::not_found)?;
            Ok(Answer::json(
                200,
                release.json(repo, &shared.web(), &shared.api(), &shared.uploads()),
            ))
        }
        ("DELETE", ["releases", id]) => {
            let repo = repo_mut(world, full)?;
            let before = repo.releases.len();
            repo.releases.retain(|r| r.id.to_string() != *id);
            if repo.releases.len() == before {
                return Err(Answer::not_found());
            }
            Ok(Answer::empty(204))
        }
        ("GET", ["releases", id, "assets"]) => {
            let repo = repo(world, full)?;
            let release = repo.releases.iter().find(|r| r.id.to_string() == *id);
            let release = release.ok_or_else(Answer::not_found)?;
            let items = release
                .assets
                .iter()
                .map(|a| a.json(repo, release, &shared.web(), &shared.api()))
                .collect();
            Ok(listed(
                shared,
                req,
                &repo_path(world, full, &format!("releases/{id}/assets")),
                items,
            ))
        }
        ("POST", ["releases", id, "assets"]) => upload(shared, world, req, full, id),
        ("DELETE", ["git", "refs", "tags", tag @ ..]) => {
            let tag = tag.join("/");
            if repo_mut(world, full)?.tags.remove(&tag) {
                Ok(Answer::empty(204))
            } else {
                Err(Answer::error(422, "Reference does not exist"))
            }
        }
        _ => Err(Answer::not_found()),
    }
}

fn create(shared: &Shared, world: &mut World, req: &Req<'_>, full: &str) -> Result<Answer, Answer> {
    let body = req.json_body()?;
    let tag = text(&body, "tag_name").ok_or_else(|| Answer::invalid("Release", "tag_name", "missing_field"))?;
    let id = world.next_id();
    let created_at = super::super::now();
    let repo = repo_mut(world, full)?;
    if repo.releases.iter().any(|r| r.tag == tag) {
        return Err(Answer::invalid("Release", "tag_name", "already_exists"));
    }
    let release = Release {
        id,
        tag: tag.clone(),
        name: text(&body, "name"),
        target_commitish: text(&body, "target_commitish").unwrap_or_else(|| repo.default_branch.clone()),
        body: text(&body, "body").unwrap_or_default(),
        created_at,
        assets: Vec::new(),
    };
    repo.tags.insert(tag);
    repo.releases.push(release.clone());
    let repo = &*repo;
    Ok(Answer::json(
        201,
        release.json(repo, &shared.web(), &shared.api(), &shared.uploads()),
    ))
}

fn upload(shared: &Shared, world: &mut World, req: &Req<'_>, full: &str, id: &str) -> Result<Answer, Answer> {
    let name = req
        .param("name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Answer::invalid("ReleaseAsset", "name", "missing_field"))?
        .to_owned();
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let asset_id = world.next_id();
    let repo = repo_mut(world, full)?;
    let release = repo.releases.iter_mut().find(|r| r.id.to_string() == id);
    let release = release.ok_or_else(Answer::not_found)?;
    if release.assets.iter().any(|a| a.name == name) {
        return Err(Answer::invalid("ReleaseAsset", "name", "already_exists"));
    }
    let asset = Asset {
        id: asset_id,
        name,
        content_type,
        bytes: req.body.to_vec(),
    };
    release.assets.push(asset.clone());
    let release = release.clone();
    let repo = repo_mut(world, full)?;
    Ok(Answer::json(
        201,
        asset.json(repo, &release, &shared.web(), &shared.api()),
    ))
}
