//! The audit trail as a backup reads it, once per run: back to the previous snapshot's capture
//! time with a margin for clock skew, at most [`MAX_PAGES`] pages. One read serves every part of
//! the run that wants the events: the incremental export's plan ([`since`]) and who made each
//! change ([`Reader`], seeded with that read; a re-applied capture after a lost push race reads
//! again only when the snapshot below it is older than what was read).

use time::{Duration, OffsetDateTime};

use crate::cognigy::audit::{self, Event, Short, Trail, Window};
use crate::cognigy::{Client, Error};

/// Events are read back this much before the previous capture: Cognigy's clock and the runner's
/// may disagree, and an edit made while that snapshot was exported may not be in it.
pub const SKEW: Duration = Duration::minutes(5);

/// At most this many pages of events are read; a longer trail reads everything instead.
pub const MAX_PAGES: usize = 20;

/// The window of a read back to `since`.
fn window(since: OffsetDateTime) -> Window {
    Window {
        since,
        skew: SKEW,
        max_pages: MAX_PAGES,
    }
}

/// The events since `since` (the previous snapshot's capture), or why the trail cannot give them.
pub fn since(runtime: &tokio::runtime::Runtime, client: &Client, since: OffsetDateTime) -> Result<Trail, Error> {
    runtime.block_on(audit::read_since(client, &window(since)))
}

/// The events of a read back to `since`, or why they are not known, in words for the summary.
fn known(since: OffsetDateTime, read: Result<Trail, Error>) -> Result<Vec<Event>, String> {
    let start = crate::modes::summary::rfc3339(window(since).start());
    match read {
        Ok(Trail::Complete(events)) => Ok(events),
        Ok(Trail::Unavailable { why }) => Err(format!("Cognigy's audit trail is {why}")),
        Ok(Trail::TooShort(Short::Expired { oldest: Some(oldest) })) => Err(format!(
            "Cognigy's audit trail does not reach back to {start}: its oldest event is of {} (events expire, after 30 days by default)",
            crate::modes::summary::rfc3339(oldest)
        )),
        Ok(Trail::TooShort(Short::Expired { oldest: None })) => {
            Err(format!("Cognigy's audit trail holds no event back to {start}"))
        }
        Ok(Trail::TooShort(Short::PageBound { pages })) => Err(format!(
            "Cognigy's audit trail holds more than {} events since {start}: it was not read further",
            pages * crate::cognigy::paging::PAGE_SIZE
        )),
        Err(error) => Err(format!("reading Cognigy's audit trail failed: {error}")),
    }
}

/// The trail of one run for the editors of its snapshot: the export's read when there was one,
/// else read when first asked for.
pub struct Reader<'a> {
    runtime: &'a tokio::runtime::Runtime,
    client: &'a Client,
    /// What was read, and since when.
    read: Option<(OffsetDateTime, Result<Vec<Event>, String>)>,
}

impl<'a> Reader<'a> {
    /// A reader that starts from `read`, the trail the export read back to `since`, if any.
    pub fn new(
        runtime: &'a tokio::runtime::Runtime,
        client: &'a Client,
        read: Option<(OffsetDateTime, Trail)>,
    ) -> Self {
        Reader {
            runtime,
            client,
            read: read.map(|(since, trail)| (since, known(since, Ok(trail)))),
        }
    }

    /// The events since `since` (less [`SKEW`]), or why they are not known.
    pub fn since(&mut self, since: OffsetDateTime) -> Result<Vec<Event>, String> {
        match &self.read {
            Some((read_since, result)) if *read_since <= since => result
                .as_ref()
                .map(|events| events.iter().filter(|e| e.at >= since - SKEW).cloned().collect())
                .map_err(Clone::clone),
            _ => {
                let result = known(since, self::since(self.runtime, self.client, since));
                self.read = Some((since, result.clone()));
                result
            }
        }
    }
}
