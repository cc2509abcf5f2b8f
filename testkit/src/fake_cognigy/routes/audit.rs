//! The audit trail: `GET /auditevents?projectId=P&limit=&skip=&sort=timestamp:desc`, the typings'
//! `indexAuditEvents` (`/new/v2.0/auditevents`), paged like every list, newest first unless
//! `sort=timestamp:asc`; only that project's events that have not expired.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use serde_json::Value;

use super::{App, scoped};
use crate::fake_cognigy::server::Shared;
use crate::fake_cognigy::server::errors::{ApiError, ApiResult};
use crate::fake_cognigy::server::list::{Params, page};

pub fn routes(app: App) -> App {
    app.route("/auditevents", get(list))
}

async fn list(State(s): State<Arc<Shared>>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let world = s.world();
    let project = scoped(&world, &q)?.project.id();
    let mut events = world.audit_trail(project);
    match q.get("sort").map(String::as_str) {
        None | Some("timestamp:desc") => {}
        Some("timestamp:asc") => events.reverse(),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Cannot sort by '{other}': use timestamp:desc or timestamp:asc."
            )));
        }
    }
    page(&events, &q, |e| e.json.clone())
}
