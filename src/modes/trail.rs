//! The audit trail as a backup reads it, once per run: back to the previous snapshot's capture
//! time with a margin for clock skew, at most [`MAX_PAGES`] pages. One read serves every part of
//! the run that wants the events (the incremental export's plan; who made each change).

use time::{Duration, OffsetDateTime};

use crate::cognigy::audit::{self, Trail, Window};
use crate::cognigy::{Client, Error};

/// Events are read back this much before the previous capture: Cognigy's clock and the runner's
/// may disagree.
pub const SKEW: Duration = Duration::minutes(5);

/// At most this many pages of events are read; a longer trail reads everything instead.
pub const MAX_PAGES: usize = 20;

/// The events since `since` (the previous snapshot's capture), or why the trail cannot give them.
pub fn since(runtime: &tokio::runtime::Runtime, client: &Client, since: OffsetDateTime) -> Result<Trail, Error> {
    let window = Window {
        since,
        skew: SKEW,
        max_pages: MAX_PAGES,
    };
    runtime.block_on(audit::read_since(client, &window))
}
