//! Progress of a long export in the log: reads done of those known so far, the request rate and
//! an estimate of the time left, at most every few seconds.

use std::time::Duration;

use tokio::time::Instant;

use crate::cognigy::client::StatsReport;

const EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    started: Instant,
    last: Instant,
    pub total: usize,
    pub done: usize,
}

impl Progress {
    pub fn new() -> Self {
        let now = Instant::now();
        Progress {
            started: now,
            last: now,
            total: 0,
            done: 0,
        }
    }

    /// Logs a line when enough time has passed since the last one.
    pub fn tick(&mut self, stats: StatsReport) {
        if self.last.elapsed() >= EVERY {
            self.last = Instant::now();
            tracing::info!("{}", self.line(stats));
        }
    }

    /// The closing line.
    pub fn finish(&self, stats: StatsReport) {
        tracing::info!("{}", self.line(stats));
    }

    fn line(&self, stats: StatsReport) -> String {
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = stats.sent as f64 / elapsed;
        let left = self.total.saturating_sub(self.done);
        let per_read = elapsed / self.done.max(1) as f64;
        let eta = Duration::from_secs_f64(per_read * left as f64);
        format!(
            "export: {}/{} reads done, {} requests ({:.1}/s, {} retried, {} rate-limited), about {} left",
            self.done,
            self.total,
            stats.sent,
            rate,
            stats.retried,
            stats.rate_limited,
            human(eta)
        )
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 90 {
        format!("{} min", s.div_ceil(60))
    } else {
        format!("{s} s")
    }
}
