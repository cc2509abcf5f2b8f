//! Flows: list, read and update; the chart per locale, nodes per locale (read and update); flow
//! settings (read and update), states and slot fillers (listed as index items, each read and updated
//! by id).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::{App, audited, checked, found, json_object, only, scoped, updatable};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::model::{Flow, Localized, Node, Project, SERVER_FIELDS, Updatable, id_of};
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::volatile::{preview, stamp_flow, stamped};
use crate::fake_cognigy::world::World;

/// Fields of a flow's list item.
const FLOW_INDEX_FIELDS: [&str; 9] = [
    "_id",
    "referenceId",
    "name",
    "description",
    "isTrainingOutOfDate",
    "createdAt",
    "lastChanged",
    "createdBy",
    "lastChangedBy",
];
/// Locale-independent node fields a chart's node list shows.
const NODE_INDEX_FIELDS: [&str; 9] = [
    "_id",
    "referenceId",
    "type",
    "analyticsLabel",
    "comment",
    "commentColor",
    "isEntryPoint",
    "isDisabled",
    "extension",
];

type S = State<Arc<Shared>>;
type T = Extension<Tick>;

pub fn routes(app: App) -> App {
    app.route("/flows", get(list))
        .route("/flows/{flow_id}", get(read).patch(update))
        .route("/flows/{flow_id}/chart", get(chart))
        .route("/flows/{flow_id}/chart/nodes/{node_id}", get(node).patch(update_node))
        .route("/flows/{flow_id}/settings", get(settings).patch(update_settings))
        .route(
            "/flows/{flow_id}/states",
            get(|s: S, t: T, p: Path<String>, q: Query<Params>| sub_list(Sub::States, s, t, p, q)),
        )
        .route(
            "/flows/{flow_id}/states/{id}",
            get(|s: S, t: T, p: Path<(String, String)>| sub_read(Sub::States, s, t, p))
                .patch(|s: S, p: Path<(String, String)>, b: Bytes| sub_update(Sub::States, s, p, b)),
        )
        .route(
            "/flows/{flow_id}/slotfillers",
            get(|s: S, t: T, p: Path<String>, q: Query<Params>| sub_list(Sub::SlotFillers, s, t, p, q)),
        )
        .route(
            "/flows/{flow_id}/slotfillers/{id}",
            get(|s: S, t: T, p: Path<(String, String)>| sub_read(Sub::SlotFillers, s, t, p))
                .patch(|s: S, p: Path<(String, String)>, b: Bytes| sub_update(Sub::SlotFillers, s, p, b)),
        )
}

/// The flow `id` and the project holding it (400 malformed, 404 in no project).
pub fn flow<'a>(world: &'a World, id: &str) -> ApiResult<(&'a Project, &'a Flow)> {
    let id = checked(id)?;
    found(world.find(|p| Some((p, p.flow(id)?))), "flow", id)
}

/// The locale a request asks for (`preferredLocaleId` or `localeId`), else the primary one.
pub fn locale(project: &Project, requested: Option<&str>) -> ApiResult<String> {
    match requested {
        None => Ok(project.primary_locale_id().to_owned()),
        Some(id) if project.has_locale(checked(id)?) => Ok(id.to_owned()),
        Some(id) => Err(ApiError::not_found("locale", id)),
    }
}

fn preferred(q: &Params) -> Option<&str> {
    q.get("preferredLocaleId").map(String::as_str)
}

fn pick(doc: &Value, fields: &[&str]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|f| Some(((*f).to_owned(), doc.get(*f)?.clone())))
        .collect()
}

fn flow_json(flow: &Flow, fields: Option<&[&str]>, tick: u64) -> Value {
    let mut doc = match fields {
        Some(fields) => Value::Object(pick(&flow.doc, fields)),
        None => flow.doc.clone(),
    };
    stamp_flow(&mut doc, tick);
    doc
}

async fn list(State(s): S, Extension(Tick(t)): T, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&scoped(&world, &q)?.project.flows, &q, |f| {
        flow_json(f, Some(&FLOW_INDEX_FIELDS), t)
    })
}

async fn read(
    State(s): S,
    Extension(Tick(t)): T,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    let (project, flow) = flow(&world, &id)?;
    let locale = locale(project, preferred(&q))?;
    let mut doc = flow_json(flow, None, t);
    doc["localeReference"] = json!(locale);
    Ok(Json(doc))
}

async fn update(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(
        &body,
        &[
            "name",
            "description",
            "localeId",
            "context",
            "attachedFlows",
            "attachedLexicons",
            "img",
        ],
    )?;
    let mut world = s.world();
    let (project, _) = flow(&world, &id)?;
    if let Some(l) = body.get("localeId") {
        locale(project, l.as_str())?;
    }
    let project_id = project.id().to_owned();
    let flow = world.find_mut(|p| p.flow_mut(&id)).expect("found above");
    for (key, value) in body.into_iter().filter(|(k, _)| k != "localeId") {
        flow.doc[key] = value;
    }
    audited(&mut world, &project_id, Change::new(Op::Patch, [("flow", id.as_str())]));
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn chart(State(s): S, Path(id): Path<String>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    let (project, flow) = flow(&world, &id)?;
    let locale = locale(project, preferred(&q))?;
    let nodes: Vec<Value> = flow
        .nodes
        .iter()
        .filter_map(|n| {
            let (_, data) = n.in_locale(&locale, project.primary_locale_id())?;
            let mut item = pick(&n.doc, &NODE_INDEX_FIELDS);
            item.insert("label".into(), json!(data.label));
            Some(Value::Object(item))
        })
        .collect();
    Ok(Json(
        json!({ "_id": flow.chart_id, "nodes": nodes, "relations": flow.relations }),
    ))
}

fn find_node<'a>(flow: &'a Flow, id: &str) -> ApiResult<&'a Node> {
    found(flow.node(checked(id)?), "node", id)
}

async fn node(
    State(s): S,
    Extension(Tick(t)): T,
    Path((flow_id, node_id)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    let (project, flow) = flow(&world, &flow_id)?;
    let node = find_node(flow, &node_id)?;
    let locale = locale(project, preferred(&q))?;
    let (locale, data) = found(
        node.in_locale(&locale, project.primary_locale_id()),
        "node localization",
        &locale,
    )?;
    let mut doc = node.doc.clone();
    doc["label"] = json!(data.label);
    doc["config"] = data.config.clone();
    doc["localeReference"] = json!(locale);
    doc["chartReference"] = json!(flow.chart_id);
    doc["preview"] = preview(&data.label, t);
    Ok(Json(doc))
}

async fn update_node(
    State(s): S,
    Path((flow_id, node_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut body = json_object(&body)?;
    only(
        &body,
        &[
            "comment",
            "commentColor",
            "config",
            "isDisabled",
            "isEntryPoint",
            "label",
            "localeId",
            "analyticsLabel",
            "preview",
        ],
    )?;
    let mut world = s.world();
    let (project, flow) = flow(&world, &flow_id)?;
    find_node(flow, &node_id)?;
    let requested = body.remove("localeId");
    let locale = locale(project, requested.as_ref().and_then(Value::as_str))?;
    let primary = project.primary_locale_id().to_owned();
    let (project_id, chart_id) = (project.id().to_owned(), flow.chart_id.clone());
    let node = world
        .find_mut(|p| p.flow_mut(&flow_id)?.node_mut(&node_id))
        .expect("found above");
    let mut data = node
        .in_locale(&locale, &primary)
        .map(|(_, d)| d.clone())
        .unwrap_or(Localized {
            label: String::new(),
            config: json!({}),
        });
    for (key, value) in body {
        match key.as_str() {
            "label" => data.label = value.as_str().unwrap_or_default().to_owned(),
            "config" => data.config = value,
            // Accepted (the typings allow it) but derived from the label on every read.
            "preview" => {}
            _ => node.doc[key] = value,
        }
    }
    node.localized.insert(locale, data);
    let chain = [("flow", flow_id.as_str()), ("chart", &chart_id), ("node", &node_id)];
    audited(&mut world, &project_id, Change::new(Op::Patch, chain));
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn settings(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let world = s.world();
    Ok(Json(stamped(&flow(&world, &id)?.1.settings, t)))
}

/// `Partial<Omit<IFlowSettings_2_0, keyof IEntityMeta>>`: the fields given replace the flow's.
async fn update_settings(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    updatable(&body, Updatable::AllBut(&SERVER_FIELDS))?;
    let mut world = s.world();
    let project_id = flow(&world, &id)?.0.id().to_owned();
    let flow = world.find_mut(|p| p.flow_mut(&id)).expect("found above");
    for (key, value) in body {
        flow.settings[key] = value;
    }
    let change = Change::new(Op::Patch, [("flow", id.as_str())]).then("flowSettings");
    audited(&mut world, &project_id, change);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A flow's states or slot fillers: a list of their index items, each read and updated by id.
#[derive(Debug, Clone, Copy)]
enum Sub {
    States,
    SlotFillers,
}

impl Sub {
    fn items(self, flow: &Flow) -> &[Value] {
        match self {
            Sub::States => &flow.states,
            Sub::SlotFillers => &flow.slot_fillers,
        }
    }

    fn items_mut(self, flow: &mut Flow) -> &mut Vec<Value> {
        match self {
            Sub::States => &mut flow.states,
            Sub::SlotFillers => &mut flow.slot_fillers,
        }
    }

    /// What a list item shows (`IFlowStateIndexItem_2_0`, `ISlotFillerIndexItem_2_0`): the rest is
    /// only in the read by id.
    fn index_fields(self) -> &'static [&'static str] {
        match self {
            Sub::States => &[
                "_id",
                "name",
                "referenceId",
                "isDefault",
                "createdAt",
                "lastChanged",
                "createdBy",
                "lastChangedBy",
            ],
            Sub::SlotFillers => &[
                "_id",
                "name",
                "type",
                "referenceId",
                "createdAt",
                "lastChanged",
                "createdBy",
                "lastChangedBy",
            ],
        }
    }

    /// The audit trail's element type.
    fn element_type(self) -> &'static str {
        match self {
            Sub::States => "flowState",
            Sub::SlotFillers => "slotFiller",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Sub::States => "flow state",
            Sub::SlotFillers => "slot filler",
        }
    }
}

async fn sub_list(
    sub: Sub,
    State(s): S,
    Extension(Tick(t)): T,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(sub.items(flow(&world, &id)?.1), &q, |d| {
        stamped(&Value::Object(pick(d, sub.index_fields())), t)
    })
}

async fn sub_read(
    sub: Sub,
    State(s): S,
    Extension(Tick(t)): T,
    Path((flow_id, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    let item = sub.items(flow(&world, &flow_id)?.1).iter().find(|d| id_of(d) == id);
    Ok(Json(stamped(found(item, sub.what(), checked(&id)?)?, t)))
}

/// `Partial<Omit<IFlowState_2_0, TReferenceAndEntityMetaKeys>>`, `Partial<Omit<ISlotFiller_2_0,
/// keyof IEntityMeta>>`: the fields given replace the item's.
async fn sub_update(
    sub: Sub,
    State(s): S,
    Path((flow_id, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = json_object(&body)?;
    updatable(&body, Updatable::AllBut(&SERVER_FIELDS))?;
    let mut world = s.world();
    let (project, flow_ref) = flow(&world, &flow_id)?;
    let project_id = project.id().to_owned();
    found(
        sub.items(flow_ref).iter().find(|d| id_of(d) == id),
        sub.what(),
        checked(&id)?,
    )?;
    let flow = world.find_mut(|p| p.flow_mut(&flow_id)).expect("found above");
    let item = sub
        .items_mut(flow)
        .iter_mut()
        .find(|d| id_of(d) == id)
        .expect("found above");
    for (key, value) in body {
        item[key] = value;
    }
    let chain = [("flow", flow_id.as_str()), (sub.element_type(), &id)];
    audited(&mut world, &project_id, Change::new(Op::Patch, chain));
    Ok(StatusCode::NO_CONTENT.into_response())
}
