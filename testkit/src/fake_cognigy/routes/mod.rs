//! The API's routes, one module per area, and the helpers they share: id checks, project scoping,
//! JSON bodies. A route scoped by `projectId` acts on that project; a route naming a resource by its
//! id acts on whichever project holds it.

mod audit;
mod downloads;
mod flows;
mod intents;
mod knowledge;
mod lexicons;
mod project;
mod resources;
mod snapshots;
mod tasks;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::routing::get;
use serde_json::Value;

use super::audit::{API_KEY_USER, Change};
use super::hosted::Hosted;
use super::model::Updatable;
use super::rng::is_object_id;
use super::server::Shared;
use super::server::errors::{ApiError, ApiResult};
use super::server::list::Params;
use super::world::World;

/// Download links live under this root path, outside the API prefix and without the key.
pub const DOWNLOADS: &str = "/downloads/";

type App = Router<Arc<Shared>>;

/// Every route under the API prefix.
pub fn api() -> App {
    let app = Router::new();
    let app = project::routes(app);
    let app = flows::routes(app);
    let app = intents::routes(app);
    let app = lexicons::routes(app);
    let app = resources::routes(app);
    let app = knowledge::routes(app);
    let app = tasks::routes(app);
    let app = audit::routes(app);
    snapshots::routes(app)
}

/// `app` plus the download links and a 404 for everything else.
pub fn root(app: App) -> App {
    app.route(&format!("{DOWNLOADS}{{token}}"), get(downloads::download))
        .fallback(|| async { ApiError::new(axum::http::StatusCode::NOT_FOUND, 1002, "No such route.") })
}

/// Records in the audit trail of project `project_id` that the API key's user made `change` (one
/// event per request, as Cognigy records them).
fn audited(world: &mut World, project_id: &str, change: Change) {
    world.audit(project_id, API_KEY_USER, &change);
}

/// The id of the project holding what `holds` finds (empty if none).
fn holder(world: &World, holds: impl Fn(&super::model::Project) -> bool) -> String {
    world.find(|p| holds(p).then(|| p.id().to_owned())).unwrap_or_default()
}

/// `id` if it is a well-formed Mongo id, else 400.
fn checked(id: &str) -> ApiResult<&str> {
    if is_object_id(id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(format!("'{id}' is not a valid id.")))
    }
}

/// 404 for a missing `what` named `id`.
fn found<T>(item: Option<T>, what: &str, id: &str) -> ApiResult<T> {
    item.ok_or_else(|| ApiError::not_found(what, id))
}

/// The project a request is scoped to by its `projectId` query parameter, see [`named`].
fn scoped<'a>(world: &'a World, params: &Params) -> ApiResult<&'a Hosted> {
    named(world, params.get("projectId").map(String::as_str))
}

/// The project `id` names: missing 400, malformed 400, unknown 404.
fn named<'a>(world: &'a World, id: Option<&str>) -> ApiResult<&'a Hosted> {
    let id = id.ok_or_else(|| ApiError::missing("projectId"))?;
    found(world.hosted(checked(id)?), "project", id)
}

/// The request body as a JSON object (400 otherwise).
fn json_object(body: &Bytes) -> ApiResult<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request("The body must be a JSON object.")),
    }
}

/// 400 if `body` holds a key that `allowed` leaves out (a request body's fields, or what an update
/// of a kind may carry).
fn updatable(body: &serde_json::Map<String, Value>, allowed: Updatable) -> ApiResult<()> {
    let refused = body.keys().find(|key| match allowed {
        Updatable::Only(fields) => !fields.contains(&key.as_str()),
        Updatable::AllBut(fields) => fields.contains(&key.as_str()),
        Updatable::Never => true,
    });
    match refused {
        Some(key) => Err(ApiError::bad_request(format!(
            "The property '{key}' is not allowed here."
        ))),
        None => Ok(()),
    }
}

/// 400 if `body` holds a key outside `allowed`.
fn only(body: &serde_json::Map<String, Value>, allowed: &'static [&'static str]) -> ApiResult<()> {
    updatable(body, Updatable::Only(allowed))
}
