//! The run's one rate limiter: a token bucket of one token refilled `requests-per-second` times a
//! second, shared by every request of every resource kind. A 429 pauses everyone: the server's limit
//! is per source address, so one request told to wait means all of them should.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// A limiter admitting `per_second` requests a second, evenly spaced.
    pub fn new(per_second: f64) -> Self {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's slot.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Holds every later request back until `wait` has passed (a `Retry-After`).
    pub fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        *next = (*next).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_by_the_rate_and_a_pause_holds_everyone() {
        let limiter = RateLimiter::new(4.0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(1000),
            "5 slots at 4/s: 0, 250, ..., 1000 ms"
        );
        limiter.pause_for(Duration::from_secs(3));
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(4000));
    }
}
