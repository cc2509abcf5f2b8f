//! `GET /tasks/{id}`: each call is one poll that moves the task along.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::Value;

use super::{App, checked, found};
use crate::fake_cognigy::server::Shared;
use crate::fake_cognigy::server::errors::ApiResult;

pub fn routes(app: App) -> App {
    app.route("/tasks/{task_id}", get(poll))
}

async fn poll(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let task = s.world().poll_task(checked(&id)?, s.options.task_polls);
    Ok(Json(found(task, "task", &id)?))
}
