//! Lexicons: list, read and update (name, description), paged keyphrases, the keyphrase CSV export (task, then a download link)
//! and the multipart CSV import (task).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{App, audited, checked, found, holder, json_object, only, scoped};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::csv;
use crate::fake_cognigy::model::Lexicon;
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::multipart::Form;
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::tasks::Work;
use crate::fake_cognigy::volatile::stamped;
use crate::fake_cognigy::world::{Download, World};

type S = State<Arc<Shared>>;

pub fn routes(app: App) -> App {
    app.route("/lexicons", get(list))
        .route("/lexicons/{lexicon_id}", get(read).patch(update))
        .route("/lexicons/{lexicon_id}/keyphrases", get(keyphrases))
        .route("/lexicons/{lexicon_id}/export", get(export))
        .route("/lexicons/{lexicon_id}/downloadlink", post(download_link))
        .route("/lexicons/{lexicon_id}/import", post(import))
}

/// The lexicon `id`, in whichever project holds it (400 malformed, 404 in none).
fn lexicon<'a>(world: &'a World, id: &str) -> ApiResult<&'a Lexicon> {
    let id = checked(id)?;
    found(world.find(|p| p.lexicon(id)), "lexicon", id)
}

async fn list(State(s): S, Extension(Tick(t)): Extension<Tick>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&scoped(&world, &q)?.project.lexicons, &q, |l| stamped(&l.doc, t))
}

/// `IReadLexiconRestReturnValue_2_0`: the lexicon with `isPackedForDownload` (true once a keyphrase
/// export was made: the backup's own export flips it) and, unless `metaOnly=true`, the deprecated
/// `values` (every keyphrase).
async fn read(
    State(s): S,
    Extension(Tick(t)): Extension<Tick>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    let lexicon = lexicon(&world, &id)?;
    let mut doc = stamped(&lexicon.doc, t);
    doc["isPackedForDownload"] = json!(world.lexicon_exports.contains_key(lexicon.id()));
    if q.get("metaOnly").map(String::as_str) != Some("true") {
        doc["values"] = lexicon.keyphrases.iter().map(|k| json!(k.value)).collect();
    }
    Ok(Json(doc))
}

/// `Partial<Omit<ILexicon_2_0, keyof IEntityMeta>>`: its name and description.
async fn update(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(&body, &["name", "description"])?;
    let mut world = s.world();
    lexicon(&world, &id)?;
    let lexicon = world.find_mut(|p| p.lexicon_mut(&id)).expect("found above");
    for (key, value) in body {
        lexicon.doc[key] = value;
    }
    let project_id = holder(&world, |p| p.lexicon(&id).is_some());
    audited(
        &mut world,
        &project_id,
        Change::new(Op::Patch, [("lexicon", id.as_str())]),
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn keyphrases(State(s): S, Path(id): Path<String>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(
        &lexicon(&world, &id)?.keyphrases,
        &q,
        |k| json!({ "_id": k.id, "value": k.value, "isMainKeyphrase": true, "lexiconEntryReference": k.id }),
    )
}

async fn export(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let mut world = s.world();
    lexicon(&world, &id)?;
    let parameters = json!({ "lexiconId": id });
    Ok(Json(
        world.start_task(Work::ExportLexicon { lexicon_id: id }, parameters),
    ))
}

async fn download_link(State(s): S, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let mut world = s.world();
    lexicon(&world, &id)?;
    let csv = world.lexicon_exports.get(&id).cloned();
    let csv = csv.ok_or_else(|| {
        ApiError::conflict("No finished keyphrase export for this lexicon: start one and wait for its task.")
    })?;
    let token = world.download_token(Download::Csv(csv));
    Ok(Json(json!({ "downloadLink": s.download_link(&token) })))
}

async fn import(State(s): S, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Value>> {
    let form = Form::parse(&headers, &body)?;
    form.overwrite_mode()?;
    let text = form.file_text("file")?;
    let mut world = s.world();
    lexicon(&world, &id)?;
    let holder = world
        .find_mut(|p| p.lexicon(&id).is_some().then_some(p))
        .expect("found above");
    let keyphrases = csv::read(text, || holder.rng.object_id()).map_err(ApiError::bad_request)?;
    let project_id = holder.id().to_owned();
    let change = Change::new(Op::Action("importIntoLexicon"), [("lexicon", id.as_str())]);
    audited(&mut world, &project_id, change);
    let parameters = json!({ "lexiconId": id, "mode": "overwrite" });
    Ok(Json(world.start_task(
        Work::ImportLexicon {
            lexicon_id: id,
            keyphrases,
        },
        parameters,
    )))
}
