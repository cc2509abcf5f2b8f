//! A flow's intents per locale: the read-only `POST .../intents/export` and the multipart import
//! (a task that overwrites the locale's intents).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::{Value, json};

use super::flows::{flow, locale};
use super::{App, audited, json_object};
use crate::fake_cognigy::audit::{Change, Op};
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::multipart::Form;
use crate::fake_cognigy::server::{Shared, Tick};
use crate::fake_cognigy::tasks::Work;
use crate::fake_cognigy::volatile::stamped;

pub fn routes(app: App) -> App {
    app.route("/flows/{flow_id}/intents/export", post(export))
        .route("/flows/{flow_id}/intents/import", post(import))
}

async fn export(
    State(s): State<Arc<Shared>>,
    Extension(Tick(t)): Extension<Tick>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let body = if body.is_empty() {
        Default::default()
    } else {
        json_object(&body)?
    };
    if let Some(format) = body.get("format").and_then(Value::as_str).filter(|f| *f != "json") {
        return Err(ApiError::bad_request(format!(
            "The format '{format}' is not supported by this server; use 'json'."
        )));
    }
    let world = s.world();
    let (project, flow) = flow(&world, &id)?;
    let locale = locale(project, body.get("localeId").and_then(Value::as_str))?;
    let intents: Vec<Value> = flow
        .intents
        .get(&locale)
        .into_iter()
        .flatten()
        .map(|i| stamped(i, t))
        .collect();
    Ok(Json(Value::Array(intents)))
}

async fn import(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let form = Form::parse(&headers, &body)?;
    form.overwrite_mode()?;
    let intents = match serde_json::from_str(form.file_text("file")?) {
        Ok(Value::Array(intents)) => intents,
        _ => {
            return Err(ApiError::bad_request("The file must hold a JSON array of intents."));
        }
    };
    let mut world = s.world();
    let (project, _) = flow(&world, &id)?;
    let locale_id = locale(project, Some(form.text("localeId")?))?;
    let project_id = project.id().to_owned();
    audited(
        &mut world,
        &project_id,
        Change::new(Op::Action("importIntents"), [("flow", id.as_str())]),
    );
    let parameters = json!({ "flowId": id, "localeId": locale_id, "mode": "overwrite" });
    Ok(Json(world.start_task(
        Work::ImportIntents {
            flow_id: id,
            locale_id,
            intents,
        },
        parameters,
    )))
}
