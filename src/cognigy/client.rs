//! The Cognigy REST client: `X-API-Key` auth, `Accept: application/json` on every API request (as
//! the official client sends it: the API's default media type is HAL, whose list items may carry
//! their id only in `_links`), one rate limiter and one concurrency cap for the whole run, retries
//! per [`retry`](super::retry), typed errors per [`error`](super::error), and request statistics for
//! the summary. Bodies are JSON or `multipart/form-data` (the uploads of a restore).
//!
//! Redirects are followed here, per [`redirect`](super::redirect): the key goes only to the API's
//! own origin, and an API request sent on to another origin fails naming where. An ordinary request
//! must be answered whole within [`Timeouts::request`]; a transfer (an upload of a file, a download)
//! only fails once no byte moved for [`Timeouts::stall`] ([`transfer`](super::transfer)).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, Url};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::error::{ApiProblem, Error, RequestInfo, TRANSPORT_HINT, hint_for_status};
use super::limiter::RateLimiter;
use super::redirect::{self, MAX_REDIRECTS};
use super::transfer::{self, Progress};
use crate::action::config::CognigyConfig;
use crate::retry::{RetryPolicy, parse_retry_after, retryable_status};
use crate::secrets::Secret;

/// Connection timeouts: generous for a slow API, bounded so a dead host fails the run.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// How long requests may take (see [`Timeouts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// An ordinary request (a JSON answer, at most 60 kB in) is answered whole within this.
    pub request: Duration,
    /// A transfer (a file uploaded, a link downloaded: a snapshot package is up to 256 MB) fails
    /// once no byte has moved for this long, however long it takes in all.
    pub stall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            request: Duration::from_secs(120),
            stall: Duration::from_secs(120),
        }
    }
}

/// May this request be sent again after a failure whose effect is unknown?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads (and read-only POSTs), and writes whose repetition changes nothing more (a PATCH with
    /// the same body, an import that overwrites): retried on connection errors, 408, 429 and 5xx.
    Safe,
    /// Creates something: retried only when the server certainly did not act on it (429, or no
    /// connection at all). Otherwise the caller must look it up before trying again.
    Creates,
}

/// One request, described for sending and for error messages.
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Body>,
    resource: String,
    about_project: bool,
    repeat: Repeat,
}

impl Call {
    /// A GET of `path` (relative to the API prefix, e.g. `flows/{id}/chart`) reading `resource`.
    pub fn get(resource: impl Into<String>, path: impl Into<String>) -> Self {
        Call::new(Method::GET, resource, path, None)
    }

    /// A POST with a JSON body.
    pub fn post(resource: impl Into<String>, path: impl Into<String>, body: Value) -> Self {
        Call::new(Method::POST, resource, path, Some(Body::Json(body)))
    }

    /// A PATCH with a JSON body.
    pub fn patch(resource: impl Into<String>, path: impl Into<String>, body: Value) -> Self {
        Call::new(Method::PATCH, resource, path, Some(Body::Json(body)))
    }

    /// A POST with a `multipart/form-data` body of `parts`, in order.
    pub fn post_form(resource: impl Into<String>, path: impl Into<String>, parts: Vec<FormPart>) -> Self {
        Call::new(Method::POST, resource, path, Some(Body::Form(parts)))
    }

    /// A PUT: replaces what is at `path` with `body`.
    pub fn put(resource: impl Into<String>, path: impl Into<String>, body: Value) -> Self {
        Call::new(Method::PUT, resource, path, Some(Body::Json(body)))
    }

    /// A DELETE.
    pub fn delete(resource: impl Into<String>, path: impl Into<String>) -> Self {
        Call::new(Method::DELETE, resource, path, None)
    }

    fn new(method: Method, resource: impl Into<String>, path: impl Into<String>, body: Option<Body>) -> Self {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            body,
            resource: resource.into(),
            about_project: false,
            repeat: Repeat::Safe,
        }
    }

    pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// Errors of this request are about the project itself (a 404 means a wrong project id).
    pub fn about_project(mut self) -> Self {
        self.about_project = true;
        self
    }

    /// This request creates something (see [`Repeat::Creates`]).
    pub fn creates(mut self) -> Self {
        self.repeat = Repeat::Creates;
        self
    }

    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Whether the body uploads a file: a transfer, bounded by its progress.
    fn uploads(&self) -> bool {
        matches!(&self.body, Some(Body::Form(parts)) if parts.iter().any(|part| part.file.is_some()))
    }
}

/// A request body.
#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    /// Kept as parts, not as reqwest's form: sending consumes a form, and every attempt needs one.
    Form(Vec<FormPart>),
}

/// One part of a `multipart/form-data` body: a named text field, or a file with its name and type.
#[derive(Clone)]
pub struct FormPart {
    name: String,
    /// File name and media type; `None` for a text field.
    file: Option<(String, &'static str)>,
    /// Shared, so that cloning a call does not copy a package.
    bytes: Arc<[u8]>,
}

impl FormPart {
    /// A text field.
    pub fn text(name: &str, value: impl Into<String>) -> Self {
        FormPart {
            name: name.to_owned(),
            file: None,
            bytes: value.into().into_bytes().into(),
        }
    }

    /// A file upload (servers take a part as a file only when it carries a file name).
    pub fn file(name: &str, file_name: &str, media_type: &'static str, bytes: Vec<u8>) -> Self {
        FormPart {
            name: name.to_owned(),
            file: Some((file_name.to_owned(), media_type)),
            bytes: bytes.into(),
        }
    }

    /// The part for one attempt; a file's bytes record their progress in `progress`.
    fn to_part(&self, progress: &Arc<Progress>) -> reqwest::multipart::Part {
        match &self.file {
            None => reqwest::multipart::Part::bytes(self.bytes.to_vec()),
            Some((file_name, media_type)) => {
                let body = transfer::upload_body(self.bytes.clone(), progress.clone());
                reqwest::multipart::Part::stream_with_length(body, self.bytes.len() as u64)
                    .file_name(file_name.clone())
                    .mime_str(media_type)
                    .expect("the media types of uploads are valid constants")
            }
        }
    }
}

/// Names and sizes only: a file's bytes would flood a log.
impl std::fmt::Debug for FormPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("file", &self.file)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A fresh form of `parts`, for one attempt.
fn form(parts: &[FormPart], progress: &Arc<Progress>) -> reqwest::multipart::Form {
    parts.iter().fold(reqwest::multipart::Form::new(), |form, part| {
        form.part(part.name.clone(), part.to_part(progress))
    })
}

/// A response read to its end.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Counters of what the client did, for the summary and the benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    sent: AtomicU64,
    retried: AtomicU64,
    rate_limited: AtomicU64,
    bytes: AtomicU64,
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsReport {
    /// Requests sent, every attempt counted.
    pub sent: u64,
    /// Attempts that were repeats of a failed one.
    pub retried: u64,
    /// 429 answers received.
    pub rate_limited: u64,
    /// Response body bytes received.
    pub bytes: u64,
}

impl Stats {
    pub fn report(&self) -> StatsReport {
        StatsReport {
            sent: self.sent.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    /// Base URL + prefix, ending in `/`.
    api_root: Url,
    key: Secret,
    project_id: String,
    limiter: RateLimiter,
    in_flight: Semaphore,
    concurrency: usize,
    policy: RetryPolicy,
    timeouts: Timeouts,
    stats: Stats,
}

/// One request as it is sent, each attempt anew.
struct Exchange<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Body>,
    /// A link Cognigy handed out: it may lead to another origin, which then gets no key.
    download: bool,
    /// Bounded by progress rather than by [`Timeouts::request`].
    transfer: bool,
}

/// Why an attempt got no usable answer.
enum Failure {
    Transport(reqwest::Error),
    /// No byte moved for this long.
    Stalled(Duration),
    /// An API request was redirected to this origin.
    Redirected(String),
    TooManyRedirects,
}

impl Client {
    pub fn new(config: &CognigyConfig) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(crate::tls::client_config().map_err(Error::Setup)?)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cognigy-backup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Setup(error_chain(&e)))?;
        let mut api_root = config.base_url.clone();
        let path = format!("{}{}/", api_root.path().trim_end_matches('/'), config.api_prefix);
        api_root.set_path(&path);
        Ok(Client {
            http,
            api_root,
            key: config.api_key.clone(),
            project_id: config.project_id.clone(),
            limiter: RateLimiter::new(config.requests_per_second),
            in_flight: Semaphore::new(config.concurrency),
            concurrency: config.concurrency,
            policy: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            stats: Stats::default(),
        })
    }

    /// How many requests may be in flight at once (the `concurrency` input).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Replaces the time bounds (tests use short ones).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Replaces the retry bounds (tests use short ones).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    pub fn stats(&self) -> StatsReport {
        self.stats.report()
    }

    /// Sends `call` and reads its JSON answer (`null` for an empty body, as some PATCHes give).
    pub async fn json(&self, call: Call) -> Result<Value, Error> {
        let info = self.describe(&call);
        let response = self.send(call).await?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&response.body).map_err(|e| Error::Unexpected {
            request: info,
            what: format!("the body is not JSON ({e})"),
        })
    }

    /// Sends `call` and answers the whole response.
    pub async fn send(&self, call: Call) -> Result<Response, Error> {
        let exchange = Exchange {
            method: call.method.clone(),
            url: self.url(&call),
            body: call.body.as_ref(),
            download: false,
            transfer: call.uploads(),
        };
        self.attempt_loop(&self.describe(&call), call.repeat, call.about_project, &exchange)
            .await
    }

    /// Downloads a link Cognigy handed out (`downloadLink`). The API key goes along only when the
    /// link points at the API's own host; other hosts (signed storage URLs) get no key. Neither the
    /// link's query nor the key ever appears in an error.
    pub async fn download(&self, resource: &str, link: &str) -> Result<Response, Error> {
        let url = Url::parse(link)
            .or_else(|_| self.api_root.join(link))
            .map_err(|e| Error::Unexpected {
                request: RequestInfo {
                    resource: resource.to_owned(),
                    request: "downloadLink".to_owned(),
                },
                what: format!("the download link is not a URL ({e})"),
            })?;
        let info = RequestInfo {
            resource: resource.to_owned(),
            request: format!("GET {}", url.path()),
        };
        let exchange = Exchange {
            method: Method::GET,
            url,
            body: None,
            download: true,
            transfer: true,
        };
        self.attempt_loop(&info, Repeat::Safe, false, &exchange).await
    }

    fn url(&self, call: &Call) -> Url {
        let mut url = self
            .api_root
            .join(call.path.trim_start_matches('/'))
            .expect("API paths are relative URLs");
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter());
        }
        url
    }

    /// What `call` is, as its errors name it: the resource, the method and the path (never the key).
    pub fn describe(&self, call: &Call) -> RequestInfo {
        let url = self.url(call);
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        RequestInfo {
            resource: call.resource.clone(),
            request: format!("{} {}{query}", call.method, url.path()),
        }
    }

    /// The retry loop shared by every request: one permit of the concurrency cap and one slot of the
    /// rate limit per attempt, then retry or fail per the policy.
    async fn attempt_loop(
        &self,
        info: &RequestInfo,
        repeat: Repeat,
        about_project: bool,
        exchange: &Exchange<'_>,
    ) -> Result<Response, Error> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 {
                self.stats.retried.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = {
                let _permit = self.in_flight.acquire().await.expect("the semaphore is never closed");
                self.limiter.acquire().await;
                self.stats.sent.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let outcome = self.exchange(exchange).await;
                match &outcome {
                    Ok(response) => tracing::debug!(
                        "{info}: HTTP {} in {:?} (attempt {attempt})",
                        response.status,
                        sent.elapsed()
                    ),
                    Err(_) => tracing::debug!("{info}: no answer after {:?} (attempt {attempt})", sent.elapsed()),
                }
                outcome
            };
            if matches!(&outcome, Ok(response) if response.status != 429) {
                self.limiter.answered();
            }
            let (wait, failure) = match outcome {
                Ok(response) if (200..300).contains(&response.status) => {
                    self.stats
                        .bytes
                        .fetch_add(response.body.len() as u64, Ordering::Relaxed);
                    return Ok(response);
                }
                Ok(response) => {
                    let status = response.status;
                    let failure = Error::Api {
                        status,
                        problem: Box::new(ApiProblem::parse(&response.body)),
                        request: info.clone(),
                        hint: hint_for_status(status, about_project),
                    };
                    let may_repeat = retryable_status(status) && (repeat == Repeat::Safe || status == 429);
                    if !may_repeat {
                        tracing::debug!("{info}: not retried, HTTP {status} is final for this request");
                        return Err(failure);
                    }
                    let retry_after = response
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    if status == 429 {
                        self.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                        let wait = retry_after.unwrap_or_else(|| self.policy.backoff(attempt));
                        self.limiter.rate_limited(wait);
                        (wait, failure)
                    } else {
                        (retry_after.unwrap_or_else(|| self.policy.backoff(attempt)), failure)
                    }
                }
                Err(Failure::Redirected(to)) => {
                    return Err(Error::Redirected {
                        request: info.clone(),
                        to,
                    });
                }
                Err(Failure::TooManyRedirects) => {
                    return Err(Error::Unexpected {
                        request: info.clone(),
                        what: format!("it was redirected more than {MAX_REDIRECTS} times"),
                    });
                }
                // Whether the server may have acted on it: a connection that never opened is safe to
                // repeat even for a request that creates something.
                Err(Failure::Transport(e)) => {
                    if crate::tls::is_untrusted_certificate(&e) {
                        // No retry mends a certificate the runner does not trust.
                        return Err(Error::Transport {
                            request: info.clone(),
                            reason: error_chain(&e),
                            hint: crate::tls::UNTRUSTED_HINT,
                        });
                    }
                    self.no_answer(info, error_chain(&e), !e.is_connect(), repeat, attempt)?
                }
                Err(Failure::Stalled(stall)) => {
                    let reason = format!("no byte moved for {stall:?}");
                    self.no_answer(info, reason, true, repeat, attempt)?
                }
            };
            if attempt >= self.policy.max_attempts || start.elapsed() + wait > self.policy.deadline {
                tracing::debug!("{info}: not retried, out of attempts or time after attempt {attempt}");
                return Err(failure);
            }
            tracing::debug!("{info}: attempt {attempt} failed ({failure}); retrying in {wait:?}");
            tokio::time::sleep(wait).await;
        }
    }
}

impl Client {
    /// A request that got no answer: the wait before the next attempt and the error, or the error
    /// at once when the request creates something and may have reached the server.
    fn no_answer(
        &self,
        info: &RequestInfo,
        reason: String,
        reached: bool,
        repeat: Repeat,
        attempt: u32,
    ) -> Result<(Duration, Error), Error> {
        let failure = Error::Transport {
            request: info.clone(),
            reason,
            hint: TRANSPORT_HINT,
        };
        if repeat == Repeat::Creates && reached {
            return Err(failure);
        }
        Ok((self.policy.backoff(attempt), failure))
    }

    /// One attempt of `exchange`: sent, its redirects followed, its body read whole. A transfer is
    /// bounded by its progress, anything else by [`Timeouts::request`].
    async fn exchange(&self, exchange: &Exchange<'_>) -> Result<Response, Failure> {
        let progress = Progress::new();
        let attempt = self.follow(exchange, &progress);
        if exchange.transfer {
            transfer::bounded(attempt, &progress, self.timeouts.stall)
                .await
                .map_err(Failure::Stalled)?
        } else {
            attempt.await
        }
    }

    /// Sends the request and follows its redirects: with the key only to the API's own origin, and
    /// to another origin only for a download.
    async fn follow(&self, exchange: &Exchange<'_>, progress: &Arc<Progress>) -> Result<Response, Failure> {
        let (mut method, mut url, mut body) = (exchange.method.clone(), exchange.url.clone(), exchange.body);
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .request(&method, &url, body, exchange, progress)
                .send()
                .await
                .map_err(Failure::Transport)?;
            progress.moved();
            let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok());
            let Some(hop) = redirect::next(response.status().as_u16(), location, &url, &method) else {
                return read_response(response, progress).await.map_err(Failure::Transport);
            };
            if !exchange.download && hop.url.origin() != self.api_root.origin() {
                return Err(Failure::Redirected(redirect::origin(&hop.url)));
            }
            if !hop.keeps_body {
                body = None;
            }
            (method, url) = (hop.method, hop.url);
        }
        Err(Failure::TooManyRedirects)
    }

    fn request(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Body>,
        exchange: &Exchange<'_>,
        progress: &Arc<Progress>,
    ) -> reqwest::RequestBuilder {
        // A link may give CSV or a binary package; everything else answers JSON.
        let accept = if exchange.download { "*/*" } else { "application/json" };
        let mut request = self.http.request(method.clone(), url.clone()).header(ACCEPT, accept);
        if url.origin() == self.api_root.origin() {
            request = request.header("X-API-Key", self.key.expose());
        }
        if !exchange.transfer {
            request = request.timeout(self.timeouts.request);
        }
        match body {
            None => request,
            Some(Body::Json(body)) => request.json(body),
            Some(Body::Form(parts)) => request.multipart(form(parts, progress)),
        }
    }
}

/// Reads the whole body, recording its progress: a body cut short is a transport error like a
/// refused connection.
async fn read_response(mut response: reqwest::Response, progress: &Progress) -> Result<Response, reqwest::Error> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        progress.moved();
        body.extend_from_slice(&chunk);
    }
    Ok(Response { status, headers, body })
}

impl Response {
    /// The `Content-Length` the server declared.
    pub fn declared_length(&self) -> Option<u64> {
        self.headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }
}

/// An error and its causes in one line, without the URL (links can carry signed tokens).
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = vec![failure_kind(error)];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// What kind of failure `error` is, in words; reqwest's own text is left out because it names the URL.
fn failure_kind(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer was cut short"
    } else if error.is_request() {
        "the request failed"
    } else {
        "error"
    };
    kind.to_owned()
}
