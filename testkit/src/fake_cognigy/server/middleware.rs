//! The middleware every request passes: recording (and rendering error bodies), latency, the
//! fixed-window rate limit, injected faults, and the API key / `Accept` / GET-body guard.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::{Shared, Tick, body};
use crate::fake_cognigy::options::{FaultKind, RateLimit, RetryAfter};
use crate::fake_cognigy::routes::DOWNLOADS;
use crate::fake_cognigy::world::RequestRecord;

/// The largest JSON request body Cognigy takes (its documented 60 kB).
pub const MAX_JSON_BODY: usize = 60_000;

/// Marks a response whose connection is dropped unanswered (logged with status 0).
#[derive(Debug, Clone, Copy)]
struct Dropped;

/// Numbers the request, renders an [`ApiError`] into its body, and logs the request.
pub async fn record(State(shared): State<Arc<Shared>>, mut request: Request, next: Next) -> Response {
    let arrived = Instant::now();
    let tick = shared.next_tick();
    request.extensions_mut().insert(tick);
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        response = render(error, response, &path, tick);
    }
    let status = if response.extensions().get::<Dropped>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    shared.world().log.push(RequestRecord {
        method,
        path,
        query,
        status,
        arrived,
    });
    response
}

fn render(error: ApiError, response: Response, path: &str, Tick(tick): Tick) -> Response {
    let (mut parts, _) = response.into_parts();
    let body = error.body(path, &format!("fake-{tick:016x}"));
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(body.to_string()))
}

/// Sleeps the configured latency (a timer, so other requests go on meanwhile).
pub async fn latency(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !shared.options.latency.is_zero() {
        tokio::time::sleep(shared.options.latency).await;
    }
    next.run(request).await
}

/// Answers 429 with `Retry-After` once the window's budget is spent.
pub async fn rate_limit(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if let Some(limit) = shared.options.rate_limit {
        let wait = admit(&mut shared.world().window, limit, Instant::now());
        if let Some(wait) = wait {
            let detail = format!(
                "Rate limit of {} requests per {:?} exceeded.",
                limit.requests, limit.window
            );
            let mut response = ApiError::plain(StatusCode::TOO_MANY_REQUESTS, detail).into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after(limit.retry_after, wait));
            return response;
        }
    }
    next.run(request).await
}

/// Counts a request into the window; answers how long until the window ends if it is full.
fn admit(window: &mut Option<(Instant, u32)>, limit: RateLimit, now: Instant) -> Option<Duration> {
    let (start, count) = match *window {
        Some((start, count)) if now < start + limit.window => (start, count),
        _ => (now, 0),
    };
    if count >= limit.requests {
        *window = Some((start, count));
        return Some(start + limit.window - now);
    }
    *window = Some((start, count + 1));
    None
}

fn retry_after(form: RetryAfter, wait: Duration) -> HeaderValue {
    let value = match form {
        RetryAfter::Seconds => wait.as_secs_f64().ceil().max(1.0).to_string(),
        // HTTP dates have whole seconds: round up so the date is never before the window's end.
        RetryAfter::HttpDate => httpdate::fmt_http_date(SystemTime::now() + wait + Duration::from_secs(1)),
    };
    HeaderValue::from_str(&value).expect("a number or an HTTP date is a valid header value")
}

/// Applies the first injected fault matching the request.
pub async fn faults(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let fault = shared
        .world()
        .take_fault(request.method().as_str(), request.uri().path());
    match fault {
        None => next.run(request).await,
        Some(FaultKind::Status(status, shape)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ApiError::plain(status, "Injected fault.")
                .with_shape(shape)
                .into_response()
        }
        Some(FaultKind::DropConnection) => {
            let mut response = body::dropped();
            response.extensions_mut().insert(Dropped);
            response
        }
        Some(FaultKind::CutShortBody) => body::cut_short(next.run(request).await).await,
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(FaultKind::SlowBody(pause)) => body::slow(next.run(request).await, pause).await,
    }
}

/// 401 without the right `X-API-Key` (download links excepted: they carry their own token), 406
/// under the API prefix without `Accept: application/json`; 403 for a GET or HEAD with a body; 413
/// for a JSON body over [`MAX_JSON_BODY`].
///
/// The 406 stands for what the real API does without that header: its documented default media
/// type is `application/hal+json`, whose list items may carry their id only in `_links`. The
/// official client sends `Accept: application/json` on every request, JSON and uploads alike.
pub async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !request.uri().path().starts_with(DOWNLOADS) {
        let key = headers.get("x-api-key").and_then(|k| k.to_str().ok());
        if key != Some(shared.options.api_key.as_str()) {
            return refused_unread(ApiError::plain(
                StatusCode::UNAUTHORIZED,
                "A valid API key is required in the X-API-Key header.",
            ));
        }
        if request.uri().path().starts_with(shared.options.prefix.as_str()) && !accepts_json(headers) {
            return refused_unread(ApiError::plain(
                StatusCode::NOT_ACCEPTABLE,
                "Send 'Accept: application/json': without it this API answers application/hal+json.",
            ));
        }
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|l| l.to_str().ok()?.parse::<u64>().ok());
    let has_body = headers.contains_key(header::TRANSFER_ENCODING) || length.is_some_and(|l| l > 0);
    if has_body && (request.method() == Method::GET || request.method() == Method::HEAD) {
        return refused_unread(ApiError::plain(
            StatusCode::FORBIDDEN,
            "GET and HEAD requests must not carry a body.",
        ));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if json && length.is_some_and(|l| l > MAX_JSON_BODY as u64) {
        return refused_unread(ApiError::plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The JSON body exceeds the limit of {MAX_JSON_BODY} bytes."),
        ));
    }
    next.run(request).await
}

/// A refusal sent before the request's body is read. The connection cannot carry another request
/// then, so the answer says so: else a client reuses it and its next body meets a closed socket.
fn refused_unread(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

/// 403 or 404 for the routes of a feature the options switch off, as a platform without it (or a
/// key whose licence or role lacks it) answers.
pub async fn features(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let off = path.strip_prefix(shared.options.prefix.as_str()).and_then(|path| {
        shared
            .options
            .unavailable
            .iter()
            .find(|(feature, _)| feature.covers(path))
    });
    match off {
        Some((feature, 403)) => ApiError::plain(
            StatusCode::FORBIDDEN,
            format!("Your licence or role does not include {feature:?}."),
        )
        .into_response(),
        Some((feature, status)) => ApiError::plain(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::NOT_FOUND),
            format!("{feature:?} is not available on this platform."),
        )
        .into_response(),
        None => next.run(request).await,
    }
}

/// Whether the `Accept` header names `application/json` (with or without parameters).
fn accepts_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| range.split(';').next().map(str::trim) == Some("application/json"))
}
