//! `GET /downloads/{token}`: what a download link gives, without the API key: a snapshot's `.csnap`
//! bytes (or, as configured, a short placeholder or a cut-short body) or a lexicon's CSV.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::found;
use crate::fake_cognigy::server::errors::ApiResult;
use crate::fake_cognigy::server::{Shared, body};
use crate::fake_cognigy::world::Download;

/// What a snapshot download answers while the package is still being written.
const PLACEHOLDER: &[u8] = b"CSNAP-PENDING";

pub async fn download(State(s): State<Arc<Shared>>, Path(token): Path<String>) -> ApiResult<Response> {
    let (response, cut) = answer(&s, &token)?;
    Ok(if cut { body::cut_short(response).await } else { response })
}

/// The response for `token`, and whether to cut it short.
fn answer(s: &Shared, token: &str) -> ApiResult<(Response, bool)> {
    let mut world = s.world();
    let what = found(world.downloads.get(token).cloned(), "download", token)?;
    let snapshot_id = match what {
        Download::Csv(text) => {
            let csv = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response();
            return Ok((csv, false));
        }
        Download::Snapshot(id) => id,
    };
    let snapshot = found(world.snapshot(&snapshot_id), "snapshot", &snapshot_id)?;
    let disposition = format!("attachment; filename=\"{}.csnap\"", snapshot.id);
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    let full = (headers.clone(), snapshot.content.clone()).into_response();
    if world.placeholders_left > 0 {
        world.placeholders_left -= 1;
        return Ok(((headers, PLACEHOLDER).into_response(), false));
    }
    let cut = world.cut_shorts_left > 0;
    world.cut_shorts_left = world.cut_shorts_left.saturating_sub(1);
    Ok((full, cut))
}
