//! The HTTP side: every request goes through one handler that finds the API path (under the API
//! prefix, or the uploads prefix for asset uploads), authenticates the bearer token, spends the
//! token's rate-limit budget (`x-ratelimit-*` on every answer, a 403 once it is spent), applies an
//! injected fault, answers through [`super::routes`], and logs the request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::model::{Access, Grant, RequestRecord, World};
use super::routes;

/// State shared by every request.
pub(super) struct Shared {
    world: Mutex<World>,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// `""` like github.com, `/api/v3` like GitHub Enterprise Server.
    pub api_prefix: String,
    /// Where asset uploads go: `""` (the API's own paths) or `/api/uploads`.
    pub uploads_prefix: String,
    /// The Unix time at which every token's budget resets.
    pub reset_at: i64,
}

impl Shared {
    pub fn new(origin: String, enterprise: bool, reset_at: i64) -> Shared {
        let (api_prefix, uploads_prefix) = if enterprise {
            ("/api/v3", "/api/uploads")
        } else {
            ("", "")
        };
        Shared {
            world: Mutex::new(World::default()),
            origin,
            api_prefix: api_prefix.to_owned(),
            uploads_prefix: uploads_prefix.to_owned(),
            reset_at,
        }
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The API's base URL, as `github-api-url` is set.
    pub fn api(&self) -> String {
        format!("{}{}", self.origin, self.api_prefix)
    }

    /// The web host's URL (`html_url`s).
    pub fn web(&self) -> String {
        format!("{}/web", self.origin)
    }

    pub fn uploads(&self) -> String {
        format!("{}{}", self.origin, self.uploads_prefix)
    }
}

/// A request, decoded for the routes.
pub(super) struct Req<'a> {
    pub method: Method,
    /// The path's segments after the API prefix, percent-decoded.
    pub segments: Vec<String>,
    pub query: BTreeMap<String, String>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The authenticated token's grant; `None`: anonymous.
    pub grant: Option<Grant>,
}

impl Req<'_> {
    pub fn json_body(&self) -> Result<Value, Answer> {
        serde_json::from_slice(self.body).map_err(|_| Answer::error(400, "Problems parsing JSON"))
    }

    /// The query's value of `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// Whether the token may use `area` (`contents`, `issues`, `actions`) with `needed` access.
    pub fn may(&self, area: fn(&Grant) -> Access, needed: Access) -> Result<(), Answer> {
        match &self.grant {
            None if needed == Access::Read => Ok(()),
            None => Err(Answer::error(401, "Requires authentication")),
            Some(grant) if area(grant) >= needed => Ok(()),
            Some(_) => Err(Answer::error(403, "Resource not accessible by integration")),
        }
    }

    /// The access a read (GET) or a write (anything else) needs.
    pub fn needed(&self) -> Access {
        if self.method == Method::GET {
            Access::Read
        } else {
            Access::Write
        }
    }
}

/// What a route answers.
pub(super) struct Answer {
    pub status: u16,
    pub body: Option<(String, Vec<u8>)>,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn json(status: u16, value: Value) -> Answer {
        Answer {
            status,
            body: Some((
                "application/json; charset=utf-8".to_owned(),
                value.to_string().into_bytes(),
            )),
            headers: Vec::new(),
        }
    }

    pub fn empty(status: u16) -> Answer {
        Answer {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    pub fn bytes(content_type: &str, bytes: Vec<u8>) -> Answer {
        Answer {
            status: 200,
            body: Some((content_type.to_owned(), bytes)),
            headers: Vec::new(),
        }
    }

    /// GitHub's error body: `message`, `documentation_url`, `status`.
    pub fn error(status: u16, message: &str) -> Answer {
        Answer::json(
            status,
            json!({ "message": message, "documentation_url": "https://docs.github.com/rest", "status": status.to_string() }),
        )
    }

    /// 422 with one entry of `errors`, as GitHub answers a failed validation.
    pub fn invalid(resource: &str, field: &str, code: &str) -> Answer {
        Answer::json(
            422,
            json!({
                "message": "Validation Failed",
                "errors": [{ "resource": resource, "field": field, "code": code }],
                "documentation_url": "https://docs.github.com/rest", "status": "422",
            }),
        )
    }

    pub fn not_found() -> Answer {
        Answer::error(404, "Not Found")
    }

    pub fn header(mut self, name: &str, value: String) -> Answer {
        self.headers.push((name.to_owned(), value));
        self
    }
}

/// The one handler.
pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query_text = uri.query().unwrap_or_default().to_owned();
    let token = bearer(&headers);
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (answer, budget) = answer(&shared, &method, &path, &query_text, &headers, &body, token.as_deref());
    shared.world().log.push(RequestRecord {
        method: method.to_string(),
        path,
        query: query_text,
        status: answer.status,
        token,
        accept: text(header::ACCEPT),
        content_type: text(header::CONTENT_TYPE),
        body: body.to_vec(),
    });
    render(answer, budget, shared.reset_at)
}

/// `(limit, used)` of the token's budget after this request.
type Budget = Option<(u32, u32)>;

fn answer(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    token: Option<&str>,
) -> (Answer, Budget) {
    let Some(segments) = api_segments(shared, path) else {
        return (Answer::not_found(), None);
    };
    let mut world = shared.world();
    let (grant, budget) = match token {
        None => (None, None),
        Some(token) => match world.tokens.get_mut(token) {
            None => return (Answer::error(401, "Bad credentials"), None),
            Some(entry) => {
                let limit = entry.grant.rate_limit;
                if segments.first().map(String::as_str) != Some("rate_limit") {
                    if entry.used >= limit {
                        let message = "API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.";
                        return (Answer::error(403, message), Some((limit, entry.used)));
                    }
                    entry.used += 1;
                }
                (Some(entry.grant.clone()), Some((limit, entry.used)))
            }
        },
    };
    let rest = segments.join("/");
    if let Some(at) = world
        .faults
        .iter()
        .position(|f| f.method.eq_ignore_ascii_case(method.as_str()) && rest.contains(&f.path_contains))
    {
        let fault = world.faults.remove(at);
        return (Answer::error(fault.status, &fault.message), budget);
    }
    let request = Req {
        method: method.clone(),
        segments,
        query: url_query(query),
        headers,
        body,
        grant,
    };
    let answer = routes::route(shared, &mut world, &request).unwrap_or_else(|refused| refused);
    (answer, budget)
}

/// The path's segments after the API (or uploads) prefix; `None` outside both.
fn api_segments(shared: &Shared, path: &str) -> Option<Vec<String>> {
    let rest = [&shared.api_prefix, &shared.uploads_prefix]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix.as_str()).filter(|r| r.starts_with('/')))?;
    Some(rest.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("token "))?;
    Some(token.trim().to_owned())
}

fn url_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(&value.replace('+', " ")))
        })
        .collect()
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn render(answer: Answer, budget: Budget, reset_at: i64) -> Response {
    let mut response = match answer.body {
        Some((content_type, bytes)) => {
            let mut response = Response::new(Body::from(bytes));
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        None => Response::new(Body::empty()),
    };
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        "x-github-media-type",
        HeaderValue::from_static("github.v3; format=json"),
    );
    if let Some((limit, used)) = budget {
        for (name, value) in [
            ("x-ratelimit-limit", limit.to_string()),
            ("x-ratelimit-remaining", limit.saturating_sub(used).to_string()),
            ("x-ratelimit-used", used.to_string()),
            ("x-ratelimit-reset", reset_at.to_string()),
            ("x-ratelimit-resource", "core".to_owned()),
        ] {
            headers.insert(name, HeaderValue::from_str(&value).expect("numbers are header values"));
        }
    }
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}
