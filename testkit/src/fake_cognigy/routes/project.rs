//! A project: its document, settings (read and update), snippets (listed, created and deleted: they
//! have no read by id and no update), contact-profile schema (read and set), and its
//! locales (listed, read and updated) with their yes/no intents (read and updated).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use serde_json::Value;

use super::{App, audited, checked, found, holder, json_object, named, only, scoped, updatable};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::model::{Project, SERVER_FIELDS, Updatable, id_of};
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::volatile::stamped;
use crate::fake_cognigy::world::World;

type S = State<Arc<Shared>>;
type T = Extension<Tick>;

/// The three intents of a locale's yes/no intents.
const YES_NO: [&str; 3] = ["yesIntent", "noIntent", "rejectIntent"];

pub fn routes(app: App) -> App {
    app.route("/projects/{project_id}", get(project))
        .route("/projects/{project_id}/settings", get(settings).patch(update_settings))
        .route("/projects/{project_id}/snippets", get(snippets).post(create_snippet))
        .route(
            "/projects/{project_id}/snippets/{snippet_id}",
            axum::routing::delete(delete_snippet),
        )
        .route(
            "/profiles/schema/{project_id}",
            get(profile_schema).put(set_profile_schema),
        )
        .route("/locales", get(locales))
        .route("/locales/{locale_id}", get(locale).patch(update_locale))
        .route("/locales/{locale_id}/yesnointents", get(yes_no_intents))
        .route(
            "/locales/{locale_id}/yesnointents/{intent_id}",
            patch(update_yes_no_intent),
        )
}

/// Something of project `id`, after checking the id.
fn read(shared: &Shared, id: &str, tick: u64, pick: fn(&Project) -> &Value) -> ApiResult<Json<Value>> {
    let world = shared.world();
    let hosted = named(&world, Some(id))?;
    Ok(Json(stamped(pick(&hosted.project), tick)))
}

async fn project(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    read(&s, &id, t, |p| &p.doc)
}

async fn settings(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    read(&s, &id, t, |p| &p.settings)
}

/// The contact-profile schema (`GET /profiles/schema/{projectId}`).
async fn profile_schema(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    read(&s, &id, t, |p| &p.profile_schema)
}

/// `RecursivePartial<Omit<IAgentSettings_2_0, keyof IEntityMeta>>`: merged into the settings at
/// every depth.
async fn update_settings(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    updatable(&body, Updatable::AllBut(&SERVER_FIELDS))?;
    let mut world = s.world();
    named(&world, Some(&id))?;
    let hosted = world.hosted_mut(&id).expect("found above");
    merge(&mut hosted.project.settings, Value::Object(body));
    audited(
        &mut world,
        &id,
        Change::new(Op::Patch, [("projectsettings", id.as_str())]),
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                merge(into.entry(key).or_insert(Value::Null), value);
            }
        }
        (into, from) => *into = from,
    }
}

/// `ISnippetIndexItem_2_0`s, paged: the whole snippet (there is no read by id).
async fn snippets(
    State(s): S,
    Extension(Tick(t)): T,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&named(&world, Some(&id))?.project.snippets, &q, |d| stamped(d, t))
}

/// The snippet types of the typings (`snippetTypes`).
const SNIPPET_TYPES: [&str; 7] = [
    "profile",
    "input",
    "context",
    "custom",
    "answer",
    "flow-output",
    "flow-input",
];

/// `ICreateSnippetRestDataBody_2_0` (`Partial<Omit<ISnippet_2_0, keyof IEntityMeta>>`): a label,
/// a type and a script, and optionally the `referenceId` the flows resolve it by (400 when another
/// snippet of the project has it). Answers the snippet with its new `_id` and meta.
async fn create_snippet(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Json<Value>> {
    let body = json_object(&body)?;
    only(&body, &["label", "type", "script", "referenceId"])?;
    let text = |field: &str| body.get(field).and_then(Value::as_str);
    if text("label").is_none_or(str::is_empty) || text("script").is_none() {
        return Err(ApiError::bad_request("A snippet needs a label and a script (strings)."));
    }
    if !text("type").is_some_and(|t| SNIPPET_TYPES.contains(&t)) {
        return Err(ApiError::bad_request(format!(
            "The type must be one of {}.",
            SNIPPET_TYPES.join(", ")
        )));
    }
    let mut world = s.world();
    named(&world, Some(&id))?;
    let hosted = world.hosted_mut(&id).expect("found above");
    let project = &mut hosted.project;
    let reference = match text("referenceId") {
        Some(reference) if project.snippets.iter().any(|s| s["referenceId"] == reference) => {
            return Err(ApiError::bad_request(format!(
                "A snippet with the referenceId {reference} exists in this project."
            )));
        }
        Some(reference) => reference.to_owned(),
        None => project.rng.uuid(),
    };
    let now = crate::fake_cognigy::world::now();
    let mut snippet = Value::Object(body);
    snippet["_id"] = Value::from(project.rng.object_id());
    snippet["referenceId"] = Value::from(reference);
    for field in ["createdAt", "lastChanged"] {
        snippet[field] = Value::from(now);
    }
    for field in ["createdBy", "lastChangedBy"] {
        snippet[field] = Value::from(crate::fake_cognigy::generate::CREATOR);
    }
    project.snippets.push(snippet.clone());
    audited(&mut world, &id, Change::new(Op::Create, [("snippet", id_of(&snippet))]));
    Ok(Json(snippet))
}

/// `IDeleteSnippetRestData_2_0`: 404 when the project has no such snippet.
async fn delete_snippet(State(s): S, Path((id, snippet)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    let mut world = s.world();
    named(&world, Some(&id))?;
    let snippet = checked(&snippet)?.to_owned();
    let hosted = world.hosted_mut(&id).expect("found above");
    let snippets = &mut hosted.project.snippets;
    let before = snippets.len();
    snippets.retain(|s| id_of(s) != snippet);
    if snippets.len() == before {
        return Err(ApiError::not_found("snippet", &snippet));
    }
    audited(
        &mut world,
        &id,
        Change::new(Op::Delete, [("snippet", snippet.as_str())]),
    );
    Ok(Json(Value::Object(serde_json::Map::new())))
}

/// `ISetProfileSchemaRestDataBody_2_0`: the custom fields (`details`, each a display name, a
/// reference name and a type); the `schema` follows from them (the built-in fields stay).
async fn set_profile_schema(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(&body, &["details"])?;
    let entry_ok = |d: &Value| {
        d.as_object().is_some_and(|d| {
            d.keys().all(|k| ["field", "internal", "type"].contains(&k.as_str()))
                && d.get("field").is_some_and(Value::is_string)
                && d.get("internal").and_then(Value::as_str).is_some_and(|i| !i.is_empty())
                && d.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| ["string", "object", "number", "boolean"].contains(&t))
        })
    };
    let Some(details) = body
        .get("details")
        .and_then(Value::as_array)
        .filter(|d| d.iter().all(entry_ok))
    else {
        return Err(ApiError::bad_request(
            "details must be an array of { field, internal, type } with a type of string, object, number or boolean.",
        ));
    };
    let mut world = s.world();
    named(&world, Some(&id))?;
    let schema = &mut world.hosted_mut(&id).expect("found above").project.profile_schema;
    let old: Vec<Value> = schema["details"].as_array().cloned().unwrap_or_default();
    if let Some(fields) = schema["schema"].as_object_mut() {
        for detail in &old {
            fields.remove(detail["internal"].as_str().unwrap_or_default());
        }
        for detail in details {
            fields.insert(
                detail["internal"].as_str().unwrap_or_default().to_owned(),
                detail["type"].clone(),
            );
        }
    }
    schema["details"] = Value::Array(details.clone());
    audited(
        &mut world,
        &id,
        Change::new(Op::Replace, [("profileSchema", id.as_str())]),
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn locales(State(s): S, Extension(Tick(t)): T, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    page(&scoped(&world, &q)?.project.locales, &q, |l| stamped(l, t))
}

/// The locale `id` and the project holding it.
fn find_locale<'a>(world: &'a World, id: &str) -> ApiResult<(&'a Project, &'a Value)> {
    let id = checked(id)?;
    found(
        world.find(|p| Some((p, p.locales.iter().find(|l| id_of(l) == id)?))),
        "locale",
        id,
    )
}

async fn locale(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let world = s.world();
    Ok(Json(stamped(find_locale(&world, &id)?.1, t)))
}

/// `IUpdateLocaleRestDataBody_2_0` (`Partial<Omit<ILocale_2_0, "primary" |
/// "fallbackLocaleReference" | keyof IEntityMeta>>`): its name and NLU language; never `primary`
/// nor the fallback locale.
async fn update_locale(State(s): S, Path(id): Path<String>, body: Bytes) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(&body, &["name", "nluLanguage"])?;
    let mut world = s.world();
    find_locale(&world, &id)?;
    let locale = world
        .find_mut(|p| p.locales.iter_mut().find(|l| id_of(l) == id))
        .expect("found above");
    for (key, value) in body {
        locale[key] = value;
    }
    let project_id = holder(&world, |p| p.has_locale(&id));
    audited(
        &mut world,
        &project_id,
        Change::new(Op::Patch, [("locale", id.as_str())]),
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `IYesNoIntentItem_2_0` of a locale (not paged).
async fn yes_no_intents(State(s): S, Extension(Tick(t)): T, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let world = s.world();
    let (project, _) = find_locale(&world, &id)?;
    let intents = found(project.yes_no_intents.get(&id), "yes/no intents of locale", &id)?;
    Ok(Json(stamped(intents, t)))
}

/// `IUpdateYesNoIntentRestBody_2_0`: an intent's rules and whether it is disabled.
async fn update_yes_no_intent(
    State(s): S,
    Path((locale_id, intent_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = json_object(&body)?;
    only(&body, &["rules", "isDisabled"])?;
    if body
        .get("rules")
        .is_some_and(|r| !r.as_array().is_some_and(|r| r.iter().all(Value::is_string)))
    {
        return Err(ApiError::bad_request("The rules must be an array of strings."));
    }
    if body.get("isDisabled").is_some_and(|d| !d.is_boolean()) {
        return Err(ApiError::bad_request("isDisabled must be a boolean."));
    }
    let mut world = s.world();
    find_locale(&world, &locale_id)?;
    checked(&intent_id)?;
    let intent = world.find_mut(|p| {
        let intents = p.yes_no_intents.get_mut(&locale_id)?;
        let intents = intents.as_object_mut()?;
        intents
            .iter_mut()
            .filter(|(k, _)| YES_NO.contains(&k.as_str()))
            .map(|(_, v)| v)
            .find(|v| id_of(v) == intent_id)
    });
    let intent = found(intent, "yes/no intent", &intent_id)?;
    for (key, value) in body {
        intent[key] = value;
    }
    let project_id = holder(&world, |p| p.has_locale(&locale_id));
    let chain = [("locale", locale_id.as_str()), ("yesNoIntent", &intent_id)];
    audited(&mut world, &project_id, Change::new(Op::Patch, chain));
    Ok(StatusCode::NO_CONTENT.into_response())
}
