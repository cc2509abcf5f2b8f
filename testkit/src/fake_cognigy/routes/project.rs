//! A project, its settings and its locales.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::routing::get;
use serde_json::Value;

use super::{App, named, scoped};
use crate::fake_cognigy::model::Project;
use crate::fake_cognigy::server::errors::ApiResult;
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::volatile::stamped;

pub fn routes(app: App) -> App {
    app.route("/projects/{project_id}", get(project))
        .route("/projects/{project_id}/settings", get(settings))
        .route("/locales", get(locales))
}

/// The project's document or its settings, after checking the id.
fn read(shared: &Shared, id: &str, tick: u64, pick: fn(&Project) -> &Value) -> ApiResult<Json<Value>> {
    let world = shared.world();
    let hosted = named(&world, Some(id))?;
    Ok(Json(stamped(pick(&hosted.project), tick)))
}

async fn project(
    State(s): State<Arc<Shared>>,
    Extension(Tick(t)): Extension<Tick>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    read(&s, &id, t, |p| &p.doc)
}

async fn settings(
    State(s): State<Arc<Shared>>,
    Extension(Tick(t)): Extension<Tick>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    read(&s, &id, t, |p| &p.settings)
}

async fn locales(
    State(s): State<Arc<Shared>>,
    Extension(Tick(t)): Extension<Tick>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&scoped(&world, &q)?.project.locales, &q, |l| stamped(l, t))
}
