//! Knowledge AI below a knowledge store: its sources (listed whole, read and updated by id) and each
//! source's chunks (listed), in whichever project holds the store.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::{App, audited, checked, found, holder, json_object, only};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::model::{KnowledgeSource, id_of};
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::volatile::{stamp_ingestion, stamped};
use crate::fake_cognigy::world::World;

type S = State<Arc<Shared>>;
type T = Extension<Tick>;

pub fn routes(app: App) -> App {
    app.route("/knowledgestores/{store_id}/sources", get(sources))
        .route(
            "/knowledgestores/{store_id}/sources/{source_id}",
            get(source).patch(update_source),
        )
        .route("/knowledgestores/{store_id}/sources/{source_id}/chunks", get(chunks))
}

/// The sources of knowledge store `id` (400 malformed, 404 in no project).
fn store_sources<'a>(world: &'a World, id: &str) -> ApiResult<&'a [KnowledgeSource]> {
    let id = checked(id)?;
    let store = world.find(|p| p.knowledge.get(id).map(Vec::as_slice));
    found(store, "knowledge store", id)
}

fn find_source<'a>(world: &'a World, store: &str, id: &str) -> ApiResult<&'a KnowledgeSource> {
    let sources = store_sources(world, store)?;
    found(
        sources.iter().find(|s| id_of(&s.doc) == id),
        "knowledge source",
        checked(id)?,
    )
}

fn rendered(source: &KnowledgeSource, tick: u64) -> Value {
    let mut doc = source.doc.clone();
    stamp_ingestion(&mut doc, tick);
    doc
}

/// `IKnowledgeSource_2_0`s, paged.
async fn sources(
    State(s): S,
    Extension(Tick(t)): T,
    Path(store): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(store_sources(&world, &store)?, &q, |source| rendered(source, t))
}

async fn source(
    State(s): S,
    Extension(Tick(t)): T,
    Path((store, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    Ok(Json(rendered(find_source(&world, &store, &id)?, t)))
}

/// `IUpdateKnowledgeSourceRestDataBody_2_0`: name, description, status (`ready`, `ingesting`,
/// `disabled`), data, and of `metaData` only the tags.
async fn update_source(State(s): S, Path((store, id)): Path<(String, String)>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(&body, &["name", "description", "status", "data", "metaData"])?;
    if let Some(meta) = body.get("metaData") {
        let meta = meta
            .as_object()
            .ok_or_else(|| ApiError::bad_request("metaData must be an object."))?;
        only(meta, &["tags"])?;
    }
    if let Some(status) = body.get("status")
        && !matches!(status.as_str(), Some("ready" | "ingesting" | "disabled"))
    {
        return Err(ApiError::bad_request(format!(
            "The status {status} is none of ready, ingesting, disabled."
        )));
    }
    let mut world = s.world();
    find_source(&world, &store, &id)?;
    let source = world.find_mut(|p| p.source_mut(&store, &id)).expect("found above");
    for (key, value) in body {
        match (key.as_str(), value) {
            ("metaData", Value::Object(meta)) => {
                for (field, value) in meta {
                    source.doc["metaData"][field] = value;
                }
            }
            (_, value) => source.doc[key] = value,
        }
    }
    let project_id = holder(&world, |p| p.knowledge.contains_key(&store));
    let chain = [("knowledgeStore", store.as_str()), ("knowledgeSource", &id)];
    audited(&mut world, &project_id, Change::new(Op::Patch, chain));
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `IKnowledgeChunk_2_0`s of a source, paged.
async fn chunks(
    State(s): S,
    Extension(Tick(t)): T,
    Path((store, id)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&find_source(&world, &store, &id)?.chunks, &q, |chunk| stamped(chunk, t))
}
