//! How the fake behaves beyond its data: prefix, key, latency, rate limit, faults, task pacing and
//! failures, snapshot download quirks, incomplete native restores, platform features that are missing or not licensed, the
//! audit trail's retention and the share of events it misses.

use std::time::Duration;

/// Server behaviour. `Options::default()` is a healthy, fast, unlimited server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Path prefix of the API (default `/new/v2.0`); everything else answers 404.
    pub prefix: String,
    /// The one accepted `X-API-Key`.
    pub api_key: String,
    /// Slept (without blocking other requests) before answering each request.
    pub latency: Duration,
    /// A fixed-window request limit; `None` = unlimited.
    pub rate_limit: Option<RateLimit>,
    /// Faults injected into matching requests, tried in order.
    pub faults: Vec<Fault>,
    /// `GET /tasks/{id}` calls a task takes to reach its end (the first ones answer `active`); default 2.
    pub task_polls: u32,
    /// Tasks that end in `error` or `cancelled` instead of `done`.
    pub task_failures: Vec<TaskFailure>,
    /// The first this many snapshot downloads answer a short placeholder body (complete, 200).
    pub snapshot_placeholder_downloads: u32,
    /// The next this many snapshot downloads declare the full length but send only part, then close.
    pub snapshot_cut_short_downloads: u32,
    /// The first this many native restores leave out the last flow of the snapshot, yet end `done`:
    /// an incomplete restore that only a new export shows.
    pub incomplete_restores: u32,
    /// Features this platform lacks (404: an older version) or this key may not use (403: a
    /// licence or role): every route of the feature answers that status.
    pub unavailable: Vec<(Feature, u16)>,
    /// How long the audit trail keeps an event, by the fake's clock (default 30 days, Cognigy's).
    pub audit_retention: Duration,
    /// Leave every n-th change out of the audit trail (`None`: record all), as a trail that misses
    /// some would.
    pub audit_drop_every: Option<u32>,
}

/// A part of the platform that a version, a licence or a role may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    AiAgents,
    Functions,
    Llms,
    /// Knowledge stores, their sources and chunks.
    KnowledgeAi,
    Playbooks,
    Snippets,
    Milestones,
    AiCopilot,
    HandoverProviders,
    /// Contact profiles, and with them the profile schema.
    ContactProfiles,
    YesNoIntents,
    /// The audit trail (`/auditevents`): for a key of a user without the `admin` or
    /// `fullUserSupport` role, 403.
    AuditTrail,
}

impl Feature {
    /// The path segment (under the API prefix) its routes share.
    fn segment(self) -> &'static str {
        match self {
            Feature::AiAgents => "aiagents",
            Feature::Functions => "functions",
            Feature::Llms => "largelanguagemodels",
            Feature::KnowledgeAi => "knowledgestores",
            Feature::Playbooks => "playbooks",
            Feature::Snippets => "snippets",
            Feature::Milestones => "milestones",
            Feature::AiCopilot => "aicopilotconfigs",
            Feature::HandoverProviders => "handover",
            Feature::ContactProfiles => "profiles",
            Feature::YesNoIntents => "yesnointents",
            Feature::AuditTrail => "auditevents",
        }
    }

    /// Whether `path` (under the prefix) is one of its routes.
    pub(crate) fn covers(self, path: &str) -> bool {
        path.split('/').any(|segment| segment == self.segment())
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            prefix: "/new/v2.0".to_owned(),
            api_key: "fake-cognigy-api-key-0123456789".to_owned(),
            latency: Duration::ZERO,
            rate_limit: None,
            faults: Vec::new(),
            task_polls: 2,
            task_failures: Vec::new(),
            snapshot_placeholder_downloads: 0,
            snapshot_cut_short_downloads: 0,
            incomplete_restores: 0,
            unavailable: Vec::new(),
            audit_retention: Duration::from_secs(30 * 86_400),
            audit_drop_every: None,
        }
    }
}

impl Options {
    /// An older platform without AI agents (their list answers 404).
    pub fn platform_without_ai_agents() -> Self {
        Self::default().without(Feature::AiAgents, 404)
    }

    /// These options on a platform where `feature` answers `status` (403 or 404).
    pub fn without(mut self, feature: Feature, status: u16) -> Self {
        self.unavailable.push((feature, status));
        self
    }
}

/// At most `requests` answered requests per `window`; the rest get 429 until the window ends.
/// Refused requests do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
    pub retry_after: RetryAfter,
}

/// The form of the `Retry-After` header on a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Whole seconds until the window ends (rounded up, at least 1).
    Seconds,
    /// The end of the window as an HTTP date.
    HttpDate,
}

/// Which requests a fault applies to, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Upper-case HTTP method, or `None` for any.
    pub method: Option<String>,
    /// A substring of the request path (prefix included); empty matches every path.
    pub path_contains: String,
    /// Matching requests affected; `None` = every one, forever.
    pub times: Option<u32>,
    pub kind: FaultKind,
}

/// What a fault does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status with an error body of the given shape.
    Status(u16, ErrorShape),
    /// Close the connection without answering.
    DropConnection,
    /// Answer normally but send only half the body under the full `Content-Length`, then close.
    CutShortBody,
    /// Answer normally after this long (a slow server: nothing is sent meanwhile).
    Delay(Duration),
    /// Answer normally, but send the body in [`SLOW_PIECES`] pieces with this pause before each
    /// (a slow link that keeps moving).
    SlowBody(Duration),
}

/// The pieces a [`FaultKind::SlowBody`] is sent in.
pub const SLOW_PIECES: usize = 8;

/// The two error body shapes Cognigy answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorShape {
    /// `{type,title,detail,instance,status,traceId,code,details}`.
    #[default]
    Rfc7807,
    /// `{error:{code,message,traceId}}`.
    Legacy,
}

impl Fault {
    /// Answer `status` (RFC 7807 body) to requests with `method` (`"*"` = any) whose path contains `path`.
    pub fn status(method: &str, path: &str, status: u16) -> Self {
        Self::new(method, path, FaultKind::Status(status, ErrorShape::Rfc7807))
    }

    /// Close the connection without an answer.
    pub fn drop_connection(method: &str, path: &str) -> Self {
        Self::new(method, path, FaultKind::DropConnection)
    }

    /// Send a cut-short body.
    pub fn cut_short(method: &str, path: &str) -> Self {
        Self::new(method, path, FaultKind::CutShortBody)
    }

    /// Answer only after `delay`.
    pub fn delay(method: &str, path: &str, delay: Duration) -> Self {
        Self::new(method, path, FaultKind::Delay(delay))
    }

    /// Send the body in pieces, pausing `pause` before each.
    pub fn slow_body(method: &str, path: &str, pause: Duration) -> Self {
        Self::new(method, path, FaultKind::SlowBody(pause))
    }

    fn new(method: &str, path: &str, kind: FaultKind) -> Self {
        let method = (method != "*").then(|| method.to_ascii_uppercase());
        Self {
            method,
            path_contains: path.to_owned(),
            times: Some(1),
            kind,
        }
    }

    /// Affect the first `n` matching requests (default 1).
    pub fn times(self, n: u32) -> Self {
        Self { times: Some(n), ..self }
    }

    /// Affect every matching request.
    pub fn always(self) -> Self {
        Self { times: None, ..self }
    }

    /// Use the legacy `{error:{code,message}}` body (status faults only).
    pub fn legacy(self) -> Self {
        match self.kind {
            FaultKind::Status(status, _) => Self {
                kind: FaultKind::Status(status, ErrorShape::Legacy),
                ..self
            },
            _ => self,
        }
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.times != Some(0)
            && self.method.as_deref().is_none_or(|m| m == method)
            && path.contains(&self.path_contains)
    }
}

/// Make tasks whose type contains `task_type` (e.g. `"createSnapshot"`, `"exportLexicon"`) fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    pub task_type: String,
    /// Tasks affected; `None` = every one.
    pub times: Option<u32>,
    pub outcome: TaskOutcome,
}

/// How a task ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskOutcome {
    Done,
    /// `status: "error"` with this `failReason`.
    Error(String),
    Cancelled,
}

impl TaskFailure {
    pub fn error(task_type: &str, reason: &str) -> Self {
        Self {
            task_type: task_type.to_owned(),
            times: Some(1),
            outcome: TaskOutcome::Error(reason.to_owned()),
        }
    }

    pub fn cancelled(task_type: &str) -> Self {
        Self {
            task_type: task_type.to_owned(),
            times: Some(1),
            outcome: TaskOutcome::Cancelled,
        }
    }

    pub fn always(self) -> Self {
        Self { times: None, ..self }
    }
}
