//! The flat kinds (endpoints, AI agents, extensions, NLU connectors, functions, LLMs, knowledge
//! stores, playbooks, connections, milestones, AI copilot configs, handover providers):
//! `GET /<kind>?projectId=P`, `GET /<kind>/{id}`, and `PATCH` where the typings have one, taking
//! what their update body allows (an item by id in whichever project holds it).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::routing::get;
use serde_json::Value;

use super::{App, audited, checked, found, holder, json_object, scoped, updatable};
use crate::fake_cognigy::audit::diff::element_type;
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::model::{Kind, Updatable, id_of};
use crate::fake_cognigy::server::errors::ApiResult;
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::volatile::{stamp, stamp_endpoint, stamp_ingestion};

type S = State<Arc<Shared>>;
type T = Extension<Tick>;

pub fn routes(mut app: App) -> App {
    for kind in Kind::ALL {
        let one = get(move |s: S, t: T, p: Path<String>| read(kind, s, t, p));
        let one = match kind.updatable() {
            Updatable::Never => one,
            _ => one.patch(move |s: S, t: T, p: Path<String>, b: Bytes| update(kind, s, t, p, b)),
        };
        app = app
            .route(
                &format!("/{}", kind.path()),
                get(move |s: S, t: T, q: Query<Params>| list(kind, s, t, q)),
            )
            .route(&format!("/{}/{{id}}", kind.path()), one);
    }
    app
}

/// A document as the API shows it: list items without the detail-only fields, volatile fields stamped.
fn render(kind: Kind, doc: &Value, tick: u64, detail: bool) -> Value {
    let mut doc = doc.clone();
    if !detail && let Value::Object(fields) = &mut doc {
        fields.retain(|k, _| !kind.detail_only_fields().contains(&k.as_str()));
    }
    match kind {
        Kind::Endpoint => stamp_endpoint(&mut doc, tick),
        Kind::KnowledgeStore => stamp_ingestion(&mut doc, tick),
        _ => stamp(&mut doc, tick),
    }
    doc
}

async fn list(kind: Kind, State(s): S, Extension(Tick(t)): T, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(scoped(&world, &q)?.project.items(kind), &q, |d| {
        render(kind, d, t, false)
    })
}

async fn read(kind: Kind, State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let world = s.world();
    let id = checked(&id)?;
    let doc = world.find(|p| p.items(kind).iter().find(|d| id_of(d) == id));
    Ok(Json(render(kind, found(doc, kind.path(), id)?, t, true)))
}

async fn update(
    kind: Kind,
    State(s): S,
    Extension(Tick(t)): T,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let body = json_object(&body)?;
    updatable(&body, kind.updatable())?;
    let mut world = s.world();
    let id = checked(&id)?;
    let doc = found(world.find_mut(|p| p.item_mut(kind, id)), kind.path(), id)?;
    for (key, value) in body {
        doc[key] = value;
    }
    if let Some(Value::Object(transformer)) = doc.get_mut("transformer") {
        // Derived by the server from the source on every read.
        transformer.remove("transpiledTransformer");
    }
    let answer = render(kind, doc, t, true);
    let project_id = holder(&world, |p| p.items(kind).iter().any(|d| id_of(d) == id));
    audited(
        &mut world,
        &project_id,
        Change::new(Op::Patch, [(element_type(kind), id)]),
    );
    Ok(Json(answer))
}
