//! Transfers bounded by progress, not by a fixed time: a native snapshot package (up to 256 MB)
//! may take long to move, but it fails once no byte has moved for a while. [`Progress`] records
//! the last byte moved, in either direction; [`bounded`] ends a transfer that stalls;
//! [`upload_body`] is a file part's body that records each piece the connection takes.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt};
use tokio::time::Instant;

/// The size of the pieces an upload is handed to the connection in.
const PIECE: usize = 64 * 1024;

/// When a transfer last moved a byte.
#[derive(Debug)]
pub struct Progress {
    start: Instant,
    /// Milliseconds from `start` to the last movement.
    last: AtomicU64,
}

impl Progress {
    pub fn new() -> Arc<Progress> {
        Arc::new(Progress {
            start: Instant::now(),
            last: AtomicU64::new(0),
        })
    }

    /// Bytes moved just now.
    pub fn moved(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    /// How long nothing has moved.
    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// `transfer`'s output, or `Err(stall)` once `progress` records no movement for `stall`.
pub async fn bounded<F: Future>(transfer: F, progress: &Progress, stall: Duration) -> Result<F::Output, Duration> {
    tokio::pin!(transfer);
    loop {
        let left = stall.saturating_sub(progress.idle());
        tokio::select! {
            output = &mut transfer => return Ok(output),
            () = tokio::time::sleep(left) => {
                if progress.idle() >= stall {
                    return Err(stall);
                }
            }
        }
    }
}

/// The bytes of an upload as a body of [`PIECE`]-sized pieces; each piece the connection asks for
/// means the one before was sent, and is recorded in `progress`.
pub fn upload_body(bytes: Arc<[u8]>, progress: Arc<Progress>) -> reqwest::Body {
    reqwest::Body::wrap_stream(pieces(bytes, progress))
}

fn pieces(bytes: Arc<[u8]>, progress: Arc<Progress>) -> impl Stream<Item = Result<Vec<u8>, Infallible>> {
    let pieces = (0..bytes.len().div_ceil(PIECE)).map(move |n| {
        let end = ((n + 1) * PIECE).min(bytes.len());
        bytes[n * PIECE..end].to_vec()
    });
    stream::iter(pieces).map(move |piece| {
        progress.moved();
        Ok(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STALL: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_transfer_that_keeps_moving_outlasts_the_stall_bound() {
        let progress = Progress::new();
        let moving = async {
            for _ in 0..10 {
                tokio::time::sleep(STALL / 2).await;
                progress.moved();
            }
            "done"
        };
        assert_eq!(bounded(moving, &progress, STALL).await, Ok("done"));
        assert!(progress.start.elapsed() >= STALL * 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_transfer_that_stops_moving_fails_after_the_stall_bound() {
        let progress = Progress::new();
        let stalling = async {
            tokio::time::sleep(STALL / 2).await;
            progress.moved();
            std::future::pending::<()>().await
        };
        assert_eq!(bounded(stalling, &progress, STALL).await, Err(STALL));
        let took = progress.start.elapsed();
        assert!(took >= STALL * 3 / 2 && took < STALL * 2, "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_upload_body_records_each_piece_taken() {
        let progress = Progress::new();
        let bytes: Arc<[u8]> = vec![7u8; PIECE * 2 + 5].into();
        tokio::time::advance(STALL).await;
        assert!(progress.idle() >= STALL);
        let mut stream = std::pin::pin!(pieces(bytes, progress.clone()));
        let mut total = 0;
        while let Some(piece) = stream.next().await {
            total += piece.unwrap().len();
            assert_eq!(progress.idle(), Duration::ZERO);
        }
        assert_eq!(total, PIECE * 2 + 5);
    }
}
