//! Native snapshots: list and read (`createdAt` in Unix seconds, as the typings' `TTimestamp`);
//! create, package, delete, upload and restore (each a task; a restore names its project in the
//! body); the download link (409 until the package is ready). A snapshot belongs to the project it was created
//! or uploaded in; a restore replaces that project's state and no other's.
//!
//! The cap, per project: with 10 snapshots (existing, being created or being uploaded) a create or
//! upload is refused with **400 Bad Request**, Cognigy code 1005 (invalid argument), detail naming
//! the limit; a duplicate name in the project is refused with **409 Conflict**, code 1004.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{App, audited, checked, found, json_object, named, only, scoped};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::server::Shared;
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::multipart::Form;
use crate::fake_cognigy::snapshots::{MAX_SNAPSHOTS, Snapshot};
use crate::fake_cognigy::tasks::Work;
use crate::fake_cognigy::world::{Download, World};

type S = State<Arc<Shared>>;

pub fn routes(app: App) -> App {
    app.route("/snapshots", get(list).post(create))
        .route("/snapshots/upload", post(upload))
        .route("/snapshots/{snapshot_id}", get(read).delete(delete))
        .route("/snapshots/{snapshot_id}/package", post(package))
        .route("/snapshots/{snapshot_id}/downloadlink", post(download_link))
        .route("/snapshots/{snapshot_id}/restore", post(restore))
}

fn snapshot<'a>(world: &'a World, id: &str) -> ApiResult<&'a Snapshot> {
    found(world.snapshot(checked(id)?), "snapshot", id)
}

/// 400 when project `project_id` already holds the maximum number of snapshots.
fn below_cap(world: &World, project_id: &str) -> ApiResult<()> {
    if world.snapshot_count(project_id) >= MAX_SNAPSHOTS {
        return Err(ApiError::bad_request(format!(
            "The maximum amount of {MAX_SNAPSHOTS} snapshots per project has been reached. Delete a snapshot first."
        )));
    }
    Ok(())
}

async fn list(State(s): S, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&scoped(&world, &q)?.snapshots, &q, Snapshot::json)
}

async fn read(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(snapshot(&s.world(), &id)?.json()))
}

async fn create(State(s): S, body: Bytes) -> ApiResult<Json<Value>> {
    let body = json_object(&body)?;
    only(&body, &["projectId", "name", "description"])?;
    let mut world = s.world();
    let project_id = named(&world, body.get("projectId").and_then(Value::as_str))?
        .project
        .id()
        .to_owned();
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("name"))?;
    if world.snapshot_name_taken(&project_id, name) {
        return Err(ApiError::conflict(format!(
            "A snapshot named '{name}' already exists in this project."
        )));
    }
    below_cap(&world, &project_id)?;
    let description = body
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let parameters = json!({ "projectId": project_id, "name": name, "description": description });
    let change = Change::new(Op::Action("createSnapshot"), [("project", project_id.as_str())]);
    audited(&mut world, &project_id, change);
    let work = Work::CreateSnapshot {
        project_id,
        name: name.to_owned(),
        description,
    };
    Ok(Json(world.start_task(work, parameters)))
}

/// Starts a task on an existing snapshot, recorded in its project's audit trail as `op`.
fn snapshot_task(s: &Shared, id: &str, op: Op, work: fn(String) -> Work) -> ApiResult<Json<Value>> {
    let mut world = s.world();
    snapshot(&world, id)?;
    let project_id = world
        .snapshot_holder(id)
        .map(|h| h.project.id().to_owned())
        .unwrap_or_default();
    audited(&mut world, &project_id, Change::new(op, [("snapshot", id)]));
    Ok(Json(world.start_task(work(id.to_owned()), json!({ "snapshotId": id }))))
}

async fn package(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    snapshot_task(&s, &id, Op::Action("packageSnapshot"), |id| Work::PackageSnapshot {
        id,
    })
}

async fn delete(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    snapshot_task(&s, &id, Op::Delete, |id| Work::DeleteSnapshot { id })
}

/// The body names the project restored into (`{ "projectId": ... }`, which current Cognigy requires;
/// the 0.19 client sent none): missing 400, and a snapshot of another project 400 too.
async fn restore(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Json<Value>> {
    let body = json_object(&body)?;
    only(&body, &["projectId"])?;
    {
        let world = s.world();
        let project_id = named(&world, body.get("projectId").and_then(Value::as_str))?
            .project
            .id();
        let holder = world.snapshot_holder(checked(&id)?).map(|h| h.project.id());
        if holder.is_some_and(|holder| holder != project_id) {
            return Err(ApiError::bad_request(format!(
                "The snapshot '{id}' belongs to another project than '{project_id}': upload its package into that project first."
            )));
        }
    }
    snapshot_task(&s, &id, Op::Action("restoreSnapshot"), |id| Work::RestoreSnapshot {
        id,
    })
}

async fn download_link(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let mut world = s.world();
    if !snapshot(&world, &id)?.is_packaged() {
        return Err(ApiError::conflict(
            "The snapshot is not packaged yet: package it and wait for the task to finish.",
        ));
    }
    let token = world.download_token(Download::Snapshot(id));
    Ok(Json(json!({ "downloadLink": s.download_link(&token) })))
}

async fn upload(State(s): S, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Value>> {
    let form = Form::parse(&headers, &body)?;
    let mut world = s.world();
    let project_id = named(&world, form.optional_text("projectId"))?.project.id().to_owned();
    below_cap(&world, &project_id)?;
    let bytes = form.file("file")?.to_vec();
    let parameters = json!({ "projectId": project_id });
    let change = Change::new(Op::Action("uploadSnapshotPackage"), [("project", project_id.as_str())]);
    audited(&mut world, &project_id, change);
    Ok(Json(
        world.start_task(Work::UploadSnapshot { project_id, bytes }, parameters),
    ))
}
