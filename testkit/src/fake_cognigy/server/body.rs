//! Broken response bodies for injected faults: one that makes the server close the connection before
//! anything is sent, one that declares its full length but sends only half, then closes, and one
//! that trickles in over a slow link.

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures_util::{StreamExt, stream};

use crate::fake_cognigy::options::SLOW_PIECES;

/// A response that never reaches the client: its body fails at once, so the connection is closed
/// before the head is flushed.
pub fn dropped() -> Response {
    let failing = stream::once(async { Err::<Bytes, _>(io::Error::other("connection dropped by fault injection")) });
    Response::new(Body::from_stream(failing))
}

/// `response` with only half its body sent under the full `Content-Length`, then the connection closed.
pub async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = full.slice(..full.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    let chunks = stream::unfold(Some(half), |chunk| async move {
        match chunk {
            Some(chunk) => Some((Ok(chunk), None)),
            None => {
                // Let the server flush what was sent before the failure closes the connection.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Some((Err(io::Error::other("body cut short by fault injection")), None))
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// `response` with its body sent in [`SLOW_PIECES`] pieces, each after `pause`.
pub async fn slow(response: Response, pause: Duration) -> Response {
    let (parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let size = full.len().div_ceil(SLOW_PIECES).max(1);
    let pieces: Vec<Bytes> = (0..full.len())
        .step_by(size)
        .map(|at| full.slice(at..(at + size).min(full.len())))
        .collect();
    let chunks = stream::iter(pieces).then(move |piece| async move {
        tokio::time::sleep(pause).await;
        Ok::<_, io::Error>(piece)
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}
