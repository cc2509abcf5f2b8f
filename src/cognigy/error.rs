//! Errors of the Cognigy client: RFC 7807 and legacy error bodies become typed errors that say
//! which resource and request failed and what the user can do.

use serde_json::Value;

/// The request that failed, for messages: what it was for and its method and path (never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// What was being read or written, e.g. `chart of flow "Main" (de-DE)`.
    pub resource: String,
    /// `GET /new/v2.0/flows/.../chart?preferredLocaleId=...`
    pub request: String,
}

impl std::fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.resource, self.request)
    }
}

/// The error body Cognigy sent, in either shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiProblem {
    pub title: Option<String>,
    pub detail: Option<String>,
    pub trace_id: Option<String>,
    /// An HTTP status or a Cognigy code (1000 missing argument, 1002 not found, ...).
    pub code: Option<i64>,
}

impl ApiProblem {
    /// Reads `{type,title,detail,traceId,code,...}` or `{error:{code,message}}`; anything else
    /// (HTML from a proxy, an empty body) gives an empty problem.
    pub fn parse(body: &[u8]) -> ApiProblem {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return ApiProblem::default();
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let code = |v: &Value| {
            v.get("code")
                .and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()))
        };
        match value.get("error") {
            Some(legacy) if legacy.is_object() => ApiProblem {
                title: text(legacy, "name").or_else(|| text(legacy, "title")),
                detail: text(legacy, "message"),
                trace_id: text(legacy, "traceId").or_else(|| text(&value, "traceId")),
                code: code(legacy),
            },
            _ => ApiProblem {
                title: text(&value, "title"),
                detail: text(&value, "detail").or_else(|| text(&value, "message")),
                trace_id: text(&value, "traceId"),
                code: code(&value),
            },
        }
    }
}

impl std::fmt::Display for ApiProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<&str> = [self.title.as_deref(), self.detail.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            write!(f, ": {}", parts.join(": "))?;
        }
        if let Some(trace) = &self.trace_id {
            write!(f, " (traceId {trace})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Cognigy answered with an error status (after retries, where retrying made sense).
    #[error("Cognigy answered {status} for {request}{problem}. {hint}")]
    Api {
        status: u16,
        problem: Box<ApiProblem>,
        request: RequestInfo,
        hint: &'static str,
    },

    /// No answer: connection refused, reset, timed out, or the body was cut short.
    #[error("no answer from Cognigy for {request}: {reason}. {hint}")]
    Transport {
        request: RequestInfo,
        reason: String,
        hint: &'static str,
    },

    /// An API request was redirected to another origin: the key is never sent there.
    #[error(
        "Cognigy redirected {request} to {to}, another origin than cognigy-base-url, so it was not sent on (the API key goes only to cognigy-base-url). Check cognigy-base-url: it must be the API host itself, e.g. https://api-app.cognigy.ai (with https:// where the server redirects http:// to it)."
    )]
    Redirected { request: RequestInfo, to: String },

    /// An answer that is not what the API documents.
    #[error("unexpected answer from Cognigy for {request}: {what}")]
    Unexpected { request: RequestInfo, what: String },

    /// A long-running task ended in `error` or `cancelled`, or did not end in time.
    #[error("the Cognigy task for {resource} ({task_id}) {outcome}")]
    Task {
        resource: String,
        task_id: String,
        outcome: String,
    },

    /// A write was given something of the wrong shape (a damaged snapshot file): nothing was sent.
    #[error(
        "cannot write {resource}: {what}, so nothing was sent. The snapshot's file for it is damaged or was edited by hand; restore from another snapshot."
    )]
    Unwritable { resource: String, what: String },

    /// A write the API cannot take or that would do harm (a kind without an update, credentials
    /// the backup redacted): nothing was sent. `why` says what to do instead.
    #[error("cannot write {resource}: {why}; nothing was sent")]
    NotWritable { resource: String, why: String },

    /// The project holds as many native snapshots as Cognigy allows, so an upload cannot add one.
    #[error(
        "the project already holds {existing} native snapshots, the most Cognigy allows, so the snapshot package cannot be uploaded. Delete a snapshot of the project in Cognigy (Deploy > Snapshots), then run the restore again."
    )]
    SnapshotCap { existing: usize },

    /// The client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What the user can do about a status.
pub fn hint_for_status(status: u16, about_project: bool) -> &'static str {
    match status {
        401 | 403 => {
            "Check cognigy-api-key: it must be a valid API key of a user who can read this project (and the key must belong to this Cognigy environment)."
        }
        404 if about_project => {
            "Check cognigy-project-id (the 24-hex-digit id in the project's URL) and that cognigy-base-url is the API host of the environment that holds it."
        }
        400 if about_project => "Check cognigy-project-id: Cognigy refused it as malformed.",
        404 => "The resource was removed while the backup ran, or cognigy-api-prefix is wrong; run the backup again.",
        429 => {
            "Cognigy kept rate-limiting the run: lower requests-per-second (the SaaS limit is 1,000 requests per 5 minutes per address, shared by everything you run from it)."
        }
        408 | 500..=599 => {
            "Cognigy had a server error or timed out on every attempt; try again later, and check Cognigy's status page if it persists."
        }
        _ => {
            "Check the inputs for this project; if they are right, this may be a Cognigy bug worth reporting with the traceId."
        }
    }
}

/// The hint for a request that got no answer.
pub const TRANSPORT_HINT: &str = "Check cognigy-base-url (the API host, e.g. https://api-app.cognigy.ai, not the UI host) and that the runner can reach it.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_shapes_are_read() {
        let rfc = br#"{"type":"about:blank","title":"Not Found","detail":"Flow not found","status":404,"traceId":"t-1","code":1002}"#;
        assert_eq!(
            ApiProblem::parse(rfc),
            ApiProblem {
                title: Some("Not Found".into()),
                detail: Some("Flow not found".into()),
                trace_id: Some("t-1".into()),
                code: Some(1002)
            }
        );
        let legacy = br#"{"error":{"code":1008,"message":"internal error","name":"ServerError"}}"#;
        assert_eq!(
            ApiProblem::parse(legacy),
            ApiProblem {
                title: Some("ServerError".into()),
                detail: Some("internal error".into()),
                trace_id: None,
                code: Some(1008)
            }
        );
        assert_eq!(ApiProblem::parse(b"<html>bad gateway</html>"), ApiProblem::default());
    }

    #[test]
    fn messages_name_the_request_and_say_what_to_do() {
        let err = Error::Api {
            status: 401,
            problem: Box::new(ApiProblem {
                title: Some("Unauthorized".into()),
                trace_id: Some("abc".into()),
                ..Default::default()
            }),
            request: RequestInfo {
                resource: "project".into(),
                request: "GET /new/v2.0/projects/p".into(),
            },
            hint: hint_for_status(401, true),
        };
        let text = err.to_string();
        assert!(
            text.starts_with(
                "Cognigy answered 401 for project (GET /new/v2.0/projects/p): Unauthorized (traceId abc)."
            ),
            "{text}"
        );
        assert!(text.contains("Check cognigy-api-key"), "{text}");
        assert!(hint_for_status(404, true).contains("cognigy-project-id"));
        assert!(hint_for_status(429, false).contains("lower requests-per-second"));
    }
}
