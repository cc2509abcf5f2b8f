//! The run's one rate limiter: a token bucket of one token refilled `requests-per-second` times a
//! second, shared by every request of every resource kind. A 429 pauses everyone, those already
//! waiting for their slot included: the server's limit is per source address, so one request told
//! to wait means all of them should.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// After a 429 the rate halves, at most down to this share of the configured rate; each answered
/// request then wins back this share of it (additive increase, multiplicative decrease), so a
/// server whose limit is below `requests-per-second` settles near its limit instead of answering
/// 429 to every burst.
const MIN_SHARE: f64 = 1.0 / 16.0;
const RECOVERY_SHARE: f64 = 1.0 / 200.0;

#[derive(Debug)]
pub struct RateLimiter {
    /// The configured rate: never exceeded.
    max_rate: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    rate: f64,
    next: Instant,
    /// The end of the latest `Retry-After` pause: the 429s of requests that were in flight together
    /// halve the rate once, not once each.
    paused_until: Instant,
}

impl RateLimiter {
    /// A limiter admitting `per_second` requests a second, evenly spaced.
    pub fn new(per_second: f64) -> Self {
        let now = Instant::now();
        RateLimiter {
            max_rate: per_second,
            state: Mutex::new(State {
                rate: per_second,
                next: now,
                paused_until: now,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for this request's slot. A 429 that arrives while the request waits holds it back
    /// too: at its slot it takes a new one if a pause began meanwhile and has not ended.
    pub async fn acquire(&self) {
        loop {
            let slot = {
                let mut state = self.state();
                let slot = state.next.max(Instant::now());
                state.next = slot + Duration::from_secs_f64(1.0 / state.rate);
                slot
            };
            tokio::time::sleep_until(slot).await;
            if Instant::now() >= self.state().paused_until {
                return;
            }
        }
    }

    /// The server answered: win back some of the rate lost to earlier 429s.
    pub fn answered(&self) {
        let mut state = self.state();
        state.rate = (state.rate + self.max_rate * RECOVERY_SHARE).min(self.max_rate);
    }

    /// The server said 429: hold every later request back until `wait` has passed (its
    /// `Retry-After`), and halve the rate (once per pause).
    pub fn rate_limited(&self, wait: Duration) {
        let now = Instant::now();
        let until = now + wait;
        let mut state = self.state();
        if now >= state.paused_until {
            state.rate = (state.rate / 2.0).max(self.max_rate * MIN_SHARE);
        }
        state.paused_until = state.paused_until.max(until);
        state.next = state.next.max(until);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_already_waiting_for_their_slot_wait_out_a_later_retry_after() {
        let limiter = Arc::new(RateLimiter::new(4.0));
        let start = Instant::now();
        let waiting: Vec<_> = (0..5)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire().await;
                    start.elapsed()
                })
            })
            .collect();
        // Slots at 0, 250, ..., 1000 ms were handed out; at 100 ms a 429 says to wait 2 s.
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.rate_limited(Duration::from_secs(2));
        let mut left = Vec::new();
        for task in waiting {
            left.push(task.await.unwrap());
        }
        left.sort();
        assert_eq!(left[0], Duration::ZERO, "the first request left before the 429");
        for (n, at) in left.iter().enumerate().skip(1) {
            assert!(
                *at >= Duration::from_millis(2100),
                "request {n} left at {at:?}, inside the pause"
            );
        }
        assert_eq!(
            left[4] - left[1],
            Duration::from_millis(1500),
            "then spaced at half the rate: 2 a second"
        );
    }

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
        limiter.rate_limited(Duration::from_secs(3));
        limiter.rate_limited(Duration::from_secs(3));
        limiter.acquire().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(4000),
            "everyone waits out the Retry-After"
        );
        limiter.acquire().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(4500),
            "then at half the rate, halved once per pause"
        );
        for _ in 0..200 {
            limiter.answered();
        }
        limiter.acquire().await;
        let before = start.elapsed();
        limiter.acquire().await;
        assert_eq!(
            start.elapsed() - before,
            Duration::from_millis(250),
            "answers win the rate back, never above the cap"
        );
    }
}
