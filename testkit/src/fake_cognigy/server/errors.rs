//! Error answers in Cognigy's two shapes: RFC 7807 `{type,title,detail,instance,status,traceId,code,
//! details}` and the legacy `{error:{code,message,traceId}}`.
//!
//! Handlers return an [`ApiError`]; it travels out as a response extension and the request-recording
//! middleware renders it, since only that layer knows the path (`instance`) and the trace id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_cognigy::options::ErrorShape;

/// Cognigy error codes (an HTTP status is used where Cognigy has none).
pub mod code {
    pub const MISSING_ARGUMENT: u32 = 1000;
    pub const NOT_FOUND: u32 = 1002;
    pub const CONFLICT: u32 = 1004;
    pub const INVALID_ARGUMENT: u32 = 1005;
}

/// An error answer, not yet rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub detail: String,
    pub shape: ErrorShape,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            shape: ErrorShape::Rfc7807,
        }
    }

    /// An error whose code is its HTTP status (401, 403, 429, injected 5xx...).
    pub fn plain(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::new(status, u32::from(status.as_u16()), detail)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            code::NOT_FOUND,
            format!("The {what} with id '{id}' does not exist."),
        )
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code::INVALID_ARGUMENT, detail)
    }

    pub fn missing(argument: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            code::MISSING_ARGUMENT,
            format!("The argument '{argument}' is missing."),
        )
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code::CONFLICT, detail)
    }

    pub fn with_shape(self, shape: ErrorShape) -> Self {
        Self { shape, ..self }
    }

    /// The JSON body, for a request to `instance` traced as `trace_id`.
    pub fn body(&self, instance: &str, trace_id: &str) -> Value {
        let title = self.status.canonical_reason().unwrap_or("Error");
        match self.shape {
            ErrorShape::Rfc7807 => json!({
                "type": format!("https://docs.cognigy.com/errors/{}", self.code),
                "title": title,
                "detail": self.detail,
                "instance": instance,
                "status": self.status.as_u16(),
                "traceId": trace_id,
                "code": self.code,
                "details": {},
            }),
            ErrorShape::Legacy => json!({
                "error": { "code": self.code, "message": format!("{title}: {}", self.detail), "traceId": trace_id },
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Shorthand for handler results.
pub type ApiResult<T = Response> = Result<T, ApiError>;
