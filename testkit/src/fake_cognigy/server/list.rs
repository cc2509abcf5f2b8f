//! Paged list answers `{items,total,nextCursor,previousCursor}`: `limit` (default 25, clamped to
//! 1..=100), `skip`, and the opaque `next`/`previous` cursors the answers hand out.

use std::collections::HashMap;

use axum::Json;
use serde_json::{Value, json};

use super::errors::{ApiError, ApiResult};

/// Query parameters of a request.
pub type Params = HashMap<String, String>;

pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;

/// The page of `items` the query asks for, each rendered with `render`.
pub fn page<T>(items: &[T], params: &Params, render: impl FnMut(&T) -> Value) -> ApiResult<Json<Value>> {
    let limit = match params.get("limit") {
        Some(l) => number("limit", l)?.clamp(1, MAX_LIMIT),
        None => DEFAULT_LIMIT,
    };
    let skip = match (params.get("next"), params.get("previous"), params.get("skip")) {
        (Some(cursor), _, _) | (None, Some(cursor), _) => decode_cursor(cursor)?,
        (None, None, Some(skip)) => number("skip", skip)?,
        (None, None, None) => 0,
    };
    let total = items.len();
    let shown: Vec<Value> = items.iter().skip(skip).take(limit).map(render).collect();
    let end = skip + shown.len();
    Ok(Json(json!({
        "items": shown,
        "total": total,
        "nextCursor": (end < total).then(|| encode_cursor(end)),
        "previousCursor": (skip > 0).then(|| encode_cursor(skip.saturating_sub(limit))),
    })))
}

fn number(name: &str, value: &str) -> ApiResult<usize> {
    value
        .parse()
        .map_err(|_| ApiError::bad_request(format!("'{name}' must be a non-negative integer, not '{value}'.")))
}

fn encode_cursor(skip: usize) -> String {
    format!("cur{skip:08x}")
}

fn decode_cursor(cursor: &str) -> ApiResult<usize> {
    cursor
        .strip_prefix("cur")
        .and_then(|hex| usize::from_str_radix(hex, 16).ok())
        .ok_or_else(|| ApiError::bad_request(format!("Invalid cursor '{cursor}'.")))
}
